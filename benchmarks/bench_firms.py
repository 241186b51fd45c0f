"""Benchmark: every firm-cluster diagnostic against plain DuckDB SQL, side by side.

A synthetic network derived from the embedded WIOD 2013 table of 2011 (all 41 regions;
:func:`gvc.firms.synthetic.generate_network`; default 1 million firms, 10 million links,
2,000 clusters) is written to Parquet. Then, each in its own process so that its peak memory
(``ru_maxrss``) is its own, and in alternating order:

* ``plain SQL``: the registry shares (members passing / members with sales) and the anchor
  shares of every cluster, written as plain DuckDB SQL over the Parquet files
  (:data:`PLAIN_SQL`; the intra-cluster links are materialised once, as a careful SQL user
  would, since DuckDB's optimiser otherwise joins the membership table with itself first);
* ``gvc ingest``: read, validate (unknown firms, negative values, self-loops, duplicate
  links, coordinates) and store the three files in a fresh DuckDB store, one transaction;
* ``gvc run``: every diagnostic of every cluster and the five flags, from the store, written
  back (without the embeddedness link);
* ``gvc run + embeddedness``: the same, linked to WIOD 2013 (its node measures computed
  beforehand, not timed).

Each time includes the process's imports and opening the store (for plain SQL: importing
duckdb). Peak memory is the process's VmHWM.

The registry and anchor shares of ``gvc run`` are checked against the plain SQL's. Prints
seconds, peak resident memory and the ratio to plain SQL.

    python benchmarks/bench_firms.py [--firms 1000000] [--links 10000000] [--clusters 2000]
                                     [--dir DIR] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAIN_SQL = """
