"""The checks a compile's limits pass: time and regions are not negative, memory is positive.

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
from typing import Any

from ..errors import InputError

__all__ = ["check_limits", "seconds_of"]


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
