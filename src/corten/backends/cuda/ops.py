"""How the CUDA backend's compute verbs map onto kernels: operator tables, result dtypes
and the host-side layout arithmetic of launches."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    pass


__all__: list[str] = []

Array = np.ndarray[Any, Any]
Layout = tuple[tuple[int, ...], tuple[int, ...], int]


def _placeholder(dtype: np.dtype[Any], numel: int) -> Array:
    """``numel`` read-only elements of ``dtype`` over one element of host memory: what a
    device Buffer's ``array`` is (its shape and dtype; never its data)."""
    one = np.zeros(1, dtype=dtype)
    return np.broadcast_to(one, (numel,))  # (as_strided cannot take ml_dtypes' float8_e5m2)


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides = []
    step = 1
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


def _is_contiguous(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    step = 1
    for d, s in zip(reversed(shape), reversed(strides), strict=True):
        if d == 0:
            return True
        if d != 1 and s != step:
            return False
        step *= d
    return True


def _broadcast_strides(
    shape: tuple[int, ...], strides: tuple[int, ...], to: tuple[int, ...]
) -> tuple[int, ...]:
    """Strides of a ``shape``/``strides`` operand broadcast to ``to`` (0 where repeated)."""
    pad = len(to) - len(shape)
    out = [0] * pad
    for d, s, t in zip(shape, strides, to[pad:], strict=True):
        out.append(0 if d == 1 and t != 1 else s)
    return tuple(out)


def _element_offsets(layout: Layout) -> Array:
    """The element offset of every element of ``layout`` (int64, in its shape)."""
    shape, strides, offset = layout
    acc = np.full(shape, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides, strict=True)):
        if n > 1 and s:
            ix = [1] * len(shape)
            ix[d] = n
            acc += (np.arange(n, dtype=np.int64) * s).reshape(ix)
    return acc


#: corten's binary operators (``operator`` functions and NumPy ufunc names) to the
#: kernels' op names.
_BINARY: Final = {
    "add": "add",
    "sub": "subtract",
    "subtract": "subtract",
    "mul": "multiply",
    "multiply": "multiply",
    "truediv": "true_divide",
    "true_divide": "true_divide",
    "divide": "true_divide",
    "floordiv": "floor_divide",
    "floor_divide": "floor_divide",
    "mod": "remainder",
    "remainder": "remainder",
    "pow": "power",
    "power": "power",
    "and_": "bitwise_and",
    "bitwise_and": "bitwise_and",
    "or_": "bitwise_or",
    "bitwise_or": "bitwise_or",
    "xor": "bitwise_xor",
    "bitwise_xor": "bitwise_xor",
    "eq": "equal",
    "equal": "equal",
    "ne": "not_equal",
    "not_equal": "not_equal",
    "lt": "less",
    "less": "less",
    "le": "less_equal",
    "less_equal": "less_equal",
    "gt": "greater",
    "greater": "greater",
    "ge": "greater_equal",
    "greater_equal": "greater_equal",
    "maximum": "maximum",
    "minimum": "minimum",
}
_UNARY: Final = {
    "neg": "negative",
    "negative": "negative",
    "pos": "positive",
    "positive": "positive",
    "abs": "absolute",
    "absolute": "absolute",
    "invert": "invert",
    "inv": "invert",
    "bitwise_invert": "invert",
    "logical_not": "invert",
    "sqrt": "sqrt",
    "exp": "exp",
    "log": "log",
    "sin": "sin",
    "cos": "cos",
}


def _op_name(op: Callable[..., Any], table: dict[str, str]) -> str:
    name = getattr(op, "__name__", "")
    found = table.get(name)
    if found is None:
        raise NotImplementedError(f"the cuda backend has no kernel for {op!r}")
    return found


def _result_dtype(op: Callable[..., Any], dtype: np.dtype[Any], arity: int) -> np.dtype[Any]:
    """The dtype NumPy gives ``op`` on operands of ``dtype``."""
    x = np.ones(1, dtype=dtype)
    with np.errstate(all="ignore"):
        out = op(x, x) if arity == 2 else op(x)
    return np.asarray(out).dtype


def _scalar(value: Any) -> bool | int | float:
    return value.item() if isinstance(value, np.generic) else value  # type: ignore[no-any-return]
