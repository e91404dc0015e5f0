"""The tensor types: ``TensorView`` (frozen, read-only), ``TensorViewMut`` (a writable
alias) and ``Tensor`` (an owner), over the memory layer's Storage and the backends' verbs.

``view`` holds the base type, assembled from one mixin per concern (``_arith``,
``_conversions``, ``_moves``, ``_bridges``, ``_reductions``, ``_viewops``); ``writable``
the write operations; ``mutable`` and ``owner`` the two writing types. Methods whose code
lives above this layer (iteration, interop, serialization) reach it through
``_hooks.EXT``, which those packages fill in on import.
"""

from corten.tensor._base import CannotWriteToTensorView
from corten.tensor.mutable import TensorViewMut
from corten.tensor.owner import Tensor
from corten.tensor.view import TensorView

__all__ = ["CannotWriteToTensorView", "Tensor", "TensorView", "TensorViewMut"]
