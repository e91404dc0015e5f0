"""The CUDA driver layer against the installed ``cuda.core``, ``cuda.bindings`` and
``numba-cuda``, and the DLPack structures against ``dlpack.h``, without a GPU.

- Every name in ``CORE_API`` / ``DRIVER_API`` (the only names ``CudaCoreDriver`` reaches
  CUDA through) exists in the installed packages.
- ``CudaCoreDriver`` runs over stand-ins of ``cuda.core`` and ``cuda.bindings.driver``
  behind a checking proxy: each name it touches must be declared and must exist, each
  ``cuda.core`` call must bind to the installed signature, and each ``cuda.bindings``
  call is made for real with the same arguments (the bindings convert and check their
  arguments before they look for the driver library, so a wrong argument type raises
  TypeError here instead of DynamicLibNotFoundError). The stand-ins keep device memory
  on the host, check that the device's context is current where CUDA needs one, pack
  kernel arguments with cuda.core's own packer, decode them by the kernel's C
  declaration and run the kernel on the CPU emulator: tensor operations through
  ``CudaCoreDriver`` are checked against NumPy.
- The ctypes DLPack structures have the offsets and sizes that g++ gives the
  structures of the ``dlpack.h`` that cuda.core ships.

None of this proves that the calls behave on a GPU as the stand-ins do; that is left to
the tests marked ``requires_cuda``.
"""

from __future__ import annotations

import ast
import ctypes
import importlib
import inspect
import re
import shutil
import subprocess
import sys
import threading
import warnings
from collections import namedtuple
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import cuda_emu
import numpy as np
import pytest

import corten as ct
from corten.backends.cuda import backend as cuda_backend
from corten.backends.cuda.core_driver import (
    CORE_API,
    DRIVER_API,
    CudaCoreDriver,
    arch_option,
    program_options,
)
from corten.backends.cuda.driver import DriverError, kernel_args
from corten.backends.cuda.kernels import Kernel, Launch
from corten.interop import _interop
from corten.pipelines import cuda as pipeline_cuda

core = pytest.importorskip("cuda.core")
cu = pytest.importorskip("cuda.bindings.driver")

#: Classes whose attributes the driver reads but that ``cuda.core`` does not export.
_PRIVATE_CLASSES = {"_MemPoolAttributes": ("cuda.core._memory._memory_pool", "_MemPoolAttributes")}


def _real_class(name: str) -> Any:
    if name in _PRIVATE_CLASSES:
        module, attr = _PRIVATE_CLASSES[name]
        return getattr(importlib.import_module(module), attr)
    return getattr(core, name)


def _driver_missing() -> bool:
    """Whether the CUDA driver library cannot be loaded (then real bindings calls stop
    at the library look-up, after their arguments were converted)."""
    try:
        cu.cuInit(0)
    except Exception as exc:
        return "NotFound" in type(exc).__name__
    return False


DRIVER_MISSING = _driver_missing()


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("path", CORE_API)
def test_core_api_name_exists(path: str) -> None:
    head, _, attr = path.partition(".")
    obj = _real_class(head) if attr else getattr(core, head)
    if attr:
        inspect.getattr_static(obj, attr)  # raises AttributeError when missing


@pytest.mark.parametrize("path", DRIVER_API)
def test_driver_api_name_exists(path: str) -> None:
    obj: Any = cu
    for part in path.split("."):
        obj = getattr(obj, part)


def test_compute_capability_is_major_minor() -> None:
    from cuda.core._utils.cuda_utils import ComputeCapability

    assert ComputeCapability._fields == ("major", "minor")


def test_numba_cuda_api_used_by_pipelines() -> None:
    numba_cuda = importlib.import_module("numba.cuda")
    params = {
        "from_cuda_array_interface": ("desc", "owner", "sync"),
        "external_stream": ("ptr",),
        "legacy_default_stream": (),
        "per_thread_default_stream": (),
    }
    for name, expected in params.items():
        sig = inspect.signature(getattr(numba_cuda, name))
        assert tuple(sig.parameters) == expected, name
    assert callable(numba_cuda.jit)
    assert callable(numba_cuda.grid)
    assert callable(numba_cuda.gridsize)


def test_numba_stream_mapping() -> None:
    class Cuda:
        def legacy_default_stream(self) -> str:
            return "legacy"

        def per_thread_default_stream(self) -> str:
            return "per-thread"

        def external_stream(self, ptr: int) -> tuple[str, int]:
            return ("external", ptr)

    assert pipeline_cuda.numba_stream_for(Cuda(), 0) == "legacy"
    assert pipeline_cuda.numba_stream_for(Cuda(), 1) == "legacy"
    assert pipeline_cuda.numba_stream_for(Cuda(), 2) == "per-thread"
    assert pipeline_cuda.numba_stream_for(Cuda(), 0x7F00) == ("external", 0x7F00)


