"""Bad firm-network input: one clear InputError naming file and row, and nothing stored."""

from __future__ import annotations

import pandas as pd
import pytest
from firmnet import firm_rows, write

from gvc.catalog import open_store
from gvc.errors import InputError
from gvc.firms.api import ingest_network

GOOD_FIRMS = firm_rows(["A", "B", "C"], lat=[1.0, 2.0, 3.0], lon=[1.0, 2.0, 3.0])
GOOD_MEMBERS = pd.DataFrame({"member": ["A", "B"], "cluster": ["K", "K"]})
GOOD_LINKS = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "C"], "value": [1.0, 2.0]})


def _ingest(
    tmp_path,
    fmt="csv",
    firms=GOOD_FIRMS,
    members=GOOD_MEMBERS,
    links=GOOD_LINKS,
    year=2020,
    db=None,
    **kw,
):
    d = tmp_path / fmt
    d.mkdir(exist_ok=True)
    return ingest_network(
        db=db or tmp_path / "s.duckdb",
        network="t",
        firms=write(d, "firms", firms, fmt),
        members=write(d, "members", members, fmt),
        transactions=write(d, "transactions", links, fmt),
        year=year,
        **kw,
    )


def _stored(db) -> dict[str, int]:
    with open_store(db) as con:
        return {
            t: con.execute(f"SELECT count(*) FROM firms.{t}").fetchall()[0][0]
            for t in ("firms", "memberships", "transactions", "inputs", "clusters")
        }


def _links(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["supplier", "buyer", "value"])


@pytest.mark.parametrize("fmt, where", [("csv", "line 4"), ("parquet", "row 3")])
@pytest.mark.parametrize(
    "links, message",
    [
        (_links(("A", "B", 1.0), ("B", "C", 1.0), ("Z", "C", 1.0)), "unknown supplier 'Z'"),
        (_links(("A", "B", 1.0), ("B", "C", 1.0), ("A", "Q", 1.0)), "unknown buyer 'Q'"),
        (_links(("A", "B", 1.0), ("B", "C", 1.0), ("A", "C", -1.0)), "negative"),
        (_links(("A", "B", 1.0), ("B", "C", 1.0), ("C", "C", 1.0)), "self-loop"),
        (_links(("A", "B", 1.0), ("B", "C", 1.0), ("A", "B", 3.0)), "duplicate link"),
        (_links(("A", "B", 1.0), ("B", "C", 1.0), ("A", "C", float("nan"))), "not finite"),
    ],
)
def test_bad_transactions(tmp_path, fmt, where, links, message) -> None:
    db = tmp_path / "s.duckdb"
    with pytest.raises(InputError) as e:
        _ingest(tmp_path, fmt, links=links, db=db)
    text = str(e.value)
    assert f"transactions.{fmt}: {where}:" in text and message in text, text
    assert _stored(db) == dict.fromkeys(
        ("firms", "memberships", "transactions", "inputs", "clusters"), 0
    )


@pytest.mark.parametrize(
    "column, values, message",
    [
        ("lat", [1.0, 91.0, 3.0], "latitude 91.0 out of range [-90, 90]"),
        ("lon", [1.0, -180.5, 3.0], "longitude -180.5 out of range [-180, 180]"),
        ("sales", [1.0, -2.0, 3.0], "sales -2.0 is negative"),
        ("employment", [1.0, -1.0, 3.0], "employment -1.0 is negative"),
        ("type", ["firm", "startup", "firm"], "unknown member type 'startup'"),
        ("firm", ["A", "A", "C"], "duplicate firm 'A' (first at line 2)"),
    ],
)
def test_bad_firms(tmp_path, column, values, message) -> None:
    firms = GOOD_FIRMS.copy()
    firms[column] = values
    with pytest.raises(InputError) as e:
        _ingest(tmp_path, firms=firms)
    assert "firms.csv: line 3:" in str(e.value) and message in str(e.value), str(e.value)


def test_half_a_position_and_non_numbers(tmp_path) -> None:
    firms = GOOD_FIRMS.copy()
    firms["lon"] = [1.0, None, 3.0]
    with pytest.raises(InputError, match=r"firms.csv: line 3: give both lat and lon"):
        _ingest(tmp_path, firms=firms)
    firms = GOOD_FIRMS.copy().astype({"sales": object})
    firms.loc[2, "sales"] = "lots"
    with pytest.raises(InputError, match=r"firms.csv: line 4: column 'sales' is not a number"):
        _ingest(tmp_path, firms=firms)


