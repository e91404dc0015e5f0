"""Pipeline plans and the dtype rules of their stages, shared by every runner.

A terminal of :class:`~corten.pipelines.parallel.ParIter` turns the recorded stages into a
:class:`Plan`; the runners (``compiled`` on the CPU, ``reference`` as the fallback and on
``sim``, ``cuda``) execute it. The dtype rules live here, so that every runner applies the
same ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import numpy as np

from corten.core.dtypes import _BY_NUMPY, DType, float32
from corten.core.errors import DTypeError
from corten.memory.storage import _caller_stacklevel

if TYPE_CHECKING:
    from corten.tensor import TensorView

__all__ = ["CompilationWarning", "Plan", "Stage", "Terminal"]

Array = np.ndarray[Any, Any]


class CompilationWarning(UserWarning):
    """A function given to a pipeline could not be compiled; corten ran it in Python.

    The message gives numba's reason. It is issued once per function; the results are
    the same, only slower.
    """


# ----------------------------------------------------------------------------- the plan


class Stage(NamedTuple):
    """One lazy stage: ``map`` (fn, dtype), ``filter`` (fn), ``zip`` (operand), ``enumerate``."""

    kind: str
    fn: Callable[..., Any] | None = None
    operand: int = 0
    dtype: DType | None = None
    # map only: the function's results must fit ``dtype`` by kind (bool < int < float);
    # used by apply_, which writes back into the tensor's own dtype.
    same_kind: bool = False


class Terminal(NamedTuple):
    """What a pipeline computes: ``sum``, ``min``, ``max``, ``count``, ``reduce``,
    ``any``, ``all`` or ``collect``."""

    kind: str
    fn: Callable[..., Any] | None = None
    identity: Any = None


class Plan(NamedTuple):
    """A pipeline ready to run: its input tensors, their broadcast shape, the stages and
    the terminal. Backends read the operands' elements and return the terminal's value
    (a NumPy array for ``collect``)."""

    operands: tuple[TensorView[Any, Any, Any], ...]
    shape: tuple[int, ...]
    stages: tuple[Stage, ...]
    terminal: Terminal

    @property
    def filtered(self) -> bool:
        return any(s.kind == "filter" for s in self.stages)


# ----------------------------------------------------------------------------- dtype rules

_KIND_RANK: Final = {"b": 0, "u": 1, "i": 1, "f": 2}
_KIND_NAME: Final = ("bool", "integer", "float")


def kind_rank(dtype: np.dtype[Any]) -> int:
    """0 for bool, 1 for the integers, 2 for the floats."""
    return _KIND_RANK[dtype.kind]


def reference_dtype(dtypes: Sequence[DType]) -> DType:
    """The dtype a map keeps when its function returns a value of the same kind: NumPy's
    promotion of the stream's values (an ``enumerate`` index counts as int64).

    bfloat16 and float8 promote as float16 does (NumPy has no rule for them with most
    dtypes): they stay themselves with bool and 8-bit integers, and two different 16-bit
    or 8-bit floats meeting give float32.
    """
    if not any(d._ml_dtypes for d in dtypes):
        return _BY_NUMPY[np.result_type(*(d.numpy for d in dtypes))]
    half = np.dtype(np.float16)
    found = np.result_type(*(half if d._ml_dtypes else d.numpy for d in dtypes))
    if found != half:
        return _BY_NUMPY[found]
    floats = {d.name: d for d in dtypes if d.is_floating}
    return next(iter(floats.values())) if len(floats) == 1 else float32


def map_dtype(stage: Stage, reference: DType, natural: np.dtype[Any], what: str = "map()") -> DType:
    """The dtype of a map's results, given the dtype its function naturally returns.

    A result of the reference's kind keeps the reference dtype (``x * 2`` on float32
    stays float32 and on int8 wraps in int8, as NumPy does with Python scalars); another
    kind takes the function's own type (``x > 0`` gives bool, ``x / 2`` on integers gives
    float64). An explicit ``dtype`` wins.
    """
    if natural.kind not in _KIND_RANK:
        raise DTypeError(
            f"{what} functions must return one bool, int or float per element; "
            f"{_name(stage.fn)} returns {natural}"
        )
    rank = _KIND_RANK[natural.kind]
    if stage.dtype is not None:
        if stage.same_kind and rank > _KIND_RANK[stage.dtype.kind]:
            raise DTypeError(
                f"{_name(stage.fn)} returns {_KIND_NAME[rank]} values ({natural}), which do "
                f"not fit a {stage.dtype.name} tensor; round inside the function, or use "
                f"map() to get a new {natural} tensor"
            )
        return stage.dtype
    if rank == _KIND_RANK[reference.kind]:
        return reference
    return _BY_NUMPY[natural]


def sum_dtype(dtype: DType) -> np.dtype[Any]:
    """The accumulator of ``sum``: int64 (uint64 for unsigned), float64 for floats."""
    if dtype.kind == "u":
        return np.dtype(np.uint64)
    if dtype.kind == "f":
        return np.dtype(np.float64)
    return np.dtype(np.int64)


def _name(fn: object) -> str:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    return f"the function {name}" if name else f"the callable {fn!r}"


# ----------------------------------------------------------------------------- backends


def warn_fallback(fn: object, reason: str) -> None:
    """Issue the one :class:`CompilationWarning` for ``fn``, naming the first user frame."""
    what = "this pipeline's kernel" if fn is None else _name(fn)
    first = reason.strip().splitlines()
    short = " ".join(line.strip() for line in first[:6] if line.strip())
    warnings.warn(
        f"{what} could not be compiled by numba, so it runs in Python (slower, same "
        f"results): {short}",
        CompilationWarning,
        stacklevel=_caller_stacklevel(),
    )