def test_pipeline_launch_silences_only_numbas_grid_and_fp16_warnings() -> None:
    """numba-cuda warns below 128 blocks (the reductions' passes use fewer) and about
    float16 without nvJitLink; under ``filterwarnings = error`` either would fail a run
    on a GPU. Other warnings still come through."""

    class Kernel_:
        def __init__(self, message: str) -> None:
            self.message = message
            self.calls: list[tuple[Any, ...]] = []

        def __getitem__(self, config: Any) -> Callable[..., None]:
            warnings.warn(self.message, UserWarning, stacklevel=1)

            def call(*args: Any) -> None:
                self.calls.append((config, args))

            return call

    for message in (
        "Grid size 1 will likely result in GPU under-utilization due to low occupancy.",
        "float16 relies on LTO for performance. LTO requires nvjitlink",
    ):
        k = Kernel_(message)
        pipeline_cuda._launch(k, 1, 1, "stream", 5)
        assert k.calls == [((1, 1, "stream"), (5,))]
    with pytest.raises(UserWarning, match="something else"):
        pipeline_cuda._launch(Kernel_("something else"), 1, 1, None)


# ----------------------------------------------------------------------------- signatures


def _stub_signature(cls: type, name: str) -> inspect.Signature | None:
    """The signature of ``cls.name`` in the ``.pyi`` stub next to its extension module."""
    module = sys.modules[cls.__module__]
    path = Path(str(module.__file__))
    stub = path.with_name(path.name.split(".")[0] + ".pyi")
    if not stub.exists():
        return None
    tree = ast.parse(stub.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == name:
                    return _signature_of(item)
    return None


def _signature_of(fn: ast.FunctionDef) -> inspect.Signature:
    a = fn.args
    params: list[inspect.Parameter] = []
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    for i, arg in enumerate(positional):
        kind = (
            inspect.Parameter.POSITIONAL_ONLY
            if arg in a.posonlyargs
            else inspect.Parameter.POSITIONAL_OR_KEYWORD
        )
        default = None if i >= first_default else inspect.Parameter.empty
        params.append(inspect.Parameter(arg.arg, kind, default=default))
    if a.vararg:
        params.append(inspect.Parameter(a.vararg.arg, inspect.Parameter.VAR_POSITIONAL))
    for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        default = inspect.Parameter.empty if d is None else None
        params.append(inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default=default))
    if a.kwarg:
        params.append(inspect.Parameter(a.kwarg.arg, inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(params)


def _is_opaque(sig: inspect.Signature) -> bool:
    kinds = [p.kind for p in sig.parameters.values() if p.name != "self"]
    return kinds == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def _signature(real: Any, owner: type | None, name: str) -> tuple[inspect.Signature, bool]:
    """The signature to check a call of ``real`` against, and whether it has ``self``."""
    if isinstance(real, type):  # a constructor
        try:
            sig = inspect.signature(real)
        except (TypeError, ValueError):
            sig = None
        if sig is None or _is_opaque(sig):
            for cls in real.__mro__[:-1]:  # the nearest stub that declares one
                stub = _stub_signature(cls, "__init__") or _stub_signature(cls, "__new__")
                if stub is not None:
                    return stub, True
            if sig is None:  # no signature anywhere: what a call without arguments binds
                assert "__init__" not in vars(real), f"no signature for {real}"
                sig = inspect.Signature()
        return sig, False
    if owner is not None:
        static = inspect.getattr_static(owner, name)
        sig = inspect.signature(real)
        if _is_opaque(sig):
            stub = _stub_signature(owner, name)
            assert stub is not None
            sig = stub
        return sig, not isinstance(static, (staticmethod, classmethod))
    return inspect.signature(real), False


# ----------------------------------------------------------------------------- proxies


class Log:
    def __init__(self) -> None:
        self.used: set[str] = set()
        self.real_calls: list[str] = []


def _unwrap(x: Any) -> Any:
    return x._fake if isinstance(x, Checked) else x


class Checked:
    """A stand-in object seen through the installed API: names and calls are checked."""

    def __init__(
        self, fake: Any, real: Any, path: str, log: Log, api: tuple[str, ...], instance: bool
    ) -> None:
        self._fake = fake
        self._real = real
        self._path = path
        self._log = log
        self._api = api
        self._instance = instance

    def __getattr__(self, name: str) -> Any:
        path = f"{self._path}.{name}" if self._path else name
        inspect.getattr_static(self._real, name)  # exists in the installed package
        real = getattr(self._real, name)
        if path not in self._api:
            assert any(p.startswith(path + ".") for p in self._api), f"{path} is not declared"
            fake = getattr(self._fake, name, real)
            return Checked(fake, real, path, self._log, self._api, False)
        self._log.used.add(path)
        if self._api is DRIVER_API:
            if name.startswith("cu") and not isinstance(real, type):
                return _DriverFunction(getattr(self._fake, name), real, path, self._log)
            return real
        value = getattr(self._fake, name)
        if callable(value) and not isinstance(value, type) and not hasattr(value, "REAL"):
            owner = self._real if isinstance(self._real, type) else None
            return _CoreCall(value, real, owner, name, path, self._log, self._instance)
        if isinstance(value, type):
            return _CoreCall(value, real, None, name, path, self._log, False)
        return _wrap(value, self._log)

    def __repr__(self) -> str:
        return f"<checked {self._path}: {self._fake!r}>"


def _wrap(value: Any, log: Log) -> Any:
    real_name = getattr(value, "REAL", None)
    if real_name is None:
        return value
    return Checked(value, _real_class(real_name), real_name, log, CORE_API, True)


class _CoreCall:
    def __init__(
        self,
        fake: Callable[..., Any],
        real: Any,
        owner: type | None,
        name: str,
        path: str,
        log: Log,
        instance: bool,
    ) -> None:
        self.fake, self.real, self.owner, self.name = fake, real, owner, name
        self.path, self.log, self.instance = path, log, instance

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.fake is self.real:  # the installed class itself (needs no driver)
            return self.real(*map(_unwrap, args), **{k: _unwrap(v) for k, v in kwargs.items()})
        sig, has_self = _signature(self.real, self.owner if self.instance else None, self.name)
        try:
            sig.bind(*((None,) if has_self else ()), *args, **kwargs)
        except TypeError as exc:
            raise AssertionError(f"{self.path}{sig} does not take {args}, {kwargs}: {exc}") from exc
        result = self.fake(*map(_unwrap, args), **{k: _unwrap(v) for k, v in kwargs.items()})
        return _wrap(result, self.log)


class _DriverFunction:
    def __init__(self, fake: Callable[..., Any], real: Any, path: str, log: Log) -> None:
        self.fake, self.real, self.path, self.log = fake, real, path, log

    def __call__(self, *args: Any) -> Any:
        args = tuple(map(_unwrap, args))
        if DRIVER_MISSING:
            # The binding converts every argument before it looks for libcuda.
            refused: BaseException | None = None
            try:
                self.real(*args)
            except Exception as exc:
                refused = exc
            assert refused is not None, f"{self.path} ran without a driver library"
            assert "NotFound" in type(refused).__name__, f"{self.path}{args}: {refused!r}"
            self.log.real_calls.append(self.path)
        return self.fake(*args)


# ----------------------------------------------------------------------------- stand-ins

OK = (cu.CUresult.CUDA_SUCCESS,)
_tls = threading.local()


def _ctx_of(index: int) -> int:
    return 0x5000 + 0x10 * index


def _current() -> int:
    return getattr(_tls, "ctx", 0)


class FakeStream:
    REAL = "Stream"
    _next = 0x9000

    def __init__(self, device: int | None, handle: int | None = None) -> None:
        if handle is None:
            FakeStream._next += 0x10
            handle = FakeStream._next
        self.device = device  # None: the legacy default stream, of the current context
        self._handle = handle
        self.waits: list[FakeEvent] = []
        FakeStream.by_handle.setdefault(handle, self)

    @property
    def handle(self) -> Any:
        return cu.CUstream(self._handle)

    def _require_context(self) -> None:
        assert _current(), "no current context"
        if self.device is not None:
            assert _current() == _ctx_of(self.device), "the stream's device is not current"

    def sync(self) -> None:
        self._require_context()

    def record(self, event: Any = None, options: Any = None) -> FakeEvent:
        self._require_context()
        return FakeEvent(self)

    def wait(self, event_or_stream: Any) -> None:
        self._require_context()
        assert isinstance(event_or_stream, FakeEvent), event_or_stream
        self.waits.append(event_or_stream)

    by_handle: ClassVar[dict[int, FakeStream]] = {}

    @staticmethod
    def from_handle(handle: int) -> FakeStream:
        assert isinstance(handle, int)
        made = FakeStream.by_handle.get(handle)
        return FakeStream(None if made is None else made.device, handle)


LEGACY = FakeStream(None, 1)


class FakeEvent:
    REAL = "Event"

    def __init__(self, stream: FakeStream) -> None:
        self.stream = stream
        self.ctx = _current()

    def sync(self) -> None:
        assert _current()

    @property
    def is_done(self) -> bool:
        return True


class FakeBuffer:
    REAL = "Buffer"

    def __init__(self, size: int, owner: Any) -> None:
        self.memory = np.zeros(size + 256, dtype=np.uint8)
        start = -self.memory.ctypes.data % 256
        self.address = self.memory.ctypes.data + start
        self.size = size
        self.owner = owner
        self.closed_on: Any = "open"

    @property
    def handle(self) -> int:
        return self.address

    def close(self, stream: Any = None) -> None:
        assert self.closed_on == "open", "closed twice"
        assert stream is None or isinstance(stream, FakeStream), stream
        if stream is not None:
            stream._require_context()
        self.closed_on = stream
        self.owner.release(self)


class FakeAttributes:
    REAL = "_MemPoolAttributes"

    def __init__(self, pool: FakePool) -> None:
        self.reserved_mem_current = pool.reserved


class FakePool:
    REAL = "DeviceMemoryResource"

    def __init__(self, device_id: Any, options: Any = None) -> None:
        assert isinstance(device_id, (int, FakeDevice))
        assert isinstance(options, core.DeviceMemoryResourceOptions), "an owned pool"
        self.index = device_id if isinstance(device_id, int) else device_id.index
        self.live: dict[int, FakeBuffer] = {}
        self.reserved = 0
        self.handle = cu.CUmemoryPool(0x7000 + self.index)

    def allocate(self, size: int, *, stream: Any) -> FakeBuffer:
        assert isinstance(stream, FakeStream), f"allocate() takes a cuda.core Stream: {stream!r}"
        stream._require_context()
        assert _current() == _ctx_of(self.index)
        buf = FakeBuffer(size, self)
        self.live[buf.address] = buf
        self.reserved += size
        return buf

    def release(self, buf: FakeBuffer) -> None:
        del self.live[buf.address]

    @property
    def attributes(self) -> FakeAttributes:
        return FakeAttributes(self)


class FakePinned:
    REAL = "LegacyPinnedMemoryResource"

    def __init__(self) -> None:
        self.live: dict[int, FakeBuffer] = {}

    def allocate(self, size: int, *, stream: Any = None) -> FakeBuffer:
        assert _current(), "cuMemAllocHost needs a current context"
        buf = FakeBuffer(size, self)
        self.live[buf.address] = buf
        return buf

    def release(self, buf: FakeBuffer) -> None:
        assert _current(), "cuMemFreeHost needs a current context"
        del self.live[buf.address]


CC = namedtuple("CC", ["major", "minor"])


class FakeDevice:
    REAL = "Device"
    by_index: ClassVar[dict[int, FakeDevice]] = {}

    def __new__(cls, device_id: int | None = None) -> FakeDevice:
        assert isinstance(device_id, int)
        dev = cls.by_index.get(device_id)
        if dev is None:
            dev = super().__new__(cls)
            dev.index = device_id
            cls.by_index[device_id] = dev
        return dev

    index: int

    def set_current(self, ctx: Any = None) -> None:
        _tls.ctx = _ctx_of(self.index)

    @property
    def name(self) -> str:
        return f"stand-in GPU {self.index}"

    @property
    def compute_capability(self) -> CC:
        return CC(9, 0)

    def can_access_peer(self, peer: int) -> bool:
        return True

    def sync(self) -> None:
        assert _current() == _ctx_of(self.index)

    @property
    def default_stream(self) -> FakeStream:
        return LEGACY

    def create_stream(self, obj: Any = None, options: Any = None) -> FakeStream:
        assert _current() == _ctx_of(self.index), "Device must be initialized"
        return FakeStream(self.index)


class FakeKernel:
    REAL = "Kernel"

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.source = source


class FakeObjectCode:
    REAL = "ObjectCode"

    def __init__(self, source: str) -> None:
        self.source = source

    def get_kernel(self, name: str) -> FakeKernel:
        assert re.search(rf'extern "C" __global__ void {re.escape(name)}\(', self.source), name
        return FakeKernel(name, self.source)


#: Sources NVRTC compiled with the driver's options (once each).
NVRTC_CHECKED: set[str] = set()


def _nvrtc(source: str, options: list[bytes]) -> None:
    nvrtc = pytest.importorskip("cuda.bindings.nvrtc")
    err, prog = nvrtc.nvrtcCreateProgram(source.encode(), b"k.cu", 0, [], [])
    assert err == nvrtc.nvrtcResult.NVRTC_SUCCESS
    try:
        (err,) = nvrtc.nvrtcCompileProgram(prog, len(options), options)
        _, size = nvrtc.nvrtcGetProgramLogSize(prog)
        log = bytearray(size)
        nvrtc.nvrtcGetProgramLog(prog, log)
        assert err == nvrtc.nvrtcResult.NVRTC_SUCCESS, log.decode(errors="replace")
        _, cubin_size = nvrtc.nvrtcGetCUBINSize(prog)
        assert cubin_size > 0
    finally:
        nvrtc.nvrtcDestroyProgram(prog)


class FakeProgram:
    REAL = "Program"

    def __init__(self, code: str, code_type: str, options: Any = None) -> None:
        assert code_type == "c++"
        assert isinstance(options, core.ProgramOptions)
        self.code = code
        self.options = options

    def compile(self, target_type: str, *args: Any, **kwargs: Any) -> FakeObjectCode:
        assert target_type == "cubin"
        flags = self.options.as_bytes("nvrtc", target_type)
        assert b"-arch=sm_90" in flags, flags
        assert b"--fmad=false" in flags, flags
        if len(NVRTC_CHECKED) < 2 and self.code not in NVRTC_CHECKED:
            _nvrtc(self.code, flags)  # the options as NVRTC takes them
            NVRTC_CHECKED.add(self.code)
        return FakeObjectCode(self.code)


_C_PARAM = re.compile(r"(const\s+)?(\w+)\s*(\*)?\s*(__restrict__\s*)?(\w+)$")
_KINDS = {"i64": "i64", "u64": "u64", "f64": "f64", "f32": "f32"}


def _declared_kinds(source: str, name: str) -> tuple[str, ...]:
    """The parameter kinds of the ``extern "C"`` kernel ``name`` by its C declaration."""
    m = re.search(rf'extern "C" __global__ void {re.escape(name)}\((.*?)\)\s*{{', source, re.S)
    assert m is not None
    kinds = []
    for decl in (d.strip() for d in m.group(1).split(",")):
        p = _C_PARAM.search(decl)
        assert p is not None, decl
        kinds.append("ptr" if p.group(3) else _KINDS[p.group(2)])
    return tuple(kinds)


_FORMATS = {"ptr": "Q", "i64": "q", "u64": "Q", "f64": "d", "f32": "f"}


def fake_launch(stream: Any, config: Any, kernel: Any, *args: Any) -> None:
    assert isinstance(stream, FakeStream)
    stream._require_context()
    assert isinstance(config, core.LaunchConfig)
    assert isinstance(kernel, FakeKernel)
    kinds = _declared_kinds(kernel.source, kernel.name)
    assert len(kinds) == len(args)
    # cuda.core's own packer; the driver reads each parameter by its C type.
    from cuda.core._kernel_arg_handler import ParamHolder

    holder = ParamHolder(list(args))
    slots = (ctypes.c_void_p * len(args)).from_address(holder.ptr)
    values: list[int | float] = []
    for kind, slot in zip(kinds, slots, strict=True):
        fmt = _FORMATS[kind]
        raw = ctypes.string_at(slot, np.dtype(fmt).itemsize)
        values.append(np.frombuffer(raw, dtype=fmt)[0].item())
    grid, block = config.grid, config.block
    assert grid[1:] == (1, 1)
    assert block[1:] == (1, 1)
    decoded = Kernel(kernel.name, kernel.source, kinds)
    cuda_emu.run(Launch(decoded, grid[0], block[0], tuple(values)))


class FakeCore:
    Device = FakeDevice
    DeviceMemoryResource = FakePool
    DeviceMemoryResourceOptions = core.DeviceMemoryResourceOptions
    LegacyPinnedMemoryResource = FakePinned
    Stream = FakeStream
    ProgramOptions = core.ProgramOptions
    Program = FakeProgram
    LaunchConfig = core.LaunchConfig
    launch = staticmethod(fake_launch)


class FakeDriverModule:
    CUresult = cu.CUresult

    def __init__(self) -> None:
        self.thresholds: dict[int, int] = {}
        self.trimmed: list[int] = []
        self.peer_copies = 0

    def cuInit(self, flags: int) -> tuple[Any, ...]:
        return OK

    def cuDeviceGetCount(self) -> tuple[Any, ...]:
        return (*OK, 2)

    def cuCtxGetCurrent(self) -> tuple[Any, ...]:
        return (*OK, cu.CUcontext(_current()))

    def cuMemcpyAsync(self, dst: int, src: int, n: int, stream: int) -> tuple[Any, ...]:
        assert _current()
        ctypes.memmove(dst, src, n)
        return OK

    def cuMemcpyPeerAsync(
        self, dst: int, dst_ctx: int, src: int, src_ctx: int, n: int, stream: int
    ) -> tuple[Any, ...]:
        assert {dst_ctx, src_ctx} <= {_ctx_of(0), _ctx_of(1)}
        assert dst_ctx != src_ctx
        assert _current() == dst_ctx
        ctypes.memmove(dst, src, n)
        self.peer_copies += 1
        return OK

    def cuMemPoolTrimTo(self, pool: Any, keep: int) -> tuple[Any, ...]:
        self.trimmed.append(int(pool))
        return OK

    def cuMemPoolSetAttribute(self, pool: Any, attr: Any, value: Any) -> tuple[Any, ...]:
        assert attr == cu.CUmemPool_attribute.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD
        self.thresholds[int(pool)] = int(value)
        return OK


@pytest.fixture
def checked() -> Iterator[tuple[CudaCoreDriver, Log, FakeDriverModule]]:
    if not cuda_emu.available():
        pytest.skip("no g++ for the kernel emulator")
    log = Log()
    fake_cu = FakeDriverModule()
    driver = CudaCoreDriver(
        core=Checked(FakeCore(), core, "", log, CORE_API, False),
        driver=Checked(fake_cu, cu, "", log, DRIVER_API, False),
    )
    FakeDevice.by_index.clear()
    _tls.ctx = 0
    cuda_backend.set_driver(driver)
    try:
        yield driver, log, fake_cu
    finally:
        cuda_backend.set_driver(None)
        _tls.ctx = 0


def test_cuda_core_driver_through_the_installed_api(
    checked: tuple[CudaCoreDriver, Log, FakeDriverModule],
) -> None:
    _driver, log, fake_cu = checked
    assert ct.cuda.is_available()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 5)).astype(np.float32)
    b = rng.integers(-50, 50, (5,)).astype(np.int64)

    t = ct.tensor(a, device=ct.cuda)
    assert np.array_equal(t.to_cpu().numpy(), a)
    assert np.array_equal((t + t).to_cpu().numpy(), a + a)
    assert np.array_equal(t.T.contiguous().to_cpu().numpy(), np.ascontiguousarray(a.T))
    assert np.allclose(float(t.sum().to_cpu().item()), float(a.sum(dtype=np.float32)), rtol=1e-5)
    u = ct.tensor(b, device=ct.cuda)
    f = ct.zeros(7, dtype=ct.int64, device=ct.cuda)
    f.fill_(-3)
    assert f.to_cpu().tolist() == [-3] * 7
    assert np.array_equal((u * 3).to_cpu().numpy(), b * 3)

    # Pinned, non-blocking transfers; a stream of its own; a copy to the other device.
    host = t.to_cpu(non_blocking=True)
    host2 = u.to_cpu(non_blocking=True)  # the second keeps the first only until it ran
    assert np.array_equal(host.numpy(), a)
    assert np.array_equal(host2.numpy(), b)
    s = ct.cuda.Stream()
    with ct.cuda.stream(s):
        w = (t * 2.0).to_cpu()
    assert np.array_equal(w.numpy(), a * 2)
    other = t.to("cuda:1")
    assert fake_cu.peer_copies == 1
    assert np.array_equal(other.to_cpu().numpy(), a)

    # DLPack export/import through a consumer stream.
    capsule = t.__dlpack__(stream=s.handle)
    assert type(capsule).__name__ == "PyCapsule"
    del capsule

    # Pool: an owned pool per device, released never; statistics; empty_cache trims.
    assert set(fake_cu.thresholds.values()) == {2**64 - 1}
    assert ct.memory_stats(ct.cuda)["reserved"] > 0
    ct.empty_cache(ct.cuda)
    assert fake_cu.trimmed
    ct.cuda.synchronize()

    # Every declared name was used (no stale entries), and every bindings call was made
    # for real with the same arguments where no driver library exists.
    del t, u, f, other, host, host2, w
    import gc

    gc.collect()
    unused = set(CORE_API) | set(DRIVER_API)
    unused -= log.used
    unused -= {"Stream.from_handle", "Device.can_access_peer", "Device.name"}
    unused -= {"CUresult.CUDA_ERROR_OUT_OF_MEMORY", "CUresult.CUDA_ERROR_NO_DEVICE"}
    assert not unused, unused
    if DRIVER_MISSING:
        assert "cuMemcpyAsync" in log.real_calls
        assert "cuMemPoolSetAttribute" in log.real_calls


