"""A corpus of bad inputs: each one gets its documented exit code, one ``gvc: error:`` line
naming the file (or argument) and the place, and leaves the store as it was.

Every file is written here, at test time, from one tiny integer table (2 countries x 2
sectors, one final-demand category ``FD``), so the whole corpus runs in seconds. The cases
are the ones of issue 11 (bad input that got through, crashed or was reported misleadingly)
plus the ones handled before it.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import errors_only

from gvc.cli import main

HEADER = "year,row_country,row_sector,col_country,col_item,value"
COUNTRIES = ("AAA", "BBB")
SECTORS = ("s1", "s2")
NODES = [(c, s) for c in COUNTRIES for s in SECTORS]


def clean_rows(year: int = 2000) -> list[list[str]]:
    """The clean table's cells, one list of fields a line (line k + 2 of the file is row k).

    Z[i, j] = 40 + 7 i + 3 j and Y[i, g] = 200 + 10 i: whole numbers, productive (column sums
    of A well below 1), every row balanced by construction (output is the row sum).
    """
    rows = []
    for i, (c, s) in enumerate(NODES):
        for j, (c2, s2) in enumerate(NODES):
            rows.append([str(year), c, s, c2, s2, str(40 + 7 * i + 3 * j)])
        for g in COUNTRIES:
            rows.append([str(year), c, s, g, "FD", str(200 + 10 * i)])
    return rows


def row_sum(i: int) -> int:
    return sum(40 + 7 * i + 3 * j for j in range(len(NODES))) + len(COUNTRIES) * (200 + 10 * i)


def write_csv(path: Path, rows: list[list[str]], header: str = HEADER, sep: str = ",") -> Path:
    text = "\n".join([header.replace(",", sep)] + [sep.join(r) for r in rows]) + "\n"
    path.write_text(text)
    return path


def line_of(rows: list[list[str]], pred: Callable[[list[str]], bool]) -> int:
    """File line (header = 1) of the first row matching ``pred``."""
    return next(k for k, r in enumerate(rows) if pred(r)) + 2


def _set(rows, k, field, value):
    rows = [list(r) for r in rows]
    rows[k][field] = value
    return rows


# ------------------------------------------------------------------ the cases


@dataclass
class Case:
    """``make(tmp)`` writes the input and returns the extra CLI arguments; the error line must
    hold every string of ``says`` (file name and place), and the exit code be ``rc``."""

    id: str
    make: Callable[[Path], tuple[list[str], list[str]]]
    rc: int


def ingest(path: Path, *extra: str) -> list[str]:
    return ["ingest", str(path), "--dataset", "bad", "--unit", "USD million", *extra]


def c_negative(tmp):
    p = write_csv(tmp / "neg_2000.csv", _set(clean_rows(), 1, 5, "-5"))
    return ingest(p), ["neg_2000.csv", "negative", "AAA/s1", "AAA/s2"]


def c_nan(tmp):
    rows = _set(clean_rows(), 4, 5, "")
    p = write_csv(tmp / "nan_2000.csv", rows)
    return ingest(p), ["nan_2000.csv", "line 6", "column value", "empty"]


def c_truncated_mid_line(tmp):
    rows = clean_rows()
    text = "\n".join([HEADER] + [",".join(r) for r in rows])
    cut = text[: text.rindex(",") + 1]  # the last line loses its value
    p = tmp / "cut_2000.csv"
    p.write_text(cut)
    return ingest(p), ["cut_2000.csv", f"line {len(rows) + 1}", "truncated"]


def c_ragged(tmp):
    rows = clean_rows()
    rows[6] = rows[6][:4]
    p = write_csv(tmp / "ragged_2000.csv", rows)
    return ingest(p), ["ragged_2000.csv", "line 8", "fields"]


def c_duplicate(tmp):
    rows = clean_rows()
    p = write_csv(tmp / "dup_2000.csv", rows + [rows[3]])
    return ingest(p), ["dup_2000.csv", "duplicate"]


def c_unknown_country(tmp):
    p = write_csv(tmp / "cty_2000.csv", _set(clean_rows(), 3, 1, "XXX"))
    return ingest(p), ["cty_2000.csv", "XXX", "row_country"]


def c_decimal_comma(tmp):
    rows = clean_rows()
    rows[2][5] = '"41,5"'
    p = write_csv(tmp / "comma_2000.csv", rows)
    return ingest(p), ["comma_2000.csv", "line 4", "decimal comma", "41,5"]


def c_text_value(tmp):
    rows = clean_rows()
    rows[7][5] = "n/a (see note)"
    p = write_csv(tmp / "text_2000.csv", rows)
    return ingest(p), ["text_2000.csv", "line 9", "n/a (see note)"]


def c_year_text(tmp):
    rows = _set(clean_rows(), 5, 0, "20x1")
    p = write_csv(tmp / "year.csv", rows)
    return ingest(p), ["year.csv", "line 7", "column year", "20x1"]


def c_no_year(tmp):
    rows = [r[1:] for r in clean_rows()]
    p = write_csv(tmp / "table.csv", rows, header=HEADER.split(",", 1)[1])
    return ingest(p), ["table.csv", "--year"]


def c_suffix(tmp):
    p = write_csv(tmp / "table_2000.xyz", clean_rows())
    return ingest(p), ["table_2000.xyz", "--format"]


def c_semicolon(tmp):
    p = write_csv(tmp / "semi_2000.csv", clean_rows(), sep=";")
    return ["ingest", str(p), "--unit", "USD million"], ["semi_2000.csv", "semicolons"]


def c_semicolon_long(tmp):
    p = write_csv(tmp / "semi_2000.csv", clean_rows(), sep=";")
    return ingest(p, "--format", "long"), ["semi_2000.csv", "semicolons"]


def c_binary(tmp):
    p = tmp / "junk_2000.csv"
    p.write_bytes(bytes(range(256)) * 8)
    return ingest(p), ["junk_2000.csv", "not a text file", "byte 0"]


def c_binary_parquet(tmp):
    p = tmp / "junk_2000.parquet"
    p.write_bytes(b"PAR1" + bytes(range(256)) * 4)
    return ingest(p), ["junk_2000.parquet", "not a readable parquet"]


def c_empty(tmp):
    p = tmp / "empty_2000.csv"
    p.write_text("")
    return ingest(p), ["empty_2000.csv", "empty"]


def c_header_only(tmp):
    p = write_csv(tmp / "head_2000.csv", [])
    return ingest(p), ["head_2000.csv", "no data rows"]


def c_missing(tmp):
    return ingest(tmp / "nope_2000.csv"), ["nope_2000.csv", "no such file"]


def c_mistyped_sector(tmp):
    rows = clean_rows()
    k = next(k for k, r in enumerate(rows) if r[3:5] == ["BBB", "s2"])
    p = write_csv(tmp / "typo_2000.csv", _set(rows, k, 4, "S2"))
    return ingest(p), ["typo_2000.csv", "'S2'", "'s2'", "AAA/s1"]


def c_all_zero(tmp):
    rows = [r[:5] + ["0"] for r in clean_rows()]
    p = write_csv(tmp / "zero_2000.csv", rows)
    return ingest(p), ["zero_2000.csv", "every", "zero"]


def c_overflow(tmp):
    rows = _set(clean_rows(), 2, 5, "1.7e308")
    rows = _set(rows, 3, 5, "1.7e308")
    p = write_csv(tmp / "huge_2000.csv", rows)
    return ingest(p), ["huge_2000.csv", "too large", "AAA/s1"]


def _dir_with_output(tmp, name, factor):
    d = tmp / name
    d.mkdir()
    write_csv(d / "cells_2000.csv", clean_rows())
    out = pd.DataFrame(
        {
            "year": 2000,
            "country": [c for c, _ in NODES],
            "sector": [s for _, s in NODES],
            "output": [row_sum(i) for i in range(len(NODES))],
        }
    )
    out.loc[0, "output"] = round(out.loc[0, "output"] * factor)
    out.to_csv(d / "output.csv", index=False)
    return d


def c_unbalanced_small_units(tmp):
    # node AAA/s1 reports 20 % more output than its row sum (578): a gap of 116 units, under
    # the fixed 200-unit allowance that used to let it through
    d = _dir_with_output(tmp, "unbal", 1.2)
    return ingest(d), [str(d.name), "balance", "AAA/s1"]


def c_output_text(tmp):
    d = _dir_with_output(tmp, "outtext", 1.0)
    text = (d / "output.csv").read_text().splitlines()
    text[2] = text[2].rsplit(",", 1)[0] + ",abc"
    (d / "output.csv").write_text("\n".join(text) + "\n")
    return ingest(d), ["output.csv", "line 3", "column output", "'abc'"]


def c_negative_row_sum(tmp):
    # no output file: x = Z 1 + Y 1, negative for a node whose inventories run down
    rows = clean_rows()
    rows = [r for r in rows if not (r[1:3] == ["BBB", "s2"])]
    rows.append(["2000", "BBB", "s2", "AAA", "s1", "1"])
    rows.append(["2000", "BBB", "s2", "AAA", "FD", "-30"])
    p = write_csv(tmp / "wiot_2000.csv", rows)
    return ingest(p), ["wiot_2000.csv", "BBB/s2", "row sum", "gives no output"]


def c_bad_unit(tmp):
    p = write_csv(tmp / "unit_2000.csv", clean_rows())
    return ["ingest", str(p), "--dataset", "bad", "--unit", "furlongs"], ["furlongs"]


def c_year_absent(tmp):
    p = write_csv(tmp / "t_2000.csv", clean_rows())
    return ingest(p, "--year", "1999"), ["t_2000.csv", "1999"]


def c_sql_empty(tmp):
    return ["sql", ""], ["empty query"]


def c_sql_bad(tmp):
    return ["sql", "SELECT * FROM no_such_view"], ["no_such_view"]


def c_decompose_importer(tmp):
    return (
        ["decompose", "--method", "wwz", "--dataset", "good", "--exporter", "AAA"]
        + ["--importer", "XYZ"],
        ["--importer", "'XYZ'"],
    )


def c_decompose_year(tmp):
    return (
        ["decompose", "--method", "kww", "--dataset", "good", "--exporter", "AAA"]
        + ["--year", "1890"],
        ["--year 1890", "2000"],
    )


def c_decompose_exporter(tmp):
    return (
        ["decompose", "--method", "kww", "--dataset", "good", "--exporter", "ZZZ"],
        ["'ZZZ'"],
    )


def c_decompose_dataset(tmp):
    return (
        ["decompose", "--method", "kww", "--dataset", "nope", "--exporter", "AAA"],
        ["'nope'", "not in the store"],
    )


def c_flags_year(tmp):
    return ["flags", "--dataset", "good", "--year", "1890"], ["--year 1890", "2000"]


def c_flags_dataset(tmp):
    return ["flags", "--dataset", "nope"], ["'nope'"]


CASES = [
    Case("negative", c_negative, 2),
    Case("nan", c_nan, 2),
    Case("truncated-mid-line", c_truncated_mid_line, 2),
    Case("ragged-row", c_ragged, 2),
    Case("duplicate", c_duplicate, 2),
    Case("unknown-country", c_unknown_country, 2),
    Case("decimal-comma", c_decimal_comma, 2),
    Case("text-value", c_text_value, 2),
    Case("year-not-a-number", c_year_text, 2),
    Case("no-year", c_no_year, 2),
    Case("unknown-suffix", c_suffix, 2),
    Case("semicolons-auto", c_semicolon, 2),
    Case("semicolons-long", c_semicolon_long, 2),
    Case("binary-csv", c_binary, 2),
    Case("binary-parquet", c_binary_parquet, 2),
    Case("empty-file", c_empty, 2),
    Case("header-only", c_header_only, 2),
    Case("missing-file", c_missing, 2),
    Case("mistyped-sector-code", c_mistyped_sector, 2),
    Case("all-zero", c_all_zero, 2),
    Case("overflow", c_overflow, 2),
    Case("unbalanced-small-units", c_unbalanced_small_units, 2),
    Case("output-not-a-number", c_output_text, 2),
    Case("negative-row-sum-output", c_negative_row_sum, 2),
    Case("unknown-unit", c_bad_unit, 2),
    Case("year-not-in-file", c_year_absent, 2),
    Case("sql-empty", c_sql_empty, 2),
    Case("sql-unknown-view", c_sql_bad, 4),
    Case("decompose-unknown-importer", c_decompose_importer, 2),
    Case("decompose-year-not-stored", c_decompose_year, 3),
    Case("decompose-unknown-exporter", c_decompose_exporter, 2),
    Case("decompose-unknown-dataset", c_decompose_dataset, 3),
    Case("flags-year-not-stored", c_flags_year, 3),
    Case("flags-unknown-dataset", c_flags_dataset, 3),
]


def snapshot(db: Path) -> dict[str, str]:
    """Every table of the store with a digest of its sorted rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
            ).fetchall()
        ]
        out = {}
        for n in names:
            rows = con.execute(f"SELECT * FROM {n}").fetchall()
            out[n] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    """A store holding the clean table as dataset ``good``, core results computed."""
    tmp = tmp_path_factory.mktemp("corpus")
    p = write_csv(tmp / "good_2000.csv", clean_rows())
    db = tmp / "good.duckdb"
    assert (
        main(["ingest", str(p), "--dataset", "good", "--unit", "USD million", "--db", str(db)]) == 0
    )
    assert main(["run", "--db", str(db), "--steps", "core"]) == 0
    return db


