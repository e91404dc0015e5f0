"""The CUDA backend of pipelines: one numba-cuda kernel per pipeline.

The user's functions become ``numba.cuda.jit`` device functions; the stages' dtypes are
decided exactly as on the CPU (``_pipeline_codegen`` types each function with numba for
the dtypes it meets). A generated kernel walks the pipeline's elements by their
row-major position ``i``, finds each operand's element through its own strides, runs
the stages and then the terminal's per-element code:

- ``collect`` without a filter: ``out[i] = value``, one grid-stride loop;
- reductions (``sum``, ``min``, ``max``, ``count``, ``reduce``, ``any``, ``all``): two
  passes. Pass 1 leaves one partial result per thread (``reduce`` and filters give each
  thread a contiguous range of positions, so that the order of the elements is kept;
  the others use a grid-stride loop), pass 2, a kernel of one thread, folds the
  partials in thread order;
- ``collect`` after a filter: pass 1 writes each thread's survivors at the start of
  its range and counts them; the host turns the counts into offsets, and pass 2 moves
  each thread's survivors to their place.

Kernels use no shared memory, atomics or synchronization, so numba-cuda's simulator
(``NUMBA_ENABLE_CUDASIM=1``) runs exactly the kernels and launches a GPU would; the test
suite runs them that way over the emulated CUDA driver, whose device memory is host
memory. Memory comes from corten's CUDA allocator and kernels run on corten's current
stream. Not yet run on a GPU: only the simulator has run these kernels.

A function that numba cannot compile makes the pipeline run through the Python
reference on a host copy of the operands (with one ``CompilationWarning``).
"""

from __future__ import annotations

import ctypes
import importlib
import math
import threading
import warnings
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from corten.core.convert import scalar_for
from corten.core.dtypes import DType, float16, int64
from corten.core.errors import ShapeError
from corten.pipelines import reference as _pipeline_ref
from corten.pipelines.plan import (
    Plan,
    Stage,
    map_dtype,
    reference_dtype,
    sum_dtype,
    warn_fallback,
)

if TYPE_CHECKING:
    from corten.memory.storage import Buffer
    from corten.tensor import Tensor, TensorView

__all__ = ["CudaPipelines", "run"]

Array = np.ndarray[Any, Any]

#: Threads per block, and the most blocks of a pass-1 reduction (its partial results).
BLOCK: Final = 256
REDUCE_BLOCKS: Final = 64
MAX_BLOCKS: Final = 4096
#: Smaller launches under the simulator, which runs every thread as a Python thread.
SIM_BLOCK: Final = 8
SIM_BLOCKS: Final = 4


def simulated() -> bool:
    """Whether numba-cuda runs kernels in its simulator (``NUMBA_ENABLE_CUDASIM=1``)."""
    config: Any = importlib.import_module("numba.core.config")
    return bool(config.ENABLE_CUDASIM)


def _numba_cuda() -> Any:
    """``numba.cuda`` (untyped; imported on first use)."""
    return importlib.import_module("numba.cuda")


# ----------------------------------------------------------------------------- memory


def _device_array(ptr: int, numel: int, dtype: np.dtype[Any]) -> Any:
    """A numba device array of ``numel`` elements at device address ``ptr``.

    Under the simulator, device memory is host memory (the emulated driver's), so the
    array is a NumPy array over the address.
    """
    storage = np.dtype(np.float16) if dtype == np.float16 else dtype
    if simulated():
        if numel == 0:
            return np.empty(0, dtype=storage)
        raw = (ctypes.c_byte * (numel * storage.itemsize)).from_address(ptr)
        return np.frombuffer(memoryview(raw).cast("B"), dtype=storage)
    cuda = _numba_cuda()

    desc = {
        "shape": (numel,),
        "typestr": storage.str,
        "data": (ptr if numel else 0, False),
        "strides": None,
        "version": 3,
        "stream": None,  # corten orders the kernels on its own stream
    }
    return cuda.from_cuda_array_interface(desc, owner=None, sync=False)


