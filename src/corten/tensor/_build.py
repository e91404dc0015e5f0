"""Building tensor objects from results, and the registry of the concrete tensor classes.

The classes are defined in modules that import this one (``view``, ``mutable``,
``owner``), so they register themselves in :data:`KINDS` when they are defined and the
functions here find them there at call time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from corten.backends import get_backend as _get_backend
from corten.core.devices import Device
from corten.core.dtypes import _BY_NUMPY
from corten.core.layout import (
    contiguous_strides,
)
from corten.memory.region import Region
from corten.memory.storage import ONE_HOLDER, Buffer, Storage
from corten.tensor._base import _TensorBase

if TYPE_CHECKING:
    from corten.backends.base import Backend
    from corten.tensor.mutable import TensorViewMut
    from corten.tensor.owner import Tensor
    from corten.tensor.view import TensorView

__all__: list[str] = []

Array = np.ndarray[Any, Any]


class _Kinds:
    """The concrete tensor classes, registered as they are defined."""

    __slots__ = ("mutable", "overlapping", "owner", "view")

    view: type[TensorView[Any, Any, Any]]
    mutable: type[TensorViewMut[Any, Any, Any]]
    overlapping: type[TensorViewMut[Any, Any, Any]]
    owner: type[Tensor[Any, Any, Any]]

    def register_view(self, cls: type[TensorView[Any, Any, Any]]) -> None:
        self.view = cls
        TENSOR_TYPES.add(cls)

    def register_mutable(
        self,
        cls: type[TensorViewMut[Any, Any, Any]],
        overlapping: type[TensorViewMut[Any, Any, Any]],
    ) -> None:
        self.mutable = cls
        self.overlapping = overlapping
        TENSOR_TYPES.add(cls)

    def register_owner(self, cls: type[Tensor[Any, Any, Any]]) -> None:
        self.owner = cls
        TENSOR_TYPES.add(cls)


#: The exact types of the three user-facing tensor classes (a fast ``type(x) in`` test).
TENSOR_TYPES: Final[set[type]] = set()
KINDS: Final = _Kinds()

_STRIDES_CACHE: dict[tuple[int, ...], tuple[int, ...]] = {}
_new_object: Final = object.__new__


def _result(arr: Array, device: Device) -> Tensor[Any, Any, Any]:
    """Wrap ``arr``, a fresh NumPy result that nobody else holds, as an owning Tensor.

    This is the hot path of every operation, so it builds the objects directly; the
    layout is row-major over the whole buffer and needs no validation. NumPy gives
    scalars for rank-0 results: they become writable 0-d arrays.
    """
    if type(arr) is not np.ndarray:
        arr = np.array(arr)
    elif not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    shape = arr.shape
    strides = _STRIDES_CACHE.get(shape)
    if strides is None:
        strides = contiguous_strides(shape)
        if len(_STRIDES_CACHE) < 4096:
            _STRIDES_CACHE[shape] = strides
    buf = _new_object(Buffer)
    buf.array = arr
    buf.device = device
    buf.escaped = buf.readonly = False
    buf._holders = ONE_HOLDER
    storage = _new_object(Storage)
    storage.buffer = buf
    storage.frozen = None
    t = _new_object(KINDS.owner)
    t._storage = storage
    t._shape = shape
    t._strides = strides
    t._offset = 0
    t._dtype = _BY_NUMPY[arr.dtype]
    t._device = device
    t._cache = (buf, arr)
    return t


def _wrap_buffer(buf: Buffer, shape: tuple[int, ...]) -> Tensor[Any, Any, Any]:
    """An owning Tensor over ``buf`` (fresh, nobody else holds it), row-major ``shape``."""
    return KINDS.owner._new(
        Storage.adopt(buf), shape, contiguous_strides(shape), 0, _BY_NUMPY[buf.array.dtype]
    )


def _wrap_region(region: Region) -> Tensor[Any, Any, Any]:
    """The owning Tensor of a Region that a backend verb returned (a fresh, row-major
    result that nobody else holds)."""
    return _wrap_buffer(region.buffer, region.shape)


def _as_operand(x: object) -> Any:
    """A backend operand: the Region of a tensor, or the scalar itself."""
    return x._region() if isinstance(x, _TensorBase) else x


def _backend(t: _TensorBase[Any, Any, Any]) -> Backend:
    """The backend of ``t``'s device."""
    return _get_backend(t._device)


_NO_CACHE: Final = (None, None)
