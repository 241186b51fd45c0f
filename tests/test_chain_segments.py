"""gvc.kernels.chain_segments on the real LR-WIOD 2000 table: the segments of a chain's
production length equal the segment sums of the WWYZ lengths kernel (what chain_year computed
inline before) and add up to the total length ``v # B B y``, written out densely here."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from gvc.indicators.derived import Derived
from gvc.kernels.chain_segments import chain_length_segments
from gvc.kernels.lengths import production_length


def chain_demand(t, sectors, dests):
    """Final demand for the products of ``sectors`` (positions) absorbed in ``dests``, (n, G)."""
    mask = np.zeros(t.N, dtype=bool)
    mask[sectors] = True
    Yc = np.zeros_like(t.Y)
    Yc[:, dests] = t.Y[:, dests]
    return Yc * np.tile(mask, t.G)[:, None]


@pytest.mark.parametrize(
    "sectors, dests",
    [(slice(None), slice(None)), ([13], [0]), ([3, 4], [5, 10, 25])],
    ids=["whole table", "one sector, one destination", "two sectors, three destinations"],
)
def test_segments_equal_lengths_kernel_and_add_up(lrwiod2000, sectors, dests):
    t = lrwiod2000
    d = Derived(t)
    A, B, v = d.A, d.B, d.v
    Yc = chain_demand(t, sectors, dests)
    s = chain_length_segments(A, B, d.L, v, Yc)

    # the previous inline computation: WWYZ part-by-part outputs of production_length, summed
    pl = production_length(t.Z, Yc, t.x, t.va, t.G, t.N, B=B)
    parts_va = sum(pl[f"Vv_{p}"] for p in ("D", "RT", "GVC_S", "GVC_C"))
    dom = (
        pl["Xv_D"]
        + pl["Xv_RT"]
        + pl["PLv_GVC_S_D"] * pl["Vv_GVC_S"]
        + pl["PLv_GVC_C_D"] * pl["Vv_GVC_C"]
    )
    bor = pl["CBv_GVC_S"] * pl["Vv_GVC_S"] + pl["CBv_GVC_C"] * pl["Vv_GVC_C"]
    fore = pl["PLv_GVC_S_F"] * pl["Vv_GVC_S"] + pl["PLv_GVC_C_F"] * pl["Vv_GVC_C"]
    scale = float(np.abs(s["value_added"]).max())
    assert scale > 0
    for got, want in [
        (s["value_added"], parts_va),
        (s["domestic"], dom),
        (s["border"], bor),
        (s["foreign"], fore),
    ]:
        assert_allclose(got, want, rtol=1e-10, atol=1e-12 * scale)

    # identities, dense and independent of both kernels
    y = Yc.sum(axis=1)
    By = np.linalg.solve(np.eye(t.n) - A, y)
    assert_allclose(s["value_added"], v * By, rtol=1e-10, atol=1e-12 * scale)
    total = v * np.linalg.solve(np.eye(t.n) - A, By)  # v # B B y
    assert_allclose(
        s["domestic"] + s["border"] + s["foreign"], total, rtol=1e-10, atol=1e-12 * scale
    )
    c = np.repeat(np.arange(t.G), t.N)
    AF = A * (c[:, None] != c[None, :])
    assert_allclose(s["border"], v * (B @ (AF @ By)), rtol=1e-10, atol=1e-12 * scale)
    # every segment is nonnegative, and each origin's value passes through at least one stage
    for k in ("domestic", "border", "foreign"):
        assert (s[k] >= -1e-12 * scale).all()
    keep = s["value_added"] > 1e-9 * scale
    assert (s["domestic"][keep] >= s["value_added"][keep] * (1 - 1e-12)).all()


def test_columns_of_y_are_summed():
    rng = np.random.default_rng(3)
    G, N = 3, 2
    n = G * N
    A = rng.uniform(0, 0.2, (n, n))
    B = np.linalg.inv(np.eye(n) - A)
    L = np.linalg.inv(np.eye(N)[None] - A.reshape(G, N, G, N)[np.arange(G), :, np.arange(G), :])
    v = 1 - A.sum(axis=0)
    Y = rng.uniform(0, 1, (n, G))
    a = chain_length_segments(A, B, L, v, Y)
    b = chain_length_segments(A, B, L, v, Y.sum(axis=1))
    for k in a:
        assert_allclose(a[k], b[k], rtol=1e-13)
