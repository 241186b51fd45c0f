"""Which units a pipeline has, and which of them must run, and why.

A unit is one ``(dataset, year)``. What it must produce is the input table of identity
``table_sha256`` (:func:`gvc.catalog.tables.table_identity` of the input's sha256
(:func:`gvc.ingestion.prepare.source_sha256`) and the harmonisation options) and one ledger
result per step, each with the step's options hash, by this gvc version. The store's ledger is
the one record of what is there (:func:`gvc.pipeline.catalog.read_state`): a unit is skipped
when the stored table has that identity, every step's result is fresh and its partitions are
complete; otherwise it runs, for the reasons listed (``forced``, ``new``, ``input changed``,
``<step> missing``, ``<step> options changed``, ``version changed``, ``partitions missing``).
A unit whose partitions are complete with the current fingerprint but which the store lacks
(the driver was killed between the worker's write and the load) is only loaded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from gvc.errors import InputError
from gvc.ingestion.prepare import source_sha256
from gvc.pipeline import partitions as parts
from gvc.pipeline.catalog import State
from gvc.pipeline.config import PipelineConfig, SourceConfig
from gvc.pipeline.worker import UnitSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """What the driver will do with one unit: ``run``, ``load`` (partitions ready) or ``skip``."""

    spec: UnitSpec
    action: str
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return ", ".join(self.reasons)


def discover_years(path: Path, fmt: str) -> list[int]:
    """The years a source path holds, reading as little as possible.

    In a directory, a file whose name carries a year (``wiot_2011.parquet``) gives that year
    without being opened, so a broken file fails its own unit, not the plan; a long-format
    file without a year in its name is asked for the distinct values of its ``year`` column.
    A single long-format parquet file with a ``year`` column gives those years; any other
    file gives the year in its name (``ICIO2023_2019.csv``), also when it cannot be opened.

    Raises
    ------
    InputError
        missing path, or no year can be found.
    """
    from gvc.readers._io import year_from_name

    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    years: set[int] = set()
    if path.is_dir():
        for f in sorted(q for q in path.iterdir() if q.is_file()):
            if f.suffix.lower() not in (".parquet", ".csv"):
                continue
            y = year_from_name(f.name)
            if y is not None:
                years.add(y)
            else:
                years.update(_year_column(f))
    else:
        try:
            years.update(_year_column(path) if fmt in ("auto", "long") else ())
        except InputError:
            if year_from_name(path.name) is None:
                raise
        if not years and (y := year_from_name(path.name)) is not None:
            years.add(y)
    if not years:
        raise InputError(f"{path}: cannot tell which years it holds; list them in years = [...]")
    return sorted(years)


def _year_column(f: Path) -> set[int]:
    """Distinct ``year`` values of a long-format parquet file (empty for other files)."""
    from gvc.readers._io import LONG_COLUMNS, parquet_schema, read_parquet

    if f.suffix.lower() != ".parquet":
        return set()
    names = set(parquet_schema(f).names)
    if not (set(LONG_COLUMNS) <= names and "year" in names):
        return set()
    col = read_parquet(f, columns=["year"]).column("year")
    return {int(v) for v in col.unique().to_pylist() if v is not None}


def units(cfg: PipelineConfig, gvc_version: str) -> list[UnitSpec]:
    """Every ``(dataset, year)`` unit of the pipeline, with its current input checksum.

    Raises
    ------
    InputError
        a year comes from two sources for one dataset, or a source's years cannot be found.
    """
    from dataclasses import asdict

    from gvc.catalog.tables import table_identity
    from gvc.indicators.registry import resolve_steps
    from gvc.ingestion.harmonise import HarmoniseOptions
    from gvc.ingestion.prepare import identity_options

    chains = tuple(cfg.chains)
    groups = tuple(cfg.groups)
    out: dict[tuple[str, int], UnitSpec] = {}
    for src in cfg.sources:
        names = [n for n in cfg.steps if not n.startswith(("chain:", "group:"))]
        names += ["chains", "groups"]
        steps = resolve_steps(names, chains=chains, groups=groups, dataset=src.dataset)
        hashes = {s.name: s.options_hash for s in steps}
        opts = identity_options(HarmoniseOptions(**src.harmonise))
        for path in src.paths:
            for y in _years(src, path):
                key = (src.dataset, y)
                if key in out:
                    raise InputError(
                        f"{cfg.path}: dataset {src.dataset!r} year {y} comes from two inputs "
                        f"({out[key].path} and {path})"
                    )
                try:
                    sha = source_sha256(path, y)
                except OSError as exc:
                    log.warning("%s: cannot hash input for %s: %s", path, y, exc)
                    sha = ""
                out[key] = UnitSpec(
                    src.dataset,
                    y,
                    str(path),
                    src.format,
                    asdict(HarmoniseOptions(**src.harmonise)),
                    tuple(s.name for s in steps),
                    str(cfg.parquet),
                    sha,
                    table_identity(sha, opts) if sha else "",
                    hashes,
                    gvc_version,
                    chains,
                    groups,
                )
    return [out[k] for k in sorted(out)]


def _years(src: SourceConfig, path: Path) -> list[int]:
    if src.years is None:
        return discover_years(path, src.format)
    if len(src.paths) > 1:
        # a glob: one file a year; keep the listed years this file holds
        from gvc.readers._io import year_from_name

        y = year_from_name(path.name)
        return [y] if y in src.years else []
    return list(src.years)


def decide(specs: list[UnitSpec], state: State, force: bool = False) -> list[Decision]:
    """Compare each unit with what the store's ledger holds and its partitions on disk."""
    out = []
    for spec in specs:
        have = state.get((spec.dataset, spec.year))
        complete = bool(spec.input_sha256) and parts.unit_complete(
            Path(spec.root), spec.dataset, spec.year, spec.fingerprint
        )
        if force:
            out.append(Decision(spec, "run", ("forced",)))
            continue
        if have is None:
            if complete:
                out.append(Decision(spec, "load", ("partitions ready, not in store",)))
            else:
                out.append(Decision(spec, "run", ("new",)))
            continue
        reasons = []
        if not spec.table_sha256 or have["table_sha256"] != spec.table_sha256:
            reasons.append("input changed")
        else:
            results = have["results"]
            for step, h in spec.step_hashes.items():
                got = results.get(step)
                if got is None:
                    reasons.append(f"{step} missing")
                elif got["input_sha256"] != spec.table_sha256:
                    reasons.append(f"{step} input changed")
                elif got["options_hash"] != h:
                    reasons.append(f"{step} options changed")
                elif got["gvc_version"] != spec.gvc_version:
                    reasons.append("version changed")
        reasons = list(dict.fromkeys(reasons))
        if not reasons and not complete:
            reasons.append("partitions missing")
        if not reasons:
            out.append(Decision(spec, "skip", ("up to date",)))
        elif complete and reasons != ["partitions missing"]:
            out.append(Decision(spec, "load", ("partitions ready", *reasons)))
        else:
            out.append(Decision(spec, "run", tuple(reasons)))
    return out
