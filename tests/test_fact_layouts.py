"""Which fact table each indicator lands in does not depend on the table's shape; undefined
values are stored as NULL. (Found by the value checks of tests/test_view_values.py, whose
aggregated table has as many countries as sectors.)"""

from __future__ import annotations

import numpy as np
from conftest import random_table
from numpy.testing import assert_allclose

from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.indicators.participation import compute_participation, compute_tiva


def test_tiva_country_tables_when_countries_equal_sectors():
    t = random_table(4, G=3, N=3)
    out = compute_tiva(Derived(t))
    pair = out["tiva_country_pair"].to_pandas()
    csec = out["tiva_country_sector"].to_pandas()
    assert set(pair["indicator"]) == {"BALVAFD"}
    assert set(csec["indicator"]) == {"DFD_FVA"}
    assert len(csec) == t.G * t.N


def test_country_participation_with_one_sector():
    t = random_table(4, G=3, N=1)
    out = compute_participation(Derived(t))
    node = out["gvc_node"].to_pandas()
    country = out["gvc_country"].to_pandas()
    assert not any(m.endswith("_country") for m in set(node["measure"]))
    assert set(country["measure"]) == {
        "GVCPt_f",
        "GVCPt_b",
        "koopman_IV",
        "koopman_FV",
        "koopman_E",
        "koopman_participation",
        "koopman_position",
    }
    # koopman_E of a country is its gross exports: all sales to the other countries
    c = np.arange(t.G)
    own = c[:, None] == c[None, :]
    e = np.where(own, 0.0, t.Z).sum(axis=1) + np.where(own, 0.0, t.Y).sum(axis=1)
    got = country[country["measure"] == "koopman_E"].sort_values("country_pos")["value"]
    assert_allclose(got, e, rtol=1e-12)


def test_undefined_values_are_stored_as_null():
    tab = long_by_term({"a": np.array([1.0, np.nan, 0.0])}, ("node",), keep_zeros=True)
    assert tab["value"].null_count == 1
    assert tab["value"].to_pylist() == [1.0, None, 0.0]
