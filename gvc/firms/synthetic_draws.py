"""The vectorised draws behind :func:`gvc.firms.synthetic.generate_network`.

Positions on a local tangent plane, weighted choices of cells and firms through one
cumulative sum (no Python loop over firms, links or clusters), memberships, the planted
intra-cluster links and the firm table consistent with the links and the country x industry
table.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

KM_PER_DEGREE = 6371.0088 * np.pi / 180.0
EMPLOYEE_SALES = 0.15
"""Sales per employee in table units (0.15 million USD) used to invent employment."""


def apportion(weight: np.ndarray, total: int) -> np.ndarray:
    """Integer counts proportional to ``weight`` summing to ``total`` (largest remainders)."""
    q = total * weight / weight.sum()
    out = np.floor(q).astype(np.int64)
    rest = total - int(out.sum())
    if rest > 0:
        out[np.argsort(-(q - out), kind="stable")[:rest]] += 1
    return out


def disc(rng: np.random.Generator, k: int, radius_km: float) -> np.ndarray:
    r = radius_km * np.sqrt(rng.random(k))
    t = rng.random(k) * 2 * np.pi
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)


def offset(lonlat: np.ndarray, km: np.ndarray) -> np.ndarray:
    """Move points by (east, north) km on a local tangent plane; latitudes kept in +-89."""
    lat = np.clip(lonlat[:, 1] + km[:, 1] / KM_PER_DEGREE, -89.0, 89.0)
    lon = lonlat[:, 0] + km[:, 0] / (KM_PER_DEGREE * np.cos(np.radians(lat)))
    lon = (lon + 180.0) % 360.0 - 180.0
    return np.stack([lon, lat], axis=1)


def row_choice(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column per row of ``weights`` (k, m), drawn in proportion to the row."""
    c = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * c[:, -1]
    return np.minimum((c <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def cell_choice(rng: np.random.Generator, W: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry of ``rows``, a column of ``W`` (n, n) drawn in proportion to that row.

    One global cumulative sum over the flattened matrix, so memory stays O(n^2 + k)."""
    n = W.shape[1]
    total = W.sum(axis=1)
    cum = np.cumsum(W.ravel())
    before = cum[np.arange(len(W)) * n + n - 1] - total
    target = before[rows] + rng.random(len(rows)) * total[rows]
    idx = np.searchsorted(cum, target, side="right")
    return np.clip(idx - rows * n, 0, n - 1)


def firm_choice(
    rng: np.random.Generator,
    weight: np.ndarray,
    firm_node: np.ndarray,
    off: np.ndarray,
    nf: np.ndarray,
    node: np.ndarray,
) -> np.ndarray:
    """For each entry of ``node``, a firm of that node drawn in proportion to ``weight``."""
    cw = np.cumsum(weight)
    before = np.where(off > 0, cw[np.maximum(off - 1, 0)], 0.0)
    total = cw[np.maximum(off + nf - 1, 0)] - before
    target = before[node] + rng.random(len(node)) * total[node]
    f = np.searchsorted(cw, target, side="right")
    return np.clip(f, off[node], off[node] + nf[node] - 1)


def draw_members(
    rng: np.random.Generator,
    host: np.ndarray,
    core: np.ndarray,
    related: np.ndarray,
    nf: np.ndarray,
    off: np.ndarray,
    reserved: np.ndarray,
    firm_node: np.ndarray,
    N: int,
    member_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Primary memberships: each non-reserved firm of a core (related) node joins one of the
    clusters of that node with probability ``member_share`` (0.3 x that)."""
    K = len(host)
    e_node = np.concatenate([host * N + core, host * N + related])
    e_k = np.concatenate([np.arange(K), np.arange(K)])
    e_w = np.concatenate([np.ones(K), np.full(K, 0.3)])
    o = np.argsort(e_node, kind="stable")
    e_node, e_k, e_w = e_node[o], e_k[o], e_w[o]
    n = len(nf)
    wn = np.bincount(e_node, weights=e_w, minlength=n)
    cw = np.cumsum(e_w)
    first = np.searchsorted(e_node, np.arange(n))
    before = np.where(first > 0, cw[np.maximum(first - 1, 0)], 0.0)
    node = firm_node
    join = (
        ~reserved
        & (wn[node] > 0)
        & (rng.random(len(node)) < member_share * np.minimum(wn[node], 1.0))
    )
    f = np.flatnonzero(join)
    target = before[node[f]] + rng.random(len(f)) * wn[node[f]]
    idx = np.minimum(np.searchsorted(cw, target, side="right"), len(cw) - 1)
    return f, e_k[idx]


def plant_intra_links(
    rng: np.random.Generator,
    mk: np.ndarray,
    mf: np.ndarray,
    starts: np.ndarray,
    focal: np.ndarray,
    anchor_row: np.ndarray,
    intra: np.ndarray,
    K: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Intra-cluster links of member rows (sorted by cluster): a star around the anchor in
    focal clusters, up to four random partners per member in networked ones. Each member's
    ``intra`` sales are split over its out-links."""
    M = len(mk)
    rows = np.arange(M)
    size = np.bincount(mk, minlength=K)
    start = np.zeros(K, dtype=np.int64)
    start[mk[starts]] = starts
    n_k = size[mk]
    is_focal = focal[mk] & (anchor_row[mk] >= 0)
    a_row = anchor_row[mk]
    # focal: members sell to the anchor; the anchor sells to about half the members
    star = is_focal & (rows != a_row)
    s1, b1 = rows[star], a_row[star]
    # the anchor sells to about half the members, always to the first one after it
    first = start[mk] + (a_row == start[mk])
    back = star & ((rng.random(M) < 0.5) | (rows == first))
    s2, b2 = a_row[back], rows[back]
    # networked: up to four partners, never oneself
    net = ~is_focal & (n_k > 1)
    d = np.where(net, np.minimum(4, n_k - 1), 0)
    s3 = np.repeat(rows, d)
    pos = s3 - start[mk[s3]]
    step = 1 + (rng.random(len(s3)) * (n_k[s3] - 1)).astype(np.int64)
    b3 = start[mk[s3]] + (pos + step) % n_k[s3]
    src = np.concatenate([s1, s2, s3])
    dst = np.concatenate([b1, b2, b3])
    outdeg = np.bincount(src, minlength=M)
    val = intra[src] / outdeg[src]
    return mf[src], mf[dst], val, src


def firm_table(rng: np.random.Generator, **k) -> pa.Table:
    """Firm attributes consistent with the links and the table (see module doc)."""
    F = k["F"]
    firm_node, node_c, node_s = k["firm_node"], k["node_c"], k["node_s"]
    ls, lb, lv = k["ls"], k["lb"], k["lv"]
    sigma, closed_member = k["sigma"], k["closed_member"]
    n = len(node_c)
    sold = np.bincount(ls, weights=lv, minlength=F)
    cross = node_c[firm_node[ls]] != node_c[firm_node[lb]]
    xsold = np.bincount(ls, weights=lv * cross, minlength=F)
    # sales to final demand and to firms outside the network, exports beyond the links and
    # imports go to firms outside closed clusters, in proportion to size
    other = np.maximum(k["x"] - k["R"], 0.0)
    open_w = sigma * ~closed_member
    norm = np.bincount(firm_node, weights=open_w, minlength=n)[firm_node]
    sales = sold + other[firm_node] * open_w / norm
    ex_rest = np.maximum(k["e"] - np.bincount(firm_node, weights=xsold, minlength=n), 0.0)
    exports = xsold + ex_rest[firm_node] * open_w / norm
    imports = k["imp"][firm_node] * open_w / norm
    employment = np.maximum(np.round(sales / EMPLOYEE_SALES), 1.0)
    employment[k["large"]] = np.maximum(employment[k["large"]], 300.0)
    sectors = k["table"].sectors
    codes = np.array([(k["industry_codes"] or {}).get(s, s) for s in sectors], dtype=object)
    industry = codes[node_s[firm_node]]
    for code, secs in (k["coarse_codes"] or {}).items():
        in_group = np.isin(node_s[firm_node], [sectors.index(s) for s in secs])
        industry = np.where(in_group & (rng.random(F) < k["coarse_share"]), code, industry)
    countries = np.array(k["countries"], dtype=object)
    c = countries[node_c[firm_node]]
    region = np.char.add(np.char.add(c.astype(str), "-R"), k["firm_region"].astype(str))
    return pa.table(
        {
            "country": pa.array(c.tolist(), pa.string()),
            "region": pa.array(region.tolist(), pa.string()),
            "lat": pa.array(k["pos"][:, 1]),
            "lon": pa.array(k["pos"][:, 0]),
            "classification": pa.array(np.full(F, k["classification"]).tolist(), pa.string()),
            "industry": pa.array(industry.tolist(), pa.string()),
            "sales": pa.array(sales),
            "employment": pa.array(employment),
            "exports": pa.array(exports),
            "imports": pa.array(imports),
            "type": pa.array(k["ftype"].tolist(), pa.string()),
            "sector": pa.array(node_s[firm_node].astype(np.int64)),
        }
    )
