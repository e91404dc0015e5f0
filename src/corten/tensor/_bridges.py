"""The tensor methods whose code lives in the layers above the tensor types.

Iteration and ``par_iter`` (``corten.pipelines``), DLPack, the array interfaces, the
buffer protocol and pickle (``corten.interop``), bytes and dicts
(``corten.serialization``): each method here calls the implementation that its package
registered in :data:`corten.tensor._hooks.EXT` when it was imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, SupportsIndex

from corten.core.dtypes import DType
from corten.core.errors import (
    ReadOnlyError,
)
from corten.core.typeparams import DT, AnyRank, D, R
from corten.tensor._base import _TensorBase
from corten.tensor._hooks import EXT

if TYPE_CHECKING:
    from typing_extensions import CapsuleType

    from corten.pipelines.parallel import ParIter
    from corten.tensor.owner import Tensor
    from corten.tensor.view import TensorView

__all__: list[str] = []


class _Bridges(_TensorBase[DT, R, D]):
    __slots__ = ()

    # ---- iteration: corten.pipelines

    def iter(self) -> Iterator[Any]:
        """The elements as Python scalars, in row-major logical order.

        Elements are converted a chunk at a time, for any layout. The iterator sees the
        elements as they are when ``iter()`` is called: a write to the tensor during
        the loop is not seen (it copies the tensor's buffer away).

        Examples
        --------
        >>> import corten as ct
        >>> list(ct.tensor([[1, 2], [3, 4]]).T.iter())
        [1, 3, 2, 4]
        """
        return EXT.iter(self)  # type: ignore[no-any-return]

    def indexed_iter(self) -> Iterator[tuple[tuple[int, ...], Any]]:
        """``(index, element)`` pairs in row-major order; the index has one int per
        dimension (``()`` for rank 0).

        Examples
        --------
        >>> import corten as ct
        >>> list(ct.tensor([[1, 2], [3, 4]]).indexed_iter())
        [((0, 0), 1), ((0, 1), 2), ((1, 0), 3), ((1, 1), 4)]
        """
        return EXT.indexed_iter(self)  # type: ignore[no-any-return]

    def iter_dim(self, dim: int) -> Iterator[TensorView[DT, AnyRank, D]]:
        """The views along ``dim``: ``select(dim, i)`` for each ``i``, one rank lower.

        Frozen views here; mutable views when iterating a ``TensorViewMut``.

        Raises
        ------
        AxisError
            If ``dim`` is out of range.

        Examples
        --------
        >>> import corten as ct
        >>> [c.tolist() for c in ct.tensor([[1, 2], [3, 4]]).iter_dim(1)]
        [[1, 3], [2, 4]]
        """
        return EXT.iter_dim(self, dim)  # type: ignore[no-any-return]

    def map(self, fn: Callable[..., Any], dtype: DType | str | None = None) -> Tensor[Any, R, D]:
        """A new tensor of ``fn(x)`` for every element ``x``, computed in parallel.

        The same as ``par_iter().map(fn, dtype).collect()``: ``fn`` is compiled with
        numba, and the result keeps this tensor's dtype when ``fn`` returns the same kind
        (bool, integer or float), else takes ``fn``'s own type; ``dtype`` overrides it.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1.0, 4.0, 9.0]).map(lambda x: x ** 0.5).tolist()
        [1.0, 2.0, 3.0]
        """
        return EXT.map(self, fn, dtype)  # type: ignore[no-any-return]

    def par_iter(self) -> ParIter:
        """A lazy parallel pipeline over the elements (see :class:`corten.ParIter`).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(5).par_iter().map(lambda x: x * x).sum()
        30
        """
        return EXT.par_iter(self)  # type: ignore[no-any-return]

    if not TYPE_CHECKING:

        def _frozen_write(self, *args: object, **kwargs: object) -> NoReturn:
            raise ReadOnlyError(
                "a TensorView is frozen: it cannot be written. Write through the owner, "
                "or through a mutable view from owner.view_mut()"
            )

        iter_mut = apply_ = _frozen_write

    # ---- the array API namespace: corten

    def __array_namespace__(self, /, *, api_version: str | None = None) -> ModuleType:
        """The array API namespace of this tensor: the ``corten`` module itself.

        Parameters
        ----------
        api_version : str, optional
            The version of the standard the caller wants (``"2024.12"``, which corten
            implements, or an earlier one it is a superset of). None means the newest.

        Raises
        ------
        ValueError
            If ``api_version`` is not a version corten provides.

        Examples
        --------
        >>> import corten as ct
        >>> xp = ct.tensor([1.0]).__array_namespace__()
        >>> xp is ct, xp.__array_api_version__
        (True, '2024.12')
        """
        return EXT.namespace(api_version)  # type: ignore[no-any-return]

    # ---- interop: corten.interop

    def __dlpack__(
        self,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: tuple[int, int] | None = None,
        copy: bool | None = None,
    ) -> CapsuleType:
        """Export the elements as a DLPack capsule (the array API's protocol).

        A frozen ``TensorView`` exports read-only memory that pins its buffer, in a
        versioned capsule (``max_version >= (1, 0)``) that carries the read-only flag. A
        ``Tensor`` or ``TensorViewMut`` exports a writable alias: its buffer escapes, as
        with ``numpy(writable=True)``, so writes through the consumer are seen by the
        tensor. Export ``t.view()`` to hand out read-only memory instead.

        Note: PyTorch (2.13) ignores the read-only flag; do not write to a torch tensor
        imported from a frozen view.

        Where sharing is impossible (a legacy capsule for read-only memory, negative
        strides, which corten never exports) ``copy=None`` exports a copy, and
        ``copy=False`` raises ``BufferError``; ``copy=True`` always exports a copy that the
        consumer owns. ``dl_device`` must be the tensor's own device, or ``(1, 0)`` (the
        host) for a ``sim`` or ``cuda`` tensor, which exports a host copy the consumer
        owns; ``stream`` must be None on the cpu.

        Examples
        --------
        >>> import numpy as np
        >>> import corten as ct
        >>> t = ct.tensor([1, 2, 3])
        >>> a = np.from_dlpack(t.view())  # read-only, zero-copy
        >>> a.flags.writeable
        False
        >>> w = np.from_dlpack(t)  # a writable alias
        >>> w[0] = 7
        >>> t.tolist()
        [7, 2, 3]
        """
        return EXT.dlpack(  # type: ignore[no-any-return]
            self, stream=stream, max_version=max_version, dl_device=dl_device, copy=copy
        )

    def __dlpack_device__(self) -> tuple[int, int]:
        return EXT.dlpack_device(self)  # type: ignore[no-any-return]

    @property
    def __array_interface__(self) -> dict[str, Any]:
        """NumPy's array interface (version 3) of a cpu tensor, read-only.

        A frozen view gives ``data=(pointer, True)``, valid while the view lives (NumPy
        keeps it alive as the base of arrays built from it; other readers of the raw
        pointer must too). An owner or mutable view, which a later write could change or
        copy away, describes a pinned read-only export: ``data`` is a buffer object that
        holds the pin (NumPy keeps it as the base), as ``t.numpy()`` would. ``strides`` is
        always given, so Pillow's ``Image.fromarray`` copies through :meth:`tobytes`.
        Other devices raise AttributeError: call ``to_cpu()`` first.
        """
        return EXT.array_interface(self)  # type: ignore[no-any-return]

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        # Absent (AttributeError, so hasattr() is False) on every device but cuda.
        return EXT.cuda_array_interface(self)  # type: ignore[no-any-return]

    def __buffer__(self, flags: int, /) -> memoryview:
        # The buffer protocol (PEP 688) works from Python 3.12; on 3.11 memoryview(t)
        # does not call this method. Read-only requests pin the buffer; writable ones
        # make it escape (frozen views refuse them).
        return EXT.buffer(self, flags)  # type: ignore[no-any-return]

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # By value: each kind unpickles as the same kind over a buffer of its own; on
        # protocol 5 the elements travel as an out-of-band PickleBuffer (zero-copy).
        return EXT.reduce_ex(self, protocol)  # type: ignore[no-any-return]

    # ---- bytes and dicts: corten.serialization

    def to_bytes(self) -> bytes:
        """This tensor as bytes in the safetensors format (one tensor, named ``"tensor"``).

        ``ct.from_bytes`` reads them back, and so does ``safetensors.numpy.load``.

        Examples
        --------
        >>> import corten as ct
        >>> b = ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8).to_bytes()
        >>> ct.from_bytes(b).tolist()
        [[1, 2], [3, 4]]
        """
        return EXT.to_bytes(self)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        """This tensor as plain JSON-able values: ``{"dtype", "shape", "data"}``.

        ``data`` is the flat list of elements in row-major order; non-finite floats are
        the strings ``"nan"``, ``"inf"`` and ``"-inf"``. ``ct.from_dict`` reads it back.

        Examples
        --------
        >>> import corten as ct
        >>> d = ct.tensor([[1.5], [float("nan")]]).to_dict()
        >>> d
        {'dtype': 'float32', 'shape': [2, 1], 'data': [1.5, 'nan']}
        >>> ct.from_dict(d).shape
        (2, 1)
        """
        return EXT.to_dict(self)  # type: ignore[no-any-return]
