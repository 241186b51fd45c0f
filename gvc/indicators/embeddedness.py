"""Embeddedness of cluster nodes in global value chains, and lock-in flags in the store (issue 5).

A *cluster node* is a country x sector. Step ``embeddedness`` writes one row per node and
measure to ``facts.embeddedness(dataset, year, node, measure, value)``; :data:`MEASURES` lists
every measure with its definition and how it aggregates to a user-defined cluster. Labelled
views (``queries/``): ``embeddedness`` (long), ``embeddedness_wide`` (the common measures as
columns), ``embeddedness_measures`` (this module's :data:`MEASURES` as a table),
``cluster_embeddedness`` (measures aggregated to the clusters of the ``clusters`` table).

Flags (:func:`compute_flags`) apply the rules of :mod:`gvc.lockin` to the stored embeddedness
of every year of a dataset and replace the dataset's rows of ``facts.lockin_flags`` (view
``lockin_flags``) in one transaction, with the rules used in ``lockin_rules``.

Measures, per node ``i`` (``e`` gross exports, ``y = Y 1`` final goods, ``B`` the one global
inverse of the table, cached in :class:`~gvc.indicators.derived.Derived`):

* trade-based participation, Borin & Mancini (2019) source approach, world perspective,
  summed over importers: ``bm_gvcb_share = GVCB_i / GEXP_i`` (backward: foreign VA and
  domestic double counting in the node's exports), ``bm_gvcf_share = GVCF_i / GEXP_i``
  (forward: domestic VA re-exported by the importer), ``bm_gvc_share = GVC_i / GEXP_i``
  (:func:`gvc.kernels.borin_mancini.bm`; in the source approach DVA, hence GVCF and GVCB, is
  the same in the world and exporter perspectives). ``fva_share = EXGR_FVASH`` (TiVA foreign
  VA share of gross exports, :func:`gvc.kernels.tiva.tiva_indicators`). NaN where ``e_i = 0``.
* production-based participation, Wang, Wei, Yu & Zhu (2017a): ``gvc_forward = GVCPt_f``
  ``= (v^ L A^F B y)_i / va_i`` and ``gvc_backward = (v' L A^F B)_i``, the GVC share of a unit
  of the node's final goods (equal to WWYZ ``GVCPt_b`` wherever ``y_i != 0``, and defined
  where it is 0); ``pure_domestic_share = V_D_i / va_i``, ``traditional_trade_share =
  V_RT_i / va_i`` (:func:`gvc.lockin.node_metrics`).
* structure: ``export_share = e_i / x_i``; ``domestic_input_share``, ``domestic_sales_share``
  (domestic part of intermediate inputs / sales); ``domestic_input_hhi`` and
  ``top_domestic_supplier_share`` of the node's domestic suppliers other than itself, and
  ``top_domestic_supplier_pos`` (that supplier's sector position; NaN when none).
* chain: ``crossings_mean`` (mean border crossings of the node's value added until final
  use, all final demand as one chain), ``returns_mean`` (crossings back into the origin
  country), ``countries_visited_mean`` (:func:`gvc.kernels.crossings.chain_moments`).
* centrality (Criscuolo & Timmis 2018), ``<net>_<measure>_<scope>`` for ``net`` in
  ``znet`` (intermediate flows ``W = Z``, seller -> buyer) and ``vanet`` (value-added network
  ``W = max(v^ B y^, 0)``: ``W_ij`` is value added created in ``i`` embodied in the final goods
  produced by ``j``, the WWYZ (2017a) matrix ``V^ B Y^``, whose row sums are ``va`` and column
  sums ``y`` on a balanced table; the few negative cells, from negative value added or negative
  final demand such as inventory changes, are set to 0), ``measure`` in ``in_strength,
  out_strength, pagerank, katz, eigenvector`` and ``scope`` in ``full, foreign, domestic``
  (:func:`gvc.kernels.network.centralities`, equal to networkx). Betweenness of the
  intermediate-flow network is the opt-in step ``embeddedness_betweenness`` (it needs
  networkx shortest paths: 2.7 s per scope on one WIOD 2013 year with ``min_share = 0.05``,
  38 s with 0.01, measured on this project's 2-core machine).
* levels used as aggregation weights: ``output, value_added, gross_exports, final_goods,
  intermediate_inputs, intermediate_sales``.

References
----------
Borin, A. & Mancini, M. (2019), World Bank Policy Research WP 8804.
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a), NBER WP 23222.
Criscuolo, C. & Timmis, J. (2018), OECD Productivity WP 14.
Muradov, K. (2016), "Counting borders in global value chains" (border crossings).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from gvc.errors import InputError, NumericalError, SchemaError
from gvc.indicators.derived import Derived
from gvc.indicators.long import long_by_term
from gvc.indicators.step import Step
from gvc.kernels.blocks import country_of
from gvc.kernels.borin_mancini import bm
from gvc.kernels.crossings import chain_moments
from gvc.kernels.network import MEASURES as CENTRALITY_MEASURES
from gvc.kernels.network import SCOPES, centralities
from gvc.kernels.tiva import tiva_indicators

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# --------------------------------------------------------------------------------------------
# measures and how they aggregate to a cluster


@dataclass(frozen=True)
class Measure:
    """How a node measure aggregates to a cluster: ``sum``, ``weighted`` mean (by ``weight``,
    another measure) or ``none`` (a label-like value that does not aggregate)."""

    aggregation: str
    weight: str | None
    doc: str


_LEVELS = {
    "output": "gross output x",
    "value_added": "value added va",
    "gross_exports": "gross exports e (sales to other countries)",
    "final_goods": "final goods produced, y = Y 1 (all destinations)",
    "intermediate_inputs": "intermediate inputs bought, 1'Z",
    "intermediate_sales": "intermediate sales, Z 1",
}

MEASURES: dict[str, Measure] = {
    **{k: Measure("sum", None, v) for k, v in _LEVELS.items()},
    "bm_gvcb_share": Measure(
        "weighted", "gross_exports", "Borin-Mancini backward GVC participation GVCB / GEXP"
    ),
    "bm_gvcf_share": Measure(
        "weighted", "gross_exports", "Borin-Mancini forward GVC participation GVCF / GEXP"
    ),
    "bm_gvc_share": Measure("weighted", "gross_exports", "Borin-Mancini GVC / GEXP"),
    "fva_share": Measure("weighted", "gross_exports", "TiVA EXGR_FVASH, foreign VA / exports"),
    "gvc_forward": Measure("weighted", "value_added", "WWYZ GVCPt_f, GVC share of node VA"),
    "gvc_backward": Measure(
        "weighted", "output", "WWYZ backward GVC share of a unit of final goods, v'L A^F B"
    ),
    "pure_domestic_share": Measure("weighted", "value_added", "WWYZ V_D / va"),
    "traditional_trade_share": Measure("weighted", "value_added", "WWYZ V_RT / va"),
    "export_share": Measure("weighted", "output", "gross exports / gross output"),
    "domestic_input_share": Measure(
        "weighted", "intermediate_inputs", "domestic share of intermediate inputs"
    ),
    "domestic_sales_share": Measure(
        "weighted", "intermediate_sales", "domestic share of intermediate sales"
    ),
    "domestic_input_hhi": Measure(
        "weighted", "intermediate_inputs", "Herfindahl of domestic suppliers (other nodes)"
    ),
    "top_domestic_supplier_share": Measure(
        "weighted", "intermediate_inputs", "share of the largest domestic supplier"
    ),
    "top_domestic_supplier_pos": Measure(
        "none", None, "sector position of the largest domestic supplier"
    ),
    "crossings_mean": Measure("weighted", "value_added", "mean border crossings of node VA"),
    "returns_mean": Measure("weighted", "value_added", "mean crossings back into origin country"),
    "countries_visited_mean": Measure(
        "weighted", "value_added", "mean countries visited by node VA"
    ),
}
_CENT_AGG = {"in_strength": "sum", "out_strength": "sum", "pagerank": "sum"}
for _net, _what in (("znet", "intermediate-flow network Z"), ("vanet", "value-added network")):
    for _m in CENTRALITY_MEASURES:
        for _s in SCOPES:
            _agg = _CENT_AGG.get(_m, "weighted")
            MEASURES[f"{_net}_{_m}_{_s}"] = Measure(
                _agg, None if _agg == "sum" else "output", f"{_m}, {_s} links, {_what}"
            )
BETWEENNESS_MIN_SHARE = 0.05
"""Edges below this share of the seller's sales are dropped before betweenness (speed)."""
for _s in SCOPES:
    MEASURES[f"znet_betweenness_{_s}"] = Measure(
        "weighted", "output", f"betweenness, {_s} links, intermediate-flow network (opt-in)"
    )

