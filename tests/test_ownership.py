"""Ownership and sharing (DESIGN §2): clones, frozen views, mutable views, exports.

Three layers:

* a model-based (stateful hypothesis) test: random sequences of create / clone / view /
  view_mut / basic indexing / named view operations (narrow, select, permute, flip,
  reshape, diagonal, split, expand, as_strided, ...) / write / export / drop, compared
  after every step with a NumPy model in which every clone, frozen view and read-only
  export is an independent copy, while mutable views and writable exports are windows
  into their owner's model (NumPy's equivalent view of it; read-only where the view
  overlaps itself, as after expand, and corten must refuse writes). Memory shared with
  NumPy (``from_numpy``, ``from_dlpack``, ``numpy(writable=True)``, a writable DLPack
  export) is a state of its own (issue 13): there frozen views and read-only exports are
  read-only windows that see later writes through the owner and through the outside
  array, as NumPy views do, while clones stay independent copies;
* multithreaded stress tests: no write is lost, no frozen view ever changes, and reads
  of owners during writes never see another tensor's values (issue 14);
* deterministic tests, one rule each, plus regression tests for bugs found earlier.
"""

from __future__ import annotations

import copy
import pickle
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import corten as ct
from corten.tensor.mutable import _OverlappingViewMut

TENSOR_KINDS = ("owner", "frozen", "sview", "mut", "omut")
WRITABLE_KINDS = ("owner", "mut")
FROZEN_KINDS = ("frozen", "sview")
DTYPES = {"int64": (ct.int64, np.int64), "float64": (ct.float64, np.float64)}
MAX_HANDLES = 14


def _iadd_one(t: Any) -> None:
    t += 1


def _setitem_one(t: Any) -> None:
    t[...] = 1


def _imul_two(t: Any) -> None:
    t *= 2


FROZEN_WRITES = {
    "setitem": _setitem_one,
    "fill_": lambda t: t.fill_(1),
    "iadd": _iadd_one,
    "copy_": lambda t: t.copy_(t),
    "export": lambda t: t.numpy(writable=True),
}
# Writes to a mutable view that overlaps itself, and to the views derived from it.
OVERLAPPING_WRITES = {
    **FROZEN_WRITES,
    "imul": _imul_two,
    "view_mut": lambda t: t.view_mut().fill_(1),
    "sub_view": lambda t: t[...].fill_(1),
    "unsqueeze": lambda t: _setitem_one(t.unsqueeze(0)),
}


def _bufid(t: ct.TensorView) -> int:
    return id(t._storage.buffer)


def _same_memory(x: Any, y: Any) -> bool:
    """Whether two tensors' elements lie in the same memory (public API only)."""
    if x.numel == 0 or y.numel == 0:
        return True
    return bool(np.shares_memory(x.numpy(), y.numpy()))


def _read_only(w: np.ndarray) -> np.ndarray:
    """A read-only window onto the model array ``w``: it follows writes to ``w``."""
    r = w.view()
    r.flags.writeable = False
    return r


def _negative_strides(t: Any) -> bool:
    return any(s < 0 and n > 1 for n, s in zip(t.shape, t.strides, strict=True))


# --------------------------------------------------------------------------- the model


@dataclass(eq=False)
class Group:
    """One owner identity (one Storage): its owner, mutable views and writable exports.

    ``shared``: its memory is shared with code outside corten (issue 13), from its
    creation (``from_numpy``, ``from_dlpack``) or from a writable export on. It stays so.
    """

    shared: bool = False


@dataclass(eq=False)
class Handle:
    """A live handle and its model.

    ``kind`` is one of ``owner``, ``frozen``, ``sview``, ``mut``, ``omut`` (corten
    tensors; ``sview`` is a frozen view of shared memory; ``omut`` is a mutable view that
    overlaps itself, or one derived from such a view, which refuses every write), ``ro``
    (read-only NumPy export of owned memory), ``sro`` (read-only NumPy export of shared
    memory) or ``w`` (writable NumPy alias: a writable export or a ``from_numpy``
    source). ``model`` is an independent array for ``frozen`` and ``ro``; for the others
    it is a window into the owner's model array, so writes propagate as they should
    (read-only for ``sview``, ``sro`` and ``omut``). An owner's model is laid out like
    the owner (same strides and offset). ``overlap``: the tensor's layout addresses some
    element twice.
    """

    kind: str
    obj: Any
    model: np.ndarray
    group: Group | None = None
    label: str = field(default="")
    overlap: bool = False


def _shapes() -> st.SearchStrategy[tuple[int, ...]]:
    return st.one_of(
        st.tuples(st.integers(1, 4)),
        st.tuples(st.integers(1, 4), st.integers(1, 4)),
    )