def test_frees_order_after_the_allocation_stream(
    checked: tuple[CudaCoreDriver, Log, FakeDriverModule],
) -> None:
    driver, _, _ = checked
    made_on = driver.default_stream(0)
    other = driver.create_stream(0)
    alloc = driver.alloc(0, 64, made_on)
    buf = alloc.raw[0]._fake if isinstance(alloc.raw[0], Checked) else alloc.raw[0]
    driver.free(alloc, other)
    assert buf.closed_on is other.raw._fake
    assert len(other.raw._fake.waits) == 1
    assert other.raw._fake.waits[0].stream is LEGACY
    same = driver.alloc(0, 64, other)
    driver.free(same, other)
    assert len(other.raw._fake.waits) == 1  # same stream: no wait


def test_every_verb_makes_its_device_current_on_any_thread(
    checked: tuple[CudaCoreDriver, Log, FakeDriverModule],
) -> None:
    driver, _, _ = checked
    s1 = driver.create_stream(1)
    _tls.ctx = _ctx_of(0)  # another library switched device in between
    alloc = driver.alloc(1, 16, s1)
    assert _current() == _ctx_of(1)
    errors: list[BaseException] = []

    def work() -> None:
        try:  # a new thread has no current context
            driver.memcpy(alloc.ptr, alloc.ptr, 16, s1)
            driver.stream_synchronize(s1)
            pinned = driver.alloc_pinned(32)
            driver.free_pinned(pinned)
            driver.free(alloc, s1)
        except BaseException as exc:
            errors.append(exc)

    th = threading.Thread(target=work)
    th.start()
    th.join()
    assert not errors, errors


