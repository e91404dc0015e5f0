"""The CPU backend of pipelines: one compiled kernel per pipeline, run on several threads.

The kernel (``_pipeline_codegen``) is compiled with ``nogil=True`` and processes a range
of fixed-size chunks; ``_pipeline_threads`` runs one contiguous range per thread. Chunks
have a fixed size, so results never depend on the number of threads. Reductions keep one partial
result per chunk, combined here; ``collect`` after a filter writes each chunk's survivors
at the chunk's start and compacts them afterwards.

An exception raised by a user function inside the kernel propagates out of the thread
that ran it, and reaches the caller. Functions that numba
cannot compile make the pipeline run through the Python reference (``_pipeline_ref``),
with one :class:`~corten.pipelines.parallel.CompilationWarning` per function.

This module imports numba; corten imports it only when a pipeline first runs.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Hashable
from typing import Any, Final

import numpy as np

from corten.core.convert import scalar_for
from corten.core.dtypes import bfloat16, float16
from corten.core.errors import CortenError, ShapeError
from corten.pipelines import reference as _pipeline_ref
from corten.pipelines.codegen import CHUNK, Kernel, Lru, Rejected, fn_key, generate
from corten.pipelines.plan import Plan, sum_dtype, warn_fallback
from corten.pipelines.threads import launch

__all__ = ["run"]

Array = np.ndarray[Any, Any]

# ----------------------------------------------------------------------------- layout


def _operand(t: Any, shape: tuple[int, ...]) -> tuple[Array, int, list[int]]:
    """``t``'s flat root buffer, its offset, and its strides broadcast to ``shape`` (in
    elements)."""
    t._np()  # the tensor's own access path first (it runs any device hook)
    root = t._storage.buffer.array
    if root.flags.c_contiguous:
        flat = root.reshape(-1)
        offset, strides = t._offset, list(t._strides)
    else:  # not a layout corten makes; read a compact copy
        flat = np.ascontiguousarray(t._np()).reshape(-1)
        offset, strides = 0, [0] * len(t._shape)
        step = 1
        for d in range(len(t._shape) - 1, -1, -1):
            strides[d] = step
            step *= t._shape[d]
    if t._dtype is float16 or t._dtype is bfloat16:
        flat = flat.view(np.uint16)
    lead = len(shape) - len(t._shape)
    full = [0] * lead + [0 if s == 1 else st for s, st in zip(t._shape, strides, strict=True)]
    return flat, offset, full


def _iteration(
    shape: tuple[int, ...], offsets: list[int], strides: list[list[int]], memory_order: bool
) -> tuple[list[int], list[int], list[list[int]]]:
    """The dimensions to walk, coalesced wherever every operand allows, with the offsets
    and strides over them. ``memory_order`` walks operand 0's memory forwards, for
    terminals whose result does not depend on the order."""
    dims = [d for d in range(len(shape)) if shape[d] != 1]
    offsets = list(offsets)
    strides = [list(s) for s in strides]
    nops = len(strides)
    if memory_order:
        for d in dims:
            if strides[0][d] < 0:
                for k in range(nops):
                    offsets[k] += (shape[d] - 1) * strides[k][d]
                    strides[k][d] = -strides[k][d]
        dims.sort(key=lambda d: -strides[0][d])
    walk: list[int] = []
    walk_strides: list[list[int]] = [[] for _ in range(nops)]
    for d in dims:
        if walk and all(walk_strides[k][-1] == strides[k][d] * shape[d] for k in range(nops)):
            walk[-1] *= shape[d]
            for k in range(nops):
                walk_strides[k][-1] = strides[k][d]
            continue
        walk.append(shape[d])
        for k in range(nops):
            walk_strides[k].append(strides[k][d])
    if not walk:
        return [1], offsets, [[0] for _ in range(nops)]
    return walk, offsets, walk_strides


# ----------------------------------------------------------------------------- kernels


class _Fallback:
    """The cache's entry for pipelines that run through the Python reference."""

    __slots__ = ()


_FALLBACK: Final = _Fallback()
_LOCK: Final = threading.RLock()
_KERNELS: Final = Lru(256)  # pipeline key -> Kernel or _FALLBACK
_WARNED: Final[set[Hashable]] = set()  # functions already reported as not compiled


def _plan_key(plan: Plan) -> Hashable:
    stages = tuple(
        (s.kind, None if s.fn is None else fn_key(s.fn), s.operand, s.dtype, s.same_kind)
        for s in plan.stages
    )
    t = plan.terminal
    kinds = tuple(op._dtype for op in plan.operands)
    return (stages, (t.kind, None if t.fn is None else fn_key(t.fn), plan.filtered), kinds)


def _reject(key: Hashable, exc: Rejected) -> _Fallback:
    fkey = fn_key(exc.fn)  # type: ignore[arg-type]
    if fkey not in _WARNED:
        _WARNED.add(fkey)
        warn_fallback(exc.fn, exc.reason)
    _KERNELS.put(key, _FALLBACK)
    return _FALLBACK


