"""Cluster diagnostics of a firm network, one row per cluster and year.

:func:`cluster_diagnostics` takes a network read by :func:`gvc.firms.network.load_network`
and the ``[diagnostics]`` parameters of :mod:`gvc.firms.rules`, calls the kernels and returns
the columns of ``firms.cluster_diagnostics`` (:data:`COLUMNS`). Shares are fractions,
distances km, values in the transaction table's unit. Per cluster-year ``g`` with members
``m``, intermediate sales ``S_m`` and purchases ``T_m`` (all of the firm's transactions that
year), intra-cluster links ``(s -> b)`` of value ``v`` (both ends members of ``g``) and
``W = sum v`` over them (definitions with examples in ``docs/firms.md``):

* **Registry rule**: ``share_m = intra_m / S_m`` (``intra_m``: the member's sales over intra-
  cluster links); the member passes when ``intra_m >= threshold * S_m``. Members with
  ``S_m = 0`` are counted in ``members_without_sales`` and left out:
  ``registry_pass_share = members_passing / members_with_sales``; ``registry_all_pass`` when
  every member with sales passes. ``intra_sales_share = W / sum_m S_m``.
* **Focal structure**: anchor = the member with the largest intra-cluster strength
  ``sum of v over links it supplies or buys`` (ties: first in the firm file);
  ``anchor_share = strength_anchor / W``; ``degree_centralisation`` (Freeman) of the
  undirected intra-cluster graph on all members; ``non_anchor_density`` = linked pairs among
  the other members / possible pairs (:mod:`gvc.kernels.firm_network`).
* **Territory**: sales-weighted spherical centre, haversine distances (R = 6371.0088 km),
  mean and max distance, share within ``radius_km``, distinct regions and countries
  (:mod:`gvc.kernels.firm_territory`).
* **Openness**: purchases ``P = sum_m (T_m + imports_m)`` split into inside / same region /
  other regions of the same country / abroad (sum 1,
  :func:`~gvc.kernels.firm_composition.purchase_shares`),
  ``purchases_domestic_share = sum_m C_m / P`` (suppliers in the buyer's country, inside or
  outside the cluster), ``export_share = sum exports / sum sales``.
* **Critical mass and triple helix**: member firms (types firm, state_corporation) in core
  and related industries (:func:`~gvc.kernels.firm_composition.core_related_industries`), the
  distinct industries of member firms, members by strand, the intra-cluster value between
  strands as shares of ``W``, the strands present and linked, the anchor's type
  (``large_firm`` for a firm with at least ``large_firm_employment`` employees).
* **Embeddedness**: sales-weighted means of the node measures inherited through the
  concordance (:mod:`gvc.firms.embed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from gvc.firms.network import TYPES, NetworkArrays
from gvc.kernels import firm_composition as fc
from gvc.kernels import firm_network as fn
from gvc.kernels import firm_territory as ft
from gvc.store import unregister_quietly

COLUMNS: tuple[str, ...] = (
    "year",
    "cluster_idx",
    "members",
    "firms",
    "members_with_sales",
    "members_without_sales",
    "members_passing",
    "registry_threshold",
    "registry_pass_share",
    "registry_all_pass",
    "intra_sales_share",
    "intra_links",
    "intra_value",
    "anchor",
    "anchor_strength",
    "anchor_share",
    "anchor_type",
    "linked_pairs",
    "degree_centralisation",
    "non_anchor_density",
    "members_located",
    "centre_lat",
    "centre_lon",
    "mean_distance_km",
    "max_distance_km",
    "radius_km",
    "share_within_radius",
    "regions",
    "countries",
    "purchases",
    "purchases_inside_share",
    "purchases_same_region_share",
    "purchases_same_country_share",
    "purchases_abroad_share",
    "purchases_domestic_share",
    "sales",
    "exports",
    "export_share",
    "core_industries",
    "core_firms",
    "related_firms",
    "critical_mass_firms",
    "industries",
    "members_business",
    "members_science",
    "members_government",
    "strands_present",
    "triple_helix",
    "share_business_science",
    "share_business_government",
    "share_science_government",
    "strands_linked",
    "io_dataset",
    "io_year",
    "members_linked",
    "linked_sales_share",
    "gvc_forward",
    "gvc_backward",
    "fva_share",
    "upstreamness",
    "crossings_mean",
)
"""Columns of ``firms.cluster_diagnostics`` besides ``network`` and ``computed_at``."""

#: Embeddedness measures a cluster inherits from its country x industry nodes.
EMBEDDEDNESS = ("gvc_forward", "gvc_backward", "fva_share", "upstreamness", "crossings_mean")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=np.asarray(den) > 0)
    return out


def cluster_diagnostics(
    a: NetworkArrays,
    params: Mapping[str, Any],
    *,
    embeddedness: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Every diagnostic of every cluster-year of ``a`` (see module doc), as column arrays.

    Parameters
    ----------
    a : the network (:func:`gvc.firms.network.load_network`).
    params : the ``[diagnostics]`` section of the rules (registry_threshold, radius_km,
        core_industry_share, large_firm_employment).
    embeddedness : optional firm-year arrays from :func:`gvc.firms.embed.inherited_measures`
        (``linked`` and one array per :data:`EMBEDDEDNESS` measure, over ``a``'s keys).

    Returns
    -------
    dict ``column -> (n_groups,) array`` for :data:`COLUMNS` except ``anchor``,
    ``core_industries`` (see :func:`core_industry_pairs`), ``io_dataset`` and ``io_year``;
    ``anchor_firm`` is the anchor's firm position (-1 without intra-cluster links),
    ``anchor_type`` its type label.
    """
    G = a.n_groups
    nk = a.n_keys
    v = a.value
    ks = a.supplier_key
    kb = a.buyer_key
    g = a.member_group
    mk = a.member_key
    M = len(g)
    starts = fn.group_starts(g, G)
    n = np.bincount(g, minlength=G)

    # per firm-year: all intermediate sales and purchases, purchases by supplier location
    sold = np.bincount(ks, weights=v, minlength=nk)
    bought = np.bincount(kb, weights=v, minlength=nk)
    same_c = a.country[ks] == a.country[kb]
    rs = a.region[ks]
    same_r = same_c & (rs == a.region[kb]) & (rs >= 0)
    del rs
    bought_c = np.bincount(kb, weights=v * same_c, minlength=nk)
    bought_r = np.bincount(kb, weights=v * same_r, minlength=nk)
    del same_c, same_r

    # intra-cluster links
    li, ms, mb = fn.intra_links(ks, kb, mk, g, nk)
    vi = v[li]
    gi = g[ms]
    W = np.bincount(gi, weights=vi, minlength=G)
    out: dict[str, Any] = {
        "year": a.years[a.group_year].astype(np.int16),
        "cluster_idx": a.group_cluster.astype(np.int32),
        "members": n,
        "intra_links": np.bincount(gi, minlength=G),
        "intra_value": W,
    }

    # registry rule
    intra_sold = np.bincount(ms, weights=vi, minlength=M)
    intra_bought = np.bincount(mb, weights=vi, minlength=M)
    total_sold = sold[mk]
    thr = float(params["registry_threshold"])
    _, passes, has = fn.registry_rule(intra_sold, total_sold, thr)
    with_sales = np.bincount(g, weights=has, minlength=G)
    passing = np.bincount(g, weights=passes, minlength=G)
    out |= {
        "members_with_sales": with_sales.astype(np.int64),
        "members_without_sales": (n - with_sales).astype(np.int64),
        "members_passing": passing.astype(np.int64),
        "registry_threshold": np.full(G, thr),
        "registry_pass_share": _ratio(passing, with_sales),
        "registry_all_pass": (with_sales > 0) & (passing == with_sales),
        "intra_sales_share": _ratio(W, fn.group_sum(total_sold, g, G)),
    }

    # focal structure
    strength = intra_sold + intra_bought
    anchor = fn.group_argmax(strength, g, starts)
    has_anchor = W > 0
    lo, hi = fn.undirected_pairs(ms, mb, M)
    deg = fn.degrees(lo, hi, M)
    pairs = np.bincount(g[lo], minlength=G)
    anchor_firm = a.member_firm[anchor]
    akey = mk[anchor]
    atype = np.asarray(TYPES, dtype=object)[np.maximum(a.type_code[akey], 0)]
    large = (atype == "firm") & (a.employment[akey] >= float(params["large_firm_employment"]))
    atype = np.where(large, "large_firm", atype)
    out |= {
        "anchor_firm": np.where(has_anchor, anchor_firm, -1),
        "anchor_strength": np.where(has_anchor, strength[anchor], np.nan),
        "anchor_share": np.where(has_anchor, _ratio(strength[anchor], W), np.nan),
        "anchor_type": np.where(has_anchor, atype, None),  # type: ignore[call-overload]
        "linked_pairs": pairs,
        "degree_centralisation": fn.freeman_centralisation(deg, g, starts, n),
        "non_anchor_density": fn.non_anchor_density(pairs, deg[anchor], n, has_anchor),
    }

    # territory
    lon, lat = a.lon[mk], a.lat[mk]
    sales = np.nan_to_num(a.sales[mk])
    located = np.isfinite(lon) & np.isfinite(lat)
    clon, clat = ft.spherical_centre(lon, lat, sales, g, G)
    dist = ft.distance_summary(lon, lat, clon, clat, g, starts, float(params["radius_km"]))
    out |= {
        "members_located": np.bincount(g, weights=located, minlength=G).astype(np.int64),
        "centre_lat": clat,
        "centre_lon": clon,
        "mean_distance_km": dist["mean_distance_km"],
        "max_distance_km": dist["max_distance_km"],
        "radius_km": np.full(G, float(params["radius_km"])),
        "share_within_radius": dist["share_within_radius"],
        "regions": fn.distinct_per_group(g, a.region[mk], G),
        "countries": fn.distinct_per_group(g, a.country[mk], G),
    }

    # openness
    sc = a.country[ks[li]] == a.country[kb[li]]
    sr = sc & (a.region[ks[li]] == a.region[kb[li]]) & (a.region[ks[li]] >= 0)
    imports = fn.group_sum(np.nan_to_num(a.imports[mk]), g, G)
    T, C = fn.group_sum(bought[mk], g, G), fn.group_sum(bought_c[mk], g, G)
    shares = fc.purchase_shares(
        T,
        C,
        fn.group_sum(bought_r[mk], g, G),
        imports,
        W,
        np.bincount(gi, weights=vi * sc, minlength=G),
        np.bincount(gi, weights=vi * sr, minlength=G),
    )
    sales_g = fn.group_sum(sales, g, G)
    exports_g = fn.group_sum(np.nan_to_num(a.exports[mk]), g, G)
    out |= {
        "purchases": T + imports,
        "purchases_inside_share": shares[:, 0],
        "purchases_same_region_share": shares[:, 1],
        "purchases_same_country_share": shares[:, 2],
        "purchases_abroad_share": shares[:, 3],
        "purchases_domestic_share": _ratio(C, T + imports),
        "sales": sales_g,
        "exports": exports_g,
        "export_share": _ratio(exports_g, sales_g),
    }

    # critical mass
    is_firm = a.is_firm[mk]
    core, related, _, industries = fc.core_related_industries(
        a.industry[mk], is_firm, g, G, float(params["core_industry_share"]), ms, mb
    )
    core_n = np.bincount(g, weights=core, minlength=G).astype(np.int64)
    rel_n = np.bincount(g, weights=related, minlength=G).astype(np.int64)
    out |= {
        "firms": np.bincount(g, weights=is_firm, minlength=G).astype(np.int64),
        "core_firms": core_n,
        "related_firms": rel_n,
        "critical_mass_firms": core_n + rel_n,
        "industries": industries,
    }

    # triple helix
    strand = a.strand[mk]
    by_strand = np.bincount(g * 3 + strand, minlength=3 * G).reshape(G, 3)
    present = by_strand > 0
    pv = fc.strand_link_values(strand[ms], strand[mb], vi, gi, G)
    out |= {
        "members_business": by_strand[:, 0],
        "members_science": by_strand[:, 1],
        "members_government": by_strand[:, 2],
        "strands_present": present.sum(axis=1),
        "triple_helix": present.all(axis=1),
        "share_business_science": _ratio(pv[:, 0], W),
        "share_business_government": _ratio(pv[:, 1], W),
        "share_science_government": _ratio(pv[:, 2], W),
        "strands_linked": fc.strands_linked(present, pv),
    }

    # embeddedness through the country x industry table
    if embeddedness is not None:
        linked = embeddedness["linked"][mk]
        out["members_linked"] = np.bincount(g, weights=linked, minlength=G).astype(np.int64)
        out["linked_sales_share"] = _ratio(fn.group_sum(sales * linked, g, G), sales_g)
        for name in EMBEDDEDNESS:
            val = embeddedness[name][mk]
            ok = np.isfinite(val)
            num = fn.group_sum(np.where(ok, sales * val, 0.0), g, G)
            out[name] = _ratio(num, fn.group_sum(np.where(ok, sales, 0.0), g, G))
    else:
        out["members_linked"] = np.zeros(G, dtype=np.int64)
        out["linked_sales_share"] = np.full(G, np.nan)
        out |= {name: np.full(G, np.nan) for name in EMBEDDEDNESS}
    return out


