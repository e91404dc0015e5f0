"""Memory shared with code outside corten (issue 13; DESIGN §2, "Memory shared with code
outside corten").

Memory that NumPy (or another producer) can write is *shared*: it enters through
``ct.from_numpy(a)`` or ``ct.from_dlpack`` of a writable producer, or leaves through
``t.numpy(writable=True)`` or a writable DLPack export. The rules these tests state:

- views of shared memory (indexing, ``select``, ``narrow``, ``permute``, ``reshape`` as a
  view, ``view()``, ...) are zero-copy windows, read-only for corten, that show writes
  made through the outside array and through the owner, as NumPy views do;
- the owner writes in place: the outside array sees its writes, with no copy-on-write;
- read-only exports (``numpy()``, ``np.asarray``, a read-only DLPack capsule) of shared
  memory are the memory itself, read-only;
- a clone is a value: clones, ``ct.tensor(a)`` and ``from_numpy(a, copy=True)`` copy,
  and ``ct.cow_stats()`` counts the copy a clone of shared memory makes;
- ``t.is_shared`` says whether a tensor's memory is shared, and ``repr`` shows it.

Only the public API is used here, so the tests outlive changes to the internals.
"""

from __future__ import annotations

import copy
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import corten as ct

BASE = np.arange(24, dtype=np.int64).reshape(4, 6)
MiB = 1 << 20

# ----------------------------------------------------------------------------- sources

SOURCES = (
    "from_numpy",
    "from_dlpack(ndarray)",
    "from_dlpack(torch)",
    "numpy(writable=True)",
    "writable DLPack export",
)


def shared(how: str, base: np.ndarray = BASE) -> tuple[Any, np.ndarray]:
    """A tensor over shared memory, and a NumPy array outside corten over the same memory.

    The tensor holds ``base``'s values; writes through either side reach the other.
    """
    if how == "from_numpy":
        a = base.copy()
        return ct.from_numpy(a), a
    if how == "from_dlpack(ndarray)":
        a = base.copy()
        return ct.from_dlpack(a), a
    if how == "from_dlpack(torch)":
        torch = pytest.importorskip("torch")
        tt = torch.from_numpy(base.copy())
        return ct.from_dlpack(tt), tt.numpy()  # the torch tensor's own memory
    if how == "numpy(writable=True)":
        t = ct.tensor(base)
        return t, t.numpy(writable=True)
    if how == "writable DLPack export":
        t = ct.tensor(base)
        return t, np.from_dlpack(t)
    raise AssertionError(how)


# name: (corten view of x, NumPy's view of the same elements of a)
VIEWS: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray]]] = {
    "t[1:3, 2:5]": (lambda x: x[1:3, 2:5], lambda a: a[1:3, 2:5]),
    "t[1:2]": (lambda x: x[1:2], lambda a: a[1:2]),
    "t[2]": (lambda x: x[2], lambda a: a[2]),
    "t[::-1, ::2]": (lambda x: x[::-1, ::2], lambda a: a[::-1, ::2]),
    "view()": (lambda x: x.view(), lambda a: a),
    "select(1, 2)": (lambda x: x.select(1, 2), lambda a: a[:, 2]),
    "narrow(1, 1, 3)": (lambda x: x.narrow(1, 1, 3), lambda a: a[:, 1:4]),
    "permute(1, 0)": (lambda x: x.permute(1, 0), lambda a: a.transpose(1, 0)),
    "reshape((6, 4))": (lambda x: x.reshape((6, 4)), lambda a: a.reshape(6, 4)),
    "T": (lambda x: x.T, lambda a: a.T),
    "diagonal()": (lambda x: x.diagonal(), lambda a: np.diagonal(a)),
    "view of a view": (lambda x: x[1:4].narrow(1, 2, 2)[1], lambda a: a[1:4][:, 2:4][1]),
}


def has_negative_strides(v: Any) -> bool:
    return any(s < 0 and n > 1 for n, s in zip(v.shape, v.strides, strict=True))


@contextmanager
def no_copy() -> Iterator[None]:
    """The block copies no memory: ``cow_stats`` counts none, and NumPy allocates < 1 MiB."""
    before = ct.cow_stats()
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ct.cow_stats() == before
    assert peak < MiB, f"{peak} bytes allocated"


