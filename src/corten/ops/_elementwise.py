"""How the elementwise functions run: argument checks, promotion, and the device paths.

Each public function of ``ops.elementwise`` names a spec here (its NumPy function, the
dtype kinds it takes, the dtype of its result, and the backend verb that runs it off the
CPU where one exists). Functions that are also operators (``add`` is ``+``) call the
operator, so that ``add(x, y)`` and ``x + y`` cannot differ.

On the CPU a function is NumPy's, inline over the tensor's memory, its result a new
owner. On ``cuda`` a function with a backend verb (``sqrt``, ``maximum``...) runs the
backend's kernel; every other function on every other device goes through
``ops._dispatch.run`` (NumPy over ``sim`` memory in stream order, shapes on ``meta``,
``DeviceUnavailableError`` naming the function where a backend has no such kernel).

The standard's special cases are NumPy's, with two repairs that tests of
``tests/array_api/special_cases.py`` found: complex ``expm1`` of non-finite values
(NumPy skips the special cases; ``exp(z) - 1`` has them) and float16 ``nextafter`` of
equal arguments (NumPy returns ``x1``; IEEE 754 and the standard, ``x2``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from corten.backends import get_backend
from corten.core.convert import scalar_for
from corten.core.devices import cpu
from corten.core.dtypes import DType, bool_, real_dtype
from corten.core.errors import DeviceUnavailableError, DTypeError, ShapeError
from corten.ops._dispatch import device_of, run
from corten.ops.dtypes import result_type
from corten.tensor import Tensor, TensorView
from corten.tensor._build import TENSOR_TYPES, _result, _wrap_region

__all__: list[str] = []

Array = np.ndarray[Any, Any]

#: Dtype kinds (NumPy's letters) by the standard's category names.
BOOL: Final = "b"
INTEGER: Final = "iu"
INTEGER_OR_BOOL: Final = "biu"
REAL_FLOATING: Final = "f"
FLOATING: Final = "fc"
COMPLEX: Final = "c"
REAL: Final = "iuf"
NUMERIC: Final = "iufc"
ANY: Final = "biufc"

_CATEGORY: Final = {
    BOOL: "a bool",
    INTEGER: "an integer",
    INTEGER_OR_BOOL: "an integer or bool",
    REAL_FLOATING: "a real floating",
    FLOATING: "a floating (real or complex)",
    COMPLEX: "a complex",
    REAL: "a real (integer or real floating)",
    NUMERIC: "a numeric",
    ANY: "any",
}

_SCALARS: Final = (bool, int, float, complex)


@dataclass(frozen=True, slots=True)
class Spec:
    """One elementwise function.

    ``kinds``: the dtype kinds it takes. ``result``: ``"same"`` (the computed dtype),
    ``"bool"``, or ``"real"`` (a complex input gives its real dtype). ``verb``: the NumPy
    ufunc that backends' ``binary``/``unary`` verbs know, for cuda. ``identity_ints``:
    integers are returned unchanged (``ceil``, ``floor``, ``round``, ``trunc``).
    """

    name: str
    fn: Callable[..., Any]
    kinds: str
    result: str = "same"
    verb: np.ufunc | None = None
    identity_ints: bool = False

    def out_dtype(self, dtype: DType) -> DType:
        if self.result == "bool":
            return bool_
        if self.result == "real":
            return real_dtype(dtype)
        return dtype


def check_kind(spec: Spec, dtype: DType) -> None:
    if dtype.kind not in spec.kinds:
        fix = (
            " convert it with .astype(ct.float32) or .astype(ct.float64)"
            if spec.kinds in (FLOATING, REAL_FLOATING)
            else ""
        )
        raise DTypeError(
            f"{spec.name}() needs {_CATEGORY[spec.kinds]} dtype, got {dtype.name};{fix}"
            if fix
            else f"{spec.name}() needs {_CATEGORY[spec.kinds]} dtype, got {dtype.name}"
        )


def tensor_arg(name: str, x: object) -> TensorView[Any, Any, Any]:
    if not isinstance(x, TensorView):
        raise DTypeError(
            f"{name}() takes a tensor, got {type(x).__name__}; make one with ct.asarray"
        )
    return x


def _fresh(out: Any, dtype: DType) -> Array:
    arr = np.asarray(out)
    if arr.dtype != dtype.numpy:
        arr = arr.astype(dtype.numpy)
    return arr


def _verb_unavailable(name: str, device: object, exc: Exception) -> DeviceUnavailableError:
    return DeviceUnavailableError(
        f"{name}() cannot run on {device} in this version ({exc}); move the tensors with "
        ".to_cpu() (or use ct.sim to test device code)"
    )


def unary(spec: Spec, x: object) -> Tensor[Any, Any, Any]:
    """``spec`` applied to each element of the tensor ``x``: a new owner."""
    t = tensor_arg(spec.name, x)
    dtype = t._dtype
    check_kind(spec, dtype)
    if spec.identity_ints and dtype.kind in INTEGER:
        return t.clone()
    out_dtype = spec.out_dtype(dtype)
    device = t._device
    if device is cpu:
        with np.errstate(all="ignore"):
            out = spec.fn(t._np())  # a fresh array: real and imag copy theirs
        return _result(_fresh(out, out_dtype), device)
    if spec.verb is not None and device.kind == "cuda":
        try:
            return _wrap_region(get_backend(device).unary(spec.verb, t._region()))
        except NotImplementedError as exc:
            raise _verb_unavailable(spec.name, device, exc) from exc
    fn = spec.fn
    return run(spec.name, lambda a: _fresh(fn(a), out_dtype), t)  # type: ignore[no-any-return]


def _operand_dtype(name: str, x1: object, x2: object) -> DType:
    for v in (x1, x2):
        if not isinstance(v, (TensorView, *_SCALARS, np.generic)):
            raise DTypeError(
                f"{name}() takes tensors and Python scalars, got {type(v).__name__}; make a "
                "tensor with ct.asarray"
            )
    if not isinstance(x1, TensorView) and not isinstance(x2, TensorView):
        raise DTypeError(f"{name}() needs at least one tensor, got two scalars")
    a = x1.item() if isinstance(x1, np.generic) else x1
    b = x2.item() if isinstance(x2, np.generic) else x2
    return result_type(a, b)


def _shape_check(name: str, x1: object, x2: object) -> None:
    if isinstance(x1, TensorView) and isinstance(x2, TensorView) and x1._shape != x2._shape:
        try:
            np.broadcast_shapes(x1._shape, x2._shape)
        except ValueError as exc:
            raise ShapeError(
                f"{name}(): shapes {x1._shape} and {x2._shape} cannot be broadcast together"
            ) from exc


def binary(spec: Spec, x1: object, x2: object) -> Tensor[Any, Any, Any]:
    """``spec`` of each pair of elements of ``x1`` and ``x2`` (tensors or Python
    scalars, at least one tensor), broadcast: a new owner."""
    dtype = _operand_dtype(spec.name, x1, x2)
    check_kind(spec, dtype)
    tensors = [v for v in (x1, x2) if isinstance(v, TensorView)]
    device = device_of(spec.name, tensors)
    _shape_check(spec.name, x1, x2)
    out_dtype = spec.out_dtype(dtype)

    def operand(v: object) -> Any:
        if isinstance(v, TensorView):
            # On the cpu NumPy promotes as the standard does; backends take one dtype.
            return v if v._dtype is dtype or device is cpu else v.astype(dtype)
        return scalar_for(v.item() if isinstance(v, np.generic) else v, dtype)

    a, b = operand(x1), operand(x2)
    if device is cpu:
        with np.errstate(all="ignore"):
            out = spec.fn(
                a._np() if isinstance(a, TensorView) else a,
                b._np() if isinstance(b, TensorView) else b,
            )
        return _result(_fresh(out, out_dtype), device)
    if spec.verb is not None and device.kind == "cuda":
        backend = get_backend(device)
        first, other, reflected = (a, b, False) if isinstance(a, TensorView) else (b, a, True)
        try:
            return _wrap_region(
                backend.binary(
                    spec.verb,
                    first._region(),
                    other._region() if isinstance(other, TensorView) else other,
                    reflected,
                )
            )
        except NotImplementedError as exc:
            raise _verb_unavailable(spec.name, device, exc) from exc
    fn = spec.fn
    return run(spec.name, lambda p, q: _fresh(fn(p, q), out_dtype), a, b)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------ special cases


def expm1(a: Array) -> Array:
    """``np.expm1`` with the standard's special cases of complex non-finite values."""
    out = np.expm1(a)
    if a.dtype.kind == "c":
        bad = ~np.isfinite(a)
        if bad.any():
            out = np.asarray(out)
            out[bad] = np.exp(a[bad]) - 1
    return out