def test_clean_table_loads(good_store):
    """The corpus' base table is good: the failures below come from the mutations alone."""
    con = duckdb.connect(str(good_store), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM tables").fetchall() == [(1,)]
    finally:
        con.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path, capsys, good_store):
    db = tmp_path / "s.duckdb"
    shutil.copy(good_store, db)
    before = snapshot(db)
    capsys.readouterr()
    argv, says = case.make(tmp_path)
    rc = main([*argv, "--db", str(db)])
    err = errors_only(capsys.readouterr().err)
    lines = [ln for ln in err.splitlines() if not ln.startswith("warning:")]
    assert rc == case.rc, err
    assert len(lines) == 1 and lines[0].startswith("gvc: error: "), err
    assert "internal error" not in err
    assert err.isprintable() or "\n" not in err.strip()
    for s in says:
        assert s in lines[0], (s, lines[0])
    assert snapshot(db) == before


def test_singular_names_the_node(tmp_path, capsys):
    """A singular I - A is exit 5 naming the node by its labels, not a pivot position; the
    failed run leaves the store as the ingest left it."""
    rows = [
        ["2000", "AAA", "s1", "AAA", "s1", "10"],
        ["2000", "AAA", "s2", "AAA", "s2", "1"],
        ["2000", "AAA", "s2", "AAA", "FD", "9"],
    ]
    p = write_csv(tmp_path / "sing_2000.csv", rows)
    db = tmp_path / "s.duckdb"
    assert main(["ingest", str(p), "--db", str(db), "--unit", "USD million"]) == 0
    before = snapshot(db)
    capsys.readouterr()
    rc = main(["run", "--db", str(db), "--steps", "core"])
    err = errors_only(capsys.readouterr().err)
    assert rc == 5, err
    assert len(err.splitlines()) == 1 and "singular" in err and "AAA/s1" in err, err
    assert "sing_2000.csv" in err and "pivot at position" not in err
    assert snapshot(db) == before