def _values(dtype_name: str, shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    n = int(np.prod(shape))
    np_dtype = DTYPES[dtype_name][1]
    return st.lists(st.integers(-50, 50), min_size=n, max_size=n).map(
        lambda xs: np.array(xs, dtype=np_dtype).reshape(shape)
    )


def _scalar(h: Handle, v: int) -> int | float:
    return float(v) if h.model.dtype == np.float64 else v


def _draw_basic_index(data: st.DataObject, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """A basic index (ints and non-empty slices, possibly reversed) for ``shape``."""
    k = data.draw(st.integers(1, len(shape)), label="index rank")
    parts: list[Any] = []
    for n in shape[:k]:
        if data.draw(st.booleans(), label="int?"):
            parts.append(data.draw(st.integers(-n, n - 1), label="i"))
            continue
        lo = data.draw(st.integers(0, n - 1), label="lo")
        hi = data.draw(st.integers(lo + 1, n), label="hi")
        step = data.draw(st.sampled_from([1, 2, -1]), label="step")
        if step > 0:
            parts.append(slice(lo, hi, step))
        else:
            parts.append(slice(hi - 1, lo - 1 if lo > 0 else None, -1))
    return tuple(parts)


def _draw_element_index(data: st.DataObject, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(data.draw(st.integers(0, n - 1), label="elem") for n in shape)


# --------------------------------------------------------------------------- view operations


def _layout_overlaps(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """Whether two indices of a layout address the same element (by enumeration)."""
    n = int(np.prod(shape, dtype=np.int64))
    if n <= 1:
        return False
    offsets = {sum(i * s for i, s in zip(idx, strides, strict=True)) for idx in np.ndindex(shape)}
    return len(offsets) < n


def _model_overlaps(a: np.ndarray) -> bool:
    return _layout_overlaps(a.shape, a.strides)


def _layout_copy(t: Any, values: np.ndarray) -> np.ndarray:
    """An independent copy of ``values`` laid out like ``t`` (same strides and offset).

    A clone keeps its source's layout, and whether a later reshape can be a view depends
    on it, so the model of a clone keeps it too.
    """
    shape, strides, off = t.shape, t.strides, t.offset
    if values.size == 0:
        return values.copy()
    hi = off + sum((n - 1) * s for n, s in zip(shape, strides, strict=True) if s > 0)
    flat = np.zeros(hi + 1, dtype=values.dtype)
    isz = values.itemsize
    out: np.ndarray = np.ndarray(
        shape, values.dtype, buffer=flat, offset=off * isz, strides=[s * isz for s in strides]
    )
    out[...] = values
    return out


def _along(d: int, ix: Any) -> tuple[Any, ...]:
    """A NumPy index that applies ``ix`` to dimension ``d`` and always gives a view."""
    return (*(slice(None),) * d, ix, ...)


def _axis(data: st.DataObject, n: int, label: str) -> tuple[int, int]:
    """A dimension of a rank-``n`` tensor: (its index, how the call spells it)."""
    d = data.draw(st.integers(0, n - 1), label=label)
    return d, d - n if data.draw(st.booleans(), label=f"{label} < 0") else d


def _divisors(n: int) -> list[int]:
    return [k for k in range(1, n + 1) if n % k == 0]


@dataclass(frozen=True)
class ViewOp:
    """A named view operation and its NumPy equivalent.

    ``call`` maps a corten tensor to the views it takes (several for split, chunk and
    unbind pieces); ``window`` maps a model array to the same windows as NumPy views, or
    to None where NumPy cannot view without a copy (then ``copy_shape`` is the shape of
    the copy: reshape falls back to one). ``mut_call`` spells the operation with an
    owner's ``*_mut`` shortcut, where there is one.
    """

    name: str
    call: Callable[[Any], list[Any]]
    window: Callable[[np.ndarray], list[np.ndarray | None]]
    mut_call: Callable[[Any], list[Any]] | None = None
    copy_shape: tuple[int, ...] | None = None
    may_refuse: bool = False  # view_as raises ShapeError where reshape would copy

    @property
    def kind(self) -> str:
        return self.name.split("(")[0].split("[")[0]


def _np_reshape_view(m: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    try:
        return np.reshape(m, shape, copy=False)
    except ValueError:
        return None


def _draw_new_shape(data: st.DataObject, shape: tuple[int, ...]) -> tuple[int, ...]:
    total = int(np.prod(shape, dtype=np.int64))
    k = data.draw(st.integers(0 if total == 1 else 1, 4), label="new rank")
    dims: list[int] = []
    rest = total
    for _ in range(k - 1):
        f = data.draw(st.sampled_from(_divisors(rest)), label="factor")
        dims.append(f)
        rest //= f
    if k:
        dims.append(rest)
    return tuple(data.draw(st.permutations(dims), label="new shape")) if dims else ()


def _draw_view_op(
    data: st.DataObject, shape: tuple[int, ...], only: tuple[str, ...] | None = None
) -> ViewOp:
    """A random named view operation that applies to ``shape`` (sizes >= 1), one of
    ``only`` if given."""
    n = len(shape)
    names = ["unsqueeze", "reshape", "flatten", "view_as", "expand", "squeeze", "T"]
    if n >= 1:
        names += ["narrow", "select", "slice", "permute", "transpose", "flip"]
        names += ["split", "chunk", "unbind", "as_strided"]
    if n >= 2:
        names += ["diagonal", "mT"]
    if only is not None:
        names = [x for x in names if x in only]
    name = data.draw(st.sampled_from(names), label="view op")

    def one(f: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
        return lambda x: [f(x)]

    if name == "narrow":
        d, da = _axis(data, n, "dim")
        start = data.draw(st.integers(0, shape[d] - 1), label="start")
        length = data.draw(st.integers(1, shape[d] - start), label="length")
        sa = start - shape[d] if data.draw(st.booleans(), label="start < 0") else start
        return ViewOp(
            f"narrow({da}, {sa}, {length})",
            one(lambda t: t.narrow(da, sa, length)),
            one(lambda m: m[_along(d, slice(start, start + length))]),
            mut_call=one(lambda t: t.narrow_mut(da, sa, length)),
        )
    if name == "select":
        d, da = _axis(data, n, "dim")
        i = data.draw(st.integers(-shape[d], shape[d] - 1), label="index")
        return ViewOp(
            f"select({da}, {i})",
            one(lambda t: t.select(da, i)),
            one(lambda m: m[_along(d, i)]),
            mut_call=one(lambda t: t.select_mut(da, i)),
        )
    if name == "slice":
        idx = _draw_basic_index(data, shape)
        return ViewOp(
            f"slice{idx}",
            one(lambda t: t.slice(*idx)),
            one(lambda m: m[(*idx, ...)]),
            mut_call=one(lambda t: t.slice_mut(*idx)),
        )
    if name == "permute":
        order = tuple(data.draw(st.permutations(range(n)), label="order"))
        spelled = tuple(d - n if data.draw(st.booleans(), label="< 0") else d for d in order)
        packed = data.draw(st.booleans(), label="as one tuple")
        return ViewOp(
            f"permute{spelled}",
            one(lambda t: t.permute(spelled) if packed else t.permute(*spelled)),
            one(lambda m: np.transpose(m, order)),
        )
    if name == "transpose":
        (d0, a0), (d1, a1) = _axis(data, n, "dim0"), _axis(data, n, "dim1")
        return ViewOp(
            f"transpose({a0}, {a1})",
            one(lambda t: t.transpose(a0, a1)),
            one(lambda m: np.swapaxes(m, d0, d1)),
        )
    if name == "T":
        return ViewOp("T", one(lambda t: t.T), one(lambda m: m.T))
    if name == "mT":
        return ViewOp("mT", one(lambda t: t.mT), one(lambda m: np.swapaxes(m, -2, -1)))
    if name == "flip":
        how = data.draw(st.sampled_from(["all", "int", "list"]), label="flip dims")
        dims: Any = None
        axes: Any = None
        if how == "int":
            axes, dims = _axis(data, n, "dim")
        elif how == "list":
            axes = tuple(data.draw(st.sets(st.integers(0, n - 1)), label="dims"))
            dims = [d - n if data.draw(st.booleans(), label="< 0") else d for d in axes]
        return ViewOp(f"flip({dims})", one(lambda t: t.flip(dims)), one(lambda m: np.flip(m, axes)))
    if name == "unsqueeze":
        d = data.draw(st.integers(-(n + 1), n), label="dim")
        return ViewOp(
            f"unsqueeze({d})",
            one(lambda t: t.unsqueeze(d)),
            one(lambda m: np.expand_dims(m, d)),
        )
    if name == "squeeze":
        ones = [i for i, s in enumerate(shape) if s == 1]
        how = data.draw(st.sampled_from(["all", "int", "list"] if ones else ["all"]), label="how")
        sq: Any = None
        np_axes: Any = None
        if how == "int":
            np_axes = data.draw(st.sampled_from(ones), label="dim")
            sq = np_axes - n if data.draw(st.booleans(), label="< 0") else np_axes
        elif how == "list":
            np_axes = tuple(data.draw(st.sets(st.sampled_from(ones)), label="dims"))
            sq = list(np_axes)
        return ViewOp(
            f"squeeze({sq})", one(lambda t: t.squeeze(sq)), one(lambda m: np.squeeze(m, np_axes))
        )
    if name in ("reshape", "flatten", "view_as"):
        new = (-1,) if name == "flatten" else _draw_new_shape(data, shape)
        spelled = new
        if new and name != "flatten" and data.draw(st.booleans(), label="-1"):
            j = data.draw(st.integers(0, len(new) - 1), label="inferred dim")
            spelled = (*new[:j], -1, *new[j + 1 :])
        resolved = (int(np.prod(shape, dtype=np.int64)),) if name == "flatten" else new
        packed = data.draw(st.booleans(), label="as one tuple")
        calls: dict[str, Callable[[Any], Any]] = {
            "flatten": lambda t: t.flatten(),
            "reshape": lambda t: t.reshape(spelled) if packed else t.reshape(*spelled),
            "view_as": lambda t: t.view_as(spelled) if packed else t.view_as(*spelled),
        }
        return ViewOp(
            f"{name}{spelled}",
            one(calls[name]),
            one(lambda m: _np_reshape_view(m, resolved)),
            copy_shape=resolved,
            may_refuse=name == "view_as",
        )
    if name in ("split", "chunk", "unbind"):
        d, da = _axis(data, n, "dim")
        size = shape[d]
        if name == "unbind":
            pieces: list[Any] = list(range(size))
            call: Callable[[Any], list[Any]] = lambda t: t.unbind(da)  # noqa: E731
            spelled_op = f"unbind({da})"
        else:
            if name == "chunk":
                c = data.draw(st.integers(1, size + 1), label="chunks")
                step = -(-size // c)
                lengths = [min(step, size - s) for s in range(0, size, step)]
                call = lambda t: t.chunk(c, da)  # noqa: E731
                spelled_op = f"chunk({c}, {da})"
            elif data.draw(st.booleans(), label="one size"):
                step = data.draw(st.integers(1, size + 1), label="split size")
                lengths = [min(step, size - s) for s in range(0, size, step)]
                call = lambda t: t.split(step, da)  # noqa: E731
                spelled_op = f"split({step}, {da})"
            else:
                inner = st.sets(st.integers(1, size - 1)) if size > 1 else st.just(set())
                cuts = sorted(data.draw(inner, label="cuts"))
                bounds = [0, *cuts, size]
                lengths = [b - a for a, b in pairwise(bounds)]
                call = lambda t: t.split(lengths, da)  # noqa: E731
                spelled_op = f"split({lengths}, {da})"
            starts = np.cumsum([0, *lengths[:-1]]).tolist()
            pieces = [slice(s, s + k) for s, k in zip(starts, lengths, strict=True)]
        keep = sorted(
            data.draw(
                st.sets(st.integers(0, len(pieces) - 1), min_size=1, max_size=2), label="keep"
            )
        )

        def take(t: Any) -> list[Any]:
            got = call(t)
            assert len(got) == len(pieces), (spelled_op, len(got), len(pieces))
            return [got[j] for j in keep]

        return ViewOp(
            f"{spelled_op}{keep}",
            take,
            lambda m: [m[_along(d, pieces[j])] for j in keep],
        )
    if name == "diagonal":
        (d1, a1) = _axis(data, n, "dim1")
        d2 = data.draw(st.sampled_from([d for d in range(n) if d != d1]), label="dim2")
        a2 = d2 - n if data.draw(st.booleans(), label="dim2 < 0") else d2
        k = data.draw(st.integers(-(shape[d1] - 1), shape[d2] - 1), label="offset")
        return ViewOp(
            f"diagonal({k}, {a1}, {a2})",
            one(lambda t: t.diagonal(k, a1, a2)),
            one(lambda m: np.diagonal(m, k, d1, d2)),
        )
    if name == "expand":
        lead = data.draw(st.lists(st.integers(1, 3), max_size=2), label="new dims")
        sizes = [data.draw(st.integers(1, 3), label="size") if s == 1 else s for s in shape]
        target = (*lead, *sizes)
        spelled = (
            *lead,
            *(
                -1 if s == old and data.draw(st.booleans(), label="-1") else s
                for s, old in zip(sizes, shape, strict=True)
            ),
        )
        how = data.draw(st.sampled_from(["expand", "expand_tuple", "broadcast_to"]), label="how")
        calls = {
            "expand": lambda t: t.expand(*spelled),
            "expand_tuple": lambda t: t.expand(spelled),
            "broadcast_to": lambda t: t.broadcast_to(target),
        }
        return ViewOp(
            f"{how}{spelled if how != 'broadcast_to' else target}",
            one(calls[how]),
            one(lambda m: np.broadcast_to(m, target)),
        )
    # as_strided: a line along one dimension, or overlapping windows sliding along it,
    # spelled with the tensor's own strides and offset.
    d = data.draw(st.integers(0, n - 1), label="dim")
    k = data.draw(st.integers(1, shape[d]), label="window")
    windows = shape[d] - k + 1
    line = data.draw(st.booleans(), label="line")
    at = tuple(slice(None) if i == d else 0 for i in range(n))
    explicit = data.draw(st.booleans(), label="explicit offset")

    def strided(t: Any) -> Any:
        s = t.strides[d]
        off = t.offset if explicit else None
        if line:
            return t.as_strided((shape[d],), (s,), off)
        return t.as_strided((windows, k), (s, s), off)

    def strided_model(m: np.ndarray) -> np.ndarray:
        row = m[at]
        if line:
            return row
        return np.lib.stride_tricks.as_strided(row, (windows, k), (row.strides[0],) * 2)

    return ViewOp(
        f"as_strided({'line' if line else f'windows {windows}x{k}'} along {d})",
        one(strided),
        one(strided_model),
    )


class OwnershipMachine(RuleBasedStateMachine):
    """Random ownership programs against the copy model of DESIGN §2."""

    def __init__(self) -> None:
        super().__init__()
        self.handles: list[Handle] = []
        self.counter = 0

    # -- helpers -------------------------------------------------------------------

    def _add(self, h: Handle) -> Handle:
        self.counter += 1
        h.label = f"{h.kind}{self.counter}"
        if h.kind in TENSOR_KINDS:
            h.overlap = _layout_overlaps(h.obj.shape, h.obj.strides)
        self.handles.append(h)
        return h

    def _keep(self, h: Handle, what: str) -> None:
        """Check a new handle against its model now; keep it while there is room."""
        assert h.obj.shape == h.model.shape, (what, h.obj.shape, h.model.shape)
        assert h.obj.tolist() == h.model.tolist(), (what, h.obj.tolist(), h.model.tolist())
        if not self._full():
            self._add(h)

    def _pick(self, data: st.DataObject, kinds: tuple[str, ...]) -> Handle | None:
        cands = [h for h in self.handles if h.kind in kinds]
        if not cands:
            return None
        return data.draw(st.sampled_from(cands), label="handle")

    def _full(self) -> bool:
        return len(self.handles) >= MAX_HANDLES

    @staticmethod
    def _shared(h: Handle) -> bool:
        return h.group is not None and h.group.shared

    def _frozen_of(self, h: Handle, v: Any, window: np.ndarray) -> Handle:
        """The handle of a frozen view ``v`` taken from ``h`` over the model ``window``:
        an independent snapshot of owned memory, a read-only window of shared memory."""
        if self._shared(h):
            assert v.is_shared is True
            return Handle("sview", v, _read_only(window), h.group)
        assert v.is_shared is False
        return Handle("frozen", v, np.array(window))

    def _create(self, data: st.DataObject) -> None:
        shape = data.draw(_shapes(), label="shape")
        dname = data.draw(st.sampled_from(sorted(DTYPES)), label="dtype")
        values = data.draw(_values(dname, shape), label="values")
        how = data.draw(st.sampled_from(["tensor", "from_numpy", "from_dlpack"]), label="how")
        g = Group()
        if how == "tensor":
            t = ct.tensor(values.tolist(), dtype=DTYPES[dname][0])
            self._add(Handle("owner", t, values.copy(), g))
            return
        # from_numpy over a (possibly transposed or reversed) view of a fresh array:
        # the array is a writable alias of the new owner.
        base = values.copy()
        model_base = values.copy()
        layouts = ["plain", "reversed"] + (["transposed"] if base.ndim == 2 else [])
        layout = data.draw(st.sampled_from(layouts), label="layout")

        def arrange(a: np.ndarray) -> np.ndarray:
            if layout == "reversed":
                return a[::-1]
            if layout == "transposed":
                return a.T
            return a

        t = ct.from_numpy(arrange(base)) if how == "from_numpy" else ct.from_dlpack(arrange(base))
        g.shared = True
        self._add(Handle("owner", t, arrange(model_base), g))
        self._add(Handle("w", base, model_base, g))

    # -- rules ---------------------------------------------------------------------

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self._create(data)

    @rule(data=st.data())
    def create(self, data: st.DataObject) -> None:
        if not self._full():
            self._create(data)

    @rule(data=st.data())
    def clone(self, data: st.DataObject) -> None:
        cands = [h for h in self.handles if h.kind in TENSOR_KINDS]
        if not cands or self._full():
            return
        h = data.draw(st.sampled_from(cands), label="handle")
        c = h.obj.clone()
        assert type(c) is ct.Tensor
        assert c.is_shared is False
        shared = self._shared(h)
        # O(1) clone: same Buffer until a write, except of shared memory (a clone is a
        # value: it copies) and for a layout that overlaps itself (an owner never aliases
        # its own elements).
        assert (c._storage.buffer is h.obj._storage.buffer) is not (shared or h.overlap)
        assert c._storage is not h.obj._storage
        self._add(Handle("owner", c, _layout_copy(c, h.model), Group()))

    @rule(data=st.data())
    def view(self, data: st.DataObject) -> None:
        h = self._pick(data, TENSOR_KINDS)
        if h is None or self._full():
            return
        v = h.obj.view()
        assert type(v) is ct.TensorView
        assert _same_memory(v, h.obj)  # no view copies, of owned or of shared memory
        self._add(self._frozen_of(h, v, h.model))

    @rule(data=st.data())
    def view_mut(self, data: st.DataObject) -> None:
        h = self._pick(data, (*WRITABLE_KINDS, "omut"))
        if h is None or self._full():
            return
        m = h.obj.view_mut()
        assert type(m) is (_OverlappingViewMut if h.kind == "omut" else ct.TensorViewMut)
        assert m._storage is h.obj._storage
        self._add(Handle("omut" if h.kind == "omut" else "mut", m, h.model[...], h.group))

    @rule(data=st.data())
    def index(self, data: st.DataObject) -> None:
        h = self._pick(data, TENSOR_KINDS)
        if h is None or self._full() or h.model.ndim == 0:
            return
        idx = _draw_basic_index(data, h.model.shape)
        sub = h.obj[idx]
        window = h.model[(*idx, ...)]  # always a NumPy view, even for all-int indices
        assert sub.shape == window.shape
        if h.kind in ("mut", "omut"):
            assert type(sub) is (_OverlappingViewMut if h.kind == "omut" else ct.TensorViewMut)
            assert sub._storage is h.obj._storage
            self._add(Handle(h.kind, sub, window, h.group))
        else:
            assert type(sub) is ct.TensorView
            assert _same_memory(sub, h.obj)
            self._add(self._frozen_of(h, sub, window))

    @rule(data=st.data())
    def view_op_frozen(self, data: st.DataObject) -> None:
        """A named view operation on an owner or a frozen view gives frozen views that
        keep what they saw (the model is a copy of NumPy's equivalent view), or, of shared
        memory, read-only windows (the model is NumPy's equivalent view, read-only)."""
        h = self._pick(data, ("owner", *FROZEN_KINDS))
        if h is None:
            return  # when full, the new views are checked at once but not kept
        op = _draw_view_op(data, h.model.shape)
        # An owner's model is laid out like the owner, and a view of shared memory is a
        # window of it, so NumPy can view exactly where corten can; a frozen view's model
        # is a compact copy.
        mirrored = h.kind in ("owner", "sview")
        try:
            results = op.call(h.obj)
        except ct.ShapeError:
            assert op.may_refuse, op.name
            assert not mirrored or op.window(h.model)[0] is None, op.name
            return
        windows = op.window(h.model)
        for r, w in zip(results, windows, strict=True):
            if mirrored:
                assert (type(r) is ct.Tensor) is (w is None), (op.name, type(r))
            if type(r) is ct.Tensor:  # a reshape that had to copy: a new owner
                assert op.copy_shape is not None, op.name
                assert r._storage.buffer is not h.obj._storage.buffer
                model = _layout_copy(r, np.reshape(h.model, op.copy_shape))
                event(f"view_op_frozen: {op.kind} copied")
                self._keep(Handle("owner", r, model, Group()), op.name)
                continue
            event(f"view_op_frozen: {op.kind}{' (shared)' if self._shared(h) else ''}")
            assert type(r) is ct.TensorView, (op.name, type(r))
            assert _same_memory(r, h.obj), op.name  # no view copies
            if w is None:  # a view of a compact copy (the source is a frozen snapshot)
                assert not self._shared(h), op.name
                w = np.reshape(h.model, op.copy_shape)
            self._keep(self._frozen_of(h, r, w), op.name)

    @rule(data=st.data())
    def view_op_mut(self, data: st.DataObject) -> None:
        """A named view operation on a mutable view (or an owner's ``view_mut()`` and
        ``*_mut`` shortcuts) gives mutable views over the owner's Storage: the model is
        NumPy's equivalent view into the owner's model, so writes show in both. Views that
        overlap themselves (and views of them) are read-only."""
        h = self._pick(data, ("owner", "mut", "omut"))
        if h is None:
            return  # when full, the new views are checked at once but not kept
        # Every fourth time a view that may overlap itself: expand, as_strided windows.
        overlapping = data.draw(st.integers(0, 3), label="overlapping?") == 0
        only = ("expand", "as_strided") if overlapping else None
        op = _draw_view_op(data, h.model.shape, only)
        call = op.call
        if h.kind == "owner":
            if op.mut_call is not None and data.draw(st.booleans(), label="*_mut shortcut"):
                call = op.mut_call
            else:
                call = lambda t: op.call(t.view_mut())  # noqa: E731
        try:
            results = call(h.obj)
        except ct.ShapeError:
            assert op.may_refuse, op.name
            assert op.window(h.model)[0] is None, op.name
            return
        windows = op.window(h.model)
        for r, w in zip(results, windows, strict=True):
            if type(r) is ct.Tensor:  # a reshape that had to copy: a new owner
                assert op.copy_shape is not None, op.name
                assert w is None, f"{op.name}: NumPy views, corten copied"
                assert r._storage is not h.obj._storage
                assert r._storage.buffer is not h.obj._storage.buffer
                model = _layout_copy(r, np.reshape(h.model, op.copy_shape))
                event(f"view_op_mut: {op.kind} copied")
                self._keep(Handle("owner", r, model, Group()), op.name)
                continue
            assert w is not None, f"{op.name}: NumPy copies, corten gave a view {type(r)}"
            assert r._storage is h.obj._storage, op.name
            if h.kind == "omut" or _model_overlaps(w):
                assert type(r) is _OverlappingViewMut, (op.name, type(r))
                event(f"view_op_mut: {op.kind} -> omut")
                w = w.view()
                w.flags.writeable = False
                self._keep(Handle("omut", r, w, h.group), op.name)
            else:
                assert type(r) is ct.TensorViewMut, (op.name, type(r))
                event(f"view_op_mut: {op.kind} -> mut")
                if not w.flags.writeable:  # np.diagonal, np.broadcast_to: read-only views
                    w = w.view()
                    w.flags.writeable = True
                self._keep(Handle("mut", r, w, h.group), op.name)

    @rule(data=st.data())
    def write_overlapping(self, data: st.DataObject) -> None:
        h = self._pick(data, ("omut",))
        if h is None:
            return
        op = data.draw(st.sampled_from(sorted(OVERLAPPING_WRITES)), label="op")
        with pytest.raises(ct.ReadOnlyError):
            OVERLAPPING_WRITES[op](h.obj)

    @rule(data=st.data())
    def write(self, data: st.DataObject) -> None:
        h = self._pick(data, WRITABLE_KINDS)
        if h is None:
            return
        t, m = h.obj, h.model
        op = data.draw(
            st.sampled_from(["setitem", "setitem_partial", "fill_", "iadd", "imul", "copy_"]),
            label="op",
        )
        v = _scalar(h, data.draw(st.integers(-50, 50), label="value"))
        if op == "setitem":
            idx = _draw_element_index(data, m.shape)
            t[idx] = v
            m[idx] = v
        elif op == "setitem_partial":
            k = data.draw(st.integers(0, m.ndim), label="k")
            idx = _draw_element_index(data, m.shape[:k]) if k else Ellipsis
            t[idx] = v
            m[idx] = v
        elif op == "fill_":
            t.fill_(v)
            m[...] = v
        elif op == "iadd":
            t += v
            np.add(m, v, out=m)
        elif op == "imul":
            t *= _scalar(h, 2)
            np.multiply(m, 2, out=m)
        else:
            srcs = [
                s
                for s in self.handles
                if s.kind in TENSOR_KINDS and s.model.shape == m.shape and s.model.dtype == m.dtype
            ]
            src = data.draw(st.sampled_from(srcs), label="src")  # includes h itself
            snapshot = src.model.copy()
            if data.draw(st.booleans(), label="via +="):
                t += src.obj
                np.add(m, snapshot, out=m)
            else:
                t.copy_(src.obj)
                m[...] = snapshot

    @rule(data=st.data())
    def arithmetic(self, data: st.DataObject) -> None:
        # An operation's result is a new owner that shares nothing with its operands.
        # Rank 0 is left out: see test_rank0_arithmetic_result_keeps_writes (a known bug).
        cands = [h for h in self.handles if h.kind in TENSOR_KINDS and h.model.ndim > 0]
        if not cands or self._full():
            return
        h = data.draw(st.sampled_from(cands), label="handle")
        op = data.draw(st.sampled_from(["+0", "*1", "neg", "-0", "abs"]), label="op")
        x = h.obj
        r = {"+0": lambda: x + 0, "*1": lambda: x * 1, "neg": lambda: -x, "-0": lambda: x - 0}.get(
            op, lambda: abs(x)
        )()
        model = {"neg": np.negative, "abs": np.absolute}.get(op, np.copy)(h.model)
        assert type(r) is ct.Tensor
        assert r._storage.buffer is not x._storage.buffer
        self._add(Handle("owner", r, _layout_copy(r, model), Group()))

    @rule(data=st.data())
    def write_frozen(self, data: st.DataObject) -> None:
        h = self._pick(data, FROZEN_KINDS)
        if h is None:
            return
        op = data.draw(st.sampled_from(sorted(FROZEN_WRITES)), label="op")
        with pytest.raises(ct.ReadOnlyError):
            FROZEN_WRITES[op](h.obj)

    @rule(data=st.data())
    def export_readonly(self, data: st.DataObject) -> None:
        cands = [h for h in self.handles if h.kind in TENSOR_KINDS]
        if not cands or self._full():
            return
        h = data.draw(st.sampled_from(cands), label="handle")
        how = ["numpy()", "np.asarray"]
        if h.kind in FROZEN_KINDS and not _negative_strides(h.obj):
            how.append("np.from_dlpack")  # a frozen view exports read-only DLPack
        way = data.draw(st.sampled_from(how), label="export")
        a = {"numpy()": h.obj.numpy, "np.asarray": lambda: np.asarray(h.obj)}.get(
            way, lambda: np.from_dlpack(h.obj)
        )()
        assert not a.flags.writeable
        if self._shared(h):  # the memory itself, read-only
            event(f"export_readonly: {way} of shared memory")
            assert h.obj.numel == 0 or np.shares_memory(a, h.obj.numpy())
            self._add(Handle("sro", a, _read_only(h.model), h.group))
        else:
            self._add(Handle("ro", a, h.model.copy()))

    @rule(data=st.data())
    def export_writable(self, data: st.DataObject) -> None:
        h = self._pick(data, WRITABLE_KINDS)
        if h is None or self._full():
            return
        assert h.group is not None
        how = ["numpy(writable=True)"]
        if not _negative_strides(h.obj):  # corten never exports negative strides to DLPack
            how.append("np.from_dlpack")
        way = data.draw(st.sampled_from(how), label="export")
        a = h.obj.numpy(writable=True) if way != "np.from_dlpack" else np.from_dlpack(h.obj)
        assert a.flags.writeable
        assert a.shape == h.model.shape
        h.group.shared = True
        assert h.obj.is_shared is True
        self._add(Handle("w", a, h.model, h.group))

    @rule(data=st.data())
    def write_through_export(self, data: st.DataObject) -> None:
        h = self._pick(data, ("w",))
        if h is None:
            return
        idx = _draw_element_index(data, h.model.shape)
        v = _scalar(h, data.draw(st.integers(-50, 50), label="value"))
        h.obj[idx] = v
        h.model[idx] = v

    @rule(data=st.data())
    def write_readonly_export(self, data: st.DataObject) -> None:
        h = self._pick(data, ("ro", "sro"))
        if h is None:
            return
        idx = _draw_element_index(data, h.model.shape)
        with pytest.raises(ValueError, match="read-only"):
            h.obj[idx] = 1

    @rule(data=st.data())
    def drop(self, data: st.DataObject) -> None:
        if not self.handles:
            return
        i = data.draw(st.integers(0, len(self.handles) - 1), label="drop")
        h = self.handles.pop(i)
        del h

    # -- the invariant -------------------------------------------------------------

    @invariant()
    def every_handle_matches_its_model(self) -> None:
        for h in self.handles:
            if h.kind in TENSOR_KINDS:
                assert h.obj.shape == h.model.shape, h.label
                assert h.obj.is_shared is (h.kind != "frozen" and self._shared(h)), h.label
                got = h.obj.tolist()
            else:
                assert h.obj.flags.writeable is (h.kind == "w"), h.label
                got = h.obj.tolist()
            assert got == h.model.tolist(), (h.label, got, h.model.tolist())


TestOwnershipModel = OwnershipMachine.TestCase
# 400 programs of up to 60 steps: about 8 s of CPU; the whole file stays well under 20 s.
TestOwnershipModel.settings = settings(
    max_examples=400,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# --------------------------------------------------------------------------- threads


def test_threads_lose_no_write_and_frozen_views_never_change() -> None:
    n_threads, iters, width = 4, 1500, 8
    shared = ct.zeros((n_threads, width), dtype=ct.int64)  # row i belongs to thread i
    counter = ct.zeros((1,), dtype=ct.int64)  # one cell written by every thread
    source = ct.arange(16, dtype=ct.int64)  # only ever cloned
    source_values = source.tolist()
    errors: list[str] = []
    recorded: list[list[tuple[ct.TensorView, Any]]] = [[] for _ in range(n_threads)]
    barrier = threading.Barrier(n_threads)

    def worker(i: int) -> None:
        try:
            row = shared.view_mut()[i]
            cell = counter.view_mut()
            mine = source.clone()
            mine_model = np.array(source_values)
            rec = recorded[i]
            barrier.wait()
            for k in range(1, iters + 1):
                row += 1
                cell += 1
                if row.tolist() != [k] * width:
                    errors.append(f"thread {i}: own row {row.tolist()} at turn {k}")
                # a clone of a shared tensor, written: never seen by the source
                c = source.clone()
                c += i + 1
                if c.tolist() != [x + i + 1 for x in source_values]:
                    errors.append(f"thread {i}: clone of source {c.tolist()}")
                mine[k % 16] = k * 10 + i
                mine_model[k % 16] = k * 10 + i
                if k % 5 == 0:
                    v = shared.view()
                    snap = v.tolist()
                    if snap[i] != [k] * width:
                        errors.append(f"thread {i}: frozen view row {snap[i]} at turn {k}")
                    rec.append((v, snap))
                    r = shared[i]
                    rec.append((r, r.tolist()))
                    sc = shared.clone()
                    rec.append((sc, sc.tolist()))
                    cv = counter[0]
                    rec.append((cv, cv.tolist()))
                    mv = mine.view()
                    rec.append((mv, mine_model.tolist()))
                    # every earlier frozen view of this thread is still what it was
                    for old, old_snap in rec[-25:]:
                        if old.tolist() != old_snap:
                            errors.append(f"thread {i}: a frozen view changed: {old_snap}")
            if mine.tolist() != mine_model.tolist():
                errors.append(f"thread {i}: its own clone is {mine.tolist()}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(f"thread {i}: {exc!r}")

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often to widen the races
    try:
        start = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=30)
        elapsed = time.perf_counter() - start
    finally:
        sys.setswitchinterval(old_interval)
    assert not any(th.is_alive() for th in threads)
    assert errors == []
    assert shared.tolist() == [[iters] * width] * n_threads
    assert counter.tolist() == [n_threads * iters]
    assert source.tolist() == source_values
    total = 0
    for rec in recorded:
        for view, snap in rec:
            assert view.tolist() == snap
            total += 1
    assert total == n_threads * (iters // 5) * 5
    assert elapsed < 10


# Reads of an owner (or of its mutable view) that return values computed from the
# elements. Each gives the smallest element it saw.
OWNER_READS: dict[str, Callable[[Any], int]] = {
    "min": lambda o: int(o.min().item()),
    "max/argmax": lambda o: min(int(o.max().item()), int(o.argmax().item())),
    "sum": lambda o: int(o.sum().item()),
    "+": lambda o: int((o + 1).min().item()) - 1,
    "==": lambda o: -1 if (o == -1).any().item() else 0,
    "neg": lambda o: -int((-o).max().item()),
    "astype": lambda o: int(o.astype(ct.float64).min().item()),
    "t[::2]": lambda o: int(o[::2].min().item()),
    "clone": lambda o: int(o.clone().min().item()),
    "numpy()": lambda o: int(o.numpy().min()),
    "np.asarray": lambda o: int(np.asarray(o).min()),
    "gather": lambda o: int(o[[0, 1, -1]].min().item()),
    "view_mut": lambda o: int(o.view_mut().min().item()),
}


@pytest.mark.parametrize("memory", ["owned", "shared"])
def test_reads_of_owners_during_writes_never_see_another_tensor(memory: str) -> None:
    """Issue 14: a read of an owner holds what it reads for its duration.

    Writers clone an owner, write the owner (copy-on-write moves it off the clone's
    buffer, or, for shared memory, writes in place) and fill the clone with -1; readers
    read the owner in every way. The owner only ever holds values >= 0, so a negative
    value is a read of another tensor's memory. Two readers, one writer.
    """
    n, reads = 200_000, 1_200
    if memory == "owned":
        owner = ct.zeros((n,), dtype=ct.int64)
    else:
        owner = ct.from_numpy(np.zeros(n, dtype=np.int64))
    stop = threading.Event()
    bad: list[str] = []
    errors: list[str] = []
    names = sorted(OWNER_READS)

    def reader(r: int) -> None:
        try:
            for i in range(reads):
                name = names[(i + r) % len(names)]
                seen = OWNER_READS[name](owner)
                if seen < 0:
                    bad.append(f"reader {r}, read {i} ({name}) saw {seen}")
                    return
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(f"reader {r}: {exc!r}")

    def writer() -> None:
        try:
            while not stop.is_set():
                c = owner.clone()
                owner.view_mut()[0:1] += 1
                c.fill_(-1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(f"writer: {exc!r}")

    readers = [threading.Thread(target=reader, args=(r,)) for r in range(2)]
    w = threading.Thread(target=writer)
    w.start()
    for th in readers:
        th.start()
    for th in readers:
        th.join(timeout=120)
    stop.set()
    w.join(timeout=30)
    assert not any(th.is_alive() for th in (*readers, w))
    assert errors == []
    assert bad == []


# --------------------------------------------------------------------------- clone


def test_clone_is_o1_and_shares_the_buffer_until_a_write() -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.int64)
    c = t.clone()
    assert type(c) is ct.Tensor
    assert c._storage is not t._storage
    assert c._storage.buffer is t._storage.buffer
    assert t._storage.buffer.holders == 2
    t[0, 0] = 9
    assert c._storage.buffer is not t._storage.buffer
    assert t.tolist() == [[9, 2], [3, 4]]
    assert c.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("writer", ["owner", "clone"])
@pytest.mark.parametrize("op", ["setitem", "fill_", "iadd", "copy_", "export"])
def test_no_write_through_one_side_is_seen_by_the_other(writer: str, op: str) -> None:
    t = ct.arange(6, dtype=ct.int64)
    c = t.clone()
    w, other = (t, c) if writer == "owner" else (c, t)
    if op == "setitem":
        w[2] = 100
    elif op == "fill_":
        w.fill_(100)
    elif op == "iadd":
        w += 100
    elif op == "copy_":
        w.copy_(ct.full((6,), 100, dtype=ct.int64))
    else:
        w.numpy(writable=True)[2] = 100
    assert other.tolist() == [0, 1, 2, 3, 4, 5]
    assert w.tolist() != [0, 1, 2, 3, 4, 5]
    assert w._storage.buffer is not other._storage.buffer


def test_clone_of_a_clone_and_of_views_are_independent() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    cc = t.clone().clone()
    vc = t.view().clone()
    mc = t.view_mut().clone()
    assert all(x._storage.buffer is t._storage.buffer for x in (cc, vc, mc))
    t.view_mut()[1] = 20
    cc[0] = 10
    vc[2] = 30
    assert t.tolist() == [1, 20, 3]
    assert cc.tolist() == [10, 2, 3]
    assert vc.tolist() == [1, 2, 30]
    assert mc.tolist() == [1, 2, 3]


def test_exclusive_write_does_not_copy_and_dropping_a_clone_makes_it_exclusive() -> None:
    t = ct.zeros((4,), dtype=ct.int64)
    buf = t._storage.buffer
    before = ct.cow_stats()["copies"]
    t += 1
    assert t._storage.buffer is buf
    c = t.clone()
    assert buf.holders == 2
    del c
    assert buf.holders == 1
    t += 1
    assert t._storage.buffer is buf
    assert ct.cow_stats()["copies"] == before
    assert t.tolist() == [2, 2, 2, 2]


# --------------------------------------------------------------------------- frozen views


@pytest.mark.parametrize("take", ["view", "index_row", "index_elem", "slice", "reversed"])
@pytest.mark.parametrize("op", ["setitem", "fill_", "iadd", "copy_", "view_mut", "export"])
def test_frozen_view_keeps_what_it_saw(take: str, op: str) -> None:
    t = ct.tensor([[1, 2, 3], [4, 5, 6]], dtype=ct.int64)
    model = np.array([[1, 2, 3], [4, 5, 6]])
    key: Any = {
        "view": ...,
        "index_row": 1,
        "index_elem": (0, 2),
        "slice": (slice(None), slice(1, 3)),
        "reversed": (slice(None, None, -1), slice(None, None, -2)),
    }[take]
    v = t.view() if take == "view" else t[key]
    assert type(v) is ct.TensorView
    expected = model[key].tolist()
    assert v.tolist() == expected
    if op == "setitem":
        t[...] = 0
    elif op == "fill_":
        t.fill_(0)
    elif op == "iadd":
        t += 100
    elif op == "copy_":
        t.copy_(ct.zeros((2, 3), dtype=ct.int64))
    elif op == "view_mut":
        m = t.view_mut()[1]
        m[...] = 0
    else:
        t.numpy(writable=True)[...] = 0
    assert t.tolist() != model.tolist()
    assert v.tolist() == expected


def test_frozen_view_has_no_write_path() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    v = t.view()
    sub = t[1:]
    for frozen in (v, sub, v[0:2]):
        assert type(frozen) is ct.TensorView
        assert not hasattr(frozen, "view_mut")
        with pytest.raises(ct.ReadOnlyError):
            frozen[0] = 5
        with pytest.raises(ct.ReadOnlyError):
            frozen.fill_(5)
        with pytest.raises(ct.ReadOnlyError):
            frozen.copy_(frozen)
        with pytest.raises(ct.ReadOnlyError):
            frozen += 1
        with pytest.raises(ct.ReadOnlyError):
            frozen *= 2
        with pytest.raises(ct.ReadOnlyError):
            frozen.numpy(writable=True)
    assert v.tolist() == [1, 2, 3]
    assert sub.tolist() == [2, 3]
    assert t.tolist() == [1, 2, 3]


def test_frozen_view_survives_its_owner() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    v = t[1:]
    buf = t._storage.buffer
    del t
    assert buf.holders == 1
    assert v.tolist() == [2, 3]


# --------------------------------------------------------------------------- mutable views


def test_view_mut_writes_are_seen_by_owner_and_mutable_views_only() -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.int64)
    c = t.clone()
    v = t.view()
    m1 = t.view_mut()
    m2 = t.view_mut()
    assert m1._storage is t._storage is m2._storage
    m1[0, 0] = 10
    m2 += 1
    row = m1[1]
    assert type(row) is ct.TensorViewMut
    row.fill_(0)
    col = m2[:, 1]
    assert type(col) is ct.TensorViewMut
    col.copy_(ct.tensor([7, 8], dtype=ct.int64))
    expected = [[11, 7], [0, 8]]
    assert t.tolist() == m1.tolist() == m2.tolist() == expected
    assert row.tolist() == [0, 8]
    assert col.tolist() == [7, 8]
    assert c.tolist() == v.tolist() == [[1, 2], [3, 4]]
    t[0, 0] = -1  # the owner's writes are seen by its mutable views
    assert m1.tolist()[0][0] == m2.tolist()[0][0] == -1
    assert col.tolist() == [7, 8]


def test_view_mut_outlives_the_owner_handle() -> None:
    t = ct.zeros((2, 2), dtype=ct.int64)
    m = t.view_mut()
    row = m[0]
    del t
    row.fill_(3)
    assert m.tolist() == [[3, 3], [0, 0]]


def test_frozen_view_of_a_mutable_view_is_frozen() -> None:
    t = ct.zeros((3,), dtype=ct.int64)
    m = t.view_mut()
    v = m.view()
    c = m.clone()
    assert type(v) is ct.TensorView
    assert type(c) is ct.Tensor
    m += 5
    assert v.tolist() == c.tolist() == [0, 0, 0]
    assert t.tolist() == [5, 5, 5]


def test_copy_from_an_overlapping_mutable_view() -> None:
    t = ct.arange(5, dtype=ct.int64)
    m = t.view_mut()
    m[1:].copy_(m[:-1])
    assert t.tolist() == [0, 0, 1, 2, 3]
    m[:-1] += m[1:]
    assert t.tolist() == [0, 1, 3, 5, 3]


# --------------------------------------------------------------------------- named views


def _writable(a: np.ndarray) -> np.ndarray:
    """``a`` (a read-only NumPy view such as a diagonal) made writable, where its base is."""
    if a.base is not None and a.base.flags.writeable:
        a.flags.writeable = True
    return a


# Each named view operation on a (2, 3, 4) tensor, and its NumPy equivalent (a view).
NAMED_VIEWS: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray]]] = {
    "slice": (lambda t: t.slice(1, slice(None, None, -1)), lambda a: a[1, ::-1]),
    "narrow": (lambda t: t.narrow(2, -3, 2), lambda a: a[:, :, 1:3]),
    "select": (lambda t: t.select(1, -1), lambda a: a[:, -1]),
    "permute": (lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1)),
    "transpose": (lambda t: t.transpose(0, -1), lambda a: a.swapaxes(0, -1)),
    "T": (lambda t: t.T, lambda a: a.T),
    "mT": (lambda t: t.mT, lambda a: a.swapaxes(-2, -1)),
    "reshape": (lambda t: t.reshape(6, -1), lambda a: a.reshape(6, 4)),
    "view_as": (lambda t: t.view_as(2, 12), lambda a: a.reshape(2, 12)),
    "flatten": (lambda t: t.flatten(), lambda a: a.reshape(-1)),
    "unsqueeze": (lambda t: t.unsqueeze(-2), lambda a: a[:, :, None]),
    "squeeze": (lambda t: t.narrow(0, 1, 1).squeeze(0), lambda a: a[1]),
    "flip": (lambda t: t.flip((0, 2)), lambda a: a[::-1, :, ::-1]),
    "split": (lambda t: t.split([1, 3], 2)[1], lambda a: a[:, :, 1:]),
    "chunk": (lambda t: t.chunk(2, 1)[0], lambda a: a[:, :2]),
    "unbind": (lambda t: t.unbind(2)[3], lambda a: a[:, :, 3]),
    "diagonal": (lambda t: t.diagonal(1, 1, 2), lambda a: _writable(a.diagonal(1, 1, 2))),
    "as_strided": (
        lambda t: t.as_strided((3, 2), (4, 2), 1),
        lambda a: np.lib.stride_tricks.as_strided(a.ravel()[1:], (3, 2), (32, 16)),
    ),
}
# Views that overlap themselves: mutable ones must refuse every write.
OVERLAPPING_VIEWS: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray]]] = {
    "expand": (
        lambda t: t.select(0, 0).expand(2, 3, 4),
        lambda a: np.broadcast_to(a[0], (2, 3, 4)),
    ),
    "broadcast_to": (
        lambda t: t.narrow(1, 0, 1).broadcast_to((2, 2, 3, 4)),
        lambda a: np.broadcast_to(a[:, :1], (2, 2, 3, 4)),
    ),
    "as_strided": (
        lambda t: t.as_strided((3, 4), (2, 1)),
        lambda a: np.lib.stride_tricks.as_strided(a, (3, 4), (16, 8)),
    ),
}


@pytest.mark.parametrize("name", sorted(NAMED_VIEWS))
def test_named_views_of_a_view_mut_write_through_and_frozen_ones_keep_what_they_saw(
    name: str,
) -> None:
    op, np_op = NAMED_VIEWS[name]
    t = ct.tensor(np.arange(24, dtype=np.int64).reshape(2, 3, 4))
    model = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    c = t.clone()
    frozen = op(t)
    assert type(frozen) is ct.TensorView
    assert frozen.tolist() == np_op(model).tolist()
    m = op(t.view_mut())
    assert type(m) is ct.TensorViewMut
    assert m._storage is t._storage
    other = t.view_mut()
    m += 100
    np_op(model)[...] += 100
    assert t.tolist() == other.tolist() == model.tolist()
    assert m.tolist() == np_op(model).tolist()
    t.fill_(-1)  # the owner's writes are seen by its named mutable views
    assert m.tolist() == np.full(np_op(model).shape, -1).tolist()
    assert frozen.tolist() == np_op(np.arange(24).reshape(2, 3, 4)).tolist()
    assert c.tolist() == np.arange(24).reshape(2, 3, 4).tolist()


@pytest.mark.parametrize("name", sorted(OVERLAPPING_VIEWS))
@pytest.mark.parametrize("write", sorted(OVERLAPPING_WRITES))
def test_overlapping_mutable_views_refuse_writes_and_see_the_owner(name: str, write: str) -> None:
    op, np_op = OVERLAPPING_VIEWS[name]
    t = ct.tensor(np.arange(24, dtype=np.int64).reshape(2, 3, 4))
    model = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    m = op(t.view_mut())
    assert type(m) is _OverlappingViewMut
    assert m._storage is t._storage
    assert m.tolist() == np_op(model).tolist()
    with pytest.raises(ct.ReadOnlyError):
        OVERLAPPING_WRITES[write](m)
    assert t.tolist() == model.tolist()
    t += 1  # an overlapping view still sees its owner's writes
    assert m.tolist() == np_op(model + 1).tolist()
    assert type(op(t)) is ct.TensorView  # from an owner: frozen


@pytest.mark.parametrize("source", ["frozen", "mut"])
@pytest.mark.parametrize("name", sorted(OVERLAPPING_VIEWS))
def test_clone_of_an_overlapping_view_is_independent(source: str, name: str) -> None:
    op, np_op = OVERLAPPING_VIEWS[name]
    t = ct.tensor(np.arange(24, dtype=np.int64).reshape(2, 3, 4))
    view = op(t if source == "frozen" else t.view_mut())
    c = view.clone()
    expected = np_op(np.arange(24, dtype=np.int64).reshape(2, 3, 4)).copy()
    idx = (1,) + (0,) * (c.ndim - 1)  # an element that shares memory with another
    c[idx] = -7
    expected[idx] = -7
    assert c.tolist() == expected.tolist()


# --------------------------------------------------------------------------- exports


def test_readonly_export_keeps_what_it_saw_and_pins_the_buffer() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    buf = t._storage.buffer
    a = t.numpy()
    assert not a.flags.writeable
    assert np.shares_memory(a, buf.array)
    assert buf.holders == 2
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 7
    t[0] = 7
    assert a.tolist() == [1, 2, 3]
    assert t.tolist() == [7, 2, 3]
    b = np.asarray(t)
    assert not b.flags.writeable
    t.view_mut()[1] = 8
    assert b.tolist() == [7, 2, 3]


def test_dropping_a_readonly_export_unpins_the_buffer() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    buf = t._storage.buffer
    a = t.numpy()
    assert buf.holders == 2
    del a
    assert buf.holders == 1
    t[0] = 0
    assert t._storage.buffer is buf


def test_writable_export_shares_the_memory() -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.int64)
    early = t.view()
    m = t.view_mut()
    a = t.numpy(writable=True)
    assert a.flags.writeable
    assert t.is_shared
    assert m.is_shared
    assert not early.is_shared
    assert not _same_memory(early, t)  # views taken before keep what they saw
    a[0, 0] = 10  # writes through the array are seen by the tensor and its mutable views
    assert t.tolist() == m.tolist() == [[10, 2], [3, 4]]
    t[1, 1] = 40  # and the tensor's writes by the array
    m[0, 1] = 20
    assert a.tolist() == [[10, 20], [3, 40]]
    # new clones copy (a clone is a value); new frozen views are windows (issue 13) ...
    before = ct.cow_stats()["copies"]
    c = t.clone()
    assert ct.cow_stats()["copies"] == before + 1
    v = t.view()
    row = t[1]
    assert not c.is_shared
    assert v.is_shared
    assert row.is_shared
    assert not np.shares_memory(c.numpy(), a)
    assert np.shares_memory(v.numpy(), a)
    assert np.shares_memory(row.numpy(), a)
    # ... so the views see later writes through the array, and the clone does not
    a[...] = 0
    assert t.tolist() == v.tolist() == [[0, 0], [0, 0]]
    assert row.tolist() == [0, 0]
    assert c.tolist() == [[10, 20], [3, 40]]
    assert early.tolist() == [[1, 2], [3, 4]]
    # the owner writes in place, views alive or not: the array and the views see it
    t += 1
    assert a.tolist() == v.tolist() == [[1, 1], [1, 1]]


