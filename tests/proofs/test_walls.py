"""Continuity and smoothness across walls, checked against derivatives computed independently with sympy."""

from __future__ import annotations

import math
from itertools import product

import pytest
import sympy

import symattn
from symattn.nn import Attention, EncoderBlock, FeedForward
from symattn.proofs import ProofError, prove_continuous, smoothness
from symattn.realize import CPWL, UnivariateSpline

x, y = sympy.symbols("x y")


def derivatives_agree(p: sympy.Expr, q: sympy.Expr, variables, point: dict, order: int) -> bool:
    """All partial derivatives of order exactly ``order`` of p and q agree at ``point`` (sympy.diff)."""
    for powers in product(range(order + 1), repeat=len(variables)):
        if sum(powers) != order:
            continue
        args = [a for v, k in zip(variables, powers) for a in (v, k) if k]
        dp = sympy.diff(p, *args) if args else p
        dq = sympy.diff(q, *args) if args else q
        if (dp - dq).subs(point) != 0:
            return False
    return True


def assert_exact_order(proof, pieces, variables):
    """At every wall's meeting point the jets of the two pieces agree to order k and differ at k + 1."""
    for wall in proof.walls:
        assert wall.order is not None and wall.point is not None
        p, q = (pieces[i] for i in wall.pieces)
        assert wall.wall.as_expr().subs(wall.point) == 0                      # on the wall
        for k in range(int(wall.order) + 1):
            assert derivatives_agree(p, q, variables, wall.point, k)
        assert not derivatives_agree(p, q, variables, wall.point, int(wall.order) + 1)


@pytest.mark.parametrize("knot", [0, sympy.Rational(3, 2)])
def test_a_truncated_cubic_is_exactly_c2(knot):
    spline = UnivariateSpline([knot], [0, (x - knot) ** 3], x)
    proof = smoothness(spline)
    assert proof.proved and proof.order == 2 and proof.claim == "the spline is C^2 and not C^3"
    assert [w.point for w in proof.walls] == [{x: knot}]
    assert_exact_order(proof, [0, (x - knot) ** 3], [x])


def test_a_truncated_square_is_exactly_c1_in_one_and_two_variables():
    assert smoothness(UnivariateSpline([0], [0, x ** 2], x)).order == 1
    pieces = [(x + y < 0, 0), (x + y > 0, (x + y) ** 2)]                     # σ(x + y)²
    proof = smoothness(pieces, variables=[x, y])
    assert proof.proved and proof.order == 1
    assert_exact_order(proof, [0, (x + y) ** 2], [x, y])


def test_a_cubic_spline_with_two_knots_takes_the_least_order():
    spline = UnivariateSpline([0, 1], [0, x ** 3, x ** 3 + (x - 1) ** 2], x)
    proof = smoothness(spline)
    assert proof.order == 1 and sorted(w.order for w in proof.walls) == [1, 2]


@pytest.mark.parametrize("Q, K, V, n", [
    ([[1]], [[1]], [[1]], 2),
    ([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, -1]], 2),
])
def test_relu_attention_is_exactly_c0_at_every_wall(Q, K, V, n):
    spline = symattn.compile(Attention(Q, K, V), n=n, progress=False)
    proof = smoothness(spline)
    assert proof.proved and proof.order == 0
    assert all(w.order == 0 for w in proof.walls) and proof.walls
    for w in proof.walls:
        if w.point is not None:          # a cross-token score wall: an exact rational meeting point
            a, b = (spline.pieces[i] for i in w.pieces)
            assert w.wall.as_expr().subs(w.point) == 0
            assert a.value.subs(w.point) == b.value.subs(w.point)            # continuous there
            jumps = [sympy.diff(a.value - b.value, v).subs(w.point) for v in spline.variables]
            assert any(j != sympy.zeros(*a.value.shape) for j in jumps)       # a first derivative jumps
        else:                            # x0ᵀ Q Kᵀ x0 = 0 has no rational points but 0: a crossing segment
            start, end = w.segment
            g = w.wall.as_expr()
            assert g.subs(start) * g.subs(end) < 0


