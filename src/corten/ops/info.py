"""The array API's inspection object: what corten's namespace offers, per device.

``corten.__array_namespace_info__()`` returns an :class:`Info`. Array libraries' clients
(scikit-learn, SciPy) read it to choose dtypes: ``dtypes(kind="real floating",
device=d)`` decides whether they compute in float64 on ``d``.
"""

from __future__ import annotations

from typing import Final

from corten.backends import backend_status
from corten.backends.sim import DEVICE_COUNT as _SIM_DEVICES
from corten.core.devices import Device, as_device, cpu, cuda, meta, sim
from corten.core.dtypes import (
    DType,
    bool_,
    complex64,
    complex128,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)

__all__ = ["Info", "__array_namespace_info__"]

#: The dtypes of the standard, by kind. corten's float16 is outside the standard and is
#: left out of ``dtypes()``.
_KINDS: Final[dict[str, tuple[DType, ...]]] = {
    "bool": (bool_,),
    "signed integer": (int8, int16, int32, int64),
    "unsigned integer": (uint8, uint16, uint32, uint64),
    "real floating": (float32, float64),
    "complex floating": (complex64, complex128),
}
_KINDS["integral"] = _KINDS["signed integer"] + _KINDS["unsigned integer"]
_KINDS["numeric"] = _KINDS["integral"] + _KINDS["real floating"] + _KINDS["complex floating"]
_ALL: Final = _KINDS["bool"] + _KINDS["numeric"]

#: The most dimensions a tensor's operations support (NumPy's limit, which the cpu and
#: sim devices compute with).
MAX_DIMENSIONS: Final = 64


def _device_arg(device: object) -> Device | None:
    return None if device is None else as_device(device)


def _kind_dtypes(kind: str | tuple[str, ...] | None) -> tuple[DType, ...]:
    if kind is None:
        return _ALL
    kinds = kind if isinstance(kind, tuple) else (kind,)
    found: list[DType] = []
    for k in kinds:
        if not isinstance(k, str) or k not in _KINDS:
            raise ValueError(
                f"unknown dtype kind {k!r}; use one of {', '.join(map(repr, _KINDS))} "
                "(or a tuple of them)"
            )
        found.extend(d for d in _KINDS[k] if d not in found)
    return tuple(d for d in _ALL if d in found)  # in the standard's order


class Info:
    """What corten's array namespace offers (the array API's inspection object).

    Examples
    --------
    >>> import corten as ct
    >>> info = ct.__array_namespace_info__()
    >>> info.capabilities()
    {'boolean indexing': True, 'data-dependent shapes': True, 'max dimensions': 64}
    >>> info.default_device(), info.default_dtypes()["real floating"]
    (device('cpu'), corten.float32)
    >>> list(info.dtypes(kind="real floating"))
    ['float32', 'float64']
    """

    __slots__ = ()

    def capabilities(self) -> dict[str, bool | int | None]:
        """``boolean indexing`` and ``data-dependent shapes`` (both supported; on
        ``meta``, which has no data, functions whose result shape depends on the data
        raise), and ``max dimensions`` (64, NumPy's limit)."""
        return {
            "boolean indexing": True,
            "data-dependent shapes": True,
            "max dimensions": MAX_DIMENSIONS,
        }

    def default_device(self) -> Device:
        """Where creation functions put tensors without ``device=``: the cpu."""
        return cpu

    def default_dtypes(self, *, device: Device | str | None = None) -> dict[str, DType]:
        """The dtypes that functions choose when none is given, on every device.

        Note: the default real floating dtype is float32 (corten's default for vision
        work, as PyTorch's), not NumPy's float64; the standard allows either. The
        default complex dtype matches it: complex64.
        """
        _device_arg(device)
        return {
            "real floating": float32,
            "complex floating": complex64,
            "integral": int64,
            "indexing": int64,
        }

    def dtypes(
        self,
        *,
        device: Device | str | None = None,
        kind: str | tuple[str, ...] | None = None,
    ) -> dict[str, DType]:
        """The standard's dtypes that ``device`` supports (every device when None), by
        canonical name, optionally only those of ``kind``.

        ``kind`` is one of ``"bool"``, ``"signed integer"``, ``"unsigned integer"``,
        ``"integral"``, ``"real floating"``, ``"complex floating"``, ``"numeric"``, or a
        tuple of them (their union).

        Raises
        ------
        ValueError
            If ``kind`` names no kind, or ``device`` no device.
        """
        dev = _device_arg(device)
        found = _kind_dtypes(kind)
        if dev is not None and dev.kind == "cuda":
            found = tuple(d for d in found if d.kind != "c")  # no complex kernels yet
        return {d.name: d for d in found}

    def devices(self) -> list[Device]:
        """The devices that ``device=`` accepts here: the cpu, both ``sim`` devices,
        ``meta``, and each GPU where the ``cuda`` backend is usable."""
        found: list[Device] = [cpu, *(sim(i) for i in range(_SIM_DEVICES)), meta]
        if backend_status(cuda) is None:
            i = 0
            while backend_status(cuda(i)) is None:
                found.append(cuda(i))
                i += 1
        return found


_INFO: Final = Info()


def __array_namespace_info__() -> Info:
    """The inspection object of corten's array namespace (see :class:`Info`).

    Examples
    --------
    >>> import corten as ct
    >>> ct.__array_namespace_info__().default_dtypes()["integral"]
    corten.int64
    """
    return _INFO