def test_bad_members(tmp_path) -> None:
    m = pd.DataFrame({"member": ["A", "X"], "cluster": ["K", "K"]})
    with pytest.raises(InputError, match=r"members.csv: line 3: unknown member 'X'"):
        _ingest(tmp_path, members=m)
    m = pd.DataFrame({"member": ["A", "B", "A"], "cluster": ["K", "K", "K"]})
    with pytest.raises(InputError, match=r"members.parquet: row 3: duplicate membership 'A'"):
        _ingest(tmp_path, "parquet", members=m)
    m = pd.DataFrame({"member": ["A", "B"], "cluster": ["K", None]})
    with pytest.raises(InputError, match=r"members.csv: line 3: empty cluster"):
        _ingest(tmp_path, members=m)


def test_missing_columns_and_year(tmp_path) -> None:
    with pytest.raises(InputError, match=r"transactions.csv: transactions need a year"):
        _ingest(tmp_path, year=None)
    with pytest.raises(InputError, match=r"lacks column\(s\) value"):
        _ingest(tmp_path, links=GOOD_LINKS.drop(columns=["value"]))
    with pytest.raises(InputError, match=r"lacks column\(s\) country"):
        _ingest(tmp_path, firms=GOOD_FIRMS.drop(columns=["country"]))
    with pytest.raises(InputError, match="no such firms file"):
        ingest_network(
            db=tmp_path / "s.duckdb",
            network="t",
            firms=tmp_path / "nope.csv",
            members=tmp_path / "m.csv",
            transactions=tmp_path / "t.csv",
        )


def test_dated_firm_without_a_row_for_the_year(tmp_path) -> None:
    firms = GOOD_FIRMS.assign(year=[2019, None, None])
    with pytest.raises(InputError, match=r"transactions.csv: line 2: supplier 'A' has no row"):
        _ingest(tmp_path, firms=firms, year=2020)


def test_failed_ingest_keeps_the_previous_network(tmp_path) -> None:
    db = tmp_path / "s.duckdb"
    _ingest(tmp_path, db=db)
    before = _stored(db)
    assert before["transactions"] == 2 and before["inputs"] == 3
    bad = _links(("A", "B", 1.0), ("A", "B", 2.0))
    with pytest.raises(InputError, match="duplicate link"):
        _ingest(tmp_path, links=bad, db=db)
    assert _stored(db) == before
    with open_store(db) as con:  # and no staging table is left behind
        left = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_gvc_firm%'"
        ).fetchall()[0][0]
    assert left == 0


def test_ids_keep_their_text_and_types_mix(tmp_path) -> None:
    # ids with leading zeros stay as written; a Parquet transaction file with integer ids
    # joins a CSV firm file through the text of the ids
    firms = firm_rows(["007", "8", "9"])
    links = pd.DataFrame({"supplier": [7, 8], "buyer": [8, 9], "value": [1.0, 1.0]})
    d = tmp_path / "mix"
    d.mkdir()
    with pytest.raises(InputError, match="unknown supplier 7"):
        ingest_network(
            db=tmp_path / "s.duckdb",
            network="t",
            firms=write(d, "firms", firms, "csv"),
            members=write(d, "members", GOOD_MEMBERS.assign(member=["007", "8"])),
            transactions=write(d, "transactions", links, "parquet"),
            year=2020,
        )
    links["supplier"] = ["007", "8"]
    links["buyer"] = ["8", "9"]
    r = ingest_network(
        db=tmp_path / "s.duckdb",
        network="t",
        firms=write(d, "firms", firms, "csv"),
        members=write(d, "members", GOOD_MEMBERS.assign(member=["007", "8"])),
        transactions=write(d, "transactions", links, "parquet"),
        year=2020,
    )
    assert r.rows["transactions"] == 2
    with open_store(tmp_path / "s.duckdb") as con:
        ids = [
            x[0] for x in con.execute("SELECT firm FROM firms.firms ORDER BY firm_idx").fetchall()
        ]
    assert ids == ["007", "8", "9"]


def test_input_hashes_are_recorded(tmp_path) -> None:
    import hashlib

    r = _ingest(tmp_path)
    p = tmp_path / "csv" / "transactions.csv"
    assert r.sha256["transactions"] == hashlib.sha256(p.read_bytes()).hexdigest()
    with open_store(tmp_path / "s.duckdb") as con:
        rows = dict(con.execute("SELECT kind, sha256 FROM firms.inputs").fetchall())
    assert rows == r.sha256
