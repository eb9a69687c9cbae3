"""``Proof``: a claim, the named checks made for it, and whether they settle it.

A proof is a value: frozen, hashable, printable.  Each :class:`Check` has a
name, a status (``"passed"``, ``"failed"`` or ``"undecided"``), the method
used and details; a failed check may carry an exact counterexample.

* ``complete``: nothing was left out (for a round trip: the compile was
  complete and every region was decided);
* ``proved``: complete **and** every check passed;
* ``refuted``: some check failed (the claim is false, with a witness when
  one is given).

An incomplete proof is never ``proved``, and ``bool(proof)`` is ``proved``.

>>> p = Proof("1 + 1 = 2", (Check.passed("arithmetic", "exact", "2 == 2"),))
>>> p.proved, bool(p), p.refuted
(True, True, False)
>>> print(Proof("x > 0", (Check.undecided("oracle", "z3", "timeout"),)).summary())
UNDECIDED: x > 0
  [undecided] oracle (z3): timeout
>>> Proof("ok", (Check.passed("a"),), complete=False).proved
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping
from .printable import Printable

__all__ = ["Check", "Proof", "PASSED", "FAILED", "UNDECIDED"]

PASSED, FAILED, UNDECIDED = "passed", "failed", "undecided"
Status = Literal["passed", "failed", "undecided"]


@dataclass(frozen=True)
class Check:
    """One named check: ``status`` ∈ {passed, failed, undecided}, ``method``, ``details``.

    ``counterexample`` (for a failed check) is an exact point, as a tuple of
    (symbol, value) pairs so the check stays hashable.
    """

    name: str
    status: Status
    method: str = ""
    details: str = ""
    counterexample: tuple[tuple[Any, Any], ...] | None = None

    def __post_init__(self) -> None:
        if self.status not in (PASSED, FAILED, UNDECIDED):
            raise ValueError(f"Check.status must be passed, failed or undecided, not {self.status!r}")
        if isinstance(self.counterexample, Mapping):
            object.__setattr__(self, "counterexample", tuple(self.counterexample.items()))

    @classmethod
    def passed(cls, name: str, method: str = "", details: str = "") -> "Check":
        return cls(name, PASSED, method, details)

    @classmethod
    def failed(cls, name: str, method: str = "", details: str = "",
               counterexample: Mapping | Iterable | None = None) -> "Check":
        ce = None if counterexample is None else tuple(dict(counterexample).items())
        return cls(name, FAILED, method, details, ce)

    @classmethod
    def undecided(cls, name: str, method: str = "", details: str = "") -> "Check":
        return cls(name, UNDECIDED, method, details)

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    def line(self) -> str:
        how = f" ({self.method})" if self.method else ""
        text = f"  [{self.status}] {self.name}{how}"
        if self.details:
            text += f": {self.details}"
        if self.counterexample:
            text += "; counterexample " + ", ".join(f"{k} = {v}" for k, v in self.counterexample)
        return text


@dataclass(frozen=True)
class Proof(Printable):
    """The outcome of checking ``claim``: its ``checks`` and whether they are ``complete``.

    ``complete`` defaults to "no check is undecided"; pass False when part
    of the claim was not examined at all (for example an incomplete compile).
    ``stats`` holds free-form figures (timings, counts); it is not compared.
    """

    claim: str
    checks: tuple[Check, ...]
    complete: bool | None = None
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        checks = tuple(self.checks)
        object.__setattr__(self, "checks", checks)
        decided = all(c.status != UNDECIDED for c in checks)
        object.__setattr__(self, "complete", decided if self.complete is None else bool(self.complete) and decided)
        object.__setattr__(self, "stats", dict(self.stats))

    @property
    def proved(self) -> bool:
        """Complete, non-empty, and every check passed."""
        return bool(self.complete and self.checks and all(c.ok for c in self.checks))

    @property
    def refuted(self) -> bool:
        return any(c.status == FAILED for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == FAILED)

    @property
    def undecided(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == UNDECIDED)

    def __bool__(self) -> bool:
        return self.proved

    @property
    def verdict(self) -> str:
        if self.proved:
            return "PROVED"
        if self.refuted:
            return "REFUTED"
        return "UNDECIDED" if self.undecided else "INCOMPLETE"

    def summary(self) -> str:
        return "\n".join([f"{self.verdict}: {self.claim}"] + [c.line() for c in self.checks])

    def __str__(self) -> str:
        return self.summary()
