"""A CPU emulator for corten's CUDA kernels: the same source text, compiled with g++.

``run(launch)`` compiles ``launch.kernel.source`` behind a small shim and runs the
launch on host memory (pointers are host addresses, e.g. of NumPy arrays). The shim
defines what NVRTC provides implicitly (``__global__``, ``__device__``,
``__forceinline__``, ``threadIdx``, ``blockIdx``, ``blockDim``, ``gridDim`` and the C
math functions) and includes the kernel source verbatim inside a namespace of its own;
a generated wrapper loops over the blocks and their threads in order, setting the
built-in indices, and calls the kernel. The kernels use no shared memory, barriers,
atomics or warp intrinsics, so this sequential run computes what a GPU computes.

Compiled libraries are cached on disk by a hash of the sources (under
``tempfile.gettempdir()/corten-cuda-emu-<uid>``); many kernels are compiled in one g++
call (:func:`precompile`, :func:`run_all`), since process start-up dominates.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from corten.backends.cuda.kernels import Kernel, Launch

__all__ = ["available", "cache_dir", "precompile", "run", "run_all"]

CXX = os.environ.get("CORTEN_EMU_CXX", "g++")
FLAGS = ("-O1", "-std=c++17", "-shared", "-fPIC", "-w", "-ffp-contract=off")

_SHIM_HEAD = r"""#include <math.h>
struct corten_emu_dim3 { unsigned int x, y, z; };
static corten_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
#define __global__
#define __device__
#define __forceinline__ inline
struct corten_emu_ptr {
  void* p;
  template <class T> operator T*() const { return static_cast<T*>(p); }
};
"""

_CTYPES = {
    "ptr": ctypes.c_void_p,
    "i64": ctypes.c_longlong,
    "u64": ctypes.c_ulonglong,
    "f64": ctypes.c_double,
    "f32": ctypes.c_float,
}
_CARGS = {
    "ptr": "corten_emu_ptr{{*(void**){a}}}",
    "i64": "*(long long*){a}",
    "u64": "*(unsigned long long*){a}",
    "f64": "*(double*){a}",
    "f32": "*(float*){a}",
}

_lock = threading.Lock()
_loaded: dict[str, ctypes._CFuncPtr] = {}
_libs: dict[str, ctypes.CDLL] = {}


def available() -> bool:
    """Whether the C++ compiler can be found."""
    return shutil.which(CXX) is not None


def cache_dir() -> Path:
    """Where compiled libraries are kept."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    d = Path(tempfile.gettempdir()) / f"corten-cuda-emu-{uid}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _key(kernel: Kernel) -> str:
    h = hashlib.sha256()
    for part in (_SHIM_HEAD, " ".join(FLAGS), kernel.name, kernel.source, ",".join(kernel.params)):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def _unit(kernel: Kernel, key: str) -> str:
    """The kernel's source verbatim in a namespace, and its C entry point."""
    call = ", ".join(_CARGS[k].format(a=f"args[{i}]") for i, k in enumerate(kernel.params))
    return (
        f'namespace corten_emu_{key} {{\n#line 1 "{kernel.name}.cu"\n{kernel.source}\n}}\n'
        f'extern "C" void corten_emu_run_{key}(unsigned grid, unsigned block, void** args) {{\n'
        f"  gridDim.x = grid; gridDim.y = gridDim.z = 1;\n"
        f"  blockDim.x = block; blockDim.y = blockDim.z = 1;\n"
        f"  blockIdx.y = blockIdx.z = threadIdx.y = threadIdx.z = 0;\n"
        f"  for (unsigned b = 0; b < grid; ++b) {{\n"
        f"    blockIdx.x = b;\n"
        f"    for (unsigned t = 0; t < block; ++t) {{\n"
        f"      threadIdx.x = t;\n"
        f"      corten_emu_{key}::{kernel.name}({call});\n"
        f"    }}\n  }}\n}}\n"
    )


