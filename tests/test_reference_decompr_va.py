"""Value-added origin of gross exports through the whole path (read, harmonise, store, run,
SQL view) against R decompr 6.8.0 ``leontief(post = "exports")`` on the real 2000 table."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REFERENCE
from numpy.testing import assert_allclose

import gvc
from gvc.ingestion.harmonise import HarmoniseOptions

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("lr") / "s.duckdb"
    # decompr uses the table's gross output as given (balance="none") and va = x - 1'Z
    opts = HarmoniseOptions(balance="none", value_added="residual")
    gvc.ingest(REFERENCE / "lrwiod2000", db=db, dataset="lrwiod2000", options=opts)
    gvc.run(db=db, dataset="lrwiod2000", steps=["core"])
    return db


def test_va_origin_of_exports_equals_decompr(store):
    ref = pd.read_parquet(
        REFERENCE / "decompr" / "lrwiod2000_2000_va_origin_of_exports_decompr.parquet"
    )
    got = gvc.query(
        "SELECT exporter AS exporting_country, source_country, sum(value) AS v "
        "FROM va_in_exports WHERE dataset = 'lrwiod2000' GROUP BY ALL",
        db=store,
    )
    m = ref.merge(got, on=["exporting_country", "source_country"], how="left").fillna(0.0)
    assert len(m) == 26 * 26
    assert_allclose(
        m["v"], m["va_in_gross_exports"], rtol=1e-9, atol=1e-9 * ref["va_in_gross_exports"].max()
    )


def test_export_shares_view_agrees_with_decompr(store):
    ref = pd.read_parquet(
        REFERENCE / "decompr" / "lrwiod2000_2000_va_origin_of_exports_decompr.parquet"
    )
    dva = ref[ref.exporting_country == ref.source_country].set_index("exporting_country")
    tot = ref.groupby("exporting_country")["va_in_gross_exports"].sum()
    got = gvc.query("SELECT exporter, dva, dva_share FROM export_va_content", db=store)
    got = got.set_index("exporter").loc[dva.index]
    assert_allclose(got["dva"], dva["va_in_gross_exports"], rtol=1e-9)
    assert_allclose(got["dva_share"], dva["va_in_gross_exports"] / tot.loc[dva.index], rtol=1e-9)
