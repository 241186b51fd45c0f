"""Benchmark: full bilateral x sector Borin-Mancini decomposition at OECD ICIO 2023 size.

A synthetic productive table with G=81 countries and N=45 sectors (n = 3645, the OECD ICIO
2023 release after folding CN/MX splits) and dominant domestic blocks. Times, in one run:

- ``numpy.linalg.inv(I - A)``: one dense inverse of the same matrix (the yardstick);
- ``bm(..., approach="source", perspective="world")`` including its own Leontief inverse;
- the same with a precomputed ``B`` (the cost on top of the inverse);
- the other three variants and the three own-flow perimeters (sector, bilateral,
  bilateral_sector) with the precomputed ``B``;

and reports the ratio to the inverse and the peak memory that ``bm`` allocates (tracemalloc;
numpy reports its buffers to it) in units of one dense n x n float64 matrix.

Run: ``python benchmarks/bench_bm.py [--G 81 --N 45 --repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc
from functools import partial

import numpy as np

from gvc.indicators.decomposition import BM_VARIANTS
from gvc.kernels.borin_mancini import bm
from gvc.kernels.leontief import leontief_solve


def synthetic_table(G: int, N: int, seed: int = 0, foreign: float = 0.15):
    """Balanced table: domestic blocks carry ~85% of intermediate use, columns of A sum to
    0.3-0.6, positive final demand mostly at home."""
    rng = np.random.default_rng(seed)
    n = G * N
    c = np.repeat(np.arange(G), N)
    dom = c[:, None] == c[None, :]
    A = rng.uniform(0.0, 1.0, (n, n))
    A[dom] *= (1.0 - foreign) / N
    A[~dom] *= foreign / (n - N)
    A *= rng.uniform(0.3, 0.6, n)[None, :] / A.sum(axis=0)[None, :]
    Y = rng.uniform(0.0, 1.0, (n, G)) * rng.uniform(10.0, 100.0, n)[:, None]
    Y[dom[:, ::N]] *= 4.0 * G  # domestic final demand dominates
    x = leontief_solve(A, Y.sum(axis=1))
    Z = A * x[None, :]
    va = x - Z.sum(axis=0)
    return Z, Y, x, va


def _best(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--G", type=int, default=81)
    ap.add_argument("--N", type=int, default=45)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    G, N, n = args.G, args.N, args.G * args.N
    Z, Y, x, va = synthetic_table(G, N)
    A = Z / x[None, :]
    M = np.eye(n) - A
    nn_mb = n * n * 8 / 2**20
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus")
    print(f"table: G={G} N={N} n={n}; one n x n float64 = {nn_mb:.0f} MiB")

    t_inv = _best(partial(np.linalg.inv, M), args.repeat)
    B = np.linalg.inv(M)
    M = None  # free it before measuring bm's own memory
    t_full = _best(partial(bm, Z, Y, x, va, G, N), args.repeat)
    print(f"{'numpy.linalg.inv(I - A)':<40}{t_inv:8.3f} s")
    print(f"{'bm source/world, own inverse':<40}{t_full:8.3f} s   ratio {t_full / t_inv:5.2f}")
    for approach, perspective in BM_VARIANTS:  # the variants `gvc run` writes
        run = partial(bm, Z, Y, x, va, G, N, approach=approach, perspective=perspective, B=B)
        t = _best(run, args.repeat)
        label = f"bm {approach}/{perspective}, B given"
        print(f"{label:<40}{t:8.3f} s   ratio {t / t_inv:5.2f}")

    del B
    for perspective in ("world", "bilateral"):
        tracemalloc.start()
        out = bm(Z, Y, x, va, G, N, perspective=perspective)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out_mb = sum(a.nbytes for a in out.values()) / 2**20
        print(
            f"peak traced memory of bm {perspective} (own inverse): {peak / 2**20:.0f} MiB = "
            f"{peak / 2**20 / nn_mb:.2f} x n^2 float64 (of which the 13 (n, G) outputs: "
            f"{out_mb:.0f} MiB); inputs Z, Y, x, va not counted"
        )
        del out
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"process max RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
