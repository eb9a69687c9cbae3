"""``prove_continuous``: the pieces agree on every wall between them.

For every pair of pieces with different polynomials and every candidate
wall g between them (:func:`~symattn.proofs.walls.crossings`): if g divides
every entry of P_A − P_B (exact polynomial division), the two pieces agree
on the wall.  Otherwise either A and B do not meet along g (an exact
emptiness proof) or they do at an exact rational point p of the wall where
P_A(p) ≠ P_B(p): the limits from the two sides differ, and
:class:`~symattn.proofs.errors.ProofError` is raised with p and both
limits.  Continuity across every (N−1)-dimensional meeting gives continuity
everywhere: the pieces are polynomials, and around a point where three or
more pieces meet the complement of the (N−2)-dimensional intersections of
walls is connected, so every piece there has the same limit.

A compiled spline of a ReLU model is continuous by construction (a
composition of continuous maps); for it this is a check of the pieces.  For
pieces given by hand it is the question.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> prove_continuous([(x < 0, 0), (x > 0, x**3)], variables=[x]).proved
True
>>> prove_continuous([(x < 1, 0), (x > 1, x)], variables=[x])
Traceback (most recent call last):
...
symattn.proofs.errors.ProofError: the pieces are continuous is false at (x = 1): 0 != 1; pieces 0 and 1 meet on the wall x - 1 = 0 with different limits
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy

from ..checks import Check, Proof
from ..semialg.poly import evaluate
from .errors import ProofError
from .forms import FormPiece, as_form
from .walls import crossings, meeting_point

__all__ = ["prove_continuous", "limit"]

CLAIM = "the pieces are continuous"


def limit(piece: FormPiece, point: dict):
    """The value of ``piece``'s polynomials at ``point`` (a scalar for a 1×1 spline)."""
    m = sympy.Matrix([[evaluate(g, point) for g in row] for row in piece.polys])
    return m[0, 0] if m.shape == (1, 1) else sympy.ImmutableMatrix(m)


def prove_continuous(spline: Any, *, n: int | None = None, m: int | None = None, budget: Any = None,
                     variables: Sequence[sympy.Symbol] | None = None) -> Proof:
    """Prove that the pieces agree on every wall, or raise :class:`ProofError` at a point of the wall.

    ``spline``: a compiled spline, a model (compiled with ``n``/``m``/``budget``),
    a :class:`~symattn.realize.UnivariateSpline`, a
    :class:`~symattn.realize.CPWL`, a MaxMin or a list of ``(conditions,
    polynomial)`` pieces (see :func:`~symattn.proofs.forms.as_form`).
    """
    form = as_form(spline, n=n, m=m, budget=budget, variables=variables, where="spline")
    candidates = crossings(form)
    checks = [form.cover_check("pieces")]
    divisible = sum(1 for c in candidates if c.order >= 0)
    apart, undecided = 0, []
    method = "exact division by the wall, else an exact meeting point on the wall (oracle)"
    for c in candidates:
        if c.order >= 0:
            continue
        A, B = form.pieces[c.a], form.pieces[c.b]
        meeting = meeting_point(A.conditions, B.conditions, c.wall, c.difference[c.entry], hint=A.witness)
        if meeting.found:
            _refute(checks, method, c, A, B, meeting)
        if meeting.empty:
            apart += 1
        else:
            undecided.append((c, meeting.reason))
    detail = (f"{len(candidates)} (pair, wall) candidates: {divisible} divisible by the wall, "
              f"{apart} proven not to meet along it")
    if undecided:
        c, reason = undecided[0]
        checks.append(Check.undecided("every wall", method, f"{detail}; {len(undecided)} undecided, first: pieces "
                                                            f"{c.a} and {c.b} along {c.wall.as_expr()} = 0: {reason}"))
    else:
        checks.append(Check.passed("every wall", method, detail))
    return Proof(CLAIM, tuple(checks), complete=form.complete,
                 stats=dict(pieces=len(form.pieces), candidates=len(candidates), divisible=divisible, apart=apart))


def _refute(checks: list, method: str, c, A: FormPiece, B: FormPiece, meeting) -> None:
    """Raise the :class:`ProofError`: the limits at the meeting point, or the crossing segment."""
    wall = f"the wall {c.wall.as_expr()} = 0"
    if meeting.point is not None:
        values = (limit(A, meeting.point), limit(B, meeting.point))
        detail = f"pieces {c.a} and {c.b} meet on {wall} with different limits"
    else:
        values = ()
        q, far = meeting.segment
        detail = (f"pieces {c.a} and {c.b} meet on {wall} where the segment from {q} to {far} crosses it, and "
                  f"their difference is not divisible by the wall")
    failed = Check.failed("every wall", method, detail, meeting.point)
    proof = Proof(CLAIM, tuple(checks) + (failed,), complete=False)
    raise ProofError(CLAIM, meeting.point, values, detail, proof,
                     labels=(f"limit from piece {c.a}", f"limit from piece {c.b}"))
