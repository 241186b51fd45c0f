"""The pipeline file: what to read, which steps to compute, where to write.

A pipeline is a TOML file (paths relative to the file's directory)::

    steps = ["core", "wwz"]            # names of gvc.indicators.registry.STEPS
                                       # (default: DEFAULT_STEPS)
    executor = "local:4"               # optional default; --executor overrides

    [output]
    db = "gvc.duckdb"                  # the DuckDB store (--db overrides)
    parquet = "gvc_parquet"            # partition root (default: <db stem>_parquet)

    [[source]]
    path = "data/wiod2013"             # a file, a directory, or a glob (one file a year)
    format = "auto"                    # auto | long | oecd-icio | wiod2016
    dataset = "wiod2013"               # dataset name in the store
    years = [2010, 2011]               # optional; default: every year found
    unit = "EUR million"               # the unit of a long table that does not state one
    [source.harmonise]                 # optional HarmoniseOptions fields
    negative_inventories = "keep"

    [[chain]]                          # optional: value chains computed for every unit
    name = "ict_usa"                   # (step chain:<name>, added to the steps)
    dataset = "wiod2013"               # optional: only this dataset's units
    producers_sectors = ["c14"]        # producers_countries, destinations: lists; omitted = all
    destinations = ["USA"]
    km_source = "natural_earth"        # natural_earth | none | cepii[:measure] (+ cepii_file)

    [[group]]                          # optional: group-aware indicators for every unit
    name = "regions"                   # (step group:<name>, added to the steps)
    concordance = "regions_wiod2013"   # a shipped country concordance or a file; or instead
    # groups = { EU27 = ["AUT", "BEL"] } # the economies and their members
    dataset = "wiod2013"               # optional: only this dataset's units

    [flags]                            # optional: lock-in flags after the units are loaded
    rules = "my_rules.toml"            # optional rule overrides (gvc/lockin defaults otherwise)
    clusters = "clusters.csv"          # optional user clusters (CSV or TOML)

Everything is checked when the file is read (unknown keys, unknown steps, option values outside
their allowed set, a rules file with a bad key or value): every error is an
:class:`~gvc.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gvc.errors import InputError
from gvc.ingestion.harmonise import HarmoniseOptions
from gvc.names import DATASET_NAME

_TOP_KEYS = {"steps", "executor", "output", "source", "chain", "group", "flags"}
_GROUP_KEYS = {"name", "dataset", "concordance", "groups"}
_CHAIN_KEYS = {
    "name",
    "dataset",
    "producers_countries",
    "producers_sectors",
    "destinations",
    "km_source",
    "cepii_file",
    "cepii_measure",
    "km_fallback",
    "paths",
}
_FLAGS_KEYS = {"rules", "clusters"}
_OUTPUT_KEYS = {"db", "parquet"}
_SOURCE_KEYS = {"path", "format", "dataset", "years", "harmonise", "unit"}


@dataclass(frozen=True)
class SourceConfig:
    """One ``[[source]]`` entry, with its glob expanded to the matching paths."""

    paths: tuple[Path, ...]
    format: str
    dataset: str
    years: tuple[int, ...] | None
    harmonise: dict[str, Any]

    @property
    def options(self) -> HarmoniseOptions:
        return HarmoniseOptions.from_mapping(self.harmonise)


@dataclass(frozen=True)
class PipelineConfig:
    """A parsed pipeline file (see the module docstring)."""

    path: Path
    sources: tuple[SourceConfig, ...]
    steps: tuple[str, ...]
    db: Path
    parquet: Path
    executor: str = "local"
    extra: dict = field(default_factory=dict, compare=False)
    chains: tuple[dict[str, Any], ...] = ()
    flags: dict[str, Any] | None = None
    groups: tuple[dict[str, Any], ...] = ()

    def with_db(self, db: str | os.PathLike | None) -> PipelineConfig:
        """The same pipeline writing to another store (``--db``); an implicit parquet root
        follows the store."""
        if db is None:
            return self
        db = Path(db)
        parquet = self.parquet
        if self.extra.get("parquet_default"):
            parquet = default_parquet_root(db)
        return dataclasses.replace(self, db=db, parquet=parquet)


def default_parquet_root(db: Path) -> Path:
    """``<db directory>/<db stem>_parquet``."""
    return db.with_name(db.stem + "_parquet")


def load_config(path: str | os.PathLike) -> PipelineConfig:
    """Parse and check a pipeline TOML file.

    Raises
    ------
    InputError
        missing or unparsable file, unknown key, unknown step, bad dataset name or year, a
        glob that matches nothing, harmonisation options that do not exist.
    """
    from gvc.indicators.registry import DEFAULT_STEPS, STEPS
    from gvc.readers import FORMATS

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such pipeline file")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not valid TOML: {exc}") from exc
    base = p.resolve().parent
    _no_unknown(p, "top level", doc, _TOP_KEYS)

    steps = doc.get("steps", list(DEFAULT_STEPS))
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps) or not steps:
        raise InputError(f"{p}: steps must be a non-empty list of step names")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InputError(f"{p}: unknown step(s) {unknown}; known: {', '.join(STEPS)}")
    chains = _chains(p, base, doc.get("chain", []))
    groups = _groups(p, base, doc.get("group", []))
    steps = list(
        dict.fromkeys(
            [*steps, *(f"chain:{c['name']}" for c in chains)]
            + [f"group:{g['name']}" for g in groups]
        )
    )
    flags = _flags(p, base, doc.get("flags"))
    if flags is not None and "embeddedness" not in steps:
        steps.append("embeddedness")  # the flags read the embeddedness of every year

    out = doc.get("output", {})
    if not isinstance(out, dict):
        raise InputError(f"{p}: [output] must be a table")
    _no_unknown(p, "[output]", out, _OUTPUT_KEYS)
    db = _resolve(base, out.get("db", "gvc.duckdb"))
    parquet_default = "parquet" not in out
    parquet = default_parquet_root(db) if parquet_default else _resolve(base, out["parquet"])

    raw_sources = doc.get("source", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        raise InputError(f"{p}: no [[source]] entry")
    sources = []
    for k, s in enumerate(raw_sources, 1):
        where = f"[[source]] #{k}"
        if not isinstance(s, dict):
            raise InputError(f"{p}: {where} must be a table")
        _no_unknown(p, where, s, _SOURCE_KEYS)
        if "path" not in s or not isinstance(s["path"], str):
            raise InputError(f"{p}: {where}: path is required (a file, directory or glob)")
        dataset = s.get("dataset")
        if not isinstance(dataset, str) or not DATASET_NAME.match(dataset):
            raise InputError(
                f"{p}: {where}: dataset is required: letters, digits, '_', '.', '-' "
                f"(got {dataset!r})"
            )
        fmt = s.get("format", "auto")
        if fmt not in FORMATS:
            raise InputError(f"{p}: {where}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        years = s.get("years")
        if years is not None:
            if not isinstance(years, list) or not all(
                isinstance(y, int) and 1900 <= y <= 2100 for y in years
            ):
                raise InputError(f"{p}: {where}: years must be a list of years, e.g. [2010, 2011]")
            years = tuple(sorted(set(years)))
        harm = s.get("harmonise", {})
        if not isinstance(harm, dict):
            raise InputError(f"{p}: {where}: harmonise must be a table")
        if "unit" in s:
            # a declared unit travels with the harmonisation options (it decides the result)
            from gvc.units import parse_unit

            parse_unit(s["unit"], f"{p}: {where}: unit")
            harm = {**harm, "unit": str(s["unit"])}
        try:
            HarmoniseOptions.from_mapping(harm)
        except InputError as exc:
            raise InputError(f"{p}: {where}: [harmonise] {exc}") from exc
        sources.append(
            SourceConfig(_expand(p, where, base, s["path"]), fmt, dataset, years, dict(harm))
        )
    executor = doc.get("executor", "local")
    if not isinstance(executor, str):
        raise InputError(f"{p}: executor must be a string such as 'local:4'")
    return PipelineConfig(
        p,
        tuple(sources),
        tuple(steps),
        db,
        parquet,
        executor,
        {"parquet_default": parquet_default},
        chains,
        flags,
        groups,
    )


def _named_entries(
    p: Path, raw: Any, section: str, keys: set[str], kind: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """``(where, name, entry)`` of each ``[[section]]`` entry: entries must be tables with only
    ``keys`` and a unique, path-safe ``name``."""
    if not isinstance(raw, list):
        raise InputError(f"{p}: [[{section}]] entries must be tables")
    out: list[tuple[str, str, dict[str, Any]]] = []
    for k, c in enumerate(raw, 1):
        where = f"[[{section}]] #{k}"
        if not isinstance(c, dict):
            raise InputError(f"{p}: {where} must be a table")
        _no_unknown(p, where, c, keys)
        name = c.get("name")
        if not isinstance(name, str) or not DATASET_NAME.match(name):
            raise InputError(
                f"{p}: {where}: name is required: letters, digits, '_', '.', '-' (got {name!r})"
            )
        if any(name == seen for _, seen, _ in out):
            raise InputError(f"{p}: {where}: {kind} {name!r} is defined twice")
        out.append((where, name, c))
    return out


def _chains(p: Path, base: Path, raw: Any) -> tuple[dict[str, Any], ...]:
    """The ``[[chain]]`` entries as definition dicts (paths resolved), checked for keys and
    value types; codes are checked against each dataset's labels when a unit computes them."""
    out: dict[str, dict[str, Any]] = {}
    for where, name, c in _named_entries(p, raw, "chain", _CHAIN_KEYS, "chain"):
        for key in ("producers_countries", "producers_sectors", "destinations"):
            v = c.get(key)
            if v is not None and (
                not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v)
            ):
                raise InputError(f"{p}: {where}: {key} must be a non-empty list of codes")
        d = dict(c)
        if "cepii_file" in d:
            d["cepii_file"] = str(_resolve(base, d["cepii_file"]))
        try:
            from gvc.chains import chain_definition

            out[name] = chain_definition(d)
        except InputError as exc:
            raise InputError(f"{p}: {where}: {exc}") from exc
    return tuple(out.values())


