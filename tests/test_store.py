"""The store: load, run, views, audits, idempotence, atomicity, locking; SQL vs numpy paths."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import provenance, random_table
from numpy.testing import assert_allclose

from gvc.catalog import connect, open_store
from gvc.errors import InputError, LockError, SchemaError
from gvc.indicators.inputs import read_iotable
from gvc.indicators.run import run
from gvc.ingestion.load import load_table
from gvc.kernels.blocks import bilateral_exports
from gvc.kernels.leontief import input_coefficients, leontief_inverse, value_added_coefficients
from gvc.table import IOTable

PROV = provenance("random")


def _load(con, t, year=2000, sha="0" * 64, **kw):
    return load_table(
        con, t, dataset="rnd", year=year, provenance={**PROV, "file_sha256": sha}, **kw
    )


def _counts(con):
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'facts'"
        ).fetchall()
    ]
    out = {n: con.execute(f"SELECT count(*) FROM facts.{n}").fetchall()[0][0] for n in names}
    out["tables"] = con.execute("SELECT count(*) FROM tables").fetchall()[0][0]
    out["ledger"] = con.execute("SELECT count(*) FROM ledger").fetchall()[0][0]
    return out


def test_roundtrip_run_and_audits(tmp_path):
    t = random_table(1, G=3, N=2, F=2)
    with open_store(tmp_path / "s.duckdb") as con:
        assert _load(con, t) == "loaded"
        back = read_iotable(con, "rnd", 2000)
        assert back.countries == t.countries and back.sectors == t.sectors
        assert_allclose(back.Z, t.Z)
        assert_allclose(back.Y_detail, t.Y_detail)
        assert_allclose(back.x, t.x)
        run(con, "rnd")
        for audit in ("audit_va_flows_sum", "audit_va_in_exports_sum"):
            assert con.execute(f"SELECT count(*) FROM {audit}").fetchall()[0][0] == 0


def test_sql_path_equals_numpy_path(tmp_path):
    """Differential: the labelled views aggregate to what the kernels give directly."""
    t = random_table(7, G=4, N=3, F=2)
    A = input_coefficients(t.Z, t.x)
    B = leontief_inverse(A)
    v = value_added_coefficients(t.va, t.x)
    VBY = v[:, None] * (B @ t.Y)
    E_int, E_fin = bilateral_exports(t.Z, t.Y, t.G, t.N)
    e = (E_int + E_fin).sum(axis=1)
    VBE = v[:, None] * B * e[None, :]
    with open_store(tmp_path / "s.duckdb") as con:
        _load(con, t)
        run(con)
        flows = con.execute(
            "SELECT origin_country, dest_country, sum(value) v FROM va_flows GROUP BY ALL"
        ).df()
        got = flows.pivot(index="origin_country", columns="dest_country", values="v")
        want = VBY.reshape(t.G, t.N, t.G).sum(axis=1)
        assert_allclose(got.loc[list(t.countries), list(t.countries)].to_numpy(), want, rtol=1e-12)
        vax = con.execute("SELECT exporter, importer, vax FROM vax").df()
        for s in range(t.G):
            for r in range(t.G):
                if r != s:
                    row = vax[(vax.exporter == t.countries[s]) & (vax.importer == t.countries[r])]
                    assert_allclose(row["vax"].iloc[0], want[s, r], rtol=1e-12)
        content = con.execute(
            "SELECT exporter, dva, fva, gross_exports FROM export_va_content"
        ).df()
        content = content.set_index("exporter").loc[list(t.countries)]
        c = np.repeat(np.arange(t.G), t.N)
        dva = np.array([VBE[c == s][:, c == s].sum() for s in range(t.G)])
        assert_allclose(content["dva"].to_numpy(), dva, rtol=1e-12)
        assert_allclose(
            content["gross_exports"].to_numpy(), e.reshape(t.G, t.N).sum(axis=1), rtol=1e-12
        )
        assert_allclose(content["dva"] + content["fva"], content["gross_exports"], rtol=1e-12)


def test_closed_economy_has_no_exports_and_all_value_added_stays_home(tmp_path):
    t = random_table(3, G=3, N=2, F=2, trade=0.0)
    G, N, F = t.G, t.N, t.F
    own = np.repeat(np.arange(G), N)[:, None] == np.repeat(np.arange(G), F)[None, :]
    Yd = np.where(own, t.Y_detail, 0.0)
    closed = IOTable(
        t.countries,
        t.sectors,
        t.fd_categories,
        t.Z,
        Yd,
        t.Z.sum(1) + Yd.sum(1),
        t.Z.sum(1) + Yd.sum(1) - t.Z.sum(0),
    )
    with open_store(tmp_path / "s.duckdb") as con:
        _load(con, closed)
        run(con)
        assert con.execute("SELECT count(*) FROM va_in_exports").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM gross_exports").fetchall()[0][0] == 0
        foreign = con.execute(
            "SELECT coalesce(sum(value), 0) FROM va_flows WHERE origin_country <> dest_country"
        ).fetchall()[0][0]
        assert foreign == 0


def test_ingest_same_file_twice_is_noop_and_other_file_needs_replace(tmp_path):
    t = random_table(1)
    with open_store(tmp_path / "s.duckdb") as con:
        assert _load(con, t) == "loaded"
        before = _counts(con)
        assert _load(con, t) == "skipped"
        assert _counts(con) == before
        t2 = random_table(2)
        with pytest.raises(InputError, match="already in the store"):
            _load(con, t2, sha="1" * 64)
        assert _counts(con) == before
        assert _load(con, t2, sha="1" * 64, replace=True) == "replaced"
        assert_allclose(read_iotable(con, "rnd", 2000).Z, t2.Z)


def test_replace_drops_stale_results(tmp_path):
    t = random_table(1)
    with open_store(tmp_path / "s.duckdb") as con:
        _load(con, t)
        run(con)
        _load(con, random_table(2), sha="1" * 64, replace=True)
        assert con.execute("SELECT count(*) FROM facts.va_flows").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM ledger").fetchall()[0][0] == 0


def test_failed_load_leaves_store_unchanged(tmp_path, monkeypatch):
    import gvc.catalog.ledger as ledger

    with open_store(tmp_path / "s.duckdb") as con:
        _load(con, random_table(1))
        before = _counts(con)
        real = ledger._insert
        calls = {"n": 0}

        def failing(con_, target, *a, **k):
            calls["n"] += 1
            if calls["n"] == 2:  # after the intermediate block is in
                raise RuntimeError("disk full (simulated)")
            return real(con_, target, *a, **k)

        monkeypatch.setattr(ledger, "_insert", failing)
        with pytest.raises(RuntimeError):
            _load(con, random_table(5), year=2001, sha="2" * 64)
        assert _counts(con) == before
        assert con.execute("SELECT count(*) FROM countries").fetchall()[0][0] == 3


def test_failed_run_keeps_previous_results(tmp_path, monkeypatch):
    import gvc.catalog.ledger as ledger

    with open_store(tmp_path / "s.duckdb") as con:
        _load(con, random_table(1))
        run(con)
        before = _counts(con)
        real = ledger._insert

        def failing(con_, target, *a, **k):
            if target == "gross_exports":
                raise RuntimeError("killed (simulated)")
            return real(con_, target, *a, **k)

        monkeypatch.setattr(ledger, "_insert", failing)
        with pytest.raises(RuntimeError):
            run(con, force=True)
        assert _counts(con) == before


def test_killed_process_leaves_store_consistent(tmp_path):
    """SIGKILL in the middle of a load transaction: the reopened store is as before."""
    db = tmp_path / "s.duckdb"
    with open_store(db) as con:
        _load(con, random_table(1))
        before = _counts(con)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
        from conftest import random_table
        import gvc.catalog.ledger as ledger
        import gvc.ingestion.load as load
        from gvc.catalog import open_store
        real = ledger._insert
        def killer(con, target, *a, **k):
            real(con, target, *a, **k)
            os.kill(os.getpid(), signal.SIGKILL)
        ledger._insert = killer
        with open_store({str(db)!r}) as con:
            load.load_table(con, random_table(9), dataset="rnd", year=2005,
                            provenance={PROV!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9
    with open_store(db) as con:
        assert _counts(con) == before


def test_second_writer_gets_lock_error(tmp_path):
    db = tmp_path / "s.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"ready"
        with pytest.raises(LockError, match="in use"):
            connect(db)
    finally:
        holder.kill()
        holder.wait()


def test_run_skips_up_to_date_steps_and_reingest_makes_them_stale(tmp_path):
    with open_store(tmp_path / "s.duckdb") as con:
        _load(con, random_table(1))
        assert run(con)[0][2]  # computed
        assert run(con)[0][2] == {}  # up to date
        _load(con, random_table(2), sha="1" * 64, replace=True)
        assert "va_flows" in run(con)[0][2]


def test_unknown_dataset_is_schema_error(tmp_path):
    with open_store(tmp_path / "s.duckdb") as con:
        with pytest.raises(SchemaError, match="nothing to run"):
            run(con, "nope")
        with pytest.raises(SchemaError, match="no table"):
            read_iotable(con, "nope", 2000)


def test_views_have_column_comments(tmp_path):
    with open_store(tmp_path / "s.duckdb") as con:
        df = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name = 'main' "
            "AND table_name IN ('va_flows', 'va_in_exports', 'gross_exports', 'vax')"
        ).df()
    public = df[~df.column_name.isin(["dataset", "year"])]
    assert public["comment"].notna().all(), public[public["comment"].isna()]


def test_store_opens_in_plain_duckdb_with_views(tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as con:
        _load(con, random_table(1))
        run(con)
    con = duckdb.connect(str(db), read_only=True)
    df = con.execute("SELECT * FROM vax").df()
    con.close()
    assert isinstance(df, pd.DataFrame) and len(df) == 6
