"""Reductions (sum, mean, min, ...) with the overloads that lower the static rank.

Each reduction has one runtime implementation, :meth:`TensorView._reduce`; the
overloads tell the checkers what rank the result has: rank 0 without ``axis``, the
same rank with ``keepdims=True``, one less with an ``int`` axis on a known rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, overload

from corten.core.dtypes import Bool, Int64
from corten.core.typeparams import DT, AnyRank, D, R, Rank0, Rank1, Rank2, Rank3, Rank4

if TYPE_CHECKING:
    from corten.tensor import Tensor

__all__: list[str] = []


class _NoRank:
    """Never an axis length: only an unknown rank (AnyRank) matches _UnknownRank."""


# An unknown rank (tuple[Any, ...]) matches this 8-tuple; no known rank 0..4 does, so
# the overload below that takes it must come before the per-rank overloads.
_UnknownRank = tuple[_NoRank, _NoRank, _NoRank, _NoRank, _NoRank, _NoRank, _NoRank, _NoRank]


class _Reductions(Generic[DT, R, D]):
    __slots__ = ()

    def _reduce(
        self, name: str, axis: int | Sequence[int] | None, keepdims: bool
    ) -> Tensor[Any, Any, D]:
        raise NotImplementedError

    @overload
    def sum(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank0, D]: ...
    @overload
    def sum(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[Any, R, D]: ...
    @overload
    def sum(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, AnyRank, D]: ...
    @overload
    def sum(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank0, D]: ...
    @overload
    def sum(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank1, D]: ...
    @overload
    def sum(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank2, D]: ...
    @overload
    def sum(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank3, D]: ...
    @overload
    def sum(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, AnyRank, D]: ...
    def sum(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Sum of the elements over the given axes.

        Integer and bool tensors sum in int64 (uint64 for unsigned), as in NumPy; floats
        keep their dtype and use NumPy's pairwise summation.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[1, 2], [3, 4]])
        >>> t.sum().item(), t.sum(axis=0).tolist()
        (10, [4, 6])
        """
        return self._reduce("sum", axis, keepdims)

    @overload
    def prod(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank0, D]: ...
    @overload
    def prod(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[Any, R, D]: ...
    @overload
    def prod(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, AnyRank, D]: ...
    @overload
    def prod(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank0, D]: ...
    @overload
    def prod(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank1, D]: ...
    @overload
    def prod(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank2, D]: ...
    @overload
    def prod(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Any, Rank3, D]: ...
    @overload
    def prod(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, AnyRank, D]: ...
    def prod(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Product of the elements over the given axes.

        Integer and bool tensors multiply in int64 (uint64 for unsigned), as in NumPy.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[1, 2], [3, 4]])
        >>> t.prod().item(), t.prod(axis=1).tolist()
        (24, [2, 12])
        """
        return self._reduce("prod", axis, keepdims)

    @overload
    def mean(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank0, D]: ...
    @overload
    def mean(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[DT, R, D]: ...
    @overload
    def mean(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, AnyRank, D]: ...
    @overload
    def mean(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank0, D]: ...
    @overload
    def mean(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank1, D]: ...
    @overload
    def mean(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank2, D]: ...
    @overload
    def mean(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank3, D]: ...
    @overload
    def mean(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[DT, AnyRank, D]: ...
    def mean(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Arithmetic mean over the given axes (floating dtypes only).

        An integer tensor raises DTypeError: convert it with ``astype`` first.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> t.mean().item(), t.mean(axis=1, keepdims=True).shape
        (2.5, (2, 1))
        """
        return self._reduce("mean", axis, keepdims)

    @overload
    def min(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank0, D]: ...
    @overload
    def min(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[DT, R, D]: ...
    @overload
    def min(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, AnyRank, D]: ...
    @overload
    def min(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank0, D]: ...
    @overload
    def min(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank1, D]: ...
    @overload
    def min(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank2, D]: ...
    @overload
    def min(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank3, D]: ...
    @overload
    def min(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[DT, AnyRank, D]: ...
    def min(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Smallest element over the given axes.

        An empty reduction raises ShapeError.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[5, 2], [3, 4]])
        >>> t.min().item(), t.min(axis=0).tolist()
        (2, [3, 2])
        """
        return self._reduce("min", axis, keepdims)

    @overload
    def max(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank0, D]: ...
    @overload
    def max(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[DT, R, D]: ...
    @overload
    def max(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, AnyRank, D]: ...
    @overload
    def max(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank0, D]: ...
    @overload
    def max(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank1, D]: ...
    @overload
    def max(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank2, D]: ...
    @overload
    def max(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[DT, Rank3, D]: ...
    @overload
    def max(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[DT, AnyRank, D]: ...
    def max(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Largest element over the given axes.

        An empty reduction raises ShapeError.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[5, 2], [3, 4]])
        >>> t.max().item(), t.max(axis=1).tolist()
        (5, [5, 4])
        """
        return self._reduce("max", axis, keepdims)

    @overload
    def argmin(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank0, D]: ...
    @overload
    def argmin(
        self, axis: int | None = None, *, keepdims: Literal[True]
    ) -> Tensor[Int64, R, D]: ...
    @overload
    def argmin(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, AnyRank, D]: ...
    @overload
    def argmin(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank0, D]: ...
    @overload
    def argmin(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank1, D]: ...
    @overload
    def argmin(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank2, D]: ...
    @overload
    def argmin(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank3, D]: ...
    @overload
    def argmin(
        self, axis: int | None = None, *, keepdims: bool = False
    ) -> Tensor[Int64, AnyRank, D]: ...
    def argmin(self, axis: int | None = None, *, keepdims: bool = False) -> Tensor[Any, Any, D]:
        """Flat index (axis None) or index along ``axis`` of the smallest element.

        Results are int64. An empty reduction raises ShapeError.

        Parameters
        ----------
        axis : int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[5, 2], [3, 4]])
        >>> t.argmin().item(), t.argmin(axis=0).tolist()
        (1, [1, 0])
        """
        return self._reduce("argmin", axis, keepdims)

    @overload
    def argmax(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank0, D]: ...
    @overload
    def argmax(
        self, axis: int | None = None, *, keepdims: Literal[True]
    ) -> Tensor[Int64, R, D]: ...
    @overload
    def argmax(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, AnyRank, D]: ...
    @overload
    def argmax(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank0, D]: ...
    @overload
    def argmax(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank1, D]: ...
    @overload
    def argmax(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank2, D]: ...
    @overload
    def argmax(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Int64, Rank3, D]: ...
    @overload
    def argmax(
        self, axis: int | None = None, *, keepdims: bool = False
    ) -> Tensor[Int64, AnyRank, D]: ...
    def argmax(self, axis: int | None = None, *, keepdims: bool = False) -> Tensor[Any, Any, D]:
        """Flat index (axis None) or index along ``axis`` of the largest element.

        Results are int64. An empty reduction raises ShapeError.

        Parameters
        ----------
        axis : int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[5, 2], [3, 4]])
        >>> t.argmax().item(), t.argmax(axis=1).tolist()
        (0, [0, 1])
        """
        return self._reduce("argmax", axis, keepdims)

    @overload
    def all(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank0, D]: ...
    @overload
    def all(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[Bool, R, D]: ...
    @overload
    def all(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, AnyRank, D]: ...
    @overload
    def all(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank0, D]: ...
    @overload
    def all(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank1, D]: ...
    @overload
    def all(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank2, D]: ...
    @overload
    def all(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank3, D]: ...
    @overload
    def all(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Bool, AnyRank, D]: ...
    def all(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Whether every element is nonzero, over the given axes.

        Results are bool.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[True, False], [True, True]])
        >>> t.all().item(), t.all(axis=1).tolist()
        (False, [False, True])
        """
        return self._reduce("all", axis, keepdims)

    @overload
    def any(
        self, axis: None = None, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank0, D]: ...
    @overload
    def any(
        self, axis: int | Sequence[int] | None = None, *, keepdims: Literal[True]
    ) -> Tensor[Bool, R, D]: ...
    @overload
    def any(
        self: _Reductions[Any, _UnknownRank, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, AnyRank, D]: ...
    @overload
    def any(
        self: _Reductions[Any, Rank1, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank0, D]: ...
    @overload
    def any(
        self: _Reductions[Any, Rank2, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank1, D]: ...
    @overload
    def any(
        self: _Reductions[Any, Rank3, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank2, D]: ...
    @overload
    def any(
        self: _Reductions[Any, Rank4, D], axis: int, *, keepdims: Literal[False] = False
    ) -> Tensor[Bool, Rank3, D]: ...
    @overload
    def any(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Bool, AnyRank, D]: ...
    def any(
        self, axis: int | Sequence[int] | None = None, *, keepdims: bool = False
    ) -> Tensor[Any, Any, D]:
        """Whether any element is nonzero, over the given axes.

        Results are bool.

        Parameters
        ----------
        axis : int or sequence of int or None
            The axes to reduce; None reduces all of them.
        keepdims : bool
            Keep the reduced axes as dimensions of size 1.

        Returns
        -------
        Tensor
            A new tensor; rank 0 when every axis is reduced.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[True, False], [False, False]])
        >>> t.any().item(), t.any(axis=0).tolist()
        (True, [True, False])
        """
        return self._reduce("any", axis, keepdims)
