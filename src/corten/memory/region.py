"""``Region``: a Buffer with a layout (shape, strides and offset, in elements).

It is what the backends' verbs take and return instead of tensors: the tensor layer
describes its operands as Regions and wraps the Regions that come back. The NumPy view
of a Region over host-addressable memory is made here too.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from corten.core.devices import Device
from corten.core.layout import contiguous_strides, is_contiguous
from corten.memory.storage import DEVICE_STATE, Buffer

__all__ = ["Region", "array_at", "numel", "raw_array"]

Array = np.ndarray[Any, Any]


def numel(shape: tuple[int, ...]) -> int:
    """The number of elements of ``shape``."""
    n = 1
    for s in shape:
        n *= s
    return n


class Region(NamedTuple):
    """Elements of one Buffer: ``shape`` and ``strides`` (in elements) from ``offset``.

    Work that a backend queues for later keeps the Region, and so ``keep``.

    Examples
    --------
    >>> import numpy as np
    >>> import corten as ct
    >>> from corten.memory.region import Region
    >>> from corten.memory.storage import Buffer
    >>> r = Region.whole(Buffer(np.arange(6.0), ct.cpu), (2, 3))
    >>> r.strides, r.numel, r.dtype
    ((3, 1), 6, dtype('float64'))
    """

    buffer: Buffer
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    offset: int
    #: An object to keep alive while the Region is in use (the tensor it describes:
    #: a frozen view keeps its Buffer's hold, so queued work reads what it saw).
    keep: Any = None

    @classmethod
    def whole(cls, buffer: Buffer, shape: tuple[int, ...]) -> Region:
        """The row-major Region of ``shape`` over the whole of ``buffer``."""
        return cls(buffer, shape, contiguous_strides(shape), 0)

    @property
    def dtype(self) -> np.dtype[Any]:
        """The NumPy dtype of the elements."""
        dtype: np.dtype[Any] = self.buffer.array.dtype
        return dtype

    @property
    def device(self) -> Device:
        """The device of the buffer."""
        return self.buffer.device

    @property
    def numel(self) -> int:
        """The number of elements."""
        return numel(self.shape)

    @property
    def layout(self) -> tuple[tuple[int, ...], tuple[int, ...], int]:
        """``(shape, strides, offset)``."""
        return self.shape, self.strides, self.offset

    def array(self) -> Array:
        """The elements as a NumPy array over the buffer, after the device's access hook
        (host-addressable memory only)."""
        return array_at(self.buffer, self.shape, self.strides, self.offset)


def array_at(buf: Buffer, shape: tuple[int, ...], strides: tuple[int, ...], off: int) -> Array:
    """The NumPy array of a layout over ``buf``, after the device's access hook."""
    if DEVICE_STATE.active:
        DEVICE_STATE.before_access(buf)
    return raw_array(buf, shape, strides, off)


def raw_array(buf: Buffer, shape: tuple[int, ...], strides: tuple[int, ...], off: int) -> Array:
    """The NumPy array of a layout over ``buf``, with no device hook."""
    root = buf.array
    isz = root.itemsize
    n = numel(shape)
    if n == 0:
        return root.reshape(-1)[:0].reshape(shape)
    if off == 0 and root.size == n and is_contiguous(shape, strides):
        return root.reshape(shape)
    return np.ndarray(
        shape, root.dtype, buffer=root, offset=off * isz, strides=[s * isz for s in strides]
    )
