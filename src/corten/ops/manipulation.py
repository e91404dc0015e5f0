"""Manipulation functions of the array API: joining, splitting, reshaping, reordering.

The functions the standard allows to return views (``broadcast_arrays``,
``broadcast_to``, ``expand_dims``, ``flip``, ``moveaxis``, ``permute_dims``, ``reshape``,
``squeeze``, ``unstack``) are zero-copy: they compute a layout over the input's buffer
with the tensor's view operations. Their results are owners that share that buffer
copy-on-write, so callers may write into them as into any other result (SciPy and
scikit-learn do) and neither side sees the other's writes; a layout that repeats
elements (a broadcast) stays a frozen :class:`~corten.TensorView`, because writing one
element of it would write several. The other functions (``concat``, ``repeat``,
``roll``, ``stack``, ``tile``) make new tensors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from corten.core.errors import ArgumentError, AxisError, CopyError, DTypeError, ShapeError
from corten.core.layout import broadcast_shapes, reshape_strides
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    as_promoted,
    axis_arg,
    bool_arg,
    int_arg,
    shape_arg,
    tensor_arg,
    tensors_arg,
    view_result,
)
from corten.ops._dispatch import device_of, run
from corten.tensor import Tensor, TensorView

__all__ = [
    "broadcast_arrays",
    "broadcast_to",
    "concat",
    "expand_dims",
    "flip",
    "moveaxis",
    "permute_dims",
    "repeat",
    "reshape",
    "roll",
    "squeeze",
    "stack",
    "tile",
    "unstack",
]

Array = np.ndarray[Any, Any]


def _axes_tuple(name: str, axis: object, ndim: int, what: str = "axis") -> tuple[int, ...]:
    """One axis or a tuple of distinct axes, normalized, in the order given."""
    raw = axis if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(axis_arg(name, a, ndim, what) for a in raw)
    if len(set(axes)) != len(axes):
        raise AxisError(f"{name}() got a repeated axis in {axis!r}")
    return axes


# ----------------------------------------------------------------------------- broadcasting


def _target_shape(name: str, shape: object) -> tuple[int, ...]:
    dims = shape_arg(name, shape)
    if any(d < 0 for d in dims):
        raise ShapeError(f"{name}() takes sizes >= 0, got shape {dims}")
    return dims


def broadcast_to(
    x: TensorView[DT, Any, D], /, shape: tuple[int, ...]
) -> TensorView[DT, AnyRank, D]:
    """``x`` broadcast to ``shape`` by NumPy's rules, as a zero-copy view.

    Dimensions that repeat ``x``'s elements have stride 0, so such a result is a frozen
    view (it cannot be written); without repetition it is a copy-on-write owner.

    Raises
    ------
    ShapeError
        If ``x``'s shape does not broadcast to ``shape``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import broadcast_to
    >>> broadcast_to(ct.tensor([1, 2, 3]), (2, 3)).tolist()
    [[1, 2, 3], [1, 2, 3]]
    """
    x = tensor_arg("broadcast_to", x)
    target = _target_shape("broadcast_to", shape)
    try:
        fits = broadcast_shapes(x.shape, target) == target
    except ShapeError:
        fits = False
    if not fits:
        raise ShapeError(
            f"broadcast_to() cannot broadcast shape {x.shape} to {target}: each dimension "
            "of x must be 1 or the target's size, counted from the last"
        )
    return view_result(x.broadcast_to(target))


def broadcast_arrays(*arrays: TensorView[Any, Any, D]) -> list[TensorView[Any, AnyRank, D]]:
    """The tensors broadcast against each other, as zero-copy views (see
    :func:`broadcast_to`).

    Raises
    ------
    ShapeError
        If the shapes do not broadcast together.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import broadcast_arrays
    >>> [t.shape for t in broadcast_arrays(ct.zeros((3, 1)), ct.zeros((4,)))]
    [(3, 4), (3, 4)]
    """
    tensors = [tensor_arg("broadcast_arrays", a, f"arrays[{i}]") for i, a in enumerate(arrays)]
    device_of("broadcast_arrays", tensors)
    shape: tuple[int, ...] = ()
    for t in tensors:
        shape = broadcast_shapes(shape, t.shape)
    return [view_result(t.broadcast_to(shape)) for t in tensors]


# ----------------------------------------------------------------------------- joining


def _join_checks(name: str, tensors: list[TensorView[Any, Any, Any]], skip: int | None) -> None:
    """Every tensor has the first's shape (but along dimension ``skip``)."""
    first = tensors[0].shape

    def outside(s: tuple[int, ...]) -> tuple[Any, ...]:
        return (len(s), s) if skip is None else (len(s), s[:skip], s[skip + 1 :])

    for i, t in enumerate(tensors[1:], 1):
        if outside(t.shape) != outside(first):
            along = "" if skip is None else f" except along axis {skip}"
            raise ShapeError(
                f"{name}(): arrays[{i}] has shape {t.shape}, arrays[0] has {first}; they "
                f"must be equal{along}"
            )


