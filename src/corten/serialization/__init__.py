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
