"""Input coefficients, value-added coefficients and Leontief inverses.

Notation (Miller & Blair 2009, ch. 2; Koopman, Wang & Wei 2014): ``Z`` intermediate flows
(n x n, row = seller, column = buyer), ``x`` gross output (n), ``va`` value added (n),
``A = Z x^-hat`` input coefficients, ``v = va / x`` value-added coefficients,
``B = (I - A)^-1`` the global Leontief inverse and ``L`` the local inverses
``L^{ss} = (I - A^{ss})^-1`` of each country's domestic block.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg as sla

from gvc.errors import InputError, NumericalError
from gvc.kernels import backend as _backend


def safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with 0 wherever ``den == 0`` (zero-output sectors get zero coefficients).

    >>> safe_divide(np.array([1.0, 2.0]), np.array([2.0, 0.0]))
    array([0.5, 0. ])
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def nan_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with NaN (undefined) wherever ``den == 0``.

    >>> nan_divide(np.array([1.0, 2.0]), np.array([2.0, 0.0]))
    array([0.5, nan])
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def input_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Technical (input) coefficients ``A = Z diag(x)^-1``.

    ``a_ij = z_ij / x_j`` (Miller & Blair 2009, eq. 2.4); a column with ``x_j = 0`` (a sector
    with zero output) gets zero coefficients, never a division by zero.

    Parameters
    ----------
    Z : (n, n) array, intermediate flows, row = selling node, column = buying node.
    x : (n,) array, gross output.

    Returns
    -------
    A : (n, n) float64 array.

    >>> input_coefficients(np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([10.0, 0.0]))
    array([[0.1, 0. ],
           [0.3, 0. ]])
    """
    return safe_divide(Z, np.asarray(x, dtype=np.float64)[None, :])


