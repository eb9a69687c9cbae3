"""The assertion helpers: they pass on true claims and fail with the exact counterexample and its LaTeX."""

from __future__ import annotations

import pytest
import sympy

import symattn
from symattn.nn import Attention, Encoder, EncoderBlock, FeedForward
from symattn.proofs import ProofError
from symattn.realize import MaxMin, UnivariateSpline, realize
from symattn.testing import (assert_continuous, assert_degree, assert_realises, assert_smoothness,
                             assert_spline_equal)

x = sympy.Symbol("x")
ABS = FeedForward([[1, -1]], None, [[1], [1]], None)


def test_equal_splines_pass_and_unequal_ones_show_the_point_exactly():
    assert assert_spline_equal(ABS, MaxMin([[x], [-x]], [x]), n=1).proved
    with pytest.raises(ProofError) as info:
        assert_spline_equal(ABS, MaxMin([[x], [-2 * x]], [x]), n=1)
    err, text = info.value, str(info.value)
    (value,) = err.point.values()
    assert value < 0                                                  # only x < 0 differs
    assert f"counterexample: x[0,0] = {value}" in text
    assert f"a = {-value}" in text and f"b = {-2 * value}" in text
    assert "a: the model FeedForward on 1 token(s)" in text and "b: the MaxMin" in text
    assert "a is -x[0,0] there" in text and "b is -2*x[0,0] there" in text
    assert text.index("REFUTED") < text.index("counterexample")     # it ends with the point and its LaTeX
    assert text.splitlines()[-1].startswith("  LaTeX: x_{0,0} = " + sympy.latex(value))


def test_assert_realises_takes_a_realization_or_a_model():
    hat = MaxMin([[0], [x + 1, 1 - x]], [x])
    assert assert_realises(realize(hat), hat).proved
    relu_hat = FeedForward([[1, 1, 1]], [1, 0, -1], [[1], [-2], [1]], None)      # σ(x+1) − 2σ(x) + σ(x−1)
    assert assert_realises(relu_hat, hat, n=1).proved


def test_assert_degree():
    cube = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], None, [[0]], None))
    assert assert_degree(Encoder([cube, cube]), 9, n=1).attained
    with pytest.raises(ProofError, match="the degree is 8 is false\n(.|\n)*counterexample: x\\[0,0\\] = ") as info:
        assert_degree(Encoder([cube, cube]), 8, n=1)           # a piece of degree 9 along a line
    assert info.value.values == (9, 8) and "degree found = 9" in str(info.value)
    with pytest.raises(AssertionError, match="could not prove that the degree is 10"):
        assert_degree(Encoder([cube, cube]), 10, n=1, points=2)


def test_assert_continuous_and_assert_smoothness():
    spline = symattn.compile(Attention([[1]], [[1]], [[1]]), n=2, progress=False)
    assert assert_continuous(spline).proved
    assert assert_smoothness(spline, 0).order == 0
    cubic = UnivariateSpline([0], [0, x ** 3], x)
    assert_smoothness(cubic, 2)
    with pytest.raises(AssertionError, match=r"expected C\^3 exactly, but the spline is C\^2 and not C\^3"):
        assert_smoothness(cubic, 3)
    with pytest.raises(ProofError) as info:
        assert_continuous([(x < 0, 0), (x > 0, x + 1)], variables=[x])
    text = str(info.value)
    assert "counterexample: x = 0" in text and "limit from piece 0 = 0" in text and "limit from piece 1 = 1" in text


def test_an_undecided_claim_fails_loudly():
    with pytest.raises(AssertionError, match="could not prove that the two are equal"):
        assert_spline_equal(Attention([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, -1]]),
                            Attention([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, -1]]),
                            n=2, budget=symattn.Budget(regions=2))
