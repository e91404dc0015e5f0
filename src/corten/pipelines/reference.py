"""The reference evaluator of pipelines: plain Python over lists of Python scalars.

It defines what a pipeline computes, stage by stage, with the dtype rules of
``_pipeline``; the compiled CPU kernels must agree with it. It also runs the pipelines
whose functions numba cannot compile, and suits devices whose memory NumPy can read.
User functions receive Python scalars (``bool``, ``int``, ``float``), as ``iter()``
yields them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from corten.core.convert import scalar_for
from corten.core.dtypes import _BY_NUMPY, DType, int64
from corten.core.errors import ShapeError
from corten.pipelines.chunks import row_major_chunks
from corten.pipelines.plan import (
    Plan,
    Stage,
    map_dtype,
    reference_dtype,
    sum_dtype,
)

__all__ = ["cast_list", "natural_dtype", "run"]

Array = np.ndarray[Any, Any]


def _flat(arr: Array, shape: tuple[int, ...]) -> list[Any]:
    """``arr`` broadcast to ``shape``, as a row-major list of Python scalars."""
    return list(itertools.chain.from_iterable(row_major_chunks(np.broadcast_to(arr, shape))))


def natural_dtype(values: Sequence[Any], default: DType) -> np.dtype[Any]:
    """The dtype that a function's Python results have: bool, int64, float64, or NumPy's
    own type when it returned NumPy scalars. ``object`` for anything else."""
    if not values:
        return default.numpy
    kinds = set(map(type, values))
    rank = 0
    for t in kinds:
        if t is bool or t is np.bool_:
            r = 0
        elif issubclass(t, (int, np.integer)):
            r = 1
        elif issubclass(t, (float, np.floating)):
            r = 2
        else:
            return np.dtype(object)
        rank = max(rank, r)
    if all(issubclass(t, np.generic) for t in kinds):
        return np.result_type(*kinds)
    return np.dtype((np.bool_, np.int64, np.float64)[rank])


def cast_list(values: Sequence[Any], dtype: DType) -> list[Any]:
    """``values`` converted to ``dtype`` as NumPy would store them, as Python scalars:
    integers wrap, floats round to the dtype's precision."""
    kind = dtype.kind
    if kind == "b":
        return [bool(v) for v in values]
    if kind in "iu" and all(isinstance(v, (int, np.integer)) for v in values):
        bits = dtype.itemsize * 8
        mask = (1 << bits) - 1
        if kind == "u":
            return [int(v) & mask for v in values]
        half = 1 << (bits - 1)
        return [((int(v) + half) & mask) - half for v in values]
    with np.errstate(all="ignore"):
        return np.array(values, dtype=np.float64).astype(dtype.numpy).tolist()  # type: ignore[no-any-return]


def _cast_one(value: Any, dtype: DType, fn: Callable[..., Any]) -> Any:
    natural = natural_dtype([value], dtype)
    stage = Stage("map", fn, dtype=dtype, same_kind=True)
    map_dtype(stage, dtype, natural, "reduce()")
    return cast_list([value], dtype)[0]


def _probe(fn: Callable[..., Any], dtypes: list[DType]) -> list[Any]:
    """The type of ``fn``'s results when there are no elements: its result for ones of
    the stream's dtypes, or nothing (the stream's dtype) if that raises."""
    try:
        return [fn(*(d.numpy.type(1).item() for d in dtypes))]
    except Exception:
        return []


def run(plan: Plan, arrays: Sequence[Array] | None = None) -> Any:
    """Evaluate ``plan`` over ``arrays`` (the operands' elements; read from the operands
    when omitted): a Python scalar, or a NumPy array for ``collect``."""
    if arrays is None:
        arrays = [op._np() for op in plan.operands]
    shape = plan.shape
    n = math.prod(shape)
    slots: list[list[Any]] = [_flat(arrays[0], shape)]
    dtypes: list[DType] = [plan.operands[0]._dtype]
    for stage in plan.stages:
        if stage.kind == "map":
            assert stage.fn is not None
            res = list(map(stage.fn, *slots))
            ref = reference_dtype(dtypes)
            probe = res or _probe(stage.fn, dtypes)
            dt = map_dtype(stage, ref, natural_dtype(probe, ref))
            slots, dtypes = [cast_list(res, dt)], [dt]
        elif stage.kind == "filter":
            assert stage.fn is not None
            keep = [bool(v) for v in map(stage.fn, *slots)]
            slots = [list(itertools.compress(s, keep)) for s in slots]
        elif stage.kind == "zip":
            slots.append(_flat(arrays[stage.operand], shape))
            dtypes.append(plan.operands[stage.operand]._dtype)
        else:  # enumerate
            slots.insert(0, list(range(n)))  # enumerate comes before any filter
            dtypes.insert(0, int64)
    return _terminal(plan, slots, dtypes)


def _terminal(plan: Plan, slots: list[list[Any]], dtypes: list[DType]) -> Any:
    term = plan.terminal
    kind = term.kind
    if kind == "count":
        return len(slots[0])
    if kind in ("any", "all"):
        truth = map(term.fn, *slots) if term.fn is not None else iter(slots[0])
        return any(truth) if kind == "any" else all(truth)
    values, dt = slots[0], dtypes[0]
    if kind == "collect":
        shape = (len(values),) if plan.filtered else plan.shape
        return np.array(values, dtype=dt.numpy).reshape(shape)
    if kind == "sum":
        return _sum(values, dt)
    if kind in ("min", "max"):
        if not values:
            raise ShapeError(f"{kind}() of a pipeline without elements")
        if dt.kind == "f" and any(v != v for v in values):
            return math.nan
        return min(values) if kind == "min" else max(values)
    # reduce
    assert term.fn is not None
    acc = scalar_for(term.identity, dt).item()
    for v in values:
        acc = _cast_one(term.fn(acc, v), dt, term.fn)
    return acc


def _sum(values: list[Any], dt: DType) -> Any:
    acc = sum_dtype(dt)
    if acc.kind != "f":
        total = sum(int(v) for v in values)
        return cast_list([total], _BY_NUMPY[acc])[0]
    if all(math.isfinite(v) for v in values):
        try:
            return math.fsum(values)
        except OverflowError:
            pass
    with np.errstate(all="ignore"):
        return float(np.sum(np.array(values, dtype=np.float64)))
