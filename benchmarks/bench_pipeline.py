"""Benchmark: the 17 embedded WIOD 2013 years end to end through each pipeline executor.

For each executor (``local``, ``local:N``, ``dask:N`` by default), in one run and on the same
machine: a fresh store and partition root, ``run_pipeline`` over all 17 years with the default
steps (or ``--steps``), wall seconds, seconds per year, and the overhead of each executor per
year relative to ``local`` as a ratio (``seconds / local seconds``; < 1 means faster) and, for
Dask, relative to the process pool with the same number of workers (the Dask overhead). Also
reports the sum of the workers' compute seconds and of the driver's load seconds, so the
serial part (loading into DuckDB, one unit at a time) can be seen.

Run: ``python benchmarks/bench_pipeline.py [--workers 2] [--executors local,local:2,dask:2]
[--steps core,wwz]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from gvc.indicators.registry import DEFAULT_STEPS
from gvc.pipeline import run_pipeline

WIOD = Path(__file__).resolve().parent.parent / "datasets" / "wiod2013"


def bench(executor: str, steps: tuple[str, ...], work: Path) -> dict:
    d = work / executor.replace(":", "_")
    d.mkdir()
    toml = d / "pipeline.toml"
    toml.write_text(
        f"steps = {list(steps)!r}\n".replace("'", '"')
        + '[output]\ndb = "store.duckdb"\n'
        + f'[[source]]\npath = "{WIOD}"\ndataset = "wiod2013"\n'
    )
    events: list[dict] = []
    t0 = time.perf_counter()
    summary = run_pipeline(toml, executor=executor, on_event=events.append)
    wall = time.perf_counter() - t0
    if summary.exit_code:
        raise SystemExit(f"{executor}: failed units {summary.failed}")
    fin = [e for e in events if e["event"] == "unit_finished"]
    out = {
        "executor": summary.executor,
        "wall": wall,
        "units": len(fin),
        "compute": sum(e["seconds"] for e in fin),
        "load": sum(e["load_seconds"] for e in fin),
        "rows": sum(e["rows"] for e in fin),
    }
    shutil.rmtree(d)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--executors", help="comma-separated (default: local,local:N,dask:N)")
    ap.add_argument("--steps", help="comma-separated steps (default: DEFAULT_STEPS)")
    a = ap.parse_args()
    execs = (
        a.executors.split(",")
        if a.executors
        else ["local", f"local:{a.workers}", f"dask:{a.workers}"]
    )
    steps = tuple(a.steps.split(",")) if a.steps else DEFAULT_STEPS
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}; steps {','.join(steps)}; "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}"
    )
    res = []
    with tempfile.TemporaryDirectory(prefix="gvc-bench-pipeline-") as tmp:
        for ex in execs:
            r = bench(ex, steps, Path(tmp))
            res.append(r)
            print(f"  done {r['executor']}: {r['wall']:.1f} s", flush=True)
    base = next((r for r in res if r["executor"] == "local"), res[0])
    pool = next((r for r in res if r["executor"].startswith("local:")), None)
    print(
        f"\n{'executor':<10} {'units':>5} {'wall s':>8} {'s/year':>7} {'ratio':>6} "
        f"{'compute s':>10} {'load s':>7} {'rows':>12} {'vs pool':>8}"
    )
    for r in res:
        per = r["wall"] / max(r["units"], 1)
        ratio = per / (base["wall"] / max(base["units"], 1))
        vs_pool = f"{r['wall'] / pool['wall']:.2f}" if pool and r is not base else ""
        print(
            f"{r['executor']:<10} {r['units']:>5} {r['wall']:>8.1f} {per:>7.2f} {ratio:>6.2f} "
            f"{r['compute']:>10.1f} {r['load']:>7.1f} {r['rows']:>12,} {vs_pool:>8}"
        )
    print(
        "ratio = seconds per year / local's seconds per year; "
        "vs pool = seconds / the process pool's seconds (same number of workers)"
    )


if __name__ == "__main__":
    main()
