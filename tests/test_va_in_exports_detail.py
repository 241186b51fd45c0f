"""va_in_exports at its stored grain (source country x exporting node) and the node-by-node
detail (opt-in step, on-demand slice), against the full v-hat B e-hat computed here with
numpy on the LR-WIOD 2000 table (26 x 23 = 598 nodes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import gvc
from gvc.catalog import open_store
from gvc.errors import SchemaError
from gvc.indicators.core import va_in_exports_detail
from gvc.indicators.inputs import read_iotable
from gvc.ingestion.harmonise import HarmoniseOptions

REFERENCE = Path(__file__).parent / "reference" / "lrwiod2000"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("detail") / "s.duckdb"
    opts = HarmoniseOptions(balance="none", value_added="residual")
    gvc.ingest(REFERENCE, db=db, dataset="lr", options=opts)
    gvc.run(db=db, dataset="lr", steps=["core", "va_in_exports_nodes"])
    with open_store(db, read_only=True) as con:
        t = read_iotable(con, "lr", 2000)
    # the full computation, independently of gvc's kernels: B by numpy's inverse
    A = t.Z / np.where(t.x == 0, 1.0, t.x)[None, :]
    B = np.linalg.inv(np.eye(t.n) - A)
    v = np.divide(t.va, t.x, out=np.zeros(t.n), where=t.x != 0)
    own = np.repeat(np.arange(t.G), t.N)
    Zc = t.Z.reshape(t.n, t.G, t.N).sum(axis=2)
    Yc = t.Y
    e = Zc.sum(1) - Zc[np.arange(t.n), own] + Yc.sum(1) - Yc[np.arange(t.n), own]
    full = v[:, None] * B * e[None, :]
    return db, t, full


def _node(rows, t, country: str, sector: str) -> np.ndarray:
    c = pd.Index(t.countries).get_indexer(rows[country])
    return c * t.N + pd.Index(t.sectors).get_indexer(rows[sector])


def _dense(rows, t, src_cols, dst_cols) -> np.ndarray:
    out = np.zeros((t.n, t.n))
    out[_node(rows, t, *src_cols), _node(rows, t, *dst_cols)] = rows["value"]
    return out


def test_opt_in_step_equals_full_computation(store):
    db, t, full = store
    rows = gvc.query("SELECT * FROM va_in_exports_nodes WHERE dataset = 'lr'", db=db)
    got = _dense(rows, t, ("source_country", "source_sector"), ("exporter", "export_sector"))
    assert_allclose(got, full, rtol=1e-9, atol=1e-9 * np.abs(full).max())


def test_country_grain_is_the_full_detail_summed_over_source_sectors(store):
    db, t, full = store
    rows = gvc.query("SELECT * FROM va_in_exports WHERE dataset = 'lr'", db=db)
    got = np.zeros((t.G, t.n))
    src = pd.Index(t.countries).get_indexer(rows["source_country"])
    got[src, _node(rows, t, "exporter", "export_sector")] = rows["value"]
    want = full.reshape(t.G, t.N, t.n).sum(axis=1)
    assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


@pytest.mark.parametrize("sector", [None, "LtQ"])
def test_on_demand_slice_equals_full_computation(store, sector):
    db, t, full = store
    exporter = t.countries[5]
    with open_store(db, read_only=True) as con:
        rows = va_in_exports_detail(con, "lr", 2000, exporter, sector).to_pandas()
    got = _dense(rows, t, ("source_country", "source_sector"), ("exporter", "export_sector"))
    c = t.countries.index(exporter)
    cols = (
        np.arange(c * t.N, (c + 1) * t.N)
        if sector is None
        else np.array([c * t.N + t.sectors.index(sector)])
    )
    want = np.zeros_like(full)
    want[:, cols] = full[:, cols]
    assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.abs(full).max())
    assert set(rows["exporter"]) == {exporter}


def test_on_demand_slice_refuses_unknown_labels(store):
    db, _, _ = store
    with open_store(db, read_only=True) as con, pytest.raises(SchemaError, match="unknown"):
        va_in_exports_detail(con, "lr", 2000, "XXX")
