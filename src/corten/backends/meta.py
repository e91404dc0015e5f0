"""The ``meta`` device: shapes, dtypes and layouts without data.

Every operation that depends only on shapes works and allocates nothing: creation,
views, reshapes, elementwise arithmetic and comparisons (their result's shape and
dtype), reductions, ``astype``, ``contiguous``, transfers *to* ``meta``. Anything that
needs the elements (reading, writing, indexing with tensors, moving off ``meta``) raises
:class:`~corten.errors.DeviceMismatchError`.

Examples
--------
>>> import corten as ct
>>> x = ct.empty((1024, 1024, 64), dtype=ct.float32, device=ct.meta)
>>> y = (x.permute(2, 0, 1) * 2.0).sum(axis=0)
>>> y.shape, y.dtype, y.device
((1024, 1024), corten.float32, device('meta'))
>>> ct.memory_stats(ct.meta)["allocated"]
0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from corten.backends._base import Allocator, Backend, Block, Event, Stream
from corten.devices import Device, Meta
from corten.errors import DeviceMismatchError, ShapeError
from corten.storage import Buffer

if TYPE_CHECKING:
    from corten.tensor import Tensor, TensorView

__all__ = ["MetaBackend"]

Array = np.ndarray[Any, Any]


class _NoAllocator(Allocator):
    """``meta`` memory: none. Every statistic stays zero."""

    def _allocate(self, nbytes: int) -> Any:
        return None

    def _free(self, memory: Any, nbytes: int) -> None:
        pass


def _no_data(what: str) -> DeviceMismatchError:
    return DeviceMismatchError(
        f"{what}: meta tensors have shapes and dtypes but no data; make the tensor on a "
        "device with data (ct.cpu, ct.sim, ct.cuda) instead"
    )


def _placeholder(dtype: np.dtype[Any], numel: int) -> Array:
    """``numel`` elements of ``dtype`` that occupy one element of memory (stride 0)."""
    one = np.zeros(1, dtype=dtype)
    # broadcast_to, not as_strided: as_strided goes through the array interface, which
    # cannot describe ml_dtypes' float8_e5m2 ("<f1")
    return np.broadcast_to(one, (numel,))


def _scalar_like(value: Any) -> Any:
    if hasattr(value, "_dtype"):
        return np.zeros((), dtype=value._dtype.numpy)
    return value


class MetaBackend(Backend):
    """Shape and dtype inference only (see the module docstring)."""

    kind: ClassVar[str] = "meta"
    device_type: ClassVar[type[Device]] = Meta
    capabilities: ClassVar[frozenset[str]] = frozenset()

    def _make_allocator(self) -> Allocator:
        return _NoAllocator(self.device)

    def allocate(self, numel: int, dtype: np.dtype[Any]) -> Buffer:
        if numel > np.iinfo(np.intp).max:
            raise ShapeError(
                f"{numel} elements are more than an index can address "
                f"({np.iinfo(np.intp).max} at most)"
            )
        return Buffer(_placeholder(dtype, numel), self.device)

    def _buffer(self, block: Block, dtype: np.dtype[Any], numel: int) -> Buffer:
        return self.allocate(numel, dtype)

    def _result(self, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Tensor[Any, Any, Any]:
        from corten.tensor import _wrap_buffer

        n = 1
        for d in shape:
            n *= d
        return _wrap_buffer(self.allocate(n, dtype), shape)

    def access(self, buf: Buffer) -> None:
        raise _no_data("this operation reads or writes elements")

    def copy_buffer(self, buf: Buffer) -> Buffer:
        return self.allocate(buf.array.size, buf.array.dtype)

    def fill(self, buf: Buffer, value: Any) -> None:
        pass  # there are no elements to set

    def _copy_from_host(
        self, dst: Buffer, src: Array, *, non_blocking: bool, stream: Stream | None
    ) -> None:
        pass  # moving to meta keeps the shape and drops the data

    def _copy_to_host(
        self,
        dst: Buffer,
        src: TensorView[Any, Any, Any],
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        raise _no_data(f"moving a tensor from meta to {dst.device}")

    def copy_peer(self, src: TensorView[Any, Any, Any]) -> Buffer:
        return self.allocate(src.numel, src.dtype.numpy)

    # ------------------------------------------------------------------ compute

    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: TensorView[Any, Any, Any],
        b: Any,
        reflected: bool,
    ) -> Tensor[Any, Any, Any]:
        b_shape = tuple(b.shape) if hasattr(b, "shape") else ()
        try:
            shape = np.broadcast_shapes(a.shape, b_shape)
        except ValueError as exc:
            raise ShapeError(
                f"shapes {a.shape} and {b_shape} cannot be broadcast together"
            ) from exc
        x, y = np.zeros((), dtype=a.dtype.numpy), _scalar_like(b)
        with np.errstate(all="ignore"):
            out = op(y, x) if reflected else op(x, y)
        return self._result(shape, np.asarray(out).dtype)

    def unary(
        self, op: Callable[[Any], Any], a: TensorView[Any, Any, Any]
    ) -> Tensor[Any, Any, Any]:
        with np.errstate(all="ignore"):
            dtype = np.asarray(op(np.zeros((), dtype=a.dtype.numpy))).dtype
        return self._result(a.shape, dtype)

    def reduce(
        self, name: str, a: TensorView[Any, Any, Any], axis: Any, keepdims: bool
    ) -> Tensor[Any, Any, Any]:
        # The dtype from a one-element stand-in; the shape from the axes.
        probe = np.ones((1,) * a.ndim, dtype=a.dtype.numpy)
        with np.errstate(all="ignore"):
            dtype = np.asarray(getattr(np, name)(probe, axis=axis, keepdims=keepdims)).dtype
        if axis is None:
            axes = set(range(a.ndim))
        elif isinstance(axis, tuple):
            axes = set(axis)
        else:
            axes = {axis}
        shape = tuple(
            1 if i in axes else d for i, d in enumerate(a.shape) if keepdims or i not in axes
        )
        return self._result(shape, dtype)

    def cast(self, a: TensorView[Any, Any, Any], dtype: np.dtype[Any]) -> Tensor[Any, Any, Any]:
        return self._result(a.shape, dtype)

    def contiguous(self, a: TensorView[Any, Any, Any]) -> Tensor[Any, Any, Any]:
        return self._result(a.shape, a.dtype.numpy)

    def gather(self, a: TensorView[Any, Any, Any], index: Any) -> Tensor[Any, Any, Any]:
        raise _no_data("indexing with arrays or masks")
