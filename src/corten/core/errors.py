"""The error classes of corten.

Every error corten raises on bad input derives from :class:`CortenError` and also from
the nearest built-in exception, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "AxisError",
    "CopyError",
    "CortenError",
    "DTypeError",
    "DeviceMismatchError",
    "DeviceUnavailableError",
    "MissingTensorError",
    "OutOfMemoryError",
    "ReadOnlyError",
    "SerializationError",
    "ShapeError",
    "TensorIndexError",
]


class CortenError(Exception):
    """Base class of every error that corten raises on bad input."""


class DeviceMismatchError(CortenError, ValueError):
    """Two tensors on different devices met in one operation."""


class ShapeError(CortenError, ValueError):
    """Shapes that do not fit: broadcasting, reshaping, constructing."""


class AxisError(ShapeError, IndexError):
    """An axis (dimension) index outside ``[-ndim, ndim)``."""


class DTypeError(CortenError, TypeError):
    """Element types that do not match, or a value that does not fit a dtype."""


class ReadOnlyError(CortenError, ValueError):
    """A write through a frozen :class:`~corten.TensorView` or an overlapping view."""


class DeviceUnavailableError(CortenError, RuntimeError):
    """A device whose backend or hardware is not present here."""


class OutOfMemoryError(CortenError, MemoryError):
    """An allocation that the device could not satisfy."""


class SerializationError(CortenError, ValueError):
    """Data that cannot be read or written as a tensor."""


class MissingTensorError(SerializationError, KeyError):
    """A tensor name asked of a file that does not hold it (``load(..., names=...)``)."""

    def __str__(self) -> str:
        return Exception.__str__(self)  # not KeyError's, which shows the message quoted


class TensorIndexError(CortenError, IndexError):
    """An index outside a tensor's bounds, or too many indices."""


class ArgumentError(CortenError, ValueError):
    """A keyword argument outside the values a function accepts (a ``side``, ``norm``,
    ``mode`` or ``ord`` it does not know, a negative count)."""


class CopyError(CortenError, ValueError):
    """``copy=False`` where the result cannot share the input's memory (the array API
    standard asks for a ``ValueError``)."""
