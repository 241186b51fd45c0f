"""Every store read and write of the groupings, and the functions ``gvc group`` calls.

The ``groupings`` table (DDL and column meanings in ``queries/group_schema.sql``) holds one
row per (dataset, grouping, economy, member country). A grouping's results are the ledger
results ``group:<name>`` (:mod:`gvc.groups.steps`), written by :func:`gvc.indicators.run.run`
like every step's; redefining a grouping deletes its old results in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence

import duckdb
import pandas as pd

from gvc.catalog import ledger, open_store
from gvc.errors import InputError, SchemaError
from gvc.store import run_sql, transaction


def _countries(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    rows = run_sql(
        con, "SELECT country FROM countries WHERE dataset = ? ORDER BY position", [dataset]
    ).fetchall()
    if not rows:
        raise SchemaError(f"dataset {dataset!r} is not in the store; run 'gvc ingest' first")
    return [r[0] for r in rows]


def define_grouping(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    name: str,
    groups: Mapping[str, Sequence[str]],
) -> dict[str, list[str]]:
    """Store (or replace) grouping ``name``: ``{economy: member countries}``.

    Members absent from the dataset are dropped when the economy keeps at least one (a
    regional list shared by several tables); an economy with none left is an error.

    Raises
    ------
    InputError
        an empty name, no groups, an economy with no member in the dataset, a country in two
        economies, an economy named like a country outside it.
    SchemaError
        the dataset is not in the store.
    """
    from gvc.groups.steps import canonical
    from gvc.kernels.partition import Partition

    if not name or not name.strip() or ":" in name:
        raise InputError(f"grouping name {name!r}: give a non-empty name without ':'")
    countries = _countries(con, dataset)
    have = set(countries)
    kept: dict[str, list[str]] = {}
    for g, members in groups.items():
        inside = [m for m in members if m in have]
        if not inside:
            raise InputError(
                f"grouping {name!r}: economy {g!r} has no member among the countries of "
                f"{dataset!r} ({', '.join(list(members)[:6])} ...)"
            )
        kept[g] = inside
    if not kept:
        raise InputError(f"grouping {name!r}: no groups given")
    Partition.from_groups(countries, kept, 1)  # checks overlaps and names
    defn = canonical(kept)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(con):
        ledger.remove_results(con, dataset, f"group:{name}", None)
        run_sql(
            con,
            "DELETE FROM groupings WHERE dataset = ? AND grouping = ?",
            [dataset, name],
            obj="groupings",
        )
        for g, members in defn.items():
            for m in members:
                run_sql(
                    con,
                    "INSERT INTO groupings VALUES (?, ?, ?, ?, ?)",
                    [dataset, name, g, m, now],
                    obj="groupings",
                )
    return defn


def get_grouping(con: duckdb.DuckDBPyConnection, dataset: str, name: str) -> dict[str, list[str]]:
    """``{economy: members}`` of a stored grouping.

    Raises
    ------
    SchemaError
        no such grouping for the dataset (the message lists the defined ones).
    """
    rows = run_sql(
        con,
        "SELECT economy, country FROM groupings WHERE dataset = ? AND grouping = ? "
        "ORDER BY economy, country",
        [dataset, name],
        obj="groupings",
    ).fetchall()
    if not rows:
        have = ", ".join(list_groupings(con, dataset)) or "none"
        raise SchemaError(
            f"grouping {name!r} is not defined for dataset {dataset!r} (defined: {have}); "
            "run 'gvc group define'"
        )
    out: dict[str, list[str]] = {}
    for g, c in rows:
        out.setdefault(g, []).append(c)
    return out


def list_groupings(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    """Names of the groupings defined for ``dataset``."""
    rows = run_sql(
        con,
        "SELECT DISTINCT grouping FROM groupings WHERE dataset = ? ORDER BY 1",
        [dataset],
        obj="groupings",
    ).fetchall()
    return [r[0] for r in rows]


# --- the functions on a store path that the CLI and notebooks call ---------------------------


def define(
    name: str,
    *,
    dataset: str,
    concordance: str | os.PathLike | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    db: str | os.PathLike | None = None,
) -> dict[str, list[str]]:
    """Define grouping ``name`` from a country concordance (shipped name or file) or from
    ``groups``; returns the stored definition (members present in the dataset).

    Raises
    ------
    InputError
        neither or both of ``concordance`` and ``groups``, a sector concordance, a bad file.
    """
    from gvc.groups.concordance import load

    if (concordance is None) == (groups is None):
        raise InputError("give a country concordance or groups (one of them)")
    if concordance is not None:
        groups = load(concordance, "country").groups
    assert groups is not None
    with open_store(db) as con:
        return define_grouping(con, dataset, name, groups)


def run(
    name: str,
    *,
    dataset: str,
    years: Iterable[int] | None = None,
    force: bool = False,
    db: str | os.PathLike | None = None,
    progress=None,
) -> list[tuple[str, int, dict[str, int]]]:
    """Compute ``group:<name>`` for the dataset's years (fresh ones are skipped)."""
    from gvc.indicators import run as _run

    with open_store(db) as con:
        get_grouping(con, dataset, name)
        yrs = None if years is None else list(years)
        return _run.run(con, dataset, yrs, (f"group:{name}",), progress, force=force)


def groupings(dataset: str, *, db: str | os.PathLike | None = None) -> pd.DataFrame:
    """The groupings of a dataset: one row per economy with its members."""
    with open_store(db, read_only=True) as con:
        return run_sql(
            con,
            "SELECT grouping, economy, list(country ORDER BY country) AS members, "
            "count(*) AS n_members FROM groupings WHERE dataset = ? GROUP BY ALL ORDER BY 1, 2",
            [dataset],
            obj="groupings",
        ).df()


def report(
    name: str,
    *,
    dataset: str,
    years: Iterable[int] | None = None,
    db: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """KWW terms of the grouping's groups (the merged economies), one row per year and group.

    Raises
    ------
    SchemaError
        a year whose ``group:<name>`` result is missing or stale (run ``gvc group run``).
    """
    from gvc.groups.steps import group_step

    with open_store(db, read_only=True) as con:
        defn = get_grouping(con, dataset, name)
        step = group_step(name, defn)
        have = [
            r[0]
            for r in run_sql(
                con, "SELECT year FROM tables WHERE dataset = ? ORDER BY 1", [dataset]
            ).fetchall()
        ]
        yrs = have if years is None else [int(y) for y in years]
        ledger.require_fresh(
            con,
            dataset,
            yrs,
            step.name,
            step.options_hash,
            f"run 'gvc group run {name} --dataset {dataset}'",
        )
        df = run_sql(
            con,
            "SELECT year, exporter AS economy, term, value FROM group_kww WHERE dataset = ? "
            "AND grouping = ? AND exporter IN (SELECT unnest(?::VARCHAR[])) "
            "AND list_contains(?::SMALLINT[], year) ORDER BY year, exporter",
            [dataset, name, list(defn), yrs],
            obj="group_kww",
        ).df()
    if df.empty:
        return df
    from gvc.api import _term_order

    wide = df.pivot_table(index=["year", "economy"], columns="term", values="value")
    return wide.reindex(columns=[c for c in _term_order("kww") if c in wide]).reset_index()
