"""``TensorViewMut``: a writable alias of an owner, and its self-overlapping variant."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from corten.core.errors import (
    ReadOnlyError,
)
from corten.core.layout import (
    may_overlap,
)
from corten.core.typeparams import DT, AnyRank, D, R, Rank0, Rank1, Rank2, Rank3, Rank4
from corten.memory.storage import Buffer
from corten.tensor._build import KINDS
from corten.tensor._reductions import _UnknownRank
from corten.tensor.view import TensorView
from corten.tensor.writable import _Writable

__all__ = ["TensorViewMut"]

Array = np.ndarray[Any, Any]


class TensorViewMut(_Writable[DT, R, D]):
    """A writable alias of an owner: writes are seen by the owner and its other mutable
    views, and by no clone or frozen view.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.zeros((2, 3), dtype=ct.int32)
    >>> row = t.view_mut()[1]
    >>> row.fill_(4)
    >>> t.tolist()
    [[0, 0, 0], [4, 4, 4]]
    """

    __slots__ = ()

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
        cls = _OverlappingViewMut if may_overlap(shape, strides) else TensorViewMut
        return cls._make(self._storage, shape, strides, offset, self._dtype)

    if TYPE_CHECKING:
        # The same indexing as TensorView's; basic indices give mutable views here.
        @overload
        def __getitem__(
            self,
            idx: int | slice | EllipsisType | tuple[int | slice | EllipsisType | None, ...] | None,
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        @overload
        def __getitem__(self, idx: object) -> TensorView[DT, AnyRank, D]: ...
        def __getitem__(self, idx: object) -> TensorView[DT, AnyRank, D]: ...

    if TYPE_CHECKING:
        # The view operations of a mutable view give mutable views.
        def slice(self, *indices: int | slice | None) -> TensorViewMut[DT, AnyRank, D]: ...
        def narrow(self, dim: int, start: int, length: int) -> TensorViewMut[DT, AnyRank, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, _UnknownRank, D], dim: int, index: int
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank1, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank0, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank2, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank1, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank3, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank2, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank4, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank3, D]: ...
        @overload
        def select(self, dim: int, index: int) -> TensorViewMut[DT, AnyRank, D]: ...
        def select(self, dim: int, index: int) -> Any: ...
        def iter_dim(self, dim: int) -> Iterator[TensorViewMut[DT, AnyRank, D]]: ...
        def permute(self, *dims: int | Sequence[int]) -> TensorViewMut[DT, R, D]: ...
        def transpose(self, dim0: int, dim1: int) -> TensorViewMut[DT, R, D]: ...
        @property
        def T(self) -> TensorViewMut[DT, R, D]: ...
        @property
        def mT(self) -> TensorViewMut[DT, R, D]: ...
        def view_as(self, *shape: int | Sequence[int]) -> TensorViewMut[DT, AnyRank, D]: ...
        def squeeze(
            self, dim: int | Sequence[int] | None = None
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        def unsqueeze(self, dim: int) -> TensorViewMut[DT, AnyRank, D]: ...
        def expand(self, *shape: int | Sequence[int]) -> TensorViewMut[DT, AnyRank, D]: ...
        def broadcast_to(self, shape: Sequence[int]) -> TensorViewMut[DT, AnyRank, D]: ...
        def flip(self, dims: int | Sequence[int] | None = None) -> TensorViewMut[DT, R, D]: ...
        def split(  # type: ignore[override]
            self, split_size_or_sections: int | Sequence[int], dim: int = 0
        ) -> list[TensorViewMut[DT, R, D]]: ...
        def chunk(self, chunks: int, dim: int = 0) -> list[TensorViewMut[DT, R, D]]: ...  # type: ignore[override]
        def unbind(self, dim: int = 0) -> list[TensorViewMut[DT, AnyRank, D]]: ...  # type: ignore[override]
        def diagonal(
            self, offset: int = 0, dim1: int = 0, dim2: int = 1
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        def as_strided(
            self, shape: Sequence[int], strides: Sequence[int], offset: int | None = None
        ) -> TensorViewMut[DT, AnyRank, D]: ...


class _OverlappingViewMut(TensorViewMut[DT, R, D]):
    """A mutable view whose layout overlaps itself (after ``expand``, some ``as_strided``).

    It reads like any mutable view but refuses every write, as do views derived from it:
    one write would land in several elements at once.
    """

    __slots__ = ()

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
        return _OverlappingViewMut._make(self._storage, shape, strides, offset, self._dtype)

    def view_mut(self) -> TensorViewMut[DT, R, D]:
        return self._view(self._shape, self._strides, self._offset)  # type: ignore[no-any-return]

    def _write(
        self, fn: Callable[[Array], object], dev: Callable[[Any, Buffer], object] | None = None
    ) -> None:
        raise ReadOnlyError(
            f"this view overlaps itself (shape {self._shape}, strides {self._strides}): "
            "several of its elements share memory, so it cannot be written; write "
            "through a view without repeated elements, or .contiguous() a copy"
        )

    def numpy(self, *, writable: bool = False) -> Array:
        if writable:
            self._write(lambda out: None)
        return super().numpy()


KINDS.register_mutable(TensorViewMut, _OverlappingViewMut)
