"""Core value-added indicators: ``va_flows``, ``va_in_exports``, ``gross_exports``.

Public tables (views in ``queries/``, physical rows in ``facts.*`` keyed by node ids):

* ``va_flows(dataset, year, origin_country, origin_sector, dest_country, value)``:
  value added created in the origin node and absorbed in the final demand of ``dest_country``,
  ``v-hat B Y`` (Johnson & Noguera 2012, eq. 5).
* ``va_in_exports(dataset, year, source_country, source_sector, exporter, export_sector,
  value)``: value added of the source node embodied in the gross exports of the exporting node,
  ``v-hat B e-hat`` (KWW 2014 eqs. 7-8; TiVA EXGR_BSCI; decompr ``leontief(post="exports")``).
* ``gross_exports(dataset, year, exporter, export_sector, importer, intermediate, final,
  total)``: sales of the exporting node to another country, intermediate (``Z``) and final
  (``Y``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gvc.indicators.derived import Derived
from gvc.kernels.blocks import country_of
from gvc.kernels.value_added import va_flows, va_in_exports

FACTS_DDL = {
    "va_flows": """CREATE TABLE IF NOT EXISTS facts.va_flows (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, origin_node INTEGER NOT NULL,
        dest_country_pos INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    "va_in_exports": """CREATE TABLE IF NOT EXISTS facts.va_in_exports (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, source_node INTEGER NOT NULL,
        export_node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    "export_va": """CREATE TABLE IF NOT EXISTS facts.export_va (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        gross_exports DOUBLE NOT NULL, dva DOUBLE NOT NULL, fva DOUBLE NOT NULL)""",
    "gross_exports": """CREATE TABLE IF NOT EXISTS facts.gross_exports (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, export_node INTEGER NOT NULL,
        importer_pos INTEGER NOT NULL, intermediate DOUBLE NOT NULL, final DOUBLE NOT NULL)""",
}


def compute_core(d: Derived) -> dict[str, pa.Table]:
    """Compute the three core tables for one table; rows with a zero value are omitted."""
    t = d.table
    n, G = t.n, t.G
    out: dict[str, pa.Table] = {}

    F = va_flows(d.B, d.v, d.Y)
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
    out["va_in_exports"] = pa.table({"source_node": src, "export_node": dst, "value": vals})
    # domestic / foreign split of each exporting node's value-added content: column sums of
    # the domestic and foreign blocks of V B E-hat (one pass over M by country blocks)
    by_country = M.reshape(G, t.N, k).sum(axis=1)  # (G, k): value added by source country
    dva = by_country[country_of(G, t.N)[exporting], np.arange(k)]
    out["export_va"] = pa.table(
        {
            "export_node": exporting.astype(np.int32),
            "gross_exports": d.e[exporting],
            "dva": dva,
            "fva": by_country.sum(axis=0) - dva,
        }
    )
    del M, flat

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
