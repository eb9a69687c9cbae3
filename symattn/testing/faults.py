"""Faults on purpose: an executor whose first task kills the worker process running it.

A compile on a process pool or a cluster must survive a lost worker at the
cost of that worker's task (:mod:`symattn.compiler.parallel`).
:class:`LosingExecutor` wraps any :class:`concurrent.futures.Executor` so that
the first task submitted through it, in whichever process runs it, ends that
process with ``os._exit``; a marker file (created atomically) makes it
happen exactly once, across processes.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, Future
from typing import Any, Callable

__all__ = ["DieOnce", "LosingExecutor"]


class DieOnce:
    """``fn``, except that the first call anywhere (no file at ``marker`` yet) kills its process."""

    def __init__(self, fn: Callable, marker: str | os.PathLike) -> None:
        self.fn, self.marker = fn, os.fspath(marker)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return self.fn(*args, **kwargs)
        os.close(fd)
        os._exit(70)            # the worker dies mid-task, as if killed


class LosingExecutor(Executor):
    """``inner``, with its first task killing the worker that runs it (see the module docstring)."""

    def __init__(self, inner: Executor, marker: str | os.PathLike) -> None:
        self.inner, self.marker = inner, marker
        # what the compile reads to size its queue
        self._max_workers = getattr(inner, "_max_workers", None)
        self._client = getattr(inner, "_client", None)

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        return self.inner.submit(DieOnce(fn, self.marker), *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)
