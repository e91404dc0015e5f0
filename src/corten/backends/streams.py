"""Streams and events: ordered queues of device work, and points in them.

``CurrentStream`` gives a backend a per-thread current stream over a default one.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from corten.core.devices import Device
from corten.core.errors import (
    DeviceMismatchError,
)

__all__ = ["CurrentStream", "Event", "Stream"]


class Event(ABC):
    """A point in a stream's work; :meth:`synchronize` waits until the work before it ran."""

    @abstractmethod
    def synchronize(self) -> None:
        """Wait until the work recorded before this event has run."""

    @abstractmethod
    def query(self) -> bool:
        """Whether the work recorded before this event has run."""


class Stream(ABC):
    """An ordered queue of work on one device."""

    device: Device

    @abstractmethod
    def synchronize(self) -> None:
        """Wait until all work queued on this stream has run."""

    @abstractmethod
    def record_event(self) -> Event:
        """An event marking the work queued so far."""

    @abstractmethod
    def wait_event(self, event: Event) -> None:
        """Make work queued after this call wait for ``event`` (no host wait)."""


S = TypeVar("S", bound=Stream)


class CurrentStream(Generic[S]):
    """A per-thread current stream over a default one, for backends with streams.

    The backend sets ``_default_stream`` and ``_current`` (a ``threading.local``).
    """

    device: Device
    _default_stream: S
    _current: threading.local

    def current_stream(self) -> S:
        """The stream work on this device goes to now (in this thread)."""
        stream: S | None = getattr(self._current, "stream", None)
        return self._default_stream if stream is None else stream

    @contextmanager
    def use_stream(self, stream: Stream) -> Iterator[Stream]:
        """Make ``stream`` current in this thread within a ``with`` block."""
        if not isinstance(stream, type(self._default_stream)) or stream.device != self.device:
            raise DeviceMismatchError(
                f"{stream!r} is not a stream of {self.device}; make one with "
                f"ct.{self.device.kind}({self.device.index}).Stream()"
            )
        previous = getattr(self._current, "stream", None)
        self._current.stream = stream
        try:
            yield stream
        finally:
            self._current.stream = previous
