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

``cuda`` tensors are exchanged by device pointer: DLPack capsules that corten builds
itself (``make_capsule``; NumPy builds those of host memory), imports that wrap the
producer's pointer (``CudaBackend.adopt_pointer``), and ``__cuda_array_interface__``.
The stream handshake follows the array API: the consumer names its stream, and corten
makes that stream wait for an event recorded on corten's current stream. This code has
not yet run on a GPU; the tests run it over an emulated driver whose device memory is
host memory.
"""

from __future__ import annotations

import ctypes
import enum
import math
import operator
import pickle
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, SupportsIndex, cast

import numpy as np

from corten.core.devices import Device, as_device, cpu, cuda, require_available
from corten.core.dtypes import _BY_NUMPY, DType, as_dtype, bfloat16, float8_e4m3fn, float8_e5m2
from corten.core.errors import DTypeError, SerializationError
from corten.core.layout import contiguous_strides, is_contiguous, may_overlap
from corten.creation import from_numpy
from corten.memory.storage import Buffer, Storage
from corten.tensor import Tensor, TensorView, TensorViewMut
from corten.tensor._build import _result, _wrap_region
from corten.tensor.mutable import _OverlappingViewMut
from corten.tensor.writable import _Writable

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
    if read_only and t._device.kind == "cpu" and not t._storage.buffer.array.flags.writeable:
        # Note: NumPy exports such memory with the read-only flag alone; PyTorch ignores
        # the flag, and its writes would change an immutable object or fault on a
        # read-only page. Memory corten merely keeps read-only (a private file map, its
        # own buffers) is writable underneath and is exported as it is.
        return (
            "its memory must never be written (an immutable bytes object, a read-only "
            "map), and consumers such as PyTorch ignore DLPack's read-only flag"
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
    if t._dtype._ml_dtypes:
        return _relabelled_capsule(arr, max_version)
    return arr.__dlpack__(max_version=max_version)


def _relabelled_capsule(arr: Array, max_version: tuple[int, int] | None) -> CapsuleType:
    """NumPy's capsule of ``arr``'s bits as unsigned integers, relabelled with the DLPack
    type of ``arr``'s ml_dtypes type (bfloat16, float8), which NumPy refuses to export.

    NumPy's capsule (not one of :func:`make_capsule`'s) because its destructor is C code
    that keeps a pending exception: NumPy's own ``from_dlpack`` drops such a capsule with
    its "Unsupported dtype" error set, which a ctypes destructor would lose.
    """
    capsule = arr.view(f"u{arr.itemsize}").__dlpack__(max_version=max_version)
    tensor: _DLTensor
    if _is_valid(capsule, _NAME_V):
        tensor = _DLManagedTensorVersioned.from_address(_get_pointer(capsule, _NAME_V)).dl_tensor
    else:
        tensor = _DLManagedTensor.from_address(_get_pointer(capsule, _NAME)).dl_tensor
    tensor.dtype = _dl_dtype(arr.dtype)
    return capsule


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


def _sim_capsule(
    t: TensorView[Any, Any, Any],
    stream: object,
    versioned: bool,
    max_version: tuple[int, int] | None,
    dl_device: tuple[int, int] | None,
    copy: bool | None,
) -> CapsuleType:
    """A host copy of a sim tensor, the only export DLPack allows it (``dl_device=(1, 0)``).

    DLPack knows no sim memory, so a sim tensor has no DLPack device of its own; a consumer
    that asks for the host (NumPy's ``from_dlpack(t, device="cpu")``, scikit-learn's NumPy
    fallback) gets a copy it owns, as the standard allows for cross-device requests.
    """
    if dl_device is None or _device_pair(dl_device) != (DLDeviceType.kDLCPU, 0):
        raise BufferError(
            f"a tensor on {t._device} has no DLPack device (DLPack knows no sim memory), "
            f"got dl_device={dl_device!r}: ask for a host copy with dl_device=(1, 0) or "
            "export t.to_cpu()"
        )
    if stream is not None:
        raise BufferError(
            f"a host copy takes stream=None (its consumer is on the cpu), got {stream!r}"
        )
    if copy is False:
        raise BufferError(
            f"exporting a tensor on {t._device} to the host copies it, and copy=False "
            "forbids copies"
        )
    # to_cpu() waits for the sim stream: the host copy is complete when it returns.
    return _cpu_capsule(t.to_cpu(), None, versioned, max_version, None, None)


_Exporter = Callable[
    [TensorView[Any, Any, Any], object, bool, Any, Any, "bool | None"], "CapsuleType"
]
_EXPORTERS: Final[dict[str, _Exporter]] = {
    "cpu": _cpu_capsule,
    "sim": _sim_capsule,
}  # cuda: added below


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

    CUDA memory (a CuPy array, a PyTorch CUDA tensor) stays on its GPU: the tensor wraps
    the producer's device pointer. corten passes its current stream to the producer's
    ``__dlpack__``, so the producer orders its pending work before corten's. An object
    with ``__cuda_array_interface__`` and no ``__dlpack__`` (a Numba device array) is
    imported through the interface; it does not say which GPU holds the memory, so
    ``device`` names it (default ``cuda:0``). The CUDA paths have not yet run on a GPU.

    Parameters
    ----------
    x : object
        The producer: an object with ``__dlpack__`` and ``__dlpack_device__``, or with
        ``__cuda_array_interface__``.
    device : Device or str, optional
        Where to put the tensor; by default where ``x`` lives. Another device gets a
        copy.
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
    if (
        type(x) is not np.ndarray
        and not hasattr(x, "__dlpack__")
        and hasattr(x, "__cuda_array_interface__")
    ):
        return _from_cuda_array_interface(x, target, copy)
    source: Device | None = cpu if type(x) is np.ndarray else _producer_device(x)
    dest = target if target is not None else source
    if dest is None:
        kind, index = x.__dlpack_device__()  # type: ignore[attr-defined]
        raise BufferError(
            f"the producer's memory is on DLPack device ({int(kind)}, {index}), which has "
            "no corten device; pass device=ct.cpu to ask the producer for a host copy"
        )
    importer = _IMPORTERS.get(dest.kind)
    if importer is not None and (
        dest.kind == "cpu" or (source is not None and source.kind == dest.kind)
    ):
        if source is not None and source != dest and dest.kind != "cpu":  # another GPU
            if copy is False:
                raise BufferError(
                    f"moving the producer's memory from {source} to {dest} copies it, and "
                    "copy=False forbids copies"
                )
            return importer(x, source, None).to(dest)
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
        if host_producer and "dtype" in str(exc).lower():
            try:  # bfloat16 and float8, which NumPy's from_dlpack refuses
                return _import_foreign_host(producer, copy)
            except DTypeError:
                pass
        if "dtype" in str(exc).lower():
            raise DTypeError(
                f"the element type of the {type(x).__name__} has no corten dtype ({exc}); "
                "convert it to one of bool, uint8..uint64, int8..int64, float16..float64, "
                "complex64, complex128"
            ) from exc
        raise
    if copy and host_producer:
        return _result(np.array(arr, order="C", copy=True), cpu)
    return _share(arr)


def _import_foreign_host(producer: Any, copy: bool | None) -> Tensor[Any, Any, Any]:
    """Import host memory through corten's own capsule reader (zero-copy unless ``copy``)."""
    try:
        capsule = producer.__dlpack__(max_version=(1, 0))
    except TypeError:  # a producer older than DLPack 1.0
        capsule = producer.__dlpack__()
    foreign = ForeignTensor(capsule)
    if foreign.device[0] not in _HOST_TYPES:
        raise BufferError(f"the producer exported DLPack device {foreign.device}, not host memory")
    first, numel = _extent(foreign.shape, foreign.strides)
    isz = foreign.dtype.itemsize
    if numel == 0:
        return _result(np.empty(foreign.shape, foreign.dtype), cpu)
    memory = np.asarray(_ForeignBytes(foreign, foreign.data + first * isz, numel * isz))
    arr: Array = np.ndarray(
        foreign.shape,
        foreign.dtype,
        buffer=memory,
        offset=-first * isz,
        strides=[st * isz for st in foreign.strides],
    )
    if copy:
        return _result(np.array(arr, order="C", copy=True), cpu)
    return _share(arr)