def test_launch_limits_and_stream_handles(
    checked: tuple[CudaCoreDriver, Log, FakeDriverModule],
) -> None:
    driver, _, _ = checked
    kernel = Kernel("k", 'extern "C" __global__ void k(long long n) {}', ("i64",))
    s = driver.default_stream(0)
    assert driver.stream_handle(s) == 1  # CU_STREAM_LEGACY, as cuda.core reports it
    with pytest.raises(ValueError, match="CUDA's limits"):
        driver.launch(0, s, Launch(kernel, 2**31, 256, (1,)))
    with pytest.raises(ValueError, match="CUDA's limits"):
        driver.launch(0, s, Launch(kernel, 1, 2048, (1,)))


def test_driver_error_codes_are_checked() -> None:
    class Failing(FakeDriverModule):
        def cuMemcpyAsync(self, *args: Any) -> tuple[Any, ...]:
            return (cu.CUresult.CUDA_ERROR_INVALID_VALUE,)

        def cuDeviceGetCount(self) -> tuple[Any, ...]:
            return (cu.CUresult.CUDA_ERROR_OUT_OF_MEMORY, 0)

    driver = CudaCoreDriver(core=FakeCore(), driver=Failing())
    FakeDevice.by_index.clear()
    s = driver.default_stream(0)
    with pytest.raises(DriverError, match=r"cuMemcpyAsync failed.*INVALID_VALUE"):
        driver.memcpy(1, 2, 3, s)
    with pytest.raises(MemoryError):
        driver.device_count()

    class NoDevice(FakeDriverModule):
        def cuInit(self, flags: int) -> tuple[Any, ...]:
            return (cu.CUresult.CUDA_ERROR_NO_DEVICE,)

    assert CudaCoreDriver(core=FakeCore(), driver=NoDevice()).device_count() == 0
    _tls.ctx = 0