def _buffer_array(buf: Buffer) -> Any:
    from corten.backends.cuda import device_pointer

    return _device_array(int(device_pointer(buf)), buf.array.size, buf.array.dtype)


# ----------------------------------------------------------------------------- kernels


class CudaKernel:
    """A generated pipeline kernel (and its second pass) and what its caller needs."""

    __slots__ = ("combine", "compact", "kind", "out_dtype", "pass1", "source", "stream")

    def __init__(self) -> None:
        self.pass1: Any = None
        self.combine: Any = None  # pass 2 of reductions
        self.compact: Any = None  # pass 2 of a filtered collect
        self.source = ""
        self.kind = ""
        self.stream: DType = int64  # the dtype of the values that reach the terminal
        self.out_dtype: DType | None = None


def _nb(dtype: DType) -> Any:
    from corten.pipelines.codegen import nb_type

    return nb_type(dtype)


def _cast(ns: dict[str, Any], expr: str, target: DType) -> str:
    """Code converting ``expr`` to ``target``'s value type (float16 values are float32)."""
    if target.kind == "b":
        return f"({expr} != 0)"
    name = "float32" if target is float16 else target.name
    ns[f"T_{name}"] = getattr(np, name)
    return f"T_{name}({expr})"


def _load(k: int, dtype: DType) -> str:
    e = f"b{k}[p{k}]"
    return f"np.float32({e})" if dtype is float16 else e


