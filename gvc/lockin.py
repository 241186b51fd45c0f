"""Lock-in flags for cluster nodes: closed national chains, focal structures, declining GVC
integration and closed user-defined clusters (GitHub issue 5).

A *cluster node* is a country x sector. The question policy asks is whether a node is embedded
in global value chains or locked into a closed national chain (import-substitution programmes
build "complete, technologically independent" domestic chains around one anchor firm). This
module has three layers:

1. **Node metrics** (numpy, :func:`node_metrics`): WWYZ pure-domestic share and production-based
   GVC participation, export share, domestic input/sales shares and the concentration of a node's
   domestic suppliers. ``gvc/kernels/participation.py`` (another module) carries the full WWYZ
   decomposition and may replace the participation part here.
2. **Rules** (pandas, :func:`lockin_flags`, :func:`closed_cluster_flags`): documented thresholds
   from ``gvc/lockin_defaults.toml``, overridable by a user TOML (:func:`load_rules`). Each rule
   returns rows of one schema, :data:`FLAG_COLUMNS`, with a readable ``reasons`` string.
3. **Betweenness** (:func:`betweenness_centrality`): needs shortest paths, so it calls networkx
   and therefore lives here rather than in ``gvc/kernels/network.py``.

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a), "Measures of participation in global value
chains and global business cycles", NBER Working Paper 23222 (production decompositions).
Criscuolo, C. & Timmis, J. (2018), "GVC centrality and productivity", OECD Productivity WP 14.
"""

from __future__ import annotations

import json
import logging
import math
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.kernels.blocks import country_of, total_exports
from gvc.kernels.leontief import (
    domestic_blocks,
    input_coefficients,
    leontief_inverse,
    local_inverses,
    nan_divide,
    value_added_coefficients,
)
from gvc.kernels.network import SCOPES, Scope, as_weight_matrix, centralities, link_scope
from gvc.kernels.participation import wwyz_participation
from gvc.table import IOTable

log = logging.getLogger(__name__)

KEYS = ["dataset", "year", "country", "sector"]
FLAG_COLUMNS = [
    "dataset",
    "year",
    "country",
    "sector",
    "cluster",
    "flag",
    "flagged",
    "score",
    "reasons",
    "metrics",
    "thresholds",
]
"""Columns of every flag table: one row per node (or cluster member) and flag. ``cluster`` is
the cluster name for ``closed_cluster`` rows and None otherwise; ``metrics`` and ``thresholds``
are JSON objects (NaN written as null)."""

NODE_FLAGS = ("closed_national_chain", "focal_structure", "declining_integration")


# --------------------------------------------------------------------------------------------
# rules configuration