# ----------------------------------------------------------------------------- arguments


def test_kernel_arguments_pack_as_cuda_core_packs_them() -> None:
    """``kernel_args`` gives NumPy scalars; cuda.core's packer (usable without a driver)
    must lay each out as the C type of its kind."""
    from cuda.core._kernel_arg_handler import ParamHolder

    cases = [
        ("ptr", 0xDEAD_BEEF_0000, "<u8"),
        ("ptr", 2**64 - 256, "<u8"),
        ("i64", -(2**63), "<i8"),
        ("u64", 2**64 - 1, "<u8"),
        ("i32", -7, "<i4"),
        ("u32", 2**32 - 1, "<u4"),
        ("i16", -300, "<i2"),
        ("u16", 65535, "<u2"),
        ("i8", -128, "<i1"),
        ("u8", 255, "<u1"),
        ("bool", True, "|b1"),
        ("f64", 0.1, "<f8"),
        ("f32", 0.1, "<f4"),
        ("f16", 1.5, "<f2"),
    ]
    packed = kernel_args(tuple(c[0] for c in cases), tuple(c[1] for c in cases))
    holder = ParamHolder(packed)
    slots = (ctypes.c_void_p * len(cases)).from_address(holder.ptr)
    for (kind, value, fmt), slot in zip(cases, slots, strict=True):
        dt = np.dtype(fmt)
        raw = ctypes.string_at(slot, dt.itemsize)
        assert raw == np.array([value], dtype=dt).tobytes(), kind