def core_industry_pairs(a: NetworkArrays, params: Mapping[str, Any]) -> np.ndarray:
    """The ``(group, industry code)`` pairs that are core industries (for the labels)."""
    mk = a.member_key
    g = a.member_group
    _, _, pairs, _ = fc.core_related_industries(
        a.industry[mk],
        a.is_firm[mk],
        g,
        a.n_groups,
        float(params["core_industry_share"]),
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
    )
    return pairs


def diagnostics_table(
    con: duckdb.DuckDBPyConnection,
    a: NetworkArrays,
    params: Mapping[str, Any],
    *,
    embeddedness: Mapping[str, np.ndarray] | None = None,
    io_dataset: str | None = None,
    io_year: np.ndarray | None = None,
) -> pa.Table:
    """:func:`cluster_diagnostics` as an Arrow table with :data:`COLUMNS`.

    ``core_industries`` is the comma-separated list of core industry labels (joined by
    DuckDB's ``string_agg``); ``io_year`` is the country x industry year used for each
    network year (``(n_years,)``, or None).
    """
    from gvc.firms.network import firm_labels

    cols = cluster_diagnostics(a, params, embeddedness=embeddedness)
    cols["anchor"] = firm_labels(con, a.network, cols.pop("anchor_firm"))
    pairs = core_industry_pairs(a, params)
    lab = pa.table(
        {
            "grp": pa.array(pairs[:, 0], pa.int64()),
            "label": pa.array(a.industry_labels[pairs[:, 1]].tolist(), pa.string()),
        }
    )
    con.register("_gvc_core", lab)
    try:
        agg = con.execute(
            "SELECT grp, string_agg(label, ', ' ORDER BY label) AS labels FROM _gvc_core "
            "GROUP BY grp"
        ).fetchnumpy()
    finally:
        unregister_quietly(con, "_gvc_core")
    core = np.full(a.n_groups, None, dtype=object)
    core[np.asarray(agg["grp"], dtype=np.int64)] = np.asarray(agg["labels"], dtype=object)
    cols["core_industries"] = core
    cols["io_dataset"] = np.full(a.n_groups, io_dataset, dtype=object)
    cols["io_year"] = (
        np.asarray(io_year)[a.group_year].astype(np.int16)
        if io_year is not None
        else np.full(a.n_groups, None, dtype=object)
    )
    return pa.table({c: _arrow(cols[c]) for c in COLUMNS})


def _arrow(x: np.ndarray) -> pa.Array:
    x = np.asarray(x)
    if x.dtype == object:
        return pa.array(x.tolist(), from_pandas=True)
    if x.dtype.kind == "f":
        return pa.array(x, from_pandas=True)  # NaN -> NULL
    return pa.array(x)
