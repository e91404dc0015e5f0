"""CUDA kernels for the ``cuda`` backend: CUDA C++ source and launch plans.

This module is pure Python. It generates the CUDA C++ source of each kernel
specialization corten needs and returns *launch plans* (:class:`Launch`: a kernel, a
1-D grid and block, and one argument per parameter). It imports nothing from CUDA: the
driver (``_cuda_driver.py``) compiles ``Kernel.source`` with NVRTC and launches it, and
the test suite runs the very same source text on the CPU through a g++ emulator
(``tests/cuda_emu.py``) against NumPy as the oracle. None of this has run on a GPU yet:
the sources are compiled by the real NVRTC in the tests and emulated on the host.

Choices
-------
- **Emulation is exact.** Kernels use only ``blockIdx.x``, ``blockDim.x``,
  ``threadIdx.x`` and ``gridDim.x``, with 64-bit grid-stride loops: no shared memory, no
  atomics, no barriers, no warp intrinsics. Every thread's result therefore depends on
  nothing another thread does in the same launch, and a sequential loop over blocks and
  threads computes what the GPU computes (transcendental functions aside, whose last
  bits differ between CUDA's and glibc's libraries).
- **No headers.** Sources have no ``#include``: fixed-width types are typedefs in a
  small prelude, float16 and bfloat16 are stored as 16-bit integers and converted by the
  prelude's own functions (round to nearest, ties to even, as NumPy and ml_dtypes do),
  and arithmetic on them is done in float32, as NumPy and ml_dtypes do. Conversions to
  bfloat16 from float64 and the integers go through float32, as ml_dtypes' do.
- **Few specializations.** A kernel is specialized on its operation and dtypes and on
  one of two index forms: ``r1`` (one dimension: no division per element, the form of
  every contiguous operation) and ``nd`` (up to :data:`MAX_DIMS` dimensions, their
  number a runtime parameter). Shapes and strides are parameters, so one compiled kernel
  serves every shape. Before a plan is made, dimensions of size 1 are dropped, dimensions
  whose output stride is negative are flipped, dimensions are ordered by the output's
  strides (so that the destination is written contiguously) and adjacent dimensions are
  collapsed where every operand allows it. A plan with more than :data:`MAX_DIMS`
  dimensions left launches once per index of its outer dimensions. A scalar operand of
  a binary operation is a kernel parameter selected by a flag (a branch that is uniform
  across the launch), so scalars add no specializations. Copies of one dtype to itself,
  gathers and scatters move bits and are specialized on the item size only.
- **Bandwidth.** Blocks have :data:`BLOCK` (256) threads; the grid is the work divided by
  the block, capped at :data:`MAX_GRID` blocks (the threads then loop). ``fill`` stores
  16 bytes per thread (a 16-byte aligned pattern of two 64-bit words) over the aligned
  body of the buffer and falls back to one element per thread for the unaligned head and
  tail; a contiguous copy within one dtype does the same with 16-byte loads and stores.
  Strided copies walk the destination in order, so writes are coalesced and reads are
  as local as the source's layout allows. The output of an elementwise kernel may be
  one of its inputs with the same layout (in-place operations): those pointers are not
  declared ``__restrict__``, and each element is read before it is written by the
  same thread.
- **Reductions in passes.** A reduction of ``nr`` elements into each of ``nk`` outputs
  first runs ``nk * n1`` threads, thread ``c`` of output ``k`` combining reduced indices
  ``c, c + n1, c + 2 * n1, ...`` (adjacent threads read adjacent elements), into
  partials in a scratch buffer; further passes fold the partials by up to
  :data:`FOLD` at a time until one per output is left, which the last pass converts and
  stores. ``n1`` is chosen so that about :data:`REDUCE_THREADS` threads run, each over at
  least :data:`REDUCE_MIN_PER_THREAD` elements: a full reduction of 1e8 elements is not
  done by one thread, and a reduction with many outputs is done in one pass. argmin and
  argmax carry the flat index of the reduced dimensions (C order) and break ties by the
  smaller index, so the first occurrence wins however the work is split.

Semantics and dtypes
--------------------
NumPy's: integer arithmetic wraps (computed in unsigned arithmetic, so no C undefined
behaviour); integer ``floor_divide`` and ``remainder`` by zero give 0; float
``floor_divide`` and ``remainder`` follow NumPy's ``divmod`` (signs of the divisor);
``maximum``/``minimum``/``min``/``max`` propagate NaN; comparisons give bool; bool
``add``/``maximum`` are logical or, ``multiply``/``minimum`` logical and. Sums and
products of bool and signed integers accumulate in int64, of unsigned integers in
uint64, of float16 and bfloat16 in float32 (the result stored in their own dtype).
:func:`binary_result_dtype`, :func:`unary_result_dtype` and :func:`reduce_result_dtype`
give the natural result dtypes; the plans accept any ``out_dtype`` and convert to it as
:func:`copy` does.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import ml_dtypes  # noqa: F401  (registers "bfloat16" with NumPy)
import numpy as np

from corten.core.errors import DTypeError

__all__ = [
    "BINARY_OPS",
    "BLOCK",
    "DTYPES",
    "MAX_DIMS",
    "MAX_GRID",
    "REDUCTIONS",
    "UNARY_OPS",
    "Kernel",
    "Launch",
    "Operand",
    "ReducePlan",
    "Strided",
    "binary",
    "binary_dtypes",
    "binary_result_dtype",
    "copy",
    "fill",
    "gather",
    "reduce",
    "reduce_dtypes",
    "reduce_result_dtype",
    "scatter",
    "specializations",
    "unary",
    "unary_dtypes",
    "unary_result_dtype",
]

BLOCK = 256
"""Threads per block of every launch."""
MAX_GRID = 65535
"""The most blocks one launch uses; grid-stride loops cover the rest."""
MAX_DIMS = 8
"""The most dimensions an ``nd`` kernel indexes (after collapsing)."""
REDUCE_THREADS = 1 << 17
"""About how many threads the first pass of a reduction runs."""
REDUCE_MIN_PER_THREAD = 16
"""The fewest reduced elements one thread of a first pass combines (when it can)."""
FOLD = 256
"""How many partials one thread of a later reduction pass combines, at most."""


@dataclass(frozen=True)
class Kernel:
    """One kernel: its ``extern "C" __global__`` name, its source, its parameter kinds.

    ``params`` are the C kinds of the parameters in order: ``"ptr"`` (a device address),
    ``"i64"``, ``"u64"``, ``"f64"``, ``"f32"``.
    """

    name: str
    source: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class Launch:
    """One launch of ``kernel`` on a 1-D ``grid`` of 1-D blocks, with ``args``."""

    kernel: Kernel
    grid: int
    block: int
    args: tuple[int | float, ...]


@dataclass(frozen=True)
class Strided:
    """An operand in memory: the byte address of element (0, ..., 0) and its strides.

    Strides are in elements; they may be 0 (broadcast) or negative.
    """

    ptr: int
    strides: tuple[int, ...]


Operand = Strided | bool | int | float


@dataclass(frozen=True)
class ReducePlan:
    """A reduction: the scratch it needs and its launches given the scratch address."""

    scratch_bytes: int
    launches: Callable[[int], list[Launch]]


DTYPES: tuple[np.dtype[Any], ...] = tuple(
    np.dtype(n)
    for n in (
        "bool",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "int8",
        "int16",
        "int32",
        "int64",
        "float16",
        "float32",
        "float64",
        "bfloat16",
    )
)
"""Every dtype the kernels handle."""

BINARY_OPS: tuple[str, ...] = (
    "add",
    "subtract",
    "multiply",
    "true_divide",
    "floor_divide",
    "remainder",
    "power",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "maximum",
    "minimum",
)
UNARY_OPS: tuple[str, ...] = (
    "negative",
    "positive",
    "absolute",
    "invert",
    "sqrt",
    "exp",
    "log",
    "sin",
    "cos",
)
REDUCTIONS: tuple[str, ...] = (
    "sum",
    "prod",
    "mean",
    "min",
    "max",
    "argmin",
    "argmax",
    "all",
    "any",
)

_COMPARISONS = {
    "equal": "==",
    "not_equal": "!=",
    "less": "<",
    "less_equal": "<=",
    "greater": ">",
    "greater_equal": ">=",
}

# --------------------------------------------------------------------------- dtypes

_STORE = {
    "bool": "u8",
    "uint8": "u8",
    "uint16": "u16",
    "uint32": "u32",
    "uint64": "u64",
    "int8": "i8",
    "int16": "i16",
    "int32": "i32",
    "int64": "i64",
    "float16": "u16",
    "float32": "f32",
    "float64": "f64",
    "bfloat16": "u16",
}
_COMPUTE = {**_STORE, "bool": "bool", "float16": "f32", "bfloat16": "f32"}
_HALVES = ("float16", "bfloat16")  # stored in 16 bits, computed in float32
_BITS = {1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64"}


def _dt(dtype: Any) -> np.dtype[Any]:
    dt: np.dtype[Any] = np.dtype(dtype)
    if dt.name not in _STORE or not dt.isnative:
        raise DTypeError(
            f"no CUDA kernels for dtype {dt}; the kernels handle {_names()} (convert with "
            ".astype(...) on the cpu first)"
        )
    return dt


def _names() -> str:
    return ", ".join(d.name for d in DTYPES)


def _kind(dt: np.dtype[Any]) -> str:
    """'b' bool, 'i' signed, 'u' unsigned, 'f' floating (bfloat16's NumPy kind is 'V')."""
    return "f" if dt.name == "bfloat16" else dt.kind


def _wide(dt: np.dtype[Any]) -> str:
    """The unsigned type integer arithmetic of ``dt`` wraps in."""
    return "u64" if dt.itemsize == 8 else "u32"


def _scalar_kind(dt: np.dtype[Any]) -> str:
    if _kind(dt) == "f":
        return "f64"
    return "u64" if dt.name == "uint64" else "i64"


def _scalar_value(dt: np.dtype[Any], value: object) -> int | float:
    if isinstance(value, Strided):
        raise TypeError("internal: a Strided operand is not a scalar")
    if _kind(dt) == "f":
        return float(np.array(value, dtype=dt))
    if dt.kind == "b":
        return int(bool(value))
    return int(np.array(value).astype(dt))


def _load(dt: np.dtype[Any], expr: str) -> str:
    """The compute-type value of the stored element ``expr`` of ``dt``."""
    if dt.name == "bool":
        return f"({expr} != 0)"
    if dt.name == "float16":
        return f"h2f({expr})"
    if dt.name == "bfloat16":
        return f"bf2f({expr})"
    return expr


def _from_scalar(dt: np.dtype[Any], expr: str) -> str:
    """The compute-type value of the scalar parameter ``expr`` of ``dt``."""
    if dt.name == "bool":
        return f"({expr} != 0)"
    return f"({_COMPUTE[dt.name]})({expr})"


def _convert(expr: str, src: np.dtype[Any], dst: np.dtype[Any]) -> str:
    """The stored value of ``dst`` for the compute-type value ``expr`` of ``src``."""
    s, d = src.name, dst.name
    if d == "bool":
        return f"(u8)({expr})" if s == "bool" else f"(u8)(({expr}) != 0)"
    if d == "bfloat16":
        if s in ("float16", "bfloat16", "float32"):
            return f"f2bf({expr})"
        if s == "bool":
            return f"(u16)(({expr}) ? 0x3F80u : 0u)"
        return f"f2bf((f32)({expr}))"  # float64 and integers through float32, as ml_dtypes
    if d == "float16":
        if s in ("float16", "bfloat16", "float32"):
            return f"f2h({expr})"
        if s == "bool":
            return f"(u16)(({expr}) ? 0x3C00u : 0u)"
        if s == "float64":
            return f"d2h({expr})"
        return f"d2h((f64)({expr}))"
    return f"({_STORE[d]})({expr})"


_PRELUDE = r"""typedef signed char i8;
typedef short i16;
typedef int i32;
typedef long long i64;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef float f32;
typedef double f64;
union cf32 { f32 f; u32 u; };
union cf64 { f64 f; u64 u; };
static __device__ __forceinline__ f32 h2f(u16 h) {
  u32 s = ((u32)h & 0x8000u) << 16;
  u32 e = ((u32)h >> 10) & 0x1fu;
  u32 m = (u32)h & 0x3ffu;
  if (e == 0u) { f32 v = (f32)m * 5.9604644775390625e-08f; return s ? -v : v; }
  cf32 c;
  if (e == 31u) c.u = s | 0x7f800000u | (m << 13);
  else c.u = s | ((e + 112u) << 23) | (m << 13);
  return c.f;
}
static __device__ __forceinline__ u16 f2h(f32 x) {
  cf32 c; c.f = x;
  u32 f = c.u;
  u32 s = (f >> 16) & 0x8000u;
  f &= 0x7fffffffu;
  if (f >= 0x7f800000u) return (u16)(s | (f > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (f >= 0x477ff000u) return (u16)(s | 0x7c00u);
  if (f >= 0x38800000u) {
    u32 b = f - 0x38000000u; u32 h = b >> 13; u32 r = b & 0x1fffu;
    if (r > 0x1000u || (r == 0x1000u && (h & 1u))) h += 1u;
    return (u16)(s | h);
  }
  if (f <= 0x33000000u) return (u16)s;
  u32 e = f >> 23; u32 m = (f & 0x7fffffu) | 0x800000u; u32 sh = 126u - e;
  u32 h = m >> sh; u32 r = m & ((1u << sh) - 1u); u32 hf = 1u << (sh - 1u);
  if (r > hf || (r == hf && (h & 1u))) h += 1u;
  return (u16)(s | h);
}
static __device__ __forceinline__ f32 bf2f(u16 h) {
  cf32 c; c.u = (u32)h << 16;
  return c.f;
}
static __device__ __forceinline__ u16 f2bf(f32 x) {
  cf32 c; c.f = x;
  u32 f = c.u;
  if ((f & 0x7fffffffu) > 0x7f800000u) return (u16)(((f >> 16) & 0x8000u) | 0x7fc0u);
  f += 0x7fffu + ((f >> 16) & 1u);
  return (u16)(f >> 16);
}
static __device__ __forceinline__ u16 d2h(f64 x) {
  cf64 c; c.f = x;
  u64 d = c.u;
  u32 s = (u32)(d >> 48) & 0x8000u;
  d &= 0x7fffffffffffffffull;
  if (d >= 0x7ff0000000000000ull) return (u16)(s | (d > 0x7ff0000000000000ull ? 0x7e00u : 0x7c00u));
  if (d >= 0x40effe0000000000ull) return (u16)(s | 0x7c00u);
  if (d >= 0x3f10000000000000ull) {
    u64 b = d - 0x3f00000000000000ull; u64 h = b >> 42; u64 r = b & 0x3ffffffffffull;
    if (r > 0x20000000000ull || (r == 0x20000000000ull && (h & 1ull))) h += 1ull;
    return (u16)(s | (u32)h);
  }
  if (d <= 0x3e60000000000000ull) return (u16)s;
  u64 e = d >> 52; u64 m = (d & 0xfffffffffffffull) | 0x10000000000000ull; u64 sh = 1051ull - e;
  u64 h = m >> sh; u64 r = m & ((1ull << sh) - 1ull); u64 hf = 1ull << (sh - 1ull);
  if (r > hf || (r == hf && (h & 1ull))) h += 1ull;
  return (u16)(s | (u32)h);
}
"""

_LOOP = (
    "  const i64 step = (i64)blockDim.x * (i64)gridDim.x;\n"
    "  for (i64 i = (i64)blockIdx.x * (i64)blockDim.x + (i64)threadIdx.x; i < n; i += step) {\n"
)


def _grid(work: int) -> int:
    return max(1, min(MAX_GRID, -(-work // BLOCK)))


# ------------------------------------------------------------------ index helpers


def _index_params(variant: str, names: Sequence[str]) -> list[tuple[str, str]]:
    """(kind, C name) of the index parameters of an elementwise kernel."""
    if variant == "r1":
        return [("i64", f"{p}s0") for p in names]
    out = [("i64", "ndim")]
    out += [("i64", f"sh{d}") for d in range(MAX_DIMS)]
    for p in names:
        out += [("i64", f"{p}s{d}") for d in range(MAX_DIMS)]
    return out


def _unravel(
    index: str,
    names: Sequence[str],
    ndim: str = "ndim",
    sh: str = "sh",
    indent: int = 4,
    declare: bool = True,
) -> str:
    """C statements setting ``{p}o`` (element offsets) from the linear ``index``.

    Dimension 0 of the parameters is the innermost one; the strides of operand ``p``
    are the parameters ``{p}s0, {p}s1, ...``.
    """
    base = " " * indent
    lines = [f"{base}{{ i64 r_ = {index};"]
    if declare:
        lines = [f"{base}i64 {p}o = 0;" for p in names] + lines
    else:
        lines += [f"{base}{p}o = 0;" for p in names]
    depth = 0
    for d in range(MAX_DIMS):
        pad = base + "  " * depth
        if d > 0:
            lines.append(f"{pad}if ({ndim} > {d}) {{")
            depth += 1
            pad = base + "  " * depth
        lines.append(f"{pad}i64 q{d} = r_ / {sh}{d}; i64 k{d} = r_ - q{d} * {sh}{d}; r_ = q{d};")
        lines.append(pad + " ".join(f"{p}o += k{d} * {p}s{d};" for p in names))
    lines += [base + "  " * (depth - k - 1) + "}" for k in range(depth)]
    lines.append(base + "}")
    return "\n".join(lines) + "\n"


def _signature(name: str, params: Sequence[tuple[str, str, str]]) -> str:
    """``extern "C" __global__ void name(...)`` from (kind, C type, C name) triples."""
    args = ",\n    ".join(f"{ctype} {cname}" for _, ctype, cname in params)
    return f'extern "C" __global__ void {name}(\n    {args})\n'


def _ctype(kind: str) -> str:
    return {"i64": "i64", "u64": "u64", "f64": "f64", "f32": "f32"}[kind]


# --------------------------------------------------------------- layout planning


@dataclass
class _Dims:
    """Dimensions (outer to inner) with a pointer and strides per operand."""

    shape: list[int]
    ptrs: list[int]
    strides: list[list[int]]  # per operand, per dim
    items: list[int]  # item size per operand (0 for a scalar placeholder)


def _prepare(shape: Sequence[int], ops: list[tuple[int, Sequence[int], int]]) -> _Dims | None:
    """Drop size-1 dims, flip dims the first operand walks backwards, sort, collapse.

    ``ops`` are (ptr, strides, itemsize); operand 0 is the output. Returns None when
    the shape has no elements.
    """
    shape = [int(s) for s in shape]
    if any(s == 0 for s in shape):
        return None
    for _, st, _ in ops:
        if len(st) != len(shape):
            raise ValueError(f"strides {tuple(st)} do not match shape {tuple(shape)}")
    ptrs = [p for p, _, _ in ops]
    items = [it for _, _, it in ops]
    keep = [d for d, s in enumerate(shape) if s != 1]
    dims = [shape[d] for d in keep]
    strides = [[int(st[d]) for d in keep] for _, st, _ in ops]
    for j, s in enumerate(strides[0]):
        if s < 0:
            for o in range(len(ops)):
                ptrs[o] += (dims[j] - 1) * strides[o][j] * items[o]
                strides[o][j] = -strides[o][j]
    order = sorted(range(len(dims)), key=lambda j: -strides[0][j])  # stable
    dims = [dims[j] for j in order]
    strides = [[st[j] for j in order] for st in strides]
    dims, strides = _collapse(dims, strides)
    return _Dims(dims, ptrs, strides, items)


def _collapse(dims: list[int], strides: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    out_dims: list[int] = []
    out_st: list[list[int]] = [[] for _ in strides]
    for j, n in enumerate(dims):
        if out_dims and all(st[-1] == n * s[j] for st, s in zip(out_st, strides, strict=True)):
            out_dims[-1] *= n
            for st, s in zip(out_st, strides, strict=True):
                st[-1] = s[j]
            continue
        out_dims.append(n)
        for st, s in zip(out_st, strides, strict=True):
            st.append(s[j])
    return out_dims, out_st


def _split(d: _Dims) -> Iterator[_Dims]:
    """``d`` itself, or one part per index of its outer dims beyond MAX_DIMS."""
    extra = len(d.shape) - MAX_DIMS
    if extra <= 0:
        yield d
        return
    for idx in np.ndindex(*d.shape[:extra]):
        ptrs = [
            p + sum(int(i) * s for i, s in zip(idx, st[:extra], strict=True)) * it
            for p, st, it in zip(d.ptrs, d.strides, d.items, strict=True)
        ]
        yield _Dims(d.shape[extra:], ptrs, [st[extra:] for st in d.strides], d.items)


def _index_args(variant: str, d: _Dims, which: Sequence[int]) -> list[int]:
    if variant == "r1":
        return [d.strides[o][0] if d.shape else 0 for o in which]
    nd = len(d.shape)
    args = [nd]
    args += [d.shape[nd - 1 - k] if k < nd else 1 for k in range(MAX_DIMS)]
    for o in which:
        st = d.strides[o]
        args += [st[nd - 1 - k] if k < nd else 0 for k in range(MAX_DIMS)]
    return args


def _variant(d: _Dims) -> str:
    return "r1" if len(d.shape) <= 1 else "nd"


# ----------------------------------------------------------------------- fill


@functools.cache
def _fill_kernel(size: int) -> Kernel:
    """Stores the bit pattern ``v`` into ``n`` items of ``size`` bytes (16: a pair)."""
    if size == 16:
        name = "corten_fill_v16"
        body = (
            "struct alignas(16) v16_t { u64 x; u64 y; };\n"
            + _signature(
                name,
                [("ptr", "v16_t* __restrict__", "o"), ("u64", "u64", "v"), ("i64", "i64", "n")],
            )
            + "{\n  v16_t w; w.x = v; w.y = v;\n"
            + _LOOP
            + "    o[i] = w;\n  }\n}\n"
        )
        return Kernel(name, _PRELUDE + body, ("ptr", "u64", "i64"))
    t = _STORE[_BITS[size]]
    name = f"corten_fill_b{size}"
    body = (
        _signature(
            name, [("ptr", f"{t}* __restrict__", "o"), ("u64", "u64", "v"), ("i64", "i64", "n")]
        )
        + "{\n"
        + _LOOP
        + f"    o[i] = ({t})v;\n  }}\n}}\n"
    )
    return Kernel(name, _PRELUDE + body, ("ptr", "u64", "i64"))


def _bits_of(dt: np.dtype[Any], value: object) -> int:
    arr = np.array(value, dtype=dt) if dt.kind != "b" else np.array(bool(value), dtype=dt)
    return int(arr.reshape(1).view(_BITS[dt.itemsize])[0])


def _wide_plan(
    make_elem: Callable[[int, int, int], Launch],
    make_wide: Callable[[int, int, int], Launch],
    addrs: Sequence[int],
    itemsize: int,
    numel: int,
) -> list[Launch]:
    """Head (elements up to 16-byte alignment), 16-byte body, tail.

    ``make_elem(byte_offset, first_elem, count)`` and ``make_wide(byte_offset, ., n16)``.
    Wide moves need every address to share its offset modulo 16.
    """
    launches: list[Launch] = []
    mis = addrs[0] % 16
    if any(a % 16 != mis for a in addrs) or mis % itemsize:
        return [make_elem(0, 0, numel)]
    head = min(numel, ((16 - mis) % 16) // itemsize)
    if head:
        launches.append(make_elem(0, 0, head))
    rest = numel - head
    n16 = rest * itemsize // 16
    if n16:
        launches.append(make_wide(head * itemsize, head, n16))
    tail = rest - n16 * 16 // itemsize
    if tail:
        first = numel - tail
        launches.append(make_elem(first * itemsize, first, tail))
    return launches


def fill(ptr: int, dtype: np.dtype[Any], numel: int, value: object) -> list[Launch]:
    """Launches that set ``numel`` contiguous elements of ``dtype`` at ``ptr`` to ``value``.

    The value is converted to ``dtype`` as ``np.array(value, dtype)`` does (an integer
    out of range raises OverflowError). The aligned body is stored 16 bytes per thread.

    Examples
    --------
    >>> import numpy as np
    >>> [launch.kernel.name for launch in fill(4096, np.dtype("float32"), 100, 1.5)]
    ['corten_fill_v16']
    >>> [launch.kernel.name for launch in fill(4098, np.dtype("uint16"), 20, 7)]
    ['corten_fill_b2', 'corten_fill_v16', 'corten_fill_b2']
    """
    dt = _dt(dtype)
    if numel <= 0:
        return []
    size = dt.itemsize
    bits = _bits_of(dt, value)
    pattern = 0
    for k in range(8 // size):
        pattern |= bits << (8 * size * k)

    def elem(off: int, _first: int, count: int) -> Launch:
        return Launch(_fill_kernel(size), _grid(count), BLOCK, (ptr + off, bits, count))

    def wide(off: int, _first: int, n16: int) -> Launch:
        return Launch(_fill_kernel(16), _grid(n16), BLOCK, (ptr + off, pattern, n16))

    return _wide_plan(elem, wide, [ptr], size, numel)


# ----------------------------------------------------------------------- copy


@functools.cache
def _copy_kernel(src: str, dst: str, variant: str) -> Kernel:
    s, d = np.dtype(src), np.dtype(dst)
    name = f"corten_copy_{src}_{dst}_{variant}"
    params = [
        ("ptr", f"{_STORE[dst]}*", "o"),
        ("ptr", f"const {_STORE[src]}*", "a"),
        ("i64", "i64", "n"),
    ] + [(k, _ctype(k), c) for k, c in _index_params(variant, ["o", "a"])]
    if variant == "r1":
        index = "    i64 oo = i * os0; i64 ao = i * as0;\n"
    else:
        index = _unravel("i", ["o", "a"])
    expr = _convert(_load(s, "a[ao]"), s, d)
    body = _signature(name, params) + "{\n" + _LOOP + index + f"    o[oo] = {expr};\n  }}\n}}\n"
    return Kernel(name, _PRELUDE + body, tuple(k for k, _, _ in params))


@functools.cache
def _copy_wide_kernel() -> Kernel:
    name = "corten_copy_v16"
    params = [
        ("ptr", "v16_t* __restrict__", "o"),
        ("ptr", "const v16_t* __restrict__", "a"),
        ("i64", "i64", "n"),
    ]
    body = (
        "struct alignas(16) v16_t { u64 x; u64 y; };\n"
        + _signature(name, params)
        + "{\n"
        + _LOOP
        + "    o[i] = a[i];\n  }\n}\n"
    )
    return Kernel(name, _PRELUDE + body, ("ptr", "ptr", "i64"))


def copy(
    dst: Strided,
    dst_dtype: np.dtype[Any],
    shape: Sequence[int],
    src: Strided,
    src_dtype: np.dtype[Any],
) -> list[Launch]:
    """Launches that copy ``src`` into ``dst`` over ``shape``, casting as ``astype`` does.

    Casts follow NumPy for values the destination can represent: floats to integers
    truncate toward zero, anything to bool is ``!= 0`` (NaN is True), bool is 0 or 1.
    A copy within one dtype moves bits; a contiguous one moves 16 bytes per thread.

    Examples
    --------
    >>> import numpy as np
    >>> f4, u1 = np.dtype("float32"), np.dtype("uint8")
    >>> plan = copy(Strided(4096, (3, 1)), u1, (2, 3), Strided(8192, (1, 2)), f4)
    >>> [launch.kernel.name for launch in plan]
    ['corten_copy_float32_uint8_nd']
    """
    sd, dd = _dt(src_dtype), _dt(dst_dtype)
    d = _prepare(shape, [(dst.ptr, dst.strides, dd.itemsize), (src.ptr, src.strides, sd.itemsize)])
    if d is None:
        return []
    if sd == dd:
        sd = dd = np.dtype(_BITS[dd.itemsize])
    launches: list[Launch] = []
    for part in _split(d):
        variant = _variant(part)
        n = math.prod(part.shape)
        if variant == "r1" and sd == dd and part.shape and part.strides == [[1], [1]]:
            launches += _contiguous_copy(part.ptrs[0], part.ptrs[1], dd, n)
            continue
        k = _copy_kernel(sd.name, dd.name, variant)
        args = (part.ptrs[0], part.ptrs[1], n, *_index_args(variant, part, [0, 1]))
        launches.append(Launch(k, _grid(n), BLOCK, args))
    return launches


def _contiguous_copy(dst: int, src: int, dt: np.dtype[Any], numel: int) -> list[Launch]:
    size = dt.itemsize

    def elem(off: int, _first: int, count: int) -> Launch:
        k = _copy_kernel(dt.name, dt.name, "r1")
        return Launch(k, _grid(count), BLOCK, (dst + off, src + off, count, 1, 1))

    def wide(off: int, _first: int, n16: int) -> Launch:
        return Launch(_copy_wide_kernel(), _grid(n16), BLOCK, (dst + off, src + off, n16))

    return _wide_plan(elem, wide, [dst, src], size, numel)


# ---------------------------------------------------------------- elementwise


def binary_dtypes(op: str) -> tuple[np.dtype[Any], ...]:
    """The input dtypes :func:`binary` accepts for ``op``."""
    if op not in BINARY_OPS:
        raise ValueError(f"unknown binary operation {op!r}; known: {', '.join(BINARY_OPS)}")
    out = []
    for dt in DTYPES:
        k = _kind(dt)
        if op == "true_divide" and k != "f":
            continue
        if op.startswith("bitwise_") and k == "f":
            continue
        if k == "b" and op in ("subtract", "floor_divide", "remainder", "power"):
            continue
        out.append(dt)
    return tuple(out)


def binary_result_dtype(op: str, in_dtype: np.dtype[Any]) -> np.dtype[Any]:
    """NumPy's result dtype of ``op`` on two operands of ``in_dtype`` (bool or in_dtype)."""
    dt = _dt(in_dtype)
    if dt not in binary_dtypes(op):
        raise TypeError(f"{op} is not defined for {dt.name} in the CUDA kernels")
    return np.dtype(bool) if op in _COMPARISONS else dt


def unary_dtypes(op: str) -> tuple[np.dtype[Any], ...]:
    """The input dtypes :func:`unary` accepts for ``op``."""
    if op not in UNARY_OPS:
        raise ValueError(f"unknown unary operation {op!r}; known: {', '.join(UNARY_OPS)}")
    if op in ("sqrt", "exp", "log", "sin", "cos"):
        return tuple(d for d in DTYPES if _kind(d) == "f")
    if op == "invert":
        return tuple(d for d in DTYPES if _kind(d) != "f")
    if op in ("negative", "positive"):
        return tuple(d for d in DTYPES if _kind(d) != "b")
    return DTYPES


def unary_result_dtype(op: str, in_dtype: np.dtype[Any]) -> np.dtype[Any]:
    """NumPy's result dtype of ``op`` on ``in_dtype`` (always ``in_dtype`` here)."""
    dt = _dt(in_dtype)
    if dt not in unary_dtypes(op):
        raise TypeError(f"{op} is not defined for {dt.name} in the CUDA kernels")
    return dt


def _float_fns(ct: str) -> dict[str, str]:
    sfx = "f" if ct == "f32" else ""
    return {
        n: n + sfx for n in ("fmod", "floor", "copysign", "pow", "sqrt", "exp", "log", "sin", "cos")
    } | {"fabs": "fabs" + sfx}


def _binary_code(op: str, dt: np.dtype[Any]) -> tuple[str, str]:
    """(helper definitions, expression in x and y) of ``op`` on compute values."""
    k = _kind(dt)
    t = _COMPUTE[dt.name]
    w = _wide(dt) if k in "iu" else ""
    if op in _COMPARISONS:
        return "", f"(x {_COMPARISONS[op]} y)"
    if k == "b":
        return "", {
            "add": "(x || y)",
            "multiply": "(x && y)",
            "bitwise_and": "(x && y)",
            "bitwise_or": "(x || y)",
            "bitwise_xor": "(x != y)",
            "maximum": "(x || y)",
            "minimum": "(x && y)",
        }[op]
    if k in "iu":
        simple = {
            "add": f"({t})(({w})x + ({w})y)",
            "subtract": f"({t})(({w})x - ({w})y)",
            "multiply": f"({t})(({w})x * ({w})y)",
            "bitwise_and": f"({t})(x & y)",
            "bitwise_or": f"({t})(x | y)",
            "bitwise_xor": f"({t})(x ^ y)",
            "maximum": "(x >= y ? x : y)",
            "minimum": "(x <= y ? x : y)",
        }
        if op in simple:
            return "", simple[op]
        if op == "floor_divide":
            if k == "u":
                return "", f"(y == 0 ? ({t})0 : ({t})(x / y))"
            fn = (
                f"static __device__ __forceinline__ {t} op_fdiv({t} a, {t} b) {{\n"
                f"  if (b == 0) return 0;\n"
                f"  if (b == -1) return ({t})(({w})0 - ({w})a);\n"
                f"  {t} q = ({t})(a / b);\n"
                f"  if ((a % b != 0) && ((a < 0) != (b < 0))) q = ({t})(q - 1);\n"
                f"  return q;\n}}\n"
            )
            return fn, "op_fdiv(x, y)"
        if op == "remainder":
            if k == "u":
                return "", f"(y == 0 ? ({t})0 : ({t})(x % y))"
            fn = (
                f"static __device__ __forceinline__ {t} op_fmod({t} a, {t} b) {{\n"
                f"  if (b == 0 || b == -1) return 0;\n"
                f"  {t} r = ({t})(a % b);\n"
                f"  if (r != 0 && ((r < 0) != (b < 0))) r = ({t})(r + b);\n"
                f"  return r;\n}}\n"
            )
            return fn, "op_fmod(x, y)"
        if op == "power":
            neg = "  if (b < 0) return 0;\n" if k == "i" else ""
            fn = (
                f"static __device__ __forceinline__ {t} op_pow({t} a, {t} b) {{\n"
                f"{neg}"
                f"  {w} r = 1; {w} x = ({w})a; u64 e = (u64)b;\n"
                f"  while (e) {{ if (e & 1ull) r = r * x; x = x * x; e >>= 1; }}\n"
                f"  return ({t})r;\n}}\n"
            )
            return fn, "op_pow(x, y)"
        raise TypeError(f"{op} is not defined for {dt.name} in the CUDA kernels")
    f = _float_fns(t)
    simple = {
        "add": "(x + y)",
        "subtract": "(x - y)",
        "multiply": "(x * y)",
        "true_divide": "(x / y)",
        "power": f"{f['pow']}(x, y)",
        "maximum": "((x != x) ? x : ((y != y) ? y : (x >= y ? x : y)))",
        "minimum": "((x != x) ? x : ((y != y) ? y : (x <= y ? x : y)))",
    }
    if op in simple:
        return "", simple[op]
    if op == "floor_divide":
        fn = (
            f"static __device__ __forceinline__ {t} op_fdiv({t} a, {t} b) {{\n"
            f"  if (b == 0) return a / b;\n"
            f"  {t} m = {f['fmod']}(a, b);\n"
            f"  {t} d = (a - m) / b;\n"
            f"  if (m != 0) {{ if ((b < 0) != (m < 0)) d -= 1; }}\n"
            f"  {t} r;\n"
            f"  if (d != 0) {{ r = {f['floor']}(d); if (d - r > ({t})0.5) r += 1; }}\n"
            f"  else r = {f['copysign']}(({t})0, a / b);\n"
            f"  return r;\n}}\n"
        )
        return fn, "op_fdiv(x, y)"
    if op == "remainder":
        fn = (
            f"static __device__ __forceinline__ {t} op_fmod({t} a, {t} b) {{\n"
            f"  {t} m = {f['fmod']}(a, b);\n"
            f"  if (b == 0) return m;\n"
            f"  if (m != 0) {{ if ((b < 0) != (m < 0)) m += b; }}\n"
            f"  else m = {f['copysign']}(({t})0, b);\n"
            f"  return m;\n}}\n"
        )
        return fn, "op_fmod(x, y)"
    raise TypeError(f"{op} is not defined for {dt.name} in the CUDA kernels")


def _unary_code(op: str, dt: np.dtype[Any]) -> str:
    k = _kind(dt)
    t = _COMPUTE[dt.name]
    if op == "positive":
        return "x"
    if k == "b":
        return {"absolute": "x", "invert": "(!x)"}[op]
    if k in "iu":
        w = _wide(dt)
        return {
            "negative": f"({t})(({w})0 - ({w})x)",
            "absolute": "x" if k == "u" else f"(x < 0 ? ({t})(({w})0 - ({w})x) : x)",
            "invert": f"({t})(~x)",
        }[op]
    f = _float_fns(t)
    return {
        "negative": "(-x)",
        "absolute": f"{f['fabs']}(x)",
        "sqrt": f"{f['sqrt']}(x)",
        "exp": f"{f['exp']}(x)",
        "log": f"{f['log']}(x)",
        "sin": f"{f['sin']}(x)",
        "cos": f"{f['cos']}(x)",
    }[op]


def _result(expr: str, rd: np.dtype[Any], od: np.dtype[Any]) -> str:
    if rd.name == "float16" and od.name != "float16":
        expr = f"h2f(f2h({expr}))"  # NumPy rounds to float16 first
    if rd.name == "bfloat16" and od.name != "bfloat16":
        expr = f"bf2f(f2bf({expr}))"  # ml_dtypes rounds to bfloat16 first
    return _convert(expr, rd, od)


@functools.cache
def _binary_kernel(op: str, in_dtype: str, out_dtype: str, variant: str) -> Kernel:
    dt, od = np.dtype(in_dtype), np.dtype(out_dtype)
    rd = binary_result_dtype(op, dt)
    helpers, expr = _binary_code(op, dt)
    t, st, sk = _COMPUTE[dt.name], _STORE[dt.name], _scalar_kind(dt)
    name = f"corten_binary_{op}_{in_dtype}_{out_dtype}_{variant}"
    params = [
        ("ptr", f"{_STORE[out_dtype]}*", "o"),
        ("ptr", f"const {st}*", "a"),
        ("ptr", f"const {st}*", "b"),
        (sk, _ctype(sk), "av"),
        (sk, _ctype(sk), "bv"),
        ("i64", "i64", "af"),
        ("i64", "i64", "bf"),
        ("i64", "i64", "n"),
    ] + [(k, _ctype(k), c) for k, c in _index_params(variant, ["o", "a", "b"])]
    if variant == "r1":
        index = "    i64 oo = i * os0; i64 ao = i * as0; i64 bo = i * bs0;\n"
    else:
        index = _unravel("i", ["o", "a", "b"])
    body = (
        helpers
        + _signature(name, params)
        + "{\n"
        + f"  const {t} xs = {_from_scalar(dt, 'av')};\n"
        + f"  const {t} ys = {_from_scalar(dt, 'bv')};\n"
        + _LOOP
        + index
        + f"    const {t} x = af ? xs : {_load(dt, 'a[ao]')};\n"
        + f"    const {t} y = bf ? ys : {_load(dt, 'b[bo]')};\n"
        + f"    o[oo] = {_result(expr, rd, od)};\n  }}\n}}\n"
    )
    return Kernel(name, _PRELUDE + body, tuple(k for k, _, _ in params))


def binary(
    op: str,
    out: Strided,
    out_dtype: np.dtype[Any],
    shape: Sequence[int],
    a: Operand,
    b: Operand,
    in_dtype: np.dtype[Any],
) -> list[Launch]:
    """Launches that compute ``out = op(a, b)`` over ``shape`` (NumPy's ufunc ``op``).

    ``a`` and ``b`` have ``in_dtype`` (strided operands, or scalars already of that
    dtype); the result, of :func:`binary_result_dtype`, is converted to ``out_dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> i4 = np.dtype("int32")
    >>> plan = binary("add", Strided(4096, (1,)), i4, (10,), Strided(8192, (1,)), 3, i4)
    >>> [launch.kernel.name for launch in plan], plan[0].args[5:8]
    (['corten_binary_add_int32_int32_r1'], (0, 1, 10))
    """
    dt, od = _dt(in_dtype), _dt(out_dtype)
    binary_result_dtype(op, dt)
    ndim = len(shape)
    ops: list[tuple[int, Sequence[int], int]] = [(out.ptr, out.strides, od.itemsize)]
    scalars: list[int | float] = []
    flags: list[int] = []
    for x in (a, b):
        if isinstance(x, Strided):
            ops.append((x.ptr, x.strides, dt.itemsize))
            scalars.append(0)
            flags.append(0)
        else:
            ops.append((0, (0,) * ndim, 0))
            scalars.append(_scalar_value(dt, x))
            flags.append(1)
    d = _prepare(shape, ops)
    if d is None:
        return []
    launches = []
    for part in _split(d):
        variant = _variant(part)
        n = math.prod(part.shape)
        k = _binary_kernel(op, dt.name, od.name, variant)
        args = (*part.ptrs, *scalars, *flags, n, *_index_args(variant, part, [0, 1, 2]))
        launches.append(Launch(k, _grid(n), BLOCK, args))
    return launches


@functools.cache
def _unary_kernel(op: str, in_dtype: str, out_dtype: str, variant: str) -> Kernel:
    dt, od = np.dtype(in_dtype), np.dtype(out_dtype)
    rd = unary_result_dtype(op, dt)
    t = _COMPUTE[dt.name]
    name = f"corten_unary_{op}_{in_dtype}_{out_dtype}_{variant}"
    params = [
        ("ptr", f"{_STORE[out_dtype]}*", "o"),
        ("ptr", f"const {_STORE[in_dtype]}*", "a"),
        ("i64", "i64", "n"),
    ] + [(k, _ctype(k), c) for k, c in _index_params(variant, ["o", "a"])]
    if variant == "r1":
        index = "    i64 oo = i * os0; i64 ao = i * as0;\n"
    else:
        index = _unravel("i", ["o", "a"])
    body = (
        _signature(name, params)
        + "{\n"
        + _LOOP
        + index
        + f"    const {t} x = {_load(dt, 'a[ao]')};\n"
        + f"    o[oo] = {_result(_unary_code(op, dt), rd, od)};\n  }}\n}}\n"
    )
    return Kernel(name, _PRELUDE + body, tuple(k for k, _, _ in params))


def unary(
    op: str,
    out: Strided,
    out_dtype: np.dtype[Any],
    shape: Sequence[int],
    a: Strided,
    in_dtype: np.dtype[Any],
) -> list[Launch]:
    """Launches that compute ``out = op(a)`` over ``shape`` (NumPy's ufunc ``op``).

    ``invert`` of bool is logical not; ``sqrt``, ``exp``, ``log``, ``sin`` and ``cos``
    take floating dtypes (float16 and bfloat16 are computed in float32).

    Examples
    --------
    >>> import numpy as np
    >>> f2 = np.dtype("float16")
    >>> plan = unary("sqrt", Strided(4096, (1,)), f2, (5,), Strided(8192, (-1,)), f2)
    >>> plan[0].kernel.name, plan[0].args[:4]
    ('corten_unary_sqrt_float16_float16_r1', (4096, 8192, 5, 1))
    """
    dt, od = _dt(in_dtype), _dt(out_dtype)
    unary_result_dtype(op, dt)
    d = _prepare(shape, [(out.ptr, out.strides, od.itemsize), (a.ptr, a.strides, dt.itemsize)])
    if d is None:
        return []
    launches = []
    for part in _split(d):
        variant = _variant(part)
        n = math.prod(part.shape)
        k = _unary_kernel(op, dt.name, od.name, variant)
        args = (*part.ptrs, n, *_index_args(variant, part, [0, 1]))
        launches.append(Launch(k, _grid(n), BLOCK, args))
    return launches


# ------------------------------------------------------------------ reductions


def reduce_dtypes(name: str) -> tuple[np.dtype[Any], ...]:
    """The input dtypes :func:`reduce` accepts for ``name`` (all of them)."""
    if name not in REDUCTIONS:
        raise ValueError(f"unknown reduction {name!r}; known: {', '.join(REDUCTIONS)}")
    return DTYPES


def _acc_dtype(name: str, dt: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype partials of ``name`` over ``dt`` are kept in."""
    if name in ("all", "any"):
        return np.dtype(bool)
    if dt.name in _HALVES:
        return np.dtype("float32")
    if name in ("sum", "prod"):
        if dt.kind in "bi":
            return np.dtype("int64")
        return np.dtype("uint64") if dt.kind == "u" else dt
    if name == "mean":
        return dt if dt.kind == "f" else np.dtype("float64")
    return dt  # min max argmin argmax: the values themselves


def reduce_result_dtype(name: str, in_dtype: np.dtype[Any]) -> np.dtype[Any]:
    """NumPy's result dtype of the reduction ``name`` of ``in_dtype``.

    sum and prod: int64 for bool and signed integers, uint64 for unsigned ones, the
    dtype itself for floats; mean: float64 for bool and integers; min and max: the
    dtype; argmin and argmax: int64; all and any: bool.
    """
    dt = _dt(in_dtype)
    reduce_dtypes(name)
    if name in ("argmin", "argmax"):
        return np.dtype("int64")
    if name in ("all", "any"):
        return np.dtype(bool)
    if name in ("min", "max"):
        return dt
    acc = _acc_dtype(name, dt)
    return dt if dt.name in _HALVES else acc


def _reduce_code(name: str, acc: np.dtype[Any]) -> tuple[str, str, str]:
    """(initial value, statement folding value ``v`` at index ``j`` into ``s``/``si``,
    helper definitions) for the accumulator ``acc``."""
    t = _COMPUTE[acc.name]
    if name in ("sum", "mean", "prod"):
        sym = "+" if name != "prod" else "*"
        init = "0" if name != "prod" else "1"
        if acc.kind in "iu":
            w = _wide(acc)
            return init, f"s = ({t})(({w})s {sym} ({w})v);", ""
        return init, f"s = s {sym} v;", ""
    if name == "all":
        return "true", "s = s && v;", ""
    if name == "any":
        return "false", "s = s || v;", ""
    nan = acc.kind == "f"
    if name in ("min", "max"):
        cmp = "<" if name == "min" else ">"
        if acc.kind == "b":
            return "", f"s = {'s && v' if name == 'min' else 's || v'};", ""
        if nan:
            return "", f"if (s == s && (v != v || v {cmp} s)) s = v;", ""
        return "", f"if (v {cmp} s) s = v;", ""
    cmp = "<" if name == "argmin" else ">"
    if acc.kind == "b":
        better = f"((u8)v {cmp} (u8)s || ((u8)v == (u8)s && j < si))"
    elif nan:
        better = f"((s != s) ? (v != v && j < si) : ((v != v) || v {cmp} s || (v == s && j < si)))"
    else:
        better = f"(v {cmp} s || (v == s && j < si))"
    return "", f"if ({better}) {{ s = v; si = j; }}", ""


@functools.cache
def _reduce_kernel(name: str, in_dtype: str, out_dtype: str, first: bool) -> Kernel:
    """A pass of a reduction.

    The first pass reads the source (``in_dtype``); later passes read partials (then
    ``in_dtype`` names the accumulator). Either writes partials (``final == 0``) or the
    converted result (``final != 0``).
    """
    dt, od = np.dtype(in_dtype), np.dtype(out_dtype)
    acc = _acc_dtype(name, dt) if first else dt
    arg = name in ("argmin", "argmax")
    t, at = _COMPUTE[acc.name], _STORE[acc.name]
    init, fold, helpers = _reduce_code(name, acc)
    kind = "first" if first else "next"
    kname = f"corten_reduce_{kind}_{name}_{in_dtype}_{out_dtype}"
    src_t = _STORE[in_dtype] if first else at
    params = [
        ("ptr", f"{_STORE[out_dtype]}* __restrict__", "o"),
        ("ptr", f"{at}* __restrict__", "p"),
        ("ptr", "i64* __restrict__", "pi"),
        ("ptr", f"const {src_t}* __restrict__", "a"),
        ("ptr", "const i64* __restrict__", "ai"),
        ("i64", "i64", "count"),
        ("i64", "i64", "nk"),
        ("i64", "i64", "nc"),
        ("i64", "i64", "nr"),
        ("i64", "i64", "final"),
        ("i64", "i64", "kdim"),
    ]
    params += [("i64", "i64", f"ksh{d}") for d in range(MAX_DIMS)]
    params += [("i64", "i64", f"ks{d}") for d in range(MAX_DIMS)]
    params += [("i64", "i64", f"os{d}") for d in range(MAX_DIMS)]
    if first:
        params += [("i64", "i64", "rdim")]
        params += [("i64", "i64", f"rsh{d}") for d in range(MAX_DIMS)]
        params += [("i64", "i64", f"rs{d}") for d in range(MAX_DIMS)]
    lines = [helpers, _signature(kname, params), "{\n"]
    lines.append("  const i64 n = nk * nc;\n")
    lines.append(_LOOP)
    lines.append("    const i64 k = i / nc; const i64 c = i - k * nc;\n")
    if first:
        # offsets ko (source, kept dims) and oo (output)
        lines.append(_unravel("k", ["k", "o"], "kdim", "ksh"))
        get = (
            "      i64 ro;\n"
            "      if (rdim <= 1) ro = j * rs0;\n"
            "      else {\n" + _unravel("j", ["r"], "rdim", "rsh", 8, declare=False) + "      }\n"
        )
        value = _load(dt, "a[ko + ro]")
    else:
        lines.append(_unravel("k", ["o"], "kdim", "ksh"))
        get = ""
        value = "a[k * nr + j]"
    if init:
        lines.append(f"    {t} s = {init}; i64 si = 0;\n")
        lines.append("    for (i64 j = c; j < nr; j += nc) {\n")
    else:
        # start from the chunk's first element: every chunk has one
        lines.append(f"    {t} s; i64 si;\n")
        lines.append("    { const i64 j = c;\n" + get + f"      s = {value};\n")
        lines.append(
            "      si = " + ("ai[k * nr + j]" if arg and not first else "j") + ";\n    }\n"
        )
        lines.append("    for (i64 j = c + nc; j < nr; j += nc) {\n")
    lines.append(get)
    lines.append(f"      const {t} v = {value};\n")
    if arg and not first:
        lines.append("      const i64 jj = ai[k * nr + j];\n")
        lines.append(
            "      " + fold.replace("j < si", "jj < si").replace("si = j", "si = jj") + "\n"
        )
    else:
        lines.append("      " + fold + "\n")
    lines.append("    }\n")
    lines.append("    (void)si;\n")
    lines.append("    if (final) {\n")
    if arg:
        lines.append("      o[oo] = si;\n")
    else:
        res = "s"
        if name == "mean":
            res = f"(s / ({t})count)"
        lines.append(f"      o[oo] = {_convert(res, acc, od)};\n")
    lines.append("    } else {\n")
    lines.append(f"      p[i] = {_convert('s', acc, acc)};\n")
    if arg:
        lines.append("      pi[i] = si;\n")
    lines.append("    }\n  }\n}\n")
    body = "".join(lines)
    return Kernel(kname, _PRELUDE + body, tuple(k for k, _, _ in params))


def _pad(values: Sequence[int], fill_value: int) -> list[int]:
    """Reversed (innermost first) and padded to MAX_DIMS."""
    vals = list(values)[::-1]
    return vals + [fill_value] * (MAX_DIMS - len(vals))


def reduce(
    name: str,
    out: Strided,
    out_dtype: np.dtype[Any],
    kept_shape: Sequence[int],
    a: Strided,
    in_dtype: np.dtype[Any],
    red_shape: Sequence[int],
    red_strides: Sequence[int],
) -> ReducePlan:
    """A plan reducing the ``red_shape`` dims of ``a`` into ``out`` (over ``kept_shape``).

    ``a.strides`` are the strides of the kept dims, ``red_strides`` those of the reduced
    ones; ``out`` has ``kept_shape``. ``name`` is a NumPy reduction; the result of
    :func:`reduce_result_dtype` is converted to ``out_dtype``. An empty reduction gives
    0 (sum), 1 (prod), NaN (mean), True (all) or False (any); min, max, argmin and argmax
    of nothing raise ValueError. argmin and argmax give the flat C-order index over
    ``red_shape``, the first occurrence of the extreme (NaN counts as the extreme).

    Examples
    --------
    >>> import numpy as np
    >>> f4 = np.dtype("float32")
    >>> plan = reduce("sum", Strided(4096, ()), f4, (), Strided(8192, ()), f4, (10**6,), (1,))
    >>> plan.scratch_bytes > 0, [launch.kernel.name for launch in plan.launches(1 << 20)]
    (True, ['corten_reduce_first_sum_float32_float32', \
'corten_reduce_next_sum_float32_float32', 'corten_reduce_next_sum_float32_float32'])
    """
    dt, od = _dt(in_dtype), _dt(out_dtype)
    reduce_dtypes(name)
    arg = name in ("argmin", "argmax")
    acc = _acc_dtype(name, dt)
    if len(a.strides) != len(kept_shape) or len(out.strides) != len(kept_shape):
        raise ValueError(f"strides of a and out must match the kept shape {tuple(kept_shape)}")
    if len(red_strides) != len(red_shape):
        raise ValueError(f"red_strides {tuple(red_strides)} do not match {tuple(red_shape)}")
    nr = math.prod(int(s) for s in red_shape)
    nk = math.prod(int(s) for s in kept_shape)
    if nr == 0 and name in ("min", "max", "argmin", "argmax") and nk > 0:
        raise ValueError(f"{name} of an empty reduction (reduced shape {tuple(red_shape)})")
    kd = _prepare(
        kept_shape,
        [(out.ptr, out.strides, od.itemsize), (a.ptr, a.strides, dt.itemsize)],
    )
    if kd is None:
        return ReducePlan(0, lambda scratch: [])
    # reduced dims: drop 1s; flip and sort only when no index is reported; collapse
    rsh = [int(s) for s in red_shape if s != 1]
    rst = [int(st) for s, st in zip(red_shape, red_strides, strict=True) if s != 1]
    src_ptr = kd.ptrs[1]
    if not arg and nr > 0:
        for j in range(len(rsh)):
            if rst[j] < 0:
                src_ptr += (rsh[j] - 1) * rst[j] * dt.itemsize
                rst[j] = -rst[j]
        order = sorted(range(len(rsh)), key=lambda j: -rst[j])
        rsh, rst = [rsh[j] for j in order], [rst[j] for j in order]
    if nr > 0:
        rsh, (rst,) = _collapse(rsh, [rst])
    else:
        rsh, rst = [0], [0]
    if len(rsh) > MAX_DIMS:
        raise NotImplementedError(
            f"a reduction over more than {MAX_DIMS} non-collapsible dimensions"
        )
    kd.ptrs[1] = src_ptr
    parts = list(_split(kd))
    nk_part = math.prod(parts[0].shape)
    levels = [_first_chunks(nk_part, nr)]
    while levels[-1] > 1:
        levels.append(min(levels[-1], max(1, -(-levels[-1] // FOLD))))
        if levels[-1] == levels[-2]:
            levels[-1] = 1
    regions: list[tuple[int, int]] = []  # (values offset, index offset) per partial level
    size = 0
    for n in levels[:-1]:
        vals = size
        size += -(-nk_part * n * acc.itemsize // 16) * 16
        idx = size
        if arg:
            size += nk_part * n * 8
        regions.append((vals, idx))
    first_k = _reduce_kernel(name, dt.name, od.name, True)
    next_k = _reduce_kernel(name, acc.name, od.name, False)

    def launches(scratch: int) -> list[Launch]:
        out_l: list[Launch] = []
        for part in parts:
            ksh = part.shape
            kdim = len(ksh)
            kargs = [kdim, *_pad(ksh, 1), *_pad(part.strides[1], 0), *_pad(part.strides[0], 0)]
            rargs = [len(rsh), *_pad(rsh, 1), *_pad(rst, 0)]
            prev: tuple[int, int] | None = None
            prev_n = nr
            for lvl, n in enumerate(levels):
                final = int(lvl == len(levels) - 1)
                p, pi = (0, 0) if final else (scratch + regions[lvl][0], scratch + regions[lvl][1])
                if lvl == 0:
                    args: tuple[int | float, ...] = (
                        part.ptrs[0],
                        p,
                        pi,
                        part.ptrs[1],
                        0,
                        nr,
                        nk_part,
                        n,
                        prev_n,
                        final,
                        *kargs,
                        *rargs,
                    )
                    kern = first_k
                else:
                    assert prev is not None
                    args = (
                        part.ptrs[0],
                        p,
                        pi,
                        prev[0],
                        prev[1],
                        nr,
                        nk_part,
                        n,
                        prev_n,
                        final,
                        *kargs,
                    )
                    kern = next_k
                out_l.append(Launch(kern, _grid(nk_part * n), BLOCK, args))
                prev, prev_n = (p, pi), n
        return out_l

    return ReducePlan(size, launches)


def _first_chunks(nk: int, nr: int) -> int:
    if nr <= 0:
        return 1
    want = -(-REDUCE_THREADS // nk)
    return max(1, min(want, nr // REDUCE_MIN_PER_THREAD))


# ------------------------------------------------------------- gather / scatter


@functools.cache
def _gather_kernel(size: int) -> Kernel:
    t = _STORE[_BITS[size]]
    name = f"corten_gather_b{size}"
    params = [
        ("ptr", f"{t}* __restrict__", "o"),
        ("ptr", f"const {t}* __restrict__", "a"),
        ("ptr", "const i64* __restrict__", "off"),
        ("i64", "i64", "n"),
    ]
    body = _signature(name, params) + "{\n" + _LOOP + "    o[i] = a[off[i]];\n  }\n}\n"
    return Kernel(name, _PRELUDE + body, tuple(k for k, _, _ in params))


@functools.cache
def _scatter_kernel(size: int) -> Kernel:
    t = _STORE[_BITS[size]]
    name = f"corten_scatter_b{size}"
    params = [
        ("ptr", f"{t}* __restrict__", "o"),
        ("ptr", "const i64* __restrict__", "off"),
        ("ptr", f"const {t}* __restrict__", "a"),
        ("i64", "i64", "as0"),
        ("u64", "u64", "v"),
        ("i64", "i64", "af"),
        ("i64", "i64", "n"),
    ]
    body = (
        _signature(name, params)
        + "{\n"
        + _LOOP
        + f"    o[off[i]] = af ? ({t})v : a[i * as0];\n  }}\n}}\n"
    )
    return Kernel(name, _PRELUDE + body, tuple(k for k, _, _ in params))


def gather(
    out_ptr: int, dtype: np.dtype[Any], numel: int, src_ptr: int, offsets_ptr: int
) -> list[Launch]:
    """Launches for ``out[i] = src[offsets[i]]``, ``i < numel``.

    ``out`` is contiguous; ``offsets`` is a contiguous int64 array of element offsets
    from ``src_ptr`` (negative ones allowed).

    Examples
    --------
    >>> import numpy as np
    >>> gather(4096, np.dtype("float64"), 3, 8192, 12288)[0].kernel.name
    'corten_gather_b8'
    """
    dt = _dt(dtype)
    if numel <= 0:
        return []
    k = _gather_kernel(dt.itemsize)
    return [Launch(k, _grid(numel), BLOCK, (out_ptr, src_ptr, offsets_ptr, numel))]


def scatter(
    dst_ptr: int, dtype: np.dtype[Any], numel: int, offsets_ptr: int, src: Operand
) -> list[Launch]:
    """Launches for ``dst[offsets[i]] = src[i]``, ``i < numel``.

    ``src`` is strided over ``(numel,)`` or a scalar of ``dtype``. With repeated
    offsets, which write lands is unspecified (on the emulator: the last).

    Examples
    --------
    >>> import numpy as np
    >>> scatter(4096, np.dtype("int16"), 3, 8192, 5)[0].args
    (4096, 8192, 0, 0, 5, 1, 3)
    """
    dt = _dt(dtype)
    if numel <= 0:
        return []
    k = _scatter_kernel(dt.itemsize)
    if isinstance(src, Strided):
        if len(src.strides) != 1:
            raise ValueError(f"src must be strided over (numel,), got strides {src.strides}")
        args: tuple[int | float, ...] = (dst_ptr, offsets_ptr, src.ptr, src.strides[0], 0, 0, numel)
    else:
        args = (dst_ptr, offsets_ptr, 0, 0, _bits_of(dt, src), 1, numel)
    return [Launch(k, _grid(numel), BLOCK, args)]


# -------------------------------------------------------------- enumeration


def specializations() -> Iterator[Kernel]:
    """Every kernel the plans of this module can produce (for compile tests).

    The index forms are ``r1`` and ``nd`` (the number of dimensions is a parameter), so
    this list is finite and complete.
    """
    for size in (1, 2, 4, 8, 16):
        yield _fill_kernel(size)
    yield _copy_wide_kernel()
    for size in (1, 2, 4, 8):
        yield _gather_kernel(size)
        yield _scatter_kernel(size)
    for s in DTYPES:
        for d in DTYPES:
            if s == d and s.name != _BITS[s.itemsize]:
                continue  # same-dtype copies move bits
            for v in ("r1", "nd"):
                yield _copy_kernel(s.name, d.name, v)
    for op in BINARY_OPS:
        for dt in binary_dtypes(op):
            for v in ("r1", "nd"):
                yield _binary_kernel(op, dt.name, binary_result_dtype(op, dt).name, v)
    for op in UNARY_OPS:
        for dt in unary_dtypes(op):
            for v in ("r1", "nd"):
                yield _unary_kernel(op, dt.name, dt.name, v)
    seen: set[str] = set()
    for name in REDUCTIONS:
        for dt in reduce_dtypes(name):
            od = reduce_result_dtype(name, dt)
            yield _reduce_kernel(name, dt.name, od.name, True)
            nk = _reduce_kernel(name, _acc_dtype(name, dt).name, od.name, False)
            if nk.name not in seen:
                seen.add(nk.name)
                yield nk
