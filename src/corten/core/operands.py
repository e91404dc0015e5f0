"""Walking the operands of a call: values of one type at the top level, and one level
deep in tuples, lists and dicts (``concat([a, b])``, ``fn(x, out=y)``).

The operations layer replaces tensors by their Regions or arrays with it, and the
backends replace Regions by arrays or stand-ins: one walker for both.

Examples
--------
>>> from corten.core.operands import leaves, map_leaves
>>> map_leaves((1, [2, "a"], {"k": 3}), int, lambda v: v * 10)  # a dict two deep is a value
(10, [20, 'a'], {'k': 3})
>>> map_leaves({"k": 3, "s": "a"}, int, lambda v: v * 10)
{'k': 30, 's': 'a'}
>>> leaves((1, [2, "a"]), int)
[1, 2]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["leaves", "map_leaves"]

T = TypeVar("T")


def map_leaves(value: Any, kind: type[T], fn: Callable[[T], Any]) -> Any:
    """``value`` with ``fn`` applied to each instance of ``kind`` in it: ``value`` itself,
    its items if it is a tuple, list or dict, and the items of those that are tuples or
    lists. Containers keep their type; everything else is returned as it is."""
    if isinstance(value, kind):
        return fn(value)
    if isinstance(value, dict):
        return {k: fn(v) if isinstance(v, kind) else v for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        items = [
            fn(v)
            if isinstance(v, kind)
            else type(v)(fn(w) if isinstance(w, kind) else w for w in v)
            if isinstance(v, (tuple, list))
            else v
            for v in value
        ]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def leaves(value: Any, kind: type[T]) -> list[T]:
    """The instances of ``kind`` that :func:`map_leaves` would visit, in order."""
    found: list[T] = []
    map_leaves(value, kind, found.append)
    return found