WITH tx AS (SELECT supplier, buyer, value FROM read_parquet('{tx}')),
mem AS (SELECT member, cluster FROM read_parquet('{members}')),
ts AS MATERIALIZED (
    SELECT ms.cluster, t.supplier, t.buyer, t.value FROM tx t JOIN mem ms ON ms.member = t.supplier
),
intra AS MATERIALIZED (
    SELECT ts.* FROM ts JOIN mem mb ON mb.member = ts.buyer AND mb.cluster = ts.cluster
),
sold AS (SELECT supplier AS firm, sum(value) AS total FROM tx GROUP BY supplier),
isold AS (SELECT cluster, supplier AS firm, sum(value) AS intra FROM intra GROUP BY ALL),
reg AS (
    SELECT m.cluster, coalesce(i.intra, 0) >= {threshold} * s.total AS pass
    FROM mem m JOIN sold s ON s.firm = m.member
    LEFT JOIN isold i ON i.cluster = m.cluster AND i.firm = m.member
),
strength AS (
    SELECT cluster, firm, sum(value) AS s FROM (
        SELECT cluster, supplier AS firm, value FROM intra
        UNION ALL SELECT cluster, buyer, value FROM intra
    ) GROUP BY ALL
),
anchor AS (SELECT cluster, max(s) / (sum(s) / 2) AS anchor_share FROM strength GROUP BY cluster),
regc AS (SELECT cluster, avg(pass::INT) AS pass_share FROM reg GROUP BY cluster)
SELECT k.cluster, r.pass_share, a.anchor_share
FROM (SELECT DISTINCT cluster FROM mem) k
LEFT JOIN regc r USING (cluster) LEFT JOIN anchor a USING (cluster)
"""
"""Registry pass share and anchor share of every cluster, in plain DuckDB SQL."""


def _child(task: str, d: Path, db: Path) -> None:
    """Run one timed task in this (child) process and print its result as JSON."""
    if task == "ingest" and db.exists():
        from gvc.catalog import open_store

        with open_store(db) as con:  # not timed: drop the network of an earlier repeat
            for t in ("firms", "memberships", "inputs", "clusters"):
                con.execute(f"DELETE FROM firms.{t} WHERE network = 'bench'")
            con.execute("DELETE FROM firms.transactions")
            con.execute("CHECKPOINT")
    t0 = time.perf_counter()
    out: dict = {}
    if task == "plain":
        import duckdb

        con = duckdb.connect()
        res = con.execute(
            PLAIN_SQL.format(
                tx=d / "transactions.parquet", members=d / "members.parquet", threshold=0.2
            )
        ).fetchnumpy()
        out["clusters"] = len(res["cluster"])
        import numpy as np

        np.savez(d / "plain.npz", **{k: np.asarray(v) for k, v in res.items()})
    elif task == "ingest":
        from gvc.firms.api import ingest_network

        r = ingest_network(
            db=db,
            network="bench",
            firms=d / "firms.parquet",
            members=d / "members.parquet",
            transactions=d / "transactions.parquet",
        )
        out["rows"] = r.rows
    elif task in ("run", "run_emb"):
        from gvc.firms.api import run_network

        r = run_network(db=db, network="bench", dataset="wiod2013" if task == "run_emb" else None)
        out["timings"] = {k: round(v, 2) for k, v in r.timings.items()}
        out["flagged"] = r.flagged
    out["seconds"] = time.perf_counter() - t0
    out["peak_gb"] = _peak_gb()
    print(json.dumps(out))


def _peak_gb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024**2
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _measure(task: str, d: Path, db: Path) -> dict:
    env = dict(os.environ)
    p = subprocess.Popen(
        [sys.executable, __file__, "--child", task, "--dir", str(d), "--db", str(db)],
        stdout=subprocess.PIPE,
        env=env,
    )
    stdout, _ = p.communicate()
    if p.returncode != 0:
        raise SystemExit(f"{task} failed (status {p.returncode}):\n{stdout.decode()}")
    return json.loads(stdout.decode().strip().splitlines()[-1])


def _generate(d: Path, db: Path, firms: int, links: int, clusters: int) -> None:
    import gvc
    from gvc.catalog import open_store
    from gvc.firms.demo import COARSE, country_positions
    from gvc.firms.synthetic import generate_network
    from gvc.indicators.inputs import read_iotable
    from gvc.paths import datasets_dir

    gvc.ingest(datasets_dir() / "wiod2013", db=db, dataset="wiod2013", year=2011)
    with open_store(db) as con:
        table = read_iotable(con, "wiod2013", 2011)
    t0 = time.perf_counter()
    net = generate_network(
        table,
        year=2011,
        n_firms=firms,
        n_clusters=clusters,
        links=links,
        seed=1,
        science_sector="c32",
        government_sector="c31",
        coarse_codes=COARSE,
        positions=country_positions(table.countries),
    )
    print(f"generated in {time.perf_counter() - t0:.1f} s (not timed below)")
    net.write(d)
    gvc.run(db=db, dataset="wiod2013", year=2011, steps=("embeddedness", "participation"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=10_000_000)
    ap.add_argument("--clusters", type=int, default=2_000)
    ap.add_argument("--dir", help="where the Parquet files and the store go (default: temp)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "generate":
        _generate(Path(a.dir), Path(a.db), a.firms, a.links, a.clusters)
        return
    if a.child:
        _child(a.child, Path(a.dir), Path(a.db))
        return
    tmp = None
    if a.dir is None:
        tmp = tempfile.TemporaryDirectory()
        d = Path(tmp.name)
    else:
        d = Path(a.dir)
        d.mkdir(parents=True, exist_ok=True)
    db = d / "bench.duckdb"
    if not (d / "transactions.parquet").exists():  # in a process of its own: it is big
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "generate",
                "--dir",
                str(d),
                "--db",
                str(db),
                "--firms",
                str(a.firms),
                "--links",
                str(a.links),
                "--clusters",
                str(a.clusters),
            ],
            check=True,
        )
    import pyarrow.parquet as pq

    rows = {
        k: pq.read_metadata(d / f"{k}.parquet").num_rows
        for k in ("firms", "members", "transactions")
    }
    mb = sum((d / f"{k}.parquet").stat().st_size for k in rows) / 1e6
    print(
        f"network: {rows['firms']:,} firms, {rows['members']:,} memberships, "
        f"{rows['transactions']:,} links ({mb:.0f} MB of Parquet)"
    )
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    results: dict[str, list[dict]] = {}
    for _ in range(a.repeat):
        for task in ("plain", "ingest", "run", "run_emb"):
            results.setdefault(task, []).append(_measure(task, d, db))
    # the shares agree
    import numpy as np
    import pandas as pd

    from gvc.catalog import open_store

    plain = dict(np.load(d / "plain.npz", allow_pickle=True))
    with open_store(db) as con:
        mine = con.execute(
            "SELECT cluster, registry_pass_share, anchor_share FROM firm_clusters "
            "WHERE network = 'bench'"
        ).df()
    peer = pd.DataFrame(plain).rename(columns={"anchor_share": "anchor_share_sql"})
    m = mine.merge(peer, on="cluster")
    assert len(m) == len(mine) == len(peer)
    np.testing.assert_allclose(m["registry_pass_share"], m["pass_share"], rtol=1e-9)
    np.testing.assert_allclose(m["anchor_share"], m["anchor_share_sql"], rtol=1e-9)
    print(f"registry and anchor shares of {len(m):,} clusters equal the plain SQL's")
    base = min(r["seconds"] for r in results["plain"])
    names = {
        "plain": "plain SQL (registry + anchor shares)",
        "ingest": "gvc firms ingest (validate + store)",
        "run": "gvc firms run (every diagnostic + flags)",
        "run_emb": "gvc firms run, linked to WIOD 2013",
    }
    print(f"\n{'':44s} {'seconds (each run)':>22s} {'best':>6s} {'x plain':>8s} {'peak GB':>8s}")
    for task, rs in results.items():
        secs = [r["seconds"] for r in rs]
        print(
            f"{names[task]:44s} {', '.join(f'{s:.2f}' for s in secs):>22s} {min(secs):6.2f} "
            f"{min(secs) / base:8.2f} {max(r['peak_gb'] for r in rs):8.2f}"
        )
    ing = min(r["seconds"] for r in results["ingest"])
    run = min(r["seconds"] for r in results["run"])
    print(
        f"{'ingest + run (from the Parquet files)':44s} {'':>22s} {ing + run:6.2f} "
        f"{(ing + run) / base:8.2f}"
    )
    print("run timings (s): " + json.dumps(results["run"][-1]["timings"]))
    print("flagged: " + json.dumps(results["run"][-1]["flagged"]))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