def _concat_flat(arrays: list[Array]) -> Array:
    return np.concatenate([a.reshape(-1) for a in arrays])


def concat(
    arrays: Sequence[TensorView[Any, Any, D]],
    /,
    *,
    axis: int | None = 0,
) -> Tensor[Any, AnyRank, D]:
    """The tensors joined along an existing ``axis`` (flattened first when it is None).

    Their dtypes are promoted within a kind.

    Raises
    ------
    ShapeError
        If the shapes differ but along ``axis``, or no tensor is given.
    AxisError
        If ``axis`` is out of range (rank-0 tensors need ``axis=None``).
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import concat
    >>> concat([ct.tensor([[1, 2]]), ct.tensor([[3, 4], [5, 6]])]).tolist()
    [[1, 2], [3, 4], [5, 6]]
    >>> concat((ct.tensor([[1]]), ct.tensor([2, 3])), axis=None).tolist()
    [1, 2, 3]
    """
    tensors = tensors_arg("concat", arrays)
    if axis is None:
        _, tensors = as_promoted("concat", tensors)
        return run("concat", _concat_flat, tensors)  # type: ignore[no-any-return]
    ax = axis_arg("concat", axis, tensors[0].ndim)
    _join_checks("concat", tensors, ax)
    _, tensors = as_promoted("concat", tensors)
    return run("concat", np.concatenate, tensors, axis=ax)  # type: ignore[no-any-return]


def stack(
    arrays: Sequence[TensorView[Any, Any, D]],
    /,
    *,
    axis: int = 0,
) -> Tensor[Any, AnyRank, D]:
    """The tensors (all of one shape) joined along a new ``axis`` of the result.

    Raises
    ------
    ShapeError
        If the shapes differ, or no tensor is given.
    AxisError
        If ``axis`` is outside ``[-N - 1, N]`` for tensors of rank ``N``.
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import stack
    >>> stack([ct.tensor([1, 2]), ct.tensor([3, 4])], axis=1).tolist()
    [[1, 3], [2, 4]]
    """
    tensors = tensors_arg("stack", arrays)
    ax = axis_arg("stack", axis, tensors[0].ndim + 1)
    _join_checks("stack", tensors, None)
    _, tensors = as_promoted("stack", tensors)
    return run("stack", np.stack, tensors, axis=ax)  # type: ignore[no-any-return]


def unstack(
    x: TensorView[DT, Any, D], /, *, axis: int = 0
) -> tuple[TensorView[DT, AnyRank, D], ...]:
    """The slices of ``x`` along ``axis``, each one rank lower, as zero-copy views.

    Raises
    ------
    AxisError
        If ``axis`` is out of range (a rank-0 tensor has none).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import unstack
    >>> [t.tolist() for t in unstack(ct.tensor([[1, 2], [3, 4]]), axis=1)]
    [[1, 3], [2, 4]]
    """
    x = tensor_arg("unstack", x)
    ax = axis_arg("unstack", axis, x.ndim)
    return tuple(view_result(v) for v in x.unbind(ax))


