"""Synthetic firm networks with known cluster structure, derived from a country x industry table.

No real firm network ships with gvc, so tests, the demo (``gvc firms demo``) and the benchmark
use networks generated here. :func:`generate_network` splits the intermediate flows ``Z`` of
a table (restricted to the chosen countries) into firm-to-firm links such that

    sum of the links from firms of node i to firms of node j  =  Z_ij    (every i, j)

exactly (up to floating-point rounding; tested), and the firms' sales, exports and imports sum
to the nodes' output (where ``x_i >= sum_j Z_ij``), gross exports and intermediate imports
from countries outside the network. On top it plants clusters whose design is recorded in
the ``clusters`` truth table:

* **structure**: ``focal`` (every member trades with one anchor, no links among the others)
  or ``networked`` (each member sells to up to four random other members);
* **geography**: ``compact`` (members within about 10 km of a point) or ``scattered``
  (spread over the host country, about 250 km);
* **openness**: ``closed`` (members buy only from members and sell only intermediates, at
  home: 80 % of their intermediate sales to members, the rest to domestic firms; no final
  sales, exports or imports) or
  ``open`` (they buy and export like their sector);
* **helix**: ``full`` (1-3 science members from the table's science sector and 1-2
  government members from its government sector) or ``business`` (firms only);
* **compliant**: members sell ``rho`` = 45 % (open) or 80 % (closed) of their intermediate
  output to other members, or 8 % when not compliant. A firm in two clusters sells half its
  intra-cluster share to each, so 45 % keeps it above the 20 % registry threshold.

How: firms per node in proportion to output (at least 3, the first two never members), sizes
lognormal; members are carved first (their intra-cluster links and two links to domestic or
any firms for the rest of their sales, capped at 60 % of each cell), then each cell's rest
is split over links between non-member suppliers and buyers (not members of closed clusters),
drawn by size. About 2 % of the members also join a second, scattered cluster of their country
(overlapping memberships). Everything is vectorised over firms, links and clusters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from gvc.errors import InputError
from gvc.firms import synthetic_draws as dr
from gvc.kernels.blocks import total_exports
from gvc.kernels.firm_network import unique
from gvc.table import IOTable

CAP = 0.6
"""Largest share of a cell the carved member links may take."""
RHO = {"closed": 0.8, "open": 0.45, "noncompliant": 0.08}
"""Intra-cluster share of members' intermediate sales by design."""


@dataclass
class SyntheticNetwork:
    """The generated files as Arrow tables, plus the truth about the clusters."""

    firms: pa.Table
    members: pa.Table
    transactions: pa.Table
    concordance: pa.Table
    clusters: pa.Table
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    Z: np.ndarray  # the block of the table the links sum back to (country-major nodes)

    def node_flows(self) -> np.ndarray:
        """The links summed by (supplier node, buyer node), same shape as :attr:`Z`."""
        f = self.firms
        labels, inv = np.unique(
            f["country"].to_numpy(zero_copy_only=False).astype(str), return_inverse=True
        )
        cnum = np.array([self.countries.index(c) for c in labels.tolist()])[inv]
        node = cnum * len(self.sectors) + f["sector"].to_numpy()
        ids = f["firm"].to_numpy()
        order = np.argsort(ids)
        s = order[np.searchsorted(ids, self.transactions["supplier"].to_numpy(), sorter=order)]
        b = order[np.searchsorted(ids, self.transactions["buyer"].to_numpy(), sorter=order)]
        n = self.Z.shape[0]
        out = np.bincount(
            node[s] * n + node[b], weights=self.transactions["value"].to_numpy(), minlength=n * n
        )
        return out.reshape(n, n)

    def write(self, directory: str | Path, fmt: str = "parquet") -> dict[str, Path]:
        """Write ``firms``, ``members``, ``transactions``, ``concordance``, ``clusters`` files."""
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = {}
        for name in ("firms", "members", "transactions", "concordance", "clusters"):
            tab = getattr(self, name)
            if name == "firms":
                tab = tab.drop_columns(["sector"])
            p = d / f"{name}.{fmt}"
            if fmt == "parquet":
                pq.write_table(tab, p)
            elif fmt == "csv":
                pacsv.write_csv(tab, p)
            else:
                raise InputError(f"unknown format {fmt!r}; use parquet or csv")
            out[name] = p
        return out


