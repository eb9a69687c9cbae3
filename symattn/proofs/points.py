"""Exact rational points for proofs: seeded random points, and points near a witness.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> p = point_where_nonzero([(X, 1), (Y, 1)], X - Y, {x: 1, y: 1})   # x - y vanishes at the witness
>>> p[x] > 0 and p[y] > 0 and p[x] != p[y]
True
>>> random_points((x, y), 2, seed=1) == random_points((x, y), 2, seed=1)
True
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Mapping, Sequence

import sympy

from ..semialg.poly import PolyElement, evaluate
from ..semialg.region import Condition, check_conditions
from ..rationals import to_fraction

__all__ = ["random_points", "point_where_nonzero"]

_DENOMINATORS = (1, 2, 3, 4, 5, 7, 8, 16)


def random_points(symbols: Sequence[sympy.Symbol], count: int, seed: int = 0,
                  spread: int = 3) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """``count`` points with coordinates a/q, |a/q| ≤ spread, q from a few small denominators."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        point = {}
        for s in symbols:
            q = rng.choice(_DENOMINATORS)
            point[s] = sympy.Rational(rng.randint(-spread * q, spread * q), q)
        out.append(point)
    return out


def point_where_nonzero(conditions: Sequence[Condition], d: PolyElement, witness: Mapping,
                        tries: int = 12, halvings: int = 60, seed: int = 0) -> dict | None:
    """A rational point satisfying ``conditions`` where ``d`` ≠ 0, near ``witness``.

    ``witness`` satisfies the (open) conditions; along a line through it the
    conditions keep holding for small steps and a nonzero ``d`` vanishes at
    finitely many steps, so halving the step finds a point unless the line
    lies in the zero set of ``d``.  Lines are tried in seeded random
    directions; None when every try fails (then ask the oracle).
    """
    symbols = d.ring.symbols
    base = {s: to_fraction(sympy.Rational(witness[s])) for s in symbols}
    rng = random.Random(seed)
    for _ in range(tries):
        direction = {s: Fraction(rng.randint(-3, 3)) for s in symbols}
        if not any(direction.values()):
            continue
        step = Fraction(1)
        for _ in range(halvings):
            point = {s: sympy.Rational((base[s] + step * direction[s]).numerator,
                                       (base[s] + step * direction[s]).denominator) for s in symbols}
            if check_conditions(tuple(conditions), point) is None and evaluate(d, point) != 0:
                return point
            step /= 2
    return None
