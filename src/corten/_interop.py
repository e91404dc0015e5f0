"""Zero-copy exchange with other libraries: DLPack, the array interfaces, the buffer
protocol, and pickling.

Every export follows the ownership rules of DESIGN §2:

- A **read-only** export (a frozen ``TensorView``'s DLPack capsule, any buffer-protocol
  export opened without write access, a pickle's out-of-band buffer) *pins* the buffer
  like a frozen view: the consumer keeps seeing the elements as they were, and a later
  write to the tensor copies the tensor away.
- A **writable** export (the DLPack capsule of a ``Tensor`` or ``TensorViewMut``, a
  buffer opened with write access) is an alias handed outside corten: the buffer is made
  exclusive and marked escaped, exactly as ``numpy(writable=True)`` does. Writes through
  the consumer are seen by the tensor and its mutable views; clones and frozen views of
  an escaped buffer copy eagerly.

Importing (:func:`from_dlpack`) shares the producer's memory as ``ct.from_numpy`` does:
the buffer starts escaped, and memory the producer marked read-only is copied on the
tensor's first write.

Each protocol has one place that dispatches on the device (``_EXPORTERS``,
``_IMPORTERS`` and ``_host``); a device without an entry raises a clear error.
"""

from __future__ import annotations

import enum
import operator
import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, SupportsIndex, cast

import numpy as np

from corten.creation import from_numpy
from corten.devices import Device, as_device, cpu, cuda, require_available
from corten.dtypes import _BY_NUMPY, as_dtype
from corten.errors import DTypeError, SerializationError
from corten.layout import contiguous_strides, is_contiguous, may_overlap
from corten.storage import Buffer, Storage
from corten.tensor import Tensor, TensorView, TensorViewMut, _OverlappingViewMut, _result, _Writable

if TYPE_CHECKING:
    from typing_extensions import CapsuleType

__all__ = ["DLDeviceType", "from_dlpack"]

Array = np.ndarray[Any, Any]


class DLDeviceType(enum.IntEnum):
    """The DLPack device types that corten knows (``DLDeviceType`` of ``dlpack.h``)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLROCM = 10
    kDLROCMHost = 11
    kDLCUDAManaged = 13


# DLPack device types whose memory the host reads directly (pinned host memory).
_HOST_TYPES: Final = frozenset(
    {DLDeviceType.kDLCPU, DLDeviceType.kDLCUDAHost, DLDeviceType.kDLROCMHost}
)
_CUDA_TYPES: Final = frozenset({DLDeviceType.kDLCUDA, DLDeviceType.kDLCUDAManaged})

# PyBUF_WRITABLE from the C buffer API (inspect.BufferFlags.WRITABLE on Python 3.12+).
_PYBUF_WRITABLE: Final = 0x1


# ----------------------------------------------------------------------------- DLPack export


def dlpack_device(t: TensorView[Any, Any, Any]) -> tuple[DLDeviceType, int]:
    """``t.__dlpack_device__()``: the DLPack device type and ordinal of ``t``'s memory."""
    kind = t._device.kind
    if kind == "cpu":
        return (DLDeviceType.kDLCPU, 0)
    if kind == "cuda":
        return (DLDeviceType.kDLCUDA, t._device.index)
    raise BufferError(
        f"a tensor on {t._device} has no DLPack device (DLPack knows no {kind!r} memory); "
        "move it with .to_cpu() first"
    )


def dlpack(
    t: TensorView[Any, Any, Any],
    *,
    stream: object,
    max_version: tuple[int, int] | None,
    dl_device: tuple[int, int] | None,
    copy: bool | None,
) -> CapsuleType:
    """``t.__dlpack__(...)``: see :meth:`corten.TensorView.__dlpack__`."""
    _check_copy(copy)
    versioned = _versioned(max_version)
    exporter = _EXPORTERS.get(t._device.kind)
    if exporter is None:
        raise BufferError(
            f"DLPack export of a tensor on {t._device} is not supported in this build; "
            "export t.to_cpu() instead"
        )
    return exporter(t, stream, versioned, max_version, dl_device, copy)


def _check_copy(copy: object) -> None:
    if copy is not None and type(copy) is not bool:
        raise ValueError(f"copy must be True, False or None, got {copy!r}")


def _versioned(max_version: object) -> bool:
    """Whether the consumer takes a versioned (DLPack 1.x) capsule."""
    if max_version is None:
        return False
    if (
        not isinstance(max_version, tuple)
        or len(max_version) != 2
        or not all(isinstance(v, int) for v in max_version)
    ):
        raise TypeError(f"max_version must be None or a (major, minor) tuple, got {max_version!r}")
    return bool(max_version[0] >= 1)


