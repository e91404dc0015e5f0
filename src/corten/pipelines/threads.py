"""The threads that run pipeline kernels: a setting, a pool, and the launch.

A kernel is a numba function compiled with ``nogil=True`` that processes the chunks
``c0 <= c < c1`` (see ``_pipeline_codegen``). :func:`launch` splits the chunks into one
contiguous range per thread and runs the ranges at once, the calling thread taking the
first, so that Python threads run compiled code in parallel. This module does not
import numba.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final

__all__ = ["get_threads", "launch", "max_threads", "set_threads"]

_LOCK: Final = threading.Lock()


def max_threads() -> int:
    """The most threads a pipeline may use: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _default_threads() -> int:
    env = os.environ.get("NUMBA_NUM_THREADS", "")
    if env.isdigit() and int(env) >= 1:
        return min(int(env), max_threads())
    return max_threads()


_THREADS: list[int] = []  # the setting, once read or set
_POOL: list[tuple[ThreadPoolExecutor, int]] = []  # at most one: (pool, its workers)


def set_threads(n: int) -> None:
    """Use ``n`` threads (the caller's included) for the pipelines run from now on."""
    with _LOCK:
        _THREADS[:] = [n]


def get_threads() -> int:
    """The number of threads pipelines use."""
    if not _THREADS:
        _THREADS.append(_default_threads())
    return _THREADS[0]


def _pool(workers: int) -> ThreadPoolExecutor:
    """A pool of at least ``workers`` threads (a smaller one is replaced)."""
    with _LOCK:
        if _POOL and _POOL[0][1] < workers:
            # Dropped, not shut down: a launch on another thread may still submit to it.
            # Its idle threads exit once it is garbage-collected.
            _POOL.pop()
        if not _POOL:
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="corten-pipeline")
            _POOL.append((pool, workers))
        return _POOL[0][0]


def _forget_pool() -> None:  # a forked child does not have its parent's threads
    _POOL.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def launch(kernel: Callable[..., Any], nch: int, args: list[Any]) -> Any:
    """Run chunks ``0 <= c < nch`` of ``kernel`` over the threads, then its final combine
    step (``kernel(nch, nch, True, *args)``), whose value is returned."""
    kernel(0, 0, False, *args)  # compiles for these argument types; runs nothing
    threads = min(get_threads(), nch)
    if threads <= 1:
        kernel(0, nch, False, *args)
        return kernel(nch, nch, True, *args)
    bounds = [nch * i // threads for i in range(threads + 1)]
    pool = _pool(threads - 1)
    futures: list[Future[Any]] = [
        pool.submit(kernel, bounds[i], bounds[i + 1], False, *args) for i in range(1, threads)
    ]
    errors: list[BaseException] = []
    try:
        kernel(bounds[0], bounds[1], False, *args)
    except BaseException as exc:
        errors.append(exc)
    for f in futures:  # every range finishes before its buffers are released
        raised = f.exception()
        if raised is not None:
            errors.append(raised)
    if errors:
        raise errors[0]  # the earliest range's: its first failing element in walk order
    return kernel(nch, nch, True, *args)
