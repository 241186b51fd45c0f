"""All 17 embedded WIOD 2013 years through ``local``, ``local:2`` and ``dask`` (2-worker
LocalCluster): identical tables, equal to ``gvc ingest`` + ``gvc run``; a second run skips all.

Slow (about 4 minutes on 2 cores): the three-year versions of these properties are in
``test_pipeline.py`` and run by default.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.pipeline.helpers import WIOD, table_differences, write_pipeline

import gvc
from gvc.pipeline import run_pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def reference(work) -> Path:
    db = work / "ref.duckdb"
    gvc.ingest(WIOD, db=db, dataset="wiod2013")
    gvc.run(db=db, dataset="wiod2013", steps=("core",))
    return db


def _run(work: Path, name: str, executor: str) -> Path:
    toml = write_pipeline(work / f"{name}.toml", str(WIOD), db=f"{name}.duckdb")
    summary = run_pipeline(toml, executor=executor)
    assert summary.exit_code == 0, summary.failed
    assert len(summary.done) == 17
    again = run_pipeline(toml, executor=executor)
    assert again.done == [] and len(again.skipped) == 17
    return work / f"{name}.duckdb"


@pytest.fixture(scope="module")
def local(work) -> Path:
    return _run(work, "local", "local")


def test_local_equals_ingest_and_run(local, reference):
    assert table_differences(reference, local) == {}


def test_process_pool_equals_local(work, local):
    assert table_differences(local, _run(work, "pool", "local:2")) == {}


@pytest.mark.distributed
def test_dask_equals_local(work, local):
    pytest.importorskip("dask.distributed")
    assert table_differences(local, _run(work, "dask", "dask:2")) == {}


def test_every_family_bit_identical_across_executors(work):
    """Steps, embeddedness (Katz through ARPACK: n = 1,435), a chain and the flags, on two
    years: local, local:2 and dask:2 write the same bits (issue 10)."""
    import shutil

    data = work / "two_years"
    data.mkdir()
    for f in ("wiot_2010.parquet", "wiot_2011.parquet", "output.parquet", "unit.txt"):
        shutil.copy(Path(WIOD) / f, data / f)
    for extra in Path(WIOD).glob("*.json"):
        shutil.copy(extra, data / extra.name)
    out = {}
    for name, executor in (("fl", "local"), ("fp", "local:2"), ("fd", "dask:2")):
        if executor.startswith("dask"):
            pytest.importorskip("dask.distributed")
        toml = work / f"{name}.toml"
        toml.write_text(
            f'steps = ["core", "embeddedness"]\n[output]\ndb = "{name}.duckdb"\n'
            f'[[source]]\npath = "{data}"\ndataset = "wiod2013"\n'
            '[[chain]]\nname = "ict"\nproducers_sectors = ["c14"]\ndestinations = ["USA"]\n'
            "[flags]\n"
        )
        s = run_pipeline(toml, executor=executor)
        assert s.exit_code == 0 and len(s.done) == 2, s.failed
        out[name] = work / f"{name}.duckdb"
    assert table_differences(out["fl"], out["fp"]) == {}
    assert table_differences(out["fl"], out["fd"]) == {}
