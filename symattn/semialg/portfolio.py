"""A portfolio of complete procedures for nonlinear real arithmetic, run side by side.

:meth:`Portfolio.check` writes one SMT-LIB 2 file (:mod:`.smtlib`) and starts
every available procedure on it, each in its own process:

===========  ===============================================================
``z3``       the ``z3`` binary of the z3-solver wheel (nlsat), with its
             deterministic resource limit ``rlimit``
``yices``    ``yices-smt2 --mcsat`` (optional extra ``solvers``)
``cvc5``     cvc5's coverings, through :mod:`.cvc5_main` (extra ``solvers``)
===========  ===============================================================

Procedures that are not installed are skipped.  The first *sound* answer wins
and the other processes are killed:

* **sat** counts only when a model, converted to rationals (exactly when it
  is rational, by exact bisection of its isolating interval when it is
  algebraic, or from the printed decimals), satisfies every condition under
  exact rational arithmetic.  A model that fails the check is kept as a
  *hint* (a point to search from), never as a witness.
* **unsat** from a *trusted* procedure wins at once.  Unsat from an
  untrusted one (z3, whose nlsat has had wrong-unsat bugs) waits for a second
  procedure while time allows (``cross_check``); if that one agrees, both are
  recorded; if it finds a model, the model is checked exactly and the
  disagreement is reported; if none answers in time, z3's unsat stands alone
  and the verdict says so.
* Any sat claim (even one whose model did not survive the check) blocks an
  unsat verdict: two procedures disagree, so the answer is ``unknown``.
  Timeouts, ``unknown``, crashes and unreadable output are ``unknown`` too.

Example
-------
>>> p = Portfolio(["z3"])
>>> v = p.check([([(1, ((0, 2),)), (-2, ())], 1), ([(1, ((0, 1),)), (-2, ())], -1),
...              ([(1, ((0, 1),))], 1)], 1, timeout=10)          # x^2 > 2, 0 < x < 2
>>> v.status, v.witness[0] ** 2 > 2, 0 < v.witness[0] < 2
('sat', True, True)
>>> v = p.check([([(1, ((0, 2),)), (1, ())], -1)], 1, timeout=10)   # x^2 + 1 < 0
>>> v.status, v.proved_by
('unsat', ('z3',))
"""
from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional, Sequence

from .smtlib import System, model_candidates, parse, write
from .z3backend import RLIMIT_PER_SECOND

__all__ = ["Procedure", "Outcome", "Verdict", "Portfolio", "PROCEDURES", "available_procedures",
           "satisfies"]



