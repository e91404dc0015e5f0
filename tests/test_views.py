"""The named view operations against NumPy: values, layouts, memory sharing and types.

Random chains of view operations (basic indexing, ``slice``, ``narrow``, ``select``,
``permute``, ``transpose``, ``.T``, ``.mT``, ``reshape``, ``view_as``, ``flatten``,
``squeeze``, ``unsqueeze``, ``expand``, ``broadcast_to``, ``flip``, ``split``, ``chunk``,
``unbind``, ``diagonal``, ``as_strided``) run on a corten tensor and, as the oracle, the
same NumPy operations run on an array. Besides the values, each step checks that the view
addresses exactly the buffer elements that NumPy's view addresses (a parallel chain over
an array of element ids), that it points at the root buffer with no allocation, and that
its type follows DESIGN §2: frozen views from owners and frozen views, mutable views from
mutable views, never writable when the layout overlaps itself.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import ALL_DTYPES, arrays, assert_tensor_equal
from hypothesis import given, settings
from hypothesis import strategies as st

import corten as ct
from corten.core.layout import extent, may_overlap
from corten.tensor.mutable import _OverlappingViewMut

Array = np.ndarray[Any, Any]

MAX_RANK = 6
# rank 0 to 5 with zero-size dimensions, but mostly non-empty
view_shapes = st.one_of(
    hnp.array_shapes(min_dims=0, max_dims=5, min_side=1, max_side=3),
    hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=3),
)
dtypes = st.sampled_from(ALL_DTYPES)


# ----------------------------------------------------------------------------- the oracle


def _numel(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape, dtype=np.int64))


def _np_get(x: Array, idx: Any) -> Array:
    """NumPy's ``x[idx]`` as an array (a 0-d view where NumPy would give a scalar)."""
    r = x[idx]
    if not isinstance(r, np.ndarray):
        r = x[(*idx, ...) if isinstance(idx, tuple) else (idx, ...)]
    return r


def _along(dim: int, item: Any) -> tuple[Any, ...]:
    """An index that applies ``item`` to dimension ``dim`` (which must be >= 0)."""
    return (*(slice(None),) * dim, item, ...)


def _np_as_strided(
    root: Array, shape: tuple[int, ...], strides: tuple[int, ...], offset: int
) -> Array:
    """A NumPy view of ``root``'s elements with an element-unit layout (bounds-checked)."""
    flat = root.reshape(-1)
    isz = flat.itemsize
    return np.ndarray(
        shape, flat.dtype, buffer=flat, offset=offset * isz, strides=[s * isz for s in strides]
    )


def _np_offset(x: Array, root: Array) -> int:
    """The position of ``x``'s first element in ``root`` (C-contiguous), in elements."""
    delta = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return int(delta // x.itemsize)


def positions(t: Any) -> Array:
    """The buffer position of each element of ``t``, computed from its layout."""
    shape, strides = t.shape, t.strides
    pos = np.full(shape, t.offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides, strict=True)):
        pos += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(shape) - d - 1))
    return pos


class Op:
    """One view operation: what corten calls and what NumPy does to match.

    ``np_fn(x, root)`` gets the current array and the C-contiguous root it views.
    ``kind`` is ``"view"`` (must be zero-copy), ``"copy"`` (a reshape that NumPy can only
    do by copying: corten must copy too) or ``"fails"`` (``view_as`` of a layout that
    needs a copy: ShapeError, and the chain goes on with the same tensor). ``pick``
    marks operations that return a list (split, chunk, unbind): the chain continues with
    that piece.
    """

    __slots__ = ("ct_fn", "kind", "name", "np_fn", "pick")

    def __init__(
        self,
        name: str,
        ct_fn: Callable[[Any], Any],
        np_fn: Callable[[Array, Array], Any],
        kind: str = "view",
        pick: int | None = None,
    ) -> None:
        self.name, self.ct_fn, self.np_fn, self.kind, self.pick = name, ct_fn, np_fn, kind, pick

    def __repr__(self) -> str:
        return self.name


def _dims_form(draw: Any, dims: tuple[int, ...]) -> tuple[Any, ...]:
    """``f(*dims)``, ``f(dims)`` or ``f(list(dims))``: the argument forms of permute and
    friends."""
    form = draw(st.sampled_from(["args", "tuple", "list"]))
    if form == "args":
        return dims
    return (dims,) if form == "tuple" else (list(dims),)


def _prime_factors(n: int) -> list[int]:
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out


def _insert_ones(draw: Any, dims: list[int]) -> list[int]:
    for _ in range(draw(st.integers(0, max(0, min(2, MAX_RANK - len(dims)))))):
        dims.insert(draw(st.integers(0, len(dims))), 1)
    return dims


