"""The backend interface: registry, entry points, declared capabilities, allocators."""

from __future__ import annotations

import gc
import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import corten as ct
import corten.backends as backends
from corten.backends import (
    Allocator,
    Backend,
    NumpyBackend,
    backend_status,
    get_backend,
    register_backend,
    registry,
)
from corten.backends.cpu import CpuAllocator, CpuBackend
from corten.core import devices

# ----------------------------------------------------------------------------- registry


def test_each_device_has_one_backend_instance() -> None:
    assert get_backend(ct.sim) is get_backend("sim:0")
    assert get_backend(ct.sim(1)) is not get_backend(ct.sim(0))
    assert get_backend(ct.sim(1)).device == ct.sim(1)
    assert isinstance(get_backend(ct.cpu), CpuBackend)


def test_devices_are_interned() -> None:
    assert ct.as_device("sim:1") is ct.sim(1)
    assert ct.Cpu() is ct.cpu
    assert ct.as_device("cuda") is ct.cuda


def test_capabilities_are_declared() -> None:
    assert get_backend(ct.cpu).capabilities == {"data", "host_access"}
    assert "streams" in get_backend(ct.sim).capabilities
    assert "host_access" not in get_backend(ct.sim).capabilities
    assert get_backend(ct.meta).capabilities == frozenset()
    for kind in ("cpu", "sim", "meta"):
        assert get_backend(kind).capabilities <= backends.CAPABILITIES


def test_unknown_capabilities_are_refused() -> None:
    class Bad(CpuBackend):
        capabilities: ClassVar[frozenset[str]] = frozenset({"data", "teleport"})

    with pytest.raises(ValueError, match="teleport"):
        register_backend(Bad)
    assert type(get_backend(ct.cpu)) is CpuBackend


def test_a_backend_for_another_kind_of_device_is_refused() -> None:
    class Mixed(CpuBackend):
        kind: ClassVar[str] = "sim"

    with pytest.raises(ValueError, match="kind 'sim'"):
        register_backend(Mixed)


def test_cuda_is_unavailable_here_and_says_why() -> None:
    if ct.cuda.is_available():
        pytest.skip("a CUDA GPU is available")
    reason = backend_status(ct.cuda)
    assert reason is not None
    assert "pip install corten[cuda]" in reason or "GPU" in reason or "driver" in reason
    with pytest.raises(ct.DeviceUnavailableError, match="cuda:0 cannot be used"):
        get_backend(ct.cuda)


def test_sim_has_two_devices() -> None:
    assert backend_status(ct.sim(0)) is None
    assert backend_status(ct.sim(1)) is None
    reason = backend_status(ct.sim(2))
    assert reason is not None
    assert "sim:0 and sim:1" in reason


# ----------------------------------------------------------------------------- plugins

PLUGIN = textwrap.dedent(
    """
    from typing import ClassVar

    from corten.backends import NumpyBackend
    from corten.backends.cpu import CpuAllocator
    from corten.core.devices import Device


    class Toy(Device):
        __slots__ = ()
        kind: ClassVar[str] = "toy"


    class ToyBackend(NumpyBackend):
        kind: ClassVar[str] = "toy"
        device_type: ClassVar[type[Device]] = Toy
        capabilities: ClassVar[frozenset[str]] = frozenset({"data"})

        def _make_allocator(self):
            return CpuAllocator(self.device)
    """
)


