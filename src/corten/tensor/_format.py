"""NumPy-like text forms of tensors, with elision of large tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

from corten.core.devices import Device

_THRESHOLD = 1000
_EDGE = 3
#: The dtypes a repr leaves out: those that Python data gives without a dtype.
_DEFAULTS = frozenset({"float32", "int64", "bool", "complex64"})


def tensor_str(arr: np.ndarray[Any, Any]) -> str:
    return np.array2string(arr, threshold=_THRESHOLD, edgeitems=_EDGE, separator=" ")


def tensor_repr(
    arr: np.ndarray[Any, Any], dtype_name: str, device: Device, shared: bool = False
) -> str:
    prefix = "tensor("
    body = np.array2string(
        arr, threshold=_THRESHOLD, edgeitems=_EDGE, separator=", ", prefix=prefix
    )
    extras = [] if dtype_name in _DEFAULTS else [f"dtype={dtype_name}"]
    if device.kind != "cpu":
        extras.append(f"device='{device}'")
    if arr.size == 0:
        extras.append(f"shape={arr.shape}")
    if shared:
        extras.append("shared=True")
    tail = "".join(f", {e}" for e in extras)
    return f"{prefix}{body}{tail})"
