"""A compile's limits: the checks they pass, and the watch that keeps the memory one.

Time and regions are not negative, memory is positive.

A limit of 0 seconds or 0 regions stops the compile at once (the result is
flagged incomplete); a negative or NaN limit, or one that is no number, is
an :class:`~symattn.errors.InputError`.

>>> seconds_of("2.5")
2.5
>>> check_limits(None, -1, None)
Traceback (most recent call last):
...
symattn.errors.InputError: budget: regions must be a whole number ≥ 0, got -1
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

from ..errors import InputError

__all__ = ["check_limits", "seconds_of", "MEMORY_LIMIT", "MemoryWatch", "resident_bytes"]

#: the default memory limit of one compile, in bytes
MEMORY_LIMIT = 1 << 30


def seconds_of(value: Any) -> float:
    """``value`` as a number of seconds, or :class:`InputError` (booleans and text that is no number too)."""
    if isinstance(value, bool):
        raise InputError("budget", f"is seconds (a number ≥ 0) or a Budget, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError("budget", f"is seconds (a number ≥ 0) or a Budget, got {value!r}") from None


def check_limits(seconds: Any, regions: Any, memory: Any) -> None:
    """Raise :class:`InputError` unless seconds and regions are ≥ 0 and memory ≥ 1 (or None)."""
    if seconds is not None:
        value = seconds_of(seconds)
        if math.isnan(value) or value < 0:
            raise InputError("budget", f"seconds must be a number ≥ 0, got {seconds!r}")
    for name, count, least in (("regions", regions, 0), ("memory", memory, 1)):
        if count is not None and (isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < least):
            what = "a whole number of bytes ≥ 1" if name == "memory" else "a whole number ≥ 0"
            raise InputError("budget", f"{name} must be {what}, got {count!r}")


def resident_bytes() -> int | None:
    """The process's resident memory now (from ``/proc/self/statm``), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class MemoryWatch:
    """Whether resident memory has grown by more than ``limit`` bytes since the watch was made.

    The case split asks before every branch it enters; memory is read only
    every ``every`` questions.  Where resident memory cannot be read
    (no ``/proc``), the watch never fires and only the estimate made before
    the compile holds.

    >>> watch = MemoryWatch(2**40, every=1)
    >>> watch.exceeded()
    False
    """

    def __init__(self, limit: int | None = None, every: int = 32) -> None:
        self.limit = MEMORY_LIMIT if limit is None else limit
        self.every, self.calls = every, 0
        self.start = resident_bytes()

    def exceeded(self) -> bool:
        if self.start is None:
            return False
        self.calls += 1
        if self.calls % self.every:
            return False
        now = resident_bytes()
        return now is not None and now - self.start > self.limit