def test_zero_output_country_is_kept_with_a_warning(tmp_path, capsys):
    """A country with zero output in every sector (GLORIA's dummy region DYE is one) loads,
    with a warning on the terminal naming it and saying its ratios are undefined (NaN)."""
    rows = [
        r[:5] + ["0"] if r[1] == "BBB" or (r[3] == "BBB" and r[4] != "FD") else r
        for r in clean_rows()
    ]
    p = write_csv(tmp_path / "zcty_2000.csv", rows)
    rc = main(["ingest", str(p), "--db", str(tmp_path / "s.duckdb"), "--unit", "USD million"])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert any("BBB" in ln and "zero output in every sector" in ln for ln in err.splitlines())


def test_cleanup_does_not_mask_the_first_error():
    """After a fatal write error (a full disk) DuckDB refuses ROLLBACK and unregister too;
    the error the user sees must be the first one ("No space left on device")."""
    from gvc.store import transaction, unregister_quietly

    class Broken:
        def execute(self, sql, *args):
            if sql == "ROLLBACK":
                raise duckdb.FatalException("database has been invalidated")
            return self

        def unregister(self, name):
            raise duckdb.ConnectionException("connection already closed")

    con = Broken()
    with pytest.raises(OSError, match="No space left on device"):
        with transaction(con):  # type: ignore[arg-type]
            try:
                raise OSError(28, "No space left on device")
            finally:
                unregister_quietly(con, "_gvc_rows")  # type: ignore[arg-type]
