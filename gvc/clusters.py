"""User-defined clusters: named sets of country-sector nodes, from a file or from SQL.

A cluster (e.g. the sectors of a regional cluster programme) is a name and a list of
``(country, sector)`` members. Three ways to define one:

* a CSV file with header ``cluster,country,sector``, one member a row;
* a TOML file with one table per cluster under ``clusters``; members are listed explicitly
  and/or as the cross product of ``countries`` and ``sectors``::

      [clusters.auto_de]
      members = [["DEU", "c15"], ["DEU", "c16"]]

      [clusters.textiles_south]
      countries = ["ITA", "ESP", "PRT"]
      sectors = ["c4", "c5"]

* SQL: ``INSERT INTO clusters VALUES ('wiod2013', 'auto_de', 'DEU', 'c15')``; the store's
  ``clusters(dataset, cluster, country, sector)`` table is what the views
  (``cluster_embeddedness``, ``cluster_members``) and ``gvc flags`` read.

:func:`store_clusters` writes a file's clusters into that table (replacing clusters of the same
name) after checking every member is a node of the dataset.
"""

from __future__ import annotations

import csv
import logging
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from gvc.errors import InputError

log = logging.getLogger(__name__)

Clusters = dict[str, list[tuple[str, str]]]


def load_clusters(path: str | os.PathLike) -> Clusters:
    """Read clusters from a CSV (``cluster,country,sector``) or TOML file (see module doc).

    Returns
    -------
    ``{cluster: [(country, sector), ...]}``, members in file order, duplicates dropped.

    Raises
    ------
    InputError
        missing file, unknown extension, missing columns, empty names, an empty cluster.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "c.toml"
    ...     _ = p.write_text('[clusters.k]\\ncountries = ["A", "B"]\\nsectors = ["s"]\\n')
    ...     load_clusters(p)
    {'k': [('A', 's'), ('B', 's')]}
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such cluster file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        out = _from_csv(p)
    elif suffix == ".toml":
        out = _from_toml(p)
    else:
        raise InputError(f"{p}: cluster file must be .csv (cluster,country,sector) or .toml")
    if not out:
        raise InputError(f"{p}: defines no cluster")
    return out


def _from_csv(p: Path) -> Clusters:
    out: Clusters = {}
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            need = {"cluster", "country", "sector"}
            if reader.fieldnames is None or not need <= {f.strip() for f in reader.fieldnames}:
                raise InputError(
                    f"{p}: cluster CSV needs the header cluster,country,sector, "
                    f"got {reader.fieldnames}"
                )
            for k, row in enumerate(reader, start=2):
                row = {(key or "").strip(): (v or "").strip() for key, v in row.items()}
                if not all(row.get(c) for c in need):
                    raise InputError(f"{p}:{k}: empty cluster, country or sector")
                _add(out, row["cluster"], [(row["country"], row["sector"])])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{p}: cannot read cluster CSV: {exc}") from exc
    return out


def _from_toml(p: Path) -> Clusters:
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{p}: cannot read cluster TOML: {exc}") from exc
    spec = doc.get("clusters")
    if not isinstance(spec, dict):
        raise InputError(f"{p}: cluster TOML needs [clusters.<name>] tables")
    out: Clusters = {}
    for name, body in spec.items():
        if not isinstance(body, dict) or not set(body) <= {"members", "countries", "sectors"}:
            raise InputError(f"{p}: cluster {name!r} takes keys members, countries, sectors only")
        members: list[tuple[str, str]] = []
        for m in body.get("members", []):
            if not (isinstance(m, list) and len(m) == 2 and all(isinstance(v, str) for v in m)):
                raise InputError(f"{p}: cluster {name!r}: member {m!r} is not [country, sector]")
            members.append((m[0], m[1]))
        cs, ss = body.get("countries"), body.get("sectors")
        if (cs is None) != (ss is None):
            raise InputError(f"{p}: cluster {name!r}: give both countries and sectors")
        if cs is not None and ss is not None:
            members += [(c, s) for c in cs for s in ss]
        if not members:
            raise InputError(f"{p}: cluster {name!r} has no members")
        _add(out, str(name), members)
    return out


def _add(out: Clusters, name: str, members: Iterable[tuple[str, str]]) -> None:
    cur = out.setdefault(name, [])
    for m in members:
        if m not in cur:
            cur.append(m)


def store_clusters(
    con: duckdb.DuckDBPyConnection, dataset: str, clusters: Mapping[str, Iterable[tuple[str, str]]]
) -> int:
    """Write ``clusters`` into the ``clusters`` table of ``dataset``, replacing clusters of the
    same name (others stay), in one transaction; returns the number of member rows written.

    Raises
    ------
    InputError
        a member that is not a node of ``dataset`` (the table is unchanged).
    """
    from gvc.store import run_sql, transaction

    nodes = {
        (c, s)
        for c, s in run_sql(
            con, "SELECT country, sector FROM nodes WHERE dataset = ?", [dataset]
        ).fetchall()
    }
    rows: dict[str, list[str]] = {"cluster": [], "country": [], "sector": []}
    for name, members in clusters.items():
        members = list(members)
        if not members:
            raise InputError(f"cluster {name!r} has no members")
        for country, sector in members:
            if (country, sector) not in nodes:
                raise InputError(
                    f"cluster {name!r}: {country}/{sector} is not a node of dataset {dataset!r}"
                )
            rows["cluster"].append(name)
            rows["country"].append(country)
            rows["sector"].append(sector)
    data = pa.table(rows)
    with transaction(con):
        run_sql(
            con,
            "DELETE FROM clusters WHERE dataset = ? AND list_contains(?, cluster)",
            [dataset, list(clusters)],
            obj="clusters",
        )
        con.register("_gvc_clusters", data)
        try:
            run_sql(
                con,
                "INSERT INTO clusters SELECT DISTINCT ?::VARCHAR, cluster, country, sector "
                "FROM _gvc_clusters",
                [dataset],
                obj="clusters",
            )
        finally:
            con.unregister("_gvc_clusters")
    log.info("%s: stored %d clusters (%d members)", dataset, len(clusters), data.num_rows)
    return data.num_rows


def read_clusters(con: duckdb.DuckDBPyConnection, dataset: str) -> Clusters:
    """The clusters of ``dataset`` in the store, ``{cluster: [(country, sector), ...]}``.

    Raises
    ------
    InputError
        a member inserted by SQL that is not a node of the dataset.
    """
    from gvc.store import run_sql

    rows = run_sql(
        con,
        "SELECT c.cluster, c.country, c.sector, n.node FROM clusters c LEFT JOIN nodes n "
        "ON n.dataset = c.dataset AND n.country = c.country AND n.sector = c.sector "
        "WHERE c.dataset = ? ORDER BY c.cluster, n.node",
        [dataset],
        obj="clusters",
    ).fetchall()
    out: Clusters = {}
    for name, country, sector, node in rows:
        if node is None:
            raise InputError(
                f"clusters table: cluster {name!r} member {country}/{sector} is not a node of "
                f"dataset {dataset!r}"
            )
        _add(out, name, [(country, sector)])
    return out
