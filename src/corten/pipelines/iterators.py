"""Element iteration: ``iter``, ``indexed_iter``, ``iter_dim``, ``iter_mut``, ``apply_``,
``map`` and ``par_iter``; the tensor methods of the same names delegate here.

Sequential iteration yields Python scalars, converted a chunk at a time
(``_iter_chunks``). ``iter_mut`` yields element handles whose writes go through the
tensor's copy-on-write path one by one; ``apply_`` and ``map`` run as compiled pipelines
(``_pipeline``), as does ``par_iter``.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from corten.core.convert import scalar_for
from corten.core.dtypes import DType, as_dtype
from corten.core.layout import normalize_axis
from corten.pipelines import threads as _pipeline_threads
from corten.pipelines.chunks import CHUNK, row_major_chunks
from corten.pipelines.parallel import (
    CompilationWarning,
    ParIter,
    Plan,
    Stage,
    Terminal,
    _backend_for,
    _check_fn,
)

if TYPE_CHECKING:
    from corten.tensor import Tensor, TensorView
    from corten.tensor.writable import _Writable

__all__ = [
    "CompilationWarning",
    "ElementMut",
    "ParIter",
    "apply_elements",
    "get_num_threads",
    "indexed_iter",
    "iter_dim",
    "iter_elements",
    "iter_mut",
    "map_elements",
    "set_num_threads",
]

Array = np.ndarray[Any, Any]


# ----------------------------------------------------------------------------- reading


def iter_elements(t: TensorView[Any, Any, Any]) -> Iterator[Any]:
    """The elements of ``t`` as Python scalars in row-major order, as they are now.

    The iterator reads through a frozen view taken here, so a write to ``t`` during the
    loop is not seen by it (the write copies ``t``'s buffer away, once).
    """
    backend = _backend_for(t, "iter()", host=True)
    arr = backend.host_array(t, "iter()")
    if arr.size <= CHUNK:
        return iter(arr.reshape(-1).tolist())
    snapshot = t.view()
    arr = backend.host_array(snapshot, "iter()")
    return itertools.chain.from_iterable(row_major_chunks(arr, keep=snapshot))


def indexed_iter(t: TensorView[Any, Any, Any]) -> Iterator[tuple[tuple[int, ...], Any]]:
    """``(index, element)`` pairs in row-major order."""
    _backend_for(t, "indexed_iter()", host=True)
    return zip(itertools.product(*map(range, t._shape)), iter_elements(t), strict=True)


def iter_dim(t: TensorView[Any, Any, Any], dim: int) -> Iterator[Any]:
    """The views ``t.select(dim, i)`` for each ``i`` (mutable from a mutable view)."""
    d = normalize_axis(dim, len(t._shape))
    return (t.select(d, i) for i in range(t._shape[d]))


# ----------------------------------------------------------------------------- writing


def _store(index: tuple[int, ...], value: Any, out: Array) -> None:
    out[index] = value


def _no_write(out: Array) -> None:
    pass


class ElementMut:
    """One element of a tensor being iterated by ``iter_mut()``: read it with ``get()``,
    replace it with ``set(value)``.

    Every ``set`` is a write through the tensor's copy-on-write path, so clones and
    frozen views taken before (or during) the loop never see it. The handle stays valid
    after the loop.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.tensor([1, 2, 3])
    >>> for e in t.iter_mut():
    ...     e.set(e.get() * 10)
    >>> t.tolist()
    [10, 20, 30]
    """

    __slots__ = ("_t", "index")

    _t: _Writable[Any, Any, Any]
    index: tuple[int, ...]

    def __init__(self, t: _Writable[Any, Any, Any], index: tuple[int, ...]) -> None:
        self._t = t
        self.index = index  #: the element's position, one int per dimension

    def get(self) -> Any:
        """The element's current value, as a Python scalar."""
        return self._t._np().item(*self.index)

    def set(self, value: bool | int | float) -> None:
        """Replace the element by ``value``, which must fit the dtype.

        Raises
        ------
        DTypeError
            If ``value`` does not fit the tensor's dtype (nothing is written).
        """
        v = scalar_for(value, self._t._dtype)
        self._t._write(functools.partial(_store, self.index, v))

    def __repr__(self) -> str:
        return f"<ElementMut {self.index}: {self.get()!r}>"


def iter_mut(t: _Writable[Any, Any, Any]) -> Iterator[ElementMut]:
    """Handles to ``t``'s elements in row-major order (see :class:`ElementMut`)."""
    _backend_for(t, "iter_mut()", host=True)
    # Writing starts here: a view that overlaps itself fails now rather than mid-loop.
    t._write(_no_write)
    return (ElementMut(t, idx) for idx in itertools.product(*map(range, t._shape)))


def apply_elements(t: _Writable[Any, Any, Any], fn: Callable[[Any], Any]) -> None:
    """Replace every element ``x`` of ``t`` by ``fn(x)``; all or nothing."""
    _check_fn(fn, "apply_()")
    backend = _backend_for(t, "apply_()")
    stage = Stage("map", fn, dtype=t._dtype, same_kind=True)
    plan = Plan((t,), t._shape, (stage,), Terminal("collect"))
    if t._device.kind == "cuda":
        # The result is a cuda Tensor, copied in on the device; copy_ checks that ``t``
        # can be written before it writes.
        t.copy_(backend.run(plan))
        return
    t._write(_no_write)
    new = backend.run(plan)
    t._write(functools.partial(_copy_into, new))


def _copy_into(src: Array, out: Array) -> None:
    np.copyto(out, src)


def map_elements(
    t: TensorView[Any, Any, Any], fn: Callable[..., Any], dtype: DType | str | None
) -> Tensor[Any, Any, Any]:
    """A new tensor of ``fn(x)`` for each element (``t.par_iter().map(fn).collect()``)."""
    return ParIter(t).map(fn, None if dtype is None else as_dtype(dtype)).collect()


# ----------------------------------------------------------------------------- threads


def set_num_threads(n: int) -> None:
    """Use ``n`` threads for the compiled pipelines (``par_iter``, ``map``, ``apply_``).

    The setting holds for the whole process. By default pipelines use every CPU this
    process may run on (or ``NUMBA_NUM_THREADS`` when that is set); ``n`` may not
    exceed the CPUs.

    Raises
    ------
    ValueError
        If ``n`` is not between 1 and the most threads.

    Examples
    --------
    >>> import corten as ct
    >>> before = ct.get_num_threads()
    >>> ct.set_num_threads(1)
    >>> ct.get_num_threads()
    1
    >>> ct.set_num_threads(before)
    """
    try:
        k = operator.index(n)
    except TypeError:
        k = None
    hi = _pipeline_threads.max_threads()
    if k is None or isinstance(n, bool) or not 1 <= k <= hi:
        raise ValueError(
            f"the number of threads is an int from 1 to {hi} (the CPUs available), got {n!r}"
        )
    _pipeline_threads.set_threads(k)


def get_num_threads() -> int:
    """The number of threads the compiled pipelines use.

    Examples
    --------
    >>> import corten as ct
    >>> ct.get_num_threads() >= 1
    True
    """
    return _pipeline_threads.get_threads()
