"""Saving and loading tensors: safetensors files and bytes, and a JSON-able dict form.

Examples
--------
>>> import corten as ct
>>> t = ct.arange(4, dtype=ct.int16)
>>> ct.from_bytes(t.to_bytes()).tolist()
[0, 1, 2, 3]
"""

from corten.serialization.files import *  # noqa: F403
from corten.serialization.files import __all__ as _files_all

__all__ = list(_files_all)

from corten.serialization import files as _files
from corten.tensor._hooks import EXT

EXT.to_bytes = _files.to_bytes
EXT.to_dict = _files.to_dict