def default_rules() -> dict[str, dict[str, Any]]:
    """The packaged defaults, ``gvc/lockin_defaults.toml``, as a nested dict.

    >>> default_rules()["closed_cluster"]["min_intra_cluster_share"]
    0.2
    """
    text = resources.files("gvc").joinpath("lockin_defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_rules(
    user: str | Path | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Defaults deep-merged with a user TOML file (or dict), then with ``overrides``.

    Parameters
    ----------
    user : path of a TOML file, or a nested mapping, overriding any subset of the defaults.
    overrides : a second nested mapping applied last (handy in code and tests).

    Returns
    -------
    Nested dict ``section -> key -> value``.

    Raises
    ------
    InputError
        unreadable TOML, an unknown section or key (typos must not leave a default in force),
        or a value whose type differs from the default's.

    >>> load_rules(overrides={"focal_structure": {"hhi_threshold": 0.4}})["focal_structure"][
    ...     "hhi_threshold"]
    0.4
    """
    rules = default_rules()
    for layer in (user, overrides):
        if layer is None:
            continue
        where = None
        if isinstance(layer, str | Path):
            where = layer
            try:
                layer = tomllib.loads(Path(layer).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InputError(f"cannot read lock-in rules file {layer}: {exc}") from exc
        try:
            _merge(rules, layer)
        except InputError as exc:
            if where is None:
                raise
            raise InputError(f"{where}: {exc}") from exc
    return rules


def _merge(base: dict[str, Any], layer: Mapping[str, Any], where: str = "") -> None:
    for key, value in layer.items():
        path = f"{where}{key}"
        if key not in base:
            raise InputError(f"unknown lock-in rule key {path!r}; known: {sorted(base)}")
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, Mapping):
                raise InputError(f"lock-in rule {path!r} must be a table")
            _merge(old, value, path + ".")
            continue
        ok = isinstance(value, type(old)) or (
            isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool)
        )
        if not ok:
            raise InputError(f"lock-in rule {path!r} must be {type(old).__name__}, got {value!r}")
        base[key] = float(value) if isinstance(old, float) else value


# --------------------------------------------------------------------------------------------
# node metrics (numpy)


def node_metrics(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Metrics of every node that the lock-in rules read.

    With ``A = Z x^-hat``, ``v = va / x``, ``L`` the local inverses (block diagonal),
    ``A^F`` the foreign blocks of ``A``, ``y^D_i = Y[i, own country]``, ``y = Y 1``
    (WWYZ 2017a, forward and backward production decompositions)::

        pure_domestic_share_i     = (v^ L y^D)_i / va_i               (V_D / va)
        traditional_trade_share_i = (v^ L (y - y^D))_i / va_i         (V_RT / va)
        gvc_forward_i             = (v^ L A^F B y)_i / va_i           (V_GVC / va)
        domestic_va_content_j     = (v' L)_j
        gvc_backward_j            = (v' L A^F B)_j

    The first three sum to 1 on a balanced table (``x = Z 1 + Y 1``); the last two sum to 1
    when ``va = x - 1'Z``. ``gvc_backward_j`` is WWYZ's ratio ``(V L A^F B Y^)_j / Y_j``, which
    does not depend on ``Y_j`` and so is defined for nodes without final sales. The other
    metrics::

        export_share_i            = E_i / x_i            (E: all sales to other countries)
        domestic_input_share_j    = sum_{i in c(j)} Z_ij / sum_i Z_ij
        domestic_sales_share_i    = sum_{j in c(i)} Z_ij / sum_j Z_ij   (intermediate sales)
        domestic_input_hhi_j      = sum_{i in c(j), i != j} s_ij^2
        top_domestic_supplier_share_j = max_{i in c(j), i != j} s_ij
        top_domestic_supplier_j   = the sector index of that supplier (-1 when none)

    with ``s_ij = Z_ij / sum_{i' in c(j), i' != j} Z_i'j`` the share of supplier ``i`` in the
    domestic intermediate inputs of ``j`` from *other* nodes: a node's own flows reflect sector
    aggregation, not a supplier network. A ratio with a zero denominator is NaN (undefined),
    which no rule treats as met.

    Parameters
    ----------
    Z : (n, n) intermediate flows; Y : (n, G) final demand by destination country;
    x, va : (n,) gross output and value added; G, N : countries and sectors.
    B : optional precomputed global inverse (I - A)^-1, reused when given.

    Returns
    -------
    dict ``metric -> (n,) array``.

    References
    ----------
    Wang, Wei, Yu & Zhu (2017a), NBER WP 23222.

    Examples
    --------
    Two countries with one sector each, no trade: everything is pure domestic.

    >>> m = node_metrics(np.diag([1.0, 2.0]), np.diag([3.0, 2.0]), np.array([4.0, 4.0]),
    ...                  np.array([3.0, 2.0]), 2, 1)
    >>> m["pure_domestic_share"], m["gvc_forward"], m["gvc_backward"]
    (array([1., 1.]), array([0., 0.]), array([0., 0.]))
    """
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    n = G * N
    if Z.shape != (n, n) or Y.shape != (n, G) or x.shape != (n,) or va.shape != (n,):
        raise InputError(
            f"node_metrics: shapes Z{Z.shape}, Y{Y.shape}, x{x.shape}, va{va.shape} do not fit "
            f"G={G}, N={N}"
        )
    c = country_of(G, N)
    A = input_coefficients(Z, x)
    v = value_added_coefficients(va, x)
    if B is None:
        B = leontief_inverse(A)
    # V_D, V_RT and V_GVC by origin: the WWYZ forward decomposition, computed once
    w = wwyz_participation(Z, Y, x, va, G, N, B=B)
    L = local_inverses(A, G, N)
    AF = A.copy()
    AF[c[:, None] == c[None, :]] = 0.0
    vL = np.einsum("gi,gij->gj", v.reshape(G, N), L).ravel()
    uB = (vL @ AF) @ B

    Zd = domestic_blocks(Z, G, N)  # (G, N, N)
    dom_in = Zd.sum(axis=1).ravel()
    dom_out = Zd.sum(axis=2).ravel()
    Zo = Zd.copy()
    Zo[:, np.arange(N), np.arange(N)] = 0.0
    tot_o = Zo.sum(axis=1, keepdims=True)  # (G, 1, N): domestic inputs from other nodes
    s = np.divide(Zo, tot_o, out=np.zeros_like(Zo), where=tot_o > 0)
    has = tot_o.ravel() > 0
    hhi = np.where(has, (s**2).sum(axis=1).ravel(), np.nan)
    top = np.where(has, s.max(axis=1).ravel(), np.nan)
    top_idx = np.where(has, s.argmax(axis=1).ravel(), -1)

    return {
        "pure_domestic_share": nan_divide(w["V_D_f"], va),
        "traditional_trade_share": nan_divide(w["V_RT_f"], va),
        "gvc_forward": nan_divide(w["V_GVC_S_f"] + w["V_GVC_C_f"], va),
        "domestic_va_content": vL,
        "gvc_backward": uB,
        "export_share": nan_divide(total_exports(Z, Y, G, N), x),
        "domestic_input_share": nan_divide(dom_in, Z.sum(axis=0)),
        "domestic_sales_share": nan_divide(dom_out, Z.sum(axis=1)),
        "domestic_input_hhi": hhi,
        "top_domestic_supplier_share": top,
        "top_domestic_supplier": top_idx,
    }


def node_metrics_frame(
    table: IOTable, *, dataset: str, year: int, B: np.ndarray | None = None
) -> pd.DataFrame:
    """:func:`node_metrics` of an :class:`~gvc.table.IOTable` as a long frame.

    Columns ``dataset, year, country, sector`` and one column per metric;
    ``top_domestic_supplier`` holds the supplier's sector label (None when there is none).
    """
    m = node_metrics(table.Z, table.Y, table.x, table.va, table.G, table.N, B=B)
    countries, sectors = table.node_labels()
    sec = np.array(table.sectors, dtype=object)
    idx = m.pop("top_domestic_supplier")
    top = np.where(idx >= 0, sec[np.maximum(idx, 0)], None)
    frame = pd.DataFrame(
        {"dataset": dataset, "year": int(year), "country": countries, "sector": sectors}
    )
    for k, val in m.items():
        frame[k] = val
    frame["top_domestic_supplier"] = top
    return frame


def centrality_frame(
    table: IOTable,
    *,
    dataset: str,
    year: int,
    betweenness_min_share: float | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Node centralities of the intermediate-flow graph ``W = Z`` (seller -> buyer) as a frame.

    Columns ``dataset, year, country, sector`` and ``<measure>_<scope>`` from
    :func:`gvc.kernels.network.centralities` (keyword arguments are passed on); with
    ``betweenness_min_share`` set, also ``betweenness_<scope>`` from
    :func:`betweenness_centrality` (``neglog_share`` lengths, edges below that sales share
    dropped). Join it to :func:`node_metrics_frame` on the four keys to give the rules more
    metrics (Criscuolo & Timmis 2018: foreign vs domestic centrality).
    """
    res = centralities(table.Z, table.G, table.N, **kwargs)
    countries, sectors = table.node_labels()
    out = pd.DataFrame(
        {"dataset": dataset, "year": int(year), "country": countries, "sector": sectors}
    )
    for key, val in res.items():
        out[key] = val
    if betweenness_min_share is not None:
        for scope in kwargs.get("scopes", SCOPES):
            out[f"betweenness_{scope}"] = betweenness_centrality(
                table.Z, table.G, table.N, scope=scope, min_share=betweenness_min_share
            )
    return out


# --------------------------------------------------------------------------------------------
# betweenness (networkx: no closed form)


def betweenness_centrality(
    W: np.ndarray,
    G: int | None = None,
    N: int | None = None,
    *,
    scope: Scope = "full",
    distance: str = "neglog_share",
    min_share: float = 0.0,
    normalized: bool = True,
) -> np.ndarray:
    """Weighted betweenness of every node, by networkx on a sparsified graph.

    ``b_v = sum_{s != v != t} sigma_st(v) / sigma_st`` over shortest paths (Brandes 2001),
    as ``networkx.betweenness_centrality(g, weight="distance", normalized=normalized)``.
    Edge lengths, with ``w_ij = W_ij / sum_j' W_ij'`` the seller's sales share (own use in the
    denominator, and always the full graph's sales, so a scope keeps the same edge lengths;
    self-loop edges are dropped, they never lie on a shortest path):

    - ``"neglog_share"`` (default): ``d_ij = -log w_ij``. A path's length is ``-log`` of the
      product of its shares, so the shortest path is the *strongest* chain of sales shares:
      scale-free (no dependence on the currency unit) and additive along a chain.
    - ``"inverse"``: ``d_ij = 1 / W_ij`` (the common networkx convention; depends on units).

    Edges with ``w_ij < min_share`` are dropped first: Brandes' algorithm is
    ``O(n m + n^2 log n)``, too slow on a dense ICIO graph with thousands of nodes.

    Parameters
    ----------
    W : (n, n) non-negative weights, ``W[i, j]`` = flow ``i -> j``.
    G, N : countries and sectors; needed only for ``scope`` other than ``"full"``.
    scope : ``"full"``, ``"foreign"`` or ``"domestic"`` links (see
        :func:`gvc.kernels.network.link_scope`).
    distance, min_share, normalized : see above.

    Returns
    -------
    (n,) betweenness in node order.

    References
    ----------
    Brandes, U. (2001), "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2).

    Examples
    --------
    In the chain 0 -> 1 -> 2 only node 1 lies between a pair; normalised by (n-1)(n-2) = 2:

    >>> betweenness_centrality(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))
    array([0. , 0.5, 0. ])
    """
    import networkx as nx

    M = as_weight_matrix(W)
    out = np.asarray(M.sum(axis=1)).ravel()  # all sales of the full graph, own use included
    if scope != "full":
        if G is None or N is None:
            raise InputError("betweenness_centrality: scope needs G and N")
        M = link_scope(M, G, N, scope)
    n = M.shape[0]
    coo = M.tocoo()
    off = coo.row != coo.col
    r, c, w = coo.row[off], coo.col[off], coo.data[off]
    share = w / out[r]
    keep = share >= min_share
    r, c, w, share = r[keep], c[keep], w[keep], share[keep]
    if distance == "neglog_share":
        d = -np.log(share)
    elif distance == "inverse":
        d = 1.0 / w
    else:
        raise InputError(f"unknown distance {distance!r}; use 'neglog_share' or 'inverse'")
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    edges = zip(r.tolist(), c.tolist(), d.tolist(), strict=True)
    g.add_weighted_edges_from(edges, weight="distance")
    bc = nx.betweenness_centrality(g, weight="distance", normalized=normalized)
    return np.array([bc[i] for i in range(n)])


# --------------------------------------------------------------------------------------------
# node rules


def lockin_flags(
    metrics: pd.DataFrame,
    rules: Mapping[str, Any] | None = None,
    *,
    flags: Iterable[str] = NODE_FLAGS,
) -> pd.DataFrame:
    """Evaluate the node lock-in rules on a frame of node metrics.

    Rules (parameters in ``gvc/lockin_defaults.toml``; ``>=`` / ``<=`` so a value at a
    threshold meets it; NaN never does):

    - ``closed_national_chain``: ``pure_domestic_share >= p_hi`` and ``gvc_backward <= p_lo``
      and ``gvc_forward <= p_lo``, percentiles of the same sector across countries in the same
      ``dataset, year``. Score: mean of the three "closedness" ranks
      ``(r_pds, 1 - r_back, 1 - r_fwd)``, ``r = (rank - 1) / (k - 1)`` among ``k`` countries,
      in [0, 1].
    - ``focal_structure``: ``domestic_input_hhi >= h`` and/or
      ``top_domestic_supplier_share >= t`` (``combine``), with
      ``domestic_input_share >= min_domestic_input_share``. Score: ``domestic_input_hhi``.
    - ``declining_integration``: participation ``p = gvc_backward + gvc_forward`` with
      ``(p[year - years] - p[year]) / p[year - years] >= relative_decline``. Score: the
      relative fall clipped to [0, 1].

    Parameters
    ----------
    metrics : frame with ``dataset, year, country, sector`` and the metric columns the enabled
        rules read (see :func:`node_metrics_frame`); one row per key.
    rules : nested rules (default :func:`load_rules`); a partial mapping is merged onto the
        defaults.
    flags : which node rules to run (a rule disabled in ``rules`` is skipped as well).

    Returns
    -------
    Frame with :data:`FLAG_COLUMNS`, one row per input row and evaluated flag; rows a rule
    cannot evaluate (too few countries, missing base year, NaN metrics) have
    ``flagged = False``, ``score = NaN`` and say why in ``reasons``.

    Raises
    ------
    InputError
        missing columns, duplicate keys or an unknown flag.

    Examples
    --------
    >>> m = pd.DataFrame({"dataset": "d", "year": 2000, "country": ["A", "B"], "sector": "s",
    ...                   "domestic_input_hhi": [0.6, 0.1], "top_domestic_supplier_share":
    ...                   [0.7, 0.2], "domestic_input_share": [0.9, 0.9]})
    >>> f = lockin_flags(m, flags=["focal_structure"])
    >>> f["flagged"].tolist()
    [True, False]
    >>> f["reasons"][0]
    'domestic_input_hhi 0.6 >= 0.25; top_domestic_supplier_share 0.7 >= 0.5; \
domestic_input_share 0.9 >= 0.5'
    """
    r = load_rules(overrides=rules) if rules is not None else default_rules()
    flags = list(flags)
    unknown = set(flags) - set(NODE_FLAGS)
    if unknown:
        raise InputError(f"unknown lock-in flags {sorted(unknown)}; node flags: {NODE_FLAGS}")
    _check_frame(metrics, KEYS, "metrics")
    if metrics.duplicated(KEYS).any():
        dup = metrics.loc[metrics.duplicated(KEYS), KEYS].iloc[0].tolist()
        raise InputError(f"metrics has duplicate rows for dataset/year/country/sector {dup}")
    df = metrics.reset_index(drop=True)
    parts = []
    for flag in flags:
        if not r[flag]["enabled"]:
            continue
        rule = {
            "closed_national_chain": _closed_national_chain,
            "focal_structure": _focal_structure,
            "declining_integration": _declining_integration,
        }[flag]
        parts.append(rule(df, r[flag]))
    if not parts:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    return pd.concat(parts, ignore_index=True)[FLAG_COLUMNS]


def _closed_national_chain(df: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    cols = ["pure_domestic_share", "gvc_backward", "gvc_forward"]
    _check_frame(df, cols, "metrics")
    grp = ["dataset", "year", "sector"]
    ok = df[cols].notna().all(axis=1)
    sub = df.loc[ok, grp + cols]
    g = sub.groupby(grp, sort=False)
    k = g["pure_domestic_share"].transform("count").reindex(df.index)
    qs = {
        "pure_domestic_share": p["pure_domestic_share_percentile"],
        "gvc_backward": p["backward_percentile"],
        "gvc_forward": p["forward_percentile"],
    }
    thr = {c: g[c].transform("quantile", q / 100.0).reindex(df.index) for c, q in qs.items()}
    rank = {
        c: ((g[c].rank(method="average") - 1) / (g[c].transform("count") - 1)).reindex(df.index)
        for c in cols
    }
    evaluable = ok & (k >= p["min_countries"])
    floor = p["min_pure_domestic_share"]
    pds, back, fwd = (df[c] for c in cols)
    high = (pds >= thr["pure_domestic_share"]) & (pds >= floor)
    low_b = back <= thr["gvc_backward"]
    low_f = fwd <= thr["gvc_forward"]
    flagged = evaluable & high & low_b & low_f
    score = (
        (rank["pure_domestic_share"] + (1 - rank["gvc_backward"]) + (1 - rank["gvc_forward"])) / 3
    ).where(evaluable)
    # plain arrays: per-row access to pandas objects in the loops below is ~100x slower
    ok, evaluable, k = ok.to_numpy(), evaluable.to_numpy(), k.to_numpy()
    pds, back, fwd = pds.to_numpy(), back.to_numpy(), fwd.to_numpy()
    thr = {c: t.to_numpy() for c, t in thr.items()}
    vals, sectors = df[cols].to_numpy(dtype=float), df["sector"].to_numpy()
    reasons = []
    for i in range(len(df)):
        if not ok[i]:
            missing = [c for c, v in zip(cols, vals[i], strict=True) if np.isnan(v)]
            reasons.append(f"not evaluated: {', '.join(missing)} missing")
            continue
        if not evaluable[i]:
            reasons.append(
                f"not evaluated: only {int(k[i])} countries report sector "
                f"{sectors[i]} (min_countries {p['min_countries']})"
            )
            continue
        sec = sectors[i]
        q_hi, q_b, q_f = (_pct(q) for q in qs.values())
        parts = [
            _cmp(
                "pure_domestic_share",
                pds[i],
                True,
                thr["pure_domestic_share"][i],
                f"p{q_hi} of sector {sec}",
            ),
            _cmp("gvc_backward", back[i], False, thr["gvc_backward"][i], f"p{q_b}"),
            _cmp("gvc_forward", fwd[i], False, thr["gvc_forward"][i], f"p{q_f}"),
        ]
        if floor > 0:
            parts.append(_cmp("pure_domestic_share", pds[i], True, floor, None))
        reasons.append("; ".join(parts))
    thresholds = [
        {
            "pure_domestic_share_min": _num(thr["pure_domestic_share"][i]),
            "gvc_backward_max": _num(thr["gvc_backward"][i]),
            "gvc_forward_max": _num(thr["gvc_forward"][i]),
            "min_pure_domestic_share": floor,
            "countries": _num(k[i]),
            **{key: val for key, val in p.items() if key.endswith("percentile")},
        }
        for i in range(len(df))
    ]
    return _rows(df, "closed_national_chain", flagged, score, reasons, cols, thresholds)


def _focal_structure(df: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    cols = ["domestic_input_hhi", "top_domestic_supplier_share", "domestic_input_share"]
    _check_frame(df, cols, "metrics")
    if p["combine"] not in ("any", "all"):
        raise InputError(f"focal_structure.combine must be 'any' or 'all', got {p['combine']!r}")
    hhi, top, dis = (df[c] for c in cols)
    c_h = hhi >= p["hhi_threshold"]
    c_t = top >= p["top_supplier_share_threshold"]
    conc = (c_h | c_t) if p["combine"] == "any" else (c_h & c_t)
    dom = dis >= p["min_domestic_input_share"]
    flagged = conc & dom
    supplier = df["top_domestic_supplier"] if "top_domestic_supplier" in df else None
    hhi_a, top_a, dis_a = hhi.to_numpy(dtype=float), top.to_numpy(dtype=float), dis.to_numpy()
    sup_a = supplier.to_numpy() if supplier is not None else None
    reasons = []
    for i in range(len(df)):
        if np.isnan(hhi_a[i]) or np.isnan(top_a[i]):
            reasons.append("not evaluated: no domestic suppliers other than the node itself")
            continue
        who = ""
        if sup_a is not None and sup_a[i] is not None and pd.notna(sup_a[i]):
            who = f" (supplier {sup_a[i]})"
        reasons.append(
            "; ".join(
                [
                    _cmp("domestic_input_hhi", hhi_a[i], True, p["hhi_threshold"], None),
                    _cmp(
                        "top_domestic_supplier_share",
                        top_a[i],
                        True,
                        p["top_supplier_share_threshold"],
                        None,
                    )
                    + who,
                    _cmp(
                        "domestic_input_share",
                        dis_a[i],
                        True,
                        p["min_domestic_input_share"],
                        None,
                    ),
                ]
            )
        )
    thresholds = [
        {
            k: p[k]
            for k in (
                "hhi_threshold",
                "top_supplier_share_threshold",
                "combine",
                "min_domestic_input_share",
            )
        }
    ] * len(df)
    return _rows(df, "focal_structure", flagged, hhi.astype(float), reasons, cols, thresholds)


def _declining_integration(df: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    cols = ["gvc_backward", "gvc_forward"]
    _check_frame(df, cols, "metrics")
    years = int(p["years"])
    part = df["gvc_backward"] + df["gvc_forward"]
    base = df[["dataset", "country", "sector", "year"]].assign(base=part)
    base["year"] = base["year"] + years
    m = df[KEYS].merge(base, on=KEYS, how="left")
    pb = m["base"]
    ok = part.notna() & pb.notna() & (pb >= p["min_base_participation"])
    fall = (pb - part) / pb
    flagged = ok & (fall >= p["relative_decline"])
    score = fall.clip(0.0, 1.0).where(ok)
    pb_a, part_a, ok_a, fall_a = (v.to_numpy() for v in (pb, part, ok, fall))
    year_a = df["year"].to_numpy()
    reasons = []
    for i in range(len(df)):
        y = int(year_a[i])
        if pd.isna(pb_a[i]):
            reasons.append(f"not evaluated: no participation for base year {y - years}")
        elif pd.isna(part_a[i]):
            reasons.append(f"not evaluated: participation missing in {y}")
        elif not ok_a[i]:
            reasons.append(
                f"not evaluated: base participation {pb_a[i]:.3g} in {y - years} "
                f"< min_base_participation {p['min_base_participation']:.3g}"
            )
        else:
            f = fall_a[i]
            op = ">=" if f >= p["relative_decline"] else "<"
            reasons.append(
                f"participation {part_a[i]:.3g} in {y} vs {pb_a[i]:.3g} in {y - years}: "
                f"relative fall {f:.3g} {op} {p['relative_decline']:.3g}"
            )
    thresholds = [
        {k: p[k] for k in ("years", "relative_decline", "min_base_participation")}
        | {"base_participation": _num(pb_a[i])}
        for i in range(len(df))
    ]
    out = df.assign(participation=part)
    return _rows(
        out,
        "declining_integration",
        flagged,
        score,
        reasons,
        [*cols, "participation"],
        thresholds,
    )


# --------------------------------------------------------------------------------------------
# clusters


def cluster_metrics(
    Z: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    exports: np.ndarray,
    members_mask: np.ndarray,
    *,
    G: int | None = None,
    N: int | None = None,
    gvc_backward: np.ndarray | None = None,
) -> dict[str, float]:
    """Aggregate indicators of a cluster, a set ``C`` of nodes.

    ::

        intra_cluster_sales_share = sum_{i,j in C} Z_ij / sum_{i in C} sum_j Z_ij
        intra_cluster_input_share = sum_{i,j in C} Z_ij / sum_{j in C} sum_i Z_ij
        export_share              = sum_{i in C} E_i / sum_{i in C} x_i
        foreign_input_share       = sum_{j in C} sum_{i: c(i) != c(j)} Z_ij
                                    / sum_{j in C} sum_i Z_ij          (needs G, N)
        gvc_backward              = sum_{j in C} x_j g_j / sum_{j in C} x_j
                                    (output-weighted mean of node gvc_backward g, if given)

    plus ``value_added`` (sum over C), ``output`` and ``members``. Undefined ratios are NaN.

    Parameters
    ----------
    Z : (n, n) intermediate flows; x, va, exports : (n,) output, value added, gross exports.
    members_mask : (n,) bool, True for cluster members.
    G, N : countries and sectors (for ``foreign_input_share``; NaN without them).
    gvc_backward : optional (n,) node backward participation (:func:`node_metrics`).

    Returns
    -------
    dict ``indicator -> float``.

    Examples
    --------
    Nodes 0 and 1 form the cluster; node 0 sells 3 of its 10 intermediate units to node 1:

    >>> Z = np.array([[0.0, 3.0, 7.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> m = cluster_metrics(Z, np.full(3, 20.0), np.full(3, 10.0), np.zeros(3),
    ...                     np.array([True, True, False]))
    >>> m["intra_cluster_sales_share"], m["export_share"]
    (0.3, 0.0)
    """
    Z = np.asarray(Z, dtype=np.float64)
    m = np.asarray(members_mask, dtype=bool)
    if m.shape != (Z.shape[0],):
        raise InputError(f"members_mask has shape {m.shape}, expected ({Z.shape[0]},)")
    x = np.asarray(x, dtype=np.float64)
    intra = float(Z[np.ix_(m, m)].sum())
    sales = float(Z[m].sum())
    inputs = float(Z[:, m].sum())
    out: dict[str, float] = {
        "members": float(m.sum()),
        "output": float(x[m].sum()),
        "value_added": float(np.asarray(va, dtype=np.float64)[m].sum()),
        "intra_cluster_sales_share": _scalarnan_divide(intra, sales),
        "intra_cluster_input_share": _scalarnan_divide(intra, inputs),
        "export_share": _scalarnan_divide(float(np.asarray(exports)[m].sum()), float(x[m].sum())),
        "foreign_input_share": math.nan,
        "gvc_backward": math.nan,
    }
    if G is not None and N is not None:
        c = country_of(G, N)
        foreign = c[:, None] != c[None, m]
        out["foreign_input_share"] = _scalarnan_divide(float(Z[:, m][foreign].sum()), inputs)
    if gvc_backward is not None:
        g = np.asarray(gvc_backward, dtype=np.float64)[m]
        out["gvc_backward"] = _scalarnan_divide(float((x[m] * g).sum()), float(x[m].sum()))
    return out


def closed_cluster_flags(
    table: IOTable,
    clusters: Mapping[str, Iterable[tuple[str, str]]],
    *,
    dataset: str,
    year: int,
    rules: Mapping[str, Any] | None = None,
    B: np.ndarray | None = None,
    gvc_backward: np.ndarray | None = None,
) -> pd.DataFrame:
    """Flag user-defined clusters that trade mostly inside themselves with weak links abroad.

    A cluster is flagged ``closed_cluster`` when ``intra_cluster_sales_share >=
    min_intra_cluster_share`` (the "cluster registry" criterion of issue 5) and
    ``export_share <= max_export_share`` and its ``backward_metric`` (``gvc_backward`` or
    ``foreign_input_share``, :func:`cluster_metrics`) ``<= max_backward``. Score:
    ``intra_cluster_sales_share * (1 - max(export_share, backward))``, in [0, 1], higher =
    more closed.

    Parameters
    ----------
    table : the table of ``dataset, year``.
    clusters : ``name -> [(country, sector), ...]`` member labels.
    dataset, year : labels written to the output.
    rules : nested rules (merged onto the defaults).
    B : optional precomputed global inverse, reused for ``gvc_backward``.
    gvc_backward : optional (n,) node backward participation already computed
        (:func:`node_metrics`), used instead of computing it again.

    Returns
    -------
    Frame with :data:`FLAG_COLUMNS`: one row per cluster member (same verdict for all
    members), ``cluster`` = the cluster name.

    Raises
    ------
    InputError
        unknown member labels or an empty cluster.
    """
    r = load_rules(overrides=rules) if rules is not None else default_rules()
    p = r["closed_cluster"]
    if not p["enabled"]:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    if p["backward_metric"] not in ("gvc_backward", "foreign_input_share"):
        raise InputError(
            "closed_cluster.backward_metric must be 'gvc_backward' or 'foreign_input_share'"
        )
    G, N = table.G, table.N
    Y = table.Y
    exports = total_exports(table.Z, Y, G, N)
    gb = gvc_backward
    if p["backward_metric"] == "gvc_backward" and gb is None:
        gb = node_metrics(table.Z, Y, table.x, table.va, G, N, B=B)["gvc_backward"]
    cpos = {s: i for i, s in enumerate(table.countries)}
    spos = {s: i for i, s in enumerate(table.sectors)}
    rows = []
    for name, members in clusters.items():
        mask = np.zeros(G * N, dtype=bool)
        labels = list(members)
        for country, sector in labels:
            if country not in cpos or sector not in spos:
                raise InputError(f"cluster {name!r}: unknown node {country}/{sector}")
            mask[cpos[country] * N + spos[sector]] = True
        if not mask.any():
            raise InputError(f"cluster {name!r} has no members")
        cm = cluster_metrics(table.Z, table.x, table.va, exports, mask, G=G, N=N, gvc_backward=gb)
        intra, exp, back = (
            cm["intra_cluster_sales_share"],
            cm["export_share"],
            cm[p["backward_metric"]],
        )
        flagged = bool(
            intra >= p["min_intra_cluster_share"]
            and exp <= p["max_export_share"]
            and back <= p["max_backward"]
        )
        vals = [intra, exp, back]
        score = (
            math.nan
            if any(math.isnan(v) for v in vals)
            else float(np.clip(intra * (1 - max(exp, back)), 0.0, 1.0))
        )
        reasons = "; ".join(
            [
                _cmp("intra_cluster_sales_share", intra, True, p["min_intra_cluster_share"], None),
                _cmp("export_share", exp, False, p["max_export_share"], None),
                _cmp(p["backward_metric"], back, False, p["max_backward"], None),
            ]
        )
        metrics_json = _json(cm)
        thr_json = _json({k: v for k, v in p.items() if k != "enabled"})
        for i in np.flatnonzero(mask):
            rows.append(
                {
                    "dataset": dataset,
                    "year": int(year),
                    "country": table.countries[i // N],
                    "sector": table.sectors[i % N],
                    "cluster": name,
                    "flag": "closed_cluster",
                    "flagged": flagged,
                    "score": score,
                    "reasons": reasons,
                    "metrics": metrics_json,
                    "thresholds": thr_json,
                }
            )
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


# --------------------------------------------------------------------------------------------
# helpers


def _check_frame(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(f"{what} lacks columns {missing}")


def _pct(q: float) -> str:
    return f"{q:g}"


def _cmp(name: str, value: float, high: bool, thr: float, label: str | None) -> str:
    """``"name 0.93 >= p80 (0.81)"``; the operator shows whether the condition holds."""
    if pd.isna(value) or pd.isna(thr):
        return f"{name} {value:.3g} (no threshold)" if pd.notna(value) else f"{name} missing"
    if high:
        op = ">=" if value >= thr else "<"
    else:
        op = "<=" if value <= thr else ">"
    t = f"{label} ({thr:.3g})" if label else f"{thr:.3g}"
    return f"{name} {value:.3g} {op} {t}"


def _num(v: Any) -> float | None:
    f = float(v)
    return None if math.isnan(f) else f


def _scalarnan_divide(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan


def _json(d: Mapping[str, Any]) -> str:
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}
    return json.dumps(clean, sort_keys=True)


def _rows(
    df: pd.DataFrame,
    flag: str,
    flagged: pd.Series,
    score: pd.Series,
    reasons: list[str],
    metric_cols: list[str],
    thresholds: list[dict[str, Any]],
) -> pd.DataFrame:
    vals = df[metric_cols].astype(float).to_numpy()
    metrics_json = [_json(dict(zip(metric_cols, map(float, row), strict=True))) for row in vals]
    return pd.DataFrame(
        {
            "dataset": df["dataset"].to_numpy(),
            "year": df["year"].to_numpy(),
            "country": df["country"].to_numpy(),
            "sector": df["sector"].to_numpy(),
            "cluster": None,
            "flag": flag,
            "flagged": flagged.fillna(False).astype(bool).to_numpy(),
            "score": score.astype(float).to_numpy(),
            "reasons": reasons,
            "metrics": metrics_json,
            "thresholds": [_json(t) for t in thresholds],
        }
    )