class _ForeignBytes:
    """The bytes of a consumed capsule, for NumPy: arrays over them keep it alive, and
    the producer's deleter runs when the last one dies."""

    __slots__ = ("__array_interface__", "_foreign")

    def __init__(self, foreign: ForeignTensor, address: int, nbytes: int) -> None:
        self._foreign = foreign
        self.__array_interface__ = {
            "version": 3,
            "shape": (nbytes,),
            "typestr": "|u1",
            "data": (address, foreign.read_only),
        }


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
_IMPORTERS: Final[dict[str, _Importer]] = {"cpu": _import_host}  # cuda: added below


# ----------------------------------------------------------------------------- array interfaces


def array_interface(t: TensorView[Any, Any, Any]) -> dict[str, Any]:
    """``t.__array_interface__`` (version 3) of a cpu tensor: read-only memory.

    A frozen view gives ``data=(pointer, True)``: the pointer stays valid, and the
    elements unchanged, while the view lives (it holds its buffer and never writes), and
    NumPy keeps the view alive as the base of the arrays it builds from the dict.

    An owner or mutable view may be written later, which would change the memory under
    a raw pointer or (by copy-on-write) free it. Its dict describes a pinned read-only
    export instead (:func:`pinned_interface`): ``data`` is an object holding the pin, and
    NumPy keeps that object, not the tensor, so the export lives unchanged as long as
    anything built from it; a later write to the tensor copies it away.

    ``strides`` is always given, even for contiguous memory: Pillow then reads the
    elements through ``tobytes()`` rather than through the buffer protocol, which Python
    classes can offer only from Python 3.12.
    """
    if t._device.kind != "cpu":
        raise AttributeError(
            f"__array_interface__ describes host memory; the tensor is on {t._device}: "
            "call .to_cpu() first"
        )
    if t._dtype._ml_dtypes:  # NumPy would read the typestr ("<V2") back as void
        raise AttributeError(
            f"__array_interface__ cannot describe {t._dtype.name} (its typestr reads back "
            "as void); np.asarray(t) and t.numpy() give the dtype"
        )
    if isinstance(t, _Writable):
        return pinned_interface(t._export_readonly())
    arr = t._np()
    iface = arr.__array_interface__  # a fresh dict
    iface["data"] = (iface["data"][0], True)
    iface["strides"] = arr.strides
    return iface


