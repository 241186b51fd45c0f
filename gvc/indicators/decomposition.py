"""Gross-export decompositions written as long tables: KWW, WWZ, Borin-Mancini.

Public views (``queries/``):

* ``decomp_kww(dataset, year, exporter, term, value)``: Koopman, Wang & Wei (2014) nine terms
  and the groups VAX, DVA, RDV, FVA, PDC by exporting country (:func:`gvc.kernels.kww.kww`).
* ``decomp_wwz(dataset, year, exporter, export_sector, importer, term, value)``: Wang, Wei &
  Zhu (2013) sixteen terms by exporting sector and importer (:func:`gvc.kernels.wwz.wwz`).
* ``decomp_wwz_third(... third_country, role ...)``: the re-export and other-country terms
  split by the third country (step ``wwz_third``, not in the default run: G times larger).
* ``decomp_bm(dataset, year, exporter, export_sector, importer, approach, perspective, term,
  value)``: Borin & Mancini (2019, 2023), source and sink approaches in the world and exporter
  perspectives, and the own-flow perspectives sector, bilateral and bilateral_sector (one
  variant each, stored under approach ``source``: source and sink coincide there)
  (:func:`gvc.kernels.borin_mancini.bm`). Coarser perimeters are sums: views
  ``decomp_bm_exporter``, ``decomp_bm_sector`` and ``decomp_bm_bilateral`` keep only the
  perspectives whose sum is meaningful at their level.
"""

from __future__ import annotations

import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.kernels.borin_mancini import Approach, Perspective, bm
from gvc.kernels.kww import wwz_to_kww
from gvc.kernels.wwz import REEXPORT_SPLIT_TERMS, wwz_reexport_split

FACTS_DDL = {
    "decomp_kww": """CREATE TABLE IF NOT EXISTS facts.decomp_kww (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, exporter_pos INTEGER NOT NULL,
        term VARCHAR NOT NULL, value DOUBLE NOT NULL)""",
    "decomp_wwz": """CREATE TABLE IF NOT EXISTS facts.decomp_wwz (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        importer_pos INTEGER NOT NULL, term VARCHAR NOT NULL, value DOUBLE NOT NULL)""",
    "decomp_wwz_third": """CREATE TABLE IF NOT EXISTS facts.decomp_wwz_third (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        importer_pos INTEGER NOT NULL, third_pos INTEGER NOT NULL, term VARCHAR NOT NULL,
        value DOUBLE NOT NULL)""",
    "decomp_bm": """CREATE TABLE IF NOT EXISTS facts.decomp_bm (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        importer_pos INTEGER NOT NULL, approach VARCHAR NOT NULL, perspective VARCHAR NOT NULL,
        term VARCHAR NOT NULL, value DOUBLE NOT NULL)""",
}

#: The ``(approach, perspective)`` Borin-Mancini variants step ``bm`` writes.
BM_VARIANTS: tuple[tuple[Approach, Perspective], ...] = (
    ("source", "world"),
    ("sink", "world"),
    ("source", "exporter"),
    ("sink", "exporter"),
    ("source", "sector"),
    ("source", "bilateral"),
    ("source", "bilateral_sector"),
)


def compute_wwz(d: Derived) -> dict[str, pa.Table]:
    """WWZ 16 terms per (exporting node, importer); zero cells omitted.

    Peak memory (``gvc run --steps wwz`` alone at EXIOBASE size, process RSS, measured with
    ``benchmarks/bench_large.py``): about 7.4 dense n x n float64 matrices.
    """
    return {"decomp_wwz": long_by_term(d.wwz, ("export_node", "importer_pos"))}


def compute_kww(d: Derived) -> dict[str, pa.Table]:
    """KWW 9 terms and groups per exporting country, aggregated from the shared WWZ result.

    Peak memory (``gvc run --steps kww`` alone at EXIOBASE size, process RSS, measured with
    ``benchmarks/bench_large.py``): about 7.4 dense n x n float64 matrices (it computes the
    WWZ terms it aggregates).
    """
    t = d.table
    terms = wwz_to_kww(d.wwz, t.G, t.N)
    return {"decomp_kww": long_by_term(terms, ("exporter_pos",), keep_zeros=True)}


def compute_wwz_third(d: Derived) -> dict[str, pa.Table]:
    """WWZ re-export / other-country terms split by third country: (n, G, G) per term."""
    t = d.table
    split = wwz_reexport_split(t.Z, d.Y, t.x, t.va, t.G, t.N, B=d.B, L=d.L)
    split = {k: v for k, v in split.items() if k in REEXPORT_SPLIT_TERMS}
    return {"decomp_wwz_third": long_by_term(split, ("export_node", "importer_pos", "third_pos"))}


def compute_bm(d: Derived) -> dict[str, pa.Table]:
    """Borin-Mancini, every variant of :data:`BM_VARIANTS`, per (exporting node, importer).

    Zero cells are omitted. The seven variants share the one global inverse ``d.B``.

    Peak memory (``gvc run --steps bm`` alone at EXIOBASE size, process RSS, measured with
    ``benchmarks/bench_large.py``): about 6.5 dense n x n float64 matrices.
    """
    t = d.table
    parts = []
    for approach, perspective in BM_VARIANTS:
        terms = bm(t.Z, d.Y, t.x, t.va, t.G, t.N, approach=approach, perspective=perspective, B=d.B)
        parts.append(
            long_by_term(
                terms,
                ("export_node", "importer_pos"),
                constants={"approach": approach, "perspective": perspective},
            )
        )
    return {"decomp_bm": pa.concat_tables(parts, promote_options="permissive")}
