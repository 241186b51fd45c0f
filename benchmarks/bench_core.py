"""Core engine benchmark: ``gvc ingest`` + ``gvc run`` vs one bare inverse vs pymrio ``calc_all``.

``gvc_run`` is the core step (read the table back from the store, A, B = (I - A)^-1, V B Y,
V B E-hat, gross exports, written back to DuckDB), the counterpart of pymrio's ``calc_all``
with a value-added extension (x, A, L = our B, and the value-added footprints D_cba, D_pba,
D_imp, D_exp; in memory, nothing written); ``--all-steps`` also times every default step
(decompositions, TiVA, participation).

Synthetic table of OECD ICIO 2023 size by default (81 countries x 45 industries = 3,645 nodes,
6 final-demand categories). Every contender runs in its own fresh subprocess, one after the
other in the same invocation, so times and peak memory (max RSS of that process) compare
directly. Prints a table and the ratios against the bare ``numpy.linalg.inv``.

    python benchmarks/bench_core.py            # 81 x 45
    python benchmarks/bench_core.py --G 41 --N 35   # WIOD 2013 size
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def phase(name: str, data: Path, G: int, N: int, F: int) -> dict:
    import numpy as np
    from synthetic import synthetic_arrays, to_frames

    out: dict = {"phase": name}
    if name == "numpy_inv":
        Z, Yd, x = synthetic_arrays(G, N, F)
        A = Z / x[None, :]
        M = np.eye(G * N) - A
        t0 = time.perf_counter()
        np.linalg.inv(M)
        out["seconds"] = time.perf_counter() - t0
    elif name == "gvc_ingest":
        import gvc

        t0 = time.perf_counter()
        gvc.ingest(
            data, db=data / "bench.duckdb", format="long", dataset="synthetic", unit="USD million"
        )
        out["seconds"] = time.perf_counter() - t0
    elif name in ("gvc_run", "gvc_run_all_steps"):
        import gvc

        steps = ["core"] if name == "gvc_run" else list(gvc.DEFAULT_STEPS)
        t0 = time.perf_counter()
        res = gvc.run(db=data / "bench.duckdb", dataset="synthetic", steps=steps, force=True)
        out["seconds"] = time.perf_counter() - t0
        out["rows"] = res[0][2]
    elif name == "pymrio_calc_all":
        import pandas as pd
        import pymrio

        Z, Yd, x = synthetic_arrays(G, N, F)
        Zf, Yf = to_frames(Z, Yd, G, N, F)
        io = pymrio.IOSystem(Z=Zf, Y=Yf)
        # the value-added extension, so that calc_all computes value-added footprints as
        # gvc's core step does (va = x - 1'Z, the same definition)
        va = Z.sum(axis=1) + Yd.sum(axis=1) - Z.sum(axis=0)
        stressor = pd.Index(["value added"], name="stressor")
        io.va = pymrio.Extension(
            name="va",
            F=pd.DataFrame([va], index=stressor, columns=Zf.columns),
            unit=pd.DataFrame({"unit": ["USD million"]}, index=stressor),
        )
        t0 = time.perf_counter()
        io.calc_all()
        out["seconds"] = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown phase {name}")
    return out


def run_child(name: str, data: Path, G: int, N: int, F: int) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--data",
        str(data),
        "--G",
        str(G),
        "--N",
        str(N),
        "--F",
        str(F),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"phase {name} failed:\n{stderr[-3000:]}")
    res = json.loads(stdout.strip().splitlines()[-1])
    res["peak_rss_mib"] = usage.ru_maxrss / 1024
    return res


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--G", type=int, default=81)
    ap.add_argument("--N", type=int, default=45)
    ap.add_argument("--F", type=int, default=6)
    ap.add_argument("--phase")
    ap.add_argument("--data")
    ap.add_argument("--no-pymrio", action="store_true")
    ap.add_argument("--all-steps", action="store_true", help="also time every default step")
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase(a.phase, Path(a.data), a.G, a.N, a.F)))
        return

    import numpy as np
    from synthetic import write_long_table

    n = a.G * a.N
    print(f"synthetic table {a.G} x {a.N} = {n} nodes, {a.F} final-demand categories")
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
            for i in threadpool_info()
        )
    except ImportError:
        blas = "threadpoolctl not installed"
    print(f"numpy {np.__version__}; BLAS: {blas}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        write_long_table(data, a.G, a.N, a.F)
        phases = ["numpy_inv", "gvc_ingest", "gvc_run"] + (
            [] if a.no_pymrio else ["pymrio_calc_all"]
        )
        if a.all_steps:
            phases.append("gvc_run_all_steps")
        results = {p: run_child(p, data, a.G, a.N, a.F) for p in phases}
    base = results["numpy_inv"]["seconds"]
    dense_mib = n * n * 8 / 2**20
    print(f"\none dense {n} x {n} float64 matrix = {dense_mib:.0f} MiB\n")
    print(f"{'contender':<18}{'seconds':>10}{'x inverse':>12}{'peak RSS MiB':>15}")
    for p, r in results.items():
        print(f"{p:<18}{r['seconds']:>10.2f}{r['seconds'] / base:>12.2f}{r['peak_rss_mib']:>15.0f}")
    if "gvc_run" in results and "pymrio_calc_all" in results:
        ratio = results["pymrio_calc_all"]["seconds"] / results["gvc_run"]["seconds"]
        print(f"\npymrio calc_all / gvc run = {ratio:.2f} (above 1: gvc is faster)")
    print(f"gvc run / numpy inv = {results['gvc_run']['seconds'] / base:.2f} (target <= 2)")
    print("rows written by gvc run:", results["gvc_run"].get("rows"))


if __name__ == "__main__":
    main()
