"""The real floating functions of two arguments: ``atan2``, ``copysign``, ``hypot``,
``logaddexp`` and ``nextafter``."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from corten.core.typeparams import DT, AnyRank, D
from corten.ops import _elementwise as _e
from corten.ops._elementwise import REAL_FLOATING, Spec, binary
from corten.tensor import Tensor, TensorView

__all__ = ["atan2", "copysign", "hypot", "logaddexp", "nextafter"]

_ATAN2: Final = Spec("atan2", np.arctan2, REAL_FLOATING)
_COPYSIGN: Final = Spec("copysign", np.copysign, REAL_FLOATING)
_HYPOT: Final = Spec("hypot", np.hypot, REAL_FLOATING)
_LOGADDEXP: Final = Spec("logaddexp", np.logaddexp, REAL_FLOATING)
_NEXTAFTER: Final = Spec("nextafter", _e.nextafter, REAL_FLOATING)


def atan2(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The angle of each point ``(x2, x1)``: the inverse tangent of ``x1 / x2`` in the
    right quadrant, in radians.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.atan2(ct.tensor([1.0]), ct.tensor([1.0])).tolist() == [0.7853981852531433]
    True
    """
    return binary(_ATAN2, x1, x2)


def copysign(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The magnitude of each element of ``x1`` with the sign of ``x2``'s.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.copysign(ct.tensor([1.5, -2.0]), -0.0).tolist()
    [-1.5, -2.0]
    """
    return binary(_COPYSIGN, x1, x2)


def hypot(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """``sqrt(x1**2 + x2**2)`` of each pair of elements, without overflow or underflow in
    between.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.hypot(ct.tensor([3.0]), 4.0).tolist()
    [5.0]
    """
    return binary(_HYPOT, x1, x2)


def logaddexp(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """``log(exp(x1) + exp(x2))`` of each pair of elements, without overflow in between.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.logaddexp(ct.tensor([0.0]), 0.0).tolist() == [0.6931471824645996]
    True
    """
    return binary(_LOGADDEXP, x1, x2)


def nextafter(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The next representable number after each element of ``x1`` toward ``x2``'s (``x2``
    itself where they are equal).

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.nextafter(ct.tensor([1.0]), 2.0).tolist() == [1.0000001192092896]
    True
    """
    return binary(_NEXTAFTER, x1, x2)