def _exports_read_only(t: TensorView[Any, Any, Any]) -> bool:
    """Frozen views, and mutable views that overlap themselves, never hand out write access."""
    return not isinstance(t, _Writable) or isinstance(t, _OverlappingViewMut)


def _negative_strides(t: TensorView[Any, Any, Any]) -> bool:
    """Whether a dimension longer than 1 steps backwards (sizes 0 and 1 need no stride)."""
    strides = t._strides
    if not strides or min(strides) >= 0 or 0 in t._shape:
        return False
    return any(st < 0 and s > 1 for s, st in zip(t._shape, strides, strict=True))


def _copy_reason(t: TensorView[Any, Any, Any], read_only: bool, versioned: bool) -> str | None:
    """Why a zero-copy DLPack export of ``t`` is impossible, or None when it is possible."""
    if _negative_strides(t):
        return (
            f"its layout steps backwards (shape {t._shape}, strides {t._strides}); corten "
            "never exports negative strides, which consumers such as PyTorch cannot import"
        )
    if read_only and not versioned:
        return (
            "it is read-only and the consumer asked for a legacy capsule, which cannot say "
            "so; consumers that pass max_version=(1, 0) or later get a read-only capsule"
        )
    if read_only and t._storage.buffer.escaped:
        return (
            "its buffer has a writable alias outside corten, so a read-only export would "
            "see writes made through that alias"
        )
    return None


def _cpu_capsule(
    t: TensorView[Any, Any, Any],
    stream: object,
    versioned: bool,
    max_version: tuple[int, int] | None,
    dl_device: tuple[int, int] | None,
    copy: bool | None,
) -> CapsuleType:
    if stream is not None:
        raise BufferError(
            f"a cpu tensor takes stream=None in __dlpack__, got {stream!r}: the cpu has no streams"
        )
    if dl_device is not None and _device_pair(dl_device) != (DLDeviceType.kDLCPU, 0):
        raise BufferError(
            f"cannot export a cpu tensor to DLPack device {dl_device!r}: corten exports it "
            "only where it lives, (kDLCPU, 0); move it with .to(...) first"
        )
    read_only = _exports_read_only(t)
    arr: Array
    if copy:
        arr = np.array(t._np(), order="C", copy=True)  # the consumer owns it
    else:
        reason = _copy_reason(t, read_only, versioned)
        if reason is not None:
            if copy is False:
                raise BufferError(
                    f"cannot export this tensor without a copy (copy=False): {reason}"
                )
            arr = np.array(t._np(), order="C", copy=True)
        elif read_only:
            arr = t._export_readonly()  # pins the buffer while the capsule's owner lives
        else:
            arr = _writable_alias(t)
    # NumPy builds the capsule and keeps ``arr`` (and through it the pin) alive until the
    # consumer releases it; a read-only array gives a capsule with the read-only flag.
    return arr.__dlpack__(max_version=max_version)


def _writable_alias(t: TensorView[Any, Any, Any]) -> Array:
    """A writable array over ``t``'s elements; the buffer is made exclusive and escapes."""
    return cast("_Writable[Any, Any, Any]", t).numpy(writable=True)


def _device_pair(dl_device: object) -> tuple[int, int]:
    if (
        not isinstance(dl_device, tuple)
        or len(dl_device) != 2
        or not all(isinstance(v, int) for v in dl_device)
    ):
        raise BufferError(
            f"dl_device must be a (device type, ordinal) pair such as (1, 0), got {dl_device!r}"
        )
    return (int(dl_device[0]), int(dl_device[1]))


_Exporter = Callable[
    [TensorView[Any, Any, Any], object, bool, Any, Any, "bool | None"], "CapsuleType"
]
_EXPORTERS: Final[dict[str, _Exporter]] = {"cpu": _cpu_capsule}


# ----------------------------------------------------------------------------- DLPack import


