"""A grouping as a result family: ``group:<name>`` computes one grouping for one table.

A *grouping* (``groupings`` table, :mod:`gvc.groups.store`) merges countries into economies
(EU27, USMCA ...; every other country stays its own economy). Its results for one
``(dataset, year)`` are one ledger result ``group:<name>`` (kind ``group``, scope
``{"grouping": name}``) in the fact tables :data:`FACTS_DDL` (views ``group_kww``,
``group_wwz``, ``group_bm``, ``group_tiva``, ``group_participation`` in ``queries/``), with
the grouping's definition as its options: redefining it makes the old results stale,
replacing the table deletes them. The numbers are those of the ordinary ``kww``, ``wwz``,
``bm``, ``tiva`` and ``participation`` steps with "country" read as "economy" (trade between
members is domestic), for every economy of the grouping (kernels:
:mod:`gvc.kernels.grouped_decompositions`, :mod:`gvc.kernels.grouped_tiva`; they reuse the
table's one inverse ``B`` and its countries' local inverses).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from gvc.errors import SchemaError
from gvc.indicators.derived import Derived
from gvc.indicators.step import Step

FACTS_DDL = {
    "group_kww": """CREATE TABLE IF NOT EXISTS facts.group_kww (
    dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, grouping VARCHAR NOT NULL,
    exporter VARCHAR NOT NULL, term VARCHAR NOT NULL, value DOUBLE NOT NULL)""",
    "group_wwz": """CREATE TABLE IF NOT EXISTS facts.group_wwz (
    dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, grouping VARCHAR NOT NULL,
    export_node INTEGER NOT NULL, exporter VARCHAR NOT NULL, importer VARCHAR NOT NULL,
    term VARCHAR NOT NULL, value DOUBLE NOT NULL)""",
    "group_bm": """CREATE TABLE IF NOT EXISTS facts.group_bm (
    dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, grouping VARCHAR NOT NULL,
    export_node INTEGER NOT NULL, exporter VARCHAR NOT NULL, importer VARCHAR NOT NULL,
    approach VARCHAR NOT NULL, perspective VARCHAR NOT NULL, term VARCHAR NOT NULL,
    value DOUBLE NOT NULL)""",
    "group_tiva": """CREATE TABLE IF NOT EXISTS facts.group_tiva (
    dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, grouping VARCHAR NOT NULL,
    node INTEGER, economy VARCHAR NOT NULL, partner VARCHAR, sector_pos INTEGER,
    indicator VARCHAR NOT NULL, value DOUBLE)""",
    "group_participation": """CREATE TABLE IF NOT EXISTS facts.group_participation (
    dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, grouping VARCHAR NOT NULL,
    node INTEGER, economy VARCHAR NOT NULL, measure VARCHAR NOT NULL, value DOUBLE)""",
}
"""The grouped result tables (views of the same names in ``queries/``, with column comments)."""


def canonical(groups: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """``{economy: sorted members}`` sorted by name: the definition as hashed in the ledger.

    >>> canonical({"B": ["y", "x"], "A": ["z"]})
    {'A': ['z'], 'B': ['x', 'y']}
    """
    return {str(k): sorted(str(c) for c in groups[k]) for k in sorted(groups)}


def _long(
    terms: Mapping[str, np.ndarray],
    keys: Sequence[tuple[str, Any]],
    term_name: str,
    constants: Mapping[str, str] | None = None,
    keep_zeros: bool = False,
) -> pa.Table:
    """Stack equally shaped arrays into rows; ``keys`` gives per axis ``(column, labels)``:
    labels an array mapping the axis position to the column value."""
    cols: dict[str, list[np.ndarray]] = {name: [] for name, _ in keys}
    names, values = [], []
    for term, arr in terms.items():
        arr = np.asarray(arr, dtype=np.float64)
        mask = np.ones(arr.shape, bool) if keep_zeros else arr != 0
        idx = np.nonzero(mask)
        for (name, labels), ix in zip(keys, idx, strict=True):
            cols[name].append(np.asarray(labels)[ix])
        names.append(np.full(idx[0].size, term, dtype=object))
        values.append(arr[mask])
    out: dict[str, Any] = {k: np.concatenate(v) for k, v in cols.items()}
    total = sum(v.size for v in values)
    for k, v in (constants or {}).items():
        out[k] = pa.array([v] * total, pa.string())
    out[term_name] = pa.array(np.concatenate(names).astype(str) if total else [], pa.string())
    out["value"] = np.concatenate(values)
    return pa.table(out)


def compute_grouping(d: Derived, groups: Mapping[str, Sequence[str]]) -> dict[str, pa.Table]:
    """Every grouped family for one table: the rows of :data:`FACTS_DDL` (less dataset, year,
    grouping)."""
    from gvc.indicators.decomposition import BM_VARIANTS
    from gvc.kernels.grouped_decompositions import grouped_bm, grouped_kww, grouped_wwz
    from gvc.kernels.grouped_tiva import grouped_participation, grouped_tiva
    from gvc.kernels.partition import Partition, economies

    t = d.table
    part = Partition.from_groups(t.countries, groups, t.N)
    ec = economies(t.Z, d.Y, t.x, t.va, part, B=d.B, L=d.L, A=d.A)
    names = np.array(part.names, dtype=object)
    nodes = np.arange(t.n, dtype=np.int32)
    node_econ = names[part.unit]

    def node_importer(terms: Mapping[str, np.ndarray], **const: str) -> pa.Table:
        tab = _long(terms, [("export_node", nodes), ("importer", names)], "term", const)
        exporter = node_econ[tab.column("export_node").to_numpy()]
        return tab.add_column(1, "exporter", pa.array(exporter.astype(str), pa.string()))

    W = grouped_wwz(ec)
    out = {
        "group_kww": _long(grouped_kww(ec, W), [("exporter", names)], "term", keep_zeros=True),
        "group_wwz": node_importer(W),
    }
    out["group_bm"] = pa.concat_tables(
        [
            node_importer(grouped_bm(ec, approach=a, perspective=p), approach=a, perspective=p)
            for a, p in BM_VARIANTS
        ]
    )
    out["group_tiva"] = _tiva_rows(grouped_tiva(ec), part, names, node_econ)
    out["group_participation"] = _participation_rows(
        grouped_participation(ec), part, names, node_econ
    )
    return out


def _tiva_rows(res: dict, part: Any, names: np.ndarray, node_econ: np.ndarray) -> pa.Table:
    n, U, N = part.n, part.U, part.N
    nodes = np.arange(n, dtype=np.int32)
    parts = []
    by_shape: dict[tuple[int, ...], dict[str, np.ndarray]] = {}
    for k, v in res.items():
        by_shape.setdefault(np.shape(v), {})[k] = v
    if (n,) in by_shape:
        tab = _long(by_shape[(n,)], [("node", nodes)], "indicator", keep_zeros=True)
        econ = node_econ[tab.column("node").to_numpy()]
        parts.append(tab.append_column("economy", pa.array(econ.astype(str), pa.string())))
    if (n, U) in by_shape:
        tab = _long(by_shape[(n, U)], [("node", nodes), ("partner", names)], "indicator")
        econ = node_econ[tab.column("node").to_numpy()]
        parts.append(tab.append_column("economy", pa.array(econ.astype(str), pa.string())))
    if (U, N) in by_shape and (U, N) != (U, U):
        sec = np.arange(N, dtype=np.int32)
        parts.append(
            _long(by_shape[(U, N)], [("economy", names), ("sector_pos", sec)], "indicator")
        )
    if (U, U) in by_shape:
        parts.append(_long(by_shape[(U, U)], [("economy", names), ("partner", names)], "indicator"))
    return pa.concat_tables(parts, promote_options="permissive")


def _participation_rows(res: dict, part: Any, names: np.ndarray, node_econ: np.ndarray) -> pa.Table:
    node = {k: v for k, v in res.items() if not k.endswith("_economy")}
    econ = {k.removesuffix("_economy"): v for k, v in res.items() if k.endswith("_economy")}
    nodes = np.arange(part.n, dtype=np.int32)
    a = _long(node, [("node", nodes)], "measure", keep_zeros=True)
    a = a.append_column(
        "economy", pa.array(node_econ[a.column("node").to_numpy()].astype(str), pa.string())
    )
    b = _long(econ, [("economy", names)], "measure", keep_zeros=True)
    return pa.concat_tables([a, b], promote_options="permissive")


def group_step(
    name: str, groups: Mapping[str, Sequence[str]], *, present_only: bool = False
) -> Step:
    """The step ``group:<name>`` computing grouping ``groups`` (``{economy: members}``).

    ``present_only``: members the table lacks are dropped when it computes (a pipeline's
    ``[[group]]`` given for several tables), as :func:`gvc.groups.store.define_grouping` does
    when a grouping is defined in the store.
    """
    defn = canonical(groups)

    def compute(d: Derived) -> dict[str, pa.Table]:
        use = defn
        if present_only:
            have = set(d.table.countries)
            use = {g: [m for m in ms if m in have] for g, ms in defn.items()}
            empty = [g for g, ms in use.items() if not ms]
            if empty:
                raise SchemaError(
                    f"grouping {name!r}: economy {empty[0]!r} has no member among the "
                    f"countries of the table ({', '.join(defn[empty[0]][:6])} ...)"
                )
        return compute_grouping(d, use)

    return Step(
        f"group:{name}",
        compute,
        dict(FACTS_DDL),
        f"grouping {name}: " + "; ".join(f"{g} = {'+'.join(m)}" for g, m in defn.items()),
        options={"groups": defn, **({"present_only": True} if present_only else {})},
        scope={"grouping": name},
        kind="group",
    )


def group_steps(
    name: str,
    given: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    con: Any = None,
    dataset: str | None = None,
) -> list[Step]:
    """The steps a step name ``group:<name>`` or ``groups`` stands for.

    ``given`` holds definitions by name (a pipeline file's ``[[group]]`` entries:
    ``{"name", "dataset", "groups"}``); a grouping not given is read from the store's
    ``groupings`` table of ``dataset``. ``groups`` means every given grouping (for
    ``dataset``, when an entry names one) and, with a store, every stored one.

    Raises
    ------
    SchemaError
        a grouping neither given nor defined in the store (or no store to read it from).
    """
    from gvc.groups.store import get_grouping, list_groupings

    given = dict(given or {})

    def usable(defn: Mapping[str, Any]) -> bool:
        return dataset is None or defn.get("dataset") in (None, dataset)

    out = []
    if name == "groups":
        out = [group_step(g, d["groups"], present_only=True) for g, d in given.items() if usable(d)]
        if con is not None and dataset is not None:
            out += [
                group_step(g, get_grouping(con, dataset, g))
                for g in list_groupings(con, dataset)
                if g not in given
            ]
        return out
    g = name.removeprefix("group:")
    if g in given:
        d = given[g]
        return [group_step(g, d["groups"], present_only=True)] if usable(d) else []
    if con is None or dataset is None:
        raise SchemaError(f"step {name!r}: groupings are read from the store of a dataset")
    return [group_step(g, get_grouping(con, dataset, g))]
