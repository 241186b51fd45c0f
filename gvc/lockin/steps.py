"""Steps ``embeddedness`` and ``embeddedness_betweenness``: Derived -> long Arrow tables.

Registered with ``gvc run`` and the pipelines through ``EXTRA_STEP_MODULES`` of
:mod:`gvc.indicators.registry`. Step ``embeddedness`` writes one row per node and measure to
``facts.embeddedness(dataset, year, node, measure, value)`` (every measure of
:data:`gvc.lockin.measures.MEASURES` but betweenness; formulas in
:mod:`gvc.kernels.embeddedness`); the opt-in ``embeddedness_betweenness`` writes betweenness of
the intermediate-flow network to ``facts.embeddedness_betweenness``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.indicators.step import Step
from gvc.kernels.betweenness import betweenness_centrality
from gvc.kernels.embeddedness import embeddedness_arrays
from gvc.kernels.network import SCOPES
from gvc.lockin.measures import BETWEENNESS_MIN_SHARE


def embeddedness_measures(d: Derived) -> dict[str, np.ndarray]:
    """Every measure of :data:`~gvc.lockin.measures.MEASURES` except betweenness, (n,) arrays.

    :func:`gvc.kernels.embeddedness.embeddedness_arrays` with the ``A, B, L, v`` and exports
    cached in ``d``: no further global inverse.

    Examples
    --------
    Country 0 sells intermediates to country 1, which consumes the product: node 0's value
    added crosses one border, for production abroad (WWYZ simple GVC: ``gvc_forward = 1``),
    and is absorbed by the direct importer (Borin-Mancini DAVAX, so ``GVCF = 0``).

    >>> from gvc.table import IOTable
    >>> t = IOTable(("A", "B"), ("s",), ("F",), np.array([[0.0, 10.0], [0.0, 0.0]]),
    ...             np.array([[0.0, 0.0], [0.0, 15.0]]), np.array([10.0, 15.0]),
    ...             np.array([10.0, 5.0]))
    >>> m = embeddedness_measures(Derived(t))
    >>> m["crossings_mean"], m["gvc_forward"], m["bm_gvcf_share"]
    (array([1., 0.]), array([1., 0.]), array([ 0., nan]))
    """
    t = d.table
    return embeddedness_arrays(
        t.Z, d.Y, t.x, t.va, t.G, t.N, A=d.A, B=d.B, L=d.L, v=d.v, bilateral_exports=d.exports
    )


def compute_embeddedness(d: Derived) -> dict[str, pa.Table]:
    """Step ``embeddedness``: one row per node and measure (NaN kept: "undefined")."""
    return {
        "embeddedness": long_by_term(
            embeddedness_measures(d), ("node",), "measure", keep_zeros=True
        )
    }


def compute_betweenness(d: Derived) -> dict[str, pa.Table]:
    """Step ``embeddedness_betweenness``: betweenness of the intermediate-flow network.

    :func:`gvc.kernels.betweenness.betweenness_centrality` with ``-log`` sales-share edge
    lengths and edges below :data:`~gvc.lockin.measures.BETWEENNESS_MIN_SHARE` of the seller's
    sales dropped, on each link scope.
    """
    t = d.table
    res = {
        f"znet_betweenness_{s}": betweenness_centrality(
            t.Z, t.G, t.N, scope=s, min_share=BETWEENNESS_MIN_SHARE
        )
        for s in SCOPES
    }
    return {"embeddedness_betweenness": long_by_term(res, ("node",), "measure", keep_zeros=True)}


_DDL = """CREATE TABLE IF NOT EXISTS facts.{name} (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        measure VARCHAR NOT NULL, value DOUBLE)"""

STEPS: dict[str, Step] = {
    "embeddedness": Step(
        "embeddedness",
        compute_embeddedness,
        {"embeddedness": _DDL.format(name="embeddedness")},
        "embeddedness of every node: participation (Borin-Mancini, WWYZ), pure-domestic share, "
        "domestic input/sales shares and concentration, border crossings, centralities",
    ),
    "embeddedness_betweenness": Step(
        "embeddedness_betweenness",
        compute_betweenness,
        {"embeddedness_betweenness": _DDL.format(name="embeddedness_betweenness")},
        "betweenness of the intermediate-flow network (networkx; slow, opt-in)",
    ),
}
