"""Benchmark: chain moments and top structural paths at OECD ICIO 2023 size (81 x 45 = 3645).

Times, in one run and on the same synthetic table, one ``numpy.linalg.inv`` of ``I - A`` (the
yardstick), :func:`gvc.kernels.crossings.chain_moments` for the chain "all products, all
destinations" (as one chain, and with every destination as its own chain: (n, 81) results) and
:func:`gvc.kernels.paths.top_paths` (k = 20) for that chain and for a one-sector chain.

The table is synthetic but shaped like an ICIO: lognormal coefficients (a few large links, many
small), domestic blocks about ten times the foreign ones, column sums of ``A`` in [0.3, 0.7],
final demand mostly domestic.

    python benchmarks/bench_chain.py            # full size
    python benchmarks/bench_chain.py --G 20 --N 10
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from gvc.kernels.crossings import chain_moments
from gvc.kernels.geo import distance_matrix
from gvc.kernels.paths import top_paths


def synthetic_icio(G: int, N: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = G * N
    c = np.repeat(np.arange(G), N)
    A = rng.lognormal(0.0, 2.0, (n, n))
    A[c[:, None] != c[None, :]] *= 0.1 / G
    A *= rng.uniform(0.3, 0.7, n)[None, :] / A.sum(axis=0)[None, :]
    v = 1.0 - A.sum(axis=0)
    Y = rng.lognormal(0.0, 1.5, (n, G))
    Y[c[:, None] != np.arange(G)[None, :]] *= 0.2 / G
    lon, lat = rng.uniform(-180, 180, G), np.degrees(np.arcsin(rng.uniform(-0.9, 0.9, G)))
    D = distance_matrix(lon, lat)
    cont = rng.integers(0, 6, G)
    return A, v, Y, c, D, cont


def best_of(f, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--G", type=int, default=81)
    ap.add_argument("--N", type=int, default=45)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    G, N = args.G, args.N
    n = G * N
    A, v, Y, c, D, cont = synthetic_icio(G, N)
    dest = np.arange(G)
    print(f"table: G={G} N={N} n={n}; cpus={os.cpu_count()}; numpy {np.__version__}")

    t_inv, B = best_of(lambda: np.linalg.inv(np.eye(n) - A), args.repeat)
    print(f"numpy.linalg.inv(I - A)                      {t_inv:8.3f} s   1.00 x")

    def moments(by_destination: bool):
        return chain_moments(
            A,
            B,
            v,
            Y,
            c,
            dest_countries=dest,
            km=D,
            continent_of_country=cont,
            by_destination=by_destination,
        )

    for label, by_dest in (
        ("one chain, all destinations", False),
        (f"{G} chains, one per destination", True),
    ):
        t, m = best_of(lambda b=by_dest: moments(b), args.repeat)
        print(f"chain_moments, {label:30s} {t:8.3f} s {t / t_inv:6.2f} x")
    m = moments(False)
    print(
        f"  chain: crossings {float(m['chain_crossings_mean']):.4f} "
        f"(var {float(m['chain_crossings_var']):.4f}), returns "
        f"{float(m['chain_returns_mean']):.4f}, km {float(m['chain_km_mean']):.1f}, "
        f"countries visited {float(m['chain_countries_visited_mean']):.3f}, "
        f"effective {float(m['countries_effective']):.2f}"
    )

    t, paths = best_of(
        lambda: top_paths(A, v, Y, 20, dest_countries=dest, country_of_node=c, km=D, B=B),
        args.repeat,
    )
    print(f"top_paths k=20, all products x destinations  {t:8.3f} s {t / t_inv:6.2f} x")
    y1 = np.zeros_like(Y)
    y1[N + 3] = Y[N + 3]  # one sector of one country, every destination
    t, paths1 = best_of(
        lambda: top_paths(A, v, y1, 20, dest_countries=dest, country_of_node=c, km=D, B=B),
        args.repeat,
    )
    print(f"top_paths k=20, one producing sector         {t:8.3f} s {t / t_inv:6.2f} x")
    for p in paths1[:3]:
        print(f"  {p.value:.4g} nodes={p.nodes} dest={p.destination} crossings={p.crossings}")


if __name__ == "__main__":
    main()