WIDE_MEASURES: tuple[str, ...] = (
    "gvc_backward",
    "gvc_forward",
    "bm_gvcb_share",
    "bm_gvcf_share",
    "fva_share",
    "pure_domestic_share",
    "export_share",
    "domestic_input_share",
    "domestic_sales_share",
    "domestic_input_hhi",
    "top_domestic_supplier_share",
    "crossings_mean",
    "znet_pagerank_full",
    "znet_pagerank_foreign",
    "znet_pagerank_domestic",
    "vanet_pagerank_full",
    "vanet_pagerank_foreign",
    "vanet_pagerank_domestic",
)
"""Columns of the view ``embeddedness_wide``."""

# --------------------------------------------------------------------------------------------
# the step


def va_network(d: Derived) -> np.ndarray:
    """The value-added network ``max(v^ B y^, 0)``, (n, n): VA of ``i`` in final goods of ``j``."""
    y = d.Y.sum(axis=1)
    W = d.v[:, None] * d.B * y[None, :]
    np.maximum(W, 0.0, out=W)
    return W


def embeddedness_measures(d: Derived) -> dict[str, np.ndarray]:
    """Every measure of :data:`MEASURES` except betweenness, as (n,) arrays (see module doc).

    Uses the cached ``B`` of ``d``: no further global inverse.

    Examples
    --------
    Country 0 sells intermediates to country 1, which consumes the product: node 0's value
    added crosses one border, for production abroad (WWYZ simple GVC: ``gvc_forward = 1``),
    and is absorbed by the direct importer (Borin-Mancini DAVAX, so ``GVCF = 0``).

    >>> from gvc.table import IOTable
    >>> t = IOTable(("A", "B"), ("s",), ("F",), np.array([[0.0, 10.0], [0.0, 0.0]]),
    ...             np.array([[0.0, 0.0], [0.0, 15.0]]), np.array([10.0, 15.0]),
    ...             np.array([10.0, 5.0]))
    >>> m = embeddedness_measures(Derived(t))
    >>> m["crossings_mean"], m["gvc_forward"], m["bm_gvcf_share"]
    (array([1., 0.]), array([1., 0.]), array([ 0., nan]))
    """
    from gvc.lockin import node_metrics

    t = d.table
    G, N, Z, x, va = t.G, t.N, t.Z, t.x, t.va
    Y = d.Y
    e = d.e
    out: dict[str, np.ndarray] = {
        "output": x,
        "value_added": va,
        "gross_exports": e,
        "final_goods": Y.sum(axis=1),
        "intermediate_inputs": Z.sum(axis=0),
        "intermediate_sales": Z.sum(axis=1),
    }
    terms = bm(Z, Y, x, va, G, N, approach="source", perspective="world", B=d.B)
    gexp = terms["GEXP"].sum(axis=1)
    for name, term in (
        ("bm_gvcb_share", "GVCB"),
        ("bm_gvcf_share", "GVCF"),
        ("bm_gvc_share", "GVC"),
    ):
        out[name] = _nan_ratio(terms[term].sum(axis=1), gexp)
    del terms
    fvash = tiva_indicators(Z, Y, x, va, G, N, B=d.B)["EXGR_FVASH"]
    out["fva_share"] = np.where(e != 0, fvash, np.nan)

    m = node_metrics(Z, Y, x, va, G, N, B=d.B)
    for k in (
        "gvc_forward",
        "gvc_backward",
        "pure_domestic_share",
        "traditional_trade_share",
        "export_share",
        "domestic_input_share",
        "domestic_sales_share",
        "domestic_input_hhi",
        "top_domestic_supplier_share",
    ):
        out[k] = m[k]
    top = m["top_domestic_supplier"].astype(np.float64)
    out["top_domestic_supplier_pos"] = np.where(top >= 0, top, np.nan)

    ch = chain_moments(d.A, d.B, d.v, Y, country_of(G, N), dest_countries=np.arange(G))
    for k in ("crossings_mean", "returns_mean", "countries_visited_mean"):
        out[k] = ch[k]

    for net, W in (("znet", Z), ("vanet", va_network(d))):
        for measure in CENTRALITY_MEASURES:
            try:
                res = centralities(W, G, N, measures=[measure])
            except NumericalError as exc:  # e.g. eigenvector of an acyclic graph: undefined
                log.warning("%s %s: %s; written as NaN", net, measure, exc)
                res = {f"{measure}_{s}": np.full(t.n, np.nan) for s in SCOPES}
            for k, val in res.items():
                out[f"{net}_{k}"] = val
    return out


