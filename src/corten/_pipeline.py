"""Lazy parallel pipelines: ``t.par_iter().map(f).filter(p).sum()``.

A :class:`ParIter` records stages (``map``, ``zip``, ``filter``, ``enumerate``) and runs
nothing until a terminal (``sum``, ``min``, ``max``, ``count``, ``reduce``, ``any``,
``all``, ``collect``). The terminal turns the recipe into a :class:`Plan` and hands it to
the backend that :func:`_backend_for` picks for the tensor's device: on the CPU, one
numba kernel for the whole pipeline (``_pipeline_numba``), with a plain Python evaluator
(``_pipeline_ref``) as the reference and the fallback.

The dtype rules of the stages live here, so that every backend applies the same ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Protocol

import numpy as np

from corten.dtypes import _BY_NUMPY, DType, as_dtype, float32
from corten.errors import DeviceMismatchError, DeviceUnavailableError, DTypeError, ShapeError

if TYPE_CHECKING:
    from corten.tensor import Tensor, TensorView

__all__ = ["CompilationWarning", "ParIter", "Plan", "Stage", "Terminal"]

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


class PipelineBackend(Protocol):
    """How one device kind runs iteration and pipelines."""

    name: str

    def host_array(self, t: TensorView[Any, Any, Any], what: str) -> Array:
        """``t``'s elements as a NumPy array readable on the host (never written)."""
        ...

    def run(self, plan: Plan) -> Any:
        """The terminal's value: a Python scalar, or a NumPy array for ``collect``."""
        ...


class _CpuBackend:
    """One numba kernel per pipeline; the Python reference when numba rejects a function."""

    name = "cpu"

    def host_array(self, t: TensorView[Any, Any, Any], what: str) -> Array:
        return t._np()

    def run(self, plan: Plan) -> Any:
        from corten import _pipeline_numba

        return _pipeline_numba.run(plan)


_CPU: Final = _CpuBackend()


class _ReferenceDeviceBackend:
    """Pipelines on devices whose memory NumPy can address but the host may not read
    (``sim``): the reference evaluator runs over the device's memory, as the device's
    own computation (in stream order: reading an operand drains the current stream)."""

    name = "reference"

    def host_array(self, t: TensorView[Any, Any, Any], what: str) -> Array:
        t._require_host(what)  # raises: the host reads device memory only after to_cpu()
        raise AssertionError("unreachable")

    def run(self, plan: Plan) -> Any:
        from corten import _pipeline_ref

        return _pipeline_ref.run(plan, [op._np() for op in plan.operands])


_REFERENCE: Final = _ReferenceDeviceBackend()


def _backend_for(t: TensorView[Any, Any, Any], what: str, *, host: bool = False) -> PipelineBackend:
    """The backend that iterates ``t`` and runs its pipelines: every device decision of
    iteration goes through here.

    ``host`` marks Python-level iteration (``iter``, ``indexed_iter``, ``iter_mut``),
    which reads elements on the host: device memory must be moved there explicitly.

    Raises
    ------
    DeviceMismatchError
        For host iteration of a tensor that is not on the cpu, and for meta tensors.
    DeviceUnavailableError
        For pipelines on devices that have no pipeline backend in this build.
    """
    kind = t._device.kind
    if kind == "cpu":
        return _CPU
    if host or kind == "meta":  # meta tensors have no elements to run anything on
        t._require_host(what)
    if kind == "sim":
        return _REFERENCE
    if kind == "cuda":
        from corten._pipeline_cuda import CudaPipelines

        return CudaPipelines()
    raise DeviceUnavailableError(
        f"{what} is not yet supported on {t._device}; move the tensor with .to_cpu() "
        "first, or use ct.cpu"
    )


# ----------------------------------------------------------------------------- ParIter


def _check_fn(fn: object, what: str) -> None:
    if not callable(fn):
        raise TypeError(f"{what} takes a function, got {type(fn).__name__}")


