"""The extension registry: tensor methods whose code lives in the layers above.

The tensor types cannot import ``corten.pipelines``, ``corten.interop`` or
``corten.serialization`` (those build on the tensor types). Each of those packages
assigns its implementations here when it is imported (``import corten`` imports them
all), and the tensor methods call them through :data:`EXT`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

__all__ = ["EXT"]


def _missing(name: str) -> Callable[..., Any]:
    def call(*args: object, **kwargs: object) -> Any:
        raise RuntimeError(f"{name} is not available: import corten (the package) first")

    return call


class _Extensions:
    """One attribute per method that an upper layer implements."""

    __slots__ = (
        "apply_",
        "array_interface",
        "buffer",
        "cuda_array_interface",
        "dlpack",
        "dlpack_device",
        "indexed_iter",
        "iter",
        "iter_dim",
        "iter_mut",
        "map",
        "matmul",
        "namespace",
        "par_iter",
        "reduce_ex",
        "to_bytes",
        "to_dict",
    )

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, _missing(name))

    # Annotations for the checkers; every one is set in __init__ and by registration.
    apply_: Callable[..., Any]
    array_interface: Callable[..., Any]
    buffer: Callable[..., Any]
    cuda_array_interface: Callable[..., Any]
    dlpack: Callable[..., Any]
    dlpack_device: Callable[..., Any]
    indexed_iter: Callable[..., Any]
    iter: Callable[..., Any]
    iter_dim: Callable[..., Any]
    iter_mut: Callable[..., Any]
    map: Callable[..., Any]
    matmul: Callable[..., Any]
    namespace: Callable[..., Any]
    par_iter: Callable[..., Any]
    reduce_ex: Callable[..., Any]
    to_bytes: Callable[..., Any]
    to_dict: Callable[..., Any]


#: Filled in by corten.pipelines, corten.interop, corten.serialization and corten.ops on
#: import, and ``namespace`` (the array API namespace, ``t.__array_namespace__()``) by
#: ``corten``.
EXT: Final = _Extensions()