def test_writable_export_of_a_mutable_sub_view() -> None:
    t = ct.zeros((2, 3), dtype=ct.int64)
    m = t.view_mut()[1, 1:]
    a = m.numpy(writable=True)
    assert a.shape == (2,)
    a[:] = [5, 6]
    assert t.tolist() == [[0, 0, 0], [0, 5, 6]]
    b = t.numpy(writable=True)  # a second writable export aliases the same memory
    b[1, 2] = 9
    assert a.tolist() == [5, 9]


def test_from_numpy_aliases_both_ways() -> None:
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    t = ct.from_numpy(a)
    assert t.is_shared
    a[0, 0] = 100
    assert t.tolist() == [[100, 1, 2], [3, 4, 5]]
    t[1, 2] = 50
    t.view_mut()[0, 1] = 60
    assert a.tolist() == [[100, 60, 2], [3, 4, 50]]
    c = t.clone()
    v = t.view()
    a[...] = 0
    assert c.tolist() == [[100, 60, 2], [3, 4, 50]]  # a clone is a value
    assert t.tolist() == v.tolist() == [[0, 0, 0], [0, 0, 0]]  # a view is a window


@pytest.mark.parametrize("arrange", ["transposed", "reversed", "strided"])
def test_from_numpy_aliases_non_contiguous_arrays(arrange: str) -> None:
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    src = {"transposed": base.T, "reversed": base[::-1, ::-1], "strided": base[:, ::2]}[arrange]
    t = ct.from_numpy(src)
    assert t.tolist() == src.tolist()
    t += 1.0
    assert t.tolist() == src.tolist()
    src[0, 0] = -5.0
    assert t.tolist()[0][0] == -5.0
    if arrange == "strided":  # the gaps between the aliased columns are never written
        assert base[:, 1::2].tolist() == np.arange(12.0).reshape(3, 4)[:, 1::2].tolist()


