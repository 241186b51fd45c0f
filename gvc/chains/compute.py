"""One chain on one table: the chain's final demand and its three result frames (no store).

For one table and one chain, :func:`chain_year` builds the chain's final demand ``y`` (n, R)
(:func:`chain_final_demand`: one column per destination country, rows outside the producing
nodes set to zero) and calls the kernels :func:`gvc.kernels.crossings.chain_moments`,
:func:`gvc.kernels.paths.top_paths` and :func:`gvc.kernels.chain_segments.chain_length_segments`
on the matrices of the table's :class:`~gvc.indicators.derived.Derived` (one Leontief inverse).
It returns labelled frames for the three result tables (DDL and column meanings in
``queries/chain_schema.sql``; :mod:`gvc.chains.store` writes them):

* ``chain_geography(origin_country, origin_sector, value_added, crossings_mean,
  crossings_var, returns_mean, intercontinental_mean, km_mean, countries_visited_mean)``: per
  value-added origin node with value in the chain;
* ``chain_totals(value_added, ..., countries_effective, countries_over, production_length,
  pl_domestic, pl_border, pl_foreign)``: per chain and year;
* ``chain_paths(rank, path, value, share, crossings, km, countries, sectors, destination)``:
  the ``k`` largest structural paths.

**Production length of the chain.** Chain totals are the sums over origins of the induced
output of WWYZ's (2017b) three segments divided by the chain's value added:
``production_length = v'B B y / v'B y``, ``pl_domestic`` = stages before the value first
leaves its origin country (pure domestic and traditional-trade stages included),
``pl_border`` = the border-crossing segment (every crossing of intermediate goods; the final
sale abroad is not a production stage) and ``pl_foreign`` = the stages after the first
crossing, so that ``pl_domestic + pl_border + pl_foreign = production_length``
(:func:`gvc.kernels.chain_segments.chain_length_segments`, equal to the segment sums of
:func:`gvc.kernels.lengths.production_length`). ``pl_border`` equals ``crossings_mean`` less
the final sale ``v'B y^x / v'B y`` (tested).

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017b). Characterizing global value chains: production
length and upstreamness. NBER Working Paper 23261.
Muradov, K. (2016). Counting borders in global value chains. 24th IIOA Conference, Seoul.
See :mod:`gvc.kernels.crossings` and :mod:`gvc.kernels.paths` for the formulas.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from gvc.chains.definitions import ChainSpec, chain_geography_of
from gvc.chains.geography import CountryGeo
from gvc.errors import InputError
from gvc.indicators.derived import Derived
from gvc.kernels.chain_segments import chain_length_segments
from gvc.kernels.crossings import chain_moments
from gvc.kernels.paths import top_paths
from gvc.table import IOTable


def chain_final_demand(table: IOTable, spec: ChainSpec) -> tuple[np.ndarray, np.ndarray]:
    """The chain's final demand ``y`` (n, R), one column per destination, and their countries.

    ``y[i, r] = Y[i, dest_r]`` (categories summed) for producing nodes ``i``, 0 elsewhere.

    Raises
    ------
    InputError
        a code of the definition is not in the table.
    """
    G, N = table.G, table.N
    cpos = {c: k for k, c in enumerate(table.countries)}
    spos = {s: k for k, s in enumerate(table.sectors)}

    def positions(x: tuple[str, ...] | None, pos: dict[str, int], what: str) -> np.ndarray:
        if x is None:
            return np.arange(len(pos))
        missing = [c for c in x if c not in pos]
        if missing:
            raise InputError(f"chain {spec.name!r}: {what} {missing[0]!r} is not in the table")
        return np.array([pos[c] for c in x], dtype=np.intp)

    pc = np.zeros(G, dtype=bool)
    pc[positions(spec.producers_countries, cpos, "producing country")] = True
    ps = np.zeros(N, dtype=bool)
    ps[positions(spec.producers_sectors, spos, "producing sector")] = True
    mask = (pc[:, None] & ps[None, :]).reshape(-1)
    dest = positions(spec.destinations, cpos, "destination country")
    y = table.Y[:, dest] * mask[:, None]
    return y, dest


def _path_text(nodes: Sequence[int], dest: int, countries: Sequence[str], sectors: Sequence[str]):
    N = len(sectors)
    cs = [countries[j // N] for j in nodes]
    ss = [sectors[j % N] for j in nodes]
    text = " -> ".join(f"{c}/{s}" for c, s in zip(cs, ss, strict=True)) + f" -> [{countries[dest]}]"
    return text, cs, ss


def chain_year(
    table: IOTable,
    spec: ChainSpec,
    *,
    derived: Derived | None = None,
    geo: CountryGeo | None = None,
    k: int = 20,
    share_threshold: float = 0.005,
) -> dict[str, pd.DataFrame]:
    """Geography of one chain on one table: ``{chain_geography, chain_totals, chain_paths}``.

    Frames carry labels and no ``dataset``/``year``/``chain`` columns (the writer adds them).
    Formulas: :func:`gvc.kernels.crossings.chain_moments` (per origin and totals),
    :func:`gvc.kernels.paths.top_paths` (``k`` paths), production length
    :func:`gvc.kernels.chain_segments.chain_length_segments` (module docstring).

    Parameters
    ----------
    table : the input-output table.
    spec : the chain definition.
    derived : the table's :class:`Derived` cache (reuses its ``A``, ``B``, ``L``, ``v``).
    geo : the table's geography (default: :func:`chain_geography_of` for ``spec.km_source``;
        ``None`` there for ``'none'``).
    k : number of structural paths.
    share_threshold : origin-country share for ``countries_over``.

    Returns
    -------
    dict of pandas DataFrames.
    """
    d = derived or Derived(table)
    G, N, n = table.G, table.N, table.n
    if geo is None:
        geo = chain_geography_of(spec, table.countries)
    km = None if geo is None else geo.km
    cont = None if geo is None else geo.continent_share
    y, dest = chain_final_demand(table, spec)
    c = np.repeat(np.arange(G), N)
    A, B, v = d.A, d.B, d.v
    m = chain_moments(
        A,
        B,
        v,
        y,
        c,
        dest_countries=dest,
        km=km,
        continent_of_country=cont,
        share_threshold=share_threshold,
    )
    nan = np.full(n, np.nan)
    va = m["va"]
    keep = np.flatnonzero((va != 0) & np.isfinite(m["crossings_mean"]))
    node_c, node_s = np.divmod(np.arange(n), N)
    geo_df = pd.DataFrame(
        {
            "origin_country": np.array(table.countries, dtype=object)[node_c[keep]],
            "origin_sector": np.array(table.sectors, dtype=object)[node_s[keep]],
            "value_added": va[keep],
            "crossings_mean": m["crossings_mean"][keep],
            "crossings_var": m["crossings_var"][keep],
            "returns_mean": m["returns_mean"][keep],
            "intercontinental_mean": m.get("intercontinental_mean", nan)[keep],
            "km_mean": m.get("km_mean", nan)[keep],
            "countries_visited_mean": m["countries_visited_mean"][keep],
        }
    )

    # production length of the chain and its WWYZ (2017b) segments, summed over origins
    va_tot = float(va.sum())
    seg = chain_length_segments(A, B, d.L, v, y)
    V = float(seg["value_added"].sum())
    X_dom, X_bor, X_for = (float(seg[s].sum()) for s in ("domestic", "border", "foreign"))

    def val(key: str) -> float:
        return float(m[key]) if key in m else np.nan

    totals = pd.DataFrame(
        [
            {
                "value_added": va_tot,
                "crossings_mean": val("chain_crossings_mean"),
                "crossings_var": val("chain_crossings_var"),
                "returns_mean": val("chain_returns_mean"),
                "intercontinental_mean": val("chain_intercontinental_mean"),
                "km_mean": val("chain_km_mean"),
                "countries_visited_mean": val("chain_countries_visited_mean"),
                "countries_effective": val("countries_effective"),
                "countries_over": int(m["countries_over"]),
                "production_length": (X_dom + X_bor + X_for) / V if V else np.nan,
                "pl_domestic": X_dom / V if V else np.nan,
                "pl_border": X_bor / V if V else np.nan,
                "pl_foreign": X_for / V if V else np.nan,
            }
        ]
    )

    paths = (
        top_paths(A, v, y, k, dest_countries=dest, country_of_node=c, km=km, B=B, min_value=0.0)
        if va_tot > 0
        else []
    )
    rows = []
    for rank, p in enumerate(paths, start=1):
        text, cs, ss = _path_text(p.nodes, int(dest[p.column]), table.countries, table.sectors)
        rows.append(
            {
                "rank": rank,
                "path": text,
                "value": p.value,
                "share": p.value / va_tot if va_tot else np.nan,
                "crossings": p.crossings,
                "km": p.km,
                "countries": cs,
                "sectors": ss,
                "destination": table.countries[int(dest[p.column])],
            }
        )
    paths_df = pd.DataFrame(
        rows,
        columns=[
            "rank",
            "path",
            "value",
            "share",
            "crossings",
            "km",
            "countries",
            "sectors",
            "destination",
        ],
    )
    return {"chain_geography": geo_df, "chain_totals": totals, "chain_paths": paths_df}
