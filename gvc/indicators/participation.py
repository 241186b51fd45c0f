"""TiVA indicators, GVC participation, position, production length and upstreamness as tables.

Public views (``queries/``):

* ``tiva(dataset, year, country, sector, partner, indicator, value)``: OECD TiVA indicators by
  exporting (or origin) node, with ``partner`` for the indicators that have one (FD_VA,
  FFD_DVA, IMGR_DVA) and NULL otherwise (:func:`gvc.kernels.tiva.tiva_indicators`).
* ``tiva_country_pairs(dataset, year, country, partner_or_sector, indicator, value)``:
  BALVAFD by partner country, DFD_FVA by source industry.
* ``gvc_participation(dataset, year, country, sector, measure, value)``: WWYZ (2017a)
  production-based participation, Koopman et al. (2010) participation and position, WWYZ
  (2017b) production length and position, Antras et al. (2012) upstreamness and Fally (2012)
  downstreamness, one row per node and measure (formulas in the kernels' docstrings).
* ``gvc_participation_country(dataset, year, country, measure, value)``: the country-level
  measures of the same papers.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.kernels.lengths import downstreamness, production_length, upstreamness
from gvc.kernels.participation import koopman_participation, wwyz_participation
from gvc.kernels.tiva import tiva_indicators

FACTS_DDL = {
    "tiva_node": """CREATE TABLE IF NOT EXISTS facts.tiva_node (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        indicator VARCHAR NOT NULL, value DOUBLE)""",
    "tiva_node_partner": """CREATE TABLE IF NOT EXISTS facts.tiva_node_partner (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        partner_pos INTEGER NOT NULL, indicator VARCHAR NOT NULL, value DOUBLE)""",
    "tiva_country_pair": """CREATE TABLE IF NOT EXISTS facts.tiva_country_pair (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, country_pos INTEGER NOT NULL,
        partner_pos INTEGER NOT NULL, indicator VARCHAR NOT NULL, value DOUBLE)""",
    "tiva_country_sector": """CREATE TABLE IF NOT EXISTS facts.tiva_country_sector (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, country_pos INTEGER NOT NULL,
        sector_pos INTEGER NOT NULL, indicator VARCHAR NOT NULL, value DOUBLE)""",
    "gvc_node": """CREATE TABLE IF NOT EXISTS facts.gvc_node (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        measure VARCHAR NOT NULL, value DOUBLE)""",
    "gvc_country": """CREATE TABLE IF NOT EXISTS facts.gvc_country (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, country_pos INTEGER NOT NULL,
        measure VARCHAR NOT NULL, value DOUBLE)""",
}


COUNTRY_PAIR = ("BALVAFD",)
"""TiVA indicators by (country, partner country): ``facts.tiva_country_pair``."""
COUNTRY_SECTOR = ("DFD_FVA",)
"""TiVA indicators by (country, source industry): ``facts.tiva_country_sector``."""


def _by_shape(res: dict[str, np.ndarray], shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in res.items() if np.shape(v) == shape}


def compute_tiva(d: Derived) -> dict[str, pa.Table]:
    """OECD TiVA core indicators from the shared inverse.

    Peak memory (``gvc run --steps tiva`` alone at EXIOBASE size, process RSS, measured with
    ``benchmarks/bench_large.py``): about 4.4 dense n x n float64 matrices.
    """
    t = d.table
    res = tiva_indicators(t.Z, d.Y, t.x, t.va, t.G, t.N, B=d.B)
    # by name, not by shape: (G, N) is (G, G) when G == N, and (n, G) is (G, G) when N == 1
    pair = {k: np.asarray(res[k], dtype=np.float64) for k in COUNTRY_PAIR}
    csec = {k: np.asarray(res[k], dtype=np.float64) for k in COUNTRY_SECTOR}
    node = _by_shape(res, (t.n,))
    partner = {k: v for k, v in _by_shape(res, (t.n, t.G)).items() if k not in pair}
    out = {
        "tiva_node": long_by_term(node, ("node",), "indicator", keep_zeros=True),
        "tiva_node_partner": long_by_term(partner, ("node", "partner_pos"), "indicator"),
    }
    if pair:
        out["tiva_country_pair"] = long_by_term(pair, ("country_pos", "partner_pos"), "indicator")
    if csec:
        out["tiva_country_sector"] = long_by_term(csec, ("country_pos", "sector_pos"), "indicator")
    return out


def compute_participation(d: Derived) -> dict[str, pa.Table]:
    """Participation, position, production length, upstreamness, downstreamness.

    Peak memory (``gvc run --steps participation`` alone at EXIOBASE size, process RSS,
    measured with ``benchmarks/bench_large.py``): about 4.4 dense n x n float64 matrices.
    """
    t = d.table
    node: dict[str, np.ndarray] = {}
    country: dict[str, np.ndarray] = {}
    w = wwyz_participation(t.Z, d.Y, t.x, t.va, t.G, t.N, B=d.B)
    k = koopman_participation(t.Z, d.Y, t.x, t.va, t.G, t.N, B=d.B)
    pl = production_length(t.Z, d.Y, t.x, t.va, t.G, t.N, B=d.B)
    for prefix, res in (("", w), ("koopman_", k), ("", pl)):
        for name, arr in res.items():
            # by name: a (G,) country array is (n,) too when N == 1
            if name.endswith("_country"):
                country[prefix + name.removesuffix("_country")] = arr
            elif np.shape(arr) == (t.n,):
                node[prefix + name] = arr
    node["upstreamness"] = upstreamness(d.A, t.x, B=d.B)
    node["downstreamness"] = downstreamness(d.A, B=d.B)
    return {
        "gvc_node": long_by_term(node, ("node",), "measure", keep_zeros=True),
        "gvc_country": long_by_term(country, ("country_pos",), "measure", keep_zeros=True),
    }
