"""Conversions of a tensor to NumPy and Python values, and its text forms.

Read-only exports pin the tensor's Buffer through a small base object (the C ``Pin`` of
``corten.core._speedups``, or ``_Pin``), so the exported memory outlives every array
derived from it and a later write to the tensor copies away from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from corten.core.errors import (
    DeviceMismatchError,
    DTypeError,
    ReadOnlyError,
    ShapeError,
)
from corten.core.typeparams import DT, D, R
from corten.memory.region import raw_array
from corten.memory.storage import DEVICE_STATE, Buffer
from corten.tensor import _format
from corten.tensor._base import _TensorBase

if TYPE_CHECKING:
    pass

__all__: list[str] = []

Array = np.ndarray[Any, Any]

try:  # the C pin (corten.core._speedups.Pin); _Pin below where it was not compiled
    from corten.core._speedups import Pin as _FastPin
except ImportError:  # pragma: no cover - built without a C compiler
    _FastPin = None  # type: ignore[assignment, misc]


class _Pin:
    """The base object of a read-only export: holds its Buffer until every array over
    the export is gone."""

    __slots__ = ("__array_interface__", "_array", "_buffer")

    def __init__(self, arr: Array, buf: Buffer) -> None:
        interface = arr.__array_interface__
        interface["data"] = (interface["data"][0], True)  # read-only
        self.__array_interface__ = interface
        self._array = arr  # keeps the memory itself alive
        self._buffer = buf

    def __del__(self) -> None:
        self._buffer.release()


class _Conversions(_TensorBase[DT, R, D]):
    __slots__ = ()

    # ----------------------------------------------------------------- conversions

    def numpy(self, *, writable: Literal[False] = False) -> Array:
        """The elements as a NumPy array that shares memory with this tensor.

        The array is read-only and keeps seeing what this tensor holds now; a later write
        to the tensor copies the tensor away. Frozen views cannot export writable arrays.

        Examples
        --------
        >>> import corten as ct
        >>> a = ct.tensor([1, 2]).numpy()
        >>> a.flags.writeable
        False
        """
        if writable:
            raise ReadOnlyError(
                "a TensorView is frozen and cannot export a writable array; take "
                ".clone().numpy(writable=True) or use the owner's view_mut()"
            )
        return self._export_readonly()

    def _export_readonly(self) -> Array:
        """A read-only array that pins the buffer like a frozen view (a holder while alive).

        Shared memory (an escaped buffer) is exported as itself, read-only and without a
        pin: like a NumPy view, the export shows writes made outside and by the owner,
        which writes in place.
        """
        self._require_host("numpy()")
        st = self._storage
        with st.lock:
            buf = st.buffer
            if DEVICE_STATE.active:
                DEVICE_STATE.before_access(buf)
            if buf.escaped:
                arr = raw_array(buf, self._shape, self._strides, self._offset).view()
                arr.flags.writeable = False
                return arr
            st.pin()
        # The export's base is a pin that gives the hold back when it dies. NumPy makes
        # every array derived from the export point at that same base (it collapses
        # chains of views, but not through a base that is not an ndarray), so the hold
        # lasts while any of them is alive. The C pin offers the memory read-only, so
        # the export's WRITEABLE flag cannot be set either.
        shape = self._shape
        if _FastPin is not None and 0 not in shape:
            root = buf.array
            isz = root.itemsize
            return np.ndarray(
                shape,
                root.dtype,
                buffer=_FastPin(root, buf.release),  # type: ignore[arg-type]
                offset=self._offset * isz,
                strides=[s * isz for s in self._strides],
            )
        raw = raw_array(buf, shape, self._strides, self._offset)
        if self._dtype._ml_dtypes:  # the pin's array interface cannot describe their dtype
            return np.asarray(_Pin(raw.view(f"u{raw.itemsize}"), buf)).view(raw.dtype)
        return np.asarray(_Pin(raw, buf))

    def _require_host(self, what: str) -> None:
        if self._device.kind == "meta":
            raise DeviceMismatchError(
                f"{what} needs data: meta tensors have shapes and dtypes but no data; make "
                "the tensor on a device with data (ct.cpu, ct.sim, ct.cuda) instead"
            )
        if self._device.kind != "cpu":
            raise DeviceMismatchError(
                f"{what} needs the data on the cpu, the tensor is on {self._device}; "
                "call .to_cpu() first"
            )

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Array:
        self._require_host("__array__")
        if copy:
            arr = np.array(self._np(), dtype=dtype, copy=True)
        else:
            arr = self._export_readonly()
            if dtype is not None and np.dtype(dtype) != arr.dtype:
                if copy is False:
                    raise ValueError(
                        f"converting {self._dtype.name} to {np.dtype(dtype)} needs a copy"
                    )
                arr = arr.astype(dtype)
        return arr

    def tolist(self) -> Any:
        """The elements as nested Python lists (a Python scalar for rank 0).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        self._require_host("tolist()")
        return self._np().tolist()

    def tobytes(self, order: Literal["C", "F", "A", "K"] = "C") -> bytes:
        """The elements' raw bytes in ``order`` (row-major by default), as NumPy's
        ``ndarray.tobytes``: a copy in the machine's byte order, without shape or dtype.

        Pillow's ``Image.fromarray`` reads strided memory this way. For a file that keeps
        the shape and dtype, use :meth:`to_bytes` (safetensors).

        Raises
        ------
        ValueError
            If ``order`` is not one of ``"C"``, ``"F"``, ``"A"``, ``"K"``.
        DeviceMismatchError
            If the tensor is not on the cpu (call ``to_cpu()`` first).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8)[:, ::-1].tobytes()
        b'\\x02\\x01\\x04\\x03'
        """
        if order not in ("C", "F", "A", "K"):
            raise ValueError(f"order must be 'C', 'F', 'A' or 'K' (as in NumPy), got {order!r}")
        self._require_host("tobytes()")
        return self._np().tobytes(order)

    def item(self) -> Any:
        """The single element as a Python scalar.

        On a device (``sim``, ``cuda``) this waits for the work queued on the current
        stream and copies that one element to the host, as CuPy and PyTorch do; so do
        ``float()``, ``int()``, ``bool()``, ``complex()`` and ``operator.index()``. Bulk
        host access (``numpy()``, ``tolist()``, iteration) stays explicit: ``to_cpu()``.

        Raises
        ------
        ShapeError
            If the tensor does not hold exactly one element.
        DeviceMismatchError
            If the tensor is on ``meta`` (it has no data).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([[7]]).item()
        7
        >>> ct.tensor([1.5, 2.5], device=ct.sim)[1].item()
        2.5
        """
        if self.numel != 1:
            raise ShapeError(
                f"item() needs exactly one element, the tensor has shape {self._shape}"
            )
        kind = self._device.kind
        if kind != "cpu":
            if kind == "meta":
                self._require_host("item()")  # raises: no data
            return self.to_cpu()._np().reshape(-1)[0].item()
        return self._np().reshape(-1)[0].item()

    def __bool__(self) -> bool:
        if self.numel != 1:
            raise ShapeError(
                f"the truth value of a tensor of shape {self._shape} is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self.item())

    def _real_scalar(self, what: str) -> Any:
        if self._dtype.kind == "c":
            raise DTypeError(
                f"{what}() of a complex tensor would drop the imaginary part; use complex(), "
                "or take the part you want with ct.real(t) or ct.imag(t) first"
            )
        return self.item()

    def __int__(self) -> int:
        return int(self._real_scalar("int"))

    def __float__(self) -> float:
        return float(self._real_scalar("float"))

    def __complex__(self) -> complex:
        value = self.item()
        if isinstance(value, float) and value != value:
            # Note: the array API standard makes a real NaN NaN + NaN j (Python and
            # NumPy give nan+0j).
            return complex(value, value)
        return complex(value)

    def __index__(self) -> int:
        if not self._dtype.is_integer or self._shape:
            raise DTypeError(
                "only rank-0 integer tensors can be used as an index, got a "
                f"{self._dtype} tensor of shape {self._shape}"
            )
        return int(self.item())

    def __repr__(self) -> str:
        if self._device.kind == "meta":
            return f"tensor(..., shape={self._shape}, dtype={self._dtype.name}, device='meta')"
        return _format.tensor_repr(
            self._host_np(), self._dtype.name, self._device, self._storage.buffer.escaped
        )

    def __str__(self) -> str:
        if self._device.kind == "meta":
            return repr(self)
        return _format.tensor_str(self._host_np())

    def _host_np(self) -> Array:
        """The elements as a host array, copied there from memory the host cannot read."""
        if self._device.kind == "cuda":
            host: Array = self.to_cpu()._np()
            return host
        return self._np()
