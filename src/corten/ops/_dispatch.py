"""Running an operation where its operands live.

On the CPU the NumPy function runs inline over the tensors' memory and its results
become new owners. On any other device the tensors go to the backend as Regions
(:meth:`corten.backends.base.Backend.compute`): ``sim`` runs NumPy over its memory in
stream order, ``meta`` infers shapes and dtypes, and a backend without the function raises
:class:`~corten.core.errors.DeviceUnavailableError` naming it.

Examples
--------
>>> import numpy as np
>>> import corten as ct
>>> from corten.ops._dispatch import run
>>> run("sqrt", np.sqrt, ct.tensor([4.0, 9.0], device=ct.sim)).to_cpu().tolist()
[2.0, 3.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from corten.backends import get_backend
from corten.backends.base import map_results
from corten.core.devices import Device, cpu
from corten.core.errors import DeviceMismatchError
from corten.core.operands import leaves, map_leaves
from corten.memory.region import Region
from corten.tensor import TensorView
from corten.tensor._build import _result, _wrap_region

__all__ = ["device_of", "run"]

Array = np.ndarray[Any, Any]


def _tensors(value: Any) -> list[TensorView[Any, Any, Any]]:
    """The tensors in ``value``: top level, and one level deep in tuples, lists, dicts."""
    return leaves(value, TensorView)


def device_of(name: str, tensors: list[TensorView[Any, Any, Any]]) -> Device:
    """The one device of ``tensors`` (cpu when there are none).

    Raises
    ------
    DeviceMismatchError
        If two tensors are on different devices, naming both.
    """
    if not tensors:
        return cpu
    device = tensors[0]._device
    for t in tensors[1:]:
        if t._device != device:
            raise DeviceMismatchError(
                f"{name}() got tensors on different devices: {device} and {t._device}; move "
                f"one with .to({str(device)!r})"
            )
    return device


def _substitute(value: Any, fn: Callable[[TensorView[Any, Any, Any]], Any]) -> Any:
    return map_leaves(value, TensorView, fn)


def _wrap_all(out: Any) -> Any:
    """A backend's ``compute`` result with its Regions as new owning tensors."""
    if isinstance(out, Region):
        return _wrap_region(out)
    if isinstance(out, tuple):
        return tuple(_wrap_all(o) for o in out)
    return out


def run(
    name: str, fn: Callable[..., Any], *args: Any, data_dependent: bool = False, **kwargs: Any
) -> Any:
    """``fn(*args, **kwargs)`` with corten tensors as operands, on their device.

    ``fn`` is a NumPy function (or one built from NumPy functions) that takes arrays where
    the tensors are. Array results become new owning tensors on the operands' device
    (tuples of them as tuples); scalars are returned as they are. NumPy's floating-point
    warnings are silenced (the array API's special cases give nan and inf quietly).

    Raises
    ------
    DeviceMismatchError
        If the tensors are on different devices.
    DeviceUnavailableError
        If the device's backend cannot run ``name``.
    """
    operands = [t for v in (*args, kwargs) for t in _tensors(v)]
    device = device_of(name, operands)
    if device is not cpu:
        backend = get_backend(device)
        out = backend.compute(
            name,
            fn,
            _substitute(args, TensorView._region),
            _substitute(kwargs, TensorView._region),
            data_dependent=data_dependent,
        )
        return _wrap_all(out)
    arrays = [t._np() for t in operands]
    with np.errstate(all="ignore"):
        out = fn(*_substitute(args, TensorView._np), **_substitute(kwargs, TensorView._np))

    def own(arr: Array) -> Any:
        # A result must not alias an operand: NumPy returns views for some functions.
        if any(np.may_share_memory(arr, a) for a in arrays):
            arr = arr.copy()
        return _result(arr, device)

    return map_results(out, own)
