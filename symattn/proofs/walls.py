"""Walls between pieces: which pairs can meet, along which wall, and an exact point where they do.

**Candidates.** Two pieces A, B meet only on their boundaries.  If A has a
condition (h, s) and B has (h, −s), their closures meet inside {h = 0}; a
meeting of codimension one lies in the zero set of one irreducible factor g
common to every such h (two walls without a common factor meet in
codimension two).  Without such an h, g is a factor common to a condition
of A and a condition of B.  :func:`crossings` lists, for every pair with
different polynomials, these candidate walls with the difference D = P_A − P_B
and the multiplicity of g in each entry of D.  A sign-definite g (such as
x² + y²) has no two sides and is skipped.

**Meeting points.** :func:`meeting_point` looks for a rational point p
with g(p) = 0 where A lies on one side and B on the other, g has a nonzero
gradient, no other wall passes through p, and a given polynomial R is
nonzero.  With g = a·v + b of degree 1 in some variable v, the points of
the wall with a ≠ 0 are v = −b/a; every condition q becomes
q(−b/a)·a^deg_v(q), of known sign, in the other variables, and the oracle
decides the system exactly.  A condition h = g^e·r of A must have r of
sign s·σ^e at p when A is on the side σ·g > 0.  The answer is exact both
ways: a witness gives the point (checked exactly), and "empty" proves that
A and B do not meet along g on an (N−1)-dimensional set where R ≠ 0.
Since a polynomial vanishing on an (N−1)-dimensional part of an irreducible
wall is divisible by it, R = D/g^k with g ∤ R is nonzero somewhere on every
such meeting: empty means *they do not meet along g at all* (in codimension
one).

A wall with no variable of degree 1 (x² + 3xy + y² = 0 has no rational
points but the origin) is approached from beside it: a rational point q of
A on its side of the wall that satisfies B's other conditions and R ≠ 0, and
a segment from q across the wall on which, by exact root counting, g has
one simple root and no other condition or R has any.  The pieces then meet
at the algebraic crossing point; the segment's rational endpoints are the
certificate.  No such q at all is again a proof that they do not meet.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> wall_factors(X**2 * Y - Y)
(x + 1, x - 1, y)
>>> p = meeting_point(((X, 1), (Y, 1)), ((X, -1), (Y, 1)), X, R.one)
>>> p.point[x], p.point[y] > 0
(0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from ..semialg.decide import Feasible, Undecided, emptiness
from ..semialg.poly import (PolyElement, evaluate, is_constant, is_nonnegative, normalize_condition,
                            restrict_to_line)
from ..semialg.region import Condition, check_conditions
from .forms import Form

__all__ = ["wall_factors", "multiplicity", "Crossing", "crossings", "Meeting", "meeting_point"]


@lru_cache(maxsize=100_000)
def wall_factors(h: PolyElement) -> tuple[PolyElement, ...]:
    """The distinct irreducible factors of ``h`` over QQ, normalised, sorted."""
    _, factors = h.factor_list()
    out = {normalize_condition(f, 1)[0] for f, _ in factors if not is_constant(f)}
    return tuple(sorted(out, key=str))


def multiplicity(g: PolyElement, d: PolyElement) -> float:
    """The largest k with g^k | d (∞ for d = 0)."""
    if not d:
        return float("inf")
    k = 0
    while True:
        q, r = d.div([g])
        if r:
            return k
        d, k = q[0], k + 1


def _sign_definite(g: PolyElement) -> bool:
    return is_nonnegative(g) or is_nonnegative(-g)


@dataclass(frozen=True)
class Crossing:
    """Pieces ``a`` and ``b`` of a form may meet along the irreducible ``wall``.

    ``difference``: the entries of P_a − P_b; ``multiplicities``: of the
    wall in each entry (∞ for a zero entry).  The spline is C^k across the
    wall there for k = ``order`` = min multiplicity − 1 (−1: not continuous).
    """

    a: int
    b: int
    wall: PolyElement
    difference: tuple[PolyElement, ...]
    multiplicities: tuple[float, ...]

    @property
    def order(self) -> float:
        return min(self.multiplicities) - 1

    @property
    def entry(self) -> int:
        """The entry of the difference with the smallest multiplicity."""
        return self.multiplicities.index(min(self.multiplicities))

    def cofactor(self) -> PolyElement:
        """D_entry / wall^(order + 1): nonzero on the wall, up to lower-dimensional sets."""
        d = self.difference[self.entry]
        for _ in range(int(self.order) + 1):
            d = d.div([self.wall])[0][0]
        return d


def crossings(form: Form) -> list[Crossing]:
    """Every (pair of pieces with different polynomials, candidate wall), see the module docstring."""
    conds = [dict(p.conditions) for p in form.pieces]
    factors = [set().union(*[wall_factors(h) for h in c]) if c else set() for c in conds]
    out = []
    for i, A in enumerate(form.pieces):
        for j in range(i + 1, len(form.pieces)):
            B = form.pieces[j]
            if A.polys == B.polys:
                continue
            separating = [h for h, s in conds[i].items() if conds[j].get(h) == -s]
            if separating:
                walls = set(wall_factors(separating[0]))
                for h in separating[1:]:
                    walls &= set(wall_factors(h))
            else:
                walls = factors[i] & factors[j]
            if not walls:
                continue
            diff = tuple(p - q for rp, rq in zip(A.polys, B.polys) for p, q in zip(rp, rq))
            for g in sorted(walls, key=str):
                if _sign_definite(g):
                    continue
                out.append(Crossing(i, j, g, diff, tuple(multiplicity(g, d) for d in diff)))
    return out


@dataclass(frozen=True)
class Meeting:
    """The answer of :func:`meeting_point`.

    ``point``: an exact rational point of the wall where the pieces meet;
    ``segment``: else, rational endpoints (one in each piece) of a segment
    that crosses the wall once, at a simple root, and no other wall, so the
    pieces meet at the (algebraic) crossing; ``empty``: proven not to meet.
    """

    point: dict | None
    empty: bool
    reason: str = ""
    segment: tuple[dict, dict] | None = None

    @property
    def found(self) -> bool:
        return self.point is not None or self.segment is not None


def _linear_variable(g: PolyElement):
    """``(index, a, b)`` with g = a·v + b, v the generator ``index``; a constant a preferred."""
    ring = g.ring
    best = None
    for k, v in enumerate(ring.gens):
        if g.degree(v) != 1:
            continue
        a = g.coeff_wrt(v, 1)
        b = g.coeff_wrt(v, 0)
        key = (not is_constant(a), len(a))
        if best is None or key < best[0]:
            best = (key, (k, a, b))
    return None if best is None else best[1]


def _on_wall(q: PolyElement, k: int, a: PolyElement, b: PolyElement) -> tuple[PolyElement, int]:
    """q(v = −b/a)·a^m with m = deg_v q, and m."""
    v = q.ring.gens[k]
    m = q.degree(v)
    if m <= 0:
        return q, 0
    power = lambda p, e: p ** e if e else q.ring.one  # noqa: E731  (sympy refuses 0**0)
    out = q.ring.zero
    for d in range(m + 1):
        c = q.coeff_wrt(v, d)
        if c:
            out += c * power(-b, d) * power(a, m - d)
    return out, m


def _strip(h: PolyElement, g: PolyElement) -> tuple[int, PolyElement]:
    """(e, r) with h = g^e·r and g ∤ r."""
    e = 0
    while True:
        q, r = h.div([g])
        if r:
            return e, h
        h, e = q[0], e + 1


def meeting_point(A: tuple[Condition, ...], B: tuple[Condition, ...], g: PolyElement, R: PolyElement,
                  hint: Any = None) -> Meeting:
    """Where the regions A and B meet across the wall g = 0 with R ≠ 0: a point, a segment, or a proof of none.

    First on the wall itself (solved for a variable of degree 1), then, for
    a wall without one or when that is undecided, beside it
    (:func:`_crossing`).
    """
    if _sign_definite(g):
        return Meeting(None, True, f"the wall {g.as_expr()} = 0 is sign-definite: it has no two sides")
    on_wall = _on_wall_point(A, B, g, R, hint)
    if on_wall.found or on_wall.empty:
        return on_wall
    beside = _crossing(A, B, g, R, hint)
    if beside.found or beside.empty:
        return beside
    return Meeting(None, False, f"{on_wall.reason}; {beside.reason}")


def _stripped(A, B, g: PolyElement, side: int) -> list[tuple[PolyElement, int]]:
    """The conditions r·(sign) > 0 that hold near a meeting point, with A on the side side·g > 0."""
    out = []
    for conditions, sigma in ((A, side), (B, -side)):
        for h, s in conditions:
            e, r = _strip(h, g)
            out.append((r, s * sigma ** e))
    return out


def _on_wall_point(A, B, g: PolyElement, R: PolyElement, hint: Any) -> Meeting:
    solved = _linear_variable(g)
    if solved is None:
        return Meeting(None, False, f"the wall {g.as_expr()} = 0 has no variable of degree 1 to solve for")
    k, a, b = solved
    ring = g.ring
    a_signs = (1 if a.LC > 0 else -1,) if is_constant(a) else (1, -1)
    reasons = []
    for side in (1, -1):
        base = _stripped(A, B, g, side)
        for r_sign in (1, -1):
            for a_sign in a_signs:
                system = [] if is_constant(a) else [(a, a_sign)]
                for q, s in base + [(R, r_sign)]:
                    q2, m = _on_wall(q, k, a, b)
                    system.append((q2, s * a_sign ** m))
                answer = emptiness(ring, tuple(system), hint=hint)
                if isinstance(answer, Feasible):
                    return Meeting(_lift(answer.witness, k, a, b, g, A, B, R), False)
                if isinstance(answer, Undecided):
                    reasons.append(answer.reason)
    if reasons:
        return Meeting(None, False, reasons[0])
    return Meeting(None, True, "no point of the wall where both sides meet (exact)")


def _crossing(A, B, g: PolyElement, R: PolyElement, hint: Any) -> Meeting:
    """A point q of A beside the wall (with B's other conditions and R ≠ 0), then a segment from q
    along −side·∇g(q) across the wall.

    If no such q exists the pieces do not meet (near a meeting point all
    those strict conditions hold on A's side), which is a proof.
    """
    ring = g.ring
    reasons = []
    for side in (1, -1):
        base = _stripped(A, B, g, side) + [(g, side)]
        for r_sign in (1, -1):
            answer = emptiness(ring, tuple(base + [(R, r_sign)]), hint=hint)
            if isinstance(answer, Undecided):
                reasons.append(answer.reason)
            if not isinstance(answer, Feasible):
                continue
            q = {s: sympy.Rational(answer.witness[s]) for s in ring.symbols}
            d = {s: -side * evaluate(g.diff(v), q) for s, v in zip(ring.symbols, ring.gens)}
            if any(d.values()):
                found = _segment(q, d, g, [r for r, _ in base[:-1]] + [R], A, B, R)
                if found is not None:
                    return found
            reasons.append("no segment from a point beside the wall crosses it alone")
    if reasons:
        return Meeting(None, False, reasons[0])
    return Meeting(None, True, "no point beside the wall with both sides' other conditions (exact)")


def _segment(q: dict, d: dict, g: PolyElement, others, A, B, R) -> Meeting | None:
    """The segment q + [0, t₂]·d if, by exact root counting, g has one simple root on it and no
    other polynomial has any; then q (in A) and its end (in B, checked) certify the crossing."""
    t = sympy.Symbol("t")
    along = lambda p: sympy.Poly(restrict_to_line(p, q, d, t).as_expr(), t)  # noqa: E731
    gl = along(g)
    roots = gl.intervals(inf=0)
    if not roots or roots[0][1] != 1:
        return None
    (lo, hi), _ = roots[0]
    lines = [along(p) for p in others if not is_constant(p)]
    for _ in range(12):
        if lo == hi:                                   # a rational crossing: a point of the wall
            return Meeting(_checked_point({s: q[s] + lo * d[s] for s in q}, g, A, B, R), False)
        if gl.count_roots(0, hi) == 1 and all(line.count_roots(0, hi) == 0 for line in lines):
            far = {s: q[s] + hi * d[s] for s in q}
            if check_conditions(B, far) is None and check_conditions(A, q) is None:
                return Meeting(None, False, segment=(q, far))
            return None
        lo, hi = gl.refine_root(lo, hi, eps=(hi - lo) / 16)
    return None


def _checked_point(point: dict, g: PolyElement, A, B, R) -> dict:
    if evaluate(g, point) != 0 or evaluate(R, point) == 0:
        raise AssertionError(f"internal error: {point} is not a meeting point")
    for h, _ in A + B:
        if evaluate(_strip(h, g)[1], point) == 0:
            raise AssertionError(f"internal error: another wall passes through {point}")
    return point


def _lift(witness, k: int, a: PolyElement, b: PolyElement, g: PolyElement, A, B, R) -> dict:
    """The witness with v = −b/a, checked exactly: on the wall, off the other walls, R ≠ 0."""
    ring = g.ring
    point = {s: sympy.Rational(witness[s]) for s in ring.symbols}
    point[ring.symbols[k]] = -evaluate(b, point) / evaluate(a, point)
    return _checked_point(point, g, A, B, R)
