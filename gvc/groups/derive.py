"""``gvc aggregate``: a new dataset from a stored one and country and/or sector concordances.

Each year of the parent dataset becomes a year of the new one (:func:`aggregate`), loaded
like an ingested table (dimensions, inputs, ``tables`` row, in one transaction per call).
Provenance in ``tables``: ``format = 'aggregate'``, ``source`` names the parent dataset,
year and table identity and each concordance with its sha256; the harmonisation record
holds one ``aggregate`` step listing the groups. The new table's identity
(``tables.table_sha256``) is made from the parent's identity and the concordances' hashes, so
it changes when the parent's input or a concordance changes: aggregating again then replaces
the year (and the ledger drops every result computed from the old one); with nothing changed
the year is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from gvc.catalog import open_store
from gvc.errors import InputError, SchemaError
from gvc.groups.concordance import Concordance, load
from gvc.store import fetch_one, run_sql, transaction


@dataclass(frozen=True)
class AggregateResult:
    """What :func:`aggregate` did with one year."""

    dataset: str
    year: int
    status: str  # loaded | replaced | skipped
    parent: str
    countries: int
    sectors: int
    warnings: tuple[str, ...] = ()


def _prepare_concordance(
    spec: str | os.PathLike | Concordance | None, dimension: str, codes: list[str], where: str
) -> tuple[Concordance | None, list[str]]:
    if spec is None:
        return None, []
    conc = load(spec, dimension)
    missing = sorted(set(conc.mapping) - set(codes))
    warnings = []
    if missing:
        conc = conc.restricted(codes)
        warnings.append(
            f"concordance {conc.name!r}: {len(missing)} {dimension} codes not in {where} "
            f"skipped ({', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''})"
        )
    if not conc.mapping:
        raise InputError(f"concordance {conc.name!r}: none of its codes is in {where}")
    return conc, warnings


def aggregate(
    dataset: str,
    *,
    countries: str | os.PathLike | Concordance | None = None,
    sectors: str | os.PathLike | Concordance | None = None,
    new_dataset: str | None = None,
    years: Iterable[int] | None = None,
    replace: bool = False,
    db: str | os.PathLike | None = None,
) -> list[AggregateResult]:
    """Aggregate every (or the given) year of ``dataset`` into ``new_dataset``.

    Parameters
    ----------
    dataset : the stored parent dataset.
    countries, sectors : concordances (shipped name such as ``eu27_2020_wiod2013``, a
        ``.toml``/``.csv`` path, or a :class:`Concordance`); at least one. Codes of a
        concordance that the parent lacks are skipped (and reported as a warning).
    new_dataset : name of the new dataset; default ``<dataset>_<concordance names>``.
    years : only these years.
    replace : overwrite a year of ``new_dataset`` that was not made by ``gvc aggregate``
        (an aggregate's own years are replaced whenever their identity changes).

    Returns
    -------
    one :class:`AggregateResult` per year.

    Raises
    ------
    InputError
        no concordance, a bad concordance, a parent year missing, a target that is an
        ingested dataset (without ``replace``).
    SchemaError
        the parent dataset is not in the store.

    Examples
    --------
    >>> gvc.aggregate("wiod2013", countries="eu27_2020_wiod2013")  # doctest: +SKIP
    """
    from gvc.catalog.tables import stored_identity, table_identity
    from gvc.groups.aggregate import aggregate_table
    from gvc.indicators.inputs import read_iotable
    from gvc.ingestion.load import load_table

    if countries is None and sectors is None:
        raise InputError("aggregate needs a country and/or a sector concordance")
    out: list[AggregateResult] = []
    with open_store(db) as con:
        have = [
            int(r[0])
            for r in run_sql(
                con, "SELECT year FROM tables WHERE dataset = ? ORDER BY 1", [dataset]
            ).fetchall()
        ]
        if not have:
            raise SchemaError(f"dataset {dataset!r} is not in the store; run 'gvc ingest' first")
        todo = have if years is None else [int(y) for y in years]
        missing = sorted(set(todo) - set(have))
        if missing:
            raise InputError(f"dataset {dataset!r} holds no table for {missing}")

        def labels(dim: str, col: str) -> list[str]:
            q = f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position"
            return [r[0] for r in run_sql(con, q, [dataset]).fetchall()]

        cconc, w1 = _prepare_concordance(
            countries, "country", labels("countries", "country"), f"dataset {dataset!r}"
        )
        sconc, w2 = _prepare_concordance(
            sectors, "sector", labels("sectors", "sector"), f"dataset {dataset!r}"
        )
        used = [c for c in (cconc, sconc) if c is not None]
        name = new_dataset or "_".join([dataset] + [c.name for c in used])
        if name == dataset:
            raise InputError("the aggregated dataset needs another name than its parent")
        with transaction(con):
            for y in todo:
                parent = stored_identity(con, dataset, y)
                assert parent is not None
                spec = {
                    "parent_dataset": dataset,
                    "parent_table_sha256": parent,
                    "year": y,
                    "countries": None if cconc is None else cconc.sha256,
                    "sectors": None if sconc is None else sconc.sha256,
                }
                sha = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
                opts = {"aggregate": spec}
                ident = table_identity(sha, opts)
                old = stored_identity(con, name, y)
                if old == ident:
                    out.append(AggregateResult(name, y, "skipped", dataset, 0, 0))
                    continue
                if old is not None and not replace:
                    fmt = fetch_one(
                        con, "SELECT format FROM tables WHERE dataset = ? AND year = ?", [name, y]
                    )
                    if not fmt or fmt[0] != "aggregate":
                        raise InputError(
                            f"dataset {name!r} year {y} holds an ingested table, not an "
                            "aggregate; choose another name or pass replace"
                        )
                t = read_iotable(con, dataset, y)
                agg = aggregate_table(
                    t,
                    None if cconc is None else cconc.apply(t.countries),
                    None if sconc is None else sconc.apply(t.sectors),
                )
                row = fetch_one(
                    con,
                    "SELECT unit, value_added_definition FROM tables "
                    "WHERE dataset = ? AND year = ?",
                    [dataset, y],
                )
                assert row is not None
                detail = "; ".join(
                    f"{c.dimension} concordance {c.name} (sha256 {c.sha256[:12]}): "
                    + ", ".join(f"{g} = {'+'.join(m)}" for g, m in c.groups.items())
                    for c in used
                )
                warnings = w1 + w2
                prov = {
                    "source": f"aggregate of {dataset} {y} (table {parent[:12]}) by "
                    + ", ".join(
                        f"{c.name} ({c.path or 'in memory'}, sha256 {c.sha256[:12]})" for c in used
                    ),
                    "format": "aggregate",
                    "edition": None,
                    "file_sha256": sha,
                    "table_sha256": ident,
                    "options": opts,
                    "unit": row[0],
                    "value_added_definition": f"sum over merged nodes of {dataset}'s: {row[1]}",
                    "output_definition": f"sum over merged nodes of {dataset}'s output",
                    "harmonisation": [{"step": "aggregate", "detail": detail, "cells_changed": 0}],
                    "warnings": warnings,
                }
                status = load_table(con, agg, dataset=name, year=y, provenance=prov, replace=True)
                out.append(AggregateResult(name, y, status, dataset, agg.G, agg.N, tuple(warnings)))
    return out
