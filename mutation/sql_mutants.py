"""Mutation testing of the SQL views and macros of ``queries/`` against their value checks.

usage: python mutation/sql_mutants.py [OBJECT ...]        (default: every view, macro, audit)

mutmut mutates Python only, so this small mutator does for SQL what it does for the kernels:
it changes one token of one object's body (a comparison, an arithmetic or logical operator,
an aggregate, a sort direction, a join kind, a literal, a LIMIT, or one occurrence of a key
column swapped with its partner, e.g. exporter <-> importer), re-creates that object in a
copy of the small real store of ``tests/small_real_store.py``, and runs every value check of
``tests/view_checks.py``. A mutant is *killed* when a check fails or the SQL no longer runs,
and *survives* otherwise. The store is built once with the real SQL (the fact tables do not
depend on the views); each mutant costs one file copy and one pass of the checks.

Prints one line per surviving mutant (object, line, the change) and a count per object;
docs/contributing.md keeps the latest list with the reason each survivor is harmless.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

#: token -> replacements (word tokens are matched on word boundaries, case-sensitive as
#: written in queries/, upper-case SQL keywords)
OPERATORS: dict[str, tuple[str, ...]] = {
    "<>": ("=",),
    ">=": (">",),
    "<=": ("<",),
    " > ": (" >= ",),
    " < ": (" <= ",),
    " + ": (" - ",),
    " - ": (" + ",),
    " * ": (" / ",),
    " / ": (" * ",),
    "sum(": ("max(",),
    "count(": ("count(DISTINCT ",),
    "max(": ("min(",),
    "min(": ("max(",),
    "lag(": ("lead(",),
    "DESC": ("ASC",),
    " AND ": (" OR ",),
    " OR ": (" AND ",),
    "LEFT JOIN": ("JOIN",),
    "FULL JOIN": ("LEFT JOIN",),
    "IS NULL": ("IS NOT NULL",),
    "IS NOT NULL": ("IS NULL",),
    "true": ("false",),
    "false": ("true",),
    "DISTINCT ": ("",),
    "LIMIT k": ("LIMIT k + 1",),
    "nullif(": ("coalesce(",),
}
#: key columns swapped one occurrence at a time
SWAPS = [
    ("exporter", "importer"),
    ("origin_country", "dest_country"),
    ("origin_node", "dest_country_pos"),
    ("source_node", "export_node"),
    ("row_node", "col_node"),
    ("country_pos", "partner_pos"),
    ("intermediate", "final"),
    ("gvc_backward", "gvc_forward"),
    ("value_added", "output"),
    ("entered", "left"),
    ("now_node", "prev_node"),
    ("dva", "fva"),
]


@dataclass(frozen=True)
class Mutant:
    obj: str
    line: int
    before: str
    after: str
    body: str


def mutants_of(obj) -> list[Mutant]:
    """Every one-token change of the object's body."""
    body = obj.body
    out = []
    rules = [(k, v) for k, vs in OPERATORS.items() for v in vs]
    rules += [(a, b) for a, b in SWAPS] + [(b, a) for a, b in SWAPS]
    for old, new in rules:
        word = old[0].isalpha() and old[-1].isalpha()
        pat = re.compile(rf"\b{re.escape(old)}\b" if word else re.escape(old))
        for m in pat.finditer(body):
            line_start = body.rfind("\n", 0, m.start()) + 1
            if body[line_start:].lstrip().startswith("--"):
                continue  # a comment line
            mutated = body[: m.start()] + new + body[m.end() :]
            line = body.count("\n", 0, m.start()) + 1
            out.append(Mutant(obj.name, line, old.strip(), new.strip(), mutated))
    return out


def main(names: list[str]) -> int:
    import duckdb
    from small_real_store import YEARS, build_store
    from view_checks import CHECKERS, VARIANTS, Ctx, Ref

    from gvc.sql import load_queries

    objs = [o for o in load_queries() if o.kind != "table" and (not names or o.name in names)]
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="gvc-sql-mutants-"))
    store = build_store(tmp)
    refs = {y: Ref(store.tables[y]) for y in YEARS}
    print(f"store built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    # the store copies some checks read (view_checks.VARIANTS), built once
    bases = {}
    for name, statements in VARIANTS.items():
        bases[name] = tmp / f"{name}_base.duckdb"
        shutil.copy(store.db, bases[name])
        with duckdb.connect(str(bases[name])) as con:
            for sql in statements:
                con.execute(sql)

    def run_checks(mutant: Mutant) -> str | None:
        """The first failing check, or None when every check passes."""
        dbs = {"store": tmp / "m.duckdb"} | {k: tmp / f"m_{k}.duckdb" for k in bases}
        shutil.copy(store.db, dbs["store"])
        for k, base in bases.items():
            shutil.copy(base, dbs[k])
        for db in dbs.values():
            with duckdb.connect(str(db)) as con:
                con.execute(mutant.body)
        con = duckdb.connect(str(dbs["store"]), read_only=True)
        ctx = Ctx(store, con, tmp, refs)
        for k in bases:
            ctx.variants[k] = duckdb.connect(str(dbs[k]), read_only=True)
        try:
            # the object's own check first: most mutants die there, without the others
            order = [mutant.obj, *(n for n in CHECKERS if n != mutant.obj)]
            for name in order:
                try:
                    CHECKERS[name](ctx)
                except Exception:  # noqa: BLE001 - any failure or SQL error kills the mutant
                    return name
            return None
        finally:
            con.close()
            for v in ctx.variants.values():
                v.close()

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    survivors = []
    for obj in objs:
        for m in mutants_of(obj):
            try:
                killer = run_checks(m)
            except duckdb.Error:
                killer = "(does not compile)"
            counts[obj.name][0] += 1
            if killer is None:
                counts[obj.name][1] += 1
                survivors.append(m)
                print(f"SURVIVED {m.obj}:{m.line}: {m.before!r} -> {m.after!r}", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    total = sum(c[0] for c in counts.values())
    print(f"\n{total} mutants, {len(survivors)} survived ({time.perf_counter() - t0:.0f} s)")
    for name, (n, s) in sorted(counts.items()):
        print(f"  {name}: {n} mutants, {s} survived")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