def test_from_numpy_copy_does_not_alias() -> None:
    a = np.arange(3, dtype=np.int64)
    t = ct.from_numpy(a, copy=True)
    a[0] = 9
    t[1] = 8
    assert a.tolist() == [9, 1, 2]
    assert t.tolist() == [0, 8, 2]


def test_readonly_from_numpy_array_is_never_written() -> None:
    a = np.arange(4, dtype=np.int64)
    a.flags.writeable = False
    t = ct.from_numpy(a)
    m = t.view_mut()
    before = ct.cow_stats()["copies"]
    t += 10  # the tensor copies first
    assert ct.cow_stats()["copies"] == before + 1
    assert a.tolist() == [0, 1, 2, 3]
    assert t.tolist() == m.tolist() == [10, 11, 12, 13]
    b = np.arange(4, dtype=np.int64)
    b.flags.writeable = False
    for write in (
        lambda x: x.fill_(1),
        lambda x: x.__setitem__(0, 1),
        lambda x: x.copy_(x),
        lambda x: x.numpy(writable=True).fill(1),
    ):
        write(ct.from_numpy(b))
    assert b.tolist() == [0, 1, 2, 3]


# --------------------------------------------------------------------------- stats, warning


def test_cow_stats_count_a_copy_and_its_bytes() -> None:
    t = ct.zeros((4, 4), dtype=ct.float64)
    v = t.view()
    s0 = ct.cow_stats()
    t[0, 0] = 1.0
    s1 = ct.cow_stats()
    assert s1["copies"] == s0["copies"] + 1
    assert s1["bytes"] == s0["bytes"] + 4 * 4 * 8
    t[0, 1] = 1.0  # exclusive now: no copy
    assert ct.cow_stats() == s1
    assert v.tolist() == [[0.0] * 4] * 4


