"""Read a computed scenario back and print it: gains and losses, the cluster, flags, SDA."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from gvc.errors import SchemaError
from gvc.scenarios.definitions import ScenarioDef


@dataclass(frozen=True)
class ScenarioReport:
    """What :func:`read_report` read for one scenario and year.

    ``countries``: ``scenario_countries`` rows (all points, all measures); ``clusters``,
    ``flags``, ``points``: the other result tables; ``sda``: ``scenario_sda_countries`` rows
    (sda only); ``status``: ``scenario_status`` rows of every computed year.
    """

    definition: ScenarioDef
    year: int
    base_year: int | None
    status: pd.DataFrame
    points: pd.DataFrame
    countries: pd.DataFrame
    clusters: pd.DataFrame
    flags: pd.DataFrame
    sda: pd.DataFrame
    unit: str | None = None

    @property
    def fresh(self) -> bool:
        row = self.status[self.status["year"] == self.year]
        return bool(len(row)) and bool(row["fresh"].iloc[0])


def read_report(
    con: duckdb.DuckDBPyConnection, dataset: str, name: str, year: int | None
) -> ScenarioReport:
    """Read the results of scenario ``name`` for ``year`` (default: latest computed).

    Raises
    ------
    SchemaError
        no results, or results that are not current (the definition changed, another gvc
        version computed them): a report never shows old numbers.
    """
    from gvc.scenarios.store import get_definition, read_frame, require_fresh, runs

    d = get_definition(con, dataset, name)
    status = runs(con, dataset, name)
    if status.empty:
        raise SchemaError(
            f"scenario {name!r} of {dataset!r} has no results; "
            f"run 'gvc scenario run {name} --dataset {dataset}'"
        )
    if year is None:
        year = int(status["year"].max())
    if year not in set(status["year"].astype(int)):
        raise SchemaError(
            f"scenario {name!r} has no results for {year} "
            f"(computed: {', '.join(str(y) for y in status['year'])})"
        )
    require_fresh(con, d, [year])  # never report old numbers: missing or stale is an error
    row = status[status["year"] == year].iloc[0]
    base_year = None if pd.isna(row["base_year"]) else int(row["base_year"])
    key = [dataset, name, year]
    where = "WHERE dataset = ? AND scenario = ? AND year = ?"

    def frame(table: str, cols: str, order: str) -> pd.DataFrame:
        return read_frame(con, f"SELECT {cols} FROM {table} {where} ORDER BY {order}", key, table)

    points = frame(
        "scenario_points", "point, cluster, value, model, method, rank, details", "point"
    )
    countries = frame(
        "scenario_countries",
        "point, country, measure, baseline, scenario_value, delta",
        "point, measure, delta DESC",
    )
    clusters = frame(
        "scenario_clusters",
        "point, cluster, measure, baseline, scenario_value, delta",
        "point, measure",
    )
    flags = frame(
        "scenario_flags",
        "point, cluster, country, sector, flag, baseline_flagged, scenario_flagged, "
        "baseline_score, scenario_score, scenario_reasons",
        "point, flag, country, sector",
    )
    sda = read_frame(
        con,
        "SELECT measure, country, destination, baseline, scenario_value, delta, "
        "va_coefficients, technology, fd_structure, fd_level FROM scenario_sda_countries "
        "WHERE dataset = ? AND scenario = ? AND year_to = ? ORDER BY measure, country, "
        "destination",
        key,
        "scenario_sda_countries",
    )
    unit = read_frame(
        con, "SELECT unit FROM tables WHERE dataset = ? AND year = ?", [dataset, year], "tables"
    )["unit"]
    return ScenarioReport(
        d,
        year,
        base_year,
        status,
        points,
        countries,
        clusters,
        flags,
        sda,
        None if unit.empty or pd.isna(unit.iloc[0]) else str(unit.iloc[0]),
    )


def gains_losses(rep: ScenarioReport, point: str = "") -> pd.DataFrame:
    """Value-added deltas by country of one point, largest gain first."""
    c = rep.countries
    sub = c[(c["point"] == point) & (c["measure"] == "value_added")].copy()
    sub["pct_change"] = 100 * sub["delta"] / sub["baseline"].where(sub["baseline"] != 0)
    return sub.sort_values("delta", ascending=False)[
        ["country", "baseline", "scenario_value", "delta", "pct_change"]
    ].reset_index(drop=True)


def _fmt(x: float | None, spec: str = ",.1f") -> str:
    return "-" if x is None or pd.isna(x) else format(x, spec)


def _table(df: pd.DataFrame) -> str:
    with pd.option_context("display.max_rows", 200, "display.width", 160):
        return df.to_string(index=False) if len(df) else "(no rows)"


def format_report(rep: ScenarioReport, *, point: str | None = None, top: int = 10) -> str:
    """The report as text: header, then per kind the gains and losses by country, the
    cluster before and after, flags, what was left unsubstituted, or the SDA terms."""
    d = rep.definition
    lines = [
        f"scenario {d.name} ({d.kind}) on {d.dataset} {rep.year}"
        + (f" vs {rep.base_year}" if rep.base_year else ""),
        f"definition hash {d.hash[:12]}; results " + ("current" if rep.fresh else "not current"),
    ]
    if d.description:
        lines.append(d.description)
    if d.kind == "sda":
        return "\n".join(lines + ["", _format_sda(rep, top)])
    pts = list(rep.points["point"])
    if len(pts) > 1 and point is None:
        lines += ["", f"{len(pts)} grid points:", _table(_grid_summary(rep))]
        return "\n".join(lines)
    p = point if point is not None else (pts[0] if pts else "")
    prow = rep.points[rep.points["point"] == p]
    if prow.empty:
        raise SchemaError(f"scenario {d.name!r} has no point {p!r} (points: {pts[:10]})")
    det = json.loads(prow["details"].iloc[0]) if isinstance(prow["details"].iloc[0], str) else {}
    r = prow.iloc[0]
    lines.append(
        f"point {p!r}: cluster {r['cluster'] or '-'}, value {_fmt(r['value'], 'g')}, "
        f"model {r['model']}, "
        f"method {r['method']} (rank {r['rank']})"
    )
    gl = gains_losses(rep, p)
    world = gl["delta"].sum()
    lines += [
        "",
        f"value added (GDP at baseline coefficients), table units: world change "
        f"{_fmt(world, ',.3f')} ({_fmt(100 * world / gl['baseline'].sum(), '.4f')} %)",
    ]
    if d.kind == "import_substitution" and "country" in det:
        home = det["country"]
        h = gl[gl["country"] == home]["delta"].sum()
        others = gl[gl["country"] != home]
        lines.append(
            f"home {home}: {_fmt(h)}; partners: {_fmt(others['delta'].sum())} "
            f"(losses {_fmt(others['delta'].clip(upper=0).sum())}, gains "
            f"{_fmt(others['delta'].clip(lower=0).sum())})"
        )
        lines.append(
            f"inputs moved home {_fmt(det.get('moved_inputs'))}, not substituted (no home "
            f"output) {_fmt(det.get('not_substituted_inputs'))}"
            + (
                f"; final imports moved {_fmt(det.get('moved_final'))}, not substituted "
                f"{_fmt(det.get('not_substituted_final'))}"
                if "moved_final" in det
                else ""
            )
        )
        left = det.get("not_substituted_inputs_by_product") or {}
        if left:
            lines.append(
                "  left by product: "
                + ", ".join(
                    f"{k} {_fmt(v)}" for k, v in sorted(left.items(), key=lambda kv: -kv[1])
                )
            )
    show = gl.copy()
    for col in ("baseline", "scenario_value", "delta"):
        show[col] = show[col].map(lambda v: _fmt(v))
    show["pct_change"] = show["pct_change"].map(lambda v: _fmt(v, ".3f"))
    gains = show[gl["delta"] > 0].head(top)
    losses = show[gl["delta"] < 0].iloc[::-1].head(top)
    lines += ["", "largest gains:", _table(gains)]
    lines += ["", "largest losses:", _table(losses)]
    cl = rep.clusters[rep.clusters["point"] == p]
    if len(cl):
        c2 = cl[["measure", "baseline", "scenario_value", "delta"]].copy()
        for col in ("baseline", "scenario_value", "delta"):
            c2[col] = c2[col].map(lambda v: _fmt(v, ",.4f"))
        lines += ["", f"cluster {r['cluster']} before and after:", _table(c2)]
    fl = rep.flags[rep.flags["point"] == p]
    if len(fl):
        f2 = fl[["flag", "country", "sector", "baseline_flagged", "scenario_flagged"]].copy()
        f2["sector"] = f2["sector"].fillna("(cluster)")
        f2["scenario_score"] = fl["scenario_score"].map(lambda v: _fmt(v, ".3f"))
        lines += ["", "lock-in flags before and after:", _table(f2)]
    other = {k: v for k, v in det.items() if k not in ("not_substituted_inputs_by_product",)}
    if d.kind != "import_substitution" and other:
        lines += ["", "details: " + ", ".join(f"{k} {v}" for k, v in other.items())]
    return "\n".join(lines)


def _grid_summary(rep: ScenarioReport) -> pd.DataFrame:
    c = rep.countries[rep.countries["measure"] == "value_added"]
    rows = []
    clusters = rep.clusters
    for _, r in rep.points.iterrows():
        det = json.loads(r["details"]) if isinstance(r["details"], str) else {}
        sub = c[c["point"] == r["point"]]
        home = det.get("country")
        row = {
            "point": r["point"],
            "value": r["value"],
            "world_va_delta": sub["delta"].sum(),
            "largest_loss": sub["delta"].min(),
        }
        if home is not None:
            row["home_va_delta"] = sub[sub["country"] == home]["delta"].sum()
            cl = clusters[clusters["point"] == r["point"]].set_index("measure")
            for m in ("gvc_backward", "crossings_mean"):
                if m in cl.index:
                    row[f"{m}_after"] = cl.loc[m, "scenario_value"]
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in out.columns:
        if out[col].dtype.kind == "f" and col != "value":
            out[col] = out[col].map(lambda v: _fmt(v, ",.3f"))
    return out


def _format_sda(rep: ScenarioReport, top: int) -> str:
    s = rep.sda
    terms = ["va_coefficients", "technology", "fd_structure", "fd_level"]
    out = []
    va = s[s["measure"] == "va_flows"]
    if len(va):
        by = va.groupby("country")[["baseline", "scenario_value", "delta", *terms]].sum()
        by = by.reindex(by["delta"].abs().sort_values(ascending=False).index).head(top)
        world = va[["baseline", "scenario_value", "delta", *terms]].sum()
        out.append(
            "value added absorbed by final demand (V B Y summed over destinations), by origin "
            f"country; terms average over {rep.definition.params['method']} "
            f"(level: {rep.definition.params['level']}):"
        )
        shown = by.reset_index()
        for col in ["baseline", "scenario_value", "delta", *terms]:
            shown[col] = shown[col].map(lambda v: _fmt(v))
        out.append(_table(shown))
        out.append(
            "world: delta "
            + _fmt(world["delta"])
            + " = "
            + " + ".join(f"{t} {_fmt(world[t])}" for t in terms)
        )
    rate = s[s["measure"] == "gvc_forward_rate"]
    if len(rate):
        r2 = rate.reindex(rate["delta"].abs().sort_values(ascending=False).index).head(top)
        r2 = r2[["country", "baseline", "scenario_value", "delta", *terms]].copy()
        for col in r2.columns[1:]:
            r2[col] = r2[col].map(lambda v: _fmt(v, ".4f"))
        out += ["", "WWYZ forward GVC participation rate, largest changes:", _table(r2)]
    return "\n".join(out)