def generate_network(
    table: IOTable,
    *,
    countries: Sequence[str] | None = None,
    year: int = 2011,
    n_firms: int = 20_000,
    n_clusters: int = 40,
    links: int = 200_000,
    seed: int = 0,
    science_sector: str | None = None,
    government_sector: str | None = None,
    classification: str = "sector",
    industry_codes: Mapping[str, str] | None = None,
    coarse_codes: Mapping[str, Sequence[str]] | None = None,
    coarse_share: float = 0.3,
    positions: Mapping[str, tuple[float, float]] | None = None,
    regions_per_country: int = 8,
    member_share: float = 0.6,
    design: Mapping[str, float] | None = None,
) -> SyntheticNetwork:
    """A synthetic firm network whose links sum back to ``table``'s ``Z`` (see module doc).

    Parameters
    ----------
    table : the country x industry table (e.g. ``read_iotable(con, "wiod2013", 2011)``).
    countries : the countries the network covers (default all); firms of other countries
        are outside the network (their sales to it become the firms' ``imports``).
    year : the ``year`` of the transactions.
    n_firms, n_clusters, links : about how many firms, clusters and links (each positive cell
        gets at least one link, so ``links`` is a floor of the number of cells).
    seed : random seed (same seed, same network).
    science_sector, government_sector : sector codes whose firms are universities / research
        centres and public bodies (default: none, so no cluster has a full helix).
    classification, industry_codes : the firms' classification name and the code of each
        sector in it (default: the sector codes).
    coarse_codes : ``{code: [sector, ...]}``: a coarser code that ``coarse_share`` of the
        firms of those sectors carry instead (it maps to several sectors in the concordance).
    positions : ``{country: (lon, lat)}`` centres (default: a grid, 10 degrees apart).
    regions_per_country : regions per country, centres within 300 km of the country centre.
    member_share : share of the firms of a cluster's core sector that are members.
    design : probabilities of ``focal, scattered, closed, full_helix, compliant``
        (default 0.5, 0.3, 0.3, 0.5, 0.7).

    Returns
    -------
    :class:`SyntheticNetwork`.

    Raises
    ------
    InputError
        unknown countries or sectors, or too few firms for the nodes.
    """
    rng = np.random.default_rng(seed)
    p = {"focal": 0.5, "scattered": 0.3, "closed": 0.3, "full_helix": 0.5, "compliant": 0.7}
    p |= dict(design or {})
    countries = tuple(countries) if countries is not None else table.countries
    unknown = [c for c in countries if c not in table.countries]
    if unknown:
        raise InputError(f"generate_network: unknown countries {unknown}")
    N = table.N
    cpos = np.array([table.countries.index(c) for c in countries])
    nodes = (cpos[:, None] * N + np.arange(N)[None, :]).ravel()
    n, nc = len(nodes), len(countries)
    node_c = np.repeat(np.arange(nc), N)
    node_s = np.tile(np.arange(N), nc)
    Z = table.Z[np.ix_(nodes, nodes)]
    x = table.x[nodes]
    e = total_exports(table.Z, table.Y, table.G, N)[nodes]
    outside = np.ones(table.n, dtype=bool)
    outside[nodes] = False
    imp = table.Z[outside][:, nodes].sum(axis=0)
    R = Z.sum(axis=1)

    # ---- firms
    active = (R > 0) | (Z.sum(axis=0) > 0) | (x > 0)
    nf = dr.apportion(np.where(active, np.maximum(x, 0.0), 0.0), n_firms)
    nf = np.where(active, np.maximum(nf, 3), 0)
    F = int(nf.sum())
    firm_node = np.repeat(np.arange(n), nf)
    off = np.concatenate(([0], np.cumsum(nf)[:-1]))
    rank = np.arange(F) - off[firm_node]
    reserved = rank < 2
    size = rng.lognormal(0.0, 1.0, F)
    sigma = size / np.bincount(firm_node, weights=size, minlength=n)[firm_node]
    sec_idx = {s: k for k, s in enumerate(table.sectors)}
    sci = sec_idx.get(science_sector, -1) if science_sector else -1
    gov = sec_idx.get(government_sector, -1) if government_sector else -1
    if (science_sector and sci < 0) or (government_sector and gov < 0):
        raise InputError("generate_network: unknown science or government sector")
    fsec = node_s[firm_node]
    ftype = np.full(F, "firm", dtype=object)
    ftype[fsec == sci] = np.where(rank[fsec == sci] % 2, "research_centre", "university")
    ftype[fsec == gov] = "public_body"

    # ---- positions: country centre, regions within 300 km, firms within ~15 km of a region
    centre = np.array(
        [
            (positions or {}).get(c, (10.0 * (k % 18) - 80.0, 45.0 - 10.0 * (k // 18)))
            for k, c in enumerate(countries)
        ]
    )
    R_ = regions_per_country
    reg = dr.offset(np.repeat(centre, R_, axis=0), dr.disc(rng, nc * R_, 300.0)).reshape(nc, R_, 2)
    firm_region = rng.integers(0, R_, F)
    pos = dr.offset(reg[node_c[firm_node], firm_region], rng.normal(0.0, 15.0, (F, 2)))

    # ---- clusters: host country, core and related sector, design
    K = n_clusters
    per_country = np.bincount(node_c[firm_node], minlength=nc)
    host = rng.choice(nc, size=K, p=per_country / per_country.sum())
    wcs = nf.reshape(nc, N).astype(np.float64) - 2.0
    wcs[:, [s for s in (sci, gov) if s >= 0]] = 0.0
    wcs = np.maximum(wcs, 0.0)
    core = dr.row_choice(rng, wcs[host])
    dom = Z.reshape(nc, N, nc, N)[host, :, host, :]  # (K, N, N) domestic block of the host
    link = dom[np.arange(K), :, core] + dom[np.arange(K), core, :]
    link[np.arange(K), core] = -1.0
    link[:, [s for s in (sci, gov) if s >= 0]] = -1.0
    related = np.argmax(link, axis=1)
    focal = rng.random(K) < p["focal"]
    scattered = rng.random(K) < p["scattered"]
    closed = rng.random(K) < p["closed"]
    helix = (rng.random(K) < p["full_helix"]) & (sci >= 0) & (gov >= 0)
    compliant = rng.random(K) < p["compliant"]
    rho = np.where(compliant, np.where(closed, RHO["closed"], RHO["open"]), RHO["noncompliant"])

    # ---- memberships: core / related firms, science and government members, a few overlaps
    mem_f, mem_k = dr.draw_members(
        rng, host, core, related, nf, off, reserved, firm_node, N, member_share
    )
    primary = np.full(F, -1)
    primary[mem_f] = mem_k
    extra_f, extra_k = [], []
    for sector, lo, hi, flag in ((sci, 1, 4, helix), (gov, 1, 3, helix)):
        if sector < 0:
            continue
        ks = np.repeat(np.flatnonzero(flag), rng.integers(lo, hi, int(flag.sum())))
        node = host[ks] * N + sector
        ok = nf[node] > 2
        ks, node = ks[ok], node[ok]
        extra_k.append(ks)
        extra_f.append(off[node] + 2 + (rng.random(len(ks)) * (nf[node] - 2)).astype(np.int64))
    over = rng.random(len(mem_f)) < 0.02
    by_host = np.argsort(host, kind="stable")
    hcount = np.bincount(host, minlength=nc)
    hstart = np.concatenate(([0], np.cumsum(hcount)[:-1]))
    hk = host[mem_k[over]]
    other = by_host[hstart[hk] + (rng.random(len(hk)) * hcount[hk]).astype(np.int64)]
    # a second cluster only if scattered: a firm sits at its first cluster's place
    extra_f.append(mem_f[over][scattered[other]])
    extra_k.append(other[scattered[other]])
    all_f = np.concatenate([mem_f, *extra_f])
    all_k = np.concatenate([mem_k, *extra_k])
    key = unique(all_k * F + all_f)  # sorted by cluster, then firm
    mk, mf = key // F, key % F
    member_any = np.zeros(F, dtype=bool)
    member_any[mf] = True
    closed_member = np.zeros(F, dtype=bool)
    closed_member[mf[closed[mk]]] = True
    # science / government members without a primary cluster take one of theirs
    lone = primary[mf] < 0
    primary[mf[lone]] = mk[lone]

    # members' positions: compact around a point of the host, or scattered over the country
    home = dr.offset(reg[host, rng.integers(0, R_, K)], np.zeros((K, 2)))
    pm = primary >= 0
    kk = primary[pm]
    compact_pos = dr.offset(home[kk], rng.normal(0.0, 6.0, (len(kk), 2)))
    spread_pos = dr.offset(centre[host[kk]], rng.normal(0.0, 250.0, (len(kk), 2)))
    pos[pm] = np.where(scattered[kk][:, None], spread_pos, compact_pos)

    # anchors of focal clusters: the largest firm of the core sector, a state corporation,
    # or the first science member
    mrow = np.arange(len(mk))
    starts = np.concatenate(([0], np.flatnonzero(np.diff(mk)) + 1))
    has = np.zeros(K, dtype=bool)
    has[mk[starts]] = True
    big = np.where(ftype[mf] == "firm", sigma[mf] * x[firm_node[mf]], -1.0)
    top = np.maximum.reduceat(big, starts)
    kind = rng.choice(np.array(["large_firm", "state_corporation", "university"]), K)
    is_uni = ftype[mf] == "university"
    uni_row = np.minimum.reduceat(np.where(is_uni, mrow, len(mrow)), starts)
    biz_row = np.minimum.reduceat(np.where(big == top[mk], mrow, len(mrow)), starts)
    kind_k = kind[mk[starts]]
    kind_k = np.where((kind_k == "university") & (uni_row >= len(mrow)), "large_firm", kind_k)
    arow = np.where(kind_k == "university", uni_row, biz_row)
    anchor_row = np.full(K, -1)
    anchor_row[mk[starts]] = np.where(focal[mk[starts]], arow, -1)
    akind = np.full(K, None, dtype=object)
    akind[mk[starts]] = np.where(focal[mk[starts]], kind_k, None)  # type: ignore[call-overload]
    anchors = anchor_row[anchor_row >= 0]
    ftype[mf[anchors[akind[anchor_row >= 0] == "state_corporation"]]] = "state_corporation"

    # ---- carved links of members: intra-cluster, and their other intermediate sales
    T = sigma[mf] * R[firm_node[mf]]
    intra_s, intra_b, intra_v, intra_m = dr.plant_intra_links(
        rng, mk, mf, starts, focal, anchor_row, rho[mk] * T, K
    )
    bg_n = 2
    bm = np.repeat(mrow, bg_n)
    sup_node = firm_node[mf[bm]]
    same = node_c[:, None] == node_c[None, :]
    j = np.where(
        closed[mk[bm]],
        dr.cell_choice(rng, Z * same, sup_node),
        dr.cell_choice(rng, Z, sup_node),
    )
    bg_b = off[j] + rng.integers(0, 2, len(bm))
    cs = np.concatenate([intra_s, mf[bm]])
    cb = np.concatenate([intra_b, bg_b])
    cv = np.concatenate([intra_v, np.repeat((1.0 - rho[mk]) * T / bg_n, bg_n)])
    cell = firm_node[cs] * n + firm_node[cb]
    zflat = Z.ravel()
    cv = np.where(zflat[cell] > 0, cv, 0.0)
    carved = np.bincount(cell, weights=cv, minlength=n * n)
    fac_cell = np.ones(n * n)
    np.divide(CAP * zflat, carved, out=fac_cell, where=carved > CAP * zflat)
    fac_firm = np.ones(F)
    np.minimum.at(fac_firm, cs, fac_cell[cell])
    cv = cv * fac_firm[cs]
    carved = np.bincount(cell, weights=cv, minlength=n * n)

    # ---- the rest of every cell, between non-member suppliers and eligible buyers
    rest = np.where(zflat > 0, np.maximum(zflat - carved, 0.0), 0.0)
    cells = np.flatnonzero(rest > 0)
    extra = max(links - len(cells) - len(cv), 0)
    want = extra * rest[cells] / rest[cells].sum()
    m = 1 + np.floor(want).astype(np.int64) + (rng.random(len(cells)) < want % 1)
    lc = np.repeat(cells, m)
    gi, gj = lc // n, lc % n
    gs = dr.firm_choice(rng, sigma * ~member_any, firm_node, off, nf, gi)
    gb = dr.firm_choice(rng, sigma * ~closed_member, firm_node, off, nf, gj)
    loop = gs == gb
    gb[loop] = np.where(gs[loop] == off[gj[loop]], off[gj[loop]] + 1, off[gj[loop]])
    w = sigma[gs] * sigma[gb] * rng.lognormal(0.0, 0.5, len(lc))
    cid = np.repeat(np.arange(len(cells)), m)
    gv = rest[lc] * w / np.bincount(cid, weights=w)[cid]

    # ---- merge repeated pairs, drop zero links
    s_all = np.concatenate([cs, gs])
    b_all = np.concatenate([cb, gb])
    v_all = np.concatenate([cv, gv])
    pair, inv = unique(s_all * F + b_all, return_inverse=True)
    val = np.bincount(inv, weights=v_all)
    keep = val > 0
    ls, lb, lv = pair[keep] // F, pair[keep] % F, val[keep]

    firms = dr.firm_table(
        rng,
        F=F,
        firm_node=firm_node,
        node_c=node_c,
        node_s=node_s,
        countries=countries,
        table=table,
        x=x,
        R=R,
        e=e,
        imp=imp,
        sigma=sigma,
        closed_member=closed_member,
        ls=ls,
        lb=lb,
        lv=lv,
        pos=pos,
        firm_region=firm_region,
        ftype=ftype,
        large=mf[anchors[akind[anchor_row >= 0] == "large_firm"]],
        classification=classification,
        industry_codes=industry_codes,
        coarse_codes=coarse_codes,
        coarse_share=coarse_share,
    )
    ids = np.arange(F, dtype=np.int64) + 1_000_001
    sec_arr = np.array(table.sectors, dtype=object)
    cty_arr = np.array(countries, dtype=object)
    names = np.char.add(
        np.char.add(np.char.add("K", np.char.zfill(np.arange(K).astype(str), 4)), "-"),
        np.char.add(np.char.add(cty_arr[host].astype(str), "-"), sec_arr[core].astype(str)),
    ).astype(object)
    present = np.bincount(mk, minlength=K) > 0
    codes = [
        (industry_codes or {}).get(s, s) for s in table.sectors
    ]  # per sector, for the concordance
    conc_rows = [(classification, codes[k], s) for k, s in enumerate(table.sectors)]
    for code, secs in (coarse_codes or {}).items():
        conc_rows += [(classification, code, s) for s in secs]
    concordance = pa.table(
        {
            "classification": [r[0] for r in conc_rows],
            "industry": [r[1] for r in conc_rows],
            "sector": [r[2] for r in conc_rows],
        }
    )
    anchor_id = np.where(anchor_row >= 0, ids[mf[np.maximum(anchor_row, 0)]], -1)
    truth = pa.table(
        {
            "cluster": pa.array(names[present].tolist(), pa.string()),
            "country": pa.array(cty_arr[host[present]].tolist(), pa.string()),
            "core_sector": pa.array(sec_arr[core[present]].tolist(), pa.string()),
            "related_sector": pa.array(sec_arr[related[present]].tolist(), pa.string()),
            "structure": pa.array(np.where(focal, "focal", "networked")[present]),
            "geography": pa.array(np.where(scattered, "scattered", "compact")[present]),
            "openness": pa.array(np.where(closed, "closed", "open")[present]),
            "helix": pa.array(np.where(helix, "full", "business")[present]),
            "compliant": pa.array(compliant[present]),
            "intra_share_target": pa.array(rho[present]),
            "anchor": pa.array(np.where(anchor_id > 0, anchor_id, 0)[present]).cast(pa.int64()),
            "anchor_kind": pa.array(akind[present].tolist(), pa.string()),
            "members": pa.array(np.bincount(mk, minlength=K)[present]),
        }
    )
    return SyntheticNetwork(
        firms=firms.append_column("firm", pa.array(ids)).select(
            ["firm", *[c for c in firms.column_names]]
        ),
        members=pa.table({"member": pa.array(ids[mf]), "cluster": pa.array(names[mk].tolist())}),
        transactions=pa.table(
            {
                "supplier": pa.array(ids[ls]),
                "buyer": pa.array(ids[lb]),
                "value": pa.array(lv),
                "year": pa.array(np.full(len(lv), year, dtype=np.int16)),
            }
        ),
        concordance=concordance,
        clusters=truth,
        countries=countries,
        sectors=table.sectors,
        Z=Z,
    )
