"""The chain functions that take a store path (``db``): define, run and list chains.

What ``gvc chain define|run|list`` call; each opens the store and calls one function of
:mod:`gvc.chains.store`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from gvc.catalog import open_store
from gvc.chains.definitions import ChainSpec
from gvc.chains.store import compute_chain, define_chain, list_chains

Progress = Callable[[str, int, int], None]
Db = str | os.PathLike | None


def define(
    name: str,
    *,
    dataset: str,
    producers_countries: Sequence[str] | None = None,
    producers_sectors: Sequence[str] | None = None,
    destinations: Sequence[str] | None = None,
    km_source: str = "natural_earth",
    cepii_file: str | os.PathLike | None = None,
    cepii_measure: str | None = None,
    km_fallback: str | None = None,
    paths: int = 20,
    db: Db = None,
) -> ChainSpec:
    """Define (or redefine) a chain; ``None`` lists mean all.

    See :func:`~gvc.chains.store.define_chain` (raises ``SchemaError`` for an unknown dataset,
    ``InputError`` for an unknown code or a CEPII file that lacks a pair of the dataset's
    countries).

    ``km_source='cepii'`` with ``cepii_file`` (the user's GeoDist ``dist_cepii`` as CSV or
    Parquet) and ``cepii_measure`` (``dist`` default, ``distcap``, ``distw``, ``distwces``)
    takes the chain's km from that file; ``km_fallback='natural_earth'`` fills pairs it lacks
    with great-circle km."""
    with open_store(db) as con:
        return define_chain(
            con,
            dataset,
            name,
            producers_countries=producers_countries,
            producers_sectors=producers_sectors,
            destinations=destinations,
            km_source=km_source,
            cepii_file=cepii_file,
            cepii_measure=cepii_measure,
            km_fallback=km_fallback,
            paths=paths,
        )


def run(
    name: str,
    *,
    dataset: str,
    years: Sequence[int] | None = None,
    force: bool = False,
    db: Db = None,
    progress: Progress | None = None,
) -> list[tuple[int, dict[str, int]]]:
    """Compute a defined chain for the stored years (or ``years``) and write its tables;
    years whose result is up to date are skipped unless ``force``."""
    with open_store(db) as con:
        return compute_chain(con, dataset, name, years, force=force, progress=progress)


def chain_names(dataset: str, *, db: Db = None) -> list[str]:
    """Names of the chains defined for ``dataset`` (empty when none)."""
    with open_store(db, read_only=True) as con:
        return list_chains(con, dataset)