def from_dlpack(
    x: object, /, *, device: object = None, copy: bool | None = None
) -> Tensor[Any, Any, Any]:
    """A tensor over the memory of ``x``, any object with ``__dlpack__`` (zero-copy).

    ``x`` may be a NumPy array, a PyTorch tensor, a corten tensor, or any producer of the
    DLPack protocol. The tensor shares ``x``'s memory, as ``ct.from_numpy`` does: writes
    through either side are seen by the other, so the buffer counts as escaped (clones
    and frozen views of it copy eagerly), and memory that the producer marked read-only
    is never written: the tensor copies it on its first write. The tensor keeps the
    producer's memory alive.

    A corten tensor gives an O(1) clone, which shares the buffer until either side
    writes (value semantics).

    Parameters
    ----------
    x : object
        The producer: an object with ``__dlpack__`` and ``__dlpack_device__``.
    device : Device or str, optional
        Where to put the tensor; by default where ``x`` lives. Only ``cpu`` is available
        in this build.
    copy : bool, optional
        True: always copy (the tensor then owns its memory). False: never copy, and raise
        ``BufferError`` where sharing is impossible. None (the default): share if
        possible, copy otherwise.

    Returns
    -------
    Tensor

    Raises
    ------
    DeviceUnavailableError
        If the tensor would live on a device that has no backend here.
    BufferError
        If the producer cannot export its data as asked (``copy=False`` where a copy is
        needed, an unknown device).
    DTypeError
        If ``x`` is no DLPack producer, or its element type is not a corten dtype.

    Examples
    --------
    >>> import numpy as np
    >>> import corten as ct
    >>> a = np.arange(4, dtype=np.int32)
    >>> t = ct.from_dlpack(a)
    >>> a[0] = 9  # shared memory
    >>> t.tolist()
    [9, 1, 2, 3]
    >>> ct.from_dlpack(a, copy=True).tolist() == t.tolist()
    True
    """
    _check_copy(copy)
    target = None if device is None else as_device(device)
    if isinstance(x, TensorView):
        return _from_corten(x, target, copy)
    source: Device | None = cpu if type(x) is np.ndarray else _producer_device(x)
    dest = target if target is not None else source
    if dest is None:
        kind, index = x.__dlpack_device__()  # type: ignore[attr-defined]
        raise BufferError(
            f"the producer's memory is on DLPack device ({int(kind)}, {index}), which has "
            "no corten device; pass device=ct.cpu to ask the producer for a host copy"
        )
    importer = _IMPORTERS.get(dest.kind)
    if importer is not None:
        return importer(x, source, copy)
    require_available(dest)  # DeviceUnavailableError where the device has no backend
    if copy is False:
        raise BufferError(
            f"DLPack data reaches {dest} through the host, which copies it, and copy=False "
            "forbids copies"
        )
    return _import_host(x, source, None).to(dest)


def _producer_device(x: object) -> Device | None:
    """The corten device of a producer's memory (None: DLPack memory corten cannot hold)."""
    get = getattr(x, "__dlpack_device__", None)
    if get is None or not hasattr(x, "__dlpack__"):
        raise DTypeError(
            "from_dlpack takes an object with __dlpack__ and __dlpack_device__ (a NumPy "
            f"array, a PyTorch tensor, ...), got {type(x).__name__}"
        )
    kind, index = get()
    if kind in _HOST_TYPES:
        return cpu
    if kind in _CUDA_TYPES:
        return cuda(int(index))
    return None


def _from_corten(
    t: TensorView[Any, Any, Any], target: Device | None, copy: bool | None
) -> Tensor[Any, Any, Any]:
    if target is not None and target != t._device:
        if copy is False:
            raise BufferError(
                f"moving a tensor from {t._device} to {target} copies it, and copy=False "
                "forbids copies"
            )
        return t.to(target)
    if copy:
        t._require_host("from_dlpack(copy=True)")
        return _result(np.array(t._np(), order="C", copy=True), t._device)
    if copy is False and (t._storage.buffer.escaped or may_overlap(t._shape, t._strides)):
        raise BufferError(
            "this tensor cannot be shared without a copy (its buffer has a writable alias "
            "outside corten, or its layout repeats elements), and copy=False forbids copies"
        )
    return t.clone()


def _import_host(x: object, source: Device | None, copy: bool | None) -> Tensor[Any, Any, Any]:
    """Import ``x`` into host memory: zero-copy from host producers, else a producer's copy."""
    if type(x) is np.ndarray:
        return _from_ndarray(x, copy)
    producer: Any = x
    host_producer = source is not None and source.kind == "cpu"
    try:
        if host_producer:
            arr = np.from_dlpack(producer, copy=False if copy is False else None)
        else:
            # The producer copies across devices (dl_device=(kDLCPU, 0)).
            arr = np.from_dlpack(producer, device="cpu", copy=copy)
    except RuntimeError as exc:
        if "dtype" in str(exc).lower():
            raise DTypeError(
                f"the element type of the {type(x).__name__} has no corten dtype ({exc}); "
                "convert it to one of bool, uint8..uint64, int8..int64, float16..float64"
            ) from exc
        raise
    if copy and host_producer:
        return _result(np.array(arr, order="C", copy=True), cpu)
    return _share(arr)


