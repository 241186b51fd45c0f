"""Where the packaged SQL and datasets live (installed wheel or source checkout)."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    packaged = _PKG / f"_{name}"
    if packaged.is_dir():
        return packaged
    source = _PKG.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(
        f"gvc: cannot find the {name}/ directory (looked in {packaged}, {source})"
    )


def queries_dir() -> Path:
    """Directory of the SQL views, macros and audits."""
    return _find("queries")


def datasets_dir() -> Path:
    """Directory of the embedded default datasets."""
    return _find("datasets")
