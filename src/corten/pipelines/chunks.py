"""Row-major chunks of a strided NumPy array as lists of Python scalars.

Sequential iteration converts elements a chunk at a time: one ``tolist`` call per chunk
is far cheaper than one conversion per element, and a chunk of a non-contiguous array is
copied on its own (a few thousand elements), never the whole array.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, Final

import numpy as np

__all__ = ["CHUNK", "row_major_chunks"]

CHUNK: Final = 8192  # elements converted per tolist() call


def row_major_chunks(
    arr: np.ndarray[Any, Any], chunk: int = CHUNK, keep: object = None
) -> Iterator[list[Any]]:
    """Lists of ``arr``'s elements as Python scalars, in row-major order, ``chunk`` or fewer
    at a time (never an empty list).

    ``keep`` is held for as long as the iteration runs (a frozen view that keeps the
    elements from changing underneath it).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(6).reshape(2, 3).T
    >>> list(row_major_chunks(a, chunk=4))
    [[0, 3, 1, 4], [2, 5]]
    """
    # ``keep`` stays referenced by this generator's frame until the iteration ends.
    n = arr.size
    if n == 0:
        return
    if arr.ndim == 0:
        yield [arr.item()]
        return
    if arr.flags.c_contiguous:
        flat = arr.reshape(-1)
        if n <= chunk:
            yield flat.tolist()
            return
        for i in range(0, n, chunk):
            yield flat[i : i + chunk].tolist()
        return
    # Split the dimensions into inner ones whose elements fit one chunk, one "middle"
    # dimension that is cut into runs of rows, and outer ones that are looped over.
    shape = arr.shape
    k = arr.ndim
    inner = 1
    while k > 0 and inner * shape[k - 1] <= chunk:
        k -= 1
        inner *= shape[k]
    if k == 0:
        yield arr.reshape(-1).tolist()
        return
    mid = k - 1
    step = max(1, chunk // inner)
    rows = shape[mid]
    for outer in itertools.product(*map(range, shape[:mid])):
        sub = arr[outer]
        for j in range(0, rows, step):
            yield sub[j : j + step].reshape(-1).tolist()
