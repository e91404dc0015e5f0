"""Saving and loading tensors: safetensors files and bytes, and a JSON-able dict form.

``safetensors`` writes and validates the format's headers; ``files`` does the I/O. The
functions are documented here, as ``corten.serialization.*``, and re-exported at the top
level (``ct.save``, ``ct.load``, ...).

Examples
--------
>>> import corten as ct
>>> t = ct.arange(4, dtype=ct.int16)
>>> ct.from_bytes(t.to_bytes()).tolist()
[0, 1, 2, 3]
"""

from corten.serialization import files as _files
from corten.serialization.files import (
    HEADER_LIMIT,
    TENSOR_KEY,
    LoadedTensors,
    from_bytes,
    from_dict,
    load,
    load_tensor,
    save,
    to_bytes,
    to_dict,
)
from corten.tensor._hooks import EXT

__all__ = [
    "HEADER_LIMIT",
    "TENSOR_KEY",
    "LoadedTensors",
    "from_bytes",
    "from_dict",
    "load",
    "load_tensor",
    "save",
    "to_bytes",
    "to_dict",
]

for _public in (LoadedTensors, from_bytes, from_dict, load, load_tensor, save, to_bytes, to_dict):
    _public.__module__ = __name__  # documented (and pickled) under corten.serialization

EXT.to_bytes = _files.to_bytes
EXT.to_dict = _files.to_dict
