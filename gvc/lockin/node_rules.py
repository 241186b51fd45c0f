"""Node lock-in rules: closed national chains, focal structures, declining GVC integration.

:func:`lockin_flags` evaluates the rules of ``gvc/lockin/defaults.toml`` (overridable,
:func:`gvc.lockin.rules.load_rules`) on a frame of node metrics
(:func:`gvc.lockin.frames.node_metrics_frame` or the stored embeddedness) and returns rows of
:data:`~gvc.lockin.flag_table.FLAG_COLUMNS` with a readable ``reasons`` string.

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a), "Measures of participation in global value
chains and global business cycles", NBER Working Paper 23222 (the participation measures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.lockin.flag_table import (
    FLAG_COLUMNS,
    KEYS,
    NODE_FLAGS,
    check_frame,
    cmp,
    flag_rows,
    num,
    pct,
)
from gvc.lockin.rules import default_rules, load_rules


def lockin_flags(
    metrics: pd.DataFrame,
    rules: Mapping[str, Any] | None = None,
    *,
    flags: Iterable[str] = NODE_FLAGS,
) -> pd.DataFrame:
    """Evaluate the node lock-in rules on a frame of node metrics.

    Rules (parameters in ``gvc/lockin/defaults.toml``; ``>=`` / ``<=`` so a value at a
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
        rules read (see :func:`gvc.lockin.frames.node_metrics_frame`); one row per key.
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
    check_frame(metrics, KEYS, "metrics")
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
    check_frame(df, cols, "metrics")
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
        q_hi, q_b, q_f = (pct(q) for q in qs.values())
        parts = [
            cmp(
                "pure_domestic_share",
                pds[i],
                True,
                thr["pure_domestic_share"][i],
                f"p{q_hi} of sector {sec}",
            ),
            cmp("gvc_backward", back[i], False, thr["gvc_backward"][i], f"p{q_b}"),
            cmp("gvc_forward", fwd[i], False, thr["gvc_forward"][i], f"p{q_f}"),
        ]
        if floor > 0:
            parts.append(cmp("pure_domestic_share", pds[i], True, floor, None))
        reasons.append("; ".join(parts))
    thresholds = [
        {
            "pure_domestic_share_min": num(thr["pure_domestic_share"][i]),
            "gvc_backward_max": num(thr["gvc_backward"][i]),
            "gvc_forward_max": num(thr["gvc_forward"][i]),
            "min_pure_domestic_share": floor,
            "countries": num(k[i]),
            **{key: val for key, val in p.items() if key.endswith("percentile")},
        }
        for i in range(len(df))
    ]
    return flag_rows(df, "closed_national_chain", flagged, score, reasons, cols, thresholds)


def _focal_structure(df: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    cols = ["domestic_input_hhi", "top_domestic_supplier_share", "domestic_input_share"]
    check_frame(df, cols, "metrics")
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
                    cmp("domestic_input_hhi", hhi_a[i], True, p["hhi_threshold"], None),
                    cmp(
                        "top_domestic_supplier_share",
                        top_a[i],
                        True,
                        p["top_supplier_share_threshold"],
                        None,
                    )
                    + who,
                    cmp(
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
    return flag_rows(df, "focal_structure", flagged, hhi.astype(float), reasons, cols, thresholds)


def _declining_integration(df: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    cols = ["gvc_backward", "gvc_forward"]
    check_frame(df, cols, "metrics")
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
        | {"base_participation": num(pb_a[i])}
        for i in range(len(df))
    ]
    out = df.assign(participation=part)
    return flag_rows(
        out,
        "declining_integration",
        flagged,
        score,
        reasons,
        [*cols, "participation"],
        thresholds,
    )