def value_added_coefficients(va: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Value-added coefficients ``v_j = va_j / x_j`` (0 where ``x_j = 0``).

    >>> value_added_coefficients(np.array([4.0, 1.0]), np.array([10.0, 0.0]))
    array([0.4, 0. ])
    """
    return safe_divide(va, x)


def residual_value_added(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Value added as the residual ``va = x - 1'Z`` (column sums of Z).

    This is the definition Stata ``icio``, R ``icio`` and ``decompr`` use when a table gives
    gross output but no value-added row; it then includes net taxes on products and
    international transport margins.
    """
    return np.asarray(x, dtype=np.float64) - Z.sum(axis=0)


def leontief_inverse(
    A: np.ndarray, *, check: bool = True, overwrite_a: bool = False, backend: str | None = None
) -> np.ndarray:
    """Global Leontief inverse ``B = (I - A)^-1`` by LU factorisation (LAPACK ``gesv``).

    ``x = B y`` (Miller & Blair 2009, eq. 2.11): ``b_ij`` is the output of ``i`` needed for one
    unit of final demand for ``j``. Works in place on one copy of ``I - A`` and the identity:
    peak memory is two n x n arrays besides ``A``, or ``A`` and one more with ``overwrite_a``.

    Parameters
    ----------
    A : (n, n) array of input coefficients.
    check : raise :class:`~gvc.errors.NumericalError` when ``I - A`` is singular, or when the
        inverse has materially negative entries (a non-productive table).
    overwrite_a : build ``I - A`` in ``A``'s own memory (a C-contiguous float64 array the
        caller no longer needs; it is destroyed): one n x n array less at peak.
    backend : ``"numpy"`` (LAPACK here) or ``"cupy"`` (the inverse on a GPU,
        :mod:`gvc.kernels.backend`); None: ``$GVC_BACKEND``, else numpy.

    Returns
    -------
    B : (n, n) float64 C-contiguous array.

    Raises
    ------
    NumericalError
        ``I - A`` is singular or the table is not productive.

    >>> leontief_inverse(np.array([[0.5, 0.0], [0.0, 0.0]]))
    array([[2., 0.],
           [0., 1.]])
    """
    n = A.shape[0]
    M = _identity_minus(A, overwrite=overwrite_a)
    scale = max(float(M.max()), -float(M.min()), 1.0)
    if _backend.resolve(backend) == "cupy":
        B = _backend.inverse(M, "cupy")
        if not np.all(np.isfinite(B)):
            raise NumericalError("I - A is singular (the GPU inverse has NaN or inf entries)")
        if check:
            check_productive(B)
        return B
    # Solve (I - A)^T X = I in Fortran order: X^T = (I - A)^-1 comes out C-contiguous, and
    # M.T is already the Fortran layout of (I - A)^T, so LAPACK copies nothing.
    Mt = M.T
    eye = np.eye(n, order="F")
    (gesv,) = sla.get_lapack_funcs(("gesv",), (Mt,))
    lu, _piv, X, info = gesv(Mt, eye, overwrite_a=True, overwrite_b=True)
    _check_pivots(np.diag(lu), scale, info, np.asarray(A, dtype=np.float64).sum(axis=0))
    B = X.T
    if check:
        check_productive(B)
    return B


def lu_transposed(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of ``M^T`` for a C-contiguous ``M = I - A``, in ``M``'s memory (destroyed).

    ``M^T`` in Fortran order is ``M``'s own memory, so LAPACK ``getrf`` factorises it without
    a copy. With :func:`inverse_from_lu` this is :func:`leontief_inverse` split in two, so
    that solves with few right-hand sides (:func:`lu_solve_transposed`) need no inverse.

    Raises
    ------
    NumericalError
        NaN/inf entries or a singular ``I - A``.
    """
    if not np.all(np.isfinite(M)):
        raise NumericalError("I - A has NaN or infinite entries")
    scale = max(float(M.max()), -float(M.min()), 1.0)
    colsum_A = 1.0 - M.sum(axis=0)  # M = I - A: kept to name a singular node (n numbers)
    (getrf,) = sla.get_lapack_funcs(("getrf",), (M.T,))
    lu, piv, info = getrf(M.T, overwrite_a=True)
    _check_pivots(np.diag(lu), scale, info, colsum_A)
    return lu, piv


def inverse_from_lu(lu_piv: tuple[np.ndarray, np.ndarray], *, check: bool = True) -> np.ndarray:
    """``B = (I - A)^-1`` from :func:`lu_transposed` (``getrs`` on the identity, as ``gesv``
    does): one more n x n array; B comes out C-contiguous."""
    lu, piv = lu_piv
    n = lu.shape[0]
    (getrs,) = sla.get_lapack_funcs(("getrs",), (lu,))
    X, info = getrs(lu, piv, np.eye(n, order="F"), trans=0, overwrite_b=True)
    if info != 0:  # pragma: no cover - only for invalid arguments
        raise NumericalError(f"LAPACK getrs failed (info {info})")
    B = X.T
    if check:
        check_productive(B)
    return B


def lu_solve_transposed(
    lu_piv: tuple[np.ndarray, np.ndarray], rhs: np.ndarray, trans: int
) -> np.ndarray:
    """Solve with the factors of :func:`lu_transposed`: ``trans=1`` solves ``(I - A) X = rhs``
    (``X = B rhs``), ``trans=0`` solves ``(I - A)^T X = rhs`` (``X^T = rhs^T B``)."""
    lu, piv = lu_piv
    (getrs,) = sla.get_lapack_funcs(("getrs",), (lu,))
    X, info = getrs(lu, piv, np.asarray(rhs, dtype=np.float64), trans=trans)
    if info != 0:  # pragma: no cover - only for invalid arguments
        raise NumericalError(f"LAPACK getrs failed (info {info})")
    return X


def leontief_solve(A: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ``(I - A) X = rhs`` without forming the inverse (cheaper when rhs has few columns).

    >>> leontief_solve(np.array([[0.5, 0.0], [0.0, 0.0]]), np.array([1.0, 1.0]))
    array([2., 1.])
    """
    return sla.lu_solve(leontief_lu(A), np.asarray(rhs, dtype=np.float64), check_finite=False)


def leontief_lu(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of ``I - A`` (for ``scipy.linalg.lu_solve``), with the singularity check.

    Raises
    ------
    NumericalError
        ``I - A`` has NaN/inf entries or is singular.
    """
    M = _identity_minus(A)
    scale = max(float(M.max()), -float(M.min()), 1.0)
    try:
        with warnings.catch_warnings():
            # a zero pivot is reported below as a NumericalError naming the position
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu, piv = sla.lu_factor(M, overwrite_a=True, check_finite=False)
    except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - lapack edge
        raise NumericalError(f"LU factorisation of I - A failed: {exc}") from exc
    _check_pivots(np.diag(lu), scale, 0, np.asarray(A, dtype=np.float64).sum(axis=0))
    return lu, piv


def _identity_minus(A: np.ndarray, overwrite: bool = False) -> np.ndarray:
    if overwrite and A.dtype == np.float64 and A.flags.c_contiguous and A.flags.writeable:
        M = np.negative(A, out=A)
    else:
        M = -np.asarray(A, dtype=np.float64)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise NumericalError(f"A must be square, got shape {M.shape}")
    if not np.all(np.isfinite(M)):
        raise NumericalError("I - A has NaN or infinite entries")
    M[np.diag_indices(M.shape[0])] += 1.0
    return M


def _check_pivots(diag: np.ndarray, scale: float, info: int, colsum_A: np.ndarray) -> None:
    """Raise on vanishing pivots, naming the node whose column sum of A (``colsum_A``) is 1
    or more (:func:`singular_node`)."""
    n = diag.size
    bad = np.flatnonzero(np.abs(diag) <= scale * n * np.finfo(float).eps)
    if info > 0 and bad.size == 0:
        bad = np.array([info - 1])
    if bad.size:
        cols = np.flatnonzero(colsum_A >= 1.0 - 1e-9)
        node = int(cols[0]) if cols.size else None
        raise NumericalError(
            f"I - A is singular ({bad.size} of {n} pivots vanish): "
            + (
                f"node {node} uses inputs worth its whole output (column sum of A "
                f"{float(colsum_A[node]):.6g})"
                if node is not None
                else "a group of sectors uses its own whole output"
            ),
            node=node,
        )


def singular_node(A: np.ndarray) -> int | None:
    """The first node whose intermediate inputs are worth at least its whole output.

    A non-negative ``A`` whose every column sums to less than 1 has a non-singular ``I - A``
    (Miller & Blair 2009, sec. 2.9: the column-sum condition); a singular one therefore has a
    column summing to 1 or more, which names the sector (and country) to look at.
    """
    A = np.asarray(A, dtype=np.float64)
    cols = np.flatnonzero(A.sum(axis=0) >= 1.0 - 1e-9)
    return int(cols[0]) if cols.size else None


def check_productive(B: np.ndarray, tol: float = 1e-9) -> None:
    """Raise when ``B`` has materially negative entries: ``A`` is then not productive.

    For a productive (spectral radius < 1) non-negative ``A`` the inverse is non-negative
    (Hawkins-Simon; Miller & Blair 2009, sec. 2.9).
    """
    lo = float(B.min())
    if lo < -tol * max(1.0, float(B.max()), -lo):
        i, j = np.unravel_index(int(np.argmin(B)), B.shape)
        raise NumericalError(
            f"(I - A)^-1 has a negative entry {lo:.3g} at ({i}, {j}): the table is not "
            "productive (some column of A sums to 1 or more)"
        )


def local_inverses(A: np.ndarray, G: int, N: int) -> np.ndarray:
    """Local Leontief inverses ``L^{ss} = (I - A^{ss})^-1`` of each country's domestic block.

    Parameters
    ----------
    A : (G*N, G*N) coefficients, country-major.
    G, N : number of countries and sectors.

    Returns
    -------
    L : (G, N, N) array, ``L[s]`` the local inverse of country ``s``
        (use :func:`gvc.kernels.blocks.block_diagonal` for the n x n form).

    >>> A = np.array([[0.5, 0.1], [0.2, 0.0]])
    >>> local_inverses(A, 2, 1)[:, 0, 0]
    array([2., 1.])
    """
    Ad = domestic_blocks(A, G, N)
    eye = np.eye(N)
    return np.linalg.inv(eye[None, :, :] - Ad)


def domestic_blocks(M: np.ndarray, G: int, N: int) -> np.ndarray:
    """The G diagonal N x N blocks of a country-major matrix, as a (G, N, N) array (a copy)."""
    M4 = M.reshape(G, N, G, N)
    idx = np.arange(G)
    return M4[idx, :, idx, :].copy()


def check_table(
    Z: np.ndarray, Y: np.ndarray, x: np.ndarray, va: np.ndarray, G: int, N: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate shapes and finiteness; return float64 copies of ``(Z, Y, x, va)``.

    Raises
    ------
    InputError
        a shape does not match ``G`` and ``N`` or an entry is NaN or infinite.
    """
    n = G * N
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    for name, arr, shape in (
        ("Z", Z, (n, n)),
        ("Y", Y, (n, G)),
        ("x", x, (n,)),
        ("va", va, (n,)),
    ):
        if arr.shape != shape:
            raise InputError(f"{name} has shape {arr.shape}, expected {shape} (G={G}, N={N})")
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{name} has NaN or infinite entries")
    return Z, Y, x, va


def global_inverse(Z: np.ndarray, x: np.ndarray, B: np.ndarray | None) -> np.ndarray:
    """``B`` when given (shape-checked), else ``(I - A)^-1`` with ``A = Z x-hat^-1``."""
    n = Z.shape[0]
    if B is None:
        return leontief_inverse(input_coefficients(Z, x))
    B = np.asarray(B, dtype=np.float64)
    if B.shape != (n, n):
        raise InputError(f"B has shape {B.shape}, expected {(n, n)}")
    return B
