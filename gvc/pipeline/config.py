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

Every error is an :class:`~gvc.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gvc.errors import InputError
from gvc.ingestion.harmonise import HarmoniseOptions

#: dataset names become partition directory names, so keep them path-safe
DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_TOP_KEYS = {"steps", "executor", "output", "source"}
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
        return HarmoniseOptions(**self.harmonise)


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

    def with_db(self, db: str | Path | None) -> PipelineConfig:
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


def options_hash(fmt: str, harmonise: dict[str, Any], steps: tuple[str, ...]) -> str:
    """sha256 of what, besides the input bytes and the gvc version, decides a unit's result:
    the reader format, every harmonisation option (defaults filled in) and the set of steps."""
    opts = dataclasses.asdict(HarmoniseOptions(**harmonise))
    blob = json.dumps(
        {"format": fmt, "harmonise": opts, "steps": sorted(set(steps))}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def load_config(path: str | Path) -> PipelineConfig:
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
        if "unit" in s:
            # a declared unit travels with the harmonisation options (it decides the result)
            from gvc.units import parse_unit

            parse_unit(s["unit"], f"{p}: {where}: unit")
            harm = {**harm, "unit": str(s["unit"])}
        try:
            HarmoniseOptions(**harm)
        except TypeError as exc:
            known = ", ".join(f.name for f in dataclasses.fields(HarmoniseOptions))
            raise InputError(f"{p}: {where}: [harmonise]: {exc}; known: {known}") from exc
        sources.append(
            SourceConfig(_expand(p, where, base, s["path"]), fmt, dataset, years, dict(harm))
        )
    executor = doc.get("executor", "local")
    if not isinstance(executor, str):
        raise InputError(f"{p}: executor must be a string such as 'local:4'")
    return PipelineConfig(
        p, tuple(sources), tuple(steps), db, parquet, executor, {"parquet_default": parquet_default}
    )


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