def _generate(plan: Plan, nd: int) -> CudaKernel:
    """Type ``plan``'s functions and generate its kernels for ``nd`` walked dimensions.

    Raises
    ------
    Rejected
        If numba cannot compile one of the functions.
    """
    from corten.pipelines.codegen import _natural, _typed, compilable

    cuda = _numba_cuda()

    kern = CudaKernel()
    term = plan.terminal
    kern.kind = term.kind
    ns: dict[str, Any] = {"np": np, "cuda": cuda, "F64": np.float64, "I64": np.int64}
    ops = plan.operands
    body: list[str] = []
    depth = 0

    def add(*lines: str) -> None:
        body.extend("    " * depth + line for line in lines)

    slots: list[tuple[str, Any, DType]] = [("x0", _nb(ops[0]._dtype), ops[0]._dtype)]
    add(f"x0 = {_load(0, ops[0]._dtype)}")
    for si, stage in enumerate(plan.stages):
        if stage.kind == "zip":
            k = stage.operand
            add(f"x{k} = {_load(k, ops[k]._dtype)}")
            slots.append((f"x{k}", _nb(ops[k]._dtype), ops[k]._dtype))
            continue
        if stage.kind == "enumerate":
            slots.insert(0, ("i", _nb(int64), int64))
            continue
        assert stage.fn is not None
        _, rt = _typed(stage.fn, tuple(s[1] for s in slots))  # the CPU's typing decides
        name = f"f{si}"
        ns[name] = cuda.jit(device=True)(compilable(stage.fn, len(slots)))
        call = f"{name}({', '.join(s[0] for s in slots)})"
        if stage.kind == "filter":
            add(f"if {call}:")
            depth += 1
        else:
            dt = map_dtype(stage, reference_dtype([s[2] for s in slots]), _natural(rt))
            add(f"v{si} = {_cast(ns, call, dt)}")
            slots = [(f"v{si}", _nb(dt), dt)]
    v, vt, vdt = slots[0]
    kern.stream = vdt
    args = ", ".join(
        ["n", *(f"d{j}" for j in range(nd))]
        + [f"b{k}, o{k}, {', '.join(f's{k}_{j}' for j in range(nd))}" for k in range(len(ops))]
        + ["r0", "r1", "ident"]
    )
    # The position -> element offsets of every operand (row-major over d0..d{nd-1}).
    locate = ["r = i"]
    for j in range(nd - 1, -1, -1):
        locate += [f"q = r // d{j}", f"w{j} = r - q * d{j}", "r = q"]
    for k in range(len(ops)):
        locate.append(f"p{k} = o{k} + " + " + ".join(f"w{j} * s{k}_{j}" for j in range(nd)))
    kind = term.kind
    ordered = kind == "reduce" or (plan.filtered and kind == "collect")
    if ordered:  # thread t walks [t * per, (t + 1) * per)
        head = [
            "t = cuda.grid(1)",
            "nt = cuda.gridsize(1)",
            "per = (n + nt - 1) // nt",
            "i = t * per",
            "stop = min(i + per, n)",
            "while i < stop:",
        ]
    else:
        head = ["t = cuda.grid(1)", "i = t", "step = cuda.gridsize(1)", "while i < n:"]
    step = "    i += 1" if ordered else "    i += step"
    init: list[str] = []
    store: list[str] = []
    combine: list[str] | None = None
    if kind in ("any", "all"):
        if term.fn is None:
            cond = v
        else:
            _typed(term.fn, tuple(s[1] for s in slots))
            ns["fp"] = cuda.jit(device=True)(compilable(term.fn, len(slots)))
            cond = f"fp({', '.join(s[0] for s in slots)})"
        add(f"if {cond if kind == 'any' else f'not ({cond})'}:", "    hit = True", "    break")
        init, store = ["hit = False"], ["r0[t] = hit"]
        combine = ["acc = False", "for c in range(m):", "    acc = acc or r0[c]", "r1[0] = acc"]
    elif kind == "count":
        add("cnt += 1")
        init, store = ["cnt = 0"], ["r0[t] = cnt"]
        combine = ["acc = 0", "for c in range(m):", "    acc += r0[c]", "r1[0] = acc"]
    elif kind == "collect":
        kern.out_dtype = vdt
        if plan.filtered:
            add("r0[t * per + cnt] = " + v, "cnt += 1")
            init, store = ["cnt = 0"], ["r1[t] = cnt"]
        else:
            add(f"r0[i] = {v}")
    elif kind == "sum":
        acc = sum_dtype(vdt)
        if acc.kind != "f":
            ns["ACC"] = np.uint64 if acc.kind == "u" else np.int64
            add(f"acc += ACC({v})")
            init, store = ["acc = ACC(0)"], ["r0[t] = acc"]
            combine = ["acc = ACC(0)", "for c in range(m):", "    acc += r0[c]", "r1[0] = acc"]
        else:
            neumaier = [
                "tt = acc + xf",
                "if abs(acc) >= abs(xf):",
                "    comp += (acc - tt) + xf",
                "else:",
                "    comp += (xf - tt) + acc",
                "acc = tt",
            ]
            add(f"xf = F64({v})", *neumaier)
            init, store = ["acc = F64(0.0)", "comp = F64(0.0)"], ["r0[t] = acc", "r1[t] = comp"]
            combine = [
                "acc = F64(0.0)",
                "comp = F64(0.0)",
                "for c in range(m):",
                *("    " + line for line in ["xf = r0[c]", *neumaier]),
                "    comp += r1[c]",
                "r0[0] = acc + comp",
            ]
    else:  # min, max, reduce: r0 partial values, r1 whether the thread saw any
        ns["VT"] = np.float32 if vdt is float16 else vdt.numpy.type
        init, store = ["has = False", "acc = VT(0)"], ["r0[t] = acc", "r1[t] = has"]
        if kind in ("min", "max"):
            better = "<" if kind == "min" else ">"
            fold = [f"if not has or {{x}} {better} acc or {{x}} != {{x}}:", "    acc = {x}"]
        else:
            assert term.fn is not None
            _, rt = _typed(term.fn, (vt, vt))
            map_dtype(
                Stage("map", term.fn, dtype=vdt, same_kind=True), vdt, _natural(rt), "reduce()"
            )
            ns["fr"] = cuda.jit(device=True)(compilable(term.fn, 2))
            fold = [
                "if not has:",
                "    acc = {x}",
                "else:",
                f"    acc = {_cast(ns, 'fr(acc, {x})', vdt)}",
            ]
        add(*(line.format(x=v) for line in fold), "has = True")
        combine = [
            "has = False",
            "acc = VT(ident)",
            "for c in range(m):",
            "    if r1[c]:",
            *("        " + line.format(x="r0[c]") for line in fold),
            "        has = True",
            "r0[0] = acc",
            "r1[0] = has",
        ]
        if kind == "reduce":  # the identity starts the fold
            combine[0] = "has = True"
    lines = [
        f"def pass1({args}):",
        *("    " + line for line in head[:-1]),
        *("    " + line for line in init),
        "    " + head[-1],
        *("        " + line for line in locate),
        *("        " + line for line in body),
        "    " + step,
        *("    " + line for line in store),
    ]
    if combine is not None:
        lines += ["", "def combine(m, r0, r1, ident):", *("    " + line for line in combine)]
    if kind == "collect" and plan.filtered:
        lines += [
            "",
            "def compact(n, per, counts, starts, src, dst):",
            "    t = cuda.grid(1)",
            "    if t < counts.shape[0]:",
            "        for j in range(counts[t]):",
            "            dst[starts[t] + j] = src[t * per + j]",
        ]
    kern.source = "\n".join(lines)
    exec(compile(kern.source, "<corten cuda pipeline kernel>", "exec"), ns)
    kern.pass1 = cuda.jit(ns["pass1"])
    if combine is not None:
        kern.combine = cuda.jit(ns["combine"])
    if kind == "collect" and plan.filtered:
        kern.compact = cuda.jit(ns["compact"])
    return kern