def test_a_constant_region_pair_with_equal_values_is_one_polynomial():
    proof = smoothness([(x < 0, x ** 2), (x > 0, x ** 2)], variables=[x])
    assert proof.order == math.inf and proof.proved and proof.walls == ()


def test_a_discontinuous_piecewise_input_is_rejected_on_its_wall():
    pieces = [(x - y < 0, x), (x - y > 0, x + y - 1)]
    with pytest.raises(ProofError) as info:
        prove_continuous(pieces, variables=[x, y])
    err = info.value
    p = err.point
    assert p[x] == p[y]                                            # on the wall x = y
    assert err.values == (p[x], p[x] + p[y] - 1) and err.values[0] != err.values[1]
    assert smoothness(pieces, variables=[x, y]).order == -1


def test_a_discontinuous_cpwl_built_without_its_check_is_rejected():
    f = CPWL([[x < 0], [x > 0]], [0, x + 1], [x], check=False)
    with pytest.raises(ProofError) as info:
        prove_continuous(f)
    assert info.value.point == {x: 0} and info.value.values == (0, 1)


def test_pieces_that_differ_but_never_meet_are_proven_apart():
    """f(x, y) = σ(y − 1) + σ(−y) on six cells.  The cells x < 0, y > 1 and x > 0, y < 0 are separated by
    x alone, and their difference 2y − 1 is not divisible by x, but on x = 0 one needs y > 1 and the
    other y < 0: the oracle proves they do not meet."""
    values = {"low": -y, "mid": sympy.Integer(0), "high": y - 1}
    bands = {"low": [y < 0], "mid": [y > 0, y < 1], "high": [y > 1]}
    pieces = [([side] + bands[b], values[b]) for side in (x < 0, x > 0) for b in bands]
    proof = prove_continuous(pieces, variables=[x, y])
    assert proof.proved and proof.stats["apart"] >= 2


def test_compiled_splines_are_continuous():
    block = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1, -1]], [1, 0], [[1], [1]], None))
    spline = symattn.compile(block, n=2, progress=False)
    proof = prove_continuous(spline)
    assert proof.proved and proof.stats["candidates"] > 0
    assert smoothness(spline).order == 0


def test_an_irrational_wall_is_crossed_by_a_segment():
    # x³ = 2 has no rational point: the meeting is shown by a segment crossing it once
    pieces = [(x ** 3 - 2 < 0, 0), (x ** 3 - 2 > 0, (x ** 3 - 2) ** 2)]
    proof = smoothness(pieces, variables=[x])
    wall, = proof.walls
    assert proof.proved and proof.order == 1 and wall.point is None
    start, end = wall.segment
    assert start[x] ** 3 < 2 < end[x] ** 3 or end[x] ** 3 < 2 < start[x] ** 3


def test_an_incomplete_compile_proves_nothing():
    spline = symattn.compile(Attention([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, -1]]), n=2,
                             budget=symattn.Budget(regions=2), progress=False)
    assert not spline.complete
    continuity, order = prove_continuous(spline), smoothness(spline)
    assert not continuity.proved and not continuity.complete
    assert not order.proved and order.checks[0].status == "undecided"


def test_smoothness_prints_as_c_k_with_its_walls():
    from sympy.printing.latex import LatexPrinter

    from symattn.export.formats_proofs import smoothness_latex

    spline = symattn.compile(Attention([[1]], [[1]], [[1]]), n=2, progress=False)
    latex = smoothness_latex(smoothness(spline), LatexPrinter())
    assert r"f \in C^{0} \setminus C^{1}" in latex
    assert r"x_{0,0} = 0\colon\ C^{0}\ \text{at } \left(x_{0,0} = 0,\ x_{1,0} = " in latex
