"""What the ``linalg`` extension's modules share: result types, argument checks, and
running a NumPy ``linalg`` function over the batch dimensions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple

import numpy as np

from corten.core.devices import meta
from corten.core.errors import ArgumentError, DTypeError, ShapeError
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    tensor_arg,
)
from corten.ops._dispatch import run
from corten.tensor import Tensor, TensorView

__all__ = ["EighResult", "QRResult", "SVDResult", "SlogdetResult"]

Array = np.ndarray[Any, Any]


class EighResult(NamedTuple, Generic[DT, D]):
    """What :func:`eigh` returns."""

    eigenvalues: Tensor[Any, AnyRank, D]
    eigenvectors: Tensor[DT, AnyRank, D]


class QRResult(NamedTuple, Generic[DT, D]):
    """What :func:`qr` returns."""

    Q: Tensor[DT, AnyRank, D]
    R: Tensor[DT, AnyRank, D]


class SlogdetResult(NamedTuple, Generic[DT, D]):
    """What :func:`slogdet` returns."""

    sign: Tensor[DT, AnyRank, D]
    logabsdet: Tensor[Any, AnyRank, D]


class SVDResult(NamedTuple, Generic[DT, D]):
    """What :func:`svd` returns."""

    U: Tensor[DT, AnyRank, D]
    S: Tensor[Any, AnyRank, D]
    Vh: Tensor[DT, AnyRank, D]


# ----------------------------------------------------------------------------- checks


def _floating(name: str, x: object, what: str = "x") -> TensorView[Any, Any, Any]:
    """A floating tensor that LAPACK takes (float32, float64, complex)."""
    t = tensor_arg(name, x, what)
    if t.dtype.kind not in "fc" or t.dtype.itemsize < 4:
        raise DTypeError(
            f"{name}() needs a float32 or float64 tensor, {what} is {t.dtype.name}; "
            f"convert it with ct.astype({what}, ct.float64) (or ct.float32)"
        )
    return t


def _matrices(name: str, x: object, *, square: bool = False) -> TensorView[Any, Any, Any]:
    """A floating tensor of rank 2 or more (square matrices when ``square``)."""
    t = _floating(name, x)
    _check_matrices(name, t, square=square)
    return t


def _check_matrices(name: str, t: TensorView[Any, Any, Any], *, square: bool) -> None:
    if t.ndim < 2:
        raise ShapeError(
            f"{name}() takes matrices (a tensor of rank 2 or more), got shape {t.shape}"
        )
    if square and t.shape[-1] != t.shape[-2]:
        raise ShapeError(f"{name}() takes square matrices, got shape {t.shape}")


def _identity(a: Any) -> Any:
    """A meta stand-in's square matrices as identities (zeros are singular)."""
    if isinstance(a, np.ndarray) and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return a


def _run(
    name: str, fn: Callable[..., Any], x: TensorView[Any, Any, Any], *args: Any, **kwargs: Any
) -> Any:
    """``run`` for LAPACK functions: a matrix they cannot take raises ArgumentError, and on
    ``meta`` the stand-ins of square matrices are identities (which every function takes)."""
    on_meta = x.device == meta

    def call(*a: Any, **k: Any) -> Any:
        if on_meta:
            a = tuple(_identity(v) for v in a)
        try:
            return fn(*a, **k)
        except np.linalg.LinAlgError as exc:
            raise ArgumentError(
                f"{name}(): {exc}; the computation does not exist for these elements"
            ) from None

    return run(name, call, x, *args, **kwargs)


# ----------------------------------------------------------------------------- decompositions
