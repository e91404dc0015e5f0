"""Backends: one implementation of the device interface per device kind.

Built in: ``cpu``; ``sim``, a NumPy-backed accelerator with CUDA's semantics for testing
device code without a GPU; ``meta``, shapes without data; ``cuda`` where its extra and a
GPU are present. More kinds come from packages that declare a :class:`Backend` subclass
in the ``corten.backends`` entry-point group; the group is read once, on first need.

A backend's verbs work on Buffers and :class:`~corten.memory.region.Region` descriptors
(a Buffer with shape, strides and offset), never on tensors: the tensor layer above
wraps what they return.

Examples
--------
>>> import corten as ct
>>> from corten.backends import get_backend
>>> get_backend(ct.sim).kind, sorted(get_backend(ct.sim).capabilities)
('sim', ['data', 'peer_copy', 'pinned_memory', 'streams'])
"""

from corten.backends.base import (
    CAPABILITIES,
    Allocator,
    Backend,
    Block,
    Event,
    NumpyBackend,
    Stream,
)
from corten.backends.registry import (
    backend_status,
    empty_cache,
    get_backend,
    memory_stats,
    register_backend,
)

__all__ = [
    "CAPABILITIES",
    "Allocator",
    "Backend",
    "Block",
    "Event",
    "NumpyBackend",
    "Stream",
    "backend_status",
    "empty_cache",
    "get_backend",
    "memory_stats",
    "register_backend",
]
