"""The tensor types: ``TensorView`` (frozen, read-only), ``TensorViewMut`` (a writable
alias) and ``Tensor`` (an owner), over the memory layer's Storage and the backends' verbs.
"""

from corten.tensor._types import CannotWriteToTensorView, Tensor, TensorView, TensorViewMut

__all__ = ["CannotWriteToTensorView", "Tensor", "TensorView", "TensorViewMut"]
