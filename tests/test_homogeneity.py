"""Homogeneity (MATH.md §2 remark, §5): α(tX) = t³ α(X) without biases, exactly.

The scores of a bias-free head are quadratic forms in X, so tX scales them by
t² ≥ 0, which commutes with ReLU; the values X V scale by t.  Hence the
identity holds for every real t (not only t > 0).  Biases break it, and so do
softmax (not homogeneous) and the ReLU of a feed-forward layer for t < 0.
"""

from __future__ import annotations

import random

import pytest
import sympy
from sympy import Rational

from cases import CASES_BY_NAME, cases_with
from symattn import ExactInterpreter, nn

T_POSITIVE = (Rational(2), Rational(1, 3), Rational(5, 2), Rational(7))


def _scaled(X, t):
    return [[t * sympy.Rational(v.numerator, v.denominator) for v in row] for row in X]


def _run(case, inputs):
    return ExactInterpreter().run(case.trace(), inputs)


def _equal(a, b) -> bool:
    return (a - b).applyfunc(sympy.expand) == sympy.zeros(*a.shape)


HOMOGENEOUS = cases_with("homogeneous3")


def test_homogeneous_cases_exist():
    names = {c.name for c in HOMOGENEOUS}
    assert {"attn_relu", "attn_causal", "attn_scale_sqrt2", "attn_explicit_mask", "mha_wo"} <= names
    assert all("bias" not in c.tags for c in HOMOGENEOUS)


@pytest.mark.parametrize("case", HOMOGENEOUS, ids=[c.name for c in HOMOGENEOUS])
def test_bias_free_attention_is_cubic_homogeneous(case):
    rng = random.Random(11)
    nonzero = 0
    for _ in range(4):
        X = case.inputs(rng)["x"]
        base = _run(case, {"x": X})
        nonzero += base != sympy.zeros(*base.shape)
        for t in T_POSITIVE:
            assert _equal(_run(case, {"x": _scaled(X, t)}), t**3 * base), (case.name, t)
    assert nonzero  # not vacuous


@pytest.mark.parametrize("case", HOMOGENEOUS, ids=[c.name for c in HOMOGENEOUS])
def test_homogeneity_also_holds_for_negative_t(case):
    """Scores scale by t², which is positive for t < 0 too."""
    X = case.inputs(random.Random(12))["x"]
    base = _run(case, {"x": X})
    for t in (Rational(-1), Rational(-3, 2)):
        assert _equal(_run(case, {"x": _scaled(X, t)}), t**3 * base)


@pytest.mark.parametrize("name", ["attn_relu_biases", "mha_wo_bias"])
def test_biases_break_homogeneity(name):
    case = CASES_BY_NAME[name]
    rng = random.Random(13)
    failures = 0
    for _ in range(4):
        X = case.inputs(rng)["x"]
        base = _run(case, {"x": X})
        failures += not _equal(_run(case, {"x": _scaled(X, Rational(2))}), 8 * base)
    assert failures > 0


def test_a_single_bias_breaks_homogeneity():
    """Same weights with and without one bias: only the bias-free head is homogeneous."""
    Q, K, V = [[1, 2], [0, -1]], [[1, 0], [3, 1]], [[2, -1], [1, 1]]
    X = [[1, -2], [Rational(1, 2), 3], [-1, 1]]
    t = Rational(3)
    tX = [[t * v for v in row] for row in X]
    free = nn.Attention(Q, K, V)
    assert free(tX) == t**3 * free(X)
    for bias in ({"bq": [1, 0]}, {"bk": [0, -1]}, {"bv": [1, 1]}):
        biased = nn.Attention(Q, K, V, **bias)
        assert biased(tX) != t**3 * biased(X), bias


def test_softmax_attention_is_not_homogeneous():
    case = CASES_BY_NAME["attn_softmax"]
    X = case.inputs(random.Random(14))["x"]
    base = _run(case, {"x": X})
    scaled = _run(case, {"x": _scaled(X, Rational(2))})
    assert any(abs(sympy.N(a - 8 * b)) > 1e-6 for a, b in zip(scaled, base))


@pytest.mark.parametrize("name", ["cross_attn", "mha_cross"])
def test_cross_attention_degrees_1_in_y_and_2_in_z(name):
    """β(tY, Z) = t β(Y, Z) and β(Y, tZ) = t² β(Y, Z) (bias-free): jointly cubic."""
    case = CASES_BY_NAME[name]
    rng = random.Random(15)
    for _ in range(2):
        inp = case.inputs(rng)
        base = _run(case, inp)
        assert base != sympy.zeros(*base.shape)
        for t in (Rational(2), Rational(3, 5)):
            assert _run(case, {"y": _scaled(inp["y"], t), "z": inp["z"]}) == t * base
            assert _run(case, {"y": inp["y"], "z": _scaled(inp["z"], t)}) == t**2 * base
            assert _run(case, {"y": _scaled(inp["y"], t), "z": _scaled(inp["z"], t)}) == t**3 * base


def test_bias_free_ffn_is_positively_homogeneous_of_degree_1():
    case = CASES_BY_NAME["ffn_relu_nobias"]
    X = case.inputs(random.Random(16))["x"]
    base = _run(case, {"x": X})
    for t in T_POSITIVE:
        assert _run(case, {"x": _scaled(X, t)}) == t * base
    # but not for t < 0: σ is not odd.  |x| = σ(x) + σ(-x) is even.
    absval = nn.FeedForward([[1, -1]], None, [[1], [1]], None)
    assert absval([[-3]]) == absval([[3]]) == sympy.Matrix([[3]])
