"""Concordances: many-to-one maps of country or sector codes to groups, from CSV or TOML.

A concordance maps each listed code to one group; codes it does not list stay as they are
(so ``eu27_2020`` merges the 27 members and keeps every other country). Files:

* TOML::

      [concordance]
      dimension = "country"        # or "sector"
      description = "European Union, 27 members as of 1 February 2020"
      source = "Eurostat, Glossary: EU enlargements"

      [groups]
      EU27 = ["AUT", "BEL", ...]

* CSV with columns ``code,group`` (one row per code; optional ``dimension`` column with one
  value for the whole file).

Shipped concordances live in ``datasets/concordances/`` (README there gives the sources);
pass their name (``eu27_2020``) or a path. The concordance's identity is the sha256 of its
canonical mapping (:attr:`Concordance.sha256`): reformatting a file changes nothing, moving a
code to another group changes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gvc.errors import InputError

DIMENSIONS = ("country", "sector")


@dataclass(frozen=True)
class Concordance:
    """A checked many-to-one map ``code -> group`` of one dimension.

    Attributes
    ----------
    name : the file stem or given name.
    dimension : ``country`` or ``sector``.
    mapping : code -> group, every code at most once.
    description, source : free text from the file (TOML) or empty.
    path : the file read, or None for an in-memory concordance.
    """

    name: str
    dimension: str
    mapping: Mapping[str, str]
    description: str = ""
    source: str = ""
    path: str | None = None

    @property
    def groups(self) -> dict[str, list[str]]:
        """group -> member codes, in file order."""
        out: dict[str, list[str]] = {}
        for code, g in self.mapping.items():
            out.setdefault(g, []).append(code)
        return out

    @property
    def sha256(self) -> str:
        """sha256 of the canonical (sorted) mapping and dimension."""
        text = json.dumps(
            {"dimension": self.dimension, "mapping": sorted(self.mapping.items())},
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def apply(self, codes: Sequence[str], where: str = "") -> list[str]:
        """The group of every code (a code not listed stays itself).

        Raises
        ------
        InputError
            the concordance names codes the table does not have.
        """
        have = set(codes)
        unknown = sorted(set(self.mapping) - have)
        if unknown:
            raise InputError(
                f"concordance {self.name!r}: {self.dimension} codes {unknown[:8]} are not in "
                f"{where or 'the table'}"
            )
        return [self.mapping.get(c, c) for c in codes]

    def restricted(self, codes: Sequence[str]) -> Concordance:
        """The same concordance without the codes ``codes`` lacks (for a shared regional
        list applied to a table that covers fewer countries)."""
        have = set(codes)
        return Concordance(
            self.name,
            self.dimension,
            {c: g for c, g in self.mapping.items() if c in have},
            self.description,
            self.source,
            self.path,
        )


def concordances_dir() -> Path:
    """The shipped concordances (``datasets/concordances``)."""
    from gvc.paths import datasets_dir

    return datasets_dir() / "concordances"


def shipped() -> list[str]:
    """Names of the shipped concordances."""
    d = concordances_dir()
    return sorted(p.stem for p in d.iterdir() if p.suffix in (".toml", ".csv"))


def from_mapping(
    name: str, dimension: str, groups: Mapping[str, Sequence[str]], description: str = ""
) -> Concordance:
    """A concordance from ``{group: [codes]}``.

    Raises
    ------
    InputError
        an unknown dimension, a code in two groups, an empty group.
    """
    if dimension not in DIMENSIONS:
        raise InputError(f"concordance {name!r}: dimension must be country or sector")
    mapping: dict[str, str] = {}
    for g, codes in groups.items():
        if isinstance(codes, str) or not isinstance(codes, Sequence) or not codes:
            raise InputError(f"concordance {name!r}: group {g!r} needs a non-empty list of codes")
        for c in codes:
            c = str(c)
            if c in mapping:
                raise InputError(
                    f"concordance {name!r}: code {c!r} is in groups {mapping[c]!r} and {g!r}"
                )
            mapping[c] = str(g)
    return Concordance(name, dimension, mapping, description)


def load(spec: str | os.PathLike | Concordance, dimension: str | None = None) -> Concordance:
    """Read a concordance: a shipped name (``eu27_2020``), a ``.toml`` or ``.csv`` path.

    ``dimension`` checks (or, for a CSV without a ``dimension`` column, sets) the dimension.

    Raises
    ------
    InputError
        a missing or unreadable file, a bad layout, a code listed twice, a dimension other
        than the one asked for. The message names the file and the place.
    """
    if isinstance(spec, Concordance):
        conc = spec
    else:
        p = Path(spec)
        if not p.exists() and p.suffix == "" and not p.is_absolute():
            for suffix in (".toml", ".csv"):
                cand = concordances_dir() / f"{p.name}{suffix}"
                if cand.exists():
                    p = cand
                    break
        if not p.exists():
            raise InputError(f"{spec}: no such concordance file (shipped: {', '.join(shipped())})")
        conc = _read_toml(p) if p.suffix == ".toml" else _read_csv(p, dimension)
    if dimension is not None and conc.dimension != dimension:
        raise InputError(
            f"concordance {conc.name!r} maps {conc.dimension} codes, not {dimension} codes"
        )
    return conc


def _read_toml(p: Path) -> Concordance:
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{p}: cannot read the concordance: {exc}") from exc
    head = doc.get("concordance", {})
    groups = doc.get("groups")
    if not isinstance(head, dict) or not isinstance(groups, dict) or not groups:
        raise InputError(f"{p}: needs a [concordance] table and a non-empty [groups] table")
    extra = sorted(set(head) - {"dimension", "description", "source", "name"})
    if extra:
        raise InputError(f"{p}: [concordance] has unknown keys {extra}")
    conc = from_mapping(
        str(head.get("name", p.stem)),
        str(head.get("dimension", "")),
        groups,
        str(head.get("description", "")),
    )
    return Concordance(
        conc.name,
        conc.dimension,
        conc.mapping,
        conc.description,
        str(head.get("source", "")),
        str(p.resolve()),
    )


def _read_csv(p: Path, dimension: str | None) -> Concordance:
    import csv

    try:
        with open(p, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"{p}: cannot read the concordance: {exc.strerror}") from exc
    if not rows or not {"code", "group"} <= set(rows[0]):
        raise InputError(f"{p}: needs the columns code,group (one row per code)")
    dims = {r.get("dimension") or dimension for r in rows}
    if len(dims) != 1 or None in dims:
        raise InputError(f"{p}: give one dimension (a dimension column or the argument)")
    groups: dict[str, list[str]] = {}
    for k, r in enumerate(rows, start=2):
        code, g = (r.get("code") or "").strip(), (r.get("group") or "").strip()
        if not code or not g:
            raise InputError(f"{p}: line {k}: empty code or group")
        groups.setdefault(g, []).append(code)
    conc = from_mapping(p.stem, str(dims.pop()), groups)
    return Concordance(conc.name, conc.dimension, conc.mapping, "", "", str(p.resolve()))