def _from_ndarray(a: Array, copy: bool | None) -> Tensor[Any, Any, Any]:
    if copy:
        return from_numpy(a, copy=True)
    if copy is False and (not a.dtype.isnative or any(s % a.itemsize for s in a.strides)):
        raise BufferError(
            f"a NumPy array of dtype {a.dtype} with strides {a.strides} cannot be shared "
            "without a copy (non-native byte order, or strides that are no multiple of the "
            "item size), and copy=False forbids copies"
        )
    return _share(a)


def _share(a: Array) -> Tensor[Any, Any, Any]:
    """``ct.from_numpy(a)``, with a shortcut for the common C-contiguous native array.

    ``a`` may be the caller's own array: the tensor gets a view of it, so that nothing
    the caller does to ``a``'s flags reaches corten's internal array.
    """
    flags = a.flags
    if not (flags.c_contiguous and flags.writeable) or type(a) is not np.ndarray:
        return from_numpy(a)  # other layouts, read-only memory
    if a.dtype not in _BY_NUMPY:
        return from_numpy(a)  # byte-swapped arrays, and the dtype errors
    t = _result(a.view(), cpu)
    t._storage.buffer.escaped = True  # the Buffer that from_numpy makes
    return t


_Importer = Callable[[object, "Device | None", "bool | None"], "Tensor[Any, Any, Any]"]
_IMPORTERS: Final[dict[str, _Importer]] = {"cpu": _import_host}


# ----------------------------------------------------------------------------- array interfaces


def array_interface(t: TensorView[Any, Any, Any]) -> dict[str, Any]:
    """``t.__array_interface__`` (version 3), defined for frozen cpu views only.

    The ``data`` pointer stays valid, and the elements unchanged, while the view lives:
    a frozen view holds its buffer and never writes. NumPy keeps the view alive as the
    base of the arrays it builds from the dict; any other reader of the pointer must
    keep the view alive itself.
    """
    if isinstance(t, _Writable):
        raise AttributeError(
            f"__array_interface__ is defined for frozen TensorViews only, not for a "
            f"{type(t).__name__}, whose buffer a later write may replace under the raw "
            "pointer; use t.view().__array_interface__, np.asarray(t) or t.numpy()"
        )
    if t._device.kind != "cpu":
        raise AttributeError(
            f"__array_interface__ describes host memory; the tensor is on {t._device}: "
            "call .to_cpu() first"
        )
    iface = t._np().__array_interface__  # a fresh dict
    iface["data"] = (iface["data"][0], True)
    return iface


def cuda_array_interface(t: TensorView[Any, Any, Any]) -> dict[str, Any]:
    """``t.__cuda_array_interface__``: absent (AttributeError) unless ``t`` is on cuda."""
    if t._device.kind != "cuda":
        raise AttributeError(
            f"__cuda_array_interface__ is defined for cuda tensors only; this one is on {t._device}"
        )
    raise AttributeError("__cuda_array_interface__ is not supported in this build; use __dlpack__")


def buffer(t: TensorView[Any, Any, Any], flags: int) -> memoryview:
    """``t.__buffer__(flags)``: a memoryview over the elements (Python 3.12+ protocol).

    Without ``PyBUF_WRITABLE`` in ``flags`` the view is read-only and pins the buffer
    until it is released; with it, the buffer escapes (frozen views refuse).
    """
    if t._device.kind != "cpu":
        raise BufferError(
            f"the buffer protocol exposes host memory; the tensor is on {t._device}: call "
            ".to_cpu() first"
        )
    if operator.index(flags) & _PYBUF_WRITABLE:
        if _exports_read_only(t):
            raise BufferError(
                f"a {type(t).__name__} cannot be exported as a writable buffer: it is read-only; "
                "open it read-only, or write through the owner or owner.view_mut()"
            )
        return _writable_alias(t).data
    return t._export_readonly().data


# ----------------------------------------------------------------------------- pickle

_KINDS: Final[dict[type, str]] = {
    Tensor: "Tensor",
    TensorView: "TensorView",
    TensorViewMut: "TensorViewMut",
    _OverlappingViewMut: "TensorViewMut",
}