@pytest.fixture
def toy_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed out-of-tree package declaring a backend in the entry-point group."""
    (tmp_path / "toy_corten_backend").mkdir()
    (tmp_path / "toy_corten_backend" / "__init__.py").write_text(PLUGIN)
    info = tmp_path / "toy_corten_backend-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: toy-corten-backend\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[corten.backends]\ntoy = toy_corten_backend:ToyBackend\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    monkeypatch.setattr(registry, "_discovered", False)
    yield tmp_path
    for table in (registry._TYPES, devices._KINDS):
        table.pop("toy", None)
    for table2 in (registry._INSTANCES, registry._REASONS):
        for dev in [d for d in table2 if d.kind == "toy"]:
            del table2[dev]
    sys.modules.pop("toy_corten_backend", None)


def test_an_installed_backend_package_is_discovered_and_used(toy_package: Path) -> None:
    dev = ct.as_device("toy")
    assert dev.kind == "toy"
    assert str(dev) == "toy:0"
    t = ct.arange(5, dtype=ct.int32).to(dev)
    assert t.device is dev
    assert type(get_backend(dev)).__name__ == "ToyBackend"
    assert ((t * 2 + 1).to_cpu()).tolist() == [1, 3, 5, 7, 9]
    z = ct.zeros((2, 2), dtype=ct.float64, device="toy:1")
    assert z.sum().to_cpu().item() == 0.0
    assert ct.memory_stats("toy:1")["allocated"] == 32
    with pytest.raises(ct.DeviceMismatchError, match=r"toy:0.*cpu|cpu.*toy:0"):
        t + ct.arange(5, dtype=ct.int32)


def test_without_the_package_the_kind_is_unknown() -> None:
    with pytest.raises(ValueError, match="is not a device"):
        ct.as_device("toy")


# ----------------------------------------------------------------------------- allocators


@pytest.mark.parametrize("nbytes", [0, 1, 7, 64, 1000, 65537, 1 << 20])
def test_cpu_blocks_are_64_byte_aligned(nbytes: int) -> None:
    allocator = get_backend(ct.cpu).allocator
    block = allocator.allocate(nbytes)
    assert block.memory.nbytes == nbytes
    if nbytes:
        assert block.memory.ctypes.data % 64 == 0
    allocator.free(block)


@pytest.mark.parametrize("shape", [(1,), (3,), (17, 5), (64, 64, 3)])
@pytest.mark.parametrize("factory", [ct.zeros, ct.ones, ct.empty])
def test_cpu_factories_use_the_aligned_allocator(factory: Any, shape: tuple[int, ...]) -> None:
    t = factory(shape, dtype=ct.uint8)
    assert t.numpy().ctypes.data % 64 == 0


def test_cpu_stats_count_allocator_memory_until_it_is_dropped() -> None:
    gc.collect()
    before = ct.memory_stats(ct.cpu)
    t = ct.zeros((1000,), dtype=ct.float64)
    mid = ct.memory_stats(ct.cpu)
    assert mid["allocated"] - before["allocated"] == 8000
    assert mid["count"] - before["count"] == 1
    del t
    gc.collect()
    after = ct.memory_stats(ct.cpu)
    assert after["allocated"] == before["allocated"]
    assert after["count"] == before["count"]


def test_sim_blocks_are_256_byte_aligned() -> None:
    buf = get_backend(ct.sim).allocate(100, np.dtype(np.float32))
    assert buf.array.ctypes.data % 256 == 0


class _FlakyAllocator(Allocator):
    """Fails while its cache is not empty, like a device whose memory the cache holds."""

    def __init__(self) -> None:
        super().__init__(ct.cpu)
        self.cached = 1
        self.trims = 0

    def _allocate(self, nbytes: int) -> Any:
        if self.cached or nbytes > 100:
            raise MemoryError
        return np.zeros(nbytes, dtype=np.uint8)

    def _free(self, memory: Any, nbytes: int) -> None:
        pass

    def _trim(self) -> None:
        self.trims += 1
        self.cached = 0


def test_allocation_failure_frees_the_cache_retries_once_then_raises() -> None:
    allocator = _FlakyAllocator()
    block = allocator.allocate(10)
    assert allocator.trims == 1
    assert allocator.stats() == {"allocated": 10, "peak": 10, "reserved": 10, "count": 1}
    with pytest.raises(ct.OutOfMemoryError, match=r"cannot allocate 1000 bytes .*10 bytes"):
        allocator.allocate(1000)
    assert allocator.trims == 2
    allocator.free(block)
    allocator.free(block)  # freeing twice is harmless
    assert allocator.stats()["allocated"] == 0
    assert allocator.stats()["peak"] == 10
    allocator.reset_peak()
    assert allocator.stats()["peak"] == 0


def test_a_backend_must_implement_the_hooks() -> None:
    class Incomplete(Backend):
        kind: ClassVar[str] = "cpu"
        device_type: ClassVar[type[ct.Device]] = ct.Cpu

    with pytest.raises(TypeError, match="abstract"):
        Incomplete(ct.cpu)  # type: ignore[abstract]


def test_backend_verbs_round_trip_through_the_host() -> None:
    sim = get_backend(ct.sim)
    assert isinstance(sim, NumpyBackend)
    src = np.arange(12, dtype=np.int16)
    buf = sim.from_host(src)
    assert buf.device == ct.sim
    assert buf.array.dtype == np.int16
    with pytest.raises(ValueError, match="C-contiguous"):
        sim.from_host(src[::2])
    cpu_allocator = get_backend(ct.cpu).allocator
    assert isinstance(cpu_allocator, CpuAllocator)
