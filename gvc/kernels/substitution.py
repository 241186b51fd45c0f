"""Import substitution: a cluster's imported inputs move to the home industry of the same product.

A cluster is a set ``J`` of sectors of one country ``c`` (nodes ``j = (c, k)``). A share
``theta`` of its imported intermediate inputs ``a_{(r,p), j}``, ``r != c`` (all origins, or the
origin countries given; all products, or the products given) moves to the home industry of the
same product ``(c, p)``::

    a1_{(r,p), j} = (1 - theta) a_{(r,p), j}
    a1_{(c,p), j} = a_{(c,p), j} + theta sum_{r != c} a_{(r,p), j}

for every ``j`` in ``J`` and every eligible ``(r, p)``. Column sums of ``A`` are unchanged:
the cluster needs the same inputs per unit of output, bought at home. With value added
computed at the baseline value-added coefficients ``v = 1' - 1'A`` (residual value added),
world value added ``v' x = 1' (I - A) x = 1' y`` is unchanged, so the home country's gain
equals the sum of the partners' losses (Los, Timmer & de Vries 2016, eq. 1: value added is
``v x`` at the baseline coefficients).

Products the home country does not make (``x_{(c,p)} = 0``) are not substituted: there is no
home industry to take the purchase, and :class:`Substitution` reports what was left. Option:
the same for country ``c``'s final imports of the cluster's products, ``Y[(r,k), c]`` for
``k`` in ``J``, which move to ``Y[(c,k), c]``.

The change is ``theta`` times a unit change ``D`` of the k columns ``J`` (and a unit change
``dy`` of final demand), so a grid over theta needs one product ``B D``
(:func:`gvc.kernels.rank_update.column_update_grid`).

References
----------
Los, B., Timmer, M. P. & de Vries, G. J. (2016). Tracing value-added and double counting in
gross exports: comment. American Economic Review 106(7), 1958-1966 (eq. 1).
Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis, 2nd ed. (the Leontief quantity
model with changed coefficients, ch. 2 and 12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gvc.errors import InputError
from gvc.kernels.blocks import country_of


@dataclass(frozen=True)
class Substitution:
    """Unit (``theta = 1``) change of one cluster's import substitution.

    Attributes
    ----------
    cols : (k,) node positions of the cluster (its columns of ``A``).
    D : (n, k) change of ``A[:, cols]`` at ``theta = 1`` (column sums zero).
    dy : (n,) change of total final demand at ``theta = 1`` (zeros unless final imports),
        all of it in destination ``country``'s column of ``Y``.
    left_inputs : (N,) coefficient mass per product left unsubstituted because the home
        industry has no output, ``sum_{r != c, j in J} a_{(r,p), j} x_j`` (value at baseline
        outputs ``x``, times theta for a scenario).
    left_final : (N,) final imports per product left unsubstituted (value, times theta).
    moved_inputs, moved_final : (N,) values substituted per product at ``theta = 1``.
    """

    country: int
    cols: np.ndarray
    D: np.ndarray
    dy: np.ndarray
    left_inputs: np.ndarray
    left_final: np.ndarray
    moved_inputs: np.ndarray
    moved_final: np.ndarray


def substitution_change(
    A: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    G: int,
    N: int,
    country: int,
    sectors: np.ndarray,
    *,
    origins: np.ndarray | None = None,
    products: np.ndarray | None = None,
    final_imports: bool = False,
) -> Substitution:
    """The unit change of import substitution by the cluster ``(country, sectors)``.

    Parameters
    ----------
    A : (n, n) input coefficients. Y : (n, G) final demand by destination country.
    x : (n,) the table's gross output: decides which home industries exist (``x > 0``) and
        values what is moved or left.
    G, N : countries and sectors.
    country : home country position ``c``. sectors : (k,) sector positions of the cluster.
    origins : country positions whose exports are substituted (default: all but ``c``).
    products : sector positions of the inputs substituted (default: all).
    final_imports : also substitute ``c``'s final imports of the cluster's products.

    Returns
    -------
    :class:`Substitution` (module docstring for the formula).

    Raises
    ------
    InputError
        positions out of range, duplicate sectors, an empty cluster.

    References
    ----------
    Los, Timmer & de Vries (2016, eq. 1); Miller & Blair (2009). See the module docstring.

    Examples
    --------
    Country 1's only sector buys 0.2 from country 0 and 0.1 at home per unit of output;
    substituting everything moves the 0.2 home:

    >>> A = np.array([[0.1, 0.2], [0.0, 0.1]]); Y = np.eye(2)
    >>> s = substitution_change(A, Y, np.array([5.0, 4.0]), 2, 1, 1, np.array([0]))
    >>> s.D[:, 0], s.moved_inputs
    (array([-0.2,  0.2]), array([0.8]))
    """
    n = G * N
    sectors = np.asarray(sectors, dtype=np.intp).ravel()
    if sectors.size == 0:
        raise InputError("import substitution: the cluster has no sectors")
    if np.unique(sectors).size != sectors.size or sectors.min() < 0 or sectors.max() >= N:
        raise InputError("import substitution: sectors must be distinct positions in [0, N)")
    if not 0 <= country < G:
        raise InputError(f"import substitution: country position {country} out of [0, {G})")
    if A.shape != (n, n) or Y.shape != (n, G) or np.shape(x) != (n,):
        raise InputError("import substitution: A, Y, x do not fit G, N")
    c = country_of(G, N)
    sec = np.arange(n) % N
    cols = country * N + sectors
    k = cols.size
    origin_ok = np.ones(G, dtype=bool) if origins is None else _mask(origins, G, "origin")
    product_ok = np.ones(N, dtype=bool) if products is None else _mask(products, N, "product")
    rows = (c != country) & origin_ok[c] & product_ok[sec]  # eligible imported inputs
    made = np.asarray(x, dtype=np.float64)[country * N : (country + 1) * N] > 0  # (N,)
    sub = rows & made[sec]
    left = rows & ~made[sec]
    Aj = A[:, cols]  # (n, k)
    moved = Aj * sub[:, None]
    D = -moved
    D[country * N : (country + 1) * N] += moved.reshape(G, N, k).sum(axis=0)
    xj = np.asarray(x, dtype=np.float64)[cols]
    by_product = (Aj * left[:, None]).reshape(G, N, k).sum(axis=0)  # (N, k)
    left_inputs = by_product @ xj
    moved_inputs = moved.reshape(G, N, k).sum(axis=0) @ xj

    dy = np.zeros(n)
    left_final = np.zeros(N)
    moved_final = np.zeros(N)
    if final_imports:
        fin = (c != country) & origin_ok[c] & np.isin(sec, sectors)
        if products is not None:
            fin &= product_ok[sec]
        fsub = fin & made[sec]
        imp = Y[:, country]
        taken = imp * fsub
        dy -= taken
        per_product = taken.reshape(G, N).sum(axis=0)
        dy[country * N : (country + 1) * N] += per_product
        moved_final = per_product
        left_final = (imp * (fin & ~made[sec])).reshape(G, N).sum(axis=0)
    return Substitution(country, cols, D, dy, left_inputs, left_final, moved_inputs, moved_final)


def _mask(positions: np.ndarray, size: int, what: str) -> np.ndarray:
    pos = np.asarray(positions, dtype=np.intp).ravel()
    if pos.size and (pos.min() < 0 or pos.max() >= size):
        raise InputError(f"import substitution: {what} position out of [0, {size})")
    out = np.zeros(size, dtype=bool)
    out[pos] = True
    return out