def _compile(kernels: Sequence[tuple[Kernel, str]]) -> None:
    """Compile ``kernels`` into one library and record where each one is."""
    d = cache_dir()
    batch = hashlib.sha256("".join(k for _, k in kernels).encode()).hexdigest()[:32]
    lib = d / f"lib_{batch}.so"
    if not lib.exists():
        src = _SHIM_HEAD + "".join(_unit(k, key) for k, key in kernels)
        tmp_src = d / f"src_{batch}_{os.getpid()}_{threading.get_ident()}.cpp"
        tmp_lib = d / f"lib_{batch}_{os.getpid()}_{threading.get_ident()}.so"
        tmp_src.write_text(src)
        proc = subprocess.run(
            [CXX, *FLAGS, str(tmp_src), "-o", str(tmp_lib)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            names = ", ".join(k.name for k, _ in kernels)
            raise RuntimeError(f"g++ failed on {names}:\n{proc.stderr[-20000:]}")
        tmp_src.unlink()
        os.replace(tmp_lib, lib)
    for _, key in kernels:
        ref = d / f"{key}.ref"
        tmp = d / f"{key}.ref.{os.getpid()}_{threading.get_ident()}"
        tmp.write_text(lib.name)
        os.replace(tmp, ref)


def _lookup(kernel: Kernel, key: str) -> ctypes._CFuncPtr | None:
    fn = _loaded.get(key)
    if fn is not None:
        return fn
    ref = cache_dir() / f"{key}.ref"
    if not ref.exists():
        return None
    libname = ref.read_text().strip()
    path = cache_dir() / libname
    if not path.exists():
        return None
    with _lock:
        lib = _libs.get(libname)
        if lib is None:
            lib = ctypes.CDLL(str(path))
            _libs[libname] = lib
    fn = getattr(lib, f"corten_emu_run_{key}")
    fn.argtypes = [ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p]
    fn.restype = None
    _loaded[key] = fn
    return fn


def precompile(kernels: Iterable[Kernel], jobs: int = 2, batch: int = 150) -> None:
    """Compile every kernel not yet cached, ``batch`` per g++ call, ``jobs`` at a time."""
    todo: dict[str, Kernel] = {}
    for k in kernels:
        key = _key(k)
        if key not in todo and _lookup(k, key) is None:
            todo[key] = k
    items = [(k, key) for key, k in todo.items()]
    if not items:
        return
    n = max(1, min(batch, -(-len(items) // max(1, jobs))))
    chunks = [items[i : i + n] for i in range(0, len(items), n)]
    if len(chunks) == 1:
        _compile(chunks[0])
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(_compile, c) for c in chunks]:
            f.result()


def run(launch: Launch) -> None:
    """Run one launch on host memory."""
    kernel = launch.kernel
    if len(launch.args) != len(kernel.params):
        raise ValueError(
            f"{kernel.name} takes {len(kernel.params)} arguments, got {len(launch.args)}"
        )
    if launch.grid < 1 or launch.block < 1:
        raise ValueError(f"bad launch shape grid={launch.grid} block={launch.block}")
    key = _key(kernel)
    fn = _lookup(kernel, key)
    if fn is None:
        _compile([(kernel, key)])
        fn = _lookup(kernel, key)
        assert fn is not None
    values = [
        _CTYPES[kind](int(a) if kind in ("ptr", "i64", "u64") else float(a))
        for kind, a in zip(kernel.params, launch.args, strict=True)
    ]
    ptrs = (ctypes.c_void_p * max(1, len(values)))(
        *[ctypes.cast(ctypes.pointer(v), ctypes.c_void_p) for v in values]
    )
    fn(launch.grid, launch.block, ptrs)


def run_all(launches: Sequence[Launch]) -> None:
    """Run launches in order, compiling the missing kernels first in one batch."""
    precompile((la.kernel for la in launches), jobs=1)
    for la in launches:
        run(la)


def nvrtc_compile(source: str, arch: str) -> tuple[bool, str]:
    """Compile ``source`` with the real NVRTC for ``arch``: (success, log).

    Needs ``cuda.bindings.nvrtc`` and libnvrtc, not a GPU or a driver.
    """
    from cuda.bindings import nvrtc

    err, prog = nvrtc.nvrtcCreateProgram(source.encode(), b"corten_kernel.cu", 0, [], [])
    if err != nvrtc.nvrtcResult.NVRTC_SUCCESS:
        return False, f"nvrtcCreateProgram: {err}"
    try:
        opts = [f"--gpu-architecture={arch}".encode()]
        (err,) = nvrtc.nvrtcCompileProgram(prog, len(opts), opts)
        _, size = nvrtc.nvrtcGetProgramLogSize(prog)
        log = bytearray(size)  # NVRTC writes into it (never into an immutable bytes)
        nvrtc.nvrtcGetProgramLog(prog, log)
        return err == nvrtc.nvrtcResult.NVRTC_SUCCESS, log.decode(errors="replace").rstrip("\0")
    finally:
        nvrtc.nvrtcDestroyProgram(prog)


def _nvrtc_marker(kernel: Kernel, arch: str) -> Path:
    from cuda.bindings import nvrtc

    _, major, minor = nvrtc.nvrtcVersion()
    h = hashlib.sha256(f"{major}.{minor}\0{arch}\0{kernel.source}".encode()).hexdigest()[:32]
    d = cache_dir() / "nvrtc-ok"
    d.mkdir(exist_ok=True)
    return d / h


def nvrtc_compile_many(kernels: Sequence[Kernel], arch: str) -> list[tuple[str, str]]:
    """Compile ``kernels`` (each source verbatim, in a namespace of its own) in one
    NVRTC program; on failure, compile each alone. Returns (name, log) of failures.

    A success is remembered on disk (by NVRTC version, arch and source), so a kernel
    that compiled is not compiled again.
    """
    todo = [k for k in kernels if not _nvrtc_marker(k, arch).exists()]
    if not todo:
        return []
    source = "".join(f"namespace corten_nvrtc_{i} {{\n{k.source}\n}}\n" for i, k in enumerate(todo))
    ok, _ = nvrtc_compile(source, arch)
    if ok:
        for k in todo:
            _nvrtc_marker(k, arch).touch()
        return []
    failures = []
    for k in todo:
        ok, log = nvrtc_compile(k.source, arch)
        if ok:
            _nvrtc_marker(k, arch).touch()
        else:
            failures.append((k.name, log))
    return failures
