"""Copies that change what a tensor is: ``contiguous``, ``reshape_copy``, ``astype``,
and moves between devices (``to``, ``to_cpu``, ``to_cuda``, ``pin_memory``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from corten.backends import get_backend
from corten.core.devices import Cpu, Cuda, Device, as_device, cpu, cuda
from corten.core.dtypes import as_dtype
from corten.core.errors import (
    DTypeError,
    ShapeError,
)
from corten.core.layout import (
    normalize_shape,
)
from corten.core.typeparams import DT, AnyRank, D, NewD, NewDT, R
from corten.memory.region import numel
from corten.memory.storage import DEVICE_STATE
from corten.tensor._base import _TensorBase
from corten.tensor._build import _backend, _result, _wrap_buffer, _wrap_region

if TYPE_CHECKING:
    from corten.tensor.owner import Tensor

__all__: list[str] = []


class _Moves(_TensorBase[DT, R, D]):
    __slots__ = ()

    def contiguous(self) -> Tensor[DT, R, D]:
        """An owner whose elements are row-major; O(1) when they already are.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape_copy((2, 3)).contiguous().is_contiguous
        True
        """
        if self.is_contiguous:
            return self.clone()
        if self._device is not cpu:
            return _wrap_region(_backend(self).contiguous(self._region()))
        return _result(np.ascontiguousarray(self._np()), self._device)

    def reshape_copy(self, shape: int | Sequence[int]) -> Tensor[DT, AnyRank, D]:
        """A new owner with the same elements in row-major order and another shape.

        Raises
        ------
        ShapeError
            If the number of elements differs.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape_copy((2, 3)).shape
        (2, 3)
        """
        dims = normalize_shape(shape)
        if numel(dims) != self.numel:
            raise ShapeError(
                f"cannot reshape a tensor of shape {self._shape} ({self.numel} elements) "
                f"into {dims} ({numel(dims)} elements)"
            )
        if self._device is not cpu:
            return self._dense_copy()._view_as_owner(dims)  # type: ignore[no-any-return]
        return _result(np.array(self._np().reshape(dims), copy=True), self._device)

    def astype(self, dtype: NewDT) -> Tensor[NewDT, R, D]:
        """The elements converted to ``dtype``, as a new owner (O(1) if already ``dtype``).

        Conversions follow NumPy's casting: floats to integers truncate toward zero,
        and out-of-range values wrap or saturate as NumPy's do.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1.7, -2.5]).astype(ct.int32).tolist()
        [1, -2]
        """
        target = as_dtype(dtype)
        if target is self._dtype:
            return self.clone()  # type: ignore[return-value]
        if self._dtype.kind == "c" and target.kind not in "cb":
            raise DTypeError(
                f"converting {self._dtype.name} to {target.name} would drop the imaginary "
                "part; take ct.real(t) (or ct.imag(t), ct.abs(t)) first"
            )
        if self._device is not cpu:
            return _wrap_region(_backend(self).cast(self._region(), target.numpy))
        with np.errstate(all="ignore"):
            out = self._np().astype(target.numpy)
        return _result(out, self._device)

    def to(
        self, device: NewD, *, non_blocking: bool = False, stream: Any = None
    ) -> Tensor[DT, R, NewD]:
        """This tensor on ``device``: an O(1) clone when it is there already.

        Parameters
        ----------
        device : Device or str
            Where the result lives.
        non_blocking : bool
            Let the copy run asynchronously on ``stream`` where the device allows it (from
            pinned host memory, or to the host). Any host read of the result (``numpy()``,
            ``tolist()``, ``item()``, iteration) waits for the copy first.
        stream : Stream, optional
            The stream of the device side that runs the copy (default: its current one).
            A device result copied on a stream that is not the current one is ready in
            that stream's order: synchronize it (or make the current stream wait for an
            event of it) before computing with the result on the current stream.

        Raises
        ------
        DeviceUnavailableError
            If the device's backend cannot be used here.
        DeviceMismatchError
            If this tensor is on ``meta`` (it has no data to move).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([1, 2])
        >>> t.to(ct.cpu).device
        device('cpu')
        >>> g = t.to("sim:1")
        >>> g.device, g.to_cpu().tolist()
        (device('sim:1'), [1, 2])
        """
        dev = as_device(device)
        if dev is self._device:
            return self.clone()  # type: ignore[return-value]
        dst = get_backend(dev)
        here = self._device.kind
        if dev.kind == "meta":
            buf = dst.allocate(self.numel, self._dtype.numpy)
        elif here == "meta":
            get_backend(self._device).access(self._storage.buffer)  # raises: no data
            raise AssertionError("unreachable")
        elif here == "cpu":
            if self.is_contiguous:
                host = self._export_readonly()  # pins the source while a copy is queued
            else:
                host = np.ascontiguousarray(self._np())
            buf = dst.from_host(
                host, non_blocking=non_blocking, stream=stream, pinned=self.is_pinned
            )
        elif dev.kind == "cpu":
            # A frozen view of the source as it is now: a later write copies away from
            # what a queued copy reads.
            snapshot = self.view()._region()
            buf = _backend(self).to_host(snapshot, non_blocking=non_blocking, stream=stream)
        elif dev.kind == here:
            buf = dst.copy_peer(self._region())
        else:
            staged = _backend(self).to_host(self._region())
            buf = dst.from_host(staged.array)
        return _wrap_buffer(buf, self._shape)

    @property
    def is_pinned(self) -> bool:
        """Whether the elements are in page-locked host memory (see ``pin_memory``).

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros(3).is_pinned, ct.zeros(3).pin_memory(ct.sim).is_pinned
        (False, True)
        """
        return self._storage.buffer in DEVICE_STATE.pinned

    def pin_memory(self, device: Device | str = "cuda") -> Tensor[DT, R, D]:
        """A copy of this CPU tensor in page-locked memory, for non-blocking copies.

        Parameters
        ----------
        device : Device or str
            The accelerator whose copies the memory is for (``ct.sim`` simulates it).

        Raises
        ------
        DeviceUnavailableError
            If ``device`` cannot be used here.
        DeviceMismatchError
            If this tensor is not on the CPU.

        Examples
        --------
        >>> import corten as ct
        >>> p = ct.arange(3).pin_memory(ct.sim)
        >>> p.is_pinned, p.tolist()
        (True, [0, 1, 2])
        """
        self._require_host("pin_memory()")
        if self.is_pinned:
            return self.clone()
        buf = get_backend(device).pinned_host(self.numel, self._dtype.numpy)
        np.copyto(buf.array.reshape(self._shape), self._np())
        return _wrap_buffer(buf, self._shape)

    def to_device(self, device: NewD, /, *, stream: Any = None) -> Tensor[DT, R, NewD]:
        """This tensor on ``device``: the array API's name for ``to(device, stream=...)``.

        On the same device the result is an O(1) clone (a new owner), as ``to`` gives.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1, 2]).to_device(ct.sim).device
        device('sim:0')
        """
        return self.to(device, stream=stream)

    def to_cpu(self, *, non_blocking: bool = False, stream: Any = None) -> Tensor[DT, R, Cpu]:
        """This tensor on the CPU (``to(ct.cpu, ...)``)."""
        return self.to(cpu, non_blocking=non_blocking, stream=stream)

    def to_cuda(
        self, index: int = 0, *, non_blocking: bool = False, stream: Any = None
    ) -> Tensor[DT, R, Cuda]:
        """This tensor on GPU ``index`` (``to(ct.cuda(index), ...)``)."""
        return self.to(cuda(index), non_blocking=non_blocking, stream=stream)