def test_a_write_after_the_views_are_gone_copies_nothing() -> None:
    """Frozen views of a writer share one Storage that the writer caches; once the views
    are dropped, the next write reclaims it and writes in place."""
    t = ct.zeros((64,), dtype=ct.int32)
    for _ in range(3):
        v = t[1:10]
        w = t.view()
        assert v._storage is w._storage  # one Storage for all frozen views of the buffer
        del v, w
        before = ct.cow_stats()
        t += 1
        assert ct.cow_stats() == before
    kept = t[0:4]
    before = ct.cow_stats()
    t += 1
    assert ct.cow_stats()["copies"] == before["copies"] + 1
    assert kept.tolist() == [3, 3, 3, 3]
    assert t[0:4].tolist() == [4, 4, 4, 4]
    del kept
    before = ct.cow_stats()
    t += 1  # the kept view's Storage went with the old buffer: nothing to copy now
    assert ct.cow_stats() == before


def test_views_taken_while_another_thread_writes_never_change() -> None:
    t = ct.zeros((256,), dtype=ct.int64)
    stop = threading.Event()
    seen: list[str] = []

    def writer() -> None:
        while not stop.is_set():
            t.__iadd__(1)

    def reader() -> None:
        for _ in range(2000):
            v = t.view()
            first = v.tolist()
            if len(set(first)) != 1 or v.tolist() != first:
                seen.append(f"view changed or torn: {sorted(set(first))}")
                return

    w = threading.Thread(target=writer)
    readers = [threading.Thread(target=reader) for _ in range(2)]
    w.start()
    for r in readers:
        r.start()
    for r in readers:
        r.join()
    stop.set()
    w.join()
    assert seen == []


