"""Benchmark: gvc's full WWZ decomposition at WIOD 2016 size (G = 44, N = 56, n = 2464).

Times, on one synthetic table with dominant domestic blocks and 5 final-demand categories per
country (collapsed to Y by destination country):

- ``numpy.linalg.inv(I - A)``: one dense inverse of the same matrix (the floor for any
  method that forms B);
- ``gvc.kernels.wwz.wwz``: all 16 terms, including its own Leontief inverse;
- ``gvc.kernels.kww.wwz_to_kww`` on that result, and ``wwz_reexport_split``;
- R ``decompr::wwz`` when ``Rscript`` with decompr is installed; otherwise its figure is
  cited (about 30 s at this size, as documented in issue 3), not measured.

Peak memory is measured with ``tracemalloc`` (numpy reports its buffers to it) per step, and
the process's maximum resident set size with ``resource.getrusage``.

Run: ``python benchmarks/bench_wwz.py [--repeat 3] [--G 44 --N 56]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from gvc.kernels.kww import wwz_to_kww
from gvc.kernels.wwz import WWZ_TERMS, wwz, wwz_reexport_split

DECOMPR_CITED_S = 30.0  # issue 3: "R decompr takes ~30 s" at WIOD 2016 size (cited)


def synthetic_table(
    G: int, N: int, F: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Balanced random table with dominant domestic blocks: returns Z, Y (n, G), x, va."""
    rng = np.random.default_rng(seed)
    n = G * N
    c = np.repeat(np.arange(G), N)
    A = rng.uniform(0.0, 1.0, (n, n))
    A[c[:, None] != c[None, :]] *= 0.02  # foreign blocks ~ 2% of domestic intensity
    A *= rng.uniform(0.3, 0.6, n)[None, :] / A.sum(axis=0)[None, :]
    Yd = rng.uniform(0.0, 1.0, (n, G * F))
    Yd[c[:, None] == np.repeat(np.arange(G), F)[None, :]] *= 20.0  # home bias in final demand
    Y = Yd.reshape(n, G, F).sum(axis=2)
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    Z = A * x[None, :]
    return Z, Y, x, x - Z.sum(axis=0)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall time over ``repeat`` runs and the tracemalloc peak (MiB) of one run."""
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    del out
    tracemalloc.start()
    out = fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak, out


def decompr_seconds(Z: np.ndarray, Y: np.ndarray, x: np.ndarray, G: int, N: int) -> float | None:
    """Time decompr::wwz on the same table, or None when Rscript/decompr is unavailable."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    ok = subprocess.run(
        [rscript, "-e", "quit(status = !requireNamespace('decompr', quietly = TRUE))"],
        capture_output=True,
    )
    if ok.returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as d:
        np.savetxt(os.path.join(d, "Z.csv"), Z, delimiter=",")
        np.savetxt(os.path.join(d, "Y.csv"), Y, delimiter=",")
        np.savetxt(os.path.join(d, "x.csv"), x, delimiter=",")
        script = f"""
        suppressMessages(library(decompr))
        Z <- as.matrix(read.csv('{d}/Z.csv', header = FALSE))
        Y <- as.matrix(read.csv('{d}/Y.csv', header = FALSE))
        x <- as.numeric(read.csv('{d}/x.csv', header = FALSE)[, 1])
        k <- paste0('C', seq_len({G})); i <- paste0('S', seq_len({N}))
        t0 <- Sys.time()
        w <- wwz(load_tables_vectors(Z, Y, k, i, x))
        cat(as.numeric(difftime(Sys.time(), t0, units = 'secs')), '\\n')
        """
        res = subprocess.run([rscript, "-e", script], capture_output=True, text=True)
        if res.returncode != 0:
            print("decompr run failed:", res.stderr.strip()[-500:])
            return None
        return float(res.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--G", type=int, default=44)
    ap.add_argument("--N", type=int, default=56)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-split", action="store_true", help="skip wwz_reexport_split")
    args = ap.parse_args()
    G, N = args.G, args.N
    n = G * N
    print(f"table: G={G}, N={N}, n={n}, 5 final-demand categories collapsed to Y (n, G)")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"numpy {np.__version__}"
    )
    Z, Y, x, va = synthetic_table(G, N)
    A = Z / x[None, :]
    M = np.eye(n) - A

    t_inv, m_inv, _ = timed(lambda: np.linalg.inv(M), args.repeat)
    t_wwz, m_wwz, T = timed(lambda: wwz(Z, Y, x, va, G, N), args.repeat)
    t_kww, _, K = timed(lambda: wwz_to_kww(T, G, N), args.repeat)

    E = (Z.reshape(n, G, N).sum(axis=2) + Y)[np.repeat(np.arange(G), N)[:, None] != np.arange(G)]
    gap = abs(sum(float(T[k].sum()) for k in WWZ_TERMS) - float(E.sum())) / float(E.sum())

    print(f"\n{'step':44s} {'best s':>9s} {'x inv':>7s} {'peak MiB':>9s}")
    print(f"{'numpy.linalg.inv(I - A)':44s} {t_inv:9.3f} {1.0:7.2f} {m_inv:9.0f}")
    label = "gvc wwz (16 terms, incl. inverse)"
    print(f"{label:44s} {t_wwz:9.3f} {t_wwz / t_inv:7.2f} {m_wwz:9.0f}")
    print(f"{'gvc wwz_to_kww (from the WWZ terms)':44s} {t_kww:9.4f} {t_kww / t_inv:7.3f}")
    if not args.no_split:
        t_spl, m_spl, _ = timed(lambda: wwz_reexport_split(Z, Y, x, va, G, N), 1)
        print(
            f"{'gvc wwz_reexport_split (7 x (n, G, G))':44s} {t_spl:9.3f} "
            f"{t_spl / t_inv:7.2f} {m_spl:9.0f}"
        )
    print(f"adding-up check: |sum of 16 terms - gross exports| / exports = {gap:.1e}")
    print(f"KWW total VAX / gross exports = {K['VAX'].sum() / E.sum():.3f}")

    t_r = decompr_seconds(Z, Y, x, G, N)
    if t_r is not None:
        print(f"\nR decompr::wwz (measured): {t_r:.2f} s  ->  gvc is {t_r / t_wwz:.1f}x faster")
    else:
        print(
            f"\nR decompr::wwz: not measured (Rscript with decompr not installed here). "
            f"Cited figure ~{DECOMPR_CITED_S:.0f} s at this size (issue 3) -> ratio to gvc "
            f"~{DECOMPR_CITED_S / t_wwz:.0f}x (cited, not measured)."
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
