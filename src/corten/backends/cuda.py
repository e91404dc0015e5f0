"""The ``cuda`` device kind: availability and the reason it cannot be used.

The CUDA backend is built on ``cuda.core`` (the ``cuda`` extra). This version probes
for it and reports precisely why a CUDA device cannot be used; device memory,
transfers and kernels for ``cuda`` are not part of this version, so a machine with a
GPU reports that too rather than running unverified code.
"""

from __future__ import annotations

import importlib.util
from typing import ClassVar

from corten.backends._base import NumpyBackend
from corten.devices import Cuda, Device

__all__ = ["CudaBackend"]


def _probe() -> str:
    if importlib.util.find_spec("cuda") is None or importlib.util.find_spec("cuda.core") is None:
        return (
            "cuda-core is not installed, so no CUDA driver can be reached (the extra is "
            "missing: pip install corten[cuda]); use ct.cpu, or ct.sim to test device code"
        )
    try:
        from cuda.core.experimental import system
    except ImportError:  # newer cuda-core releases
        try:
            from cuda.core import system
        except ImportError as exc:
            return f"cuda-core cannot be imported ({exc}); use ct.cpu"
    try:
        count = int(system.num_devices)
    except Exception as exc:  # the driver is missing or refuses: say what it said
        return f"no CUDA driver found ({exc}); use ct.cpu"
    if count == 0:
        return "no CUDA driver found or no GPU visible; use ct.cpu"
    return (
        f"{count} GPU(s) found, but this version of corten has no CUDA kernels yet; "
        "use ct.cpu, or ct.sim to test device code"
    )


class CudaBackend(NumpyBackend):
    """Reports why ``cuda`` devices cannot be used in this version (see the module)."""

    kind: ClassVar[str] = "cuda"
    device_type: ClassVar[type[Device]] = Cuda
    _reason: ClassVar[str | None] = None

    @classmethod
    def unavailable_reason(cls, device: Device) -> str | None:
        if cls._reason is None:
            cls._reason = _probe()
        return cls._reason

    def _make_allocator(self) -> NumpyBackend:  # type: ignore[override]
        raise AssertionError("unreachable: cuda devices are never made in this version")