# ----------------------------------------------------------------------------- sharing


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("how", SOURCES)
def test_views_and_read_only_exports_are_the_shared_memory(how: str, view: str) -> None:
    t, a = shared(how)
    take, window = VIEWS[view]
    v = take(t)
    want = window(a)  # a NumPy view: it follows every write to ``a``
    assert type(v) is ct.TensorView
    assert v.tolist() == want.tolist()
    exports = {"t.numpy()": t.numpy(), "v.numpy()": v.numpy(), "np.asarray(v)": np.asarray(v)}
    if not has_negative_strides(v):  # corten never exports negative strides to DLPack
        exports["np.from_dlpack(v)"] = np.from_dlpack(v)
    for name, e in exports.items():
        assert np.shares_memory(e, a), name
        assert not e.flags.writeable, name
    # Writes through the NumPy array show in the view and in every export, as they would
    # in NumPy views.
    a[...] = -a - 1
    assert v.tolist() == want.tolist()
    assert exports["v.numpy()"].tolist() == want.tolist()
    assert exports["t.numpy()"].tolist() == a.tolist()
    assert t.tolist() == a.tolist()
    a[1, 2] = 1000
    assert v.tolist() == want.tolist()
    assert exports["np.asarray(v)"].tolist() == want.tolist()


@pytest.mark.parametrize("view", ["t[1:3, 2:5]", "select(1, 2)", "permute(1, 0)", "view()"])
@pytest.mark.parametrize("how", SOURCES)
def test_the_owner_writes_in_place_and_its_views_see_it(how: str, view: str) -> None:
    t, a = shared(how)
    take, window = VIEWS[view]
    v = take(t)
    ro = t.numpy()
    want = window(a)
    model = BASE.copy()
    before = ct.cow_stats()
    t += 100
    model += 100
    t[0, 0] = -7
    model[0, 0] = -7
    t.view_mut()[1].fill_(5)
    model[1] = 5
    t.select_mut(1, 3).copy_(ct.tensor([1, 2, 3, 4]))
    model[:, 3] = [1, 2, 3, 4]
    t[2:4, ::2] = t[0:2, 1::2]
    model[2:4, ::2] = model[0:2, 1::2].copy()
    assert ct.cow_stats() == before  # no copy-on-write away from the outside array
    assert a.tolist() == model.tolist()
    assert t.tolist() == model.tolist()
    assert v.tolist() == want.tolist() == window(model).tolist()
    assert ro.tolist() == model.tolist()
    assert np.shares_memory(t.numpy(), a)


def _iadd(v: Any) -> None:
    v += 1


@pytest.mark.parametrize("how", SOURCES)
def test_views_of_shared_memory_are_read_only_for_corten(how: str) -> None:
    t, a = shared(how)
    writes: dict[str, Callable[[Any], object]] = {
        "fill_": lambda v: v.fill_(0),
        "setitem": lambda v: v.__setitem__(0, 0),
        "iadd": _iadd,
        "copy_": lambda v: v.copy_(v),
        "numpy(writable=True)": lambda v: v.numpy(writable=True),
        "apply_": lambda v: v.apply_(lambda x: x),
    }
    for view in ("t[1:3, 2:5]", "select(1, 2)", "view()"):
        v = VIEWS[view][0](t)
        for name, write in writes.items():
            with pytest.raises(ct.ReadOnlyError):
                write(v)
            assert a.tolist() == BASE.tolist(), (view, name)
        assert not np.from_dlpack(v).flags.writeable


COPIES: dict[str, Callable[[Any, np.ndarray], Any]] = {
    "t.clone()": lambda t, a: t.clone(),
    "view.clone()": lambda t, a: t[1:3].clone(),
    "ct.tensor(a)": lambda t, a: ct.tensor(a),
    "from_numpy(a, copy=True)": lambda t, a: ct.from_numpy(a, copy=True),
    "from_dlpack(a, copy=True)": lambda t, a: ct.from_dlpack(a, copy=True),
    "copy.copy(t)": lambda t, a: copy.copy(t),
    "t.to(ct.cpu)": lambda t, a: t.to(ct.cpu),
    "t.contiguous()": lambda t, a: t.contiguous(),
    "t.astype(int64)": lambda t, a: t.astype(ct.int64),
}


@pytest.mark.parametrize("make", sorted(COPIES))
@pytest.mark.parametrize("how", SOURCES)
def test_clones_and_copies_of_shared_memory_are_independent(how: str, make: str) -> None:
    t, a = shared(how)
    c = COPIES[make](t, a)
    assert type(c) is ct.Tensor
    assert not np.shares_memory(c.numpy(), a)
    values = c.tolist()
    a += 1  # through NumPy
    t[0, 0] = 99  # through the owner
    assert c.tolist() == values
    c.fill_(-1)  # and the other way
    assert a.min() >= 0
    assert t.tolist() == a.tolist()


# ----------------------------------------------------------------------------- is_shared


