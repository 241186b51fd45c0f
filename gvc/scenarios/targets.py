"""Targets of a scenario: the node sets (clusters) it applies to, and their label checks.

A target is ``country`` (+ optional ``sectors``; none = the whole country), ``nodes``
(``[[country, sector], ...]``), ``clusters`` (a list of tables ``{country, sectors, name}``:
one grid point each) or ``each_node`` (``{countries, sectors}``, each ``"all"`` or a list:
one single-node cluster per pair, expanded against the dataset's labels by
:func:`clusters_of`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gvc.errors import InputError
from gvc.scenarios.fields import opt_labels, req_str

if TYPE_CHECKING:
    from gvc.scenarios.definitions import ScenarioDef


@dataclass(frozen=True)
class Cluster:
    """One target node set: a label and ``(country, sector)`` members (sector None = all)."""

    label: str
    members: tuple[tuple[str, str | None], ...]


def parse_target(doc: Mapping[str, Any], name: str) -> tuple[dict[str, Any], tuple[Cluster, ...]]:
    given = [k for k in ("country", "nodes", "clusters", "each_node") if k in doc]
    if len(given) != 1:
        raise InputError(
            f"scenario {name!r}: give exactly one target: country (+ sectors), nodes, "
            f"clusters or each_node (got {', '.join(given) or 'none'})"
        )
    if "sectors" in doc and given[0] != "country":
        raise InputError(f"scenario {name!r}: 'sectors' goes with 'country'")
    key = given[0]
    if key == "country":
        country = req_str(doc, "country")
        sectors = opt_labels(doc, "sectors", name)
        target: dict[str, Any] = {"country": country, "sectors": sectors}
        return target, (_cluster(None, country, sectors),)
    if key == "nodes":
        nodes = doc["nodes"]
        ok = (
            isinstance(nodes, list)
            and nodes
            and all(
                isinstance(m, list) and len(m) == 2 and all(isinstance(v, str) for v in m)
                for m in nodes
            )
        )
        if not ok:
            raise InputError(f"scenario {name!r}: nodes must be a list of [country, sector]")
        members = tuple(dict.fromkeys((c, s) for c, s in nodes))
        label = "+".join(f"{c}:{s}" for c, s in members)
        return {"nodes": [list(m) for m in members]}, (Cluster(label, members),)
    if key == "clusters":
        raw = doc["clusters"]
        if not isinstance(raw, list) or not raw:
            raise InputError(f"scenario {name!r}: clusters must be a non-empty list of tables")
        out: list[Cluster] = []
        norm: list[dict[str, Any]] = []
        for i, body in enumerate(raw):
            if not isinstance(body, dict) or not set(body) <= {"name", "country", "sectors"}:
                raise InputError(
                    f"scenario {name!r}: clusters[{i}] takes keys name, country, sectors"
                )
            country = req_str(body, "country")
            sectors = opt_labels(body, "sectors", name)
            cname: str | None = body.get("name")
            if cname is not None and not isinstance(cname, str):
                raise InputError(f"scenario {name!r}: clusters[{i}].name must be a string")
            out.append(_cluster(cname, country, sectors))
            norm.append({"name": cname, "country": country, "sectors": sectors})
        labels = [c.label for c in out]
        if len(set(labels)) != len(labels):
            raise InputError(f"scenario {name!r}: two clusters have the same label")
        return {"clusters": norm}, tuple(out)
    spec = doc["each_node"]
    if not isinstance(spec, dict) or set(spec) != {"countries", "sectors"}:
        raise InputError(f"scenario {name!r}: each_node takes countries and sectors")
    norm_e: dict[str, Any] = {}
    for k in ("countries", "sectors"):
        v = spec[k]
        if v == "all":
            norm_e[k] = "all"
        elif isinstance(v, list) and v and all(isinstance(s, str) for s in v):
            norm_e[k] = list(dict.fromkeys(v))
        else:
            raise InputError(f"scenario {name!r}: each_node.{k} must be 'all' or a list")
    # expanded against the dataset's labels by expand_each_node
    return {"each_node": norm_e}, ()


def _cluster(label: str | None, country: str, sectors: list[str] | None) -> Cluster:
    if sectors is None:
        return Cluster(label or country, ((country, None),))
    members = tuple((country, s) for s in sectors)
    return Cluster(label or f"{country}:{'+'.join(sectors)}", members)


def clusters_of(d: ScenarioDef, countries: Sequence[str], sectors: Sequence[str]) -> list[Cluster]:
    """The target clusters of ``d`` with ``each_node`` expanded against the dataset's labels.

    Raises
    ------
    InputError
        a country or sector that is not in the dataset.
    """
    check_labels(d, countries, sectors)
    target = d.params.get("target", {})
    if "each_node" not in target:
        return list(d.clusters)
    e = target["each_node"]
    cs = list(countries) if e["countries"] == "all" else e["countries"]
    ss = list(sectors) if e["sectors"] == "all" else e["sectors"]
    return [Cluster(f"{c}:{s}", ((c, s),)) for c in cs for s in ss]


def check_labels(d: ScenarioDef, countries: Sequence[str], sectors: Sequence[str]) -> None:
    """Raise :class:`InputError` when ``d`` names a country or sector the dataset lacks."""
    cset, sset = set(countries), set(sectors)

    def need(vals: Sequence[str] | None, known: set[str], what: str) -> None:
        for v in vals or ():
            if v not in known:
                head = ", ".join(sorted(known)[:12]) + (" ..." if len(known) > 12 else "")
                raise InputError(
                    f"scenario {d.name!r}: unknown {what} {v!r} in dataset {d.dataset!r} "
                    f"(known: {head})"
                )

    for cl in d.clusters:
        need([c for c, _ in cl.members], cset, "country")
        need([s for _, s in cl.members if s is not None], sset, "sector")
    e = d.params.get("target", {}).get("each_node")
    if e:
        need(None if e["countries"] == "all" else e["countries"], cset, "country")
        need(None if e["sectors"] == "all" else e["sectors"], sset, "sector")
    for key in ("origins", "destinations", "bloc_a", "bloc_b"):
        need(d.params.get(key), cset, "country")
    need(d.params.get("products"), sset, "sector")
