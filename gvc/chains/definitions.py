"""What a chain is: its definition (:class:`ChainSpec`), the checks of a definition, and the
geography its ``km_source`` asks for.

A **chain** is the final demand for the products of a set of producing nodes (countries and/or
sectors, either may be "all"), absorbed in a set of destination countries (or all). Stored in
``chains(dataset, chain, producers_countries, producers_sectors, destinations, km_source,
created_at, km_file, km_file_sha256, km_fallback)`` by :func:`gvc.chains.store.define_chain`;
NULL lists mean "all". Nothing here touches the store.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gvc.chains.cepii import CEPII_MEASURES, KM_FALLBACKS, cepii_distances
from gvc.chains.geography import CountryGeo, country_geography
from gvc.errors import InputError
from gvc.ingestion.prepare import source_sha256

KM_SOURCES = ("natural_earth", "none", "cepii")


@dataclass(frozen=True)
class ChainSpec:
    """A chain definition; ``None`` for a list means "all"."""

    dataset: str
    name: str
    producers_countries: tuple[str, ...] | None = None
    producers_sectors: tuple[str, ...] | None = None
    destinations: tuple[str, ...] | None = None
    km_source: str = "natural_earth"  # natural_earth, none or cepii:<measure>
    km_file: str | None = None  # CEPII file (absolute path) for cepii:<measure>
    km_file_sha256: str | None = None  # its sha256 when the chain was defined
    km_fallback: str | None = None  # natural_earth: great-circle km for pairs the file lacks
    paths: int = 20  # structural paths kept per year

    def options(self) -> dict[str, Any]:
        """What the chain's results depend on besides the table (the ledger's options): the
        lists, the distance source with the CEPII file's sha256 (not its path) and ``paths``."""
        return {
            "producers_countries": _lst(self.producers_countries),
            "producers_sectors": _lst(self.producers_sectors),
            "destinations": _lst(self.destinations),
            "km_source": self.km_source,
            "km_file_sha256": self.km_file_sha256,
            "km_fallback": self.km_fallback,
            "paths": int(self.paths),
        }

    def describe(self) -> str:
        """One line: ``c14 of all countries, absorbed in USA``."""

        def lst(x: tuple[str, ...] | None, what: str) -> str:
            return f"all {what}" if x is None else ", ".join(x)

        return (
            f"products of {lst(self.producers_sectors, 'sectors')} made in "
            f"{lst(self.producers_countries, 'countries')}, absorbed in "
            f"{lst(self.destinations, 'countries')}"
        )


def _lst(x: tuple[str, ...] | None) -> list[str] | None:
    return None if x is None else list(x)


def check_codes(
    given: Sequence[str] | None, known: tuple[str, ...], what: str, dataset: str
) -> tuple[str, ...] | None:
    """The codes ``given`` for one list of a definition, deduplicated in order; ``None`` (all)
    stays ``None``.

    Raises
    ------
    InputError
        an empty list, or a code not in ``known`` (the dataset's codes; the message names
        ``what`` and ``dataset``).
    """
    if given is None:
        return None
    given = tuple(dict.fromkeys(str(g) for g in given))
    if not given:
        raise InputError(f"chain definition: empty {what} list (omit it to mean all)")
    unknown = [g for g in given if g not in known]
    if unknown:
        head = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        raise InputError(f"unknown {what} {unknown[0]!r} in dataset {dataset!r} (known: {head})")
    return given


def check_km_options(
    km_source: str,
    cepii_file: str | os.PathLike | None,
    cepii_measure: str | None,
    km_fallback: str | None,
) -> tuple[str, str | None, str | None]:
    """Check the distance options; ``(km_source as stored, absolute file, its sha256)``.

    ``km_source`` is ``natural_earth``, ``none``, ``cepii`` or ``cepii:<measure>``; the CEPII
    options (file, measure, fallback) are only allowed with ``cepii``, and the measure is
    stored in ``km_source`` (``cepii:dist`` by default).

    Raises
    ------
    InputError
        an unknown source, measure or fallback, a CEPII option without ``cepii``, a measure
        given twice differently, or a missing CEPII file.
    """
    source, _, measure = str(km_source).partition(":")
    if source not in KM_SOURCES or (measure and source != "cepii"):
        raise InputError(
            f"unknown km_source {km_source!r}; known: {', '.join(KM_SOURCES)} "
            f"(cepii also as cepii:<measure>)"
        )
    if source != "cepii":
        if cepii_file is not None or cepii_measure is not None or km_fallback is not None:
            raise InputError(
                f"cepii_file, cepii_measure and km_fallback need km_source 'cepii', "
                f"not {km_source!r}"
            )
        return source, None, None
    if measure and cepii_measure and measure != cepii_measure:
        raise InputError(f"km_source {km_source!r} and cepii_measure {cepii_measure!r} differ")
    measure = measure or cepii_measure or "dist"
    if measure not in CEPII_MEASURES:
        raise InputError(f"unknown CEPII measure {measure!r}; known: {', '.join(CEPII_MEASURES)}")
    if km_fallback is not None and km_fallback not in KM_FALLBACKS:
        raise InputError(f"unknown km_fallback {km_fallback!r}; known: {', '.join(KM_FALLBACKS)}")
    if cepii_file is None:
        raise InputError("km_source 'cepii' needs the CEPII distance file (cepii_file)")
    path = Path(cepii_file).expanduser().resolve()
    if not path.is_file():
        raise InputError(f"{path}: CEPII distance file not found")
    return f"cepii:{measure}", str(path), source_sha256(path)


def chain_geography_of(spec: ChainSpec, countries: Sequence[str]) -> CountryGeo | None:
    """The geography a chain's ``km_source`` asks for; ``None`` for ``'none'``.

    ``natural_earth``: :func:`~gvc.chains.geography.country_geography`. ``cepii:<measure>``: the
    same continents and map points, with ``km`` from :func:`~gvc.chains.cepii.cepii_distances`
    on ``spec.km_file``.

    Raises
    ------
    InputError
        the CEPII file is gone or its sha256 differs from the one recorded when the chain was
        defined (redefine the chain), or what :func:`cepii_distances` raises.
    """
    if spec.km_source == "none":
        return None
    geo = country_geography(countries)
    if spec.km_source == "natural_earth":
        return geo
    source, _, measure = spec.km_source.partition(":")
    if source != "cepii" or spec.km_file is None:
        raise InputError(f"chain {spec.name!r}: unknown km_source {spec.km_source!r}")
    path = Path(spec.km_file)
    if not path.is_file():
        raise InputError(f"{path}: CEPII distance file of chain {spec.name!r} not found")
    if spec.km_file_sha256 and source_sha256(path) != spec.km_file_sha256:
        raise InputError(
            f"{path}: file changed since chain {spec.name!r} was defined (sha256 differs); "
            "define the chain again"
        )
    km = cepii_distances(countries, path, measure, fallback=spec.km_fallback)
    return dataclasses.replace(geo, km=km)