class ParIter:
    """A lazy parallel pipeline over a tensor's elements: ``t.par_iter()``.

    Stages (``map``, ``zip``, ``enumerate``, ``filter``) return new pipelines and compute
    nothing; a terminal (``sum``, ``min``, ``max``, ``count``, ``reduce``, ``any``,
    ``all``, ``collect``) runs the whole pipeline as **one** compiled kernel that reads
    memory once, on all the threads that :func:`corten.set_num_threads` allows.

    The functions are ordinary Python functions or lambdas, compiled with numba for the
    dtypes they meet. After ``zip`` or ``enumerate`` the elements are tuples, passed to
    the next function as separate arguments: ``.zip(b).map(lambda x, y: x * y)``.
    Functions follow Python's semantics inside numba: ``x / 0`` raises
    ``ZeroDivisionError``, and an exception raised by a function reaches the caller. A
    function that numba cannot compile runs in Python instead, with one
    :class:`CompilationWarning` giving numba's reason.

    Kernels are cached per pipeline (stages, functions, dtypes), so only the first run
    of a pipeline pays for compilation (about half a second; the first pipeline of a
    process also imports numba). Note: closure variables and
    globals that a function reads are compiled in as constants, as numba does; a
    function closing over a value that changes gets one kernel per value.

    A pipeline reads its tensors when a terminal runs, so it sees the writes made before
    that; it may be run many times.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.arange(10, dtype=ct.int32)
    >>> t.par_iter().map(lambda x: x * x).filter(lambda x: x % 2 == 0).sum()
    120
    """

    __slots__ = ("_arity", "_filtered", "_operands", "_shape", "_stages")

    _operands: tuple[TensorView[Any, Any, Any], ...]
    _shape: tuple[int, ...]
    _stages: tuple[Stage, ...]
    _arity: int
    _filtered: bool

    def __init__(self, source: TensorView[Any, Any, Any]) -> None:
        _backend_for(source, "par_iter()")
        self._operands = (source,)
        self._shape = source._shape
        self._stages = ()
        self._arity = 1
        self._filtered = False

    def _with(
        self,
        stage: Stage,
        *,
        operands: tuple[TensorView[Any, Any, Any], ...] | None = None,
        shape: tuple[int, ...] | None = None,
        arity: int | None = None,
    ) -> ParIter:
        new = object.__new__(ParIter)
        new._operands = self._operands if operands is None else operands
        new._shape = self._shape if shape is None else shape
        new._stages = (*self._stages, stage)
        new._arity = self._arity if arity is None else arity
        new._filtered = self._filtered or stage.kind == "filter"
        return new

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape the pipeline iterates over (the broadcast shape after ``zip``)."""
        return self._shape

    def __repr__(self) -> str:
        parts = []
        for s in self._stages:
            if s.kind in ("map", "filter"):
                parts.append(f"{s.kind}({getattr(s.fn, '__name__', s.fn)!r})")
            elif s.kind == "zip":
                parts.append(f"zip(<{self._operands[s.operand]._dtype.name} tensor>)")
            else:
                parts.append("enumerate()")
        src = self._operands[0]
        return f"<ParIter over {src._dtype.name} {self._shape}: {'.'.join(parts) or 'elements'}>"

    # ------------------------------------------------------------------------- stages

    def map(self, fn: Callable[..., Any], dtype: DType | str | None = None) -> ParIter:
        """Replace each element by ``fn(element)`` (``fn(*tuple)`` after zip/enumerate).

        The result keeps the stream's dtype when ``fn`` returns a value of the same kind
        (bool, integer or float), as NumPy does with Python scalars: ``x * 2`` on int8
        wraps in int8, ``x * 0.5`` on float32 stays float32. A result of another kind
        takes the function's own type (``x > 0`` gives bool, ``x / 2`` on integers
        float64). ``dtype`` sets the result dtype explicitly (a C-style conversion).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([1, 2, 3], dtype=ct.uint8)
        >>> t.par_iter().map(lambda x: x * 100).collect().tolist()
        [100, 200, 44]
        >>> t.par_iter().map(lambda x: x / 2).collect().dtype
        corten.float64
        """
        _check_fn(fn, "map()")
        dt = None if dtype is None else as_dtype(dtype)
        return self._with(Stage("map", fn, dtype=dt), arity=1)

    def filter(self, pred: Callable[..., Any]) -> ParIter:
        """Keep the elements for which ``pred`` is true; ``collect()`` then gives 1-D.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[1, -2], [-3, 4]])
        >>> t.par_iter().filter(lambda x: x > 0).collect().tolist()
        [1, 4]
        """
        _check_fn(pred, "filter()")
        return self._with(Stage("filter", pred))

    def zip(self, other: TensorView[Any, Any, Any]) -> ParIter:
        """Pair each element with ``other``'s (broadcasting both shapes, as NumPy does).

        The next function receives the pair as two arguments. ``zip`` must come before
        any ``filter`` (after a filter the positions are not known in advance).

        Raises
        ------
        ShapeError
            If the shapes cannot be broadcast together.
        DeviceMismatchError
            If ``other`` is on another device.

        Examples
        --------
        >>> import corten as ct
        >>> a = ct.tensor([1.0, 2.0, 3.0])
        >>> b = ct.tensor([[10.0], [20.0]])
        >>> a.par_iter().zip(b).map(lambda x, y: x * y).collect().tolist()
        [[10.0, 20.0, 30.0], [20.0, 40.0, 60.0]]
        """
        from corten.tensor import TensorView

        if not isinstance(other, TensorView):
            raise TypeError(f"zip() takes a tensor, got {type(other).__name__}")
        self._check_unfiltered("zip()")
        src = self._operands[0]
        if other._device != src._device:
            raise DeviceMismatchError(
                f"zip() of tensors on different devices: {src._device} and {other._device}; "
                f"move one with .to({str(src._device)!r})"
            )
        try:
            shape = tuple(np.broadcast_shapes(self._shape, other._shape))
        except ValueError as exc:
            raise ShapeError(
                f"zip(): shapes {self._shape} and {other._shape} cannot be broadcast together"
            ) from exc
        return self._with(
            Stage("zip", operand=len(self._operands)),
            operands=(*self._operands, other),
            shape=shape,
            arity=self._arity + 1,
        )

    def enumerate(self) -> ParIter:
        """Pair each element with its row-major position (an int64), placed first.

        ``enumerate`` must come before any ``filter``.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([5, 6, 7])
        >>> t.par_iter().enumerate().map(lambda i, x: i * x).collect().tolist()
        [0, 6, 14]
        """
        self._check_unfiltered("enumerate()")
        return self._with(Stage("enumerate"), arity=self._arity + 1)

    def _check_unfiltered(self, what: str) -> None:
        if self._filtered:
            raise TypeError(
                f"{what} must come before filter(): after a filter the positions of the "
                "elements are not known in advance"
            )

    # ------------------------------------------------------------------------- terminals

    def _run(self, terminal: Terminal) -> Any:
        plan = Plan(self._operands, self._shape, self._stages, terminal)
        return _backend_for(self._operands[0], "par_iter()").run(plan)

    def _single(self, what: str) -> None:
        if self._arity != 1:
            raise TypeError(
                f"{what} needs one value per element, the pipeline yields tuples of "
                f"{self._arity} (after zip or enumerate); map them to one value first"
            )

    def sum(self) -> Any:
        """The sum of the elements, as a Python int or float.

        Integers and bools are summed in int64 (uint64 for unsigned types), wrapping on
        overflow as NumPy's ``sum`` does. Floats are summed in float64 with compensated
        (Neumaier) summation in each chunk and an exact sum of the chunks: at least as
        accurate as NumPy's pairwise summation, whatever the order of the elements.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([0.1] * 10, dtype=ct.float64).par_iter().sum()
        1.0
        """
        self._single("sum()")
        return self._run(Terminal("sum"))

    def min(self) -> Any:
        """The smallest element as a Python scalar (NaN if any element is NaN).

        Raises
        ------
        ShapeError
            If there is no element.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([3, 1, 2]).par_iter().map(lambda x: 10 - x).min()
        7
        """
        self._single("min()")
        return self._run(Terminal("min"))

    def max(self) -> Any:
        """The largest element as a Python scalar (NaN if any element is NaN).

        Raises
        ------
        ShapeError
            If there is no element.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([3.0, 1.0, 2.0]).par_iter().max()
        3.0
        """
        self._single("max()")
        return self._run(Terminal("max"))

    def count(self) -> int:
        """The number of elements (of those that pass the filters).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(100).par_iter().filter(lambda x: x % 7 == 0).count()
        15
        """
        return int(self._run(Terminal("count")))

    def reduce(self, fn: Callable[[Any, Any], Any], identity: bool | int | float) -> Any:
        """Combine the elements with ``fn(acc, x)``, starting from ``identity``.

        ``fn`` must be associative (the elements are combined in chunks, in parallel);
        the result then equals ``functools.reduce(fn, elements, identity)``, and
        ``identity`` for no elements. The accumulator has the stream's dtype: integer
        results wrap, and ``fn`` may not return a higher kind (a float for integers).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([3, 9, 4]).par_iter().reduce(lambda a, b: a if a > b else b, 0)
        9
        """
        _check_fn(fn, "reduce()")
        self._single("reduce()")
        return self._run(Terminal("reduce", fn, identity))

    def any(self, pred: Callable[..., Any] | None = None) -> bool:
        """Whether ``pred`` is true for some element (the element itself without one).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1, 5, 9]).par_iter().any(lambda x: x > 8)
        True
        """
        if pred is None:
            self._single("any()")
        else:
            _check_fn(pred, "any()")
        return bool(self._run(Terminal("any", pred)))

    def all(self, pred: Callable[..., Any] | None = None) -> bool:
        """Whether ``pred`` is true for every element (the element itself without one).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1, 5, 9]).par_iter().all(lambda x: x > 0)
        True
        """
        if pred is None:
            self._single("all()")
        else:
            _check_fn(pred, "all()")
        return bool(self._run(Terminal("all", pred)))

    def collect(self) -> Tensor[Any, Any, Any]:
        """The elements as a new tensor: of the pipeline's shape (row-major), or 1-D after
        a ``filter``.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([[1, 2], [3, 4]]).par_iter().map(lambda x: x * 10).collect().tolist()
        [[10, 20], [30, 40]]
        """
        from corten.tensor import _result

        self._single("collect()")
        out = self._run(Terminal("collect"))
        device = self._operands[0]._device
        if device.kind == "cuda":
            return out  # type: ignore[no-any-return]  # a cuda Tensor already
        if device.kind != "cpu":
            from corten.backends import get_backend

            return get_backend(device).adopt(out)
        return _result(out, device)


def warn_fallback(fn: object, reason: str) -> None:
    """Issue the one :class:`CompilationWarning` for ``fn``, naming the first user frame."""
    from corten.storage import _caller_stacklevel

    what = "this pipeline's kernel" if fn is None else _name(fn)
    first = reason.strip().splitlines()
    short = " ".join(line.strip() for line in first[:6] if line.strip())
    warnings.warn(
        f"{what} could not be compiled by numba, so it runs in Python (slower, same "
        f"results): {short}",
        CompilationWarning,
        stacklevel=_caller_stacklevel(),
    )