def test_is_shared_says_which_memory_others_can_write() -> None:
    a = BASE.copy()
    t = ct.from_numpy(a)
    assert t.is_shared is True
    for name, (take, _) in VIEWS.items():
        assert take(t).is_shared is True, name
    assert t.view_mut().is_shared is True
    assert t.narrow_mut(0, 1, 2).is_shared is True
    assert ct.from_dlpack(a).is_shared is True

    owned = ct.tensor(BASE)
    for x in (
        owned,
        owned.view(),
        owned[1:3],
        owned.view_mut(),
        ct.zeros((2, 3)),
        owned.clone(),
        t.clone(),
        t + 0,
        *(make(t, a) for make in COPIES.values()),
    ):
        assert x.is_shared is False, repr(x)

    # A read-only export leaves the memory owned; a writable one shares it.
    ro = owned.numpy()
    arr = np.asarray(owned)
    assert owned.is_shared is False
    w = owned.numpy(writable=True)
    assert owned.is_shared is True
    assert owned[0].is_shared is True
    d = ct.tensor(BASE)
    cap = np.from_dlpack(d)
    assert d.is_shared is True
    assert d.view().is_shared is True
    del ro, arr, w, cap


def test_repr_shows_shared_memory() -> None:
    a = BASE.copy()
    t = ct.from_numpy(a)
    for x in (t, t[1:3], t.view_mut(), t.select(1, 0)):
        assert "shared=True" in repr(x), repr(x)
    for x in (t.clone(), ct.tensor(a), ct.zeros(3), t[1:3].clone()):
        assert "shared" not in repr(x), repr(x)
    # a long tensor is elided; the flag stays
    assert "shared=True" in repr(ct.from_numpy(np.zeros(5000)))


# ----------------------------------------------------------------------------- zero-copy


@pytest.mark.parametrize("nbytes", [1 << 10, 64 * MiB], ids=["1KiB", "64MiB"])
def test_views_and_exports_of_a_from_numpy_tensor_copy_nothing(nbytes: int) -> None:
    cols = 256 if nbytes >= MiB else 16
    a = np.zeros((nbytes // 8 // cols, cols), dtype=np.float64)
    t = ct.from_numpy(a)
    with no_copy():
        views = [
            t[1:2, 1:2],
            t.select(0, 3),
            t.narrow(1, 2, 5),
            t.permute(1, 0),
            t.reshape((-1,)),
            t.view(),
            t[3],
        ]
        exports = [t.numpy(), views[0].numpy(), np.from_dlpack(views[1]), np.asarray(views[2])]
    for x in views:
        assert np.shares_memory(x.numpy(), a)
    for e in exports:
        assert np.shares_memory(e, a)
    a[1, 1] = 7.0
    assert views[0].item() == 7.0
    assert exports[1].item() == 7.0


def test_a_clone_of_shared_memory_counts_its_copy() -> None:
    a = np.arange(1000, dtype=np.float32)
    t = ct.from_numpy(a)
    before = ct.cow_stats()
    c = t.clone()
    after = ct.cow_stats()
    assert after["copies"] - before["copies"] == 1
    assert after["bytes"] - before["bytes"] == a.nbytes
    v = t[10:20]
    before = ct.cow_stats()
    vc = v.clone()
    after = ct.cow_stats()
    assert after["copies"] - before["copies"] == 1
    assert after["bytes"] - before["bytes"] == v.nbytes  # its own elements only
    assert c.tolist() == a.tolist()
    assert vc.tolist() == a[10:20].tolist()


@given(data=st.data())
def test_any_basic_index_of_from_numpy_is_a_window_of_the_array(data: st.DataObject) -> None:
    a = data.draw(
        hnp.arrays(np.int32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)), label="a"
    )
    idx = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True), label="index")
    t = ct.from_numpy(a)
    v = t[idx]
    items = idx if isinstance(idx, tuple) else (idx,)
    # NumPy's view of the same elements (an index of ints alone would give a copy)
    want = a[items] if any(i is Ellipsis for i in items) else a[(*items, Ellipsis)]
    assert v.shape == want.shape
    assert v.tolist() == want.tolist()
    if v.numel:
        assert np.shares_memory(v.numpy(), a)
    a[...] = data.draw(hnp.arrays(np.int32, a.shape), label="new values")
    assert v.tolist() == want.tolist()


# ----------------------------------------------------------------------------- threads


def test_threads_reading_views_of_shared_memory_while_the_owner_writes() -> None:
    a = np.zeros((64, 64), dtype=np.int64)
    t = ct.from_numpy(a)
    iters = 3000
    errors: list[str] = []
    done = threading.Event()

    def writer() -> None:
        try:
            m = t.view_mut()
            for k in range(1, iters + 1):
                t[k % 64] = k
                m[:, k % 64] += 1
                if k % 100 == 0:
                    t.fill_(k)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(f"writer: {exc!r}")
        finally:
            done.set()

    def reader() -> None:
        try:
            for i in range(iters):
                v = t[i % 64]
                w = t.narrow(1, i % 60, 4).permute(1, 0)
                assert v.shape == (64,)
                assert w.shape == (4, 64)
                v.sum()
                w.max()
                v.tolist()
                np.asarray(w).sum()
                v.numpy().copy()
                (w + 1).min()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(f"reader: {exc!r}")

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads)
    assert errors == []
    assert t.tolist() == a.tolist()