def compute_embeddedness(d: Derived) -> dict[str, pa.Table]:
    """Step ``embeddedness``: one row per node and measure (NaN kept: "undefined")."""
    return {
        "embeddedness": long_by_term(
            embeddedness_measures(d), ("node",), "measure", keep_zeros=True
        )
    }


def compute_betweenness(d: Derived) -> dict[str, pa.Table]:
    """Step ``embeddedness_betweenness``: betweenness of the intermediate-flow network.

    :func:`gvc.lockin.betweenness_centrality` with ``-log`` sales-share edge lengths and edges
    below :data:`BETWEENNESS_MIN_SHARE` of the seller's sales dropped, on each link scope.
    """
    from gvc.lockin import betweenness_centrality

    t = d.table
    res = {
        f"znet_betweenness_{s}": betweenness_centrality(
            t.Z, t.G, t.N, scope=s, min_share=BETWEENNESS_MIN_SHARE
        )
        for s in SCOPES
    }
    return {"embeddedness_betweenness": long_by_term(res, ("node",), "measure", keep_zeros=True)}


_DDL = """CREATE TABLE IF NOT EXISTS facts.{name} (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        measure VARCHAR NOT NULL, value DOUBLE)"""

STEPS: dict[str, Step] = {
    "embeddedness": Step(
        "embeddedness",
        compute_embeddedness,
        {"embeddedness": _DDL.format(name="embeddedness")},
        "embeddedness of every node: participation (Borin-Mancini, WWYZ), pure-domestic share, "
        "domestic input/sales shares and concentration, border crossings, centralities",
    ),
    "embeddedness_betweenness": Step(
        "embeddedness_betweenness",
        compute_betweenness,
        {"embeddedness_betweenness": _DDL.format(name="embeddedness_betweenness")},
        "betweenness of the intermediate-flow network (networkx; slow, opt-in)",
    ),
}