def _set0(t: Any, c: Any) -> None:
    t[0] = 1


def _fill(t: Any, c: Any) -> None:
    t.fill_(1)


def _copy(t: Any, c: Any) -> None:
    t.copy_(c)


def _export(t: Any, c: Any) -> None:
    t.numpy(writable=True)


@pytest.mark.parametrize("write", [_set0, _fill, _copy, _export])
def test_cow_warning_names_the_writing_line(write: Any) -> None:
    t = ct.zeros((4,), dtype=ct.int64)
    c = t.clone()
    ct.set_cow_warning(0)
    try:
        with pytest.warns(ct.CopyOnWriteWarning, match="32 bytes") as rec:
            write(t, c)
    finally:
        ct.set_cow_warning(None)
    assert len(rec) == 1
    assert rec[0].filename == __file__
    assert c.tolist() == [0, 0, 0, 0]


def test_cow_warning_threshold_and_off() -> None:
    t = ct.zeros((4,), dtype=ct.int64)  # 32 bytes
    c = t.clone()
    ct.set_cow_warning(32)  # warns strictly above the threshold: not here
    try:
        t[0] = 1  # a warning here would be an error (filterwarnings = error)
        c2 = t.clone()
        ct.set_cow_warning(31)
        with pytest.warns(ct.CopyOnWriteWarning):
            t[1] = 1
        c3 = t.clone()
        ct.set_cow_warning(None)
        t[2] = 1
        ct.set_cow_warning(0)
        t[3] = 1  # exclusive: no copy, no warning
    finally:
        ct.set_cow_warning(None)
    assert c.tolist() == [0, 0, 0, 0]
    assert c2.tolist() == [1, 0, 0, 0]
    assert c3.tolist() == [1, 1, 0, 0]
    with pytest.raises(ValueError, match="threshold_bytes"):
        ct.set_cow_warning(-1)


