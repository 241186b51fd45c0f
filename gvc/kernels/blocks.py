"""Country-block helpers on country-major arrays (node ``i = s * N + k``).

``A^D`` keeps the domestic (diagonal) N x N blocks of ``A`` and ``A^F = A - A^D`` the foreign
ones (Koopman, Wang & Wei 2014, sec. II). Final demand ``Y`` is aggregated to ``(n, G)`` by
destination country; gross exports ``E`` are all sales, intermediate and final, to other
countries (KWW 2014 eq. 5).
"""

from __future__ import annotations

import numpy as np


def country_of(G: int, N: int) -> np.ndarray:
    """Country index of every node: ``[0]*N + [1]*N + ...``."""
    return np.repeat(np.arange(G), N)


def domestic_mask(G: int, N: int) -> np.ndarray:
    """Boolean (n, n) mask, True inside the diagonal country blocks."""
    c = country_of(G, N)
    return c[:, None] == c[None, :]


def split_domestic_foreign(M: np.ndarray, G: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(M^D, M^F)``: the block-diagonal domestic part and the foreign rest.

    >>> D, F = split_domestic_foreign(np.arange(4.0).reshape(2, 2), 2, 1)
    >>> D
    array([[0., 0.],
           [0., 3.]])
    >>> F
    array([[0., 1.],
           [2., 0.]])
    """
    mask = domestic_mask(G, N)
    D = np.where(mask, M, 0.0)
    F = M - D
    return D, F


def block_diagonal(blocks: np.ndarray) -> np.ndarray:
    """(G, N, N) stack of blocks -> (G*N, G*N) block-diagonal matrix."""
    G, N, _ = blocks.shape
    out = np.zeros((G, N, G, N))
    idx = np.arange(G)
    out[idx, :, idx, :] = blocks
    return out.reshape(G * N, G * N)


def sum_by_country_columns(M: np.ndarray, G: int, width: int) -> np.ndarray:
    """Sum groups of ``width`` consecutive columns: (r, G*width) -> (r, G).

    Used to aggregate final demand by destination country (``width`` = number of final-demand
    categories) or intermediate use by buying country (``width`` = N).
    """
    r = M.shape[0]
    return M.reshape(r, G, width).sum(axis=2)


def sum_by_country_rows(M: np.ndarray, G: int, N: int) -> np.ndarray:
    """Sum the N sector rows of each country: (G*N, c) -> (G, c)."""
    return M.reshape(G, N, -1).sum(axis=1)


def bilateral_exports(
    Z: np.ndarray, Y: np.ndarray, G: int, N: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gross exports of every node to every importing country.

    ``E_int[i, r] = sum_j Z[i, (r, j)]`` and ``E_fin[i, r] = Y[i, r]`` for ``r`` not the
    exporter's own country (zero on the own country).

    Parameters
    ----------
    Z : (n, n) intermediate flows.
    Y : (n, G) final demand by destination country.

    Returns
    -------
    E_int, E_fin : (n, G) intermediate and final exports.

    >>> Z = np.array([[1.0, 2.0], [3.0, 4.0]]); Y = np.array([[5.0, 6.0], [7.0, 8.0]])
    >>> E_int, E_fin = bilateral_exports(Z, Y, 2, 1)
    >>> E_int
    array([[0., 2.],
           [3., 0.]])
    >>> E_fin
    array([[0., 6.],
           [7., 0.]])
    """
    own = country_of(G, N)[:, None] == np.arange(G)[None, :]
    E_int = sum_by_country_columns(Z, G, N)
    E_int[own] = 0.0
    E_fin = np.array(Y, dtype=np.float64, copy=True)
    E_fin[own] = 0.0
    return E_int, E_fin


def total_exports(Z: np.ndarray, Y: np.ndarray, G: int, N: int) -> np.ndarray:
    """Total gross exports of every node, ``E_i = sum_{r != s} (E_int + E_fin)[i, r]`` (n,)."""
    E_int, E_fin = bilateral_exports(Z, Y, G, N)
    return E_int.sum(axis=1) + E_fin.sum(axis=1)
