"""Steps ``final_output`` and ``final_output_nodes``: value chains of final products.

Who adds the value in the final output of each country x product (Timmer, Erumban, Los,
Stehrer & de Vries 2014; Los, Timmer & de Vries 2015; Timmer et al. 2015, eq. 1). Formulas
and references: :mod:`gvc.kernels.final_output`. With ``v = va / x``, ``B`` the table's one
global inverse (from :class:`~gvc.indicators.derived.Derived`) and ``y = Y 1`` the final
output of every node (all destinations and final-demand categories):

* ``facts.final_output_va(origin_country_pos, node, value)``: ``S v-hat B y-hat``, the value
  added by each origin country in the final output of each node (non-zero cells; sums over
  origins to ``y`` on a residual-VA table);
* ``facts.final_output_node(node, measure, value)``: ``final_output`` ``y_j``,
  ``domestic_va`` (by the node's own country), ``foreign_va`` (by all others),
  ``foreign_va_share`` (foreign value added per unit of final output, NaN where ``x_j = 0``);
* opt-in step ``final_output_nodes``: ``facts.final_output_va_nodes(origin_node, node,
  value)``, the full ``v-hat B y-hat`` (n x n, like ``wwz_third`` kept out of the default).

Views: ``final_output_va`` (origin country x country x sector with shares),
``final_output_fva`` (per node), ``final_output_va_nodes``; product groups (a sector list in
table ``product_groups``, the shipped concordance ``product_group_concordance``, or one sector)
through the macros ``final_output_group(dataset, group)`` and ``gvc_income(dataset, group)``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.indicators.step import Step
from gvc.kernels.final_output import (
    final_output_va_by_country,
    final_output_va_by_node,
    foreign_va_share,
)

_DDL = {
    "final_output_va": """CREATE TABLE IF NOT EXISTS facts.final_output_va (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, origin_country_pos INTEGER NOT NULL,
        node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    "final_output_node": """CREATE TABLE IF NOT EXISTS facts.final_output_node (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        measure VARCHAR NOT NULL, value DOUBLE)""",
    "final_output_va_nodes": """CREATE TABLE IF NOT EXISTS facts.final_output_va_nodes (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, origin_node INTEGER NOT NULL,
        node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
}


def _nonzero_cells(M: np.ndarray, row: str, col: str) -> pa.Table:
    i, j = np.nonzero(M)
    return pa.table(
        {row: i.astype(np.int32), col: j.astype(np.int32), "value": M[i, j].astype(np.float64)}
    )


def final_output_arrays(d: Derived) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``(S v-hat B y-hat`` as (G, n), per-node measures ``{name: (n,)}``) of one table."""
    t = d.table
    y = t.Y_detail.sum(axis=1)
    K = final_output_va_by_country(d.v, d.B, y, t.G, t.N)
    own = K[np.repeat(np.arange(t.G), t.N), np.arange(t.n)]
    node = {
        "final_output": y,
        "domestic_va": own,
        "foreign_va": K.sum(axis=0) - own,
        "foreign_va_share": foreign_va_share(d.v, d.B, t.x, t.G, t.N),
    }
    return K, node


def compute_final_output(d: Derived) -> dict[str, pa.Table]:
    """Step ``final_output``: VA by origin country in each node's final output, FVA shares."""
    K, node = final_output_arrays(d)
    return {
        "final_output_va": _nonzero_cells(K, "origin_country_pos", "node"),
        "final_output_node": long_by_term(node, ("node",), "measure", keep_zeros=True),
    }


def compute_final_output_nodes(d: Derived) -> dict[str, pa.Table]:
    """Step ``final_output_nodes``: the full ``v-hat B y-hat`` (n x n non-zero cells)."""
    t = d.table
    K = final_output_va_by_node(d.v, d.B, t.Y_detail.sum(axis=1))
    return {"final_output_va_nodes": _nonzero_cells(K, "origin_node", "node")}


STEPS: dict[str, Step] = {
    "final_output": Step(
        "final_output",
        compute_final_output,
        {k: _DDL[k] for k in ("final_output_va", "final_output_node")},
        "final-product value chains: value added by origin country in the final output of "
        "every node (V-hat B y-hat summed by origin country), foreign VA share (Timmer et al. "
        "2014; Los, Timmer & de Vries 2015)",
    ),
    "final_output_nodes": Step(
        "final_output_nodes",
        compute_final_output_nodes,
        {"final_output_va_nodes": _DDL["final_output_va_nodes"]},
        "the full node-by-node V-hat B y-hat (n x n; opt-in)",
    ),
}