# --------------------------------------------------------------------------- regressions


@pytest.mark.parametrize("op", ["add", "mul", "sub", "neg"])
@pytest.mark.parametrize("write", ["fill_", "setitem", "iadd"])
def test_rank0_arithmetic_result_keeps_writes(op: str, write: str) -> None:
    x = ct.tensor(5, dtype=ct.int64)
    y = {"add": lambda: x + 1, "mul": lambda: x * 1, "sub": lambda: x - 0, "neg": lambda: -x}[op]()
    if write == "fill_":
        y.fill_(0)
    elif write == "setitem":
        y[()] = 0
    else:
        y += -y.item()
    assert y.tolist() == 0
    assert x.tolist() == 5


def test_cow_warning_from_inplace_operator_names_the_writing_line() -> None:
    t = ct.zeros((4,), dtype=ct.int64)
    c = t.clone()
    ct.set_cow_warning(0)
    try:
        with pytest.warns(ct.CopyOnWriteWarning) as rec:
            t += 1
    finally:
        ct.set_cow_warning(None)
    assert c.tolist() == [0, 0, 0, 0]
    assert rec[0].filename == __file__


def test_readonly_export_of_shared_memory_is_the_memory() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    a = t.numpy(writable=True)
    r = t.numpy()
    assert not r.flags.writeable
    assert np.shares_memory(r, a)
    a[0] = 100
    t[1] = 200
    assert r.tolist() == [100, 200, 3]


