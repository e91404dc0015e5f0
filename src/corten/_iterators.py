"""Element iteration and compiled parallel pipelines (``iter``, ``par_iter``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corten.tensor import TensorView

__all__ = ["iter_elements"]


def iter_elements(t: TensorView[Any, Any, Any]) -> Iterator[Any]:
    """The elements of ``t`` as Python scalars in row-major order."""
    t._require_host("iter()")
    return iter(t._np().reshape(-1).tolist())
