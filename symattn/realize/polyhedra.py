"""Exact linear arithmetic on closed polyhedra (z3 QF_LRA, rational models).

The oracle of :mod:`symattn.semialg` decides *open* sign conditions.  The
continuity check of a CPWL input needs *closed* ones: two cells meet on a
common face, which has no interior.  This module asks z3's exact linear
arithmetic for a rational point of ``{s·h ≥ 0} ∧ {s'·h' > 0}``; z3's models
in QF_LRA are exact rationals, and the point is re-checked here anyway.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> p = point_in(closed=[(X, 1), (X, -1)], strict=[(Y - 2, 1)])     # x = 0 and y > 2
>>> p[x] == 0 and p[y] > 2
True
>>> point_in(closed=[(X - 1, 1)], strict=[(X, -1)]) is None      # x ≥ 1 and x < 0
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import sympy
import z3

from ..semialg.poly import PolyElement, evaluate
from .errors import RealizeError
from ..rationals import to_rational

__all__ = ["point_in"]

Condition = tuple[PolyElement, int]


def _linear(p: PolyElement, xs: list) -> "z3.ArithRef":
    total = z3.RealVal(0)
    for m, c in p.items():
        coef = z3.RealVal(f"{c.numerator}/{c.denominator}")
        k = [i for i, e in enumerate(m) if e]
        if not k:
            total = total + coef
        elif len(k) == 1 and m[k[0]] == 1:
            total = total + coef * xs[k[0]]
        else:
            raise ValueError(f"{p.as_expr()} is not affine")
    return total


def point_in(closed: Sequence[Condition] = (), strict: Sequence[Condition] = (),
             nonzero: Sequence[PolyElement] = (),
             timeout: float = 10.0) -> dict[sympy.Symbol, sympy.Rational] | None:
    """A rational point with ``s·h ≥ 0`` for ``closed``, ``s·h > 0`` for ``strict``
    and ``h ≠ 0`` for ``nonzero``; None if there is none.

    Every polynomial must be affine and in one ring.  Raises
    :class:`RealizeError` if z3 gives no answer within ``timeout`` seconds.
    """
    conds = list(closed) + list(strict) + [(h, 1) for h in nonzero]
    if not conds:
        raise ValueError("point_in needs at least one condition (to know the ring)")
    ring = conds[0][0].ring
    xs = [z3.Real(f"v{i}") for i in range(ring.ngens)]
    s = z3.SolverFor("QF_LRA")
    s.set("timeout", int(timeout * 1000))
    for h, sign in closed:
        s.add(_linear(h * sign, xs) >= 0)
    for h, sign in strict:
        s.add(_linear(h * sign, xs) > 0)
    for h in nonzero:
        s.add(_linear(h, xs) != 0)
    res = s.check()
    if res == z3.unsat:
        return None
    if res != z3.sat:
        raise RealizeError(f"exact linear arithmetic gave no answer ({s.reason_unknown()})")
    model = s.model()
    point = {}
    for sym, v in zip(ring.symbols, xs):
        f = Fraction(model.eval(v, model_completion=True).as_fraction())
        point[sym] = to_rational(f)
    for h, sign in closed:
        assert sign * evaluate(h, point) >= 0, "z3 model failed the exact check"
    for h, sign in strict:
        assert sign * evaluate(h, point) > 0, "z3 model failed the exact check"
    for h in nonzero:
        assert evaluate(h, point) != 0, "z3 model failed the exact check"
    return point