# ----------------------------------------------------------------------------- running


class _Fallback:
    __slots__ = ()


_FALLBACK: Final = _Fallback()
_LOCK: Final = threading.RLock()
_KERNELS: dict[Hashable, CudaKernel | _Fallback] = {}
_WARNED: Final[set[Hashable]] = set()


def _kernel_for(plan: Plan, nd: int) -> CudaKernel | _Fallback:
    from corten.pipelines.codegen import Rejected, fn_key
    from corten.pipelines.compiled import _plan_key

    key = (_plan_key(plan), nd, simulated())
    with _LOCK:
        found = _KERNELS.get(key)
        if found is not None:
            return found
        try:
            kern: CudaKernel | _Fallback = _generate(plan, nd)
        except Rejected as exc:
            fkey = fn_key(exc.fn)  # type: ignore[arg-type]
            if fkey not in _WARNED:
                _WARNED.add(fkey)
                warn_fallback(exc.fn, exc.reason)
            kern = _FALLBACK
        if len(_KERNELS) >= 256:
            _KERNELS.pop(next(iter(_KERNELS)))
        _KERNELS[key] = kern
        return kern


#: Warnings numba-cuda gives on a GPU about choices made here on purpose: the small grids
#: of the reductions' passes (it warns below 128 blocks), and float16 without nvJitLink.
_EXPECTED_WARNINGS: Final = (
    r"Grid size \d+ will likely result in GPU under-utilization",
    r"float16 relies on LTO for performance",
)


def _launch(kernel: Any, grid: int, block: int, stream: Any, *args: Any) -> None:
    """``kernel[grid, block, stream](*args)`` (no stream under the simulator), without
    numba-cuda's warnings about grid sizes (see :data:`_EXPECTED_WARNINGS`)."""
    with warnings.catch_warnings():
        for message in _EXPECTED_WARNINGS:
            warnings.filterwarnings("ignore", message=message)
        if stream is None:
            kernel[grid, block](*args)
        else:
            kernel[grid, block, stream](*args)


def numba_stream_for(cuda: Any, handle: int) -> Any:
    """numba-cuda's stream object for the ``CUstream`` ``handle``: its own objects for the
    default streams (0 and ``CU_STREAM_LEGACY``, 1: the legacy one; 2:
    ``CU_STREAM_PER_THREAD``), ``external_stream`` for a stream that corten made."""
    if handle in (0, 1):
        return cuda.legacy_default_stream()
    if handle == 2:
        return cuda.per_thread_default_stream()
    return cuda.external_stream(handle)


