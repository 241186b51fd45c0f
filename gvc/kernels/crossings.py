"""Border crossings, re-export rounds, kilometres and countries spanned by a value chain.

A unit of value added created at origin node ``i`` reaches a final buyer along paths
``i = j_0 -> j_1 -> ... -> j_m -> r`` (intermediate links, then the final sale of ``j_m``'s
product to destination country ``r``), each carrying the share
``v_i a_{i j_1} ... a_{j_{m-1} j_m} y_{j_m r}`` of the chain's value added
``va_i = v_i (B y)_i``. Every statistic here is a value-weighted average over all these paths,
obtained in closed form from the one Leontief inverse ``B = (I - A)^-1`` (no path enumeration).

*Link-additive counts.* Give every intermediate link ``j -> k`` a weight ``w(j, k)`` and every
final sale ``j -> r`` a weight ``f(j, r)``; with ``W = A o w`` (Hadamard product) and
``y^f_j = sum_r y_{jr} f(j, r)``, the path total ``S`` has

    E_i[S]   = [B W B y + B y^f]_i / [B y]_i
    E_i[S^2] = [B (A o w^2) B y + 2 B W B W B y + 2 B W B y^f + B y^{f^2}]_i / [B y]_i

because ``B W B`` sums, over all paths, the weight of each link once (it is the derivative
``d/dt (I - A - tW)^-1`` at ``t = 0``, the identity behind average propagation lengths,
Dietzenbacher, Romero & Bosma 2005) and ``B W B W B`` sums each ordered pair of links. Border
crossings take ``w = 1`` on foreign links (``W = A^F``) and ``f = 1`` when the final good
crosses a border, which gives a value-weighted average number of border crossings in the
sense of Muradov (2016, 2017); the final-leg Bernoulli is correlated with the path, which the
cross term ``2 B A^F B y^f`` accounts for exactly. The variance, return, distance and
countries-visited statistics below are ours.

*Countries visited.* ``P_i(path avoids c)`` is the share of ``i``'s value whose path, final
destination included, never touches country ``c``: with country ``c`` extracted,
``B_{-c} = (I - A_{-c,-c})^-1 = B_{-c,-c} - B_{-c,c} (B_{c,c})^-1 B_{c,-c}`` (the Schur
complement of the ``c`` block; hypothetical extraction, Dietzenbacher, van der Linden &
Steenge 1993), so no re-inversion is needed, and
``E_i[#countries] = sum_c P_i(visits c)``.

References
----------
Muradov, K. (2016). Counting borders in global value chains. 24th International Input-Output
Conference, Seoul. (Not seen; the text could not be consulted, so no equation is cited.)
Muradov, K. (2017). Trade costs and borders in global value chains. Review of World Economics
153, 487-509: proposes "a measure of the average number of border crossings" built on the
inter-country input-output framework (from the abstract; no equation number confirmed).
Dietzenbacher, E., Romero, I. & Bosma, N. S. (2005). Using average propagation lengths to
identify production chains in the Andalusian economy. Estudios de Economia Aplicada 23(2),
405-422 (the ``B A B`` path-counting identity).
Dietzenbacher, E., van der Linden, J. A. & Steenge, A. E. (1993). The regional extraction
method: EC input-output comparisons. Economic Systems Research 5(2), 185-206.
Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis, 2nd ed., Appendix A (partitioned
inverse).
"""

from __future__ import annotations

import numpy as np

from gvc.errors import InputError
from gvc.kernels.leontief import domestic_blocks, nan_divide


def block_column_products(M: np.ndarray, X: np.ndarray, G: int, N: int) -> np.ndarray:
    """``P[h] = M[:, block h] @ X[block h]``: the product split by the country of the summed index.

    With it, ``(M o w(country(j), country(k))) @ X`` for any country-pair weight ``w`` (G, G)
    is ``sum_h w[country(j), h] P[h, j]`` at the cost of one product ``M @ X``.

    Parameters
    ----------
    M : (n, n) array. X : (n, Q) array. G, N : countries and sectors, ``n = G * N``.

    Returns
    -------
    P : (G, n, Q) array, ``P.sum(axis=0) == M @ X``.

    Examples
    --------
    >>> M = np.arange(4.0).reshape(2, 2); X = np.ones((2, 1))
    >>> block_column_products(M, X, 2, 1)[:, :, 0]
    array([[0., 2.],
           [1., 3.]])
    """
    n = M.shape[0]
    Q = X.shape[1]
    return np.matmul(M.reshape(n, G, N).transpose(1, 0, 2), X.reshape(G, N, Q))


