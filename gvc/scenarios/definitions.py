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
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gvc.errors import InputError
from gvc.kernels.extraction import VARIANTS
from gvc.kernels.sda import LEVELS, METHODS
from gvc.scenarios.fields import choice, is_int, numbers, opt_bool, opt_labels, req_str, to_toml
from gvc.scenarios.targets import Cluster, parse_target

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
        return to_toml(doc)

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
    name = req_str(doc, "name")
    dataset = req_str(doc, "dataset")
    kind = req_str(doc, "kind")
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
        if not isinstance(raw, list) or not raw or not all(is_int(y) for y in raw):
            raise InputError(f"scenario {name!r}: years must be an integer or a list of them")
        years = tuple(sorted(set(int(y) for y in raw)))
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"scenario {name!r}: description must be a string")
    params: dict[str, Any] = {}
    for key in ("store_nodes", "node_flags"):
        if key in doc:
            params[key] = opt_bool(doc, key, name)
    clusters: tuple[Cluster, ...] = ()
    if kind in _TARGETED:
        target, clusters = parse_target(doc, name)
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
        p["final_exports"] = opt_bool(doc, "final_exports", name, True)
        p["final_imports"] = opt_bool(doc, "final_imports", name, False)
    elif kind == "import_substitution":
        p["theta"] = numbers(doc, "theta", name, 1.0, lo=0.0, hi=1.0)
        p["origins"] = opt_labels(doc, "origins", name)
        p["products"] = opt_labels(doc, "products", name)
        p["final_imports"] = opt_bool(doc, "final_imports", name, False)
    elif kind in ("demand_shock", "primary_input_shock", "mixed"):
        if "change" not in doc:
            raise InputError(f"scenario {name!r} ({kind}): 'change' is required")
        p["change"] = numbers(doc, "change", name, None, lo=-1.0, hi=None)
        if kind == "demand_shock":
            p["destinations"] = opt_labels(doc, "destinations", name)
    elif kind == "bloc":
        a = opt_labels(doc, "bloc_a", name)
        if a is None:
            raise InputError(f"scenario {name!r} (bloc): 'bloc_a' is required")
        b = opt_labels(doc, "bloc_b", name)
        if b is not None and set(a) & set(b):
            raise InputError(f"scenario {name!r}: blocs overlap in {sorted(set(a) & set(b))[0]}")
        p.update(
            bloc_a=a,
            bloc_b=b,
            final_trade=opt_bool(doc, "final_trade", name, False),
            resource_at_home=opt_bool(doc, "resource_at_home", name, False),
        )
    elif kind == "sda":
        for key in ("year_from", "year_to"):
            if not is_int(doc.get(key)):
                raise InputError(f"scenario {name!r} (sda): '{key}' must be an integer year")
            p[key] = int(doc[key])
        if p["year_from"] == p["year_to"]:
            raise InputError(f"scenario {name!r} (sda): year_from equals year_to")
        p["level"] = choice(doc, "level", name, LEVELS, "destination")
        p["method"] = choice(doc, "method", name, METHODS, "orderings")
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
