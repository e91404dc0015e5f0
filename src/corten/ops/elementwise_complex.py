"""The parts of complex elements: ``real``, ``imag`` and ``conj`` (of a real tensor, a copy
in its dtype)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from corten.core.typeparams import DT, D, R
from corten.ops import _elementwise as _e
from corten.ops._elementwise import COMPLEX, NUMERIC, Spec, unary
from corten.tensor import Tensor, TensorView

__all__ = ["conj", "imag", "real"]

_CONJ: Final = Spec("conj", np.conjugate, NUMERIC)
_IMAG: Final = Spec("imag", _e.imag, COMPLEX, result="real")
_REAL: Final = Spec("real", _e.real, NUMERIC, result="real")


def conj(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The complex conjugate of each element (a copy of a real tensor).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.conj(ct.tensor([1 + 2j])).tolist()
    [(1-2j)]
    """
    return unary(_CONJ, x)


def imag(x: TensorView[DT, R, D], /) -> Tensor[Any, R, D]:
    """The imaginary part of each complex element, in the real dtype of the same precision.

    Needs a complex dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.imag(ct.tensor([1 + 2j])).tolist()
    [2.0]
    """
    return unary(_IMAG, x)


def real(x: TensorView[DT, R, D], /) -> Tensor[Any, R, D]:
    """The real part of each element, in the real dtype of the same precision (a copy of a
    real tensor).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.real(ct.tensor([1 + 2j])).tolist()
    [1.0]
    """
    return unary(_REAL, x)
