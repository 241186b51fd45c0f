"""Shared fixtures: small real tables shipped under tests/reference (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gvc.table import IOTable

TESTS = Path(__file__).parent
REFERENCE = TESTS / "reference"
ROOT = TESTS.parent
DATASETS = ROOT / "datasets"


def load_lrwiod2000() -> IOTable:
    """The real, exactly balanced 2000 table as decompr saw it: x = GO, va = x - 1'Z."""
    d = REFERENCE / "lrwiod2000"
    cells = pd.read_parquet(d / "wiot_2000.parquet")
    inputs = pd.read_parquet(d / "inputs_2000.parquet")
    sectors = pd.read_parquet(d / "sectors.parquet")
    countries = list(dict.fromkeys(cells["row_country"].astype(str)))
    secs = list(sectors.iloc[:, 0].astype(str))
    fd = ["CONS_h", "CONS_g", "GFCF", "INVEN"]
    go = inputs[inputs["item"] == "GO"].set_index(["country", "sector"])["value"]
    idx = pd.MultiIndex.from_product([countries, secs])
    x = go.reindex(idx).to_numpy()
    return IOTable.from_long(cells, countries, secs, fd, x=x, source="lrwiod2000")


@pytest.fixture(scope="session")
def lrwiod2000() -> IOTable:
    return load_lrwiod2000()


def random_table(seed: int, G: int = 3, N: int = 2, F: int = 2, trade: float = 0.3) -> IOTable:
    """A random productive, exactly balanced table with positive final demand.

    Column sums of A lie in [0.2, 0.7]; foreign coefficients are scaled by ``trade`` (0 gives
    block-diagonal A, although final demand still crosses borders); ``x = (I - A)^-1 Y 1``.
    """
    rng = np.random.default_rng(seed)
    n = G * N
    A = rng.uniform(0.0, 1.0, (n, n))
    c = np.repeat(np.arange(G), N)
    A[c[:, None] != c[None, :]] *= trade
    A *= rng.uniform(0.2, 0.7, n)[None, :] / A.sum(axis=0)[None, :]
    Yd = rng.uniform(1.0, 100.0, (n, G * F))
    x = np.linalg.solve(np.eye(n) - A, Yd.sum(axis=1))
    Z = A * x[None, :]
    return IOTable(
        tuple(f"C{s}" for s in range(G)),
        tuple(f"S{k}" for k in range(N)),
        tuple(f"F{f}" for f in range(F)),
        Z,
        Yd,
        x,
        x - Z.sum(axis=0),
    )
