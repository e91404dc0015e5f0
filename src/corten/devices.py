"""Devices: where a tensor's memory lives.

A device is a small value object (``cpu``, ``cuda:1``, ``sim:0``, ``meta``) whose class
is the marker used in static types: ``ct.cuda`` is an instance of :class:`Cuda`.
``ct.cuda(1)`` and ``ct.sim(1)`` name other ordinals of the same kind.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from corten.errors import DeviceUnavailableError

__all__ = ["Cpu", "Cuda", "Device", "Meta", "Sim", "as_device", "cpu", "cuda", "meta", "sim"]


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
    """

    __slots__ = ("_index",)
    kind: ClassVar[str] = ""
    _index: int

    def __init__(self, index: int = 0) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError(f"a device ordinal is an int >= 0, got {index!r}")
        self._index = index

    @property
    def index(self) -> int:
        """The ordinal of this device among those of its kind."""
        return self._index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and other.kind == self.kind and other._index == self._index

    def __hash__(self) -> int:
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


class Cuda(Device):
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
        return False


class Sim(Device):
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
    ValueError
        If the string names no device.

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
                raise ValueError(f"{kind!r} has only ordinal 0, got {value!r}")
            return cls(index)
    raise ValueError(
        f"{value!r} is not a device; use ct.cpu, ct.cuda, ct.cuda(i), ct.sim, ct.meta "
        "or a string such as 'cuda:1'"
    )


def require_available(device: Device) -> None:
    """Raise DeviceUnavailableError unless ``device`` has a backend in this build."""
    if device.kind == "cpu":
        return
    hints = {
        "cuda": "the CUDA backend is not available in this build (no CUDA driver found, "
        "or the extra is missing: pip install corten[cuda]); use ct.cpu",
        "sim": "the sim backend is not available in this build; use ct.cpu",
        "meta": "the meta backend is not available in this build; use ct.cpu",
    }
    raise DeviceUnavailableError(f"device {device} cannot be used: {hints[device.kind]}")
