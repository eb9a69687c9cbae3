"""Simplest rationals, wall crossing along lines, and scaling symmetries."""
from __future__ import annotations

import random
from fractions import Fraction

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symattn.semialg.linesearch import LineSearch, simplest_between
from symattn.semialg.poly import compile_poly, polynomial_ring
from symattn.semialg.scaling import coordinates_to_fix


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-50, max_value=50, max_denominator=200),
       st.fractions(min_value=Fraction(1, 10**6), max_value=10, max_denominator=10**6))
def test_simplest_between_is_inside_and_simplest(lo, width):
    hi = lo + width
    q = simplest_between(lo, hi)
    assert lo < q < hi
    # no rational with a smaller denominator lies strictly inside
    for d in range(1, min(q.denominator, 3000)):
        n = (lo * d).__floor__() + 1
        assert not Fraction(n, d) < hi


def test_line_crossing_finds_a_thin_cell_exactly():
    x, y = sympy.symbols("x y")
    R = polynomial_ring((x, y))
    X, Y = R.gens
    eps = Fraction(1, 10**9)
    polys = [compile_poly(Y - X**2), compile_poly(Y - X**2 - sympy.Rational(1, 10**9))]
    ls = LineSearch(polys, [1, -1], random.Random(0))
    start = ((1, 5), 1)                       # x = 1, y = 5: violates the upper wall
    pt, score = ls.best_on_line(start, [0, 1])  # vertical line through x = 1
    assert score == 2 and ls.is_witness(pt)
    (nx, ny), D = pt
    assert Fraction(nx, D) == 1 and 1 < Fraction(ny, D) < 1 + eps


def _fix(polys, k=9):
    return coordinates_to_fix([compile_poly(p) for p in polys], k)


def test_scaling_symmetries():
    s = sympy.symbols("a0:6")
    R = polynomial_ring(s)
    a = R.gens
    # homogeneous: a common scaling, and a0 -> t a0, a1 -> a1/t, a3 -> t a3 as well
    assert len(_fix([a[0] * a[1] - a[2] ** 2, a[0] + a[3]])) == 2
    assert len(_fix([a[0] * a[1] - a[2] ** 2, a[0] + a[1] + a[3]])) == 1
    # bihomogeneous in tokens (a0,a1,a2) and (a3,a4,a5): two
    x1, x2 = a[:3], a[3:]
    M = [[1, 2, -3], [2, -1, 1], [0, 3, 1]]             # dense, like attention Q K^T
    bil = [sum(M[i][j] * x1[i] * x2[j] for i in range(3) for j in range(3))]
    quad = sum(M[i][j] * x1[i] * x1[j] for i in range(3) for j in range(3))
    f = _fix(bil + [quad])
    assert len(f) == 2 and {i < 3 for i in f} == {True, False}
    # weighted: x^2 + y has weights (1, 2)
    assert len(_fix([a[0] ** 2 + a[1]])) == 1
    # inhomogeneous: none
    assert _fix([a[0] + 1]) == []
    assert _fix([a[0] ** 2 + a[0] * a[1] + a[1]]) == []
    assert len(_fix([a[0] + a[1], a[0] * a[1] + a[2] ** 2], k=0)) == 0


def test_scaling_symmetries_against_the_kernel_of_the_exponent_differences():
    # independent oracle: fixing the generators F to ±1 loses nothing exactly when the scaling
    # weights (the kernel of the exponent differences) reach every sign and size on F, i.e. the
    # kernel's basis restricted to F has rank |F|; and no more than dim ker can be fixed
    rng = random.Random(7)
    s = sympy.symbols("k0:6")
    R = polynomial_ring(s)
    for _ in range(300):
        polys = []
        for _ in range(rng.randint(1, 3)):
            terms = {tuple(rng.choice((0, 0, 1, 2, 3)) for _ in s) for _ in range(rng.randint(1, 4))}
            polys.append(R.from_dict({m: rng.choice([-3, -1, 1, 2]) for m in terms}))
        occurring = sorted({i for p in polys for m in p.monoms() for i, e in enumerate(m) if e})
        rows = [[a - b for a, b in zip(m, p.monoms()[0])] for p in polys for m in p.monoms()[1:]]
        kernel = sympy.Matrix(rows or [[0] * len(s)])[:, occurring].nullspace()
        fixed = coordinates_to_fix([compile_poly(p) for p in polys], 9)
        assert len(fixed) == len(kernel)
        if fixed:
            K = sympy.Matrix.hstack(*kernel)
            assert K[[occurring.index(i) for i in fixed], :].rank() == len(fixed)
