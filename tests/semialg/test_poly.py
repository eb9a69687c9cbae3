"""Rings, exact evaluation, line restriction, normalisation and sign facts."""
from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symattn.semialg.poly import (compile_poly, constant_sign, evaluate, is_constant,
                                  is_nonnegative, is_positive, normalize_condition,
                                  polynomial_ring, restrict_to_line, ring_parameters,
                                  ring_variables)

x, y, z, p = sympy.symbols("x y z p")
R = polynomial_ring((x, y, z), (p,))
X, Y, Z, P = R.gens

small = st.fractions(min_value=-5, max_value=5, max_denominator=7)
coeff = st.integers(-4, 4)
exps = st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2), st.integers(0, 1))


@st.composite
def polys(draw, max_terms=6):
    terms = draw(st.lists(st.tuples(coeff, st.fractions(min_value=-3, max_value=3, max_denominator=5), exps),
                          min_size=0, max_size=max_terms))
    g = R.zero
    for c, f, (a, b, cc, d) in terms:
        g += R(sympy.Rational(f.numerator, f.denominator) * c) * X**a * Y**b * Z**cc * P**d
    return g


def test_ring_is_cached_and_ordered():
    assert polynomial_ring((x, y, z), (p,)) is R
    assert R.symbols == (x, y, z, p)
    assert ring_variables(R) == (x, y, z) and ring_parameters(R) == (p,)
    with pytest.raises(ValueError):
        polynomial_ring((x, x))


@settings(max_examples=25, deadline=None)
@given(polys(), st.tuples(small, small, small, small))
def test_evaluate_matches_sympy(g, pt):
    point = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(R.symbols, pt)}
    expected = g.as_expr().subs(point)
    assert evaluate(g, point) == expected
    assert evaluate(g, pt) == expected            # sequence form, generator order
    ip = compile_poly(g)
    D = 1
    for v in pt:
        D = D * v.denominator
    nums = [int(v * D) for v in pt]
    assert ip.sign_at(nums, D) == int(sympy.sign(expected))


def test_evaluate_refuses_floats():
    with pytest.raises(TypeError):
        evaluate(X + Y, (0.5, 1, 1, 1))


@settings(max_examples=20, deadline=None)
@given(polys(), st.tuples(small, small, small, small), st.tuples(small, small, small, small))
def test_restrict_to_line_is_composition(g, o, d):
    t = sympy.Symbol("t")
    q = restrict_to_line(g, o, d, symbol=t)
    sub = {s: sympy.Rational(a.numerator, a.denominator) + t * sympy.Rational(b.numerator, b.denominator)
           for s, a, b in zip(R.symbols, o, d)}
    assert sympy.expand(q.as_expr() - g.as_expr().subs(sub, simultaneous=True)) == 0


@settings(max_examples=25, deadline=None)
@given(polys(), st.sampled_from([1, -1]), st.fractions(min_value=-9, max_value=9, max_denominator=9)
       .filter(lambda c: c != 0), st.tuples(small, small, small, small))
def test_normalisation_keeps_the_solution_set(g, s, c, pt):
    h, s2 = normalize_condition(g, s)
    if not g:                                     # 0 > 0 and 0 < 0 are both empty
        assert not h
        return
    hc, sc = normalize_condition(g * R(sympy.Rational(c.numerator, c.denominator)), s)
    assert (hc, sc) == (h, s2 if c > 0 else -s2)  # c*g and g are the same wall
    v, w = evaluate(g, pt), evaluate(h, pt)
    assert (s * v > 0) == (s2 * w > 0)
    if h:
        coeffs = [int(cf) for cf in h.coeffs()]
        assert all(cf.denominator == 1 for cf in h.coeffs()) and h.LC > 0
        assert math.gcd(*coeffs) == 1


def test_normalisation_examples():
    assert normalize_condition(2 * X - 4 * Y, 1) == (X - 2 * Y, 1)
    assert normalize_condition(-X, 1) == (X, -1)
    assert normalize_condition(-X / 3 + Y, -1) == (X - 3 * Y, 1)
    with pytest.raises(ValueError):
        normalize_condition(X, 0)


def test_constants():
    assert is_constant(R(3)) and is_constant(R.zero) and not is_constant(X)
    assert constant_sign(R(-2)) == -1 and constant_sign(R.zero) == 0
    with pytest.raises(ValueError):
        constant_sign(X)


@pytest.mark.parametrize("g, nonneg, pos", [
    (X**2 + Y**2, True, False),
    (X**2 + 1, True, True),
    (X**2 - 2 * X * Y + Y**2, True, False),          # (x - y)^2: PSD Gram matrix
    ((X + Y) ** 2 + 1, True, True),
    (X**2 + X + 1, True, True),                      # discriminant < 0
    (X**2 + 2 * X + 1, True, False),                 # (x + 1)^2
    (X * Y, False, False),
    (X**2 - Y**2, False, False),
    (X**4 * Y**2 + Z**2 + 3, True, True),
    (-X**2, False, False),
    (X, False, False),
])
def test_sign_definiteness_examples(g, nonneg, pos):
    assert is_nonnegative(g) is nonneg
    assert is_positive(g) is pos


@settings(max_examples=40, deadline=None)
@given(polys(), st.tuples(small, small, small, small))
def test_sign_definiteness_is_sound(g, pt):
    v = evaluate(g, pt)
    if is_nonnegative(g):
        assert v >= 0
    if is_positive(g):
        assert v > 0