# ----------------------------------------------------------------------------- shapes


def expand_dims(x: TensorView[DT, Any, D], /, axis: int = 0) -> TensorView[DT, AnyRank, D]:
    """``x`` with a dimension of size 1 inserted at ``axis`` of the result, zero-copy.

    Raises
    ------
    AxisError
        If ``axis`` is outside ``[-N - 1, N]`` for ``x`` of rank ``N`` (an IndexError).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import expand_dims
    >>> expand_dims(ct.zeros((2, 3)), axis=-1).shape
    (2, 3, 1)
    """
    x = tensor_arg("expand_dims", x)
    ax = axis_arg("expand_dims", axis, x.ndim + 1)
    return view_result(x.unsqueeze(ax))


def squeeze(
    x: TensorView[DT, Any, D], /, axis: int | tuple[int, ...]
) -> TensorView[DT, AnyRank, D]:
    """``x`` without the dimensions ``axis`` names, which must have size 1; zero-copy.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ShapeError
        If a named dimension does not have size 1.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import squeeze
    >>> squeeze(ct.zeros((1, 3, 1)), axis=(0, 2)).shape
    (3,)
    """
    x = tensor_arg("squeeze", x)
    axes = _axes_tuple("squeeze", axis, x.ndim)
    bad = [a for a in axes if x.shape[a] != 1]
    if bad:
        raise ShapeError(
            f"squeeze() cannot remove axis {bad[0]} of size {x.shape[bad[0]]} (shape "
            f"{x.shape}); only dimensions of size 1 can be removed"
        )
    return view_result(x.squeeze(axes))


