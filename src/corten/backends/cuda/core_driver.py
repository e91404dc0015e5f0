"""``CudaCoreDriver``: the :class:`~corten.backends.cuda.driver.Driver` on NVIDIA's
``cuda.core`` (and ``cuda.bindings.driver`` where ``cuda.core`` has no verb).

It has not yet run on a GPU (no run is recorded in docs/gpu-verification.md). Without
one, the test suite (``tests/test_cuda_api_conformance.py``) checks it against the
installed ``cuda.core`` and ``cuda.bindings``: every name in :data:`CORE_API` and
:data:`DRIVER_API` exists, every call binds to the installed signature (``cuda.bindings``
calls are made for real and stop only at the missing driver library), kernel arguments
pack as cuda.core packs them, and the whole backend runs through it over stand-ins.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Final

from corten.backends.cuda.driver import DeviceAllocation, Driver, DriverError, kernel_args

if TYPE_CHECKING:
    from corten.backends.cuda.kernels import Launch

__all__ = [
    "CORE_API",
    "DRIVER_API",
    "CudaCallError",
    "CudaCoreDriver",
    "arch_option",
    "program_options",
]


#: Every ``cuda.core`` name :class:`CudaCoreDriver` uses: module attributes, and
#: ``Class.attribute`` for what it reads on the objects of a class. The driver reaches
#: ``cuda.core`` only through these names (see :meth:`CudaCoreDriver._api`), and the test
#: suite checks each one against the installed package without a GPU.
CORE_API: Final[tuple[str, ...]] = (
    "Device",
    "Device.set_current",
    "Device.name",
    "Device.compute_capability",
    "Device.can_access_peer",
    "Device.sync",
    "Device.default_stream",
    "Device.create_stream",
    "DeviceMemoryResource",
    "DeviceMemoryResourceOptions",
    "DeviceMemoryResource.allocate",
    "DeviceMemoryResource.handle",
    "DeviceMemoryResource.attributes",
    "_MemPoolAttributes.reserved_mem_current",
    "LegacyPinnedMemoryResource",
    "LegacyPinnedMemoryResource.allocate",
    "Buffer.handle",
    "Buffer.close",
    "Stream.handle",
    "Stream.sync",
    "Stream.record",
    "Stream.wait",
    "Stream.from_handle",
    "Event.sync",
    "Event.is_done",
    "ProgramOptions",
    "Program",
    "Program.compile",
    "ObjectCode.get_kernel",
    "LaunchConfig",
    "launch",
)

#: Every ``cuda.bindings.driver`` name :class:`CudaCoreDriver` uses (``Enum.MEMBER`` for
#: enumeration members); checked like :data:`CORE_API`.
DRIVER_API: Final[tuple[str, ...]] = (
    "cuInit",
    "cuDeviceGetCount",
    "cuCtxGetCurrent",
    "cuMemcpyAsync",
    "cuMemcpyPeerAsync",
    "cuMemPoolTrimTo",
    "cuMemPoolSetAttribute",
    "cuuint64_t",
    "CUmemPool_attribute.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD",
    "CUresult.CUDA_SUCCESS",
    "CUresult.CUDA_ERROR_OUT_OF_MEMORY",
    "CUresult.CUDA_ERROR_NO_DEVICE",
)


def _import_core() -> Any:
    """The ``cuda.core`` module of 1.x, or the ``experimental`` one of older releases."""
    try:
        import cuda.core as core

        if hasattr(core, "Device"):
            return core
    except ImportError:
        pass
    import cuda.core.experimental as experimental

    return experimental


def _import_driver() -> Any:
    """``cuda.bindings.driver``."""
    from cuda.bindings import driver

    return driver


class CudaCallError(DriverError):
    """A ``cuda.bindings`` call returned an error code (kept as :attr:`code`)."""

    def __init__(self, message: str, code: Any) -> None:
        super().__init__(message)
        self.code = code


def _is_oom(exc: BaseException) -> bool:
    return "OUT_OF_MEMORY" in str(exc) or "out of memory" in str(exc).lower()


def arch_option(major: int, minor: int) -> str:
    """NVRTC's ``arch`` for a device of compute capability ``major.minor``: a cubin for
    exactly that architecture (``sm_90`` for 9.0, ``sm_120`` for 12.0).

    Examples
    --------
    >>> from corten.backends.cuda.core_driver import arch_option
    >>> arch_option(9, 0), arch_option(12, 0), arch_option(8, 6)
    ('sm_90', 'sm_120', 'sm_86')
    """
    return f"sm_{major}{minor}"


def program_options(options_type: Any, name: str, major: int, minor: int) -> Any:
    """The options (an ``options_type``: ``cuda.core.ProgramOptions``) that corten
    compiles its kernels with.

    ``fma=False``: the kernels compute ``a * b + c`` with two roundings, as NumPy and the
    CPU emulator of the test suite do (NVRTC contracts to fused multiply-adds by
    default).
    """
    return options_type(name=name, arch=arch_option(major, minor), fma=False)


class _CoreStream:
    """A ``cuda.core`` Stream and the device it belongs to.

    The legacy default stream is one object for all devices and acts on whichever
    context is current, so every verb on a stream first makes its device current.
    """

    __slots__ = ("__weakref__", "index", "raw")

    def __init__(self, index: int, raw: Any) -> None:
        self.index = index
        self.raw = raw

    def __repr__(self) -> str:
        return f"<stream {int(self.raw.handle):#x} of device {self.index}>"


class _CoreEvent:
    """A ``cuda.core`` Event and the device of the stream it was recorded on."""

    __slots__ = ("index", "raw")

    def __init__(self, index: int, raw: Any) -> None:
        self.index = index
        self.raw = raw


class CudaCoreDriver(Driver):
    """:class:`Driver` on ``cuda.core`` 1.x, with ``cuda.bindings.driver`` for the verbs
    that ``cuda.core`` lacks (copies by address, pool attributes and trimming).

    - Every verb first makes its device's primary context current on the calling thread
      (checked with ``cuCtxGetCurrent``, so another library switching devices in between
      does no harm): CUDA's calls act on the current context, and corten may be called
      from any thread.
    - Device memory comes from a stream-ordered pool that the driver creates for each
      device (``DeviceMemoryResource`` with options), with a release threshold of
      "never", so that freed memory stays cached across synchronizations;
      :meth:`trim` gives it back (``ct.empty_cache``).
    - A free on another stream than the allocation's first makes that stream wait for
      the allocation stream's work, so the memory is not reused while work queued there
      may still use it.
    - Pinned host memory comes from ``LegacyPinnedMemoryResource`` (``cuMemAllocHost``:
      portable to every context on systems with unified addressing).
    - Copies between two devices use ``cuMemcpyPeerAsync``: memory of a stream-ordered
      pool is not mapped into other devices, so a plain ``cuMemcpyAsync`` may fail
      there.
    - Kernels come from NVRTC as cubins for the device's own architecture.

    Not yet run on a GPU: its calls are checked against the installed ``cuda.core`` and
    ``cuda.bindings`` (names, signatures, argument types) by the test suite, which runs
    this class over stand-ins.
    """

    #: Kernel launch limits (blocks in x, threads per block) of every CUDA GPU that
    #: cuda.core 1.x supports (compute capability 5.0 and later).
    MAX_GRID_X: Final = 2**31 - 1
    MAX_BLOCK: Final = 1024

    def __init__(self, core: Any = None, driver: Any = None) -> None:
        self._core = _import_core() if core is None else core
        self._cu = _import_driver() if driver is None else driver
        self._lock = threading.Lock()
        self._tls = threading.local()
        self._contexts: dict[int, int] = {}  # device -> its primary context's handle
        self._pools: dict[int, Any] = {}
        self._pinned: Any = None
        self._kernels: dict[tuple[int, str, str], Any] = {}
        self._initialized = False

    def _api(self, path: str) -> Any:
        """The ``cuda.core`` or ``cuda.bindings.driver`` object ``path`` names (one of
        :data:`CORE_API` or :data:`DRIVER_API`)."""
        if path in CORE_API:
            obj = self._core
        elif path in DRIVER_API:
            obj = self._cu
        else:
            raise AssertionError(f"{path} is in neither CORE_API nor DRIVER_API")
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    def _check(self, result: Any, what: str) -> Any:
        """The values of a ``cuda.bindings`` call after its error code (MemoryError for
        CUDA_ERROR_OUT_OF_MEMORY, CudaCallError for the others)."""
        err, *rest = result if isinstance(result, tuple) else (result,)
        if err != self._api("CUresult.CUDA_SUCCESS"):
            if err == self._api("CUresult.CUDA_ERROR_OUT_OF_MEMORY"):
                raise MemoryError(f"{what}: CUDA_ERROR_OUT_OF_MEMORY")
            raise CudaCallError(f"{what} failed: {err!r}", err)
        if not rest:
            return None
        return rest[0] if len(rest) == 1 else tuple(rest)

    # -- devices and contexts

    def _init(self) -> None:
        if not self._initialized:
            self._check(self._api("cuInit")(0), "cuInit")
            self._initialized = True

    def _current_context(self) -> int:
        return int(self._check(self._api("cuCtxGetCurrent")(), "cuCtxGetCurrent") or 0)

    def _device(self, index: int) -> Any:
        """The ``cuda.core`` Device ``index``, its primary context current on this thread."""
        self._init()
        dev = self._api("Device")(index)  # one object per device and thread
        known = self._contexts.get(index)
        if known is None or self._current_context() != known:
            dev.set_current()
            self._contexts[index] = self._current_context()
        return dev

    def make_current(self, index: int) -> None:
        self._device(index)

    def _any_context(self) -> None:
        """Some context current on this thread (device 0's when there is none)."""
        self._init()
        if not self._current_context():
            self._device(0)

    def device_count(self) -> int:
        try:
            self._init()
        except CudaCallError as exc:
            if exc.code == self._api("CUresult.CUDA_ERROR_NO_DEVICE"):
                return 0
            raise
        return int(self._check(self._api("cuDeviceGetCount")(), "cuDeviceGetCount"))

    def device_name(self, index: int) -> str:
        return str(self._device(index).name)

    def compute_capability(self, index: int) -> tuple[int, int]:
        cc = self._device(index).compute_capability
        return int(cc.major), int(cc.minor)

    def can_access_peer(self, index: int, peer: int) -> bool:
        if index == peer:
            return True
        return bool(self._device(index).can_access_peer(peer))

    def device_synchronize(self, index: int) -> None:
        self._device(index).sync()

    # -- memory

    def _pool(self, index: int) -> Any:
        pool = self._pools.get(index)
        if pool is None:
            with self._lock:
                pool = self._pools.get(index)
                if pool is None:
                    dev = self._device(index)
                    options = self._api("DeviceMemoryResourceOptions")()
                    pool = self._api("DeviceMemoryResource")(dev, options)
                    never = self._api("cuuint64_t")(2**64 - 1)
                    self._check(
                        self._api("cuMemPoolSetAttribute")(
                            pool.handle,
                            self._api("CUmemPool_attribute.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD"),
                            never,
                        ),
                        "cuMemPoolSetAttribute(RELEASE_THRESHOLD)",
                    )
                    self._pools[index] = pool
        return pool

    def alloc(self, index: int, nbytes: int, stream: Any) -> DeviceAllocation:
        pool = self._pool(index)
        self._device(index)
        try:
            buf = pool.allocate(max(nbytes, 1), stream=stream.raw)
        except Exception as exc:
            if _is_oom(exc):
                raise MemoryError(str(exc)) from exc
            raise
        return DeviceAllocation(int(buf.handle), nbytes, index, (buf, stream))

    def free(self, allocation: DeviceAllocation, stream: Any) -> None:
        buf, made_on = allocation.raw
        self._device(stream.index)
        if made_on.index != stream.index or self.stream_handle(made_on) != self.stream_handle(
            stream
        ):
            # Work queued on the allocation's stream may still use the memory.
            stream.raw.wait(made_on.raw.record())
        buf.close(stream.raw)

    def trim(self, index: int) -> None:
        pool = self._pools.get(index)
        if pool is not None:
            self._device(index).sync()
            self._check(self._api("cuMemPoolTrimTo")(pool.handle, 0), "cuMemPoolTrimTo")

    def reserved(self, index: int) -> int | None:
        pool = self._pools.get(index)
        if pool is None:
            return 0
        self._device(index)
        return int(pool.attributes.reserved_mem_current)

    def alloc_pinned(self, nbytes: int) -> DeviceAllocation:
        self._any_context()
        if self._pinned is None:
            self._pinned = self._api("LegacyPinnedMemoryResource")()
        try:
            buf = self._pinned.allocate(max(nbytes, 1))
        except Exception as exc:
            if _is_oom(exc):
                raise MemoryError(str(exc)) from exc
            raise
        return DeviceAllocation(int(buf.handle), nbytes, -1, buf)

    def free_pinned(self, allocation: DeviceAllocation) -> None:
        self._any_context()
        allocation.raw.close()

    def memcpy(self, dst: int, src: int, nbytes: int, stream: Any) -> None:
        if nbytes:
            self._device(stream.index)
            self._check(
                self._api("cuMemcpyAsync")(dst, src, nbytes, self.stream_handle(stream)),
                "cuMemcpyAsync",
            )

    def memcpy_peer(
        self, dst: int, dst_index: int, src: int, src_index: int, nbytes: int, stream: Any
    ) -> None:
        if dst_index == src_index:
            self.memcpy(dst, src, nbytes, stream)
            return
        if nbytes:
            self._device(src_index)
            src_ctx = self._contexts[src_index]
            self._device(dst_index)
            dst_ctx = self._contexts[dst_index]
            self._device(stream.index)
            self._check(
                self._api("cuMemcpyPeerAsync")(
                    dst, dst_ctx, src, src_ctx, nbytes, self.stream_handle(stream)
                ),
                "cuMemcpyPeerAsync",
            )

    # -- streams and events

    def default_stream(self, index: int) -> Any:
        return _CoreStream(index, self._device(index).default_stream)

    def create_stream(self, index: int) -> Any:
        return _CoreStream(index, self._device(index).create_stream())

    def stream_handle(self, stream: Any) -> int:
        return int(stream.raw.handle)

    def stream_synchronize(self, stream: Any) -> None:
        self._device(stream.index)
        stream.raw.sync()

    def record_event(self, stream: Any) -> Any:
        self._device(stream.index)
        return _CoreEvent(stream.index, stream.raw.record())

    def event_synchronize(self, event: Any) -> None:
        self._device(event.index)
        event.raw.sync()

    def event_query(self, event: Any) -> bool:
        self._device(event.index)
        return bool(event.raw.is_done)

    def stream_wait_event(self, stream: Any, event: Any) -> None:
        self._device(stream.index)
        stream.raw.wait(event.raw)

    def stream_from_handle(self, index: int, handle: int) -> Any:
        self._device(index)
        return _CoreStream(index, self._api("Stream.from_handle")(handle))

    # -- kernels

    def _kernel(self, index: int, name: str, source: str) -> Any:
        key = (index, name, source)
        found = self._kernels.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._kernels.get(key)
            if found is None:
                major, minor = self.compute_capability(index)
                options = program_options(self._api("ProgramOptions"), name, major, minor)
                program = self._api("Program")(source, "c++", options)
                found = program.compile("cubin").get_kernel(name)
                self._kernels[key] = found
        return found

    def launch(self, index: int, stream: Any, launch: Launch) -> None:
        if not 1 <= launch.grid <= self.MAX_GRID_X or not 1 <= launch.block <= self.MAX_BLOCK:
            raise ValueError(
                f"a launch of {launch.grid} blocks of {launch.block} threads is outside "
                f"CUDA's limits (1..{self.MAX_GRID_X} blocks, 1..{self.MAX_BLOCK} threads)"
            )
        kernel = launch.kernel
        args = kernel_args(kernel.params, launch.args)
        compiled = self._kernel(index, kernel.name, kernel.source)
        self._device(index)
        config = self._api("LaunchConfig")(grid=launch.grid, block=launch.block)
        self._api("launch")(stream.raw, config, compiled, *args)