def _groups(p: Path, base: Path, raw: Any) -> tuple[dict[str, Any], ...]:
    """The ``[[group]]`` entries as ``{"name", "dataset", "groups"}`` (a concordance read now,
    so a bad file fails here); members absent from a unit's table are dropped when it computes
    them, as ``gvc group define`` does."""
    from gvc.groups.concordance import load
    from gvc.groups.steps import canonical

    out: dict[str, dict[str, Any]] = {}
    for where, name, g in _named_entries(p, raw, "group", _GROUP_KEYS, "grouping"):
        if ("concordance" in g) == ("groups" in g):
            raise InputError(f"{p}: {where}: give concordance or groups (one of them)")
        if "groups" in g:
            groups = g["groups"]
            if (
                not isinstance(groups, dict)
                or not groups
                or not all(
                    isinstance(m, list) and m and all(isinstance(c, str) for c in m)
                    for m in groups.values()
                )
            ):
                raise InputError(
                    f"{p}: {where}: groups must be a table of economies, each a non-empty list "
                    'of country codes, e.g. groups = { EU27 = ["AUT", "BEL"] }'
                )
        else:
            spec = str(g["concordance"])
            local = _resolve(base, spec)
            try:
                groups = load(local if local.exists() else spec, "country").groups
            except InputError as exc:
                raise InputError(f"{p}: {where}: concordance: {exc}") from exc
        dataset = g.get("dataset")
        if dataset is not None and not isinstance(dataset, str):
            raise InputError(f"{p}: {where}: dataset must be a dataset name")
        out[name] = {"name": name, "dataset": dataset, "groups": canonical(groups)}
    return tuple(out.values())


