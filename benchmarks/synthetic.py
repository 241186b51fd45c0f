"""Synthetic inter-country tables of realistic shape for benchmarks (never for correctness).

Structure: dense domestic blocks carrying about 80 % of each column's intermediate inputs,
foreign blocks with many small flows (about 60 % of cells non-zero), column sums of A between
0.3 and 0.7, several final-demand categories per country, final demand mostly domestic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def synthetic_arrays(G: int, N: int, F: int = 6, seed: int = 0):
    """Return ``(Z, Y_detail, x)`` of a balanced synthetic table (float64)."""
    rng = np.random.default_rng(seed)
    n = G * N
    c = np.repeat(np.arange(G), N)
    dom = c[:, None] == c[None, :]
    A = rng.random((n, n)) ** 3
    A[~dom] *= (rng.random((~dom).sum()) < 0.6) * 1.0
    dom_share = A * dom
    for_share = A * ~dom
    col_dom = dom_share.sum(0)
    col_for = for_share.sum(0)
    total = rng.uniform(0.3, 0.7, n)
    A = (
        dom_share * (0.8 * total / col_dom)[None, :]
        + for_share * (0.2 * total / np.maximum(col_for, 1e-300))[None, :]
    )
    fd = rng.random((n, G * F))
    fd_c = np.repeat(np.arange(G), F)
    fd[c[:, None] == fd_c[None, :]] *= 40.0
    fd *= rng.lognormal(8.0, 1.0, n)[:, None] / fd.sum(1, keepdims=True)
    x = np.linalg.solve(np.eye(n) - A, fd.sum(1))
    Z = A * x[None, :]
    return Z, fd, x


def write_long_table(
    directory: Path, G: int, N: int, F: int = 6, year: int = 2020, seed: int = 0
) -> Path:
    """Write the synthetic table in gvc's long layout (``wiot_<year>.parquet``)."""
    Z, Yd, x = synthetic_arrays(G, N, F, seed)
    n = G * N
    countries = np.array([f"C{s:02d}" for s in range(G)])
    sectors = np.array([f"S{k:02d}" for k in range(N)])
    fds = np.array([f"FD{f}" for f in range(F)])
    i, j = np.nonzero(Z)
    iy, jy = np.nonzero(Yd)
    rc = np.concatenate([i // N, iy // N]).astype(np.int32)
    rs = np.concatenate([i % N, iy % N]).astype(np.int32)
    cc = np.concatenate([j // N, jy // F]).astype(np.int32)
    items = np.concatenate([sectors, fds])
    ci = np.concatenate([j % N, N + jy % F]).astype(np.int32)
    table = pa.table(
        {
            "year": pa.array(np.full(rc.size, year, dtype=np.int16)),
            "row_country": pa.DictionaryArray.from_arrays(rc, countries),
            "row_sector": pa.DictionaryArray.from_arrays(rs, sectors),
            "col_country": pa.DictionaryArray.from_arrays(cc, countries),
            "col_item": pa.DictionaryArray.from_arrays(ci, items),
            "value": np.concatenate([Z[i, j], Yd[iy, jy]]),
        }
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"wiot_{year}.parquet"
    pq.write_table(table, path)
    del n
    return path


def to_frames(
    Z: np.ndarray, Yd: np.ndarray, G: int, N: int, F: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """pymrio-style labelled DataFrames of the same arrays."""
    idx = pd.MultiIndex.from_product(
        [[f"C{s:02d}" for s in range(G)], [f"S{k:02d}" for k in range(N)]],
        names=["region", "sector"],
    )
    cols = pd.MultiIndex.from_product(
        [[f"C{s:02d}" for s in range(G)], [f"FD{f}" for f in range(F)]],
        names=["region", "category"],
    )
    return pd.DataFrame(Z, index=idx, columns=idx), pd.DataFrame(Yd, index=idx, columns=cols)
