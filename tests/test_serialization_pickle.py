"""The function that pickled tensors name for their reconstruction checks its arguments.

Pickle is for trusted data (a crafted pickle runs any code); these checks make a damaged
pickle of a tensor fail clearly, with SerializationError, like bad ``from_dict`` input.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest

import corten as ct
from corten.interop import _interop


class Crafted:
    """Pickles as a call of corten's tensor reconstructor with the given arguments."""

    def __init__(self, *args: object) -> None:
        self.args = args

    def __reduce__(self) -> tuple[Any, ...]:
        return (_interop._rebuild, self.args)


BAD_PICKLES: list[tuple[str, tuple[object, ...], str]] = [
    ("four arguments", ("Tensor", "cpu", "<f4", (1,)), r"from 5 arguments .* got 4"),
    ("six arguments", ("Tensor", "cpu", "<f4", (1,), b"\0" * 4, 0), r"got 6"),
    ("kind", ("Array", "cpu", "<f4", (1,), b"\0" * 4), r"unknown tensor kind 'Array'"),
    ("kind not str", (None, "cpu", "<f4", (1,), b"\0" * 4), r"unknown tensor kind None"),
    ("device", ("Tensor", "tpu", "<f4", (1,), b"\0" * 4), r"unknown device 'tpu'"),
    ("device not str", ("Tensor", 0, "<f4", (1,), b"\0" * 4), r"unknown device 0"),
    ("dtype", ("Tensor", "cpu", "xyz", (1,), b"\0" * 4), r"unknown dtype 'xyz'"),
    ("object dtype", ("Tensor", "cpu", "O", (1,), b"\0" * 8), r"unknown dtype 'O'"),
    ("record dtype", ("Tensor", "cpu", "f4,f4", (1,), b"\0" * 8), r"unknown dtype 'f4,f4'"),
    ("dtype not str", ("Tensor", "cpu", np.float32, (1,), b"\0" * 4), r"unknown dtype <class"),
    ("shape list", ("Tensor", "cpu", "<f4", [1], b"\0" * 4), r"bad shape \[1\]"),
    ("negative dim", ("Tensor", "cpu", "<f4", (-1,), b""), r"bad shape \(-1,\)"),
    ("bool dim", ("Tensor", "cpu", "<f4", (True,), b"\0" * 4), r"bad shape \(True,\)"),
    ("numpy dim", ("Tensor", "cpu", "<f4", (np.int64(1),), b"\0" * 4), r"bad shape"),
    ("65 dims", ("Tensor", "cpu", "|u1", (1,) * 65, b"\0"), r"at most 64 integers"),
    ("huge empty", ("Tensor", "cpu", "<f4", (0, 2**70), b""), r"too large"),
    ("data str", ("Tensor", "cpu", "<f4", (1,), "abcd"), r"must be a buffer, got str"),
    ("data None", ("Tensor", "cpu", "<f4", (1,), None), r"must be a buffer, got NoneType"),
    ("short data", ("Tensor", "cpu", "<f4", (2,), b"\0" * 4), r"needs 8 contiguous bytes"),
    ("object data", ("Tensor", "cpu", "<i8", (1,), np.array([None])), r"contiguous bytes"),
]


@pytest.mark.parametrize(
    ("args", "message"), [c[1:] for c in BAD_PICKLES], ids=[c[0] for c in BAD_PICKLES]
)
def test_pickled_tensors_are_checked_on_load(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ct.SerializationError, match=message):
        _interop._rebuild(*args)
    blob = pickle.dumps(Crafted(*args), protocol=2)
    with pytest.raises(ct.SerializationError, match=message):
        pickle.loads(blob)


def test_valid_crafted_pickles_still_load() -> None:
    t = pickle.loads(pickle.dumps(Crafted("Tensor", "cpu", ">f4", (2,), b"?\x80\0\0@\0\0\0")))
    assert type(t) is ct.Tensor
    assert t.dtype == ct.float32
    assert t.tolist() == [1.0, 2.0]
    v = pickle.loads(pickle.dumps(Crafted("TensorView", "cpu", "|u1", (0, 2**40), b"")))
    assert type(v) is ct.TensorView
    assert v.shape == (0, 2**40)