def _weighted_links(P: np.ndarray, w: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``(M o w[c_j, c_k]) @ X`` from ``P = block_column_products(M, X)``: (n, Q)."""
    return np.einsum("jh,hjq->jq", w[c], P)


def _final_leg(Yd: np.ndarray, f: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``y^f_{jq} = sum_r f[c_j, r] Yd[j, r, q]``: final demand weighted by the final-leg value."""
    return np.einsum("jr,jrq->jq", f[c], Yd)


def chain_moments(
    A: np.ndarray,
    B: np.ndarray,
    v: np.ndarray,
    y: np.ndarray,
    country_of_node: np.ndarray,
    *,
    dest_countries: np.ndarray | int,
    km: np.ndarray | None = None,
    continent_of_country: np.ndarray | None = None,
    by_destination: bool = False,
    share_threshold: float = 0.005,
) -> dict[str, np.ndarray]:
    """Border crossings, returns, km and countries spanned by the value added in a chain.

    For origin node ``i`` (per unit of its value added in the chain; ``v_i`` cancels) and with
    ``y_f`` the final demand weighted by the final-leg count (see the module docstring):

    - ``crossings_mean_i = [B A^F B y + B y^{x}]_i / [B y]_i``, ``y^x_j = sum_{r != c_j} y_jr``;
    - ``crossings_var_i = E_i[K(K-1)] + E_i[K] - E_i[K]^2`` with
      ``E_i[K(K-1)] [B y]_i = 2 [B A^F B A^F B y + B A^F B y^x]_i``;
    - ``returns_mean_i = [B A^{R,s} B y + B y^{R,s}]_i / [B y]_i`` for ``i`` in country ``s``:
      ``A^{R,s}`` keeps the foreign links *into* country ``s``, ``y^{R,s}_j = y_js`` for
      ``c_j != s`` (value coming home, as an input or as a final good);
    - ``intercontinental_mean`` and ``km_mean``: the same with link and final-leg weights
      ``1[continent differs]`` and ``km[c_j, c_k] 1[c_j != c_k]``;
    - ``countries_visited_mean_i = 1 + sum_{c != c_i} (1 - [B_{-c} y^{(-c)}]_i / [B y]_i)``,
      ``y^{(-c)}`` the chain's final demand for products not made in ``c`` and not bought in
      ``c``, ``B_{-c}`` from ``B`` by the Schur complement of the ``c`` block.

    Chain totals (keys ``chain_*``) are the value-added weighted averages over origins; the
    chain's variance is that of the mixture. ``countries_effective = exp(-sum_s p_s ln p_s)``
    and ``countries_over = #{s : p_s >= share_threshold}`` for the chain's value-added shares by
    origin country ``p_s``.

    Parameters
    ----------
    A : (n, n) input coefficients, country-major.
    B : (n, n) the global Leontief inverse ``(I - A)^-1`` of the same ``A`` (computed once by the
        caller and reused).
    v : (n,) value-added coefficients.
    y : (n, R) the chain's final demand by destination column (already masked to the chain's
        producing nodes), or (n,) for one column.
    country_of_node : (n,) int, country of every node; must be the country-major layout
        ``repeat(arange(G), N)``.
    dest_countries : (R,) int, destination country of every column of ``y`` (repeats allowed,
        e.g. one column per final-demand category).
    km : (G, G) distances between countries in km (see :mod:`gvc.kernels.geo`); adds
        ``km_mean``. The diagonal is ignored: only cross-border legs count.
    continent_of_country : (G,) int continent codes, or (G, K) continent shares of each country
        (rows summing to 1: an aggregate such as RoW spans several continents); adds
        ``intercontinental_mean``, the expected number of legs between continents, with link
        weight ``1 - q_j . q_k`` (the probability that two independently drawn members of
        ``c_j`` and ``c_k`` lie on different continents; ``1[continent differs]`` for codes).
    by_destination : False: the columns of ``y`` together form one chain and per-origin results
        are (n,). True: every column is its own chain (e.g. all destinations at once) and
        results are (n, R), chain totals (R,).
    share_threshold : share of the chain's value added for ``countries_over``.

    Returns
    -------
    dict of arrays. Per origin node, (n,) or (n, R): ``va`` (value added in the chain),
    ``crossings_mean``, ``crossings_var``, ``returns_mean``, ``countries_visited_mean`` and,
    when asked for, ``intercontinental_mean``, ``km_mean`` (NaN where the origin has no value in
    the chain). Per chain, () or (R,): ``chain_`` + each of those, ``countries_effective``,
    ``countries_over``; ``va_share_by_country`` (G,) or (G, R).

    Raises
    ------
    InputError
        Shapes do not match or the nodes are not in country-major order.

    References
    ----------
    Muradov (2016, 2017), average number of border crossings in value chains; Dietzenbacher,
    Romero & Bosma (2005), average propagation length ``B A B``; Dietzenbacher, van der Linden
    & Steenge (1993), extraction. Full entries in the module docstring.

    Examples
    --------
    Value added in country 0 is sold to country 1 as an input, then back to 0 as a final good:

    >>> A = np.array([[0.0, 0.5], [0.0, 0.0]]); B = np.linalg.inv(np.eye(2) - A)
    >>> y = np.array([[0.0], [1.0]])
    >>> m = chain_moments(A, B, np.array([1.0, 0.5]), y, np.array([0, 1]), dest_countries=[0])
    >>> m["crossings_mean"], m["returns_mean"], m["countries_visited_mean"]
    (array([2., 1.]), array([1., 0.]), array([2., 2.]))
    >>> float(m["chain_crossings_mean"])
    1.5
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    c = np.asarray(country_of_node, dtype=np.intp)
    n = A.shape[0]
    dest = np.atleast_1d(np.asarray(dest_countries, dtype=np.intp))
    R = Y.shape[1]
    if A.shape != (n, n) or B.shape != (n, n) or v.shape != (n,) or Y.shape[0] != n:
        raise InputError("A, B must be (n, n), v (n,) and y (n, R)")
    if c.shape != (n,) or dest.shape != (R,):
        raise InputError("country_of_node must be (n,) and dest_countries (R,) for y (n, R)")
    G = int(c.max()) + 1
    N = n // G
    if G * N != n or not np.array_equal(c, np.repeat(np.arange(G), N)):
        raise InputError("nodes must be country-major: country_of_node == repeat(arange(G), N)")
    if dest.min() < 0 or dest.max() >= G:
        raise InputError("dest_countries out of range")

    chain = np.arange(R) if by_destination else np.zeros(R, dtype=np.intp)
    Q = R if by_destination else 1
    # Final demand by (node, destination country, chain).
    Yd = np.zeros((n, G, Q))
    for r in range(R):  # columns, not nodes: a destination may have several
        Yd[:, dest[r], chain[r]] += Y[:, r]
    Yq = Yd.sum(axis=1)
    By = B @ Yq

    foreign = 1.0 - np.eye(G)
    # Each statistic: (link weight, final-leg weight) on country pairs.
    specs: dict[str, np.ndarray] = {"crossings": foreign}
    if continent_of_country is not None:
        cont = np.asarray(continent_of_country)
        if cont.shape == (G,):
            specs["intercontinental"] = (cont[:, None] != cont[None, :]).astype(np.float64)
        elif cont.ndim == 2 and cont.shape[0] == G:
            q = cont.astype(np.float64)
            if np.any(q < 0) or not np.allclose(q.sum(axis=1), 1.0):
                raise InputError("continent shares must be non-negative and sum to 1 by row")
            specs["intercontinental"] = np.clip(1.0 - q @ q.T, 0.0, 1.0) * foreign
        else:
            raise InputError("continent_of_country must be (G,) codes or (G, K) shares")
    if km is not None:
        D = np.asarray(km, dtype=np.float64)
        if D.shape != (G, G):
            raise InputError("km must be (G, G)")
        specs["km"] = D * foreign

    PA = block_column_products(A, By, G, N)
    rhs = [_weighted_links(PA, w, c) + _final_leg(Yd, w, c) for w in specs.values()]
    num = np.split(B @ np.concatenate(rhs, axis=1), len(specs), axis=1)
    nums = dict(zip(specs, num, strict=True))

    # E[K^2] [By] = B A^F By + 2 B A^F B A^F By + 2 B A^F B y^x + B y^x (w, f are 0/1), and the
    # mean numerator B A^F By + B y^x already is B (A^F B y + y^x).
    PF = block_column_products(A, nums["crossings"], G, N)
    K2 = nums["crossings"] + 2.0 * (B @ _weighted_links(PF, foreign, c))

    # Returns: link (j -> k) and final sale (j -> s) into the origin's country s from abroad.
    into = (c[None, :] != np.arange(G)[:, None])[:, :, None]  # [s, j]: j is abroad from s
    PA += Yd.transpose(1, 0, 2)
    PA *= into
    ret = np.matmul(B.reshape(G, N, n), PA).reshape(n, Q)
    del PA

    visited_num = _avoid_sums(B, Y, Yd, Yq, By, dest, chain, G, N)

    va = v[:, None] * By
    va_tot = va.sum(axis=0)
    out: dict[str, np.ndarray] = {"va": va}
    per_node = {f"{k}_mean": nums[k] for k in specs}
    per_node["returns_mean"] = ret
    for key, x in per_node.items():
        out[key] = nan_divide(x, By)
        out[f"chain_{key}"] = nan_divide(v @ x, va_tot)
    ek2 = nan_divide(K2, By)
    out["crossings_var"] = ek2 - out["crossings_mean"] ** 2
    out["chain_crossings_var"] = nan_divide(v @ K2, va_tot) - out["chain_crossings_mean"] ** 2
    out["countries_visited_mean"] = G - nan_divide(visited_num, By)
    out["chain_countries_visited_mean"] = G - nan_divide(v @ visited_num, va_tot)

    p = nan_divide(va.reshape(G, N, Q).sum(axis=1), va_tot)
    logp = np.log(np.where(p > 0, p, 1.0))
    out["va_share_by_country"] = p
    out["countries_effective"] = np.exp(-(p * logp).sum(axis=0))
    out["countries_over"] = (p >= share_threshold).sum(axis=0)
    if not by_destination:
        out = {k: x[..., 0] for k, x in out.items()}
    return out


def _avoid_sums(
    B: np.ndarray,
    Y: np.ndarray,
    Yd: np.ndarray,
    Yq: np.ndarray,
    By: np.ndarray,
    dest: np.ndarray,
    chain: np.ndarray,
    G: int,
    N: int,
) -> np.ndarray:
    """``sum_{c != c_i} [B_{-c} y^{(-c)}]_i``, (n, Q): value of ``i`` whose path avoids ``c``.

    ``B Z_c`` for ``Z_c = y^{(-c)}`` (rows of ``c`` and destination ``c`` removed) is assembled
    from products shared by all ``c``; then ``B_{-c} Z_c = (B Z_c)_{-c} - B_{-c,c} (B_{cc})^-1
    (B Z_c)_c`` (Schur complement, as ``(Z_c)_c = 0``).
    """
    n = B.shape[0]
    idx = np.arange(G)
    c = np.repeat(idx, N)
    # Final demand for c's own products bought in c: removed twice below, added back once.
    Ydd = Yd[np.arange(n), c, :]
    # BZ[c] = B Z_c, built in place: (G, n, Q) arrays dominate memory with one chain per column
    BZ = block_column_products(B, Yq - Ydd, G, N)
    np.subtract(By[None], BZ, out=BZ)
    BY = B @ Y
    for r in range(len(dest)):
        BZ[dest[r], :, chain[r]] -= BY[:, r]
    t = BZ.reshape(G, G, N, -1)[idx, idx]  # (B Z_c)_c
    s = np.linalg.solve(domestic_blocks(B, G, N), t)
    BZ -= block_column_products(B, s.reshape(n, -1), G, N)
    BZ.reshape(G, G, N, -1)[idx, idx] = 0.0  # c == c_i: always visited
    return BZ.sum(axis=0)
