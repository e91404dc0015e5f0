"""Devices: where a tensor's memory lives.

A device is a small value object (``cpu``, ``cuda:1``, ``sim:0``, ``meta``) whose class
is the marker used in static types: ``ct.cuda`` is an instance of :class:`Cuda`.
``ct.cuda(1)`` and ``ct.sim(1)`` name other ordinals of the same kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Final, Self

from corten.core.errors import DeviceUnavailableError

__all__ = ["Cpu", "Cuda", "Device", "Meta", "Sim", "as_device", "cpu", "cuda", "meta", "sim"]


_INTERNED: Final[dict[tuple[type[Device], int], Device]] = {}


class _BackendHooks:
    """What devices ask of the backend registry, which stands above them.

    ``corten.backends`` fills these in when it is imported (``import corten`` does), so a
    device never imports the layer above it.
    """

    __slots__ = ("discover", "get", "status")

    def __init__(self) -> None:
        self.get: Callable[[Device], Any] = _not_ready
        self.status: Callable[[Device], str | None] = _not_ready
        self.discover: Callable[[], None] = _not_ready


def _not_ready(*args: object) -> Any:
    raise RuntimeError("corten.backends has not been imported; import corten first")


#: Filled in by :func:`corten.backends.registry.install_device_hooks`.
BACKEND_HOOKS: Final = _BackendHooks()


class Device:
    """A device: a kind (``"cpu"``, ``"cuda"``, ``"sim"``, ``"meta"``) and an ordinal.

    Examples
    --------
    >>> import corten as ct
    >>> ct.cuda(1)
    device('cuda:1')
    >>> ct.as_device("cuda:1") == ct.cuda(1)
    True
    >>> str(ct.cpu)
    'cpu'
    >>> ct.cpu == "cpu", ct.sim == "sim:0", ct.sim(1) == "sim"
    (True, True, False)
    """

    __slots__ = ("_index",)
    kind: ClassVar[str] = ""
    _index: int

    def __new__(cls, index: int = 0) -> Self:
        # Devices are interned: one object per (kind, ordinal), so that ``is`` compares
        # them on the hot paths.
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError(f"a device ordinal is an int >= 0, got {index!r}")
        key = (cls, index)
        found = _INTERNED.get(key)
        if found is None:
            found = object.__new__(cls)
            found._index = index
            found = _INTERNED.setdefault(key, found)
        return found  # type: ignore[return-value]

    @property
    def index(self) -> int:
        """The ordinal of this device among those of its kind."""
        return self._index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Device):
            return other.kind == self.kind and other._index == self._index
        if isinstance(other, str):
            named = _named_by(other)
            if named is not None:
                return named == (self.kind, self._index)
        return NotImplemented

    def __hash__(self) -> int:
        # Strings that compare equal ("cpu", "sim:0") hash differently, as NumPy's dtypes
        # and their names do: a device and its name are not interchangeable dict keys.
        return hash((self.kind, self._index))

    def __str__(self) -> str:
        if self.kind in ("cpu", "meta") and self._index == 0:
            return self.kind
        return f"{self.kind}:{self._index}"

    def __repr__(self) -> str:
        return f"device({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (as_device, (str(self),))


class Cpu(Device):
    """Marker class of the host CPU device, ``ct.cpu``."""

    __slots__ = ()
    kind: ClassVar[str] = "cpu"


class _Accelerator(Device):
    """Streams, events and synchronization: what devices with asynchronous work share."""

    __slots__ = ()

    def Stream(self) -> Any:
        """A new stream (an ordered queue of work) on this device.

        Examples
        --------
        >>> import corten as ct
        >>> s = ct.sim.Stream()
        >>> s.device
        device('sim:0')
        """
        return BACKEND_HOOKS.get(self).new_stream()

    def current_stream(self) -> Any:
        """The stream that work on this device goes to now.

        Examples
        --------
        >>> import corten as ct
        >>> ct.sim.current_stream() is ct.sim.current_stream()
        True
        """
        return BACKEND_HOOKS.get(self).current_stream()

    def stream(self, stream: Any) -> Any:
        """A context manager that makes ``stream`` current for work on this device.

        Examples
        --------
        >>> import corten as ct
        >>> s = ct.sim.Stream()
        >>> with ct.sim.stream(s):
        ...     ct.sim.current_stream() is s
        True
        """
        return BACKEND_HOOKS.get(self).use_stream(stream)

    def synchronize(self) -> None:
        """Wait until all work queued on every stream of this device has run.

        Examples
        --------
        >>> import corten as ct
        >>> ct.sim.synchronize()
        """
        BACKEND_HOOKS.get(self).synchronize()


class Cuda(_Accelerator):
    """Marker class of NVIDIA GPUs; ``ct.cuda`` is ``cuda:0`` and ``ct.cuda(i)`` is ``cuda:i``."""

    __slots__ = ()
    kind: ClassVar[str] = "cuda"

    def __call__(self, index: int = 0) -> Cuda:
        return Cuda(index)

    @staticmethod
    def is_available() -> bool:
        """Whether a CUDA backend and a GPU can be used here.

        Examples
        --------
        >>> import corten as ct
        >>> isinstance(ct.cuda.is_available(), bool)
        True
        """
        return BACKEND_HOOKS.status(cuda) is None


class Sim(_Accelerator):
    """Marker class of the simulated accelerator, ``ct.sim`` and ``ct.sim(i)``."""

    __slots__ = ()
    kind: ClassVar[str] = "sim"

    def __call__(self, index: int = 0) -> Sim:
        return Sim(index)


class Meta(Device):
    """Marker class of the ``meta`` device: shape, dtype and layout without data."""

    __slots__ = ()
    kind: ClassVar[str] = "meta"


cpu: Final = Cpu()
cuda: Final = Cuda()
sim: Final = Sim()
meta: Final = Meta()

_KINDS: Final[dict[str, type[Device]]] = {"cpu": Cpu, "cuda": Cuda, "sim": Sim, "meta": Meta}


def _named_by(name: str) -> tuple[str, int] | None:
    """The (kind, ordinal) that a device string names, for ``==``; None if it names none.

    Only kinds already registered count: comparing never imports backend packages.
    """
    kind, sep, idx = name.strip().partition(":")
    if kind not in _KINDS or (sep and not idx.isdigit()):
        return None
    return kind, int(idx) if sep else 0


def as_device(value: object) -> Device:
    """Return the device that ``value`` names.

    Parameters
    ----------
    value : Device or str
        A device, or a string such as ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"sim:0"``.

    Returns
    -------
    Device

    Raises
    ------
    DeviceUnavailableError
        If ``value`` names no device known here (it is also a ValueError); the message
        lists the known kinds.

    Examples
    --------
    >>> import corten as ct
    >>> ct.as_device("sim:1")
    device('sim:1')
    """
    if isinstance(value, Device):
        return value
    if isinstance(value, str):
        kind, sep, idx = value.strip().partition(":")
        cls = _KINDS.get(kind)
        if cls is not None and (not sep or idx.isdigit()):
            index = int(idx) if sep else 0
            if cls in (Cpu, Meta) and index != 0:
                raise _UnknownDeviceError(f"{kind!r} has only ordinal 0, got {value!r}")
            return cls(index)
        if cls is None and kind.isidentifier() and (not sep or idx.isdigit()):
            # Perhaps a kind that an installed backend package provides.
            BACKEND_HOOKS.discover()
            if kind in _KINDS:
                return _KINDS[kind](int(idx) if sep else 0)
    known = ", ".join(sorted(_KINDS))
    raise _UnknownDeviceError(
        f"{value!r} is not a device; the device kinds known here are {known}: use "
        "ct.cpu, ct.cuda, ct.cuda(i), ct.sim, ct.meta or a string such as 'cuda:1' (other "
        "kinds come from installed backend packages)"
    )


class _UnknownDeviceError(DeviceUnavailableError, ValueError):
    """A name of no device known here: a DeviceUnavailableError that is also the
    ValueError that ``as_device`` raised before."""


def require_available(device: Device) -> None:
    """Raise DeviceUnavailableError unless ``device`` has a usable backend here."""
    if device.kind == "cpu":
        return
    reason = BACKEND_HOOKS.status(device)
    if reason is not None:
        raise DeviceUnavailableError(f"device {device} cannot be used: {reason}")
