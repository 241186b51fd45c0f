"""Benchmark: embeddedness and lock-in flags for every node-year of the embedded WIOD 2013.

17 years (1995-2011) x 1,435 nodes (41 regions x 35 sectors). Times, end to end on a fresh
store: ingest (reported apart), then step ``embeddedness`` for every year (read the table from
the store, one Leontief inverse per year, all measures incl. centralities on two networks x
three link scopes, write the long rows), then ``compute_flags`` (all rules over all years,
written in one transaction). Prints the seconds of each part and the flagged counts.

    python benchmarks/bench_lockin.py [--db PATH] [--betweenness]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import gvc
from gvc.catalog import open_store
from gvc.lockin import compute_flags, ensure_embeddedness
from gvc.paths import datasets_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="store to use (default: a temporary file)")
    ap.add_argument("--betweenness", action="store_true", help="also the opt-in betweenness")
    a = ap.parse_args()
    tmp = None
    if a.db is None:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "bench.duckdb"
    else:
        db = Path(a.db)
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    gvc.ingest(datasets_dir() / "wiod2013", db=db, dataset="wiod2013")
    t_ing = time.perf_counter() - t0
    with open_store(db) as con:
        t1 = time.perf_counter()
        years = ensure_embeddedness(con, "wiod2013", betweenness=a.betweenness)
        t_emb = time.perf_counter() - t1
        t2 = time.perf_counter()
        flags = compute_flags(con, "wiod2013")
        t_flags = time.perf_counter() - t2
        rows = con.execute("SELECT count(*) FROM facts.embeddedness").fetchall()[0][0]
    print(f"ingest (not counted): {t_ing:.1f} s")
    print(
        f"embeddedness, {len(years)} years x 1435 nodes ({rows:,} rows): {t_emb:.1f} s "
        f"({t_emb / max(len(years), 1):.2f} s/year)"
    )
    print(f"flags, {len(flags):,} rows, {int(flags['flagged'].sum()):,} flagged: {t_flags:.1f} s")
    print(
        f"end to end (embeddedness + flags): {t_emb + t_flags:.1f} s; "
        f"load average after: {os.getloadavg()[0]:.2f}"
    )
    print(flags[flags["flagged"]].groupby("flag").size().to_string())
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
