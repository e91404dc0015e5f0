"""The classification of each element of one tensor: ``isfinite``, ``isinf`` and ``isnan``
(bool results)."""

from __future__ import annotations

from typing import Final

import numpy as np

from corten.core.dtypes import Bool
from corten.core.typeparams import DT, D, R
from corten.ops._elementwise import NUMERIC, Spec, unary
from corten.tensor import Tensor, TensorView

__all__ = ["isfinite", "isinf", "isnan"]

_ISFINITE: Final = Spec("isfinite", np.isfinite, NUMERIC, result="bool")
_ISINF: Final = Spec("isinf", np.isinf, NUMERIC, result="bool")
_ISNAN: Final = Spec("isnan", np.isnan, NUMERIC, result="bool")


def isfinite(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether each element is finite (for complex: both parts finite).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isfinite(ct.tensor([1.0, float('inf'), float('nan')])).tolist()
    [True, False, False]
    """
    return unary(_ISFINITE, x)


def isinf(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether each element is infinite (for complex: either part).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isinf(ct.tensor([1.0, float('-inf')])).tolist()
    [False, True]
    """
    return unary(_ISINF, x)


def isnan(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether each element is NaN (for complex: either part).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isnan(ct.tensor([1.0, float('nan')])).tolist()
    [False, True]
    """
    return unary(_ISNAN, x)