def test_program_options_are_what_nvrtc_takes() -> None:
    flags = program_options(core.ProgramOptions, "k", 9, 0).as_bytes("nvrtc", "cubin")
    assert b"-arch=sm_90" in flags
    assert b"--fmad=false" in flags
    assert arch_option(12, 0) == "sm_120"
    source = 'extern "C" __global__ void k(double* o, double a, double b, double c) {\n'
    source += "  o[0] = a * b + c;\n}\n"
    _nvrtc(source, flags)


# ----------------------------------------------------------------------------- DLPack layout

_DLPACK_H = Path(core.__file__).resolve().parent.parent / "_include" / "dlpack.h"


def _dlpack_header() -> Path:
    candidates = [_DLPACK_H, *Path(core.__file__).resolve().parents[1].glob("_include/dlpack.h")]
    for c in candidates:
        if c.exists():
            return c
    pytest.skip("cuda.core ships no dlpack.h here")


_FIELDS = {
    "DLDevice": ("device_type", "device_id"),
    "DLDataType": ("code", "bits", "lanes"),
    "DLTensor": ("data", "device", "ndim", "dtype", "shape", "strides", "byte_offset"),
    "DLManagedTensor": ("dl_tensor", "manager_ctx", "deleter"),
    "DLPackVersion": ("major", "minor"),
    "DLManagedTensorVersioned": ("version", "manager_ctx", "deleter", "flags", "dl_tensor"),
}
_CTYPES = {
    "DLDevice": _interop._DLDevice,
    "DLDataType": _interop._DLDataType,
    "DLTensor": _interop._DLTensor,
    "DLManagedTensor": _interop._DLManagedTensor,
    "DLPackVersion": _interop._DLPackVersion,
    "DLManagedTensorVersioned": _interop._DLManagedTensorVersioned,
}


