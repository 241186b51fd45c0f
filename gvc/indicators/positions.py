"""Steps ``positions`` and ``positions_uncorrected``: U, D, F/GO and VA/GO as published.

Antràs & Chor (2018) compute four position measures per country-industry and, on the table
collapsed to countries, per country (formulas, conventions and references:
:mod:`gvc.kernels.positions`):

* ``upstreamness`` U = x-hat^-1 (I - A)^-1 x (their eq. 5; Antràs, Chor, Fally & Hillberry
  2012; Fally 2012);
* ``downstreamness`` D' = 1'(I - A)^-1 (their eqs. 7-8; Miller & Temurshoev 2017);
* ``final_use_share`` F/GO, final sales over gross output;
* ``value_added_share`` VA/GO = 1 - column sum of A.

Step ``positions`` (variant ``inventory_corrected``) applies the net-inventory correction of
Antràs et al. (2012), as the published figures do, wherever the table has an inventory
category (:data:`gvc.ingestion.harmonise.INVENTORY_CODES`: WIOD ``INVEN``, ICIO ``INVNT``);
on a table without one it writes the uncorrected values and records ``variant =
'uncorrected'``. Step ``positions_uncorrected`` (opt-in) writes the uncorrected measures (the
node values then equal ``upstreamness``/``downstreamness`` of step ``participation``).

Tables (``facts.``): ``position_node(node, variant, measure, value)`` and
``position_country(country_pos, variant, measure, value)``, and the same with the suffix
``_uncorrected``. Views: ``positions`` (node), ``positions_country`` and ``positions_world``
(output-weighted means of the country values, Antràs & Chor 2018, p. 10), one column per
measure, both variants. Zero-output nodes: U = D = VA/GO = 1, F/GO NULL.
"""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np
import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.indicators.step import Step
from gvc.ingestion.harmonise import INVENTORY_CODES
from gvc.kernels.positions import country_position_measures, position_measures
from gvc.table import IOTable

log = logging.getLogger(__name__)

Variant = Literal["inventory_corrected", "uncorrected"]
VARIANTS: tuple[str, ...] = ("inventory_corrected", "uncorrected")

_DDL = {
    "node": """CREATE TABLE IF NOT EXISTS facts.{name} (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        variant VARCHAR NOT NULL, measure VARCHAR NOT NULL, value DOUBLE)""",
    "country": """CREATE TABLE IF NOT EXISTS facts.{name} (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, country_pos INTEGER NOT NULL,
        variant VARCHAR NOT NULL, measure VARCHAR NOT NULL, value DOUBLE)""",
}


def inventory_changes(table: IOTable) -> np.ndarray | None:
    """(n,) net inventory change of every row, summed over destination countries.

    None when the table has no inventory category (none of
    :data:`~gvc.ingestion.harmonise.INVENTORY_CODES`).
    """
    cats = [f for f, code in enumerate(table.fd_categories) if code.upper() in INVENTORY_CODES]
    if not cats:
        return None
    Yd = table.Y_detail.reshape(table.n, table.G, table.F)
    return Yd[:, :, cats].sum(axis=(1, 2))


def position_arrays(
    d: Derived, variant: Variant = "inventory_corrected"
) -> tuple[str, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The four measures of one table, by node and by country.

    Parameters
    ----------
    d : the table's :class:`~gvc.indicators.derived.Derived` (its ``A`` and, uncorrected,
        its ``B`` are reused).
    variant : ``inventory_corrected`` (Antràs et al. 2012 correction; falls back to
        ``uncorrected`` on a table without an inventory category) or ``uncorrected``.

    Returns
    -------
    (variant used, {measure: (n,) array}, {measure: (G,) array}).
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    t = d.table
    final = t.Y_detail.sum(axis=1)
    inv = inventory_changes(t) if variant == "inventory_corrected" else None
    used = "inventory_corrected" if inv is not None else "uncorrected"
    if variant == "inventory_corrected" and inv is None:
        log.warning(
            "positions: the table has no inventory category (%s): uncorrected measures written",
            ", ".join(INVENTORY_CODES),
        )
    node = position_measures(d.A, t.x, final, inv, B=d.B)
    country = country_position_measures(t.Z, t.x, final, inv, t.G, t.N)
    return used, node, country


def _tables(d: Derived, variant: Variant, suffix: str) -> dict[str, pa.Table]:
    used, node, country = position_arrays(d, variant)
    const = {"variant": used}
    return {
        f"position_node{suffix}": long_by_term(
            node, ("node",), "measure", constants=const, keep_zeros=True
        ),
        f"position_country{suffix}": long_by_term(
            country, ("country_pos",), "measure", constants=const, keep_zeros=True
        ),
    }


def compute_positions(d: Derived) -> dict[str, pa.Table]:
    """Step ``positions``: the measures with the net-inventory correction (where possible)."""
    return _tables(d, "inventory_corrected", "")


def compute_positions_uncorrected(d: Derived) -> dict[str, pa.Table]:
    """Step ``positions_uncorrected``: the measures without the inventory correction."""
    return _tables(d, "uncorrected", "_uncorrected")


STEPS: dict[str, Step] = {
    "positions": Step(
        "positions",
        compute_positions,
        {
            "position_node": _DDL["node"].format(name="position_node"),
            "position_country": _DDL["country"].format(name="position_country"),
        },
        "upstreamness, downstreamness, F/GO, VA/GO by node and country as Antras & Chor (2018) "
        "publish them (net-inventory correction of Antras et al. 2012)",
    ),
    "positions_uncorrected": Step(
        "positions_uncorrected",
        compute_positions_uncorrected,
        {
            "position_node_uncorrected": _DDL["node"].format(name="position_node_uncorrected"),
            "position_country_uncorrected": _DDL["country"].format(
                name="position_country_uncorrected"
            ),
        },
        "the same four measures without the inventory correction (opt-in)",
    ),
}
