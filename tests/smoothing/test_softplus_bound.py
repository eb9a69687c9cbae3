"""The smoothed spline: smooth() swaps activations; the SoftPlus bound holds at 50 digits for β up to 1000."""

from __future__ import annotations

import dataclasses
import random

import pytest
import sympy
from mpmath import iv

from symattn.errors import UnsupportedOperationError
from symattn.nn import (Attention, Encoder, EncoderBlock, FeedForward, MaskedAttention, MultiHeadAttention,
                        ReLU, Sequential, Linear)
from symattn.smoothing.intervals import interval
from symattn.smoothing import EPSILON, SmoothingError, deviation_polynomials, enclose, smooth, softplus_bound

BETAS = (1, 10, 100, 1000)
LOG2 = sympy.log(2)


def point(rng: random.Random, rows: int, cols: int) -> list[list[sympy.Rational]]:
    return [[sympy.Rational(rng.randint(-12, 12), rng.choice((2, 3, 4))) for _ in range(cols)] for _ in range(rows)]


def head() -> Attention:
    return Attention([[1, -1], [2, 0]], [[1, 1], ["1/2", -1]], [[1, "-1/2"], [0, 2]])


def ffn() -> FeedForward:
    return FeedForward([[1, -1, "1/2"], [0, 2, 1]], [0, "-1/2", 1], [[1, 0], [-2, 1], ["1/3", 1]], [1, 0])


MODELS = {
    "attention": (head, 3),
    "masked_attention": (lambda: MaskedAttention([[1, -1], [2, 0]], [[1, 1], ["1/2", -1]], [[1, 2], [0, 1]]), 3),
    "feedforward": (ffn, 2),
    "multihead": (lambda: MultiHeadAttention([head(), MaskedAttention([[1]] * 2, [[-1], [1]], [[1, 1], [1, 0]])],
                                             W_O=[[1, 0], [0, 1], [2, -1], [0, "1/2"]]), 2),
    "block": (lambda: EncoderBlock(head(), ffn()), 2),
    "encoder": (lambda: Encoder([EncoderBlock(head(), ffn()), EncoderBlock(head(), ffn())]), 2),
}


def test_one_attention_layer_has_the_explicit_constant():
    """Entry (i, k): Σ_j |(x_j V)_k| · log 2/β over the tokens j row i sees (MATH.md §3)."""
    rng = random.Random(0)
    for model in (head(), MaskedAttention([[1, -1], [2, 0]], [[1, 1], ["1/2", -1]], [[1, 2], [0, 1]])):
        X = sympy.Matrix(point(rng, 3, 2))
        values = X * model.V
        keep = model.mask_for(3, 3, "") or [[True] * 3] * 3
        expected = sympy.Matrix(3, 2, lambda i, k: sum(abs(values[j, k]) for j in range(3) if keep[i][j]) * EPSILON)
        assert deviation_polynomials(model, X.tolist()) == expected


def test_one_feedforward_layer_has_the_explicit_constant():
    """Entry (i, k): Σ_h |W2[h, k]| · log 2/β, whatever the input."""
    model = ffn()
    expected = sympy.Matrix(2, 2, lambda i, k: sum(abs(model.W2[h, k]) for h in range(3)) * EPSILON)
    rng = random.Random(1)
    for _ in range(3):
        assert deviation_polynomials(model, point(rng, 2, 2)) == expected


def bound_interval(polynomial: sympy.Expr, beta: int):
    """The bound's value as an mpmath interval, ε = log 2/β enclosed rigorously."""
    eps = iv.log(2) / beta
    return sum((iv.mpf(int(c.p)) / int(c.q) * eps ** k for (k,), c in sympy.Poly(polynomial, EPSILON).terms()),
               iv.mpf(0))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_bound_holds_at_random_points(name):
    """Rigorously (interval arithmetic at 50 digits) for every model, and by sympy.N at 50 digits of the
    exact interpreter's expression where sympy can still build it (not through two SoftPlus blocks)."""
    build, n = MODELS[name]
    model = build()
    rng = random.Random(name)
    iv.dps = 50
    for X in (point(rng, n, 2) for _ in range(2)):
        relu = model(X)
        polys = deviation_polynomials(model, X)
        for beta in BETAS:
            smoothed = smooth(model, "softplus", beta)
            bound = softplus_bound(model, X, beta)
            assert bound == polys.subs(EPSILON, LOG2 / beta) and all(b.is_nonnegative for b in bound)
            for enclosure, exact, poly in zip(sum(enclose(smoothed, X), []), relu, polys):
                distance = abs(enclosure - interval(exact)).b                    # an upper end
                assert distance <= bound_interval(poly, beta).a                 # rigorous
            if name == "encoder":
                continue
            error = (smoothed(X) - relu).applyfunc(lambda e: abs(sympy.N(e, 50)))
            assert all(e <= sympy.N(b, 50) for e, b in zip(error, bound))


def test_the_bound_is_first_order_until_two_deviations_multiply():
    """One block is still linear in ε (its weights are exact); in the second block the scores
    multiply two deviating tokens, and ε² and higher terms appear."""
    X = [[1, 2], [-1, "1/2"]]
    one = deviation_polynomials(ffn(), X)
    assert all(sympy.Poly(e, EPSILON).degree() == 1 for e in one)
    block = deviation_polynomials(EncoderBlock(head(), ffn()), X)
    assert all(sympy.Poly(e, EPSILON).degree() == 1 for e in block)
    two = deviation_polynomials(MODELS["encoder"][0](), X)
    assert all(sympy.Poly(e, EPSILON).degree() >= 2 for e in two)
    assert softplus_bound(ffn(), X, 4) == one.subs(EPSILON, LOG2 / 4)


def test_smooth_rebuilds_every_relu_and_nothing_else():
    identity = Attention([[1]], [[1]], [[1]], activation="identity")
    block = EncoderBlock(MultiHeadAttention([head(), head()], W_O=[[1, 0]] * 4), ffn())
    soft = smooth(Encoder([block, block]), "softplus", beta="5/2")
    for b in soft.blocks:
        assert {h.activation for h in b.attention.heads} == {"softplus"}
        assert {h.beta for h in b.attention.heads} == {sympy.Rational(5, 2)}
        assert b.feedforward.activation == "softplus" and b.feedforward.beta == sympy.Rational(5, 2)
        assert b.attention.heads[0].Q == head().Q and b.attention.W_O == block.attention.W_O
    assert smooth(identity, "softplus") is identity
    vaswani = smooth(block, "softmax")
    assert vaswani.attention.heads[0].activation == "softmax" and vaswani.feedforward.activation == "relu"
    assert smooth(block, "softmax", feedforward="softplus").feedforward.activation == "softplus"


def test_blocks_can_be_rebuilt_with_dataclasses_replace():
    block = EncoderBlock(head(), ffn())
    again = dataclasses.replace(block, feedforward=ffn())
    assert again == block and again.norm == (None, None)


def test_bad_requests_raise_named_errors():
    with pytest.raises(UnsupportedOperationError, match="softmax' or 'softplus"):
        smooth(head(), "gelu")
    with pytest.raises(SmoothingError, match="smooth\\(beta\\): must be a positive rational"):
        smooth(head(), "softplus", beta=-1)
    with pytest.raises(SmoothingError, match="^1: a bare ReLU module"):
        smooth(Sequential([Linear([[1]]), ReLU(), Linear([[1]])]), "softplus")
    with pytest.raises(SmoothingError, match="already has softmax"):
        softplus_bound(smooth(head(), "softmax"), [[1, 2]], 10)
