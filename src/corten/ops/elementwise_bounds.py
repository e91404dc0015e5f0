"""The bounds of each element: ``maximum``, ``minimum`` and ``clip`` (real dtypes)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from corten.core.convert import scalar_for
from corten.core.dtypes import promote_types
from corten.core.errors import DTypeError, ShapeError
from corten.core.typeparams import DT, AnyRank, D, R
from corten.ops import _elementwise as _e
from corten.ops._dispatch import device_of, run
from corten.ops._elementwise import REAL, Spec, binary, check_kind, tensor_arg
from corten.tensor import Tensor, TensorView
from corten.tensor._build import _result

__all__ = ["clip", "maximum", "minimum"]

_MAXIMUM: Final = Spec("maximum", np.maximum, REAL, verb=np.maximum)
_MINIMUM: Final = Spec("minimum", np.minimum, REAL, verb=np.minimum)
_CLIP: Final = Spec("clip", _e.clip_fn, REAL)


def maximum(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The larger of each pair of elements; NaN if either is NaN.

    Needs real dtypes (integer or real floating). Either argument may be a Python
    scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.maximum(ct.tensor([1, 5]), 3).tolist()
    [3, 5]
    """
    return binary(_MAXIMUM, x1, x2)


def minimum(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The smaller of each pair of elements; NaN if either is NaN.

    Needs real dtypes (integer or real floating). Either argument may be a Python
    scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.minimum(ct.tensor([1, 5]), 3).tolist()
    [1, 3]
    """
    return binary(_MINIMUM, x1, x2)


def clip(
    x: TensorView[DT, R, D],
    /,
    min: int | float | TensorView[Any, Any, D] | None = None,
    max: int | float | TensorView[Any, Any, D] | None = None,
) -> Tensor[DT, R, D]:
    """Each element of ``x`` limited to ``[min, max]``, in ``x``'s dtype and shape.

    ``min`` and ``max`` are Python scalars (which must fit ``x``'s dtype) or tensors that
    broadcast to ``x``'s shape; None leaves that side open. A NaN in ``x``, ``min`` or
    ``max`` gives NaN. Needs real dtypes; tensor bounds of another dtype of the same
    kind are rounded to ``x``'s.

    Raises
    ------
    ShapeError
        If a tensor bound does not broadcast to ``x``'s shape.

    Examples
    --------
    >>> import corten as ct
    >>> ct.clip(ct.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0).tolist()
    [0.0, 0.5, 1.0]
    >>> ct.clip(ct.tensor([1, 5, 9]), max=6).tolist()
    [1, 5, 6]
    """
    t = tensor_arg("clip", x)
    dtype = t._dtype
    check_kind(_CLIP, dtype)
    bounds: list[Any] = []
    for which, v in (("min", min), ("max", max)):
        if v is None or isinstance(v, TensorView):
            bounds.append(v)
        elif isinstance(v, (bool, int, float, np.integer, np.floating)):
            bounds.append(scalar_for(v, dtype))
        else:
            raise DTypeError(
                f"clip's {which} is a Python scalar, a tensor or None, got {type(v).__name__}"
            )
    lo, hi = bounds
    tensors = [v for v in (t, lo, hi) if isinstance(v, TensorView)]
    device_of("clip", tensors)
    for which, v in (("min", lo), ("max", hi)):
        if isinstance(v, TensorView):
            check_kind(_CLIP, v._dtype)
            promote_types(dtype, v._dtype)  # the same kind, or DTypeError
            if v._shape != t._shape and np.broadcast_shapes(v._shape, t._shape) != t._shape:
                raise ShapeError(
                    f"clip's {which} of shape {v._shape} does not broadcast to {t._shape}"
                )
    if t._device.kind == "cpu":
        with np.errstate(all="ignore"):
            out = _e.clip_fn(
                t._np(),
                lo._np() if isinstance(lo, TensorView) else lo,
                hi._np() if isinstance(hi, TensorView) else hi,
            )
        return _result(np.asarray(out, dtype=dtype.numpy), t._device)
    same = [
        v if not isinstance(v, TensorView) or v._dtype is dtype else v.astype(dtype)
        for v in (lo, hi)
    ]
    return run(  # type: ignore[no-any-return]
        "clip", lambda a, p, q: np.asarray(_e.clip_fn(a, p, q), dtype=dtype.numpy), t, *same
    )
