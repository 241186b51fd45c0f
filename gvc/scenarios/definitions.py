"""Scenario definitions: read from TOML or the API, validated when read, hashed.

A definition is a flat table of parameters; ``kind`` says which and what they mean::

    name = "rus_c14"                      # the scenario's name (unique per dataset)
    dataset = "wiod2013"
    kind = "import_substitution"
    years = [2011]                        # optional; default: every stored year
    description = "RUS electrical and optical equipment substitutes its imported inputs"
    country = "RUS"                       # the target (see below)
    sectors = ["c14"]
    theta = 1.0                           # kind-specific parameters (see KINDS)

**Targets** (the node set S, or several for a grid), for every kind but ``bloc`` and
``sda``: ``country`` (+ optional ``sectors``; no sectors = the whole country), or ``nodes``
(``[["RUS", "c14"], ...]``, any countries), or ``clusters`` (a list of tables with
``country``, optional ``sectors`` and ``name``: one grid point each), or ``each_node`` (a
table ``{countries = [...] or "all", sectors = [...] or "all"}``: one single-node cluster per
pair). Import substitution needs clusters inside one country.

**Grids**: several clusters and/or several values of ``theta`` (import substitution) or
``change`` (shocks, mixed) make a grid of *points*, each a scenario of its own, labelled
``<cluster>`` and/or ``@<value>`` in the results' ``point`` column ('' for a single point).

:func:`definition_hash` is the sha256 of the canonical JSON of ``kind`` and the parameters
(not name, dataset, years or description): two definitions with the same hash compute the
same thing. It is stored beside every result with the input table's sha256.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gvc.errors import InputError
from gvc.kernels.extraction import VARIANTS
from gvc.kernels.sda import LEVELS, METHODS

DEFINITION_VERSION = 1
"""Version of the definition format; part of the hash."""

_TARGET_KEYS = ("country", "sectors", "nodes", "clusters", "each_node")
_COMMON = {"name", "dataset", "kind", "years", "description", "store_nodes", "node_flags"}

KINDS: dict[str, dict[str, str]] = {
    "extraction": {
        "variant": "one of " + ", ".join(VARIANTS) + " (default total_cut_links)",
        "final_exports": "cross-border exports: also remove final exports (default true)",
        "final_imports": "cross-border imports: also remove final imports (default false)",
    },
    "import_substitution": {
        "theta": "share of the imported inputs moved home, in [0, 1], or a list (default 1)",
        "origins": "origin countries substituted (default: all)",
        "products": "input products (sectors) substituted (default: all)",
        "final_imports": "also substitute the country's final imports of the cluster's "
        "products (default false)",
    },
    "demand_shock": {
        "change": "relative change of the final demand for S's products (-0.3 = -30 %), or a list",
        "destinations": "destination countries whose demand changes (default: all)",
    },
    "primary_input_shock": {
        "change": "relative change of S's value added (Ghosh model), or a list",
    },
    "mixed": {
        "change": "relative change of S's outputs, held fixed (mixed model; -0.3 = a cap at "
        "70 %), or a list",
    },
    "bloc": {
        "bloc_a": "countries of the first bloc",
        "bloc_b": "countries of the second bloc (default: all the others)",
        "final_trade": "also cut final sales between the blocs (default false)",
        "resource_at_home": "move the cut inputs (and cut final imports) to the buyer's home "
        "industry of the same product (default false)",
    },
    "sda": {
        "year_from": "first year",
        "year_to": "second year",
        "level": "final-demand level per 'destination' country (default) or 'world'",
        "method": "'orderings' (average of all 24, default) or 'polar' (two-polar average)",
        "measures": "'va_flows' and/or 'participation' (default both)",
    },
}
"""Every kind and its own parameters (besides the common keys and the target)."""

_TARGETED = {"extraction", "import_substitution", "demand_shock", "primary_input_shock", "mixed"}
_VALUE_KEY = {
    "import_substitution": "theta",
    "demand_shock": "change",
    "primary_input_shock": "change",
    "mixed": "change",
}


@dataclass(frozen=True)
class Cluster:
    """One target node set: a label and ``(country, sector)`` members (sector None = all)."""

    label: str
    members: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class ScenarioDef:
    """A validated scenario definition (see the module docstring)."""

    name: str
    dataset: str
    kind: str
    params: dict[str, Any]
    years: tuple[int, ...] | None = None
    description: str = ""
    clusters: tuple[Cluster, ...] = field(default=(), compare=False)

    @property
    def hash(self) -> str:
        """:func:`definition_hash` of this definition."""
        return definition_hash(self)

    @property
    def values(self) -> tuple[float, ...]:
        """The theta / change values of the grid (``(1.0,)``-like for one; () for none)."""
        key = _VALUE_KEY.get(self.kind)
        if key is None:
            return ()
        return tuple(self.params[key])

    def to_toml(self) -> str:
        """The definition as TOML text, read back equal by :func:`parse`."""
        doc: dict[str, Any] = {"name": self.name, "dataset": self.dataset, "kind": self.kind}
        if self.years is not None:
            doc["years"] = list(self.years)
        if self.description:
            doc["description"] = self.description
        doc.update(self.params)
        return _toml(doc)

    def to_json(self) -> str:
        """Canonical JSON of every field (sorted keys)."""
        return json.dumps(
            {
                "name": self.name,
                "dataset": self.dataset,
                "kind": self.kind,
                "years": None if self.years is None else list(self.years),
                "description": self.description,
                "params": self.params,
            },
            sort_keys=True,
        )


def definition_hash(d: ScenarioDef) -> str:
    """sha256 of the canonical JSON of ``{"version", "kind", "params"}``.

    >>> a = parse({"name": "a", "dataset": "d", "kind": "bloc", "bloc_a": ["X"]})
    >>> b = parse({"name": "b", "dataset": "e", "kind": "bloc", "bloc_a": ["X"]})
    >>> a.hash == b.hash, len(a.hash)
    (True, 64)
    """
    text = json.dumps(
        {"version": DEFINITION_VERSION, "kind": d.kind, "params": d.params},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(path: str | os.PathLike, **overrides: Any) -> ScenarioDef:
    """Read and validate a TOML definition; ``overrides`` (e.g. ``dataset``) replace keys.

    Raises
    ------
    InputError
        unreadable file or an invalid definition (the message names the file and the key).
    """
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{p}: cannot read scenario definition: {exc}") from exc
    doc.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return parse(doc)
    except InputError as exc:
        raise InputError(f"{p}: {exc}") from exc


def parse(doc: Mapping[str, Any]) -> ScenarioDef:
    """Validate a definition given as a mapping (TOML document or API call).

    Structure, types and ranges are checked here; that countries and sectors exist in the
    dataset is checked by :func:`check_labels` when the definition is stored.

    Raises
    ------
    InputError
        a missing or unknown key, a wrong type or a value out of range (one line naming it).

    Examples
    --------
    >>> d = parse({"name": "s", "dataset": "wiod2013", "kind": "import_substitution",
    ...            "country": "RUS", "sectors": ["c14"], "theta": [0.5, 1]})
    >>> d.values, d.clusters[0].label
    ((0.5, 1.0), 'RUS:c14')
    """
    doc = dict(doc)
    name = _str(doc, "name")
    dataset = _str(doc, "dataset")
    kind = _str(doc, "kind")
    if kind not in KINDS:
        raise InputError(f"unknown scenario kind {kind!r}; known: {', '.join(KINDS)}")
    allowed = _COMMON | set(KINDS[kind]) | (set(_TARGET_KEYS) if kind in _TARGETED else set())
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise InputError(
            f"scenario {name!r} ({kind}): unknown key {unknown[0]!r}; allowed: "
            + ", ".join(sorted(allowed))
        )
    years = None
    if "years" in doc:
        raw = doc["years"]
        raw = [raw] if isinstance(raw, int) and not isinstance(raw, bool) else raw
        if not isinstance(raw, list) or not raw or not all(_is_int(y) for y in raw):
            raise InputError(f"scenario {name!r}: years must be an integer or a list of them")
        years = tuple(sorted(set(int(y) for y in raw)))
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"scenario {name!r}: description must be a string")
    params: dict[str, Any] = {}
    for key in ("store_nodes", "node_flags"):
        if key in doc:
            params[key] = _bool(doc, key, name)
    clusters: tuple[Cluster, ...] = ()
    if kind in _TARGETED:
        target, clusters = _target(doc, name)
        params["target"] = target
    p = _kind_params(kind, doc, name)
    params.update(p)
    if kind == "import_substitution":
        for cl in clusters:
            if len({c for c, _ in cl.members}) != 1:
                raise InputError(
                    f"scenario {name!r}: import substitution cluster {cl.label!r} must lie in "
                    "one country"
                )
    if kind == "sda" and years is not None:
        raise InputError(f"scenario {name!r}: sda takes year_from and year_to, not years")
    return ScenarioDef(name, dataset, kind, params, years, description, clusters)


def _kind_params(kind: str, doc: Mapping[str, Any], name: str) -> dict[str, Any]:
    p: dict[str, Any] = {}
    if kind == "extraction":
        variant = doc.get("variant", "total_cut_links")
        if variant not in VARIANTS:
            raise InputError(
                f"scenario {name!r}: unknown extraction variant {variant!r}; known: "
                + ", ".join(VARIANTS)
            )
        p["variant"] = variant
        p["final_exports"] = _bool(doc, "final_exports", name, True)
        p["final_imports"] = _bool(doc, "final_imports", name, False)
    elif kind == "import_substitution":
        p["theta"] = _values(doc, "theta", name, 1.0, lo=0.0, hi=1.0)
        p["origins"] = _labels(doc, "origins", name)
        p["products"] = _labels(doc, "products", name)
        p["final_imports"] = _bool(doc, "final_imports", name, False)
    elif kind in ("demand_shock", "primary_input_shock", "mixed"):
        if "change" not in doc:
            raise InputError(f"scenario {name!r} ({kind}): 'change' is required")
        p["change"] = _values(doc, "change", name, None, lo=-1.0, hi=None)
        if kind == "demand_shock":
            p["destinations"] = _labels(doc, "destinations", name)
    elif kind == "bloc":
        a = _labels(doc, "bloc_a", name)
        if a is None:
            raise InputError(f"scenario {name!r} (bloc): 'bloc_a' is required")
        b = _labels(doc, "bloc_b", name)
        if b is not None and set(a) & set(b):
            raise InputError(f"scenario {name!r}: blocs overlap in {sorted(set(a) & set(b))[0]}")
        p.update(
            bloc_a=a,
            bloc_b=b,
            final_trade=_bool(doc, "final_trade", name, False),
            resource_at_home=_bool(doc, "resource_at_home", name, False),
        )
    elif kind == "sda":
        for key in ("year_from", "year_to"):
            if not _is_int(doc.get(key)):
                raise InputError(f"scenario {name!r} (sda): '{key}' must be an integer year")
            p[key] = int(doc[key])
        if p["year_from"] == p["year_to"]:
            raise InputError(f"scenario {name!r} (sda): year_from equals year_to")
        p["level"] = _choice(doc, "level", name, LEVELS, "destination")
        p["method"] = _choice(doc, "method", name, METHODS, "orderings")
        measures = doc.get("measures", ["va_flows", "participation"])
        if isinstance(measures, str):
            measures = [measures]
        if (
            not isinstance(measures, list)
            or not measures
            or not set(measures) <= {"va_flows", "participation"}
        ):
            raise InputError(
                f"scenario {name!r} (sda): measures must be 'va_flows' and/or 'participation'"
            )
        p["measures"] = sorted(set(measures))
    return p


def _target(doc: Mapping[str, Any], name: str) -> tuple[dict[str, Any], tuple[Cluster, ...]]:
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
        country = _str(doc, "country")
        sectors = _labels(doc, "sectors", name)
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
        out, norm = [], []
        for i, body in enumerate(raw):
            if not isinstance(body, dict) or not set(body) <= {"name", "country", "sectors"}:
                raise InputError(
                    f"scenario {name!r}: clusters[{i}] takes keys name, country, sectors"
                )
            country = _str(body, "country")
            sectors = _labels(body, "sectors", name)
            label = body.get("name")
            if label is not None and not isinstance(label, str):
                raise InputError(f"scenario {name!r}: clusters[{i}].name must be a string")
            out.append(_cluster(label, country, sectors))
            norm.append({"name": label, "country": country, "sectors": sectors})
        labels = [c.label for c in out]
        if len(set(labels)) != len(labels):
            raise InputError(f"scenario {name!r}: two clusters have the same label")
        return {"clusters": norm}, tuple(out)
    spec = doc["each_node"]
    if not isinstance(spec, dict) or set(spec) != {"countries", "sectors"}:
        raise InputError(f"scenario {name!r}: each_node takes countries and sectors")
    norm_e = {}
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


# --------------------------------------------------------------------------- small validators


def _str(doc: Mapping[str, Any], key: str) -> str:
    v = doc.get(key)
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"scenario definition: '{key}' must be a non-empty string")
    return v.strip()


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _bool(doc: Mapping[str, Any], key: str, name: str, default: bool | None = None) -> bool:
    if key not in doc:
        assert default is not None
        return default
    v = doc[key]
    if not isinstance(v, bool):
        raise InputError(f"scenario {name!r}: {key} must be true or false, got {v!r}")
    return v


def _labels(doc: Mapping[str, Any], key: str, name: str) -> list[str] | None:
    if key not in doc or doc[key] is None:
        return None
    v = doc[key]
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(s, str) and s for s in v):
        raise InputError(f"scenario {name!r}: {key} must be a non-empty list of codes")
    return list(dict.fromkeys(v))


def _values(
    doc: Mapping[str, Any],
    key: str,
    name: str,
    default: float | None,
    *,
    lo: float | None,
    hi: float | None,
) -> list[float]:
    raw = doc.get(key, default)
    vals = raw if isinstance(raw, list) else [raw]
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InputError(f"scenario {name!r}: {key} must be a number or a list, got {v!r}")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
            raise InputError(f"scenario {name!r}: {key} = {v} is out of range {rng}")
        out.append(float(v))
    if not out:
        raise InputError(f"scenario {name!r}: {key} is an empty list")
    return list(dict.fromkeys(out))


def _choice(
    doc: Mapping[str, Any], key: str, name: str, choices: Sequence[str], default: str
) -> str:
    v = doc.get(key, default)
    if v not in choices:
        raise InputError(f"scenario {name!r}: {key} must be one of {', '.join(choices)}")
    return str(v)


def _toml(doc: Mapping[str, Any]) -> str:
    """Flat TOML writer for the definition's own value types (str, bool, number, lists,
    inline tables, None skipped)."""

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            inner = ", ".join(f"{k} = {val(x)}" for k, x in v.items() if x is not None)
            return "{" + inner + "}"
        raise InputError(f"cannot write {v!r} as TOML")

    lines = []
    for k, v in doc.items():
        if v is None:
            continue
        if k == "target":
            for tk, tv in v.items():
                if tv is not None:
                    lines.append(f"{tk} = {val(tv)}")
            continue
        lines.append(f"{k} = {val(v)}")
    return "\n".join(lines) + "\n"
