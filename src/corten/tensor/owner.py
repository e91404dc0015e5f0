"""``Tensor``: the owning tensor."""

from __future__ import annotations

from corten.core.typeparams import DT, D, R
from corten.tensor._build import KINDS
from corten.tensor.writable import _Writable

__all__ = ["Tensor"]


class Tensor(_Writable[DT, R, D]):
    """An owning tensor: an element type, a shape and a device, with value semantics.

    ``clone()`` is O(1) and copies on the first write; ``t[...]`` and ``view()`` give
    frozen views, ``view_mut()`` a writable alias. Make tensors with the factories
    (``ct.tensor``, ``ct.zeros``, ``ct.from_numpy``, ...).

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8)
    >>> t.shape, t.dtype, t.device
    ((2, 2), corten.uint8, device('cpu'))
    >>> (t + 1).tolist()
    [[2, 3], [4, 5]]
    """

    __slots__ = ()


KINDS.register_owner(Tensor)
