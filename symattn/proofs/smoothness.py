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
  [passed] every wall (...): x = 0: C^1 at (x = 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from ..realize.proof import Check, Proof
from ..semialg.poly import PolyElement
from .forms import as_form
from .walls import Crossing, crossings, meeting_point

__all__ = ["smoothness", "SmoothnessProof", "WallOrder"]


@dataclass(frozen=True)
class WallOrder:
    """The order across one wall: ``order`` (None if undecided, then ``lower`` ≤ order ≤ ``upper``),
    the ``pieces`` and exact ``point`` where it is attained."""

    wall: PolyElement
    order: float | None
    lower: float
    upper: float
    pieces: tuple[int, int] | None = None
    point: dict | None = None

    def line(self) -> str:
        where = self.wall.as_expr()
        if self.order is None:
            return f"{where} = 0: between C^{_k(self.lower)} and C^{_k(self.upper)} (undecided)"
        at = ", ".join(f"{s} = {v}" for s, v in self.point.items())
        return f"{where} = 0: C^{_k(self.order)} at ({at})"


def _k(k: float) -> str:
    return "oo" if k == math.inf else str(int(k))


@dataclass(frozen=True)
class SmoothnessProof(Proof):
    """A :class:`~symattn.realize.proof.Proof` of the order of smoothness.

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
        if meeting.point is not None:
            if lowest_open is not None and lowest_open < c.order:
                return WallOrder(wall, None, lowest_open, c.order, (c.a, c.b), meeting.point)
            return WallOrder(wall, c.order, c.order, c.order, (c.a, c.b), meeting.point)
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
    exact = lower == upper
    order = lower if exact else None
    method = "exact division by powers of the wall, meeting points on the wall (oracle)"
    lines = "; ".join(w.line() for w in walls[:12]) + ("; ..." if len(walls) > 12 else "")
    checks = [form.cover_check("pieces")]
    if all(w.order is not None for w in walls):
        checks.append(Check.passed("every wall", method, lines or "no two different pieces meet"))
    else:
        checks.append(Check.undecided("every wall", method, lines))
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