class _Window:
    """A flat read-only window on a strided array's memory (``count`` elements from ``lo``
    bytes before its first element); keeps the array alive."""

    __slots__ = ("__array_interface__", "_array")

    def __init__(self, arr: np.ndarray[Any, Any], lo: int, count: int) -> None:
        self._array = arr
        self.__array_interface__ = {
            "version": 3,
            "shape": (count,),
            "typestr": arr.dtype.str,
            "data": (arr.__array_interface__["data"][0] + lo, True),
        }


def pinned_interface(arr: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The array interface of the read-only array ``arr``, with a buffer object as ``data``.

    NumPy keeps the ``data`` object as the base of the array it builds (with a pointer it
    would keep the object that exposed the dict), so ``arr``, and the pin at its base,
    live as long as that array. ``data`` must be contiguous memory: a strided ``arr``
    gets a flat read-only window from its lowest to its highest address, and ``offset``
    points at its first element within it.
    """
    if arr.flags.c_contiguous:
        data, offset = arr, 0
    else:
        pairs = list(zip(arr.shape, arr.strides, strict=True))
        lo = sum((n - 1) * s for n, s in pairs if s < 0)  # bytes below the first element
        hi = sum((n - 1) * s for n, s in pairs if s > 0)  # bytes above it
        data, offset = np.asarray(_Window(arr, lo, (hi - lo) // arr.itemsize + 1)), -lo
    return {
        "version": 3,
        "shape": arr.shape,
        "typestr": arr.dtype.str,
        "strides": arr.strides,
        "data": data,
        "offset": offset,
    }


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
    if t._dtype._ml_dtypes:
        raise BufferError(
            f"the buffer protocol has no format for {t._dtype.name} (NumPy's arrays of it "
            "refuse too); use t.numpy() or t.to_bytes()"
        )
    if operator.index(flags) & _PYBUF_WRITABLE:
        if _exports_read_only(t):
            raise BufferError(
                f"a {type(t).__name__} cannot be exported as a writable buffer: it is read-only; "
                "open it read-only, or write through the owner or owner.view_mut()"
            )
        return _writable_alias(t).data
    return t._export_readonly().data


# ----------------------------------------------------------------------------- DLPack in C
#
# NumPy builds the capsules of host memory; device memory needs capsules of its own. The
# structures below are those of ``dlpack.h`` (version 1), laid out with ctypes.


class _DLDevice(ctypes.Structure):
    _fields_ = (("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32))


class _DLDataType(ctypes.Structure):
    _fields_ = (("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16))


class _DLTensor(ctypes.Structure):
    _fields_ = (
        ("data", ctypes.c_void_p),
        ("device", _DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", _DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    )


class _DLManagedTensor(ctypes.Structure):  # the legacy (unversioned) capsule's payload
    _fields_ = (
        ("dl_tensor", _DLTensor),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", ctypes.c_void_p),
    )


class _DLPackVersion(ctypes.Structure):
    _fields_ = (("major", ctypes.c_uint32), ("minor", ctypes.c_uint32))


class _DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = (
        ("version", _DLPackVersion),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", ctypes.c_void_p),
        ("flags", ctypes.c_uint64),
        ("dl_tensor", _DLTensor),
    )


_FLAG_READ_ONLY: Final = 1 << 0
_FLAG_IS_COPIED: Final = 1 << 1
# DLDataTypeCode: kDLInt, kDLUInt, kDLFloat, kDLComplex, kDLBool.
_DL_CODES: Final = {"i": 0, "u": 1, "f": 2, "c": 5, "b": 6}
_DL_KINDS: Final = {v: k for k, v in _DL_CODES.items()}
# ml_dtypes' types: kDLBfloat, kDLFloat8_e4m3fn and kDLFloat8_e5m2, as (code, bits).
_DL_EXTENDED: Final[dict[np.dtype[Any], tuple[int, int]]] = {
    bfloat16.numpy: (4, 16),
    float8_e4m3fn.numpy: (10, 8),
    float8_e5m2.numpy: (12, 8),
}
_BY_DL_EXTENDED: Final = {v: k for k, v in _DL_EXTENDED.items()}

# Capsule names; the consumer renames a capsule it took to the "used_" name. The bytes
# objects live as long as the module: capsules keep pointers to their names.
_NAME: Final = b"dltensor"
_USED_NAME: Final = b"used_dltensor"
_NAME_V: Final = b"dltensor_versioned"
_USED_NAME_V: Final = b"used_dltensor_versioned"

_api: Final = ctypes.pythonapi
_capsule_new: Final = ctypes.PYFUNCTYPE(
    ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p
)(("PyCapsule_New", _api))
# Taking a raw ``PyObject *``: the capsule destructor runs while its capsule is being
# destroyed, when no new reference to it may be made.
_raw_is_valid: Final = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _api)
)
_raw_get_pointer: Final = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api)
)
_is_valid: Final = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _api)
)
_get_pointer: Final = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api)
)
_set_name: Final = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_SetName", _api)
)
_DELETER_TYPE: Final = ctypes.CFUNCTYPE(None, ctypes.c_void_p)

# What each exported capsule keeps alive, by the address of its managed tensor: the
# ctypes structures, and the release of the export's hold on its buffer.
_LIVE: Final[dict[int, tuple[Any, Callable[[], None]]]] = {}
_LIVE_LOCK: Final = threading.Lock()


def _deleter(address: int | None) -> None:
    """The managed tensor's deleter: the consumer is done with the memory."""
    if address is None:
        return
    with _LIVE_LOCK:
        entry = _LIVE.pop(address, None)
    if entry is not None:
        entry[1]()


def _capsule_destructor(capsule: int | None) -> None:
    """A capsule that no consumer took gives its hold back (its name is still unused)."""
    for name in (_NAME_V, _NAME):
        if capsule and _raw_is_valid(capsule, name):
            _deleter(_raw_get_pointer(capsule, name))
            return


_DELETER: Final = _DELETER_TYPE(_deleter)
_DELETER_ADDRESS: Final = ctypes.cast(_DELETER, ctypes.c_void_p).value
_DESTRUCTOR: Final = _DELETER_TYPE(_capsule_destructor)
_DESTRUCTOR_ADDRESS: Final = ctypes.cast(_DESTRUCTOR, ctypes.c_void_p).value


def _dl_dtype(dtype: np.dtype[Any]) -> _DLDataType:
    extended = _DL_EXTENDED.get(dtype)
    if extended is not None:
        return _DLDataType(extended[0], extended[1], 1)
    return _DLDataType(_DL_CODES[dtype.kind], dtype.itemsize * 8, 1)


def make_capsule(
    *,
    data: int,
    device: tuple[int, int],
    dtype: np.dtype[Any],
    shape: tuple[int, ...],
    strides: tuple[int, ...] | None,
    byte_offset: int,
    versioned: bool,
    read_only: bool,
    copied: bool,
    release: Callable[[], None],
) -> CapsuleType:
    """A DLPack capsule over memory that corten manages (``strides`` in elements).

    ``release`` runs once, when the consumer calls the deleter or when the capsule dies
    unconsumed; until then the capsule keeps the structures (and ``release``'s closure,
    which holds the memory) alive.
    """
    ndim = len(shape)
    shape_arr = (ctypes.c_int64 * max(ndim, 1))(*shape)
    strides_arr = None if strides is None else (ctypes.c_int64 * max(ndim, 1))(*strides)
    tensor = _DLTensor(
        data,
        _DLDevice(*device),
        ndim,
        _dl_dtype(dtype),
        ctypes.cast(shape_arr, ctypes.POINTER(ctypes.c_int64)),
        None if strides_arr is None else ctypes.cast(strides_arr, ctypes.POINTER(ctypes.c_int64)),
        byte_offset,
    )
    managed: _DLManagedTensorVersioned | _DLManagedTensor
    if versioned:
        flags = (_FLAG_READ_ONLY if read_only else 0) | (_FLAG_IS_COPIED if copied else 0)
        managed = _DLManagedTensorVersioned(
            _DLPackVersion(1, 0), None, _DELETER_ADDRESS, flags, tensor
        )
    else:
        managed = _DLManagedTensor(tensor, None, _DELETER_ADDRESS)
    address = ctypes.addressof(managed)
    with _LIVE_LOCK:
        _LIVE[address] = ((managed, shape_arr, strides_arr), release)
    try:
        capsule = _capsule_new(address, _NAME_V if versioned else _NAME, _DESTRUCTOR_ADDRESS)
    except BaseException:
        _deleter(address)
        raise
    return cast("CapsuleType", capsule)


class ForeignTensor:
    """A consumed DLPack capsule: the producer's tensor description, and its deleter,
    called once when this object dies (or by :meth:`close`)."""

    __slots__ = (
        "__weakref__",
        "_address",
        "_deleter",
        "data",
        "device",
        "dtype",
        "read_only",
        "shape",
        "strides",
        "version",
    )

    data: int  # the address of the element at index (0, ..., 0)
    device: tuple[int, int]
    dtype: np.dtype[Any]
    shape: tuple[int, ...]
    strides: tuple[int, ...]  # in elements, never None
    read_only: bool
    version: tuple[int, int]

    def __init__(self, capsule: object) -> None:
        self._address = 0
        self._deleter = 0
        if _is_valid(capsule, _NAME_V):
            address = _get_pointer(capsule, _NAME_V)
            versioned = _DLManagedTensorVersioned.from_address(address)
            self.version = (int(versioned.version.major), int(versioned.version.minor))
            if self.version[0] != 1:
                raise BufferError(
                    f"the producer's DLPack capsule has version {self.version[0]}."
                    f"{self.version[1]}; corten reads DLPack 1.x"
                )
            tensor = versioned.dl_tensor
            flags = int(versioned.flags)
            deleter = versioned.deleter
            used = _USED_NAME_V
        elif _is_valid(capsule, _NAME):
            address = _get_pointer(capsule, _NAME)
            legacy = _DLManagedTensor.from_address(address)
            self.version = (0, 0)
            tensor = legacy.dl_tensor
            flags = 0
            deleter = legacy.deleter
            used = _USED_NAME
        else:
            raise BufferError(
                "__dlpack__ returned no unused DLPack capsule (a capsule named 'dltensor' "
                f"or 'dltensor_versioned'), got {type(capsule).__name__}"
            )
        self._describe(tensor, flags)  # raises before the capsule is taken
        if _set_name(capsule, used) != 0:  # pragma: no cover - only on a broken capsule
            raise BufferError("cannot mark the DLPack capsule as used")
        self._address = int(address)
        self._deleter = int(deleter or 0)

    def _describe(self, tensor: _DLTensor, flags: int) -> None:
        code, bits, lanes = int(tensor.dtype.code), int(tensor.dtype.bits), int(tensor.dtype.lanes)
        kind = _DL_KINDS.get(code)
        extended = _BY_DL_EXTENDED.get((code, bits)) if lanes == 1 else None
        try:
            if extended is not None:
                npd = extended
            elif kind is None or lanes != 1 or bits % 8:
                raise TypeError
            else:
                npd = np.dtype(f"{kind}{bits // 8}" if kind != "b" else "?")
            if npd.itemsize * 8 != bits or npd not in _BY_NUMPY:
                raise TypeError
        except TypeError:
            raise DTypeError(
                f"the DLPack element type (code {code}, {bits} bits, {lanes} lanes) has no "
                "corten dtype; convert it to one of bool, uint8..uint64, int8..int64, "
                "float16..float64, complex64, complex128, bfloat16, float8_e4m3fn, float8_e5m2"
            ) from None
        ndim = int(tensor.ndim)
        if ndim < 0:
            raise BufferError(f"a DLPack tensor of {ndim} dimensions")
        shape = tuple(int(tensor.shape[i]) for i in range(ndim))
        if any(s < 0 for s in shape):
            raise BufferError(f"a DLPack tensor of shape {shape}")
        if tensor.strides:
            strides = tuple(int(tensor.strides[i]) for i in range(ndim))
        else:
            strides = contiguous_strides(shape)
        self.dtype = npd
        self.shape = shape
        self.strides = strides
        self.device = (int(tensor.device.device_type), int(tensor.device.device_id))
        self.data = int(tensor.data or 0) + int(tensor.byte_offset)
        self.read_only = bool(flags & _FLAG_READ_ONLY)

    def close(self) -> None:
        """Call the producer's deleter now (once)."""
        address, deleter = self._address, self._deleter
        self._address = self._deleter = 0
        if address and deleter:
            _DELETER_TYPE(deleter)(address)

    def __del__(self) -> None:
        self.close()


# ----------------------------------------------------------------------------- cuda
#
# Device memory never reaches the host here: exports describe it by pointer (DLPack
# capsules built above, ``__cuda_array_interface__``), imports wrap the producer's pointer
# with ``CudaBackend.adopt_pointer``. Not yet run on a GPU: the tests run this code over
# the emulated driver, whose device memory is host memory.

#: ``CU_STREAM_LEGACY`` and ``CU_STREAM_PER_THREAD``: the values the protocols use for the
#: default streams (``None`` in ``__dlpack__`` means the legacy one).
_LEGACY_STREAM: Final = 1
_PER_THREAD_STREAM: Final = 2


def _cuda_backend(device: Device) -> Any:
    from corten.backends import get_backend

    require_available(device)
    return get_backend(device)


def consumer_stream(stream: object) -> int | None:
    """The ``CUstream`` a DLPack consumer works on, from ``__dlpack__``'s ``stream``
    argument; None when it asks for no synchronization (-1).

    Raises
    ------
    BufferError
        For 0 (ambiguous in the protocol), integers below -1, and anything that is no
        integer and no object with ``__cuda_stream__``.
    """
    if stream is None:
        return _LEGACY_STREAM
    proto = getattr(stream, "__cuda_stream__", None)
    if proto is not None and not isinstance(stream, int):
        try:
            _, handle = proto()
            stream = int(handle)
        except Exception as exc:
            raise BufferError(f"the stream's __cuda_stream__() failed: {exc}") from exc
        return _LEGACY_STREAM if stream == 0 else stream
    if isinstance(stream, bool) or not isinstance(stream, int):
        raise BufferError(
            "stream must be None, -1 (no synchronization), 1 (the legacy default stream), "
            f"2 (the per-thread default stream) or a CUstream address, got {stream!r}"
        )
    if stream == -1:
        return None
    if stream == 0:
        raise BufferError(
            "stream=0 is ambiguous in the DLPack protocol; pass 1 for the legacy default "
            "stream, 2 for the per-thread default stream, or None"
        )
    if stream < -1:
        raise BufferError(f"stream must be -1 or a positive CUstream address, got {stream}")
    return stream


def _current_handle(backend: Any) -> int:
    """corten's current stream on ``backend``'s device as a protocol value (never 0)."""
    handle = int(backend.current_stream().handle)
    return _LEGACY_STREAM if handle == 0 else handle


def _order_after_current(backend: Any, handle: int | None) -> None:
    """Make the consumer's stream ``handle`` wait for the work queued so far on corten's
    current stream (nothing when it is that stream, or when ``handle`` is None)."""
    if handle is None:
        return
    if _current_handle(backend) == handle:
        return  # one stream: its own order suffices
    stream = backend.current_stream()
    foreign = _foreign_stream(backend, handle)
    if foreign is None:
        stream.synchronize()  # the host waits instead: as safe, only slower
        return
    backend.driver.stream_wait_event(foreign, stream.record_event().raw)


def _order_before_current(backend: Any, handle: int) -> None:
    """Make corten's current stream wait for the work queued so far on a producer's
    stream ``handle``."""
    if _current_handle(backend) == handle:
        return
    foreign = _foreign_stream(backend, handle)
    if foreign is None:
        backend.driver.device_synchronize(backend.device.index)  # the host waits instead
        return
    event = backend.driver.record_event(foreign)
    backend.driver.stream_wait_event(backend.current_stream().raw, event)


def _foreign_stream(backend: Any, handle: int) -> Any:
    """The driver's stream object for a ``CUstream`` that another library made, or None
    when the driver cannot wrap one (``Driver.stream_from_handle``)."""
    try:
        return backend.driver.stream_from_handle(backend.device.index, handle)
    except NotImplementedError:
        return None


def _cuda_capsule(
    t: TensorView[Any, Any, Any],
    stream: object,
    versioned: bool,
    max_version: tuple[int, int] | None,
    dl_device: tuple[int, int] | None,
    copy: bool | None,
) -> CapsuleType:
    handle = consumer_stream(stream)
    index = t._device.index
    if dl_device is not None:
        pair = _device_pair(dl_device)
        if pair == (DLDeviceType.kDLCPU, 0):
            if copy is False:
                raise BufferError(
                    f"exporting a tensor on {t._device} to the host copies it, and copy=False "
                    "forbids copies"
                )
            # to_cpu() waits for the copy: the host copy is complete when it returns.
            return _cpu_capsule(t.to_cpu(), None, versioned, max_version, None, None)
        if pair != (DLDeviceType.kDLCUDA, index):
            raise BufferError(
                f"cannot export a tensor on {t._device} to DLPack device {dl_device!r}: "
                f"corten exports it where it lives, (kDLCUDA, {index}), or copies it to "
                "(kDLCPU, 0); move it with .to(...) first"
            )
    backend = _cuda_backend(t._device)
    read_only = _exports_read_only(t)
    src: TensorView[Any, Any, Any] = t
    copied = bool(copy)
    if not copied:
        reason = _copy_reason(t, read_only, versioned)
        if reason is not None:
            if copy is False:
                raise BufferError(
                    f"cannot export this tensor without a copy (copy=False): {reason}"
                )
            copied = True
    if copied:
        src = _wrap_region(backend.contiguous(t._region()))  # a fresh owner for the consumer alone
        read_only = False
    release, buf = _hold_for_export(src, read_only and not copied)
    try:
        _order_after_current(backend, handle)
        return make_capsule(
            data=_buffer_pointer(buf),
            device=(DLDeviceType.kDLCUDA, index),
            dtype=src._dtype.numpy,
            shape=src._shape,
            strides=src._strides,
            byte_offset=src._offset * src._dtype.itemsize,
            versioned=versioned,
            read_only=read_only,
            copied=copied,
            release=release,
        )
    except BaseException:
        release()
        raise


def _buffer_pointer(buf: Buffer) -> int:
    from corten.backends.cuda import device_pointer

    return int(device_pointer(buf))


def _hold_for_export(
    t: TensorView[Any, Any, Any], read_only: bool
) -> tuple[Callable[[], None], Buffer]:
    """Keep ``t``'s device memory for an export: a read-only export pins the buffer (a
    later write to ``t`` copies ``t`` away), a writable one makes it exclusive and marks
    it escaped. Returns the release and the buffer the export describes."""
    st = t._storage
    with st.lock:
        if read_only and not st.buffer.escaped:
            buf = st.pin()
            return _Release(buf, t, pinned=True), buf
        if read_only:  # shared memory is exported as itself, as a NumPy view would be
            return _Release(st.buffer, t, pinned=False), st.buffer
        buf = st.escape() if isinstance(t, _Writable) else st.buffer
    return _Release(buf, t, pinned=False), buf


class _Release:
    """Ends an export's hold on its buffer once (the tensor is kept alive until then,
    so the memory of an escaped buffer stays allocated)."""

    __slots__ = ("_buffer", "_pinned", "_tensor")

    def __init__(self, buf: Buffer, t: TensorView[Any, Any, Any], *, pinned: bool) -> None:
        self._buffer: Buffer | None = buf
        self._tensor: object = t
        self._pinned = pinned

    def __call__(self) -> None:
        buf, self._buffer, self._tensor = self._buffer, None, None
        if buf is not None and self._pinned:
            buf.release()


def _import_cuda(x: object, source: Device | None, copy: bool | None) -> Tensor[Any, Any, Any]:
    """Import a kDLCUDA producer without a copy (``copy=True``: a device copy of it)."""
    if source is None or source.kind != "cuda":
        raise AssertionError("unreachable: from_dlpack routes only cuda producers here")
    backend = _cuda_backend(source)
    producer: Any = x
    handle = _current_handle(backend)
    try:
        capsule = producer.__dlpack__(stream=handle, max_version=(1, 0))
    except TypeError:  # producers of the older protocol take no max_version
        capsule = producer.__dlpack__(stream=handle)
    foreign = ForeignTensor(capsule)
    if foreign.device[0] not in _CUDA_TYPES or foreign.device[1] != source.index:
        raise BufferError(
            f"the producer said its memory is on {source} but exported DLPack device "
            f"{foreign.device}"
        )
    t = _adopt(backend, foreign.data, foreign, foreign.read_only)
    return _wrap_region(backend.contiguous(t._region())) if copy else t


def _adopt(backend: Any, data: int, layout: Any, read_only: bool) -> Tensor[Any, Any, Any]:
    """An owner over foreign device memory at ``data`` with ``layout``'s shape, strides
    (elements) and dtype, keeping ``layout`` (and through it the producer) alive."""
    first, numel = _extent(layout.shape, layout.strides)
    itemsize = layout.dtype.itemsize
    buf = backend.adopt_pointer(
        data + first * itemsize, numel, layout.dtype, layout, readonly=read_only
    )
    buf.escaped = True  # the producer keeps writing it: shared as ct.from_numpy shares
    strides = layout.strides if numel else contiguous_strides(layout.shape)
    return Tensor._new(Storage.adopt(buf), layout.shape, strides, -first, _BY_NUMPY[layout.dtype])


def _extent(shape: tuple[int, ...], strides: tuple[int, ...]) -> tuple[int, int]:
    if 0 in shape:
        return 0, 0
    lo = sum((s - 1) * st for s, st in zip(shape, strides, strict=True) if st < 0)
    hi = sum((s - 1) * st for s, st in zip(shape, strides, strict=True) if st > 0)
    return lo, hi - lo + 1


class CudaArrayLayout:
    """A producer's ``__cuda_array_interface__``, checked: what :func:`_adopt` needs,
    and the producer itself (kept alive by the tensor)."""

    __slots__ = ("__weakref__", "data", "dtype", "owner", "read_only", "shape", "stream", "strides")

    def __init__(self, owner: object, iface: object) -> None:
        if not isinstance(iface, dict):
            raise BufferError(
                f"__cuda_array_interface__ must be a dict, got {type(iface).__name__}"
            )
        version = iface.get("version")
        if not isinstance(version, int) or not 0 <= version <= 3:
            raise BufferError(
                f"__cuda_array_interface__ version {version!r}; corten reads versions 0 to 3"
            )
        if iface.get("mask") is not None:
            raise BufferError(
                "masked arrays (a __cuda_array_interface__ with a mask) are not supported"
            )
        try:
            npd = np.dtype(iface["typestr"])
            shape = tuple(operator.index(s) for s in iface["shape"])
            ptr, ro = iface["data"]
            ptr = operator.index(ptr or 0)
        except (KeyError, TypeError, ValueError) as exc:
            raise BufferError(f"a malformed __cuda_array_interface__ ({exc!r})") from exc
        if npd not in _BY_NUMPY:
            raise DTypeError(
                f"the element type {npd} (typestr {iface['typestr']!r}) has no corten dtype; "
                "convert it to one of bool, uint8..uint64, int8..int64, float16..float64, "
                "complex64, complex128"
            )
        if any(s < 0 for s in shape):
            raise BufferError(f"__cuda_array_interface__ shape {shape}")
        byte_strides = iface.get("strides")
        if byte_strides is None:
            strides = contiguous_strides(shape)
        else:
            bs = tuple(operator.index(s) for s in byte_strides)
            if len(bs) != len(shape) or any(s % npd.itemsize for s in bs):
                raise BufferError(
                    f"__cuda_array_interface__ strides {bs} (bytes) are no multiples of the "
                    f"item size {npd.itemsize} for shape {shape}"
                )
            strides = tuple(s // npd.itemsize for s in bs)
        stream = iface.get("stream") if version >= 3 else None
        if stream is not None and (
            isinstance(stream, bool) or not isinstance(stream, int) or stream == 0
        ):
            raise BufferError(
                f"__cuda_array_interface__ stream must be None or a nonzero int, got {stream!r}"
            )
        self.owner = owner
        self.data = ptr
        self.dtype = npd
        self.shape = shape
        self.strides = strides
        self.read_only = bool(ro)
        self.stream: int | None = stream


def _from_cuda_array_interface(
    x: object, target: Device | None, copy: bool | None
) -> Tensor[Any, Any, Any]:
    """``ct.from_dlpack`` of an object that has ``__cuda_array_interface__`` but no
    ``__dlpack__`` (a Numba device array, for one). The interface does not say which GPU
    holds the memory: it is taken to be ``target`` when that is a cuda device, else
    ``cuda:0``; another ``target`` gets a copy."""
    layout = CudaArrayLayout(x, x.__cuda_array_interface__)  # type: ignore[attr-defined]
    dev = target if target is not None and target.kind == "cuda" else cuda(0)
    if target is not None and target != dev:
        if copy is False:
            raise BufferError(
                f"__cuda_array_interface__ describes CUDA memory; moving it to {target} "
                "copies it, and copy=False forbids copies"
            )
        return _from_cuda_array_interface(x, dev, None).to(target)
    backend = _cuda_backend(dev)
    if layout.stream is not None:
        # The producer's pending work on its stream comes before anything corten does.
        _order_before_current(backend, layout.stream)
    t = _adopt(backend, layout.data, layout, layout.read_only)
    return _wrap_region(backend.contiguous(t._region())) if copy else t


def cuda_array_interface(t: TensorView[Any, Any, Any]) -> dict[str, Any]:
    """``t.__cuda_array_interface__`` (version 3): absent (AttributeError) unless ``t`` is
    on cuda.

    A frozen view describes its memory read-only; the pointer stays valid and the
    elements unchanged while the view lives (consumers keep the object alive). A
    ``Tensor`` or ``TensorViewMut`` describes writable memory, so reading the attribute
    makes its buffer exclusive and marks it escaped, as ``numpy(writable=True)`` does.
    ``stream`` is corten's current stream, on which the tensor's pending work is queued.
    """
    if t._device.kind != "cuda":
        raise AttributeError(
            f"__cuda_array_interface__ is defined for cuda tensors only; this one is on {t._device}"
        )
    backend = _cuda_backend(t._device)
    read_only = _exports_read_only(t)
    if not read_only:
        st = t._storage
        with st.lock:
            st.escape()
    itemsize = t._dtype.itemsize
    empty = 0 in t._shape
    ptr = 0 if empty else _buffer_pointer(t._storage.buffer) + t._offset * itemsize
    contiguous = is_contiguous(t._shape, t._strides)
    return {
        "shape": t._shape,
        "typestr": t._dtype.numpy.str,
        "data": (ptr, read_only),
        "strides": None if contiguous else tuple(s * itemsize for s in t._strides),
        "descr": [("", t._dtype.numpy.str)],
        "version": 3,
        "stream": _current_handle(backend),
    }


_EXPORTERS["cuda"] = _cuda_capsule
_IMPORTERS["cuda"] = _import_cuda


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

    Pickle is for data you trust: unpickling runs whatever functions the pickle names,
    so a crafted pickle runs code on load, whatever corten checks. Use safetensors
    (``ct.save``/``ct.load``) for data from elsewhere.
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
        if t._dtype._ml_dtypes:  # the buffer protocol has no format for ml_dtypes' types
            arr = arr.view(f"u{arr.itemsize}")
        data: object = pickle.PickleBuffer(arr.data)
    else:
        data = np.ascontiguousarray(host._np()).tobytes()
    return (_rebuild, (kind, str(t._device), _dtype_code(t._dtype), t._shape, data))


def _dtype_code(dtype: DType) -> str:
    """The dtype as pickled: NumPy's code with its byte order ("<f4") for NumPy's types,
    the name for ml_dtypes' (their codes, such as "<V2", read back as void)."""
    return dtype.name if dtype._ml_dtypes else dtype.numpy.str


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


_MAX_RANK: Final = 64  # NumPy's limit, as for safetensors headers and from_dict
_MAX_BYTES: Final = 2**63 - 1  # the largest array NumPy can describe


def _rebuild(*args: object) -> TensorView[Any, Any, Any]:
    """Rebuild a pickled tensor of ``kind`` over ``data`` (zero-copy where it can).

    The arguments (``kind, device, dtype, shape, data``, as :func:`reduce_ex` made them)
    are checked like ``from_dict`` input, and bad ones raise SerializationError. That
    makes a damaged pickle fail clearly; it does not make pickle safe: a pickle names
    the functions that loading calls, so a crafted one runs any code it likes before
    corten sees anything. Unpickle only data you trust; safetensors is for the rest.
    """
    if len(args) != 5:
        raise SerializationError(
            "a pickled tensor is rebuilt from 5 arguments (kind, device, dtype, shape, "
            f"data), got {len(args)}"
        )
    kind, device, dtype, shape, data = args
    if type(kind) is not str or kind not in ("Tensor", "TensorView", "TensorViewMut"):
        raise SerializationError(f"unknown tensor kind {_brief(kind)} in a pickle")
    if type(device) is not str:
        raise SerializationError(f"unknown device {_brief(device)} in a pickled tensor")
    try:
        dev = as_device(device)
    except ValueError as exc:
        raise SerializationError(f"unknown device {_brief(device)} in a pickled tensor") from exc
    if type(dtype) is not str:
        raise SerializationError(f"unknown dtype {_brief(dtype)} in a pickled tensor")
    try:
        npd = np.dtype(dtype)
        dt = as_dtype(npd)
    except (TypeError, ValueError) as exc:  # DTypeError is a TypeError
        raise SerializationError(f"unknown dtype {_brief(dtype)} in a pickled tensor") from exc
    if (
        type(shape) is not tuple
        or not all(type(s) is int and s >= 0 for s in shape)
        or len(shape) > _MAX_RANK
    ):
        raise SerializationError(
            f"bad shape {_brief(shape)} in a pickled tensor: a shape is a tuple of at most "
            f"{_MAX_RANK} integers >= 0"
        )
    described = npd.itemsize  # the bytes with zero dimensions left out (NumPy's check)
    for s in shape:
        described *= max(s, 1)
        if described > _MAX_BYTES:
            raise SerializationError(f"shape {_brief(shape)} of a pickled tensor is too large")
    n = math.prod(shape)
    try:
        view = memoryview(data)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise SerializationError(
            f"a pickled tensor's data must be a buffer, got {type(data).__name__}"
        ) from exc
    if view.nbytes != n * npd.itemsize or not view.contiguous or "O" in view.format:
        nbytes = view.nbytes
        view.release()
        raise SerializationError(
            f"a pickled tensor of shape {shape} and dtype {dt.name} needs "
            f"{n * npd.itemsize} contiguous bytes, got {nbytes}"
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
    if dev.kind != "cpu":
        owner = owner.to(dev)
    if kind == "TensorView":
        return owner.view()
    if kind == "TensorViewMut":
        return owner.view_mut()
    return owner


def _brief(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short: values read from a pickle can be arbitrarily large."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
