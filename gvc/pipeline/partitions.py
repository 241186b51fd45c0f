"""The Parquet partition tree a pipeline writes, and how it is written without half states.

Layout under the partition root::

    <root>/<table>/dataset=<d>/year=<y>/part-0.parquet     one per fact table and unit
    <root>/_unit/dataset=<d>/year=<y>/                      dims, provenance, manifest.json
    <root>/.tmp-*   <root>/.trash-*                          in-flight writes (never read)

``<table>`` is an input fact table (``intermediate``, ``final_demand``, ``node_values``) or a
result table of a step; its columns are those of ``facts.<table>`` less ``dataset`` and
``year``, which are the hive partition keys, so
``read_parquet('<root>/va_flows/*/*/*.parquet', hive_partitioning = true)`` gives the table.

Every partition directory is written into ``<root>/.tmp-<id>/``, its file and directory
fsynced, and then renamed into place (``rename(2)`` is atomic on one file system); an older
directory is first renamed to ``.trash-<id>`` and removed afterwards. A directory is thus
complete or absent. The unit's ``_unit`` directory (with ``manifest.json``) is removed first
and written last, so a unit is complete exactly when its manifest exists and lists its
fingerprint (input sha256, options hash, gvc version). Leftover ``.tmp-*`` / ``.trash-*``
directories of a killed run are removed by :func:`clean_temporaries` at the next start.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger(__name__)

UNIT_DIR = "_unit"
MANIFEST = "manifest.json"
PART = "part-0.parquet"
_TEMP_PREFIXES = (".tmp-", ".trash-")


def partition_dir(
    root: Path, table: str, dataset: str, year: int, scope: dict[str, Any] | None = None
) -> Path:
    """``<root>/<table>/dataset=<dataset>/year=<year>[/<key>=<value>...]``.

    A result that shares its table with others of its kind (a chain) adds its scope's key
    columns as further hive levels, e.g. ``chain_totals/dataset=d/year=2011/chain=ict/``.
    """
    d = Path(root) / table / f"dataset={dataset}" / f"year={int(year)}"
    for k, v in sorted((scope or {}).items()):
        d = d / f"{k}={v}"
    return d


def unit_dir(root: Path, dataset: str, year: int) -> Path:
    """The unit's dims / provenance / manifest directory."""
    return partition_dir(root, UNIT_DIR, dataset, year)


def table_dirs(root: Path) -> list[str]:
    """Names of the fact tables that have partitions under ``root``."""
    if not Path(root).is_dir():
        return []
    return sorted(
        p.name for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def read_manifest(root: Path, dataset: str, year: int) -> dict | None:
    """The unit's manifest, or None when the unit is incomplete or was never written."""
    f = unit_dir(root, dataset, year) / MANIFEST
    try:
        return json.loads(f.read_text())
    except (OSError, ValueError):
        return None


def manifest_matches(m: dict | None, fingerprint: dict[str, Any]) -> bool:
    """True when manifest ``m`` holds what ``fingerprint`` asks: the same table identity and
    gvc version, and every step of ``fingerprint["step_hashes"]`` with the same options hash
    (it may hold more steps: results of a step dropped from the pipeline stay valid)."""
    if m is None:
        return False
    if any(m.get(k) != fingerprint[k] for k in ("table_sha256", "gvc_version")):
        return False
    have = m.get("step_hashes", {})
    return all(have.get(s) == h for s, h in fingerprint["step_hashes"].items())


def unit_complete(root: Path, dataset: str, year: int, fingerprint: dict[str, Any]) -> bool:
    """True when the manifest matches ``fingerprint`` and every file it lists is on disk."""
    m = read_manifest(root, dataset, year)
    if m is None or not manifest_matches(m, fingerprint):
        return False
    if not all((partition_dir(root, t, dataset, year) / PART).is_file() for t in m["inputs"]):
        return False
    return all(
        (Path(root) / f["file"]).is_file()
        for s in fingerprint["step_hashes"]
        for f in m["steps"][s]["tables"].values()
    )


def clean_temporaries(root: Path) -> int:
    """Remove ``.tmp-*`` / ``.trash-*`` directories a killed run left; returns how many.

    Call it only while holding the pipeline lock: a running pipeline's temporaries look the
    same.
    """
    root = Path(root)
    if not root.is_dir():
        return 0
    gone = 0
    for p in root.iterdir():
        if p.name.startswith(_TEMP_PREFIXES):
            shutil.rmtree(p, ignore_errors=True)
            gone += 1
    if gone:
        log.info("%s: removed %d temporary directories of an interrupted run", root, gone)
    return gone


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _install(root: Path, tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``, first moving an existing ``target`` out of the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    trash = None
    if target.exists():
        trash = root / f".trash-{uuid.uuid4().hex}"
        os.rename(target, trash)
    os.rename(tmp, target)
    _fsync_dir(target.parent)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


def remove_dir(root: Path, target: Path) -> None:
    """Remove a partition directory atomically (rename away, then delete)."""
    if target.exists():
        trash = Path(root) / f".trash-{uuid.uuid4().hex}"
        os.rename(target, trash)
        shutil.rmtree(trash, ignore_errors=True)


def write_dir(root: Path, target: Path, fill: Callable[[Path], None]) -> None:
    """Build a directory with ``fill(tmpdir)`` inside ``root`` and install it at ``target``.

    Each file ``fill`` wrote is fsynced before the rename, so after a crash the directory is
    either the old one, absent, or the new one complete.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        fill(tmp)
        for f in tmp.iterdir():
            fd = os.open(f, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(tmp)
        _install(root, tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_table_partition(
    root: Path,
    table: str,
    dataset: str,
    year: int,
    data: pa.Table,
    scope: dict[str, Any] | None = None,
) -> Path:
    """Write one partition (``part-0.parquet``) atomically; returns the file's path.

    Scope columns are hive keys of the path, so they are dropped from the file's columns."""
    target = partition_dir(root, table, dataset, year, scope)
    drop = [c for c in (scope or {}) if c in data.column_names]
    if drop:
        data = data.drop_columns(drop)
    write_dir(root, target, lambda d: pq.write_table(data, d / PART, compression="zstd"))
    return target / PART


def remove_stale_partitions(
    root: Path, dataset: str, year: int, written: set[tuple[str, tuple[tuple[str, Any], ...]]]
) -> None:
    """Remove the unit's partitions that ``written`` (``(table, sorted scope items)``) lacks:
    tables of steps dropped from the pipeline, chains no longer defined."""
    for table in table_dirs(root):
        base = partition_dir(root, table, dataset, year)
        if not base.is_dir():
            continue
        if (table, ()) in written:
            continue
        if (base / PART).exists():
            remove_dir(root, base)
            continue
        for leaf in sorted(p.parent for p in base.rglob(PART)):
            scope = tuple(sorted(tuple(x.split("=", 1)) for x in leaf.relative_to(base).parts))
            if (table, scope) not in written:
                remove_dir(root, leaf)


def write_unit_dir(
    root: Path,
    dataset: str,
    year: int,
    dims: dict[str, pa.Table],
    provenance: dict[str, Any],
    manifest: dict[str, Any],
) -> None:
    """Write the unit's dims (one parquet file each), ``provenance.json`` and the manifest."""

    def fill(d: Path) -> None:
        for name, tab in dims.items():
            pq.write_table(tab, d / f"{name}.parquet")
        (d / "provenance.json").write_text(json.dumps(provenance, default=str))
        (d / MANIFEST).write_text(json.dumps(manifest, sort_keys=True))

    write_dir(root, unit_dir(root, dataset, year), fill)
