"""From a file to a validated, harmonised table and its provenance record, without a store.

Shared by ``gvc ingest`` (which then loads into DuckDB) and the pipeline workers (which write
Parquet partitions and never open the store).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from gvc.catalog.tables import table_identity
from gvc.ingestion.harmonise import HarmoniseOptions, harmonise, rebalance_rows
from gvc.ingestion.validate import validate
from gvc.readers.raw import RawTable
from gvc.table import IOTable

_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class PreparedTable:
    """A harmonised, validated table ready to be stored, with its provenance."""

    table: IOTable
    dataset: str
    year: int
    provenance: dict


def source_sha256(path: str | Path, year: int | None = None, chunk: int = 1 << 20) -> str:
    """sha256 of the input of one year.

    A file hashes as itself. A directory hashes the files that belong to ``year``: those whose
    name holds that year plus those whose name holds no year (shared files such as
    ``output.parquet``), names included, so that touching one year's file changes that year's
    checksum only.
    """
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        files = []
        for f in sorted(q for q in p.rglob("*") if q.is_file()):
            years = {m.group(0) for m in _YEAR.finditer(f.name)}
            if not years or (year is not None and str(year) in years) or year is None:
                files.append(f)
    else:
        files = [p]
    for f in files:
        if p.is_dir():
            h.update(str(f.relative_to(p)).encode())
        with open(f, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    return h.hexdigest()


def identity_options(options: HarmoniseOptions | None) -> dict:
    """What besides the file makes the stored table: every harmonisation option (defaults
    included), for :func:`gvc.catalog.tables.table_identity`."""
    import dataclasses

    return {"harmonise": dataclasses.asdict(options or HarmoniseOptions())}


def default_dataset_name(path: str | Path, fmt: str, edition: str | None) -> str:
    """Dataset name from the input: ``icio<edition>``, ``wiod2016``, ``adb<economies>``,
    ``figaro<edition>``, ``eora26``, ``exiobase3_<ixi|pxp>``, ``gloria<release>``, or the
    file/dir name for the long layout."""
    p = Path(path)
    if fmt == "oecd-icio":
        return f"icio{edition}" if edition else "icio"
    if fmt == "wiod2016":
        return "wiod2016"
    digits = re.findall(r"\d+", edition or "")
    if fmt == "adb-mrio":
        return f"adb{digits[0]}" if digits else "adb"
    if fmt in ("figaro", "gloria"):
        return fmt + (digits[0] if digits else "")
    if fmt == "eora26":
        return "eora26" + (f"_{edition}" if edition else "")
    if fmt == "exiobase3":
        system = (edition or "").split()[-1:] or ["ixi"]
        return f"exiobase3_{system[0]}"
    stem = p.name if p.is_dir() else p.stem
    stem = re.sub(r"[_\-]?(19|20)\d\d$", "", stem) or stem
    return stem.lower()


def prepare(
    raw: RawTable,
    path: str | Path,
    *,
    dataset: str | None = None,
    options: HarmoniseOptions | None = None,
    file_sha256: str | None = None,
) -> tuple[PreparedTable, list[str]]:
    """Harmonise, validate and (by default) rebalance one year; returns it and the warnings.

    ``file_sha256`` is the input's sha256 when there is no file to hash (a pymrio system:
    :func:`gvc.bridges.pymrio.iosystem_sha256`); default :func:`source_sha256` of the file.

    Raises
    ------
    InputError
        whatever :func:`harmonise` or :func:`validate` reject (one line, naming the place).
    """
    opt = options or HarmoniseOptions()
    table, steps = harmonise(raw, opt)
    warnings = validate(table, str(raw.source))
    table, step = rebalance_rows(table, opt)
    steps = steps + [step]
    va_step = next(s for s in steps if s["step"] == "value_added")
    out_step = next(s for s in steps if s["step"] == "output")
    file_sha = file_sha256 or source_sha256(
        raw.source if Path(raw.source).exists() else path, raw.year
    )
    opts = identity_options(opt)
    provenance = {
        "source": str(raw.source),
        "format": raw.format,
        "edition": raw.edition,
        "file_sha256": file_sha,
        "table_sha256": table_identity(file_sha, opts),
        "options": opts,
        "unit": table.meta["unit"],
        "unit_as_published": table.meta["unit_as_published"],
        "unit_factor": table.meta["unit_factor"],
        "value_added_definition": va_step["detail"],
        "output_definition": out_step["detail"]
        + (f"; then {step['detail']}" if step["cells_changed"] else ""),
        "harmonisation": steps + [{"step": "reader_note", "detail": n} for n in raw.notes],
        "warnings": warnings,
    }
    name = dataset or default_dataset_name(path, raw.format, raw.edition)
    return PreparedTable(table, name, int(raw.year), provenance), warnings