def nextafter(a: Any, b: Any) -> Any:
    """``np.nextafter``; equal arguments give ``b`` (NumPy's float16 gives ``a``)."""
    out = np.nextafter(a, b)
    if np.result_type(a, b) == np.float16:
        out = np.where(np.equal(a, b), np.asarray(b, dtype=np.float16), out)
    return out


def real(a: Array) -> Array:
    return np.real(a).copy()


def imag(a: Array) -> Array:
    return np.imag(a).copy()


def clip_fn(a: Array, lo: Any, hi: Any) -> Array:
    """``np.clip`` with either bound missing (None); NaN in any of them gives NaN."""
    if lo is None and hi is None:
        return a.copy()
    return np.clip(a, lo, hi)


def via_operator(name: str, op: Callable[[Any, Any], Any], x1: object, x2: object) -> Any:
    """``op(x1, x2)`` (an operator) after checking the arguments as the functions do.

    The result is the operator's in every respect, NumPy's floating-point warnings on the
    cpu included (see "The dtype rule" in docs/design.md): this is the hot path of small
    operations, where ``np.errstate`` would double the cost.
    """
    if type(x1) in TENSOR_TYPES and type(x2) in TENSOR_TYPES:
        return op(x1, x2)
    for v in (x1, x2):
        if not isinstance(v, (TensorView, *_SCALARS, np.generic)):
            raise DTypeError(
                f"{name}() takes tensors and Python scalars, got {type(v).__name__}; make a "
                "tensor with ct.asarray"
            )
    if not isinstance(x1, TensorView) and not isinstance(x2, TensorView):
        raise DTypeError(f"{name}() needs at least one tensor, got two scalars")
    a = x1.item() if isinstance(x1, np.generic) else x1
    b = x2.item() if isinstance(x2, np.generic) else x2
    return op(a, b)
