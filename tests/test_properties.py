"""Property-based tests (hypothesis): random small models and rational inputs."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import as_float_array, assert_close, reference, substitution
from symattn import ExactInterpreter, FloatInterpreter, SymbolicInterpreter, exact_scalar, nn

# database=None: no .hypothesis/ directory in the repository
SETTINGS = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

weights = st.one_of(
    st.integers(-3, 3),
    st.fractions(min_value=-3, max_value=3, max_denominator=4),
)
inputs_entry = st.fractions(min_value=-5, max_value=5, max_denominator=6)
positive_t = st.fractions(min_value=Fraction(1, 5), max_value=5, max_denominator=7).filter(lambda t: t > 0)


def matrices(rows, cols, elements=weights):
    return st.lists(st.lists(elements, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


def _rat(v):
    return sympy.Rational(v.numerator, v.denominator)


@st.composite
def ffn_and_input(draw):
    p, h, q, n = (draw(st.integers(1, 3)) for _ in range(4))
    with_bias = draw(st.booleans())
    activation = draw(st.sampled_from(["relu", "relu", "identity"]))
    ffn = nn.FeedForward(
        draw(matrices(p, h)),
        draw(st.lists(weights, min_size=h, max_size=h)) if with_bias else None,
        draw(matrices(h, q)),
        draw(st.lists(weights, min_size=q, max_size=q)) if with_bias else None,
        activation=activation,
    )
    return ffn, n, draw(matrices(n, p, inputs_entry))


@SETTINGS
@given(ffn_and_input())
def test_random_ffn_exact_float_symbolic_agree_with_reference(data):
    ffn, n, X = data
    g = ffn.trace(n=n)
    exact = ExactInterpreter().run(g, {"x": X})
    assert all(isinstance(v, sympy.Rational) for v in exact)
    ref = reference(ffn, X)
    assert_close(as_float_array(exact), ref)
    assert_close(FloatInterpreter().run(g, {"x": [[float(v) for v in r] for r in X]}), ref)
    sym = SymbolicInterpreter().run(g).xreplace(substitution(g, {"x": X}))
    assert sym == exact


@st.composite
def attention_and_input(draw, biases=False):
    p, d, q = (draw(st.integers(1, 2)) for _ in range(3))
    n = draw(st.integers(1, 3))
    mask = draw(st.sampled_from([None, "causal", "random"]))
    if mask == "random":
        mask = draw(matrices(n, n, st.booleans()))
    scale = draw(st.sampled_from([1, "1/2", "3", sympy.sqrt(2)]))
    kw = {}
    if not isinstance(biases, bool):
        biases = draw(biases)
    if biases:
        kw = dict(bq=draw(st.lists(weights, min_size=d, max_size=d)),
                  bk=draw(st.lists(weights, min_size=d, max_size=d)),
                  bv=draw(st.lists(weights, min_size=q, max_size=q)))
    att = nn.Attention(draw(matrices(p, d)), draw(matrices(p, d)), draw(matrices(p, q)),
                       mask=mask, scale=scale, **kw)
    return att, n, draw(matrices(n, p, inputs_entry))


@SETTINGS
@given(attention_and_input(), positive_t)
def test_random_bias_free_attention_is_cubic_homogeneous(data, t):
    att, n, X = data
    g = att.trace(n=n)
    base = ExactInterpreter().run(g, {"x": X})
    tX = [[_rat(t) * _rat(v) for v in row] for row in X]
    scaled = ExactInterpreter().run(g, {"x": tX})
    assert (scaled - _rat(t) ** 3 * base).applyfunc(sympy.expand) == sympy.zeros(*base.shape)


@SETTINGS
@given(attention_and_input(biases=st.booleans()))
def test_random_attention_exact_matches_reference(data):
    att, n, X = data
    exact = att(X)
    assert_close(as_float_array(exact), reference(att, X))
    assert_close(att.evaluate(X, mode="float"), reference(att, X))


@SETTINGS
@given(st.integers(1, 4), matrices(2, 2), matrices(2, 2), matrices(2, 1), st.data())
def test_random_causal_attention_rows_ignore_later_tokens(n, Q, K, V, data):
    att = nn.MaskedAttention(Q, K, V)
    g = att.trace(n=n)
    sym = SymbolicInterpreter().run(g)
    for i in range(n):
        tokens = {int(str(s).split("[")[1].split(",")[0]) for s in sym.row(i).free_symbols}
        assert tokens <= set(range(i + 1))
    X = data.draw(matrices(n, 2, inputs_entry))
    Y = [row[:] for row in X]
    Y[-1] = data.draw(st.lists(inputs_entry, min_size=2, max_size=2))
    a, b = att(X), att(Y)
    assert a[: n - 1, :] == b[: n - 1, :]


@SETTINGS
@given(st.lists(st.tuples(matrices(2, 1), matrices(2, 1), matrices(2, 1)), min_size=1, max_size=3),
       st.data())
def test_random_multihead_is_concat_then_w_o(heads, data):
    hs = [nn.Attention(Q, K, V) for Q, K, V in heads]
    W_O = data.draw(matrices(len(hs), 2))
    b_O = data.draw(st.lists(weights, min_size=2, max_size=2))
    X = data.draw(matrices(2, 2, inputs_entry))
    mha = nn.MultiHeadAttention(hs, W_O=W_O, b_O=b_O)
    concat = sympy.Matrix.hstack(*[h(X) for h in hs])
    expected = concat * sympy.Matrix(W_O) + sympy.ones(2, 1) * sympy.Matrix([b_O])
    assert all(isinstance(v, sympy.Rational) for v in expected)
    assert mha(X) == expected
    assert nn.MultiHeadAttention(hs)(X) == concat


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_convert_to_their_exact_binary_value(f):
    r = exact_scalar(f)
    assert r.is_Rational
    assert Fraction(int(r.p), int(r.q)) == Fraction(f)
    assert float(r) == f
    d = exact_scalar(f, rationalize="decimal")
    assert Fraction(int(d.p), int(d.q)) == Fraction(repr(f))
    assert float(d) == f  # the shortest decimal round-trips


@SETTINGS
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(1, 1000))
def test_max_denominator_rule(f, N):
    r = exact_scalar(f, rationalize=N)
    assert 1 <= r.q <= N
    assert abs(float(r) - f) <= 1 / N + 1e-9 * max(1.0, abs(f))
    assert math.isclose(float(r), float(Fraction(f).limit_denominator(N)))