def _host(t: TensorView[Any, Any, Any]) -> TensorView[Any, Any, Any]:
    """``t`` with its elements on the host: device tensors travel through the host."""
    if t._device.kind == "cpu":
        return t
    return t.to_cpu()


def reduce_ex(t: TensorView[Any, Any, Any], protocol: SupportsIndex) -> tuple[Any, ...]:
    """``t.__reduce_ex__(protocol)``: by value, with an out-of-band buffer on protocol 5.

    Protocol 5 wraps the elements in a read-only :class:`pickle.PickleBuffer`: a
    ``buffer_callback`` receives it without a copy (a contiguous tensor's export pins its
    buffer while the PickleBuffer lives), and ``pickle.loads(..., buffers=...)`` rebuilds
    the tensor over the buffers passed back, again without a copy. Older protocols carry
    the elements in-band as bytes.
    """
    kind = _KINDS.get(type(t))
    if kind is None:
        raise pickle.PicklingError(f"cannot pickle an instance of {type(t).__qualname__}")
    host = _host(t)
    if operator.index(protocol) >= 5:
        if is_contiguous(host._shape, host._strides) and not may_overlap(
            host._shape, host._strides
        ):
            arr = host._export_readonly()
        else:
            arr = np.ascontiguousarray(host._np())
            arr.flags.writeable = False
        data: object = pickle.PickleBuffer(arr.data)
    else:
        data = np.ascontiguousarray(host._np()).tobytes()
    return (_rebuild, (kind, str(t._device), t._dtype.numpy.str, t._shape, data))


def _writable_elsewhere(view: memoryview) -> bool:
    """Whether anyone may write the memory behind ``view``, through it or its exporter.

    Pickle hands an out-of-band buffer that was pickled read-only to the reconstructor as
    a read-only view of whatever the caller passed back, which may be writable memory.
    """
    if not view.readonly:
        return True
    try:
        with memoryview(view.obj) as exporter:
            return not exporter.readonly
    except TypeError:
        return True  # an exporter that cannot be inspected: assume the worst


def _rebuild(
    kind: str, device: str, dtype: str, shape: tuple[int, ...], data: object
) -> TensorView[Any, Any, Any]:
    """Rebuild a pickled tensor of ``kind`` over ``data`` (zero-copy where it can)."""
    if kind not in ("Tensor", "TensorView", "TensorViewMut"):
        raise SerializationError(f"unknown tensor kind {kind!r} in a pickle")
    try:
        npd = np.dtype(dtype)
        dt = as_dtype(npd)
    except (TypeError, DTypeError) as exc:
        raise SerializationError(f"unknown dtype {dtype!r} in a pickled tensor") from exc
    if not isinstance(shape, tuple) or not all(type(s) is int and s >= 0 for s in shape):
        raise SerializationError(f"bad shape {shape!r} in a pickled tensor")
    try:
        view = memoryview(data)  # type: ignore[arg-type]
    except TypeError as exc:
        raise SerializationError(
            f"a pickled tensor's data must be a buffer, got {type(data).__name__}"
        ) from exc
    n = 1
    for s in shape:
        n *= s
    if view.nbytes != n * npd.itemsize or not view.contiguous:
        raise SerializationError(
            f"a pickled tensor of shape {shape} and dtype {dt.name} needs "
            f"{n * npd.itemsize} contiguous bytes, got {view.nbytes}"
        )
    shared_writable = _writable_elsewhere(view)
    view.release()
    arr: Array = np.frombuffer(data, dtype=npd, count=n)  # type: ignore[call-overload]
    if not npd.isnative or not arr.flags.aligned:
        buf = Buffer(np.array(arr, dtype=dt.numpy, copy=True), cpu)
    else:
        # Memory that someone else can write has escaped (a writable buffer passed back,
        # or a read-only view of one); read-only memory is never written by corten: the
        # tensor copies it on its first write.
        readonly = not arr.flags.writeable
        buf = Buffer(arr, cpu, escaped=shared_writable, readonly=readonly)
    owner: Tensor[Any, Any, Any] = Tensor._new(
        Storage.adopt(buf), shape, contiguous_strides(shape), 0, dt
    )
    try:
        dev = as_device(device)
    except ValueError as exc:
        raise SerializationError(f"unknown device {device!r} in a pickled tensor") from exc
    if dev.kind != "cpu":
        owner = owner.to(dev)
    if kind == "TensorView":
        return owner.view()
    if kind == "TensorViewMut":
        return owner.view_mut()
    return owner