def _numba_stream(backend: Any) -> Any:
    """The numba stream object for corten's current stream (None under the simulator).

    The backend's device is made current first: numba-cuda works on the current context.
    """
    if simulated():
        return None
    backend.driver.make_current(backend.device.index)
    return numba_stream_for(_numba_cuda(), int(backend.current_stream().handle))


def _read(buf: Buffer, n: int) -> Array:
    """The first ``n`` elements of the device Buffer ``buf`` on the host."""
    from corten.tensor._build import _wrap_buffer

    t = _wrap_buffer(buf, (buf.array.size,))
    return np.asarray(t[:n].to_cpu().numpy())


def run(plan: Plan) -> Any:
    """Run ``plan`` on its cuda device: a Python scalar, or a cuda Tensor for ``collect``."""
    from corten.pipelines.compiled import _iteration

    shape = plan.shape
    n = math.prod(shape)
    offsets, strides = [], []
    for op in plan.operands:
        o, s = _layout(op, shape)
        offsets.append(o)
        strides.append(s)
    walk, offsets, walk_strides = _iteration(shape, offsets, strides, False)
    nd = len(walk)
    if any(op._dtype._ml_dtypes for op in plan.operands):
        # numba-cuda has no bfloat16 (its arrays would be void): the host runs it, once
        # warned about
        with _LOCK:
            warn = "bfloat16" not in _WARNED
            _WARNED.add("bfloat16")
        if warn:
            warn_fallback(None, "numba-cuda has no bfloat16; its pipelines run on the host")
        return _on_host(plan)
    kern = _kernel_for(plan, nd)
    if isinstance(kern, _Fallback):
        return _on_host(plan)
    try:
        return _execute(plan, kern, n, walk, offsets, walk_strides)
    except Exception as exc:
        if not type(exc).__module__.startswith("numba"):
            raise  # the user's functions' own exceptions, corten's errors
        # numba-cuda could not compile a kernel that the CPU typing accepted (a
        # function using something the CUDA target lacks): the host runs it instead.
        from corten.pipelines.compiled import _plan_key

        with _LOCK:
            _KERNELS[(_plan_key(plan), nd, simulated())] = _FALLBACK
        warn_fallback(None, f"{type(exc).__name__}: {exc}")
        return _on_host(plan)


def _on_host(plan: Plan) -> Any:
    out = _pipeline_ref.run(plan, [op.to_cpu()._np() for op in plan.operands])
    if plan.terminal.kind != "collect":
        return out
    from corten.creation import from_numpy

    return from_numpy(out).to(plan.operands[0]._device)


def _layout(t: TensorView[Any, Any, Any], shape: tuple[int, ...]) -> tuple[int, list[int]]:
    """``t``'s element offset and its strides broadcast to ``shape`` (in elements)."""
    lead = len(shape) - len(t._shape)
    strides = [0 if s == 1 else st for s, st in zip(t._shape, t._strides, strict=True)]
    return t._offset, [0] * lead + strides