def _kernel_for(plan: Plan) -> Kernel | _Fallback:
    key = _plan_key(plan)
    with _LOCK:
        found = _KERNELS.get_item(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        try:
            kern = generate(plan)
        except Rejected as exc:
            return _reject(key, exc)
        _KERNELS.put(key, kern)
        return kern


def run(plan: Plan) -> Any:
    """Run ``plan`` on the CPU: compiled when numba accepts its functions, else in Python."""
    kern = _kernel_for(plan)
    if isinstance(kern, Kernel):
        try:
            return _execute(plan, kern)
        except Rejected as exc:  # the kernel around the functions did not compile
            with _LOCK:
                _reject(_plan_key(plan), exc)
    return _pipeline_ref.run(plan)


def _execute(plan: Plan, kern: Kernel) -> Any:
    shape = plan.shape
    n = math.prod(shape)
    term = plan.terminal
    kind = term.kind
    flats, offsets, strides = [], [], []
    for op in plan.operands:
        f, o, s = _operand(op, shape)
        flats.append(f)
        offsets.append(o)
        strides.append(s)
    memory_order = kind in ("sum", "min", "max", "count", "any", "all") and not kern.uses_pos
    walk, offsets, walk_strides = _iteration(shape, offsets, strides, memory_order)
    nch = -(-n // CHUNK)
    rows = max(nch, 1)
    r0: Array = np.zeros(1)
    r1: Array = np.zeros(1)
    flag = np.zeros(1, dtype=np.uint8)
    ident: Any = 0
    stream = kern.stream
    vt = np.dtype(np.float32) if stream is float16 or stream is bfloat16 else stream.numpy
    if kind == "collect":
        out = kern.out_dtype
        assert out is not None
        r0 = np.empty(n, dtype=np.uint16 if out is float16 or out is bfloat16 else out.numpy)
        if plan.filtered:
            r1 = np.zeros(rows, dtype=np.int64)
    elif kind == "count":
        r0 = np.zeros(rows, dtype=np.int64)
    elif kind == "sum":
        r0 = np.zeros((rows, kern.lanes), dtype=sum_dtype(stream))
        r1 = np.zeros((rows, kern.lanes), dtype=np.float64)
    elif kind in ("min", "max", "reduce"):
        r0 = np.zeros(rows, dtype=vt)
        r1 = np.zeros(rows, dtype=np.bool_)
        if kind == "reduce":
            ident = vt.type(scalar_for(term.identity, stream))
    args: list[Any] = [n, CHUNK, walk[-1], np.array(walk[:-1], dtype=np.int64)]
    for k in range(len(flats)):
        s = walk_strides[k]
        args += [flats[k], offsets[k], np.array(s[:-1], dtype=np.int64), s[-1]]
    args += [r0, r1, flag, ident]
    try:
        result = launch(kern.fn, nch, args)
    except CortenError:
        raise
    except Exception as exc:
        if type(exc).__module__.startswith("numba"):  # compiling the kernel failed
            raise Rejected(None, f"{type(exc).__name__}: {exc}") from exc
        raise
    return _finish(plan, kern, n, nch, r0, r1, flag, result)


def _finish(
    plan: Plan, kern: Kernel, n: int, nch: int, r0: Array, r1: Array, flag: Array, result: Any
) -> Any:
    kind = plan.terminal.kind
    if kind == "any":
        return bool(flag[0])
    if kind == "all":
        return not flag[0]
    if kind == "count":
        return int(r0[:nch].sum())
    if kind == "collect":
        return _collected(plan, kern, n, nch, r0, r1)
    if kind == "sum":
        if r0.dtype.kind != "f":
            return r0[:nch].sum(dtype=r0.dtype).item()  # wraps, as NumPy's sum does
        s, comp = r0[:nch].ravel(), r1[:nch].ravel()
        if np.isfinite(s).all():
            try:
                return math.fsum([*s.tolist(), *comp.tolist()])
            except OverflowError:
                pass
        with np.errstate(all="ignore"):
            return float(s.sum())
    stream = kern.stream
    if kind in ("min", "max"):
        has = r1[:nch]
        if not has.any():
            raise ShapeError(f"{kind}() of a pipeline without elements")
        vals = r0[:nch][has]
        v = vals.min() if kind == "min" else vals.max()
        return float(np.float16(v)) if stream is float16 else v.item()
    # reduce (bfloat16 values are float32 values that bfloat16 holds exactly)
    if stream is bfloat16:
        return float(result)
    return float(np.float16(result)) if stream is float16 else stream.numpy.type(result).item()


def _collected(plan: Plan, kern: Kernel, n: int, nch: int, r0: Array, r1: Array) -> Array:
    out = r0.view(np.float16) if kern.out_dtype is float16 else r0
    out = r0.view(bfloat16.numpy) if kern.out_dtype is bfloat16 else out
    if not plan.filtered:
        return out.reshape(plan.shape)
    counts = r1[:nch]
    total = int(counts.sum())
    pos = 0
    for c in np.flatnonzero(counts).tolist():
        k = int(counts[c])
        start = c * CHUNK
        if start != pos:
            out[pos : pos + k] = out[start : start + k]
        pos += k
    # A small survivor set gets a compact buffer; a large one keeps the first part.
    return out[:total].copy() if total < n // 2 else out[:total]