def _flags(p: Path, base: Path, raw: Any) -> dict[str, Any] | None:
    """The ``[flags]`` table: rule and cluster files resolved and read now (bad keys or values
    in them fail here)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError(f"{p}: [flags] must be a table")
    _no_unknown(p, "[flags]", raw, _FLAGS_KEYS)
    out: dict[str, Any] = {}
    from gvc.clusters import load_clusters
    from gvc.lockin import load_rules

    try:
        rules_path = _resolve(base, raw["rules"]) if "rules" in raw else None
        out["rules"] = load_rules(rules_path)
        if "clusters" in raw:
            out["clusters"] = {
                k: [list(m) for m in v]
                for k, v in load_clusters(_resolve(base, raw["clusters"])).items()
            }
    except InputError as exc:
        raise InputError(f"{p}: [flags]: {exc}") from exc
    return out


def _resolve(base: Path, value: Any) -> Path:
    if not isinstance(value, str):
        raise InputError(f"{base}: expected a path string, got {value!r}")
    q = Path(value).expanduser()
    return q if q.is_absolute() else base / q


def _expand(p: Path, where: str, base: Path, pattern: str) -> tuple[Path, ...]:
    full = str(_resolve(base, pattern))
    if glob.has_magic(full):
        hits = tuple(Path(h) for h in sorted(glob.glob(full)))
        if not hits:
            raise InputError(f"{p}: {where}: path {pattern!r} matches no file")
        return hits
    return (Path(full),)


def _no_unknown(p: Path, where: str, table: dict, known: set[str]) -> None:
    extra = sorted(set(table) - known)
    if extra:
        raise InputError(f"{p}: {where}: unknown key(s) {extra}; known: {sorted(known)}")
