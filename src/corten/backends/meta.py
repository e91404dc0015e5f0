"""The ``meta`` device: shapes, dtypes and layouts without data.

Every operation that depends only on shapes works and allocates nothing: creation,
views, reshapes, elementwise arithmetic and comparisons (their result's shape and
dtype), reductions, ``astype``, ``contiguous``, transfers *to* ``meta``. Anything that
needs the elements (reading, writing, indexing with tensors, moving off ``meta``) raises
:class:`~corten.core.errors.DeviceMismatchError`.

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
from typing import Any, ClassVar

import numpy as np

from corten.backends.base import (
    Allocator,
    Backend,
    Block,
    Event,
    Stream,
    map_regions,
    map_results,
)
from corten.core.devices import Device, Meta
from corten.core.errors import DeviceMismatchError, ShapeError
from corten.memory.region import Region
from corten.memory.storage import Buffer

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
    if isinstance(value, Region):
        return np.zeros((), dtype=value.dtype)
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

    def _result(self, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Region:
        n = 1
        for d in shape:
            n *= d
        return Region.whole(self.allocate(n, dtype), shape)

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
        src: Region,
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        raise _no_data(f"moving a tensor from meta to {dst.device}")

    def copy_peer(self, src: Region) -> Buffer:
        return self.allocate(src.numel, src.dtype)

    # ------------------------------------------------------------------ compute

    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: Region,
        b: Any,
        reflected: bool,
    ) -> Region:
        b_shape = b.shape if isinstance(b, Region) else ()
        try:
            shape = np.broadcast_shapes(a.shape, b_shape)
        except ValueError as exc:
            raise ShapeError(
                f"shapes {a.shape} and {b_shape} cannot be broadcast together"
            ) from exc
        x, y = np.zeros((), dtype=a.dtype), _scalar_like(b)
        with np.errstate(all="ignore"):
            out = op(y, x) if reflected else op(x, y)
        return self._result(shape, np.asarray(out).dtype)

    def unary(self, op: Callable[[Any], Any], a: Region) -> Region:
        with np.errstate(all="ignore"):
            dtype = np.asarray(op(np.zeros((), dtype=a.dtype))).dtype
        return self._result(a.shape, dtype)

    def reduce(self, name: str, a: Region, axis: Any, keepdims: bool) -> Region:
        # The dtype from a one-element stand-in; the shape from the axes.
        probe = np.ones((1,) * len(a.shape), dtype=a.dtype)
        with np.errstate(all="ignore"):
            dtype = np.asarray(getattr(np, name)(probe, axis=axis, keepdims=keepdims)).dtype
        if axis is None:
            axes = set(range(len(a.shape)))
        elif isinstance(axis, tuple):
            axes = set(axis)
        else:
            axes = {axis}
        shape = tuple(
            1 if i in axes else d for i, d in enumerate(a.shape) if keepdims or i not in axes
        )
        return self._result(shape, dtype)

    def cast(self, a: Region, dtype: np.dtype[Any]) -> Region:
        return self._result(a.shape, dtype)

    def contiguous(self, a: Region) -> Region:
        return self._result(a.shape, a.dtype)

    def compute(
        self,
        name: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        data_dependent: bool = False,
    ) -> Any:
        # The shapes and dtypes of the result, from stand-ins that hold one element per
        # operand (stride 0): no memory of the operands' size is made, but the result is
        # computed at its full size once, on the host, then dropped.
        if data_dependent:
            raise _no_data(f"{name}() (its result's shape depends on the elements)")

        def stand_in(r: Region) -> Array:
            return np.broadcast_to(np.zeros((), dtype=r.dtype), r.shape)

        with np.errstate(all="ignore"):
            out = fn(*map_regions(args, stand_in), **map_regions(kwargs, stand_in))
        return map_results(out, lambda arr: self._result(arr.shape, arr.dtype))

    def gather(self, a: Region, index: Any) -> Region:
        raise _no_data("indexing with arrays or masks")