def reshape(
    x: TensorView[DT, Any, D], /, shape: tuple[int, ...], *, copy: bool | None = None
) -> TensorView[DT, AnyRank, D]:
    """The elements of ``x`` in another ``shape`` (one size may be -1, inferred).

    Zero-copy when ``x``'s layout allows it, a copy otherwise. ``copy=True`` always
    copies; ``copy=False`` never does and raises when it would have to.

    Raises
    ------
    ShapeError
        If the sizes do not match, or ``copy=False`` and a copy is needed (a ValueError).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import reshape
    >>> reshape(ct.arange(6), (2, -1)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    x = tensor_arg("reshape", x)
    new = _reshape_target(x, shape)
    if copy is not None:
        bool_arg("reshape", copy, "copy")
    if copy:
        return run("reshape", _reshaped_copy, x, new)  # type: ignore[no-any-return]
    if reshape_strides(x.shape, x.strides, new) is None:
        if copy is False:
            raise CopyError(
                f"reshape() of a tensor of shape {x.shape} and strides {x.strides} into "
                f"{new} needs a copy, and copy=False forbids it; pass copy=None or True"
            )
        return run("reshape", _reshaped_copy, x, new)  # type: ignore[no-any-return]
    return view_result(x.reshape(new))


def _reshape_target(x: TensorView[Any, Any, Any], shape: object) -> tuple[int, ...]:
    """``shape`` with its -1 inferred, checked against ``x``'s size."""
    dims = shape_arg("reshape", shape)
    if dims.count(-1) > 1 or any(d < -1 for d in dims):
        raise ShapeError(f"reshape() takes sizes >= 0 and at most one -1, got shape {dims}")
    size = math.prod(x.shape)
    if -1 in dims:
        known = math.prod(d for d in dims if d != -1)
        if known == 0 or size % known:
            raise ShapeError(
                f"reshape() cannot fit {size} elements (shape {x.shape}) into shape {dims}"
            )
        dims = tuple(size // known if d == -1 else d for d in dims)
    if math.prod(dims) != size:
        raise ShapeError(
            f"reshape() cannot reshape a tensor of shape {x.shape} ({size} elements) into "
            f"{dims} ({math.prod(dims)} elements)"
        )
    return dims


def _reshaped_copy(a: Array, shape: tuple[int, ...]) -> Array:
    return np.array(np.reshape(a, shape), copy=True)


def permute_dims(x: TensorView[DT, Any, D], /, axes: tuple[int, ...]) -> TensorView[DT, AnyRank, D]:
    """``x`` with its dimensions reordered: dimension ``i`` of the result is ``axes[i]``
    of ``x``; zero-copy.

    Raises
    ------
    AxisError
        If ``axes`` is not a permutation of ``x``'s dimensions.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import permute_dims
    >>> permute_dims(ct.zeros((480, 640, 3)), (2, 0, 1)).shape
    (3, 480, 640)
    """
    x = tensor_arg("permute_dims", x)
    if not isinstance(axes, (tuple, list)):
        raise AxisError(f"permute_dims() takes a tuple of axes, got {axes!r}")
    order = _axes_tuple("permute_dims", axes, x.ndim, "axes")
    if len(order) != x.ndim:
        raise AxisError(
            f"permute_dims() needs each of the {x.ndim} dimensions exactly once, got {axes!r}"
        )
    return view_result(x.permute(order))


def moveaxis(
    x: TensorView[DT, Any, D],
    source: int | tuple[int, ...],
    destination: int | tuple[int, ...],
    /,
) -> TensorView[DT, AnyRank, D]:
    """``x`` with the dimensions ``source`` moved to the positions ``destination`` (the
    others keep their order); zero-copy.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated, or the two differ in length.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import moveaxis
    >>> moveaxis(ct.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = tensor_arg("moveaxis", x)
    src = _axes_tuple("moveaxis", source, x.ndim, "source")
    dst = _axes_tuple("moveaxis", destination, x.ndim, "destination")
    if len(src) != len(dst):
        raise AxisError(
            f"moveaxis() needs as many destinations as sources, got {source!r} and {destination!r}"
        )
    order = [d for d in range(x.ndim) if d not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return view_result(x.permute(tuple(order)))


def flip(
    x: TensorView[DT, Any, D], /, *, axis: int | tuple[int, ...] | None = None
) -> TensorView[DT, AnyRank, D]:
    """``x`` with the order of its elements reversed along ``axis`` (all axes by
    default); zero-copy.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import flip
    >>> flip(ct.tensor([[1, 2], [3, 4]]), axis=1).tolist()
    [[2, 1], [4, 3]]
    """
    x = tensor_arg("flip", x)
    axes = None if axis is None else _axes_tuple("flip", axis, x.ndim)
    return view_result(x.flip(axes))


# ----------------------------------------------------------------------------- copies


def _repeat(a: Array, repeats: Any, axis: int | None) -> Array:
    if isinstance(repeats, np.ndarray) and repeats.size and int(repeats.min()) < 0:
        raise ArgumentError(f"repeat() needs repeats >= 0, got {int(repeats.min())}")
    return np.repeat(a, repeats, axis=axis)


def repeat(
    x: TensorView[DT, Any, D],
    repeats: int | TensorView[Any, Any, D],
    /,
    *,
    axis: int | None = None,
) -> Tensor[DT, AnyRank, D]:
    """Each element of ``x`` repeated along ``axis`` (of the flattened ``x`` when None).

    ``repeats`` is one count for every element, or a 1-D integer tensor with one count
    per element along ``axis`` (or one count for all). With a tensor of counts the
    result's size depends on them, so ``meta`` tensors refuse it.

    Raises
    ------
    ArgumentError
        If a count is negative.
    ShapeError
        If ``repeats`` has the wrong length or rank.
    DTypeError
        If ``repeats`` is not an int or integer tensor.
    AxisError
        If ``axis`` is out of range.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import repeat
    >>> repeat(ct.tensor([[1, 2], [3, 4]]), 2, axis=0).tolist()
    [[1, 2], [1, 2], [3, 4], [3, 4]]
    >>> repeat(ct.tensor([1, 2, 3]), ct.tensor([0, 1, 2])).tolist()
    [2, 3, 3]
    """
    x = tensor_arg("repeat", x)
    ax = None if axis is None else axis_arg("repeat", axis, x.ndim)
    length = x.numel if ax is None else x.shape[ax]
    if isinstance(repeats, TensorView):
        if not repeats.dtype.is_integer:
            raise DTypeError(f"repeat() takes integer counts, got a {repeats.dtype} tensor")
        if repeats.ndim != 1 or repeats.shape[0] not in (1, length):
            raise ShapeError(
                f"repeat(): repeats has shape {repeats.shape}; it must be 1-D with 1 or "
                f"{length} counts"
            )
        device_of("repeat", [x, repeats])
        return run("repeat", _repeat, x, repeats, ax, data_dependent=True)  # type: ignore[no-any-return]
    count = int_arg("repeat", repeats, "repeats")
    if count < 0:
        raise ArgumentError(f"repeat() needs repeats >= 0, got {count}")
    return run("repeat", _repeat, x, count, ax)  # type: ignore[no-any-return]


def _roll(a: Array, shift: Any, axis: Any) -> Array:
    return np.roll(a, shift, axis=axis)


def roll(
    x: TensorView[DT, Any, D],
    /,
    shift: int | tuple[int, ...],
    *,
    axis: int | tuple[int, ...] | None = None,
) -> Tensor[DT, AnyRank, D]:
    """``x`` with its elements shifted by ``shift`` along ``axis``, those leaving at
    one end coming back at the other (over the flattened ``x`` when ``axis`` is None).

    ``shift`` and ``axis`` may be tuples of one length (one shift per axis); one int
    shift applies to every axis named.

    Raises
    ------
    AxisError
        If an axis is out of range.
    ShapeError
        If ``shift`` and ``axis`` are tuples of different lengths, or ``shift`` is a
        tuple without ``axis``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import roll
    >>> roll(ct.tensor([1, 2, 3, 4]), 1).tolist()
    [4, 1, 2, 3]
    >>> roll(ct.tensor([[1, 2], [3, 4]]), (1, 1), axis=(0, 1)).tolist()
    [[4, 3], [2, 1]]
    """
    x = tensor_arg("roll", x)
    many = isinstance(shift, (tuple, list))
    shifts: Any = (
        tuple(int_arg("roll", s, "shift") for s in shift)  # type: ignore[union-attr]
        if many
        else int_arg("roll", shift, "shift")
    )
    if axis is None:
        if many:
            raise ShapeError("roll() with a tuple of shifts needs a tuple of axes")
        return run("roll", _roll, x, shifts, None)  # type: ignore[no-any-return]
    axes = tuple(
        axis_arg("roll", a, x.ndim) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))
    )
    if many and len(shifts) != len(axes):
        raise ShapeError(
            f"roll() got {len(shifts)} shifts for {len(axes)} axes; give one shift per axis"
        )
    return run("roll", _roll, x, shifts, axes)  # type: ignore[no-any-return]


def tile(x: TensorView[DT, Any, D], repetitions: tuple[int, ...], /) -> Tensor[DT, AnyRank, D]:
    """``x`` repeated ``repetitions[i]`` times along each dimension ``i``.

    The shorter of ``x.shape`` and ``repetitions`` is padded with leading 1s first.

    Raises
    ------
    ArgumentError
        If a repetition is negative.
    ShapeError
        If ``repetitions`` is not a tuple of ints.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.manipulation import tile
    >>> tile(ct.tensor([1, 2]), (2, 2)).tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    x = tensor_arg("tile", x)
    if not isinstance(repetitions, Sequence):
        raise ShapeError(f"tile() takes a tuple of ints as repetitions, got {repetitions!r}")
    reps = shape_arg("tile", repetitions, "repetitions")
    if any(r < 0 for r in reps):
        raise ArgumentError(f"tile() needs repetitions >= 0, got {reps}")
    return run("tile", np.tile, x, reps)  # type: ignore[no-any-return]
