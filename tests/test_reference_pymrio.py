"""gvc against pymrio (an independent implementation) on the embedded WIOD 2011 table.

pymrio computes x = Z 1 + Y 1 when no output is given; gvc is given the same table with output
from row sums, so both see identical inputs. pymrio calls the global inverse L; gvc calls it B.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DATASETS
from numpy.testing import assert_allclose

from gvc.catalog import open_store
from gvc.indicators.run import run
from gvc.ingestion.load import load_table
from gvc.table import IOTable

pymrio = pytest.importorskip("pymrio")
pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def wiod2011():
    cells = pd.read_parquet(DATASETS / "wiod2013" / "wiot_2011.parquet")
    countries = list(dict.fromkeys(cells["row_country"].astype(str)))
    sectors = [f"c{k}" for k in range(1, 36)]
    fd = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]
    return IOTable.from_long(cells, countries, sectors, fd)  # x = Z1 + Y1, va = x - 1'Z


@pytest.fixture(scope="module")
def mrio(wiod2011):
    t = wiod2011
    idx = pd.MultiIndex.from_product([t.countries, t.sectors], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([t.countries, t.fd_categories], names=["region", "category"])
    io = pymrio.IOSystem(
        Z=pd.DataFrame(t.Z, index=idx, columns=idx),
        Y=pd.DataFrame(t.Y_detail, index=idx, columns=cols),
        unit=pd.DataFrame({"unit": "USD million"}, index=idx),
    )
    va = pymrio.Extension(
        name="va",
        F=pd.DataFrame([t.va], index=pd.Index(["value added"], name="stressor"), columns=idx),
        unit=pd.DataFrame(
            {"unit": ["USD million"]}, index=pd.Index(["value added"], name="stressor")
        ),
    )
    io.va = va
    io.calc_all()
    return io


def test_coefficients_and_inverse_agree(wiod2011, mrio):
    from gvc.kernels.leontief import input_coefficients, leontief_inverse

    A = input_coefficients(wiod2011.Z, wiod2011.x)
    assert_allclose(A, mrio.A.to_numpy(), rtol=1e-9, atol=1e-15)
    B = leontief_inverse(A)
    assert_allclose(B, mrio.L.to_numpy(), rtol=1e-9, atol=1e-12)
    assert_allclose(wiod2011.x, mrio.x.to_numpy().ravel(), rtol=1e-12)


def test_value_added_footprints_agree(wiod2011, mrio, tmp_path):
    """Consumption-based VA accounts (pymrio D_cba_reg) = gvc va_flows summed by destination."""

    with open_store(tmp_path / "s.duckdb") as con:
        load_table(
            con,
            wiod2011,
            dataset="wiod2013",
            year=2011,
            provenance={
                "source": "wiot_2011.parquet",
                "format": "long",
                "file_sha256": "x",
                "value_added_definition": "residual: x - column sums of Z",
                "output_definition": "row sums Z 1 + Y 1",
            },
        )
        run(con)
        got = (
            con.execute("SELECT dest_country, sum(value) AS v FROM va_flows GROUP BY ALL")
            .df()
            .set_index("dest_country")["v"]
        )
        by_node = (
            con.execute(
                "SELECT origin_country, origin_sector, sum(value) AS v FROM va_flows GROUP BY ALL"
            )
            .df()
            .set_index(["origin_country", "origin_sector"])["v"]
        )
    cba = mrio.va.D_cba_reg.loc["value added"]
    assert_allclose(got.loc[list(cba.index)].to_numpy(), cba.to_numpy(), rtol=1e-9)
    # production-based account: every node's value added is absorbed somewhere
    pba = mrio.va.D_pba.loc["value added"]
    idx = list(pba.index)
    assert_allclose(
        by_node.reindex(idx).fillna(0.0).to_numpy(), pba.to_numpy(), rtol=1e-9, atol=1e-6
    )
    # value-added multipliers: pymrio M = S L, gvc v' B
    from gvc.kernels.leontief import input_coefficients, leontief_inverse, value_added_coefficients

    t = wiod2011
    v = value_added_coefficients(t.va, t.x)
    M = mrio.va.M.loc["value added"].to_numpy()
    assert_allclose(M, v @ leontief_inverse(input_coefficients(t.Z, t.x)), rtol=1e-9, atol=1e-12)
