"""``smoothness``: the exact order of smoothness across every wall, and of the whole spline.

Across an irreducible wall g = 0 between pieces A and B (MATH.md §3), every
partial derivative of order ≤ k of P_A and P_B agrees on the wall iff
g^(k+1) divides D = P_A − P_B.  So with D = g^(k+1)·R, g ∤ R, the spline is
C^k there, and not C^(k+1) wherever R ≠ 0 on the wall: the (k+1)-th
derivative across the wall jumps by (k+1)!·(∂g/∂n)^(k+1)·R.  The order of
a wall is the least k over the pairs that really meet along it, each meeting
shown by an exact point p on the wall with R(p) ≠ 0
(:func:`~symattn.proofs.walls.meeting_point`); pairs that do not meet are
proven not to.  Candidates are tried from the lowest k up, so a wall costs
one meeting point when its first candidate meets.

The spline is C^k for k the least order over its walls (derivatives that
agree across every (N−1)-dimensional meeting are continuous, as in
:mod:`~symattn.proofs.continuity`), and not C^(k+1).  Order −1 means not
continuous, ``math.inf`` one polynomial.

>>> import sympy
>>> from symattn.realize import UnivariateSpline
>>> x = sympy.Symbol("x")
>>> smoothness(UnivariateSpline([1], [0, (x - 1)**3], x)).order       # (x − 1)₊³
2
>>> print(smoothness(UnivariateSpline([0], [0, x**2], x)).summary())   # doctest: +ELLIPSIS
PROVED: the spline is C^1 and not C^2
  [passed] pieces: the univariate spline ...
  [passed] C^1 across every wall (exact division by powers of the wall): x = 0: C^1 at (x = 0)
  [passed] not C^2 (...): across x = 0 (pieces 0 and 1) at (x = 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from ..checks import Check, Proof
from ..semialg.poly import PolyElement
from .forms import as_form
from .walls import Crossing, crossings, meeting_point

__all__ = ["smoothness", "SmoothnessProof", "WallOrder"]


@dataclass(frozen=True)
class WallOrder:
    """The order across one wall: ``order`` (None if undecided, then ``lower`` ≤ order ≤ ``upper``),
    the ``pieces`` that attain ``upper`` and where they meet: an exact ``point`` of the wall, or a
    rational ``segment`` crossing it (see :class:`~symattn.proofs.walls.Meeting`)."""

    wall: PolyElement
    order: float | None
    lower: float
    upper: float
    pieces: tuple[int, int] | None = None
    point: dict | None = None
    segment: tuple[dict, dict] | None = None

    def where(self) -> str:
        show = lambda p: "(" + ", ".join(f"{s} = {v}" for s, v in p.items()) + ")"  # noqa: E731
        if self.point is not None:
            return f"at {show(self.point)}"
        if self.segment is not None:
            return f"crossing the segment {show(self.segment[0])} to {show(self.segment[1])}"
        return ""

    def line(self) -> str:
        wall = f"{self.wall.as_expr()} = 0"
        if self.order is None:
            return f"{wall}: between C^{_k(self.lower)} and C^{_k(self.upper)} (undecided)"
        return f"{wall}: C^{_k(self.order)} {self.where()}"


def _k(k: float) -> str:
    return "oo" if k == math.inf else str(int(k))


@dataclass(frozen=True)
class SmoothnessProof(Proof):
    """A :class:`~symattn.checks.Proof` of the order of smoothness.

    ``order``: the k with C^k and not C^(k+1) (−1: not continuous; ``math.inf``:
    one polynomial), None when undecided; ``walls``: a :class:`WallOrder` per
    wall where different pieces meet.
    """

    order: float | None = None
    walls: tuple = ()

    def __int__(self) -> int:
        if self.order is None or self.order == math.inf:
            raise ValueError(f"the order is {self.order}")
        return int(self.order)


def _wall_order(form, wall: PolyElement, group: list[Crossing]) -> WallOrder | None:
    group.sort(key=lambda c: c.order)
    lowest_open = None
    for c in group:
        A, B = form.pieces[c.a], form.pieces[c.b]
        meeting = meeting_point(A.conditions, B.conditions, wall, c.cofactor(), hint=A.witness)
        if meeting.found:
            lower = c.order if lowest_open is None else min(lowest_open, c.order)
            return WallOrder(wall, c.order if lower == c.order else None, lower, c.order, (c.a, c.b),
                             meeting.point, meeting.segment)
        if not meeting.empty and lowest_open is None:
            lowest_open = c.order
    if lowest_open is not None:
        return WallOrder(wall, None, lowest_open, math.inf)
    return None             # no two different pieces meet along this wall


def smoothness(spline: Any, *, n: int | None = None, m: int | None = None, budget: Any = None,
               variables: Sequence[sympy.Symbol] | None = None) -> SmoothnessProof:
    """The exact order of smoothness of ``spline`` across each wall and overall.

    Accepts what :func:`~symattn.proofs.continuity.prove_continuous` accepts.
    """
    form = as_form(spline, n=n, m=m, budget=budget, variables=variables, where="spline")
    by_wall: dict[PolyElement, list[Crossing]] = {}
    for c in crossings(form):
        by_wall.setdefault(c.wall, []).append(c)
    walls = tuple(w for w in (_wall_order(form, g, by_wall[g]) for g in sorted(by_wall, key=str)) if w is not None)
    lower = min((w.lower for w in walls), default=math.inf)
    upper = min((w.upper for w in walls), default=math.inf)
    order = lower if lower == upper else None
    method = "exact division by powers of the wall"
    lines = "; ".join(w.line() for w in walls[:12]) + ("; ..." if len(walls) > 12 else "")
    checks = [form.cover_check("pieces"),
              Check.passed(f"C^{_k(lower)} across every wall", method, lines or "no two different pieces meet")]
    if upper < math.inf:
        top = min((w for w in walls if w.upper == upper), key=lambda w: w.point is None)   # a rational point first
        checks.append(Check.passed(f"not C^{_k(upper + 1)}", "a meeting of two pieces on the wall (oracle)",
                                   f"across {top.wall.as_expr()} = 0 (pieces {top.pieces[0]} and {top.pieces[1]}) "
                                   f"{top.where()}"))
    elif walls:
        checks.append(Check.undecided("exact order", "meeting points on the walls (oracle)",
                                      "no meeting of different pieces was shown"))
    if order is None:
        claim = f"the spline is C^{_k(lower)} and at most C^{_k(upper)}"
    elif order == math.inf:
        claim = "the spline is one polynomial (C^oo)"
    elif order < 0:
        claim = "the spline is not continuous"
    else:
        claim = f"the spline is C^{_k(order)} and not C^{_k(order + 1)}"
    return SmoothnessProof(claim, tuple(checks), complete=form.complete, order=order, walls=walls,
                           stats=dict(walls=len(walls), pieces=len(form.pieces)))