def _execute(
    plan: Plan,
    kern: CudaKernel,
    n: int,
    walk: list[int],
    offsets: list[int],
    walk_strides: list[list[int]],
) -> Any:
    from corten.backends import get_backend
    from corten.tensor._build import _wrap_buffer

    device = plan.operands[0]._device
    backend = get_backend(device)
    kind = kern.kind
    sim = simulated()
    block = SIM_BLOCK if sim else BLOCK
    cap = SIM_BLOCKS if sim else (MAX_BLOCKS if kind == "collect" else REDUCE_BLOCKS)
    grid = max(1, min(cap, -(-n // block)))
    threads = grid * block
    stream = _numba_stream(backend)
    vdt = kern.stream
    vt = np.dtype(np.float32) if vdt is float16 else vdt.numpy
    # r0 / r1: the kernels' result arrays (see _generate); the final value of a
    # reduction is at r0[0] (min, max, reduce, float sums; r1[0] says whether there was
    # an element) or at r1[0] (any, all, count, integer sums).
    if kind == "collect":
        assert kern.out_dtype is not None
        sizes: tuple[tuple[int, Any], tuple[int, Any]] = (
            (n, kern.out_dtype.numpy),
            (threads if plan.filtered else 1, np.int64),
        )
    elif kind in ("any", "all"):
        sizes = ((threads, np.bool_), (1, np.bool_))
    elif kind == "count":
        sizes = ((threads, np.int64), (1, np.int64))
    elif kind == "sum":
        acc = sum_dtype(vdt)
        sizes = ((threads, acc), (threads if acc.kind == "f" else 1, acc))
    else:
        sizes = ((threads, vt), (threads, np.bool_))
    b0 = backend.allocate(sizes[0][0], np.dtype(sizes[0][1]))
    b1 = backend.allocate(sizes[1][0], np.dtype(sizes[1][1]))
    r0, r1 = _buffer_array(b0), _buffer_array(b1)
    ident: Any = vt.type(0)
    if kind == "reduce":
        ident = vt.type(scalar_for(plan.terminal.identity, vdt))
    args: list[Any] = [np.int64(n), *(np.int64(d) for d in walk)]
    for k, op in enumerate(plan.operands):
        args.append(_buffer_array(op._storage.buffer))
        args.append(np.int64(offsets[k]))
        args += [np.int64(s) for s in walk_strides[k]]
    args += [r0, r1, ident]
    if n:
        _launch(kern.pass1, grid, block, stream, *args)
    if kern.combine is not None:
        _launch(kern.combine, 1, 1, stream, np.int64(threads if n else 0), r0, r1, ident)
    if kind == "collect":
        if not plan.filtered:
            return _wrap_buffer(b0, plan.shape)
        return _compact(plan, kern, backend, stream, n, threads, b0, b1)
    if kind in ("any", "all", "count"):
        got = _read(b1, 1)[0]
        if kind == "count":
            return int(got)
        return bool(got) if kind == "any" else not bool(got)
    if kind == "sum":
        return _read(b0 if sum_dtype(vdt).kind == "f" else b1, 1)[0].item()
    if kind in ("min", "max") and not _read(b1, 1)[0]:
        raise ShapeError(f"{kind}() of a pipeline without elements")
    v = _read(b0, 1)[0]
    return float(np.float16(v)) if vdt is float16 else v.item()


def _compact(
    plan: Plan,
    kern: CudaKernel,
    backend: Any,
    stream: Any,
    n: int,
    threads: int,
    survivors: Buffer,
    counts_buf: Buffer,
) -> Tensor[Any, Any, Any]:
    """Pass 2 of a filtered ``collect``: each thread's survivors to their place."""
    from corten.creation import from_numpy
    from corten.tensor._build import _wrap_buffer

    counts = _read(counts_buf, threads) if n else np.zeros(threads, np.int64)
    starts = np.zeros(threads, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    total = int(counts.sum())
    dst = backend.allocate(total, survivors.array.dtype)
    if total:
        starts_dev = from_numpy(starts).to(plan.operands[0]._device)
        _launch(
            kern.compact,
            max(1, -(-threads // 32)),
            32,
            stream,
            np.int64(n),
            np.int64(-(-n // threads)),
            _buffer_array(counts_buf),
            _buffer_array(starts_dev._storage.buffer),
            _buffer_array(survivors),
            _buffer_array(dst),
        )
    return _wrap_buffer(dst, (total,))


class CudaPipelines:
    """The pipeline backend of ``cuda`` devices (see the module docstring)."""

    name = "cuda"

    def host_array(self, t: TensorView[Any, Any, Any], what: str) -> Array:
        t._require_host(what)  # raises: the host reads device memory only after to_cpu()
        raise AssertionError("unreachable")

    def run(self, plan: Plan) -> Any:
        return run(plan)
