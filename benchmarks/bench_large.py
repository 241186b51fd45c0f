"""Large tables on one machine: ``gvc ingest`` + every default step, memory and store size.

A synthetic table of realistic structure (dense domestic blocks carrying about 80 % of each
column's inputs, many small foreign flows, about 60 % of foreign cells non-zero; the recipe of
:mod:`synthetic`) is generated block of columns by block of columns, so that the generator
itself holds about one dense n x n matrix, and written as one long Parquet file
(``year, row_country, row_sector, col_country, col_item, value``, dictionary-encoded labels).

Then, each in its own fresh subprocess, one after the other in the same invocation:

* ``numpy_inv``: one bare ``numpy.linalg.inv(I - A)`` of the same matrix (the yardstick);
* ``ingest``: ``gvc ingest`` (the CLI) into a new store;
* ``run:<step>``: ``gvc run --steps <step> --force`` for every default step, each in its own
  process (so each one reads the table back and computes its own Leontief inverse);
* ``pymrio_calc_all`` (unless ``--no-pymrio``): pymrio ``IOSystem.calc_all`` with a value-added
  extension on the same arrays (in memory, nothing written).

Printed: wall time, ratio to the bare inverse, peak RSS (max RSS of the process) in GB and in
units of one dense n x n float64 matrix, and the store size after ingest and after each step
(the growth of the DuckDB file for this one year).

    python benchmarks/bench_large.py                      # EXIOBASE size, 49 x 163
    python benchmarks/bench_large.py --G 164 --N 120 --no-pymrio   # GLORIA size
    python benchmarks/bench_large.py --G 20 --N 30        # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DEFAULT_STEPS = ("core", "wwz", "kww", "bm", "tiva", "participation")
BLOCK = 512  # columns generated at a time


def _column_block(G: int, N: int, j0: int, j1: int, seed: int) -> np.ndarray:
    """Columns ``j0:j1`` of the coefficient matrix A (deterministic per block)."""
    rng = np.random.default_rng([seed, j0])
    n = G * N
    c = np.repeat(np.arange(G), N)
    dom = c[:, None] == c[None, j0:j1]
    A = rng.random((n, j1 - j0)) ** 3
    A[~dom] *= rng.random(int((~dom).sum())) < 0.6
    col_dom = np.where(dom, A, 0.0).sum(0)
    col_for = A.sum(0) - col_dom
    total = rng.uniform(0.3, 0.7, j1 - j0)
    scale_dom = 0.8 * total / col_dom
    scale_for = 0.2 * total / np.maximum(col_for, 1e-300)
    A *= np.where(dom, scale_dom[None, :], scale_for[None, :])
    return A


def _final_demand(G: int, N: int, F: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 1 << 30])
    n = G * N
    c = np.repeat(np.arange(G), N)
    fd = rng.random((n, G * F))
    fd[c[:, None] == np.repeat(np.arange(G), F)[None, :]] *= 40.0
    fd *= rng.lognormal(8.0, 1.0, n)[:, None] / fd.sum(1, keepdims=True)
    return fd


def identity_minus_a(G: int, N: int, seed: int = 0) -> np.ndarray:
    """``I - A`` of the synthetic table (one dense n x n array)."""
    n = G * N
    M = np.empty((n, n))
    for j0 in range(0, n, BLOCK):
        j1 = min(j0 + BLOCK, n)
        M[:, j0:j1] = -_column_block(G, N, j0, j1, seed)
    M[np.diag_indices(n)] += 1.0
    return M


def output(G: int, N: int, F: int, seed: int = 0) -> np.ndarray:
    """Gross output ``x = (I - A)^-1 Y 1`` (one dense n x n array at peak)."""
    import scipy.linalg as sla

    M = identity_minus_a(G, N, seed)
    return sla.solve(M, _final_demand(G, N, F, seed).sum(1), overwrite_a=True, check_finite=False)


def write_table(path: Path, G: int, N: int, F: int, year: int = 2020, seed: int = 0) -> int:
    """Write the table as one long Parquet file; returns the number of cells."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = G * N
    x = output(G, N, F, seed)
    countries = pa.array([f"C{s:03d}" for s in range(G)])
    sectors = [f"S{k:03d}" for k in range(N)]
    items = pa.array(sectors + [f"FD{f}" for f in range(F)])
    schema = pa.schema(
        [
            ("year", pa.int16()),
            ("row_country", pa.dictionary(pa.int32(), pa.string())),
            ("row_sector", pa.dictionary(pa.int32(), pa.string())),
            ("col_country", pa.dictionary(pa.int32(), pa.string())),
            ("col_item", pa.dictionary(pa.int32(), pa.string())),
            ("value", pa.float64()),
        ]
    )
    sec = pa.array(sectors)
    cells = 0

    def batch(i: np.ndarray, cc: np.ndarray, ci: np.ndarray, v: np.ndarray) -> pa.Table:
        return pa.table(
            {
                "year": np.full(i.size, year, dtype=np.int16),
                "row_country": pa.DictionaryArray.from_arrays((i // N).astype(np.int32), countries),
                "row_sector": pa.DictionaryArray.from_arrays((i % N).astype(np.int32), sec),
                "col_country": pa.DictionaryArray.from_arrays(cc.astype(np.int32), countries),
                "col_item": pa.DictionaryArray.from_arrays(ci.astype(np.int32), items),
                "value": v,
            },
            schema=schema,
        )

    with pq.ParquetWriter(path, schema) as w:
        for j0 in range(0, n, BLOCK):
            j1 = min(j0 + BLOCK, n)
            Zb = _column_block(G, N, j0, j1, seed) * x[None, j0:j1]
            i, j = np.nonzero(Zb)
            j = j + j0
            w.write_table(batch(i, j // N, j % N, Zb[i, j - j0]))
            cells += i.size
            del Zb, i, j
        Yd = _final_demand(G, N, F, seed)
        i, c = np.nonzero(Yd)
        w.write_table(batch(i, c // F, N + c % F, Yd[i, c]))
        cells += i.size
    return cells


def phase(name: str, data: Path, G: int, N: int, F: int) -> dict:
    out: dict = {"phase": name}
    db = data / "bench.duckdb"
    if name == "numpy_inv":
        M = identity_minus_a(G, N)
        t0 = time.perf_counter()
        np.linalg.inv(M)
        out["seconds"] = time.perf_counter() - t0
    elif name == "pymrio_calc_all":
        import pandas as pd
        import pymrio

        n = G * N
        M = identity_minus_a(G, N)
        x = output(G, N, F)
        Z = M
        Z *= -x[None, :]
        Z[np.diag_indices(n)] += x  # Z = A x-hat (the diagonal of I - A carried 1 - a_jj)
        Yd = _final_demand(G, N, F, 0)
        idx = pd.MultiIndex.from_product(
            [[f"C{s:03d}" for s in range(G)], [f"S{k:03d}" for k in range(N)]],
            names=["region", "sector"],
        )
        cols = pd.MultiIndex.from_product(
            [[f"C{s:03d}" for s in range(G)], [f"FD{f}" for f in range(F)]],
            names=["region", "category"],
        )
        io = pymrio.IOSystem(
            Z=pd.DataFrame(Z, index=idx, columns=idx, copy=False),
            Y=pd.DataFrame(Yd, index=idx, columns=cols),
        )
        va = x - Z.sum(axis=0)
        stressor = pd.Index(["value added"], name="stressor")
        io.va = pymrio.Extension(
            name="va",
            F=pd.DataFrame([va], index=stressor, columns=idx),
            unit=pd.DataFrame({"unit": ["USD million"]}, index=stressor),
        )
        t0 = time.perf_counter()
        io.calc_all()
        out["seconds"] = time.perf_counter() - t0
    else:
        gvc = [sys.executable, "-m", "gvc.cli"]
        if name == "ingest":
            cmd = [*gvc, "ingest", str(data / "table.parquet"), "--db", str(db)]
            cmd += ["--format", "long", "--dataset", "synthetic", "--unit", "USD million"]
        else:
            step = name.split(":", 1)[1]
            cmd = [*gvc, "run", "--db", str(db), "--dataset", "synthetic", "--steps", step]
            cmd += ["--force", "--format", "csv", "-o", os.devnull]
        # gvc runs as a child of this small process: RUSAGE_CHILDREN is gvc's peak alone
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        out["seconds"] = time.perf_counter() - t0
        if res.returncode != 0:
            raise SystemExit(f"{name} failed:\n{res.stderr[-3000:]}")
    return out


def run_child(name: str, data: Path, G: int, N: int, F: int) -> dict:
    cmd = [sys.executable, __file__, "--phase", name, "--data", str(data)]
    cmd += ["--G", str(G), "--N", str(N), "--F", str(F)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{err[-3000:]}")
    res = json.loads(out.strip().splitlines()[-1])
    return res


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--G", type=int, default=49)
    ap.add_argument("--N", type=int, default=163)
    ap.add_argument("--F", type=int, default=6)
    ap.add_argument("--phase")
    ap.add_argument("--data")
    ap.add_argument("--no-pymrio", action="store_true")
    ap.add_argument("--no-inverse", action="store_true", help="skip the bare inverse")
    ap.add_argument("--steps", default=",".join(DEFAULT_STEPS), help="steps to time")
    ap.add_argument("--tmp", help="directory for the table and the store (default: $TMPDIR)")
    a = ap.parse_args()
    if a.phase:
        res = phase(a.phase, Path(a.data), a.G, a.N, a.F)
        import resource

        # this process and its gvc child: report the larger peak
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        res["peak_rss_bytes"] = max(own, kids) * 1024.0
        print(json.dumps(res))
        return

    n = a.G * a.N
    dense = n * n * 8.0
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
            for i in threadpool_info()
        )
    except ImportError:
        blas = "BLAS unknown (threadpoolctl not installed)"
    print(f"synthetic table {a.G} x {a.N} = {n:,} nodes, {a.F} final-demand categories")
    print(f"one dense n x n float64 matrix = {dense / 1e9:.2f} GB; numpy {np.__version__}; {blas}")
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start")
    tmp = Path(tempfile.mkdtemp(prefix="gvc_bench_large_", dir=a.tmp))
    try:
        t0 = time.perf_counter()
        cells = write_table(tmp / "table.parquet", a.G, a.N, a.F)
        size = (tmp / "table.parquet").stat().st_size
        print(
            f"wrote {cells:,} cells ({size / 1e9:.2f} GB Parquet) in "
            f"{time.perf_counter() - t0:.1f} s\n"
        )
        phases = [] if a.no_inverse else ["numpy_inv"]
        phases += ["ingest"] + [f"run:{s}" for s in a.steps.split(",") if s]
        if not a.no_pymrio:
            phases.append("pymrio_calc_all")
        db = tmp / "bench.duckdb"
        base = None
        head = f"{'phase':<20}{'seconds':>9}{'x inv':>8}{'peak GB':>9}{'peak n x n':>11}"
        print(head + f"{'store GB':>10}")
        rows = []
        for p in phases:
            r = run_child(p, tmp, a.G, a.N, a.F)
            if p == "numpy_inv":
                base = r["seconds"]
            store = db.stat().st_size / 1e9 if db.exists() else 0.0
            ratio = f"{r['seconds'] / base:8.2f}" if base else f"{'':>8}"
            line = (
                f"{p:<20}{r['seconds']:>9.1f}{ratio}{r['peak_rss_bytes'] / 1e9:>9.2f}"
                f"{r['peak_rss_bytes'] / dense:>11.2f}{store:>10.2f}"
            )
            print(line, flush=True)
            rows.append({**r, "store_gb": store})
        print(f"\nstore size for this one year: {db.stat().st_size / 1e9:.2f} GB")
        print(f"load average {os.getloadavg()[0]:.2f} at end")
        print(json.dumps(rows))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
