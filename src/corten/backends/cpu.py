"""The CPU backend: NumPy memory, 64-byte aligned allocations with statistics."""

from __future__ import annotations

from typing import Any, ClassVar

from corten.backends.base import Allocator, NumpyBackend, aligned_bytes
from corten.core.devices import Cpu, Device

__all__ = ["CpuAllocator", "CpuBackend"]


class CpuAllocator(Allocator):
    """Host memory from NumPy, each block aligned to 64 bytes (a cache line, and what
    SIMD loads of 512 bits want). Memory goes back to the system when the last array
    over it dies; there is no cache."""

    alignment: ClassVar[int] = 64

    def _allocate(self, nbytes: int) -> Any:
        return aligned_bytes(nbytes, self.alignment)

    def _free(self, memory: Any, nbytes: int) -> None:
        pass  # NumPy frees the memory with the last array over it


class CpuBackend(NumpyBackend):
    """The host: every operation is NumPy's, on the caller's thread.

    Tensor operations on the CPU run NumPy inline (their fast path); these hooks are the
    same computations behind the device interface.
    """

    kind: ClassVar[str] = "cpu"
    device_type: ClassVar[type[Device]] = Cpu
    capabilities: ClassVar[frozenset[str]] = frozenset({"data", "host_access"})

    def _make_allocator(self) -> Allocator:
        return CpuAllocator(self.device)
