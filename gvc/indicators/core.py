"""Core value-added indicators: ``va_flows``, ``va_in_exports``, ``gross_exports``.

Public tables (views in ``queries/``, physical rows in ``facts.*`` keyed by node ids):

* ``va_flows(dataset, year, origin_country, origin_sector, dest_country, value)``:
  value added created in the origin node and absorbed in the final demand of ``dest_country``,
  ``v-hat B Y`` (Johnson & Noguera 2012, eq. 5).
* ``va_in_exports(dataset, year, source_country, exporter, export_sector, value)``: value
  added of the source country embodied in the gross exports of the exporting node,
  ``V_c B e-hat`` (KWW 2014 eqs. 7-8; TiVA EXGR_BSCI; decompr ``leontief(post="exports")``
  summed over source sectors). G x n rows a year.
* ``va_in_exports_nodes(..., source_country, source_sector, exporter, export_sector, value)``:
  the same by source node, ``v-hat B e-hat``: n x n rows a year (64 M at EXIOBASE size, 387 M
  at GLORIA size), so not in the default run. Two ways to it: the opt-in step
  ``va_in_exports_nodes`` stores all of it (through the ledger), and
  :func:`va_in_exports_detail` computes the columns of chosen exporting nodes on demand from
  the stored input table (one LU of ``I - A``, nothing stored).
* ``gross_exports(dataset, year, exporter, export_sector, importer, intermediate, final,
  total)``: sales of the exporting node to another country, intermediate (``Z``) and final
  (``Y``).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.kernels.blocks import country_of
from gvc.kernels.value_added import va_flows, va_in_exports, va_in_exports_by_country

FACTS_DDL = {
    "va_flows": """CREATE TABLE IF NOT EXISTS facts.va_flows (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, origin_node INTEGER NOT NULL,
        dest_country_pos INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    "va_in_exports_country": """CREATE TABLE IF NOT EXISTS facts.va_in_exports_country (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, source_country_pos INTEGER NOT NULL,
        export_node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    "export_va": """CREATE TABLE IF NOT EXISTS facts.export_va (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        gross_exports DOUBLE NOT NULL, dva DOUBLE NOT NULL, fva DOUBLE NOT NULL)""",
    "gross_exports": """CREATE TABLE IF NOT EXISTS facts.gross_exports (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        importer_pos INTEGER NOT NULL, intermediate DOUBLE NOT NULL, final DOUBLE NOT NULL)""",
}


NODES_DDL = {
    "va_in_exports": """CREATE TABLE IF NOT EXISTS facts.va_in_exports (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, source_node INTEGER NOT NULL,
        export_node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
}
"""The node-by-node ``va_in_exports`` detail (opt-in step ``va_in_exports_nodes``)."""


def compute_core(d: Derived) -> dict[str, pa.Table]:
    """Compute the core tables for one table; rows with a zero value are omitted.

    ``va_flows`` (n x G), ``va_in_exports_country`` (G x n), ``export_va`` (n) and
    ``gross_exports`` (n x G): every result is O(n G), none n x n.

    No inverse: ``B Y`` and ``V_c B`` are solved with the LU factors of ``I - A``
    (:attr:`Derived.lu`, or B when an earlier step of the run made it). Peak memory: ``Z`` and
    the LU factors (two n x n float64 matrices) plus O(n G); measured with
    ``benchmarks/bench_large.py`` at EXIOBASE size: 3.3 n x n (process RSS, Python and DuckDB
    included).
    """
    t = d.table
    G = t.G
    out: dict[str, pa.Table] = {}

    # LU solves, not B, unless another step of the run made B already: this step alone costs
    # one LU factorisation (a third of an inverse) and G + G solves
    F = va_flows(None, d.v, d.Y, solve=d.solve)
    i, r = np.nonzero(F)
    out["va_flows"] = pa.table(
        {
            "origin_node": i.astype(np.int32),
            "dest_country_pos": r.astype(np.int32),
            "value": F[i, r],
        }
    )
    del F

    exporting = np.flatnonzero(d.e != 0)
    k = exporting.size
    by_country = va_in_exports_by_country(None, d.v, d.e, G, t.N, solve_left=d.solve_left)
    by_country = by_country[:, exporting]  # (G, k)
    s, j = np.nonzero(by_country)
    out["va_in_exports_country"] = pa.table(
        {
            "source_country_pos": s.astype(np.int32),
            "export_node": exporting.astype(np.int32)[j],
            "value": by_country[s, j],
        }
    )
    # domestic / foreign split of each exporting node's value-added content
    dva = by_country[country_of(G, t.N)[exporting], np.arange(k)]
    out["export_va"] = pa.table(
        {
            "export_node": exporting.astype(np.int32),
            "gross_exports": d.e[exporting],
            "dva": dva,
            "fva": by_country.sum(axis=0) - dva,
        }
    )

    E_int, E_fin = d.exports
    own_col = country_of(G, t.N)[:, None] == np.arange(G)[None, :]
    keep = ~own_col & ((E_int != 0) | (E_fin != 0))
    i, r = np.nonzero(keep)
    out["gross_exports"] = pa.table(
        {
            "export_node": i.astype(np.int32),
            "importer_pos": r.astype(np.int32),
            "intermediate": E_int[i, r],
            "final": E_fin[i, r],
        }
    )
    return out


def compute_va_in_exports_nodes(d: Derived) -> dict[str, pa.Table]:
    """The node-by-node ``v-hat B e-hat`` (KWW 2014 eqs. 7-8), every non-zero cell: n x n rows.

    Opt-in (``gvc run --steps va_in_exports_nodes``): 64 M rows a year at EXIOBASE size. For a
    few exporting nodes :func:`va_in_exports_detail` is cheaper.

    Peak memory: ``Z``, ``A``, ``B``, the (n, k) product and its long rows (16 bytes a cell):
    about six n x n float64 matrices.
    """
    n = d.table.n
    exporting = np.flatnonzero(d.e != 0)
    k = exporting.size
    # exporting columns only; when every node exports this is B itself (no column copy)
    Bk = d.B if k == n else d.B[:, exporting]
    M = va_in_exports(Bk, d.v, d.e[exporting])
    flat = M.ravel()
    if np.count_nonzero(flat) == flat.size:  # dense (the usual case): no masks, no gathers
        src = np.repeat(np.arange(n, dtype=np.int32), k)
        dst = np.tile(exporting.astype(np.int32), n)
        vals = flat
    else:
        nzr, nzc = np.nonzero(M)
        src, dst, vals = nzr.astype(np.int32), exporting.astype(np.int32)[nzc], M[nzr, nzc]
    return {"va_in_exports": pa.table({"source_node": src, "export_node": dst, "value": vals})}


def va_in_exports_detail(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    exporter: str,
    export_sector: str | None = None,
) -> pa.Table:
    """Node-by-node value-added origin of the exports of one country's nodes, on demand.

    ``v-hat B[:, J] e-hat_J`` for the nodes ``J`` of ``exporter`` (or its one node
    ``export_sector``), from the stored input table: one LU factorisation of ``I - A`` (a third
    of an inverse) and ``|J|`` solves, nothing stored. The same rows as the ``va_in_exports_nodes``
    view of a store where that step ran.

    Returns
    -------
    pyarrow.Table with ``source_country, source_sector, exporter, export_sector, value``
    (non-zero cells, node order).

    Raises
    ------
    SchemaError
        no such table, or ``exporter`` / ``export_sector`` is not one of its labels.

    Peak memory: ``Z``, ``A`` and the LU factors (three n x n matrices) plus an (n, k) array
    for k exporting nodes.
    """
    from gvc.errors import SchemaError
    from gvc.indicators.inputs import read_iotable
    from gvc.kernels.leontief import leontief_lu
    from gvc.kernels.value_added import va_in_exports_columns

    t = read_iotable(con, dataset, year)
    if exporter not in t.countries:
        raise SchemaError(f"{dataset} {year}: unknown exporter {exporter!r}")
    c = t.countries.index(exporter)
    if export_sector is None:
        cols = np.arange(c * t.N, (c + 1) * t.N)
    elif export_sector in t.sectors:
        cols = np.array([c * t.N + t.sectors.index(export_sector)])
    else:
        raise SchemaError(f"{dataset} {year}: unknown export_sector {export_sector!r}")
    d = Derived(t)
    M = va_in_exports_columns(leontief_lu(d.A), d.v, d.e, cols)
    i, m = np.nonzero(M)
    countries, sectors = t.node_labels()
    return pa.table(
        {
            "source_country": pa.array(countries[i].tolist(), pa.string()),
            "source_sector": pa.array(sectors[i].tolist(), pa.string()),
            "exporter": pa.array([exporter] * i.size, pa.string()),
            "export_sector": pa.array(sectors[cols[m]].tolist(), pa.string()),
            "value": M[i, m],
        }
    )