def _nan_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


# --------------------------------------------------------------------------------------------
# store: embeddedness


def check_dataset(con: duckdb.DuckDBPyConnection, dataset: str, country: str | None = None) -> None:
    """Raise :class:`SchemaError` for a dataset without tables, :class:`InputError` for a
    country that is not one of its countries."""
    from gvc.store import run_sql

    years = run_sql(con, "SELECT count(*) FROM tables WHERE dataset = ?", [dataset]).fetchall()
    if not years[0][0]:
        have = [r[0] for r in run_sql(con, "SELECT DISTINCT dataset FROM tables").fetchall()]
        raise SchemaError(
            f"dataset {dataset!r} is not in the store (datasets: {', '.join(have) or 'none'}); "
            "run 'gvc ingest' first"
        )
    if country is not None:
        row = run_sql(
            con, "SELECT 1 FROM countries WHERE dataset = ? AND country = ?", [dataset, country]
        ).fetchall()
        if not row:
            raise InputError(f"country {country!r} is not a country of dataset {dataset!r}")


def ensure_embeddedness(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int | None = None,
    *,
    betweenness: bool = False,
    progress: Progress | None = None,
) -> list[int]:
    """Compute step ``embeddedness`` (and ``embeddedness_betweenness``) for the years of
    ``dataset`` that lack it; returns the years computed."""
    from gvc.indicators.run import run

    check_dataset(con, dataset)
    steps = ("embeddedness",) + (("embeddedness_betweenness",) if betweenness else ())
    done = run(con, dataset, year, steps, progress)
    if year is not None and not done:
        raise SchemaError(f"dataset {dataset!r} has no table for {year}")
    return [y for _, y, tables in done if tables]