def test_readonly_export_after_escape_keeps_the_writable_alias_connected() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    a = t.numpy(writable=True)
    r = t.numpy()
    t.fill_(7)
    a[1] = 55
    assert r is not None
    assert a.tolist() == [7, 55, 7]
    assert t.tolist() == [7, 55, 7]


def test_readonly_export_is_atomic_with_concurrent_writes() -> None:
    t = ct.zeros((64,), dtype=ct.int64)
    stop = threading.Event()

    def writer() -> None:
        m = t.view_mut()
        while not stop.is_set():
            m += 1

    changed = 0
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    th = threading.Thread(target=writer)
    th.start()
    try:
        deadline = time.perf_counter() + 1.0
        while changed == 0 and time.perf_counter() < deadline:
            taken = []
            for _ in range(200):
                r = t.numpy()
                taken.append((r, r.tolist()))
            changed = sum(r.tolist() != snap for r, snap in taken)
    finally:
        stop.set()
        th.join()
        sys.setswitchinterval(old_interval)
    assert changed == 0


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
@pytest.mark.parametrize("kind", ["owner", "frozen", "mut"])
def test_copy_module_gives_independent_owners(copier: Any, kind: str) -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    src = {"owner": t, "frozen": t.view(), "mut": t.view_mut()}[kind]
    c = copier(src)
    assert type(c) is ct.Tensor
    c += 10
    assert c.tolist() == [11, 12, 13]
    assert t.tolist() == [1, 2, 3]
    assert src.tolist() == [1, 2, 3]


@pytest.mark.parametrize("kind", ["owner", "frozen", "mut"])
def test_pickle_round_trip_keeps_kind_and_values(kind: str) -> None:
    t = ct.tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    src = {"owner": t, "frozen": t[:, ::-1], "mut": t.view_mut()[1]}[kind]
    back = pickle.loads(pickle.dumps(src))
    assert type(back) is type(src)
    assert back.dtype is src.dtype
    assert back.tolist() == src.tolist()
    if kind != "frozen":
        back += 1  # an independent buffer: the original is untouched
        assert t.tolist() == [[0, 1, 2], [3, 4, 5]]
