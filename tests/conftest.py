"""Shared fixtures and helpers: small real tables shipped under tests/reference (no ../shared
needed), random balanced tables, country permutations and store provenance."""

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
FIXTURES = TESTS / "fixtures"
DECOMPR = REFERENCE / "decompr"
LEATHER = DECOMPR / "leather"
LRWIOD = REFERENCE / "lrwiod2000"
WIOD2013 = DATASETS / "wiod2013"
OECD = FIXTURES / "oecd_icio"
WIOD2016 = FIXTURES / "wiod2016_slice" / "wiot2002_fra_usa_wide.parquet"


def load_lrwiod2000() -> IOTable:
    """The real, exactly balanced 2000 table as decompr saw it: x = GO, va = x - 1'Z."""
    d = LRWIOD
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


def load_leather() -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int, list[str], list[str]
]:
    """decompr's 3 x 3 ``leather`` example as (Z, Y, x, va, G, N, countries, sectors).

    Node order = the order of tests/reference/decompr/leather/input/x.csv (country major);
    Y has one final-demand column per country; va = x - 1'Z as decompr uses.
    """
    xs = pd.read_csv(LEATHER / "input" / "x.csv")
    countries = list(dict.fromkeys(xs["country"]))
    sectors = list(dict.fromkeys(xs["sector"]))
    G, N = len(countries), len(sectors)
    ci = {c: i for i, c in enumerate(countries)}
    si = {s: k for k, s in enumerate(sectors)}

    def node(country: pd.Series, sector: pd.Series) -> np.ndarray:
        return (country.map(ci) * N + sector.map(si)).to_numpy()

    zl = pd.read_csv(LEATHER / "input" / "Z.csv")
    Z = np.zeros((G * N, G * N))
    Z[node(zl["from_country"], zl["from_sector"]), node(zl["to_country"], zl["to_sector"])] = zl[
        "value"
    ].to_numpy()
    yl = pd.read_csv(LEATHER / "input" / "Y.csv")
    Y = np.zeros((G * N, G))
    Y[node(yl["from_country"], yl["from_sector"]), yl["to_country"].map(ci).to_numpy()] = yl[
        "value"
    ].to_numpy()
    x = np.zeros(G * N)
    x[node(xs["country"], xs["sector"])] = xs["output"].to_numpy(dtype=float)
    return Z, Y, x, x - Z.sum(axis=0), G, N, countries, sectors


@pytest.fixture(scope="module")
def leather() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
    """The leather table as the kernels' positional arguments (Z, Y, x, va, G, N)."""
    return load_leather()[:6]


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


def table_from_flows(Z: np.ndarray, Y: np.ndarray, G: int, N: int) -> IOTable:
    """Balanced table from flows: x = Z 1 + Y 1, va = x - 1'Z, one final-demand category."""
    x = Z.sum(axis=1) + Y.sum(axis=1)
    return IOTable(
        tuple(f"C{s}" for s in range(G)),
        tuple(f"S{k}" for k in range(N)),
        ("F",),
        Z,
        Y,
        x,
        x - Z.sum(axis=0),
    )


def table_from_coefficients(A: np.ndarray, Y: np.ndarray, G: int, N: int) -> IOTable:
    """Balanced table from coefficients: x = (I - A)^-1 Y 1, Z = A x^, va = x - 1'Z."""
    x = np.linalg.solve(np.eye(G * N) - A, Y.sum(axis=1))
    return table_from_flows(A * x[None, :], Y, G, N)


def openness_table(open_: np.ndarray, G: int, N: int) -> IOTable:
    """Node i trades abroad in proportion to open_[i] (inputs and sales): foreign coefficients
    0.04 o_i o_j, final sales abroad 60 o_i per foreign country; domestic final sales 100."""
    c = np.repeat(np.arange(G), N)
    same = c[:, None] == c[None, :]
    A = np.where(same, 0.1, 0.04 * open_[:, None] * open_[None, :])
    A[np.diag_indices(G * N)] = 0.15
    Y = np.where(c[:, None] == np.arange(G)[None, :], 100.0, 60.0 * open_[:, None])
    return table_from_coefficients(A, Y, G, N)


def country_nodes(perm: np.ndarray, N: int) -> np.ndarray:
    """Node order that reorders whole countries by ``perm`` (N sectors per country)."""
    return (perm[:, None] * N + np.arange(N)[None, :]).ravel()


def permute_countries(
    Z: np.ndarray, Y: np.ndarray, x: np.ndarray, va: np.ndarray, N: int, perm: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """(Z, Y, x, va) with countries reordered by ``perm``, and the node order used."""
    nodes = country_nodes(perm, N)
    return (Z[np.ix_(nodes, nodes)], Y[np.ix_(nodes, perm)], x[nodes], va[nodes]), nodes


def provenance(source: str = "constructed", **fields: str) -> dict[str, str]:
    """Provenance for loading a test table into a store; ``fields`` override the defaults."""
    return {
        "source": source,
        "format": "test",
        "file_sha256": "0" * 64,
        "value_added_definition": "residual: x - column sums of Z",
        "output_definition": "row sums Z 1 + Y 1",
        **fields,
    }


def register_command(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    """Make sure ``module`` is among the CLI's registered command groups for one test."""
    import gvc.commands

    if module not in gvc.commands.MODULES:
        monkeypatch.setattr(gvc.commands, "MODULES", (*gvc.commands.MODULES, module))


def errors_only(err: str) -> str:
    """stderr of a CLI call less its progress lines (``[k/n] label``, written off a terminal):
    what is left must be the one error line."""
    import re

    return "\n".join(
        line for line in err.strip().splitlines() if not re.match(r"^\[\d+/\d+\] ", line)
    )
