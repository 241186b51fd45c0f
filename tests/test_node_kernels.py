"""Node kernels of the lock-in package: precomputed arrays give the same results as none, and
the direct formulas equal the full decompositions they replace (TiVA EXGR_FVASH, Borin-Mancini
source/world terms summed over importers)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_table
from numpy.testing import assert_allclose, assert_array_equal

from gvc.errors import InputError
from gvc.indicators.derived import Derived
from gvc.kernels.borin_mancini import bm
from gvc.kernels.embeddedness import (
    bm_participation_shares,
    embeddedness_arrays,
    fva_export_share,
)
from gvc.kernels.node_metrics import node_metrics
from gvc.kernels.participation import wwyz_participation
from gvc.kernels.tiva import tiva_indicators
from gvc.lockin.steps import embeddedness_measures
from gvc.table import IOTable


def _unbalanced(t: IOTable, seed: int) -> IOTable:
    """``t`` with value added no longer ``x - 1'Z`` (so ``v B != 1'``) and one node that exports
    nothing (its foreign intermediate sales and final exports set to 0)."""
    rng = np.random.default_rng(seed)
    Z, Yd = t.Z.copy(), t.Y_detail.copy()
    c = np.repeat(np.arange(t.G), t.N)
    Z[0, c != 0] = 0.0
    Yd[0, t.F :] = 0.0  # destination-country-major columns: country 0's come first
    va = t.va * rng.uniform(0.8, 1.2, t.n)
    return IOTable(t.countries, t.sectors, t.fd_categories, Z, Yd, t.x, va)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_precomputed_arrays_give_identical_results(seed: int) -> None:
    t = _unbalanced(random_table(seed, G=4, N=3), seed)
    d = Derived(t)
    args = (t.Z, t.Y, t.x, t.va, t.G, t.N)
    plain = node_metrics(*args)
    given = node_metrics(*args, A=d.A, B=d.B, L=d.L, v=d.v, exports=d.e)
    assert plain.keys() == given.keys()
    for k in plain:
        assert_array_equal(given[k], plain[k], err_msg=k)
    # the WWYZ kernel with A, L, v given: bit-identical too
    w0 = wwyz_participation(*args, B=d.B)
    w1 = wwyz_participation(*args, B=d.B, A=d.A, L=d.L, v=d.v)
    for k in w0:
        assert_array_equal(w1[k], w0[k], err_msg=k)
    # every embeddedness measure: the step (Derived's arrays) equals the kernel computing all
    plain = embeddedness_arrays(*args)
    step = embeddedness_measures(d)
    assert plain.keys() == step.keys()
    for k in plain:
        if "katz" in k:  # ARPACK's random start vector: equal to the last bits only
            assert_allclose(step[k], plain[k], rtol=1e-12, atol=1e-15, err_msg=k)
        else:
            assert_array_equal(step[k], plain[k], err_msg=k)


@pytest.mark.parametrize("seed", [0, 3])
def test_fva_share_equals_tiva_exgr_fvash(seed: int) -> None:
    t = _unbalanced(random_table(seed, G=4, N=3), seed)
    d = Derived(t)
    tiva = tiva_indicators(t.Z, t.Y, t.x, t.va, t.G, t.N, B=d.B)
    got = fva_export_share(d.v, d.B, d.e, t.G, t.N)
    assert np.isnan(got[0]) and d.e[0] == 0.0
    assert_array_equal(got[1:], tiva["EXGR_FVASH"][1:])
    # foreign content = 1 - domestic content only where v B = 1' (va = x - 1'Z)
    bal = random_table(seed, G=4, N=3)
    db = Derived(bal)
    dva_share = tiva_indicators(bal.Z, bal.Y, bal.x, bal.va, bal.G, bal.N, B=db.B)["EXGR_DVASH"]
    assert_allclose(fva_export_share(db.v, db.B, db.e, bal.G, bal.N), 1.0 - dva_share, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 4])
def test_bm_shares_equal_bm_source_world_summed_over_importers(seed: int) -> None:
    t = _unbalanced(random_table(seed, G=4, N=3), seed)
    d = Derived(t)
    terms = bm(t.Z, t.Y, t.x, t.va, t.G, t.N, approach="source", perspective="world", B=d.B)
    gexp = terms["GEXP"].sum(axis=1)
    E_int, E_fin = d.exports
    got = bm_participation_shares(t.Y, E_int + E_fin, t.G, t.N, A=d.A, L=d.L, v=d.v)
    for name, term in (
        ("bm_gvcb_share", "GVCB"),
        ("bm_gvcf_share", "GVCF"),
        ("bm_gvc_share", "GVC"),
    ):
        expect = np.full(t.n, np.nan)
        np.divide(terms[term].sum(axis=1), gexp, out=expect, where=gexp != 0)
        assert_array_equal(got[name], expect, err_msg=name)
    assert np.isnan(got["bm_gvc_share"][0])


def test_precomputed_array_of_wrong_shape_is_an_input_error() -> None:
    t = random_table(0)
    with pytest.raises(InputError, match="precomputed L"):
        node_metrics(t.Z, t.Y, t.x, t.va, t.G, t.N, L=np.eye(t.n))
    with pytest.raises(InputError, match="bilateral_exports"):
        embeddedness_arrays(
            t.Z, t.Y, t.x, t.va, t.G, t.N, bilateral_exports=(np.zeros(t.n), np.zeros(t.n))
        )
