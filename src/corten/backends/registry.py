"""The backend registry: one backend instance per device, made on first use.

Built-in kinds are imported by name when first used; more come from the
``corten.backends`` entry-point group. Importing this module installs the hooks through
which the layers below (devices, ``memory.storage``, ``backends.base``) reach a backend
without importing this module.
"""

from __future__ import annotations

import importlib
import threading
from importlib.metadata import entry_points
from typing import Any, Final

from corten.backends.base import (
    BACKEND_REGISTRY,
    CAPABILITIES,
    Backend,
)
from corten.core.devices import _KINDS, BACKEND_HOOKS, Device, as_device
from corten.core.devices import cpu as _CPU
from corten.core.errors import DeviceUnavailableError
from corten.memory.storage import DEVICE_STATE, Buffer

__all__ = [
    "ENTRY_POINT_GROUP",
    "backend_status",
    "discover",
    "empty_cache",
    "get_backend",
    "memory_stats",
    "register_backend",
]

ENTRY_POINT_GROUP: Final = "corten.backends"

# Built-in backends, imported when first used (the CUDA one needs its extra).
_BUILTIN: Final = {
    "cpu": ("corten.backends.cpu", "CpuBackend"),
    "sim": ("corten.backends.sim", "SimBackend"),
    "meta": ("corten.backends.meta", "MetaBackend"),
    "cuda": ("corten.backends.cuda.backend", "CudaBackend"),
}
_TYPES: dict[str, type[Backend]] = {}
_INSTANCES: dict[Device, Backend] = {}
_REASONS: dict[Device, str | None] = {}
_LOCK: Final = threading.RLock()
_discovered = False


def register_backend(cls: type[Backend]) -> type[Backend]:
    """Make ``cls`` the backend of devices of kind ``cls.kind`` (usable as a decorator).

    Raises
    ------
    ValueError
        If ``cls`` declares unknown capabilities, or a device type of another kind.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.backends import get_backend, register_backend
    >>> register_backend(type(get_backend(ct.cpu))).kind
    'cpu'
    """
    kind = cls.kind
    unknown = set(cls.capabilities) - CAPABILITIES
    if unknown:
        raise ValueError(f"backend {cls.__name__} declares unknown capabilities {unknown}")
    if cls.device_type.kind != kind:
        raise ValueError(
            f"backend {cls.__name__} is for kind {kind!r} but its device type "
            f"{cls.device_type.__name__} is of kind {cls.device_type.kind!r}"
        )
    with _LOCK:
        _TYPES[kind] = cls
        _KINDS.setdefault(kind, cls.device_type)
        for dev in [d for d in _INSTANCES if d.kind == kind]:
            del _INSTANCES[dev]
        for dev in [d for d in _REASONS if d.kind == kind]:
            del _REASONS[dev]
    return cls


def discover() -> None:
    """Register the backends of the ``corten.backends`` entry points (once)."""
    global _discovered
    with _LOCK:
        if _discovered:
            return
        _discovered = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Backend)):
                raise TypeError(
                    f"entry point {ep.name!r} of {ENTRY_POINT_GROUP!r} is {cls!r}, "
                    "not a Backend subclass"
                )
            register_backend(cls)


def _backend_type(kind: str) -> type[Backend] | str:
    """The backend class for ``kind``, or why there is none."""
    cls = _TYPES.get(kind)
    if cls is not None:
        return cls
    if kind in _BUILTIN:
        module, name = _BUILTIN[kind]
        try:
            found: type[Backend] = getattr(importlib.import_module(module), name)
        except ImportError as exc:
            return f"its backend cannot be imported ({exc})"
        register_backend(found)
        return found
    discover()
    cls = _TYPES.get(kind)
    if cls is None:
        return f"no backend is registered for {kind!r} devices"
    return cls


def backend_status(device: Device | str) -> str | None:
    """Why ``device`` cannot be used here, or None when it can.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.backends import backend_status
    >>> backend_status(ct.sim) is None, backend_status(ct.sim(7)) is None
    (True, False)
    """
    dev = as_device(device)
    with _LOCK:
        if dev in _REASONS:
            return _REASONS[dev]
        cls = _backend_type(dev.kind)
        reason = cls if isinstance(cls, str) else cls.unavailable_reason(dev)
        _REASONS[dev] = reason
        return reason


def get_backend(device: Device | str) -> Backend:
    """The backend serving ``device`` (made once per device).

    Raises
    ------
    DeviceUnavailableError
        If the device cannot be used here, with the reason.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.backends import get_backend
    >>> get_backend(ct.cpu).device
    device('cpu')
    """
    dev = as_device(device)
    found = _INSTANCES.get(dev)
    if found is not None:
        return found
    with _LOCK:
        found = _INSTANCES.get(dev)
        if found is not None:
            return found
        reason = backend_status(dev)
        if reason is not None:
            raise DeviceUnavailableError(f"device {dev} cannot be used: {reason}")
        cls = _TYPES[dev.kind]
        backend = cls(dev)
        _INSTANCES[dev] = backend
        if dev.kind != "cpu":
            DEVICE_STATE.install(_HOOKS)
        return backend


def memory_stats(device: Device | str = _CPU) -> dict[str, int]:
    """Memory statistics of ``device``'s allocator, in bytes.

    ``allocated`` (in live blocks), ``peak`` (the most allocated at once), ``reserved``
    (held from the system, cache included) and ``count`` (live blocks). On the CPU they
    count the memory corten's allocator handed out (factories, transfers, loads), not
    the results that NumPy allocates for computed operations.

    Examples
    --------
    >>> import corten as ct
    >>> before = ct.memory_stats(ct.sim)["allocated"]
    >>> t = ct.zeros((256,), dtype=ct.float32, device=ct.sim)
    >>> ct.memory_stats(ct.sim)["allocated"] - before
    1024
    >>> del t
    >>> ct.memory_stats(ct.sim)["allocated"] - before
    0
    """
    return get_backend(device).memory_stats()


def empty_cache(device: Device | str = _CPU) -> None:
    """Give the memory that ``device``'s allocator caches back to the system.

    Examples
    --------
    >>> import corten as ct
    >>> ct.empty_cache(ct.sim)
    >>> ct.memory_stats(ct.sim)["reserved"] == ct.memory_stats(ct.sim)["allocated"]
    True
    """
    get_backend(device).empty_cache()


class _Hooks:
    """What ``storage.DEVICE_STATE`` calls for buffers on devices other than the CPU."""

    @staticmethod
    def access(buf: Buffer) -> None:
        get_backend(buf.device).access(buf)

    @staticmethod
    def copy_buffer(buf: Buffer) -> Buffer:
        return get_backend(buf.device).copy_buffer(buf)

    @staticmethod
    def copy_host(buf: Buffer) -> Buffer:
        return get_backend(_CPU).copy_buffer(buf)


_HOOKS: Final[Any] = _Hooks()


def _install_hooks() -> None:
    """Let devices and backends reach the registry (they stand below it)."""
    BACKEND_HOOKS.get = get_backend
    BACKEND_HOOKS.status = backend_status
    BACKEND_HOOKS.discover = discover
    BACKEND_REGISTRY.get = get_backend


_install_hooks()
