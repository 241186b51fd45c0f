"""The embeddedness measures: what each one is and how it aggregates to a user cluster.

:data:`MEASURES` lists every measure of step ``embeddedness`` (and of the opt-in
``embeddedness_betweenness``) with its aggregation to a cluster; the SQL view
``embeddedness_measures`` holds the same table (kept equal by ``tests/test_embeddedness.py``).
The formulas are in :mod:`gvc.kernels.embeddedness`. :data:`WIDE_MEASURES` are the columns of
the view ``embeddedness_wide``.
"""

from __future__ import annotations

from dataclasses import dataclass

from gvc.kernels.network import MEASURES as CENTRALITY_MEASURES
from gvc.kernels.network import SCOPES


@dataclass(frozen=True)
class Measure:
    """How a node measure aggregates to a cluster: ``sum``, ``weighted`` mean (by ``weight``,
    another measure) or ``none`` (a label-like value that does not aggregate)."""

    aggregation: str
    weight: str | None
    doc: str


_LEVELS = {
    "output": "gross output x",
    "value_added": "value added va",
    "gross_exports": "gross exports e (sales to other countries)",
    "final_goods": "final goods produced, y = Y 1 (all destinations)",
    "intermediate_inputs": "intermediate inputs bought, 1'Z",
    "intermediate_sales": "intermediate sales, Z 1",
}

#: Every measure of step ``embeddedness``: its meaning and how it aggregates to a cluster.
MEASURES: dict[str, Measure] = {
    **{k: Measure("sum", None, v) for k, v in _LEVELS.items()},
    "bm_gvcb_share": Measure(
        "weighted", "gross_exports", "Borin-Mancini backward GVC participation GVCB / GEXP"
    ),
    "bm_gvcf_share": Measure(
        "weighted", "gross_exports", "Borin-Mancini forward GVC participation GVCF / GEXP"
    ),
    "bm_gvc_share": Measure("weighted", "gross_exports", "Borin-Mancini GVC / GEXP"),
    "fva_share": Measure("weighted", "gross_exports", "TiVA EXGR_FVASH, foreign VA / exports"),
    "gvc_forward": Measure("weighted", "value_added", "WWYZ GVCPt_f, GVC share of node VA"),
    "gvc_backward": Measure(
        "weighted", "output", "WWYZ backward GVC share of a unit of final goods, v'L A^F B"
    ),
    "pure_domestic_share": Measure("weighted", "value_added", "WWYZ V_D / va"),
    "traditional_trade_share": Measure("weighted", "value_added", "WWYZ V_RT / va"),
    "export_share": Measure("weighted", "output", "gross exports / gross output"),
    "domestic_input_share": Measure(
        "weighted", "intermediate_inputs", "domestic share of intermediate inputs"
    ),
    "domestic_sales_share": Measure(
        "weighted", "intermediate_sales", "domestic share of intermediate sales"
    ),
    "domestic_input_hhi": Measure(
        "weighted", "intermediate_inputs", "Herfindahl of domestic suppliers (other nodes)"
    ),
    "top_domestic_supplier_share": Measure(
        "weighted", "intermediate_inputs", "share of the largest domestic supplier"
    ),
    "top_domestic_supplier_pos": Measure(
        "none", None, "sector position of the largest domestic supplier"
    ),
    "crossings_mean": Measure("weighted", "value_added", "mean border crossings of node VA"),
    "returns_mean": Measure("weighted", "value_added", "mean crossings back into origin country"),
    "countries_visited_mean": Measure(
        "weighted", "value_added", "mean countries visited by node VA"
    ),
}
_CENT_AGG = {"in_strength": "sum", "out_strength": "sum", "pagerank": "sum"}
for _net, _what in (("znet", "intermediate-flow network Z"), ("vanet", "value-added network")):
    for _m in CENTRALITY_MEASURES:
        for _s in SCOPES:
            _agg = _CENT_AGG.get(_m, "weighted")
            MEASURES[f"{_net}_{_m}_{_s}"] = Measure(
                _agg, None if _agg == "sum" else "output", f"{_m}, {_s} links, {_what}"
            )
BETWEENNESS_MIN_SHARE = 0.05
"""Edges below this share of the seller's sales are dropped before betweenness (speed)."""
for _s in SCOPES:
    MEASURES[f"znet_betweenness_{_s}"] = Measure(
        "weighted", "output", f"betweenness, {_s} links, intermediate-flow network (opt-in)"
    )

WIDE_MEASURES: tuple[str, ...] = (
    "gvc_backward",
    "gvc_forward",
    "bm_gvcb_share",
    "bm_gvcf_share",
    "fva_share",
    "pure_domestic_share",
    "export_share",
    "domestic_input_share",
    "domestic_sales_share",
    "domestic_input_hhi",
    "top_domestic_supplier_share",
    "crossings_mean",
    "znet_pagerank_full",
    "znet_pagerank_foreign",
    "znet_pagerank_domestic",
    "vanet_pagerank_full",
    "vanet_pagerank_foreign",
    "vanet_pagerank_domestic",
)
"""Columns of the view ``embeddedness_wide``."""