def embeddedness_frame(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    year: int | None = None,
    country: str | None = None,
    measures: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Stored embeddedness as a wide frame: ``dataset, year, country, sector`` + one column per
    measure (all measures unless ``measures``), plus ``top_domestic_supplier`` (label)."""
    from gvc.store import run_sql

    where, params = ["e.dataset = ?"], [dataset]
    if year is not None:
        where.append("e.year = ?")
        params.append(year)
    if country is not None:
        where.append("n.country = ?")
        params.append(country)
    if measures is not None:
        where.append("list_contains(?, e.measure)")
        params.append(list(measures))
    sql = (
        "SELECT e.dataset, e.year, n.country, n.sector, n.node, e.measure, e.value "
        "FROM (SELECT * FROM facts.embeddedness UNION ALL "
        "SELECT * FROM facts.embeddedness_betweenness) e "
        "JOIN nodes n ON n.dataset = e.dataset AND n.node = e.node WHERE " + " AND ".join(where)
    )
    long = run_sql(con, sql, params, obj="embeddedness").df()
    keys = ["dataset", "year", "country", "sector", "node"]
    if long.empty:
        return pd.DataFrame(columns=keys)
    wide = long.pivot(index=keys, columns="measure", values="value").reset_index()
    wide.columns.name = None
    wide = wide.sort_values(["year", "node"]).reset_index(drop=True)
    if "top_domestic_supplier_pos" in wide:
        secs = [
            r[0]
            for r in run_sql(
                con, "SELECT sector FROM sectors WHERE dataset = ? ORDER BY position", [dataset]
            ).fetchall()
        ]
        pos = wide["top_domestic_supplier_pos"]
        wide["top_domestic_supplier"] = [
            secs[int(p)] if pd.notna(p) else None for p in pos.to_numpy()
        ]
    wide["year"] = wide["year"].astype(int)
    return wide


# --------------------------------------------------------------------------------------------
# store: flags


def rules_toml(rules: Mapping[str, Mapping[str, Any]]) -> str:
    """The nested rules as TOML text (sections of scalars), read back equal by ``tomllib``.

    >>> from gvc.lockin import default_rules
    >>> tomllib.loads(rules_toml(default_rules())) == default_rules()
    True
    """
    lines = []
    for section, body in rules.items():
        lines.append(f"[{section}]")
        for k, v in body.items():
            if isinstance(v, bool):
                text = "true" if v else "false"
            elif isinstance(v, int | float):
                text = repr(v)
            elif isinstance(v, str):
                text = json.dumps(v)
            else:
                raise InputError(f"lock-in rule {section}.{k}: unsupported value {v!r}")
            lines.append(f"{k} = {text}")
        lines.append("")
    return "\n".join(lines)


def compute_flags(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    rules: str | os.PathLike | Mapping[str, Any] | None = None,
    clusters: str | os.PathLike | Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Lock-in flags of every node-year of ``dataset``, written to the store.

    Computes the missing embeddedness years, reads the node metrics of all years (the
    ``declining_integration`` rule compares years), applies :func:`gvc.lockin.lockin_flags`
    with the packaged defaults merged with ``rules`` (a TOML path or a mapping,
    :func:`gvc.lockin.load_rules`) and, for every cluster of the ``clusters`` table of the
    dataset (after loading ``clusters``, a CSV/TOML path or mapping, into it,
    :func:`gvc.clusters.store_clusters`), :func:`gvc.lockin.closed_cluster_flags`. In one
    transaction the dataset's rows of ``facts.lockin_flags`` are replaced and the rules used
    (as TOML) and the clusters are appended to ``lockin_rules``.

    Returns
    -------
    Frame with :data:`gvc.lockin.FLAG_COLUMNS`.

    Raises
    ------
    SchemaError
        unknown dataset. InputError: bad rules file, bad cluster file or unknown members.
    """
    from gvc.clusters import load_clusters, read_clusters, store_clusters
    from gvc.indicators.inputs import read_iotable
    from gvc.lockin import FLAG_COLUMNS, closed_cluster_flags, load_rules, lockin_flags
    from gvc.store import list_tables, run_sql, transaction

    check_dataset(con, dataset)
    merged = load_rules(rules)  # bad rules fail before anything is computed
    if clusters is not None:
        spec = clusters if isinstance(clusters, Mapping) else load_clusters(clusters)
        store_clusters(con, dataset, spec)
    ensure_embeddedness(con, dataset, progress=progress)
    cols = (
        "pure_domestic_share",
        "gvc_backward",
        "gvc_forward",
        "domestic_input_hhi",
        "top_domestic_supplier_share",
        "domestic_input_share",
        "top_domestic_supplier_pos",
    )
    metrics = embeddedness_frame(con, dataset, measures=cols).drop(columns=["node"])
    flags = lockin_flags(metrics, merged)
    members = read_clusters(con, dataset)
    parts = [flags]
    if members:
        for _, year in list_tables(con, dataset):
            table = read_iotable(con, dataset, year)
            gb = metrics.loc[metrics["year"] == year].sort_values(["country", "sector"])
            back = _node_order(gb, table)["gvc_backward"].to_numpy()
            parts.append(
                closed_cluster_flags(
                    table, members, dataset=dataset, year=year, rules=merged, gvc_backward=back
                )
            )
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)[FLAG_COLUMNS]
    nodes = run_sql(
        con, "SELECT country, sector, node FROM nodes WHERE dataset = ?", [dataset]
    ).df()
    rows = out.merge(nodes, on=["country", "sector"], how="left")
    arrow = pa.table(
        {
            "node": pa.array(rows["node"].to_numpy(dtype=np.int32)),
            "cluster": pa.array(
                rows["cluster"].astype(object).where(rows["cluster"].notna(), None).tolist(),
                pa.string(),
            ),
            "flag": pa.array(rows["flag"].astype(str).tolist()),
            "flagged": pa.array(rows["flagged"].astype(bool).to_numpy()),
            "score": pa.array(rows["score"].astype(float).to_numpy()),
            "reasons": pa.array(rows["reasons"].astype(str).tolist()),
            "metrics": pa.array(rows["metrics"].astype(str).tolist()),
            "thresholds": pa.array(rows["thresholds"].astype(str).tolist()),
            "year": pa.array(rows["year"].to_numpy(dtype=np.int16)),
        }
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cluster_json = json.dumps({k: [list(m) for m in v] for k, v in members.items()}, sort_keys=True)
    with transaction(con):
        run_sql(
            con, "DELETE FROM facts.lockin_flags WHERE dataset = ?", [dataset], obj="lockin_flags"
        )
        con.register("_gvc_flags", arrow)
        try:
            run_sql(
                con,
                "INSERT INTO facts.lockin_flags SELECT ?::VARCHAR, year, node, cluster, flag, "
                "flagged, score, reasons, metrics::JSON, thresholds::JSON, ? FROM _gvc_flags",
                [dataset, now],
                obj="facts.lockin_flags",
            )
        finally:
            con.unregister("_gvc_flags")
        run_sql(
            con,
            "INSERT INTO lockin_rules VALUES (?, ?, ?, ?::JSON)",
            [dataset, now, rules_toml(merged), cluster_json],
            obj="lockin_rules",
        )
    log.info("%s: %d flag rows, %d flagged", dataset, len(out), int(out["flagged"].sum()))
    return out


def _node_order(frame: pd.DataFrame, table: Any) -> pd.DataFrame:
    """Rows of ``frame`` (one year) in the table's node order."""
    c, s = table.node_labels()
    key = pd.DataFrame({"country": c, "sector": s})
    return key.merge(frame, on=["country", "sector"], how="left")


# --------------------------------------------------------------------------------------------
# reports for the CLI / API


@dataclass
class EmbeddednessReport:
    """What ``gvc embeddedness`` prints: the year shown and ranked node tables."""

    dataset: str
    year: int
    country: str | None
    computed: list[int]
    nodes: pd.DataFrame
    sections: dict[str, pd.DataFrame] = field(default_factory=dict)


def embeddedness_report(
    *,
    db: str | os.PathLike | None = None,
    dataset: str,
    year: int | None = None,
    country: str | None = None,
    top: int = 10,
    progress: Progress | None = None,
) -> EmbeddednessReport:
    """Compute missing embeddedness years, then rank the nodes of one year (default: latest).

    Sections: highest and lowest GVC participation (``gvc_backward + gvc_forward``), most
    central nodes on foreign and on domestic links (PageRank of the intermediate-flow network),
    the nodes with the highest pure-domestic share. With ``country`` only its sectors.
    """
    from gvc.catalog import open_store
    from gvc.store import run_sql

    with open_store(db) as con:
        check_dataset(con, dataset, country)
        computed = ensure_embeddedness(con, dataset, year, progress=progress)
        if year is None:
            year = int(
                run_sql(
                    con, "SELECT max(year) FROM tables WHERE dataset = ?", [dataset]
                ).fetchall()[0][0]
            )
        cols = (*WIDE_MEASURES, "top_domestic_supplier_pos")
        nodes = embeddedness_frame(con, dataset, year=year, country=country, measures=cols)
    nodes = nodes.drop(columns=["node", "dataset"])
    nodes.insert(4, "participation", nodes["gvc_backward"] + nodes["gvc_forward"])
    show = [
        "country",
        "sector",
        "participation",
        "gvc_backward",
        "gvc_forward",
        "bm_gvcb_share",
        "bm_gvcf_share",
        "pure_domestic_share",
        "export_share",
        "crossings_mean",
    ]
    cent = [
        "country",
        "sector",
        "znet_pagerank_full",
        "znet_pagerank_foreign",
        "znet_pagerank_domestic",
        "vanet_pagerank_foreign",
        "export_share",
    ]
    rep = EmbeddednessReport(dataset, year, country, computed, nodes)
    rep.sections = {
        "highest GVC participation (WWYZ backward + forward)": nodes.nlargest(top, "participation")[
            show
        ],
        "lowest GVC participation (nodes with exports)": nodes[nodes["export_share"] > 0].nsmallest(
            top, "participation"
        )[show],
        "most central on foreign links (PageRank, intermediate flows)": nodes.nlargest(
            top, "znet_pagerank_foreign"
        )[cent],
        "most central on domestic links (PageRank, intermediate flows)": nodes.nlargest(
            top, "znet_pagerank_domestic"
        )[cent],
        "highest pure-domestic value-added share (V_D / va)": nodes.nlargest(
            top, "pure_domestic_share"
        )[show],
    }
    return rep


@dataclass
class FlagsReport:
    """What ``gvc flags`` prints: flagged rows, year-on-year changes, counts, chart paths."""

    dataset: str
    flagged: pd.DataFrame
    changes: pd.DataFrame
    counts: pd.DataFrame
    plots: list[Path] = field(default_factory=list)


def flags_report(
    *,
    db: str | os.PathLike | None = None,
    dataset: str,
    rules: str | os.PathLike | None = None,
    clusters: str | os.PathLike | None = None,
    country: str | None = None,
    year: int | None = None,
    plot_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> FlagsReport:
    """Compute the flags of ``dataset`` (:func:`compute_flags`) and report them.

    ``flagged``: flagged rows (optionally one country / year) with reasons and score;
    ``changes``: per flag and year the number flagged and the nodes that entered or left the
    flagged set since the previous year (view ``lockin_flag_changes``); ``counts``: flagged
    nodes by flag and year. With ``plot_dir`` one PNG per country (or the one ``country``):
    participation against pure-domestic share, latest year (or ``year``), flagged nodes
    highlighted (:func:`gvc.plots_lockin.plot_country`).
    """
    from gvc.catalog import open_store
    from gvc.store import run_sql

    with open_store(db) as con:
        check_dataset(con, dataset, country)
        compute_flags(con, dataset, rules=rules, clusters=clusters, progress=progress)
        where, params = ["dataset = ?", "flagged"], [dataset]
        if country:
            where.append("country = ?")
            params.append(country)
        if year is not None:
            where.append("year = ?")
            params.append(year)
        flagged = run_sql(
            con,
            "SELECT year, country, sector, cluster, flag, round(score, 3) AS score, reasons "
            f"FROM lockin_flags WHERE {' AND '.join(where)} ORDER BY flag, country, sector, year",
            params,
            obj="lockin_flags",
        ).df()
        changes = run_sql(
            con,
            'SELECT flag, year, flagged, entered, "left", entered_nodes, left_nodes '
            "FROM lockin_flag_changes(?, ?) ORDER BY flag, year",
            [dataset, country],
            obj="lockin_flag_changes",
        ).df()
        counts = run_sql(
            con,
            "SELECT year, flag, flagged_nodes FROM lockin_flag_counts WHERE dataset = ?"
            + (" AND year = ?" if year is not None else "")
            + " ORDER BY flag, year",
            [dataset] + ([year] if year is not None else []),
            obj="lockin_flag_counts",
        ).df()
        rep = FlagsReport(dataset, flagged, changes, counts)
        if plot_dir is not None:
            rep.plots = _plots(con, dataset, country, year, Path(plot_dir))
    return rep


def _plots(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    country: str | None,
    year: int | None,
    out: Path,
) -> list[Path]:
    from gvc.plots_lockin import plot_country
    from gvc.store import run_sql

    if year is None:
        year = int(
            run_sql(con, "SELECT max(year) FROM tables WHERE dataset = ?", [dataset]).fetchall()[0][
                0
            ]
        )
    nodes = embeddedness_frame(
        con,
        dataset,
        year=year,
        country=country,
        measures=("pure_domestic_share", "gvc_backward", "gvc_forward"),
    )
    flags = run_sql(
        con,
        "SELECT country, sector, flag FROM lockin_flags WHERE dataset = ? AND year = ? "
        "AND flagged AND cluster IS NULL",
        [dataset, year],
    ).df()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in sorted(nodes["country"].unique()):
        sub = nodes[nodes["country"] == c]
        paths.append(
            plot_country(
                sub,
                flags[flags["country"] == c],
                country=c,
                year=year,
                dataset=dataset,
                path=out / f"lockin_{dataset}_{c}_{year}.png",
            )
        )
    return paths


def flags_rules_used(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, Any]:
    """The rules of the latest flag computation of ``dataset`` (from ``lockin_rules``)."""
    from gvc.store import run_sql

    row = run_sql(
        con,
        "SELECT rules_toml FROM lockin_rules WHERE dataset = ? ORDER BY computed_at DESC LIMIT 1",
        [dataset],
    ).fetchall()
    if not row:
        raise SchemaError(f"no lock-in flags computed for dataset {dataset!r}")
    return tomllib.loads(row[0][0])
