"""Where the dense linear algebra runs: ``numpy`` (CPU, the default) or ``cupy`` (a GPU).

The backend is an option of the kernels that do the O(n^3) work (the Leontief inverse,
:func:`gvc.kernels.leontief.leontief_inverse`, and large products, :func:`matmul`), chosen by
the ``backend=`` argument or, for ``gvc run`` and the pipelines, the environment variable
``GVC_BACKEND`` (``numpy`` or ``cupy``). Inputs and results are numpy arrays either way; the
CuPy path copies the matrix to the device, computes there and copies the result back, so the
host holds the same arrays as on the CPU path and results agree to rounding (LU with partial
pivoting on both). CuPy is optional (``pip install cupy-cuda12x``) and imported only here,
only when asked for.

Not measured on a GPU yet: the GPU path has been written against CuPy's documented API and
its tests skip when CuPy or a device is absent.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from gvc.errors import InputError

BACKENDS = ("numpy", "cupy")
ENV = "GVC_BACKEND"


def resolve(name: str | None = None) -> str:
    """The backend to use: ``name``, else ``$GVC_BACKEND``, else ``numpy``.

    Raises
    ------
    InputError
        an unknown name, or ``cupy`` when CuPy or a CUDA device is not available.

    >>> resolve("numpy")
    'numpy'
    """
    chosen = (name or os.environ.get(ENV) or "numpy").strip().lower()
    if chosen not in BACKENDS:
        raise InputError(f"unknown array backend {chosen!r} (known: {', '.join(BACKENDS)})")
    if chosen == "cupy" and not available("cupy"):
        raise InputError("array backend 'cupy' asked for, but CuPy or a CUDA device is missing")
    return chosen


def available(name: str) -> bool:
    """Whether ``name`` can run here (``cupy``: importable and at least one device)."""
    if name == "numpy":
        return True
    if name != "cupy":
        return False
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount()) > 0
    except Exception:  # noqa: BLE001 - any import or driver failure means "not here"
        return False


def _cupy() -> Any:
    import cupy

    return cupy


def inverse(M: np.ndarray, backend: str | None = None) -> np.ndarray:
    """``M^-1`` on the chosen backend, as a C-contiguous numpy float64 array.

    >>> inverse(np.array([[2.0, 0.0], [0.0, 4.0]]), "numpy")
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    if resolve(backend) == "cupy":
        cp = _cupy()
        out = cp.linalg.inv(cp.asarray(M, dtype=cp.float64))
        return np.ascontiguousarray(cp.asnumpy(out))
    return np.linalg.inv(M)


def matmul(a: np.ndarray, b: np.ndarray, backend: str | None = None) -> np.ndarray:
    """``a @ b`` on the chosen backend (a numpy array back).

    >>> matmul(np.eye(2), np.array([[1.0], [2.0]]), "numpy")
    array([[1.],
           [2.]])
    """
    if resolve(backend) == "cupy":
        cp = _cupy()
        return cp.asnumpy(cp.asarray(a) @ cp.asarray(b))
    return a @ b
