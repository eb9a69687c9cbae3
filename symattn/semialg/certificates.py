"""Emptiness records: which procedure proved a sign system empty, with a certificate when one is checkable.

Every sign system the case split prunes was proven empty by the oracle
(:mod:`symattn.semialg.oracle`).  An :class:`Emptiness` record keeps the
system and the oracle's reason, and :func:`certify` turns it into one of

* ``"syntactic"``: a constant condition of the wrong sign, one wall with
  both signs, a sign-definite polynomial (even monomials, a PSD quadric)
  asked for the impossible sign, or a product against its factors.  The
  check re-runs that exact, solver-free argument;
* ``"farkas"``: rational multipliers ``λ_k ≥ 0``, not all zero, such that
  ``P = Σ λ_k s_k g_k`` is a constant ``≤ 0`` plus nonpositive multiples of
  even monomials (every other coefficient zero).  On the region every
  ``s_k g_k > 0``, so ``P > 0`` there, while ``P ≤ 0`` everywhere: the
  region is empty.  This covers every linear system (Farkas' lemma, strict
  form) and the monomial relaxation.  Finding λ takes a linear-programming
  solve (z3 over exact rationals); checking it is exact rational arithmetic
  (:func:`check_farkas`), with no solver;
* ``"inertia"``: attention scores whose signs no token configuration can
  have, by Sylvester's law of inertia and the reverse Cauchy–Schwarz
  inequality (:mod:`symattn.semialg.inertia`).  The check re-runs that
  exact argument (rational LDLᵀ and a sign labelling), with no solver;
* ``"factors"``: the conditions factored over QQ
  (:mod:`symattn.semialg.factoring`); every sign case of the irreducible
  factors that the products allow is empty by one of the three arguments
  above.  The check factors anew, enumerates the cases and re-derives and
  checks each case's argument exactly (a Farkas case's multipliers are
  found again by the linear program and then checked exactly: the program
  only proposes);
* ``"sos"``: a sum-of-squares identity ``Σ c_α g^α + zᵀ Q z ≡ 0`` with
  rational ``c_α ≥ 0`` over products of conditions and a rational PSD Gram
  matrix Q (:mod:`symattn.semialg.sos`).  Finding it takes a semidefinite
  program (cvxpy, an optional dependency) whose rounded solution only
  proposes; the record carries the certificate, and the check re-expands
  the identity exactly and tests Q by rational LDLᵀ, with no solver.
  :func:`certify` tries it last, when cvxpy is installed, for a record that
  would otherwise rest on a solver;
* ``"solver"``: nothing checkable was found; the emptiness rests on a
  solver's "unsat" (z3 nlsat, or the portfolio), named in ``reason``.

>>> from sympy import symbols
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> system = ((X - Y, 1), (Y - 1, 1), (X - 1, -1))         # x > y > 1 > x
>>> check_farkas(system, (1, 1, 1))                         # (x − y) + (y − 1) − (x − 1) = 0
True
>>> e = certify(Emptiness(system, "lra: ..."))              # the multipliers found sum to 1
>>> e.procedure, sum(e.multipliers), check(e)
('farkas', Fraction(1, 1), True)
>>> certify(Emptiness(((X**2 + Y**2, -1),), "syntactic: ...")).procedure
'syntactic'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Sequence

from .oracle import Infeasible, Oracle, Undecided
from .inertia import score_inertia
from .factoring import factor_system
from .poly import PolyElement
from .region import Condition
from .sos import QUICK_GRAM, SOSCertificate, check_sos, search as sos_search, available as sos_available
from ..rationals import to_fraction

__all__ = ["Emptiness", "CertifiedEmptiness", "certify", "certify_all", "check", "check_farkas", "farkas_multipliers",
           "PROCEDURES", "CHECKABLE"]

#: the procedures an emptiness record can name; all but the last are checked without a solver
PROCEDURES = ("syntactic", "farkas", "inertia", "factors", "sos", "solver")
CHECKABLE = PROCEDURES[:-1]


@dataclass(frozen=True)
class Emptiness:
    """A sign system proven empty: its ``conditions``, the oracle's ``reason``, and once certified
    the ``procedure`` (one of :data:`PROCEDURES`) with its ``multipliers`` (Farkas only) or its
    ``sos`` certificate (sum of squares only)."""

    conditions: tuple[Condition, ...]
    reason: str
    procedure: str | None = None
    multipliers: tuple[Fraction, ...] = ()
    sos: SOSCertificate | None = None

    @property
    def checkable(self) -> bool:
        """Whether the emptiness is re-checked exactly, without trusting a solver."""
        return self.procedure in CHECKABLE


def _combination(conditions: Sequence[Condition], multipliers: Sequence[Fraction]) -> PolyElement:
    ring = conditions[0][0].ring
    total = ring.zero
    for (g, s), lam in zip(conditions, multipliers):
        if lam:
            total += g * ring.domain.convert(lam.numerator * s) / ring.domain.convert(lam.denominator)
    return total


def _nonpositive_shape(P: PolyElement) -> bool:
    """Every coefficient of ``P`` is zero except nonpositive ones on the constant and even monomials."""
    return all(all(e % 2 == 0 for e in monom) and c <= 0 for monom, c in P.terms())


def check_farkas(conditions: Sequence[Condition], multipliers: Sequence[Fraction]) -> bool:
    """Exact check of a Farkas certificate of emptiness (see the module docstring)."""
    if not conditions or len(multipliers) != len(conditions):
        return False
    if any(lam < 0 for lam in multipliers) or not any(multipliers):
        return False
    return _nonpositive_shape(_combination(conditions, multipliers))


def farkas_multipliers(conditions: Sequence[Condition], timeout: float = 1.0,
                       ctx: Any = None) -> tuple[Fraction, ...] | None:
    """Multipliers λ for :func:`check_farkas`, from one exact linear program (z3 over QQ), or None.

    The answer is re-checked exactly before it is returned.  ``ctx``: a
    ``z3.Context`` to reuse (creating one costs more than a small program).
    """
    import z3

    ctx = ctx if ctx is not None else z3.Context()
    lam = [z3.Real(f"l{k}", ctx) for k in range(len(conditions))]
    solver = z3.SolverFor("QF_LRA", ctx=ctx)
    solver.set("timeout", max(1, int(timeout * 1000)))
    zero = z3.RealVal(0, ctx)
    for v in lam:
        solver.add(v >= zero)
    solver.add(z3.Sum(*lam) == z3.RealVal(1, ctx) if len(lam) > 1 else lam[0] == z3.RealVal(1, ctx))
    by_monom: dict[tuple, list] = {}
    for k, (g, s) in enumerate(conditions):
        for monom, c in g.terms():
            f = to_fraction(c) * s
            by_monom.setdefault(monom, []).append(z3.RealVal(f"{f.numerator}/{f.denominator}", ctx) * lam[k])
    for monom, parts in by_monom.items():
        total = z3.Sum(*parts) if len(parts) > 1 else parts[0]
        solver.add(total <= zero if all(e % 2 == 0 for e in monom) else total == zero)
    if solver.check() != z3.sat:
        return None
    model = solver.model()
    found = tuple(Fraction(model.eval(v, model_completion=True).as_fraction()) for v in lam)
    return found if check_farkas(conditions, found) else None


def _syntactic(conditions: Sequence[Condition]) -> bool:
    return isinstance(Oracle(conditions[0][0].ring).syntactic(conditions), Infeasible)


def _inertia(conditions: Sequence[Condition]) -> bool:
    return score_inertia(conditions[0][0].ring, conditions) is not None


#: at most this many sign cases are enumerated for a ``factors`` certificate
FACTOR_CASES = 64


def _checked_case(case: Sequence[Condition], timeout: float, ctx: Any) -> bool:
    """One sign case is empty by a solver-free argument (a Farkas one found and checked exactly)."""
    return _syntactic(case) or _inertia(case) or farkas_multipliers(case, timeout, ctx) is not None


def _factors(conditions: Sequence[Condition], timeout: float = 1.0, ctx: Any = None) -> bool:
    """Every sign case of the factored system is empty by a checked argument (see the module docstring)."""
    system = factor_system(conditions)
    if not (system.splits or system.dropped) or system.count() > FACTOR_CASES:
        return False
    return all(_checked_case(case, timeout, ctx) for case in system.cases())


#: seconds of semidefinite programming :func:`certify` spends on one record
SOS_SECONDS = 2.0


def certify(record: Emptiness, timeout: float = 1.0, ctx: Any = None) -> Emptiness:
    """``record`` with its procedure named and, when one is found, a checkable certificate.

    The cheap exact arguments come first; a sum-of-squares certificate is searched (for at most
    :data:`SOS_SECONDS` and a Gram matrix of at most :data:`~symattn.semialg.sos.QUICK_GRAM` rows,
    when cvxpy is installed) only for a record that would rest on a solver.
    """
    if record.procedure is not None or not record.conditions:
        return record
    if _syntactic(record.conditions):
        return replace(record, procedure="syntactic")
    if _inertia(record.conditions):
        return replace(record, procedure="inertia")
    multipliers = farkas_multipliers(record.conditions, timeout, ctx)
    if multipliers is not None:
        return replace(record, procedure="farkas", multipliers=multipliers)
    if _factors(record.conditions, timeout, ctx):
        return replace(record, procedure="factors")
    if sos_available():
        found = sos_search(record.conditions, timeout=SOS_SECONDS, max_gram=QUICK_GRAM)
        if found.certificate is not None:
            return replace(record, procedure="sos", sos=found.certificate)
    return replace(record, procedure="solver")


def certify_all(records: Sequence[Emptiness], timeout: float = 1.0) -> tuple[Emptiness, ...]:
    """:func:`certify` every record, sharing one z3 context."""
    if all(r.procedure is not None for r in records):
        return tuple(records)
    import z3

    ctx = z3.Context()
    return tuple(certify(r, timeout, ctx) for r in records)


def check(record: Emptiness) -> bool:
    """Re-check a certified record exactly; False for a wrong certificate or one resting on a solver."""
    if record.procedure == "syntactic":
        return bool(record.conditions) and _syntactic(record.conditions)
    if record.procedure == "farkas":
        return check_farkas(record.conditions, record.multipliers)
    if record.procedure == "inertia":
        return bool(record.conditions) and _inertia(record.conditions)
    if record.procedure == "factors":
        return bool(record.conditions) and _factors(record.conditions)
    if record.procedure == "sos":
        return record.sos is not None and check_sos(record.conditions, record.sos)
    return False


class CertifiedEmptiness:
    """An oracle that knows only checkable emptiness certificates.

    ``decide`` answers ``Infeasible`` for a sign system that has a
    ``syntactic``, ``farkas``, ``inertia``, ``factors`` or ``sos`` record among ``records`` (re-checked
    exactly, no solver), and ``Undecided`` for anything else, so that a
    case split can put it in front of the real oracles: the branches a
    certificate settles cost nothing, every other one is decided anew.
    ``stats`` counts the answers by procedure.
    """

    def __init__(self, records: Sequence[Emptiness]) -> None:
        self.known = {frozenset(r.conditions): r for r in records if r.checkable}
        self.stats: Counter[str] = Counter()

    def decide(self, conditions: Sequence[Condition], *, hint=None, deadline=None) -> Infeasible | Undecided:
        record = self.known.get(frozenset(conditions))
        if record is not None and check(record):
            self.stats[f"certificate-{record.procedure}"] += 1
            return Infeasible(f"certificate: {record.procedure}, checked exactly")
        self.stats["no certificate"] += 1
        return Undecided("no checkable certificate for this sign system")