def _binary(name: str) -> Optional[str]:
    """An executable beside the running interpreter (a venv's ``bin``), else on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), name)
    return here if os.access(here, os.X_OK) else shutil.which(name)


@dataclass(frozen=True)
class Procedure:
    """One decision procedure: how to start it on a file, and whether its unsat stands alone.

    ``argv(path, seconds)`` is the command line; ``available()`` says whether
    it is installed.
    """
    name: str
    argv: Callable[[str, float], list[str]]
    available: Callable[[], bool]
    trusted: bool = True


def _z3_argv(path: str, seconds: float) -> list[str]:
    return [_binary("z3") or "z3", "-smt2", f"rlimit={max(1, int(RLIMIT_PER_SECOND * seconds))}",
            f"-T:{max(1, math.ceil(seconds))}", path]


def _yices_argv(path: str, seconds: float) -> list[str]:
    return [_binary("yices-smt2") or "yices-smt2", "--mcsat", f"--timeout={max(1, math.ceil(seconds))}", path]


def _cvc5_argv(path: str, seconds: float) -> list[str]:
    # by path, not ``-m``: the runner needs cvc5 only, not the whole package
    runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cvc5_main.py")
    return [sys.executable, runner, path, str(max(1, int(seconds * 1000)))]


#: every procedure the portfolio knows, in start order
PROCEDURES: dict[str, Procedure] = {
    "z3": Procedure("z3", _z3_argv, lambda: _binary("z3") is not None, trusted=False),
    "yices": Procedure("yices", _yices_argv, lambda: _binary("yices-smt2") is not None),
    "cvc5": Procedure("cvc5", _cvc5_argv, lambda: importlib.util.find_spec("cvc5") is not None),
}


def available_procedures() -> list[str]:
    """Names of the installed procedures, e.g. ``['z3', 'yices', 'cvc5']``."""
    return [name for name, p in PROCEDURES.items() if p.available()]


def satisfies(system: System, point: Sequence[Optional[Fraction]]) -> bool:
    """Exactly: does ``point`` (``None`` read as 0) satisfy every ``sign * poly > 0``?

    >>> satisfies([([(1, ((0, 1), (1, 1))), (-1, ())], 1)], [Fraction(2), Fraction(1, 3)])
    False
    """
    xs = [Fraction(0) if v is None else Fraction(v) for v in point]
    for terms, sign in system:
        total = Fraction(0)
        for c, mon in terms:
            t = Fraction(c)
            for i, e in mon:
                t *= xs[i] ** e
            total += t
        if total * sign <= 0:
            return False
    return True


@dataclass(frozen=True)
class Outcome:
    """What one procedure did: ``answer`` is sat, unsat, unknown, wrong-model, error or stopped."""
    name: str
    answer: str
    seconds: float

    def __str__(self) -> str:
        return f"{self.name} {self.answer} {self.seconds:.2f}s"


@dataclass(frozen=True)
class Verdict:
    """The portfolio's answer.

    ``status``: ``"sat"`` (then ``witness`` satisfies every condition, checked
    exactly), ``"unsat"`` (``proved_by`` names the procedures that proved it)
    or ``"unknown"``.  ``hints``: unverified model points to search from.
    """
    status: str
    witness: Optional[tuple[Fraction, ...]] = None
    proved_by: tuple[str, ...] = ()
    hints: tuple[tuple[Optional[Fraction], ...], ...] = ()
    outcomes: tuple[Outcome, ...] = field(default=())
    note: str = ""
    #: unsat from two procedures, or from a trusted one (False: an untrusted one alone)
    confirmed: bool = False

    def reason(self) -> str:
        """One line for an emptiness record or an undecided entry."""
        runs = "; ".join(map(str, self.outcomes))
        if self.status == "unsat":
            who = " and ".join(self.proved_by)
            check = "" if self.confirmed else " (not cross-checked: no second procedure answered in time)"
            return f"{who} prove{'s' if len(self.proved_by) == 1 else ''} emptiness{check} [{runs}]"
        return f"{self.note or self.status} [{runs}]"


class _Run:
    def __init__(self, proc: Procedure, path: str, seconds: float, tmp: str):
        self.proc = proc
        self.out_path = os.path.join(tmp, f"{proc.name}.out")
        self.start = time.monotonic()
        with open(self.out_path, "wb") as out:
            self.popen = subprocess.Popen(proc.argv(path, seconds), stdout=out, stderr=subprocess.DEVNULL,
                                          stdin=subprocess.DEVNULL)

    def output(self) -> str:
        with open(self.out_path, encoding="utf-8", errors="replace") as fh:
            return fh.read()

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()


class Portfolio:
    """Run procedures concurrently on one system; see the module docstring.

    ``procedures``: names from :data:`PROCEDURES`, or :class:`Procedure`
    objects (e.g. a fake in tests); the uninstalled ones are skipped.
    ``cross_check``: after an untrusted unsat at time t, wait up to
    ``max(cross_check, 2 t)`` more seconds (within the time limit) for a
    second opinion; 0 accepts it alone.
    """

    def __init__(self, procedures: Optional[Sequence] = None, *, cross_check: float = 1.0):
        chosen = list(PROCEDURES) if procedures is None else list(procedures)
        self.procedures = [p if isinstance(p, Procedure) else PROCEDURES[p] for p in chosen]
        self.procedures = [p for p in self.procedures if p.available()]
        self.cross_check = cross_check

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.procedures]

    def check(self, system: System, ngens: int, *, timeout: float,
              deadline: Optional[float] = None) -> Verdict:
        """Decide ``{x : sign * poly > 0 for all}`` within ``timeout`` seconds (and ``deadline``)."""
        start = time.monotonic()
        end = start + timeout if deadline is None else min(start + timeout, deadline)
        if not self.procedures:
            return Verdict("unknown", note="no procedure installed")
        if end - start <= 0.01:
            return Verdict("unknown", note="no time left")
        with tempfile.TemporaryDirectory(prefix="symattn-") as tmp:
            path = os.path.join(tmp, "system.smt2")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(write(system, ngens))
            runs = [_Run(p, path, end - start, tmp) for p in self.procedures]
            try:
                return self._race(system, ngens, runs, end)
            finally:
                for run in runs:
                    run.stop()

    def _race(self, system, ngens, runs: list[_Run], end: float) -> Verdict:
        pending = list(runs)
        outcomes: list[Outcome] = []
        hints: list[tuple] = []
        unsat_by: list[str] = []
        sat_claims: list[str] = []
        wait_until: Optional[float] = None
        while pending:
            now = time.monotonic()
            if now >= end or (wait_until is not None and now >= wait_until):
                break
            finished = [r for r in pending if r.popen.poll() is not None]
            if not finished:
                time.sleep(0.005)
                continue
            for run in finished:
                pending.remove(run)
                seconds = time.monotonic() - run.start
                answer, witness, points = _read(run.output(), system, ngens)
                outcomes.append(Outcome(run.proc.name, answer, seconds))
                if witness is not None:      # an exact witness refutes any unsat heard before
                    note = f"refutes the unsat of {', '.join(unsat_by)}" if unsat_by else ""
                    return Verdict("sat", witness=witness, outcomes=tuple(outcomes) + _stopped(pending), note=note)
                if answer == "wrong-model":
                    sat_claims.append(run.proc.name)
                    hints.extend(points)
                elif answer == "unsat":
                    unsat_by.append(run.proc.name)
            if unsat_by and not sat_claims:
                if len(unsat_by) >= 2 or any(r.proc.trusted for r in runs if r.proc.name in unsat_by):
                    return Verdict("unsat", proved_by=tuple(unsat_by), confirmed=True,
                                   outcomes=tuple(outcomes) + _stopped(pending))
                if self.cross_check <= 0 or not pending:
                    break
                if wait_until is None:
                    elapsed = time.monotonic() - runs[0].start
                    wait_until = time.monotonic() + max(self.cross_check, 2 * elapsed)
        outcomes.extend(_stopped(pending))
        if unsat_by and sat_claims:
            return Verdict("unknown", hints=tuple(hints), outcomes=tuple(outcomes),
                           note=f"procedures disagree: {', '.join(unsat_by)} unsat, "
                                f"{', '.join(sat_claims)} sat without an exact witness")
        if unsat_by:
            return Verdict("unsat", proved_by=tuple(unsat_by), outcomes=tuple(outcomes))
        note = ("sat, but no model survived the exact check" if sat_claims
                else "no procedure decided within the time limit")
        return Verdict("unknown", hints=tuple(hints), outcomes=tuple(outcomes), note=note)


def _stopped(pending: Sequence[_Run]) -> tuple[Outcome, ...]:
    now = time.monotonic()
    return tuple(Outcome(r.proc.name, "stopped", now - r.start) for r in pending)


def _read(text: str, system: System, ngens: int):
    """``(answer, witness or None, candidate points)`` from a procedure's output."""
    words = text.split(None, 1)
    first = words[0] if words else ""
    if first == "unsat":
        return "unsat", None, []
    if first != "sat":
        return ("unknown" if first in ("unknown", "timeout") else "error"), None, []
    try:
        exprs = parse(words[1] if len(words) > 1 else "")
    except ValueError:
        exprs = []
    values = next((e for e in exprs if isinstance(e, list) and e and isinstance(e[0], list)), [])
    points = [tuple(p) for p in model_candidates(values, ngens)]
    for p in points:
        if satisfies(system, p):
            return "sat", tuple(Fraction(0) if v is None else v for v in p), points
    return "wrong-model", None, points
