"""``_TensorBase``: what every tensor object has, for the mixins to be typed against.

``TensorView`` is assembled from mixins, one module each (arithmetic, conversions,
moves, bridges to the layers above, reductions, view operations). Each mixin derives
from this class, which declares the slots and the internal methods that the others
provide, so that each file is checked on its own. ``TensorView`` overrides every stub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

import numpy as np

from corten.core.devices import Device
from corten.core.dtypes import DType
from corten.core.typeparams import DT, D, R
from corten.memory.region import Region
from corten.memory.storage import Buffer, Storage

if TYPE_CHECKING:
    from corten.tensor.owner import Tensor
    from corten.tensor.view import TensorView

__all__ = ["CannotWriteToTensorView", "Scalar"]

Array = np.ndarray[Any, Any]
#: The Python scalars that operations accept next to tensors.
Scalar = bool | int | float


class CannotWriteToTensorView:
    """What static checkers see as the result of an in-place operator on a TensorView.

    Writing ``v += 1`` where ``v`` is a frozen view is reported as assigning this type to
    ``v``; at run time it raises :class:`~corten.core.errors.ReadOnlyError`.
    """

    __slots__ = ()


class _TensorBase(Generic[DT, R, D]):
    __slots__ = ()

    _storage: Storage
    _shape: tuple[int, ...]
    _strides: tuple[int, ...]
    _offset: int
    _dtype: DType
    _device: Device
    _cache: tuple[Buffer, Array] | tuple[None, None]

    # Provided by TensorView and its mixins.
    def _np(self) -> Array:
        raise NotImplementedError

    def _host_np(self) -> Array:
        raise NotImplementedError

    def _region(self) -> Region:
        raise NotImplementedError

    def _require_host(self, what: str) -> None:
        raise NotImplementedError

    def _export_readonly(self) -> Array:
        raise NotImplementedError

    def _dense_copy(self) -> Tensor[DT, R, D]:
        raise NotImplementedError

    def _check_other(self, other: _TensorBase[Any, Any, Any]) -> Array:
        raise NotImplementedError

    def clone(self) -> Tensor[DT, R, D]:
        raise NotImplementedError

    def view(self) -> TensorView[DT, R, D]:
        raise NotImplementedError

    def to_cpu(self, *, non_blocking: bool = False, stream: Any = None) -> Any:
        raise NotImplementedError

    def astype(self, dtype: Any) -> Any:
        raise NotImplementedError

    @property
    def numel(self) -> int:
        raise NotImplementedError

    @property
    def is_contiguous(self) -> bool:
        raise NotImplementedError

    @property
    def ndim(self) -> int:
        raise NotImplementedError
