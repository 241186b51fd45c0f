"""The pymrio bridge, both ways, on ``pymrio.load_test()`` (pymrio's own 6-region test MRIO).

Round trip: IOSystem -> store -> IOSystem holds Z, Y, x and the value added to 1e-12.
Footprints: value-added accounts that gvc computes from the stored pymrio system (its
``va_flows``, V B Y) equal pymrio's own ``calc_all`` accounts (``D_cba_reg``, ``D_imp_reg``,
``D_exp``, ``D_pba``) to 1e-9; and pymrio's ``calc_all`` on the system gvc hands back equals
pymrio's ``calc_all`` on the original.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import gvc
from gvc.errors import InputError

pymrio = pytest.importorskip("pymrio")

YEAR = 2000


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("pymrio") / "s.duckdb"
    res = gvc.ingest(pymrio.load_test(), db=db, year=YEAR)
    assert [(r.dataset, r.status) for r in res] == [("testmrio", "loaded")]
    gvc.run(db=db, dataset="testmrio", steps=("core",))
    return db


def _close(a, b, tol):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol * max(np.abs(b).max(), 1.0))


def test_round_trip(store):
    io = pymrio.load_test()
    back = gvc.to_pymrio(store, "testmrio", YEAR)
    assert list(back.get_regions()) == list(io.get_regions())
    assert list(back.get_sectors()) == list(io.get_sectors())
    assert list(back.get_Y_categories()) == list(io.get_Y_categories())
    _close(back.Z.to_numpy(), io.Z.to_numpy(), 1e-12)
    _close(back.Y.to_numpy(), io.Y.to_numpy(), 1e-12)
    _close(back.x.to_numpy()[:, 0], pymrio.calc_x(io.Z, io.Y).to_numpy()[:, 0], 1e-12)
    _close(back.factor_inputs.F.to_numpy(), io.factor_inputs.F.to_numpy(), 1e-12)
    # pymrio's "Mill USD" is stored in gvc's spelling of the same unit (gvc.units)
    assert back.unit.iloc[0, 0] == "USD million"
    assert back.factor_inputs.unit.iloc[0, 0] == "USD million"


def test_gvc_footprints_equal_pymrio_calc_all(store):
    io = pymrio.load_test().calc_all()
    fi = io.factor_inputs
    flows = gvc.query(
        "SELECT origin_country, origin_sector, dest_country, value FROM va_flows "
        "WHERE dataset = 'testmrio'",
        db=store,
    )
    regions = list(io.get_regions())
    nodes = pd.MultiIndex.from_product([regions, list(io.get_sectors())])
    cba = flows.groupby("dest_country")["value"].sum().reindex(regions)
    _close(cba.to_numpy(), fi.D_cba_reg.to_numpy()[0], 1e-9)
    foreign = flows[flows.origin_country != flows.dest_country]
    _close(
        foreign.groupby("dest_country")["value"].sum().reindex(regions).to_numpy(),
        fi.D_imp_reg.to_numpy()[0],
        1e-9,
    )
    exp = foreign.groupby(["origin_country", "origin_sector"])["value"].sum().reindex(nodes)
    _close(exp.fillna(0.0).to_numpy(), fi.D_exp.to_numpy()[0], 1e-9)
    pba = flows.groupby(["origin_country", "origin_sector"])["value"].sum().reindex(nodes)
    _close(pba.fillna(0.0).to_numpy(), fi.D_pba.to_numpy()[0], 1e-9)


def test_pymrio_accounts_of_the_returned_system(store):
    ref = pymrio.load_test().calc_all().factor_inputs
    back = gvc.to_pymrio(store, "testmrio", YEAR).calc_all().factor_inputs
    for acc in ("D_cba", "D_pba", "D_imp", "D_exp"):
        _close(getattr(back, acc).to_numpy(), getattr(ref, acc).to_numpy(), 1e-9)


def test_identity_and_provenance(store, tmp_path):
    again = gvc.ingest(pymrio.load_test(), db=store, year=YEAR)
    assert again[0].status == "skipped"
    t = gvc.query(
        "SELECT source, format, edition, unit, unit_as_published, harmonisation FROM tables "
        "WHERE dataset = 'testmrio'",
        db=store,
    ).iloc[0]
    assert t["format"] == "pymrio" and t["edition"] == "v1" and t["unit"] == "USD million"
    assert t["unit_as_published"] == "USD million"
    assert "read as 'Mill USD'" in json.loads(t["harmonisation"])[0]["detail"]
    assert "testmrio" in t["source"]
    assert "sum of pymrio extension 'factor_inputs'" in t["harmonisation"]
    # a changed system is another table: refused without replace, loaded with it
    io = pymrio.load_test()
    io.Z.iloc[0, 1] *= 1.5
    io.Y.iloc[0, 0] += 0.5 * pymrio.load_test().Z.iloc[0, 1]
    with pytest.raises(InputError, match="replace"):
        gvc.ingest(io, db=store, year=YEAR)
    db2 = tmp_path / "copy.duckdb"
    gvc.ingest(pymrio.load_test(), db=db2, year=YEAR)
    assert gvc.ingest(io, db=db2, year=YEAR, replace=True)[0].status == "replaced"


def test_errors_name_the_system():
    with pytest.raises(InputError, match="no year"):
        gvc.ingest(pymrio.load_test(), db=":memory:")
    from gvc.bridges.pymrio import read_iosystem

    with pytest.raises(InputError, match="no rows"):
        read_iosystem(pymrio.load_test(), year=2000, va_rows=["Wages"])