@st.composite
def reshape_targets(draw: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape with as many elements as ``shape``: a merge or split of dimensions (the
    moves that can stay views of strided layouts), ones added or removed, or any shape."""
    n, nd = _numel(shape), len(shape)
    mode = draw(st.sampled_from(["merge", "any", "split", "merge", "any", "ones"]))
    dims = list(shape)
    if mode == "merge" and nd >= 2:
        i = draw(st.integers(0, nd - 2))
        dims[i : i + 2] = [dims[i] * dims[i + 1]]
    elif mode == "split" and nd >= 1 and nd < MAX_RANK:
        i = draw(st.integers(0, nd - 1))
        s = dims[i]
        if s == 0:
            k = draw(st.integers(0, 3))
            dims[i : i + 1] = draw(st.sampled_from([[0, k], [k, 0]]))
        else:
            f = draw(st.sampled_from([d for d in range(1, s + 1) if s % d == 0]))
            dims[i : i + 1] = [f, s // f]
    elif mode == "ones":
        dims = _insert_ones(draw, [d for d in dims if d != 1])
    elif n == 0:
        dims = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
        dims[draw(st.integers(0, len(dims) - 1))] = 0
    else:
        factors = _prime_factors(n)
        k = draw(st.integers(1 if factors else 0, 4))
        dims = [1] * k
        for p in factors:
            dims[draw(st.integers(0, k - 1))] *= p
        dims = _insert_ones(draw, dims)
    assert _numel(tuple(dims)) == n
    assert len(dims) <= MAX_RANK
    return tuple(dims)


def _reshape_arg(draw: Any, target: tuple[int, ...], n: int) -> tuple[Any, ...]:
    """The target as reshape's arguments, maybe with one dimension as -1."""
    dims = list(target)
    if n > 0 and dims and draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return _dims_form(draw, tuple(dims))


def _pieces(x: Array, dim: int, sizes: list[int]) -> list[Array]:
    out, start = [], 0
    for s in sizes:
        out.append(x[_along(dim, slice(start, start + s))])
        start += s
    return out


def _split_sizes(size: int, step: int) -> list[int]:
    return [min(step, size - s) for s in range(0, size, step)] or [0]


@st.composite
def view_ops(
    draw: Any, x: Array, root: Array, *, allow_copy: bool = True, only: tuple[str, ...] = ()
) -> Op:
    """One view operation that fits ``x`` (the current NumPy array, a view of ``root``),
    among those named in ``only`` if given."""
    shape, nd = x.shape, x.ndim
    names = [
        "index",
        "slice",
        "permute",
        "T",
        "reshape",
        "view_as",
        "flatten",
        "squeeze",
        "unsqueeze",
        "expand",
        "broadcast_to",
        "flip",
    ]
    if root.size:
        names.append("as_strided")
    if nd >= 1:
        names += ["narrow", "transpose", "split", "chunk"]
        if any(shape):
            names += ["select", "unbind"]
    if nd >= 2:
        names += ["mT", "diagonal"]
    name = draw(st.sampled_from([n for n in names if n in only] if only else names))

    if name in ("index", "slice"):
        idx = draw(hnp.basic_indices(shape, allow_newaxis=nd < MAX_RANK, max_dims=MAX_RANK))
        if name == "index":
            return Op(f"[{idx!r}]", lambda t: t[idx], lambda y, r: _np_get(y, idx))
        args = idx if isinstance(idx, tuple) else (idx,)
        return Op(f"slice{args!r}", lambda t: t.slice(*args), lambda y, r: _np_get(y, idx))

    if name in ("narrow", "select", "split", "chunk", "unbind", "transpose"):
        dim = draw(st.integers(-nd, nd - 1))
        d = dim % nd
        size = shape[d]
        if name in ("select", "unbind") and size == 0:
            dim = d = next(i for i, s in enumerate(shape) if s)
            size = shape[d]
        if name == "narrow":
            start = draw(st.integers(-size, size))
            s = start + size if start < 0 else start
            length = draw(st.integers(0, size - s))
            return Op(
                f"narrow({dim}, {start}, {length})",
                lambda t: t.narrow(dim, start, length),
                lambda y, r: y[_along(d, slice(s, s + length))],
            )
        if name == "select":
            i = draw(st.integers(-size, size - 1))
            return Op(
                f"select({dim}, {i})", lambda t: t.select(dim, i), lambda y, r: y[_along(d, i)]
            )
        if name == "transpose":
            dim1 = draw(st.integers(-nd, nd - 1))
            return Op(
                f"transpose({dim}, {dim1})",
                lambda t: t.transpose(dim, dim1),
                lambda y, r: np.swapaxes(y, dim, dim1),
            )
        if name == "split":
            if draw(st.booleans()):
                step = draw(st.integers(1, size + 1))
                sizes = _split_sizes(size, step)
                arg: Any = step
            else:
                cuts = sorted(draw(st.lists(st.integers(0, size), max_size=3)))
                bounds = [0, *cuts, size]
                sizes = [hi - lo for lo, hi in pairwise(bounds)]
                arg = sizes if draw(st.booleans()) else tuple(sizes)
            pick = draw(st.integers(0, len(sizes) - 1))
            return Op(
                f"split({arg!r}, dim={dim})[{pick}]",
                lambda t: t.split(arg, dim=dim),
                lambda y, r: _pieces(y, d, sizes),
                pick=pick,
            )
        if name == "chunk":
            chunks = draw(st.integers(1, 4))
            sizes = _split_sizes(size, max(1, -(-size // chunks)))
            pick = draw(st.integers(0, len(sizes) - 1))
            return Op(
                f"chunk({chunks}, dim={dim})[{pick}]",
                lambda t: t.chunk(chunks, dim),
                lambda y, r: _pieces(y, d, sizes),
                pick=pick,
            )
        pick = draw(st.integers(0, size - 1))
        return Op(
            f"unbind({dim})[{pick}]",
            lambda t: t.unbind(dim),
            lambda y, r: [y[_along(d, i)] for i in range(size)],
            pick=pick,
        )

    if name == "permute":
        perm = tuple(draw(st.permutations(range(nd))))
        given_dims = tuple(p - nd if draw(st.booleans()) else p for p in perm)
        args = _dims_form(draw, given_dims)
        return Op(
            f"permute{args!r}", lambda t: t.permute(*args), lambda y, r: np.transpose(y, perm)
        )
    if name == "T":
        return Op(".T", lambda t: t.T, lambda y, r: y.T)
    if name == "mT":
        return Op(".mT", lambda t: t.mT, lambda y, r: np.swapaxes(y, -2, -1))

    if name in ("reshape", "view_as", "flatten"):
        target = (-1,) if name == "flatten" else draw(reshape_targets(shape))
        is_view = x.size == 0 or bool(np.shares_memory(x.reshape(target), x))
        rargs = (-1,) if name == "flatten" else _reshape_arg(draw, target, x.size)
        if name == "view_as" or (not is_view and not allow_copy):
            if not is_view:
                return Op(
                    f"view_as{rargs!r}: ShapeError", lambda t: t.view_as(*rargs), _same, "fails"
                )
            return Op(
                f"view_as{rargs!r}", lambda t: t.view_as(*rargs), lambda y, r: y.reshape(target)
            )
        kind = "view" if is_view else "copy"
        if name == "flatten":
            return Op(".flatten()", lambda t: t.flatten(), lambda y, r: y.reshape(-1), kind)
        return Op(
            f"reshape{rargs!r}", lambda t: t.reshape(*rargs), lambda y, r: y.reshape(target), kind
        )

    if name == "squeeze":
        ones = [i for i, s in enumerate(shape) if s == 1]
        choice = draw(st.sampled_from(["none", "int", "tuple"] if ones else ["none", "tuple"]))
        if choice == "none":
            return Op(".squeeze()", lambda t: t.squeeze(), lambda y, r: np.squeeze(y))
        if choice == "int":
            i = draw(st.sampled_from(ones))
            i = i - nd if draw(st.booleans()) else i
            return Op(f".squeeze({i})", lambda t: t.squeeze(i), lambda y, r: np.squeeze(y, i))
        sq = tuple(draw(st.lists(st.sampled_from(ones), unique=True))) if ones else ()
        return Op(f".squeeze({sq})", lambda t: t.squeeze(sq), lambda y, r: np.squeeze(y, sq))
    if name == "unsqueeze":
        if nd >= MAX_RANK:
            return Op(".squeeze()", lambda t: t.squeeze(), lambda y, r: np.squeeze(y))
        u = draw(st.integers(-nd - 1, nd))
        return Op(f".unsqueeze({u})", lambda t: t.unsqueeze(u), lambda y, r: np.expand_dims(y, u))

    if name in ("expand", "broadcast_to"):
        lead = [draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, min(2, MAX_RANK - nd))))]
        sizes, given_sizes = list(lead), list(lead)
        for s in shape:
            new = draw(st.sampled_from([1, 0, 2, 3])) if s == 1 else s
            sizes.append(new)
            given_sizes.append(-1 if name == "expand" and new == s and draw(st.booleans()) else new)
        target = tuple(sizes)
        if name == "broadcast_to":
            return Op(
                f"broadcast_to({target})",
                lambda t: t.broadcast_to(target),
                lambda y, r: np.broadcast_to(y, target),
            )
        eargs = _dims_form(draw, tuple(given_sizes))
        return Op(
            f"expand{eargs!r}", lambda t: t.expand(*eargs), lambda y, r: np.broadcast_to(y, target)
        )

    if name == "flip":
        choice = draw(st.sampled_from(["none", "int", "tuple"] if nd else ["none"]))
        if choice == "none":
            # NumPy flips a 0-d array into a scalar
            return Op(".flip()", lambda t: t.flip(), lambda y, r: np.flip(y) if y.ndim else y)
        if choice == "int":
            f = draw(st.integers(-nd, nd - 1))
            return Op(f".flip({f})", lambda t: t.flip(f), lambda y, r: np.flip(y, f))
        fl = tuple(draw(st.lists(st.integers(0, nd - 1), min_size=1, unique=True)))
        return Op(f".flip({fl})", lambda t: t.flip(fl), lambda y, r: np.flip(y, fl))

    if name == "diagonal":
        k = draw(st.integers(-4, 4))
        a1 = draw(st.integers(-nd, nd - 1))
        a2 = draw(st.sampled_from([v for v in range(-nd, nd) if v % nd != a1 % nd]))
        return Op(
            f".diagonal({k}, {a1}, {a2})",
            lambda t: t.diagonal(k, a1, a2),
            lambda y, r: np.diagonal(y, k, a1, a2),
        )

    assert name == "as_strided"
    rank = draw(st.integers(0, 3))
    new_shape = tuple(draw(st.lists(st.integers(0, 3), min_size=rank, max_size=rank)))
    new_strides = tuple(draw(st.lists(st.integers(-3, 3), min_size=rank, max_size=rank)))
    lo, hi = extent(new_shape, new_strides, 0)
    if x.size and draw(st.booleans()):
        off: int | None = None
        np_off = _np_offset(x, root)
    else:
        off = np_off = draw(st.integers(0, root.size))
    if np_off + lo < 0 or np_off + hi > root.size:
        # out of bounds: keep the chain going with an in-bounds layout instead
        new_strides = tuple(0 for _ in new_strides)
        off = np_off = draw(st.integers(0, root.size - 1))
    return Op(
        f"as_strided({new_shape}, {new_strides}, {off})",
        lambda t: t.as_strided(new_shape, new_strides, off),
        lambda y, r: _np_as_strided(r, new_shape, new_strides, np_off),
    )


@st.composite
def scrambles(draw: Any, x: Array) -> Op:
    """A permutation, flip or stepped slice of every dimension: a layout far from C order."""
    perm = tuple(draw(st.permutations(range(x.ndim))))
    steps = tuple(draw(st.lists(st.sampled_from([1, -1, 2, -2]), min_size=x.ndim, max_size=x.ndim)))
    idx = tuple(slice(None, None, k) for k in steps)
    return Op(
        f"permute{perm!r}[{idx!r}]",
        lambda t: t.permute(perm)[idx],
        lambda y, r: np.transpose(y, perm)[idx],
    )


def _same(y: Array, r: Array) -> Array:
    return y


def np_step(op: Op, x: Array, root: Array) -> tuple[Any, Array]:
    """Apply ``op`` to ``x``: its result (a list for split and friends) and the new root."""
    y = op.np_fn(x, root)
    assert all(isinstance(p, np.ndarray) for p in (y if op.pick is not None else [y]))
    if op.kind == "copy":
        y = np.ascontiguousarray(y)
        return y, y
    return y, root


@st.composite
def chains(
    draw: Any,
    a: Array,
    *,
    min_size: int = 1,
    max_size: int = 5,
    allow_copy: bool = True,
    only: tuple[str, ...] = (),
    scramble: bool | None = None,
) -> list[Op]:
    """A chain of view operations that fit ``a`` step by step.

    It starts from a scrambled layout (``scramble``; by default half the time), where
    reshape and view_as meet layouts that need a copy.
    """
    ops: list[Op] = []
    x = root = a
    if a.ndim >= 2 and (draw(st.booleans()) if scramble is None else scramble):
        ops.append(draw(scrambles(x)))
        x = ops[0].np_fn(x, root)
    for _ in range(draw(st.sampled_from(range(min_size, max_size + 1)))):
        op = draw(view_ops(x, root, allow_copy=allow_copy, only=only))
        ops.append(op)
        y, root = np_step(op, x, root)
        x = y if op.pick is None else y[op.pick]
    return ops


@st.composite
def arrays_and_chains(draw: Any, **kwargs: Any) -> tuple[Array, list[Op]]:
    dtype = draw(dtypes)
    a = np.ascontiguousarray(draw(arrays(dtype, view_shapes)))
    return a, draw(chains(a, **kwargs))


# ----------------------------------------------------------------------------- checking


def _ids(a: Array) -> Array:
    return np.arange(a.size, dtype=np.int64).reshape(a.shape)


@dataclass
class Walk:
    """Where a chain stands: the corten tensor, its NumPy values and element ids, and the
    roots they view."""

    t: Any
    x: Array
    ids: Array
    ct_root: Any
    np_root: Array
    id_root: Array
    mutable: bool  # results must be mutable views sharing ``ct_root``'s Storage
    overlapping: bool = False  # an ancestor (since the last copy) is an overlapping view


def _check_result(w: Walk, r: Any, y: Array, ids: Array, copied: bool) -> None:
    assert_tensor_equal(r, y)
    if copied:
        # NumPy cannot reshape this layout without a copy; neither can corten.
        assert type(r) is ct.Tensor
        assert r._storage.buffer is not w.ct_root._storage.buffer
        assert r.is_contiguous
        return
    # The view addresses exactly the elements that NumPy's view addresses.
    assert np.array_equal(positions(r), ids), (positions(r), ids)
    if r.numel:
        assert np.shares_memory(r.numpy(), w.ct_root.numpy())
    if w.mutable:
        assert isinstance(r, ct.TensorViewMut)
        assert r._storage is w.ct_root._storage
        overlapping = w.overlapping or may_overlap(r.shape, r.strides)
        assert (type(r) is _OverlappingViewMut) == overlapping, (type(r), r.shape, r.strides)
        if len(np.unique(ids)) != ids.size:
            assert type(r) is _OverlappingViewMut  # may_overlap is sound
    else:
        assert type(r) is ct.TensorView
        assert r._storage.buffer is w.ct_root._storage.buffer


def run_chain(w: Walk, ops: list[Op]) -> Walk:
    """Apply ``ops`` to ``w.t`` and to the arrays, checking every result against NumPy."""
    for op in ops:
        copies = ct.cow_stats()["copies"]
        if op.kind == "fails":
            with pytest.raises(ct.ShapeError, match=r"reshape.*contiguous"):
                op.ct_fn(w.t)
            continue
        res = op.ct_fn(w.t)
        ys, _ = np_step(op, w.x, w.np_root)
        idss, _ = np_step(op, w.ids, w.id_root)
        copied = op.kind == "copy"
        if copied:
            idss = _ids(ys)
        if op.pick is None:
            _check_result(w, res, ys, idss, copied)
            r, y, ids = res, ys, idss
        else:
            assert isinstance(res, list)
            assert len(res) == len(ys)
            for piece, yp, ip in zip(res, ys, idss, strict=True):
                _check_result(w, piece, yp, ip, copied)
            r, y, ids = res[op.pick], ys[op.pick], idss[op.pick]
        assert ct.cow_stats()["copies"] == copies  # views never trigger copy-on-write
        if copied:
            w = Walk(r, y, ids, r, y, ids, mutable=False)
        else:
            overlapping = w.mutable and type(r) is _OverlappingViewMut
            w = Walk(r, y, ids, w.ct_root, w.np_root, w.id_root, w.mutable, overlapping)
    return w


# ----------------------------------------------------------------------------- 1. chains


@settings(max_examples=800)
@given(arrays_and_chains())
def test_view_chains_match_numpy_on_frozen_views(case: tuple[Array, list[Op]]) -> None:
    a, ops = case
    t = ct.tensor(a)
    buffer = t._storage.buffer
    for start in (t, t.view()):
        w = run_chain(Walk(start, a, _ids(a), t, a, _ids(a), mutable=False), ops)
        assert t._storage.buffer is buffer
        if w.ct_root is t:
            assert w.t._storage.buffer is buffer
    assert_tensor_equal(t, a)


@settings(max_examples=800)
@given(arrays_and_chains(), st.data())
def test_view_chains_on_a_mutable_view_write_what_numpy_writes(
    case: tuple[Array, list[Op]], data: Any
) -> None:
    a, ops = case
    t = ct.tensor(a)
    buffer = t._storage.buffer
    m = t.view_mut()
    w = run_chain(Walk(m, a, _ids(a), m, a, _ids(a), mutable=True), ops)
    if not w.mutable:
        return  # a reshape copied: the result is an independent owner
    r = w.t
    assert r._storage is m._storage is t._storage
    vals = data.draw(arrays(r.dtype, r.shape), label="vals")
    copies = ct.cow_stats()["copies"]
    if type(r) is _OverlappingViewMut:
        with pytest.raises(ct.ReadOnlyError, match="overlaps itself"):
            r[...] = vals
        with pytest.raises(ct.ReadOnlyError, match="overlaps itself"):
            r.fill_(data.draw(arrays(r.dtype, ()), label="value").item())
        expected = a
    else:
        assert len(np.unique(w.ids)) == w.ids.size
        r[...] = vals
        expected = a.copy()
        expected.reshape(-1)[w.ids.reshape(-1)] = vals.reshape(-1)
        assert_tensor_equal(r, vals)
    assert_tensor_equal(t, expected)
    assert_tensor_equal(m, expected)
    assert t._storage.buffer is buffer
    assert ct.cow_stats()["copies"] == copies


def np_replay(ops: list[Op], arr: Array) -> Array:
    """NumPy's view of ``arr`` at the end of ``ops`` (which must not copy)."""
    x = root = arr
    for op in ops:
        if op.kind != "fails":
            y, root = np_step(op, x, root)
            x = y if op.pick is None else y[op.pick]
    return x


@settings(max_examples=300)
@given(arrays_and_chains(), st.data())
def test_fill_through_a_mutable_view_changes_exactly_numpys_elements(
    case: tuple[Array, list[Op]], data: Any
) -> None:
    a, ops = case
    t = ct.tensor(a)
    m = t.view_mut()
    w = run_chain(Walk(m, a, _ids(a), m, a, _ids(a), mutable=True), ops)
    if not w.mutable or type(w.t) is _OverlappingViewMut:
        return
    value = data.draw(arrays(w.t.dtype, ()), label="value").item()
    w.t.fill_(value)
    expected = a.copy()
    view = np_replay(ops, expected)
    if view.flags.writeable:
        view[...] = value  # NumPy's own view writes the expected owner
    else:  # a chain through np.broadcast_to: NumPy's views of it are read-only
        expected.reshape(-1)[w.ids.reshape(-1)] = value
    assert_tensor_equal(t, expected)
    assert_tensor_equal(w.t, np.full(w.x.shape, value, dtype=a.dtype))


@given(st.data())
def test_chain_results_share_memory_with_numpy_views_and_each_other(data: Any) -> None:
    """Views from the owner, a frozen view and a mutable view of one chain address the
    same elements; the frozen ones hold the root buffer until the owner is written."""
    a, ops = data.draw(arrays_and_chains(allow_copy=False), label="case")
    t = ct.tensor(a)
    results = [run_chain(Walk(s, a, _ids(a), t, a, _ids(a), False), ops).t for s in (t, t.view())]
    m = t.view_mut()
    results.append(run_chain(Walk(m, a, _ids(a), m, a, _ids(a), True), ops).t)
    first = results[0]
    for r in results:
        assert (r.shape, r.strides, r.offset) == (first.shape, first.strides, first.offset)
    frozen = [r.tolist() for r in results[:2]]
    # the owner is written: the frozen views keep what they saw, the mutable one follows
    t.fill_(False if a.dtype == np.bool_ else 0)
    assert [r.tolist() for r in results[:2]] == frozen
    assert all(r._storage.buffer is not t._storage.buffer for r in results[:2])
    assert results[2]._storage is t._storage
    assert not np.any(np.asarray(results[2].tolist()))


# ----------------------------------------------------------------------------- examples


def test_named_view_examples() -> None:
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    t = ct.tensor(a)
    cases: list[tuple[Any, Array]] = [
        (t.slice(1, slice(None, None, -1)), a[1, ::-1]),
        (t.slice(None, Ellipsis, 0), a[None, ..., 0]),
        (t.slice(), a),
        (t.narrow(2, -3, 2), a[:, :, 1:3]),
        (t.narrow(1, 3, 0), a[:, 3:3]),
        (t.select(2, -1), a[:, :, -1]),
        (t.permute(2, 0, 1), a.transpose(2, 0, 1)),
        (t.permute((-1, 0, 1)), a.transpose(2, 0, 1)),
        (t.permute([1, 2, 0]), a.transpose(1, 2, 0)),
        (t.transpose(0, -1), a.swapaxes(0, 2)),
        (t.T, a.T),
        (t.mT, a.swapaxes(1, 2)),
        (t.reshape(4, -1), a.reshape(4, 6)),
        (t.reshape((6, 4)), a.reshape(6, 4)),
        (t.view_as(2, 12), a.reshape(2, 12)),
        (t.flatten(), a.reshape(-1)),
        (t[:, :1].squeeze(), a[:, 0]),
        (t[:, :1].squeeze(1), a[:, 0]),
        (t.unsqueeze(-1), a[..., None]),
        (t.unsqueeze(1), a[:, None]),
        (t[:, :1].expand(2, 5, -1), np.broadcast_to(a[:, :1], (2, 5, 4))),
        (t[:, :1].broadcast_to((3, 2, 2, 4)), np.broadcast_to(a[:, :1], (3, 2, 2, 4))),
        (t.flip(), a[::-1, ::-1, ::-1]),
        (t.flip((0, 2)), a[::-1, :, ::-1]),
        (t.flip(-2), a[:, ::-1]),
        (t.diagonal(), np.diagonal(a)),
        (t.diagonal(1, 1, 2), np.diagonal(a, 1, 1, 2)),
        (t.diagonal(-1, 2, 1), np.diagonal(a, -1, 2, 1)),
        (t.diagonal(5, 1, 2), np.diagonal(a, 5, 1, 2)),
        (t.as_strided((2, 2), (3, 1)), np.array([[0, 1], [3, 4]], dtype=np.int32)),
        (t.as_strided((3,), (-4,), 8), np.array([8, 4, 0], dtype=np.int32)),
        (t[1].as_strided((2,), (1,)), np.array([12, 13], dtype=np.int32)),
        (t.as_strided((0, 3), (5, 1), 24), np.zeros((0, 3), dtype=np.int32)),
        (t.as_strided((), ()), np.array(0, dtype=np.int32)),
    ]
    for r, expected in cases:
        assert type(r) is ct.TensorView
        assert_tensor_equal(r, expected)
        assert r._storage.buffer is t._storage.buffer
    pieces = [
        (t.split(2, 2), np.split(a, 2, 2)),
        (t.split([1, 0, 2], 1), np.split(a, [1, 1], 1)),
        (t.split(4, dim=-1), [a]),
        (t.chunk(2, 1), np.array_split(a, 2, 1)),
        (t.chunk(5, 1), np.split(a, 3, 1)),
        (t.unbind(1), [a[:, i] for i in range(3)]),
        (t[:, :0].unbind(1), []),
        (t[:, :0].split(2, 1), [a[:, :0]]),
    ]
    for got, want in pieces:
        assert len(got) == len(want)
        for r, expected in zip(got, want, strict=True):
            assert type(r) is ct.TensorView
            assert_tensor_equal(r, expected)


def test_ints_before_none_or_ellipsis_index_like_numpy() -> None:
    a = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    t = ct.tensor(a)
    m = t.view_mut()
    for idx in [(1, None), (1, ...), (1, 2, ...), (0, slice(1, None), None), (1, 0, 0, ...)]:
        expected = _np_get(a if len(idx) <= 3 else a.reshape(2, 3, 4, 1), idx)
        base = t if len(idx) <= 3 else t.reshape(2, 3, 4, 1)
        for v in (base, base.view(), m if len(idx) <= 3 else m.reshape(2, 3, 4, 1)):
            r = v[idx]
            assert r.offset == _np_offset(expected, a)
            assert_tensor_equal(r, expected)


RESHAPES = ("reshape", "view_as", "flatten", "squeeze", "unsqueeze")


@settings(max_examples=500)
@given(st.data())
def test_reshape_is_a_view_exactly_when_numpys_is(data: Any) -> None:
    """From scrambled layouts: reshape and flatten copy exactly when NumPy's reshape
    does, and view_as raises ShapeError exactly then."""
    dtype = data.draw(dtypes, label="dtype")
    shape = hnp.array_shapes(min_dims=2, max_dims=5, min_side=1, max_side=3)
    a = np.ascontiguousarray(data.draw(arrays(dtype, shape), label="a"))
    ops = data.draw(chains(a, max_size=3, only=RESHAPES, scramble=True), label="ops")
    t = ct.tensor(a)
    for start in (t, t.view()):
        run_chain(Walk(start, a, _ids(a), t, a, _ids(a), mutable=False), ops)
    m = t.view_mut()
    run_chain(Walk(m, a, _ids(a), m, a, _ids(a), mutable=True), ops)
    assert_tensor_equal(t, a)


def test_reshape_copies_only_when_numpy_does() -> None:
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    t = ct.tensor(a)
    c = t.T.reshape(12)
    assert type(c) is ct.Tensor
    assert c._storage.buffer is not t._storage.buffer
    assert_tensor_equal(c, a.T.reshape(12))
    c.fill_(1.0)
    assert_tensor_equal(t, a)
    v = t[:, ::2].reshape(3, 2, 1)
    assert type(v) is ct.TensorView
    assert np.shares_memory(a[:, ::2].reshape(3, 2, 1), a)
    # from a mutable view: a view stays mutable, a copy is an independent owner
    m = t.view_mut()
    assert type(m.reshape(2, 6)) is ct.TensorViewMut
    cm = m.T.flatten()
    assert type(cm) is ct.Tensor
    cm.fill_(2.0)
    assert_tensor_equal(t, a)


def test_mutable_short_forms_from_owners() -> None:
    t = ct.zeros((3, 4), dtype=ct.int64)
    a = np.zeros((3, 4), dtype=np.int64)
    t.slice_mut(slice(None), slice(None, None, -2)).fill_(1)
    a[:, ::-2] = 1
    t.narrow_mut(1, 1, 2).fill_(2)
    a[:, 1:3] = 2
    t.select_mut(0, -1).fill_(3)
    a[-1] = 3
    assert_tensor_equal(t, a)
    for m in (t.slice_mut(0), t.narrow_mut(0, 0, 1), t.select_mut(1, 0)):
        assert type(m) is ct.TensorViewMut
        assert m._storage is t._storage
    # frozen views of a mutable view's result are frozen again
    frozen = t.select_mut(0, 0).view()
    assert type(frozen) is ct.TensorView


def test_mutable_views_of_mutable_views_share_the_storage() -> None:
    t = ct.zeros((2, 3, 4), dtype=ct.int16)
    m = t.view_mut()
    ops: list[Callable[[Any], Any]] = [
        lambda v: v[1],
        lambda v: v.slice(0),
        lambda v: v.narrow(2, 1, 2),
        lambda v: v.select(1, 0),
        lambda v: v.permute(2, 1, 0),
        lambda v: v.transpose(0, 1),
        lambda v: v.T,
        lambda v: v.mT,
        lambda v: v.reshape(6, 4),
        lambda v: v.view_as(24),
        lambda v: v.flatten(),
        lambda v: v.unsqueeze(0).squeeze(0),
        lambda v: v.flip(1),
        lambda v: v.diagonal(0, 1, 2),
        lambda v: v.as_strided((2, 2), (12, 1), 3),
        lambda v: v.split(1)[1],
        lambda v: v.chunk(2, 2)[0],
        lambda v: v.unbind(2)[3],
    ]
    for fn in ops:
        r = fn(m)
        assert type(r) is ct.TensorViewMut
        assert r._storage is m._storage
        m2 = r.view_mut().flip()
        assert type(m2) is ct.TensorViewMut
        assert m2._storage is m._storage
    for over in (m.expand(3, 2, 3, 4), m[:, :1].expand(2, 3, 4), m.as_strided((3, 3), (1, 1))):
        assert type(over) is _OverlappingViewMut
        assert over._storage is m._storage
        assert type(over[0]) is _OverlappingViewMut
        assert type(over.view_mut()) is _OverlappingViewMut
    # stride 0 on dimensions of size 0 or 1 overlaps nothing: still writable
    empty = m[:1].expand(0, 3, 4)
    assert type(empty) is ct.TensorViewMut
    assert empty.strides[0] == 0
    empty.fill_(9)
    ok = m.select(1, 0).unsqueeze(1).expand(2, 1, 4)
    assert type(ok) is ct.TensorViewMut
    assert ok.strides[1] == 0
    ok.fill_(5)
    expected = np.zeros((2, 3, 4), dtype=np.int16)
    expected[:, 0] = 5
    assert_tensor_equal(t, expected)


def _case_id(case: Any) -> str:
    """The name of a parametrize case given as a tuple or a ``pytest.param``."""
    return str(case.values[0] if hasattr(case, "values") else case[0])


_i = np.int64
NP_INT_CASES = [
    ("index", lambda t: t[_i(-1), _i(1)], lambda a: a[-1, 1]),
    ("slice", lambda t: t.slice(_i(1), slice(_i(-1), None)), lambda a: a[1, -1:]),
    ("narrow", lambda t: t.narrow(_i(-1), _i(-3), _i(2)), lambda a: a[..., 1:3]),
    ("select", lambda t: t.select(_i(-1), _i(1)), lambda a: a[..., 1]),
    ("transpose", lambda t: t.transpose(_i(0), _i(-1)), lambda a: a.swapaxes(0, -1)),
    ("permute", lambda t: t.permute(_i(2), _i(0), _i(1)), lambda a: a.transpose(2, 0, 1)),
    ("reshape", lambda t: t.reshape(_i(6), _i(-1)), lambda a: a.reshape(6, 4)),
    ("view_as", lambda t: t.view_as((_i(4), _i(6))), lambda a: a.reshape(4, 6)),
    ("unsqueeze", lambda t: t.unsqueeze(_i(-1)), lambda a: a[..., None]),
    ("squeeze-tuple", lambda t: t[:1].squeeze((_i(0),)), lambda a: a[0]),
    ("flip-tuple", lambda t: t.flip((_i(-1),)), lambda a: a[..., ::-1]),
    ("expand", lambda t: t[:, :1].expand(_i(2), _i(5), _i(-1)), lambda a: a[:, [0] * 5]),
    ("diagonal", lambda t: t.diagonal(_i(1), _i(-1), _i(1)), lambda a: np.diagonal(a, 1, -1, 1)),
    ("as_strided", lambda t: t.as_strided((_i(2),), (_i(3),), _i(1)), lambda a: a.ravel()[1:5:3]),
    ("split-sections", lambda t: t.split([_i(1), _i(2)], _i(1))[1], lambda a: a[:, 1:]),
    ("unbind", lambda t: t.unbind(_i(-1))[2], lambda a: a[..., 2]),
    ("permute-negative", lambda t: t.permute(_i(-1), _i(0), _i(1)), lambda a: a.transpose(2, 0, 1)),
    ("squeeze", lambda t: t[:1].squeeze(_i(0)), lambda a: a[0]),
    ("flip", lambda t: t.flip(_i(0)), lambda a: a[::-1]),
    ("split", lambda t: t.split(_i(1))[1], lambda a: a[1:2]),
    ("chunk", lambda t: t.chunk(_i(2), 2)[1], lambda a: a[..., 2:]),
]


@pytest.mark.parametrize(
    ("name", "fn", "np_fn"),
    NP_INT_CASES,
    ids=[_case_id(c) for c in NP_INT_CASES],
)
def test_numpy_integers_are_accepted_as_dims_indices_and_sizes(
    name: str, fn: Callable[[Any], Any], np_fn: Callable[[Array], Array]
) -> None:
    """NumPy integers work wherever Python ints do, as NumPy's own functions take them."""
    a = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    t = ct.tensor(a)
    r = fn(t)
    assert type(r) is ct.TensorView
    assert r._storage.buffer is t._storage.buffer
    assert_tensor_equal(r, np_fn(a))


# ----------------------------------------------------------------------------- 2. contiguous


@settings(max_examples=300)
@given(arrays_and_chains())
def test_contiguous_of_any_view_equals_numpys_ascontiguousarray(
    case: tuple[Array, list[Op]],
) -> None:
    a, ops = case
    t = ct.tensor(a)
    m = t.view_mut()
    for start, mutable in ((t, False), (t.view(), False), (m, True)):
        root = m if mutable else t
        w = Walk(start, a, _ids(a), root, a, _ids(a), mutable)
        for op in ops:
            w = run_chain(w, [op])
            r = w.t
            c = r.contiguous()
            assert type(c) is ct.Tensor
            assert c.is_contiguous
            assert c.numpy().flags.c_contiguous
            # np.ascontiguousarray makes 0-d arrays 1-d: keep the shape
            assert_tensor_equal(c, np.ascontiguousarray(w.x).reshape(w.x.shape))
            assert (c._storage.buffer is r._storage.buffer) == r.is_contiguous
            del c
    assert_tensor_equal(t, a)


def test_contiguous_is_an_independent_owner() -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = ct.tensor(a)
    m = t.view_mut()
    for v, expected in ((t.T, a.T), (t[:, 1:], a[:, 1:]), (m.T, a.T), (m[0], a[0])):
        c = v.contiguous()
        assert type(c) is ct.Tensor
        c.fill_(-1.0)
        assert_tensor_equal(t, a)
        assert_tensor_equal(v, expected)


# ----------------------------------------------------------------------------- 3. errors


def _owner() -> Any:
    return ct.tensor(np.arange(24, dtype=np.int64).reshape(2, 3, 4))


BASES: dict[str, Callable[[Any], Any]] = {
    "tensor": lambda t: t,
    "view": lambda t: t.view(),
    "view_mut": lambda t: t.view_mut(),
}

ERROR_CASES: list[tuple[str, Callable[[Any], Any], type[Exception], str]] = [
    ("index-high", lambda v: v[2], ct.TensorIndexError, "out of bounds for dimension 0"),
    ("index-low", lambda v: v[:, -4], ct.TensorIndexError, "out of bounds for dimension 1"),
    ("too-many", lambda v: v[0, 0, 0, 0], ct.TensorIndexError, "too many indices"),
    ("too-many-ell", lambda v: v[..., 0, 0, 0, 0], ct.TensorIndexError, "too many indices"),
    ("two-ellipses", lambda v: v[..., 0, ...], ct.TensorIndexError, "single ellipsis"),
    ("slice-high", lambda v: v.slice(0, 3), ct.TensorIndexError, "out of bounds"),
    ("slice-many", lambda v: v.slice(0, 0, 0, 0), ct.TensorIndexError, "too many indices"),
    ("narrow-long", lambda v: v.narrow(1, 1, 3), ct.TensorIndexError, "out of range"),
    ("narrow-start", lambda v: v.narrow(2, -5, 1), ct.TensorIndexError, "out of range"),
    ("narrow-past", lambda v: v.narrow(2, 5, 0), ct.TensorIndexError, "out of range"),
    ("narrow-neg-len", lambda v: v.narrow(2, 1, -1), ct.TensorIndexError, "out of range"),
    ("select-high", lambda v: v.select(1, 3), ct.TensorIndexError, "out of bounds"),
    ("select-low", lambda v: v.select(-1, -5), ct.TensorIndexError, "out of bounds"),
    ("unbind-after", lambda v: v[0][3], ct.TensorIndexError, "out of bounds"),
    ("narrow-dim", lambda v: v.narrow(3, 0, 1), ct.AxisError, "out of range"),
    ("select-dim", lambda v: v.select(-4, 0), ct.AxisError, "out of range"),
    ("permute-short", lambda v: v.permute(0, 1), ct.AxisError, "exactly once"),
    ("permute-repeat", lambda v: v.permute(0, 0, 1), ct.AxisError, "exactly once"),
    ("permute-range", lambda v: v.permute(0, 1, 3), ct.AxisError, "exactly once"),
    ("transpose-dim", lambda v: v.transpose(0, 3), ct.AxisError, "out of range"),
    ("squeeze-dim", lambda v: v.squeeze(3), ct.AxisError, "out of range"),
    ("unsqueeze-dim", lambda v: v.unsqueeze(4), ct.AxisError, "out of range"),
    ("unsqueeze-neg", lambda v: v.unsqueeze(-5), ct.AxisError, "out of range"),
    ("flip-dim", lambda v: v.flip((0, 3)), ct.AxisError, "out of range"),
    ("diagonal-same", lambda v: v.diagonal(0, 1, -2), ct.AxisError, "two different"),
    ("diagonal-dim", lambda v: v.diagonal(0, 0, 3), ct.AxisError, "out of range"),
    ("split-dim", lambda v: v.split(1, dim=3), ct.AxisError, "out of range"),
    ("chunk-dim", lambda v: v.chunk(2, dim=-4), ct.AxisError, "out of range"),
    ("unbind-dim", lambda v: v.unbind(3), ct.AxisError, "out of range"),
    ("rank0-dim", lambda v: v[0, 0, 0].select(0, 0), ct.AxisError, "rank-0"),
    ("reshape-count", lambda v: v.reshape(5, 5), ct.ShapeError, "cannot reshape"),
    ("reshape-infer", lambda v: v.reshape(5, -1), ct.ShapeError, "cannot reshape"),
    ("reshape-two-inferred", lambda v: v.reshape(-1, -1), ct.ShapeError, "only one dimension"),
    ("reshape-negative", lambda v: v.reshape(-2, -12), ct.ShapeError, ">= 0"),
    ("view_as-count", lambda v: v.view_as(25), ct.ShapeError, "cannot reshape"),
    ("view_as-copy", lambda v: v.T.view_as(24), ct.ShapeError, "use .reshape(...) or .contig"),
    ("view_as-copy2", lambda v: v[:, ::2].view_as(16), ct.ShapeError, ".contiguous() first"),
    ("view_as-perm", lambda v: v.permute(1, 0, 2).view_as(6, 4), ct.ShapeError, "reshape"),
    ("expand-size", lambda v: v.expand(2, 3, 5), ct.ShapeError, "cannot expand"),
    ("expand-fewer", lambda v: v.expand(3, 4), ct.ShapeError, "fewer dimensions"),
    ("expand-new-1", lambda v: v.expand(-1, 2, 3, 4), ct.ShapeError, "cannot expand"),
    ("expand-neg", lambda v: v[:, :1].expand(2, -2, 4), ct.ShapeError, "cannot expand"),
    ("broadcast", lambda v: v.broadcast_to((2, 6, 4)), ct.ShapeError, "neither 1 nor 6"),
    ("strided-out", lambda v: v.as_strided((5, 5), (5, 1)), ct.ShapeError, "outside the buffer"),
    ("strided-neg", lambda v: v.as_strided((2,), (-1,), 0), ct.ShapeError, "outside the buffer"),
    ("strided-end", lambda v: v.as_strided((2,), (1,), 23), ct.ShapeError, "outside the buffer"),
    ("strided-off", lambda v: v.as_strided((), (), -1), ct.ShapeError, "outside the buffer"),
    ("strided-empty", lambda v: v.as_strided((0,), (1,), 25), ct.ShapeError, "outside"),
    ("strided-rank", lambda v: v.as_strided((2, 2), (1,)), ct.ShapeError, "one stride per"),
    ("strided-view", lambda v: v[1].as_strided((13,), (1,), 12), ct.ShapeError, "outside"),
    ("split-sum", lambda v: v.split([1, 1], dim=1), ct.ShapeError, "add up to 3"),
    ("split-neg", lambda v: v.split([4, -1], dim=1), ct.ShapeError, "must be >= 0"),
    ("split-zero", lambda v: v.split(0), ct.ShapeError, "must be positive"),
    ("chunk-zero", lambda v: v.chunk(0), ct.ShapeError, "must be positive"),
    ("squeeze-size", lambda v: v.squeeze(1), ct.ShapeError, "only dimensions of size 1"),
    ("squeeze-tuple", lambda v: v[:1].squeeze((0, 2)), ct.ShapeError, "of size 4"),
    ("mT-rank", lambda v: v[0, 0].mT, ct.ShapeError, "rank of at least 2"),
]
BAD_TYPE_CASES = [
    ("select-float", lambda v: v.select(0.0, 0), ct.AxisError, "an axis is an int"),
    ("transpose-float", lambda v: v.transpose(0, 1.0), ct.AxisError, "an axis is an int"),
    ("unsqueeze-str", lambda v: v.unsqueeze("0"), ct.AxisError, "an axis is an int"),
    ("index-float", lambda v: v[0, 1.5], ct.TensorIndexError, "valid indices"),
    ("slice-float", lambda v: v.slice(1.5), ct.TensorIndexError, "got float"),
    ("reshape-float", lambda v: v.reshape(6.0, 4), ct.ShapeError, "sequence of ints"),
    ("view_as-float", lambda v: v.view_as(24.0), ct.ShapeError, "sequence of ints"),
    ("permute-float", lambda v: v.permute(0.0, 1, 2), ct.AxisError, "permute needs each"),
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(
    ("name", "fn", "exc", "phrase"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES]
)
def test_bad_view_arguments_raise_and_change_nothing(
    base: str, name: str, fn: Callable[[Any], Any], exc: type[Exception], phrase: str
) -> None:
    t = _owner()
    v = BASES[base](t)
    before, view_before = t.tolist(), v.tolist()
    buffer, storage = t._storage.buffer, v._storage
    copies = ct.cow_stats()["copies"]
    with pytest.raises(exc) as info:
        fn(v)
    assert phrase in str(info.value)
    assert isinstance(info.value, ct.CortenError)
    if exc in (ct.TensorIndexError, ct.AxisError):
        assert isinstance(info.value, IndexError)
    else:
        assert isinstance(info.value, ValueError)
    assert t.tolist() == before
    assert v.tolist() == view_before
    assert t._storage.buffer is buffer
    assert v._storage is storage
    assert ct.cow_stats()["copies"] == copies


@pytest.mark.parametrize(
    ("name", "fn", "exc", "phrase"),
    BAD_TYPE_CASES,
    ids=[_case_id(c) for c in BAD_TYPE_CASES],
)
def test_non_integer_dims_and_indices_raise_corten_errors(
    name: str, fn: Callable[[Any], Any], exc: type[Exception], phrase: str
) -> None:
    t = _owner()
    before, buffer = t.tolist(), t._storage.buffer
    with pytest.raises(Exception) as info:  # noqa: PT011 - the class is checked below
        fn(t)
    assert isinstance(info.value, exc), f"{type(info.value).__name__}: {info.value}"
    assert phrase in str(info.value)
    assert t.tolist() == before
    assert t._storage.buffer is buffer


def _frozen_views(t: Any) -> list[Any]:
    return [
        t[0],
        t.view()[:, 1],
        t.slice(0, slice(None, None, -1)),
        t.narrow(1, 0, 2),
        t.select(2, 0),
        t.permute(2, 0, 1),
        t.T,
        t.reshape(6, 4),
        t.view_as(24),
        t.unsqueeze(0),
        t.flip(),
        t.diagonal(),
        t.as_strided((2,), (1,)),
        t.split(1)[0],
        t.unbind(1)[2],
        t[:, :1].expand(2, 3, 4),
    ]


def _overlapping_views(t: Any) -> list[Any]:
    m = t.view_mut()
    return [
        m[:, :1].expand(2, 3, 4),
        m.expand(2, 2, 3, 4),
        m.unsqueeze(1).expand(2, 5, 3, 4),
        m.broadcast_to((3, 2, 3, 4)),
        m.as_strided((3, 3), (1, 1)),
        m.as_strided((4, 2), (0, 1), 5),
        m.as_strided((2, 3), (2, 1)),
        m[:, :1].expand(2, 3, 4)[0],
        m[:, :1].expand(2, 3, 4)[:, 0],  # derived views of an overlapping one stay read-only
        m.expand(2, 2, 3, 4).view_mut(),
    ]


WRITES: dict[str, Callable[[Any], Any]] = {
    "fill_": lambda v: v.fill_(7),
    "setitem": lambda v: v.__setitem__(..., 7),
    "setitem-index": lambda v: v.__setitem__(0, 7),
    "iadd": lambda v: operator.iadd(v, 1),
    "imul": lambda v: operator.imul(v, 2),
    "copy_": lambda v: v.copy_(ct.tensor(7)),
    "numpy-writable": lambda v: v.numpy(writable=True),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("kind", ["frozen", "overlapping"])
def test_writes_to_frozen_and_overlapping_views_raise_and_change_nothing(
    kind: str, write: str
) -> None:
    t = _owner()
    a = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    views = _frozen_views(t) if kind == "frozen" else _overlapping_views(t)
    phrase = "frozen" if kind == "frozen" else "overlaps itself"
    buffer = t._storage.buffer
    for v in views:
        if kind == "overlapping":
            assert type(v) is _OverlappingViewMut
            assert v._storage is t._storage
        else:
            assert type(v) is ct.TensorView
        seen = v.tolist()
        copies = ct.cow_stats()["copies"]
        with pytest.raises(ct.ReadOnlyError) as info:
            WRITES[write](v)
        assert phrase in str(info.value)
        assert v.tolist() == seen
        assert_tensor_equal(t, a)
        assert t._storage.buffer is buffer
        assert ct.cow_stats()["copies"] == copies


def test_overlapping_views_read_like_numpy() -> None:
    t = _owner()
    a = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    m = t.view_mut()
    assert_tensor_equal(m[:, :1].expand(2, 3, 4), np.broadcast_to(a[:, :1], (2, 3, 4)))
    flat = a.reshape(-1)
    sw = np.lib.stride_tricks.sliding_window_view(flat, 3)[:4]
    assert_tensor_equal(m.as_strided((4, 3), (1, 1)), sw)
    assert m.as_strided((4, 3), (1, 1)).numpy().flags.writeable is False
    assert_tensor_equal(m.as_strided((4, 3), (1, 1)).contiguous(), sw)


# ----------------------------------------------------------------------------- 4. views of views

_CYCLE: list[tuple[str, Callable[[Any], Any], Callable[[Array], Array]]] = [
    ("transpose(0, 2)", lambda v: v.transpose(0, 2), lambda x: np.swapaxes(x, 0, 2)),
    ("flip(1)", lambda v: v.flip(1), lambda x: np.flip(x, 1)),
    ("unsqueeze(0)", lambda v: v.unsqueeze(0), lambda x: x[None]),
    ("[0]", lambda v: v[0], lambda x: x[0]),
    ("permute(1, 2, 0)", lambda v: v.permute(1, 2, 0), lambda x: x.transpose(1, 2, 0)),
    ("narrow(0, 0, all)", lambda v: v.narrow(0, 0, v.shape[0]), lambda x: x),
    ("T", lambda v: v.T, lambda x: x.T),
    ("[::-1]", lambda v: v[::-1], lambda x: x[::-1]),
    ("unsqueeze(-1)", lambda v: v.unsqueeze(-1), lambda x: x[..., None]),
    ("squeeze(-1)", lambda v: v.squeeze(-1), lambda x: x[..., 0]),
    ("mT", lambda v: v.mT, lambda x: np.swapaxes(x, -2, -1)),
    ("slice(...)", lambda v: v.slice(Ellipsis), lambda x: x),
]


@pytest.mark.parametrize("base", BASES)
def test_fifty_nested_views_keep_a_single_root(base: str) -> None:
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    t = ct.tensor(a)
    start = BASES[base](t)
    v, x = start, a
    for i in range(50):
        _, fn, np_fn = _CYCLE[i % len(_CYCLE)]
        v, x = fn(v), np_fn(x)
    assert_tensor_equal(v, x)
    assert np.array_equal(positions(v), _positions_in(x, a))
    root_array = t._storage.buffer.array
    if base == "view_mut":
        assert type(v) is ct.TensorViewMut
        assert v._storage is t._storage
    else:
        assert type(v) is ct.TensorView
        assert v._storage.buffer is t._storage.buffer
        assert type(v._storage) is type(t._storage)
    del start
    gc.collect()
    # the intermediate views are gone: the buffer is held by t and the final view only
    assert t._storage.buffer.holders == (1 if base == "view_mut" else 2)
    # the view holds its Storage, shape, strides, offset, dtype, device and a cache of
    # a NumPy array over the root buffer: nothing that leads to another tensor
    slots = {s for c in type(v).__mro__ for s in getattr(c, "__slots__", ())}
    assert slots == {"_cache", "_device", "_dtype", "_offset", "_shape", "_storage", "_strides"}
    assert not hasattr(v, "__dict__")
    referents = gc.get_referents(v)
    assert not any(isinstance(r, ct.TensorView) for r in referents)
    assert {type(r) for r in referents} <= {
        type(None),
        type,
        type(t._storage),
        tuple,
        int,
        type(t.dtype),
        type(t.device),
    }
    # its Storage holds the root Buffer and nothing else
    assert {id(r) for r in gc.get_referents(v._storage) if r is not None} == {
        id(t._storage.buffer),
        id(type(v._storage)),
    }
    # the NumPy array it reads through is built directly over the root array
    assert v._cache is not None
    cached_buffer, cached = v._cache
    assert cached_buffer is t._storage.buffer
    owner = root_array if root_array.base is None else root_array.base
    assert cached.base is owner  # NumPy collapses base chains: no intermediate is kept


def _positions_in(x: Array, a: Array) -> Array:
    """The positions in ``a`` of the elements of ``x``, a view of ``a`` (C-contiguous)."""
    ids = _ids(a)
    view = np.ndarray(
        x.shape,
        np.int64,
        buffer=ids.reshape(-1),
        offset=_np_offset(x, a) * 8,
        strides=[s // a.itemsize * 8 for s in x.strides],
    )
    return view


@settings(max_examples=40)
@given(st.data())
def test_fifty_random_nested_views_keep_a_single_root(data: Any) -> None:
    a, ops = data.draw(arrays_and_chains(min_size=50, max_size=50, allow_copy=False), label="a")
    t = ct.tensor(a)
    m = t.view_mut()
    for start, root, mutable in ((t, t, False), (t.view(), t, False), (m, m, True)):
        w = run_chain(Walk(start, a, _ids(a), root, a, _ids(a), mutable), ops)
        if mutable:
            assert w.t._storage is t._storage
        else:
            assert w.t._storage.buffer is t._storage.buffer
        assert not any(isinstance(r, ct.TensorView) for r in gc.get_referents(w.t))


def test_tensor_indices_follow_numpy() -> None:
    a = np.arange(12).reshape(3, 4)
    t = ct.tensor(a)
    r0 = t[ct.tensor(1)]  # a rank-0 integer tensor is an int: a zero-copy view
    assert type(r0) is ct.TensorView
    assert r0.tolist() == a[np.array(1)].tolist()
    assert r0._storage.buffer is t._storage.buffer
    r1 = t[ct.tensor([1])]  # a rank-1 one is an advanced index: a copy keeping the dim
    assert type(r1) is ct.Tensor
    assert r1.tolist() == a[np.array([1])].tolist()
    mask = t[t > 5]
    assert mask.tolist() == a[a > 5].tolist()
    with pytest.raises(ct.DTypeError, match="rank-0 integer"):
        operator.index(ct.tensor([1]))
    with pytest.raises(ct.TensorIndexError, match="basic indices"):
        t.slice([0])  # type: ignore[arg-type]
