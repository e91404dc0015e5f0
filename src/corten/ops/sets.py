"""Set functions of the array API: ``unique_all``, ``unique_counts``, ``unique_inverse``
and ``unique_values``.

Each flattens its input (row-major) and returns the distinct values in ascending order
(the standard leaves the order to the library), NaN last. Every NaN is distinct from
every other; ``-0.0`` and ``0.0`` are one value. Indices and counts are int64 tensors.
How many values there are depends on the elements, so ``meta`` tensors refuse these
functions with :class:`~corten.core.errors.DeviceMismatchError`.
"""

from __future__ import annotations

from typing import Any, Generic, NamedTuple

import numpy as np

from corten.core.dtypes import Int64
from corten.core.typeparams import DT, AnyRank, D, Rank1
from corten.ops._args import tensor_arg
from corten.ops._dispatch import run
from corten.tensor import Tensor, TensorView

__all__ = [
    "UniqueAllResult",
    "UniqueCountsResult",
    "UniqueInverseResult",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
]

Array = np.ndarray[Any, Any]


class UniqueAllResult(NamedTuple, Generic[DT, D]):
    """What :func:`unique_all` returns."""

    values: Tensor[DT, Rank1, D]
    indices: Tensor[Int64, Rank1, D]
    inverse_indices: Tensor[Int64, AnyRank, D]
    counts: Tensor[Int64, Rank1, D]


class UniqueCountsResult(NamedTuple, Generic[DT, D]):
    """What :func:`unique_counts` returns."""

    values: Tensor[DT, Rank1, D]
    counts: Tensor[Int64, Rank1, D]


class UniqueInverseResult(NamedTuple, Generic[DT, D]):
    """What :func:`unique_inverse` returns."""

    values: Tensor[DT, Rank1, D]
    inverse_indices: Tensor[Int64, AnyRank, D]


def _index_arrays(result: tuple[Array, ...]) -> tuple[Array, ...]:
    return (result[0], *(r.astype(np.int64, copy=False) for r in result[1:]))


def _unique_all(a: Array) -> tuple[Array, ...]:
    return _index_arrays(tuple(np.unique_all(a)))


def _unique_counts(a: Array) -> tuple[Array, ...]:
    return _index_arrays(tuple(np.unique_counts(a)))


def _unique_inverse(a: Array) -> tuple[Array, ...]:
    values, inverse = np.unique_inverse(a)
    return _index_arrays((values, inverse.reshape(a.shape)))


def unique_all(x: TensorView[DT, Any, D], /) -> UniqueAllResult[DT, D]:
    """The distinct values of ``x``, the index of the first occurrence of each in the
    flattened ``x``, the index of each element's value among them (in ``x``'s shape),
    and how often each occurs.

    Raises
    ------
    DeviceMismatchError
        If ``x`` is on ``meta`` (the result's size depends on the elements).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.sets import unique_all
    >>> r = unique_all(ct.tensor([3, 1, 3, 2]))
    >>> r.values.tolist(), r.indices.tolist(), r.inverse_indices.tolist(), r.counts.tolist()
    ([1, 2, 3], [1, 3, 0], [2, 0, 2, 1], [1, 1, 2])
    """
    x = tensor_arg("unique_all", x)
    return UniqueAllResult(*run("unique_all", _unique_all, x, data_dependent=True))


def unique_counts(x: TensorView[DT, Any, D], /) -> UniqueCountsResult[DT, D]:
    """The distinct values of ``x`` and how often each occurs.

    Raises
    ------
    DeviceMismatchError
        If ``x`` is on ``meta``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.sets import unique_counts
    >>> values, counts = unique_counts(ct.tensor([[1.0, 2.0], [2.0, 2.0]]))
    >>> values.tolist(), counts.tolist()
    ([1.0, 2.0], [1, 3])
    """
    x = tensor_arg("unique_counts", x)
    return UniqueCountsResult(*run("unique_counts", _unique_counts, x, data_dependent=True))


def unique_inverse(x: TensorView[DT, Any, D], /) -> UniqueInverseResult[DT, D]:
    """The distinct values of ``x`` and the index of each element's value among them,
    in ``x``'s shape (``values[inverse_indices]`` rebuilds ``x``).

    Raises
    ------
    DeviceMismatchError
        If ``x`` is on ``meta``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.sets import unique_inverse
    >>> values, inverse = unique_inverse(ct.tensor([[5, 7], [7, 5]]))
    >>> values.tolist(), inverse.tolist()
    ([5, 7], [[0, 1], [1, 0]])
    """
    x = tensor_arg("unique_inverse", x)
    return UniqueInverseResult(*run("unique_inverse", _unique_inverse, x, data_dependent=True))


def _unique_values(a: Array) -> Array:
    return np.unique_values(a)


def unique_values(x: TensorView[DT, Any, D], /) -> Tensor[DT, Rank1, D]:
    """The distinct values of ``x``, ascending, NaNs last (each NaN its own value).

    Raises
    ------
    DeviceMismatchError
        If ``x`` is on ``meta``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.sets import unique_values
    >>> unique_values(ct.tensor([2.0, float("nan"), 2.0, float("nan")])).tolist()
    [2.0, nan, nan]
    """
    x = tensor_arg("unique_values", x)
    return run("unique_values", _unique_values, x, data_dependent=True)  # type: ignore[no-any-return]
