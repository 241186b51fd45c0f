"""Array backends: numpy by default; the CuPy (GPU) path against numpy, skipped without a GPU."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_table
from numpy.testing import assert_allclose

from gvc.errors import InputError
from gvc.indicators.derived import Derived
from gvc.kernels import backend
from gvc.kernels.leontief import input_coefficients, leontief_inverse

needs_gpu = pytest.mark.skipif(not backend.available("cupy"), reason="CuPy or a GPU absent")


def test_default_is_numpy(monkeypatch):
    monkeypatch.delenv(backend.ENV, raising=False)
    assert backend.resolve() == "numpy"


def test_unknown_backend_is_refused(monkeypatch):
    monkeypatch.setenv(backend.ENV, "tpu")
    with pytest.raises(InputError, match="unknown array backend 'tpu'"):
        backend.resolve()


@pytest.mark.skipif(backend.available("cupy"), reason="a GPU is present")
def test_cupy_without_a_gpu_is_one_clear_error():
    with pytest.raises(InputError, match="CuPy or a CUDA device is missing"):
        backend.resolve("cupy")


def test_numpy_inverse_is_the_lapack_inverse():
    t = random_table(3)
    A = input_coefficients(t.Z, t.x)
    assert_allclose(backend.inverse(np.eye(t.n) - A, "numpy"), leontief_inverse(A), rtol=1e-12)


@needs_gpu
def test_gpu_inverse_and_products_equal_the_cpu(monkeypatch):
    t = random_table(4, G=5, N=4)
    A = input_coefficients(t.Z, t.x)
    B = leontief_inverse(A)
    assert_allclose(leontief_inverse(A, backend="cupy"), B, rtol=1e-10, atol=1e-12)
    assert_allclose(backend.matmul(B, t.Y, "cupy"), B @ t.Y, rtol=1e-10)
    monkeypatch.setenv(backend.ENV, "cupy")
    assert_allclose(Derived(t).B, B, rtol=1e-10, atol=1e-12)