def test_dlpack_structures_match_dlpack_h(tmp_path: Path) -> None:
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("no g++")
    header = _dlpack_header()
    lines = ["#include <cstdio>", "#include <cstddef>", f'#include "{header}"', "int main() {"]
    for struct, fields in _FIELDS.items():
        lines.append(f'  std::printf("{struct} size %zu\\n", sizeof({struct}));')
        for f in fields:
            lines.append(
                f'  std::printf("{struct} {f} %zu %zu\\n", offsetof({struct}, {f}), '
                f"sizeof((({struct}*)0)->{f}));"
            )
    lines += [
        '  std::printf("const kDLCUDA %d\\n", (int)kDLCUDA);',
        '  std::printf("const kDLBool %d\\n", (int)kDLBool);',
        '  std::printf("const READ_ONLY %lu\\n", (unsigned long)DLPACK_FLAG_BITMASK_READ_ONLY);',
        '  std::printf("const IS_COPIED %lu\\n", (unsigned long)DLPACK_FLAG_BITMASK_IS_COPIED);',
        "  return 0;",
        "}",
    ]
    src = tmp_path / "layout.cc"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    subprocess.run([gxx, "-std=c++11", str(src), "-o", str(exe)], check=True, capture_output=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    seen = 0
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "const":
            expected = {
                "kDLCUDA": int(_interop.DLDeviceType.kDLCUDA),
                "kDLBool": _interop._DL_CODES["b"],
                "READ_ONLY": _interop._FLAG_READ_ONLY,
                "IS_COPIED": _interop._FLAG_IS_COPIED,
            }[parts[1]]
            assert int(parts[2]) == expected, line
        elif parts[1] == "size":
            assert ctypes.sizeof(_CTYPES[parts[0]]) == int(parts[2]), line
        else:
            struct, field, offset, size = parts[0], parts[1], int(parts[2]), int(parts[3])
            descriptor = getattr(_CTYPES[struct], field)
            assert (descriptor.offset, descriptor.size) == (offset, size), line
        seen += 1
    assert seen == 4 + len(_FIELDS) + sum(map(len, _FIELDS.values()))
