"""Exact weights (symattn/weights.py): every number that comes in is exact.

Floats are converted by an explicit rule (default: the exact binary value);
anything that is not a real number raises WeightError naming the module path
and the entry; sympy Symbols are parameters and flow through the exact
interpreter as polynomials.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from sympy import ImmutableMatrix, Integer, Rational, Symbol, sqrt

from symattn import (
    EvaluationError,
    ExactInterpreter,
    FloatInterpreter,
    ShapeError,
    SymattnError,
    WeightError,
    exact_matrix,
    exact_scalar,
    nn,
)

BINARY_TENTH = Rational(3602879701896397, 36028797018963968)


# ---------------------------------------------------------------------------
# scalars
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [
        (3, Integer(3)),
        (-7, Integer(-7)),
        (Fraction(3, 4), Rational(3, 4)),
        (Rational(-5, 6), Rational(-5, 6)),
        (Integer(4), Integer(4)),
        ("3/4", Rational(3, 4)),
        (" -2 ", Integer(-2)),
        ("0.1", Rational(1, 10)),  # a string is read as the exact decimal
        ("1e-3", Rational(1, 1000)),
        (np.int64(-9), Integer(-9)),
        (np.int8(5), Integer(5)),
        (0.5, Rational(1, 2)),
        (0.1, BINARY_TENTH),
        (np.float64(0.1), BINARY_TENTH),
        (sympy.Float(0.1), BINARY_TENTH),
        (-0.0, Integer(0)),
    ],
)
def test_exact_scalar_values(value, expected):
    got = exact_scalar(value)
    assert got == expected
    assert isinstance(got, sympy.Rational)


def test_float_tenth_is_the_binary_double():
    v = exact_scalar(0.1)
    assert v == Rational(3602879701896397, 36028797018963968)
    assert v != Rational(1, 10)
    assert v.q == 2**55
    assert float(v) == 0.1


@pytest.mark.parametrize(
    "rule, value, expected",
    [
        (None, 0.1, BINARY_TENTH),
        ("exact", 0.1, BINARY_TENTH),
        ("decimal", 0.1, Rational(1, 10)),
        ("decimal", 1 / 3, Rational(3333333333333333, 10**16)),
        ("decimal", 2.5e-7, Rational(1, 4_000_000)),
        (10, 1 / 3, Rational(1, 3)),
        (10, 0.1, Rational(1, 10)),
        (100, math.pi, Rational(311, 99)),
        (lambda f: Fraction(round(f * 8), 8), 0.3, Rational(1, 4)),
        (lambda f: Rational(7, 3), 123.0, Rational(7, 3)),
    ],
)
def test_rationalize_rules(rule, value, expected):
    assert exact_scalar(value, rationalize=rule) == expected


def test_rationalize_does_not_touch_exact_values():
    for rule in ("decimal", 10, lambda f: Rational(0)):
        assert exact_scalar(Fraction(1, 7), rationalize=rule) == Rational(1, 7)
        assert exact_scalar("2/3", rationalize=rule) == Rational(2, 3)


@pytest.mark.parametrize("rule", ["nearest", 1.5, lambda f: 0.25, lambda f: sqrt(2)])
def test_bad_rationalize_rules_raise(rule):
    with pytest.raises(WeightError):
        exact_scalar(0.3, rationalize=rule)


def test_rationalize_through_modules():
    ffn = nn.FeedForward([[0.1, 0.25]], [0.2, 0], [[1], [0.3]], None, rationalize="decimal")
    assert ffn.W1 == ImmutableMatrix([[Rational(1, 10), Rational(1, 4)]])
    assert ffn.b1 == ImmutableMatrix([[Rational(1, 5), 0]])
    assert ffn.W2 == ImmutableMatrix([[1], [Rational(3, 10)]])
    att = nn.Attention([[0.333]], [[1]], [[0.5]], rationalize=10, scale=0.499)
    assert att.Q == ImmutableMatrix([[Rational(1, 3)]])
    assert att.scale == Rational(1, 2)
    lin = nn.Linear([[0.1]], [0.1])
    assert lin.W[0, 0] == BINARY_TENTH and lin.b[0, 0] == BINARY_TENTH
    lin_cb = nn.Linear([[0.1]], rationalize=lambda f: Fraction(f).limit_denominator(3))
    assert lin_cb.W[0, 0] == 0


@pytest.mark.parametrize(
    "value, words",
    [
        (float("nan"), "NaN"),
        (float("inf"), "finite"),
        (float("-inf"), "finite"),
        (np.float64("nan"), "NaN"),
        (complex(1, 2), "complex"),
        (np.complex128(1), "complex"),
        (True, "boolean"),
        (False, "boolean"),
        (np.bool_(True), "not a number"),
        (None, "not a number"),
        (object(), "not a number"),
        ([1], "not a number"),
        ("abc", "exact number"),
        ("1/0", "exact number"),
        ("", "exact number"),
        (sympy.nan, "NaN"),
        (sympy.oo, "finite"),
        (sympy.zoo, "finite"),
        (sympy.I, "real"),
        (1 + 2 * sympy.I, "real"),
        (sqrt(2), "irrational"),
        (sympy.pi, "irrational"),
        (sympy.E, "irrational"),
        (sympy.sin(Symbol("a")), "polynomial"),
        (1 / Symbol("a"), "polynomial"),
        (Symbol("a") + sqrt(2), "polynomial"),
        (sympy.Eq(Symbol("a"), 1), "not a number"),
    ],
)
def test_non_real_or_junk_scalars_raise_weight_error(value, words):
    with pytest.raises(WeightError, match=words) as info:
        exact_scalar(value, path="FeedForward.W1", index=(0, 1))
    e = info.value
    assert isinstance(e, SymattnError) and isinstance(e, ValueError)
    assert e.path == "FeedForward.W1" and e.index == (0, 1)
    assert str(e).startswith("FeedForward.W1[0, 1]: ")


def test_algebraic_constants_only_where_allowed():
    assert exact_scalar(sqrt(2), allow_algebraic=True) == sqrt(2)
    assert exact_scalar(1 / sqrt(3), allow_algebraic=True) == 1 / sqrt(3)
    with pytest.raises(WeightError, match="algebraic"):
        exact_scalar(sympy.pi, allow_algebraic=True)


# ---------------------------------------------------------------------------
# matrices
# ---------------------------------------------------------------------------

EXPECTED = ImmutableMatrix([[1, Rational(3, 4)], [Rational(1, 2), -2]])


@pytest.mark.parametrize(
    "value",
    [
        [[1, "3/4"], [0.5, -2]],
        ((1, Fraction(3, 4)), (Rational(1, 2), -2)),
        sympy.Matrix([[1, Rational(3, 4)], [Rational(1, 2), -2]]),
        ImmutableMatrix([[1, Rational(3, 4)], [Rational(1, 2), -2]]),
        np.array([[1.0, 0.75], [0.5, -2.0]]),
        np.array([[1, Fraction(3, 4)], [Fraction(1, 2), -2]], dtype=object),
    ],
    ids=["lists", "tuples", "sympy", "immutable", "numpy-float", "numpy-object"],
)
def test_exact_matrix_forms(value):
    m = exact_matrix(value)
    assert isinstance(m, ImmutableMatrix)
    assert m == EXPECTED
    assert all(isinstance(v, sympy.Rational) for v in m)


def test_numpy_int_and_float_arrays():
    m = exact_matrix(np.array([[1, -2, 3]], dtype=np.int32))
    assert m == ImmutableMatrix([[1, -2, 3]]) and all(isinstance(v, sympy.Integer) for v in m)
    f = exact_matrix(np.array([[0.1, 0.2]]))
    assert f[0, 0] == BINARY_TENTH and f[0, 1] == 2 * BINARY_TENTH
    assert exact_matrix(np.array([[0.1, 0.2]]), rationalize="decimal") == ImmutableMatrix([[Rational(1, 10), Rational(1, 5)]])


def test_matrix_errors_name_the_entry():
    with pytest.raises(WeightError) as info:
        exact_matrix([[1, 2], [3, float("nan")]], path="Attention.V")
    assert info.value.index == (1, 1)
    assert "Attention.V[1, 1]" in str(info.value)
    with pytest.raises(WeightError, match="complex"):
        exact_matrix(np.array([[1 + 0j]]), path="Linear.W")


@pytest.mark.parametrize("value", [[1, 2], [[1, 2], [3]], [[1], 2], 5, "12"])
def test_malformed_matrices_raise_shape_error(value):
    with pytest.raises(ShapeError, match="Linear.W"):
        exact_matrix(value, path="Linear.W")


def test_matrix_shape_constraint():
    assert exact_matrix([[1, 2]], shape=(1, None)).shape == (1, 2)
    with pytest.raises(ShapeError, match=r"\(2, 2\).*\(1, 2\)"):
        exact_matrix([[1, 2]], shape=(2, 2), path="input X")


# ---------------------------------------------------------------------------
# through the modules: paths and indices in the messages
# ---------------------------------------------------------------------------

def _ffn(**over):
    kw = dict(W1=[[1, 2]], b1=[0, 1], W2=[[1], [1]], b2=[0])
    kw.update(over)
    return nn.FeedForward(**kw)


@pytest.mark.parametrize(
    "build, where",
    [
        (lambda: _ffn(W1=[[1, float("nan")]]), "FeedForward.W1[0, 1]"),
        (lambda: _ffn(W2=[[1], [complex(0, 1)]]), "FeedForward.W2[1, 0]"),
        (lambda: _ffn(b1=[1, float("inf")]), "FeedForward.b1[1]"),
        (lambda: _ffn(b2=[True]), "FeedForward.b2[0]"),
        (lambda: nn.Linear([[1, object()]]), "Linear.W[0, 1]"),
        (lambda: nn.Linear([[1]], ["x"]), "Linear.b[0]"),
        (lambda: nn.Attention([[1]], [[1]], [[sympy.nan]]), "Attention.V[0, 0]"),
        (lambda: nn.MaskedAttention([[1]], [[sympy.oo]], [[1]]), "MaskedAttention.K[0, 0]"),
        (lambda: nn.CrossAttention([[1]], [[1]], [[1]], bq=[float("nan")]), "CrossAttention.bq[0]"),
        (lambda: nn.MultiHeadAttention([nn.Attention([[1]], [[1]], [[1]])], W_O=[[False]]),
         "MultiHeadAttention.W_O[0, 0]"),
        (lambda: nn.LayerNorm(gamma=[1, sympy.I], beta=[0, 0]), "LayerNorm.gamma[1]"),
        (lambda: nn.Attention([[1]], [[1]], [[1]], mask=[[1, 2], [0, 1]]), "Attention.mask[0, 1]"),
    ],
)
def test_weight_errors_name_module_path_and_index(build, where):
    with pytest.raises(WeightError) as info:
        build()
    assert where in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "build, where",
    [
        (lambda: nn.Attention([[1]], [[1]], [[1]], scale=0), "Attention.scale"),
        (lambda: nn.Attention([[1]], [[1]], [[1]], scale=sympy.pi), "Attention.scale"),
        (lambda: nn.Attention([[1]], [[1]], [[1]], scale=sympy.I), "Attention.scale"),
        (lambda: nn.Attention([[1]], [[1]], [[1]], scale=float("nan")), "Attention.scale"),
        (lambda: nn.Attention([[1]], [[1]], [[1]], activation="softplus", beta=0), "Attention.beta"),
        (lambda: _ffn(activation="softplus", beta=-1), "FeedForward.beta"),
        (lambda: _ffn(beta=Symbol("a")), "FeedForward.beta"),
        (lambda: nn.LayerNorm(eps=-1), "LayerNorm.eps"),
        (lambda: nn.LayerNorm(eps=Symbol("a")), "LayerNorm.eps"),
    ],
)
def test_bad_constants_raise_weight_error(build, where):
    with pytest.raises(WeightError, match=where.replace(".", r"\.")):
        build()


def test_exact_scales():
    a = nn.Attention([[1]], [[1]], [[1]], scale=sqrt(2))
    assert a.scale == sqrt(2)
    assert a([[1], [-2]]) == sympy.Matrix([[sqrt(2)], [-8 * sqrt(2)]])
    assert nn.Attention([[1]], [[1]], [[1]], scale="1/2").scale == Rational(1, 2)
    assert nn.Attention([[1]], [[1]], [[1]], scale=1 / sqrt(4)).scale == Rational(1, 2)
    # a negative scale is allowed and flips the signs of the scores:
    # row 0 = σ(-1)·1 + σ(2)·(-2) = -4, row 1 = σ(2)·1 + σ(-4)·(-2) = 2
    neg = nn.Attention([[1]], [[1]], [[1]], scale=-1)
    assert neg([[1], [-2]]) == sympy.Matrix([[-4], [2]])


def test_modules_are_immutable_and_hold_immutable_matrices():
    lin = nn.Linear([[1, 2]], [0, 1])
    assert isinstance(lin.W, ImmutableMatrix) and isinstance(lin.b, ImmutableMatrix)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lin.W = [[3, 4]]
    assert lin == nn.Linear([["1", "2"]], ["0", 1.0])  # same exact values, equal modules
    assert hash(lin) == hash(nn.Linear(np.array([[1, 2]]), np.array([0, 1])))


def test_biases_accept_rows_columns_and_arrays():
    want = ImmutableMatrix([[1, Rational(1, 2)]])
    for b in ([1, "1/2"], [[1, "1/2"]], [[1], ["1/2"]], np.array([1.0, 0.5]), sympy.Matrix([[1, Rational(1, 2)]])):
        assert nn.Linear([[1, 1]], b).b == want
    with pytest.raises(ShapeError):
        nn.Linear([[1, 1]], [1, 2, 3])
    with pytest.raises(ShapeError):
        nn.Linear([[1, 1]], [[1, 2], [3, 4]])


def test_float_inputs_are_exact_too():
    lin = nn.Linear([[1]])
    assert lin([[0.1]]) == sympy.Matrix([[BINARY_TENTH]])
    assert lin([["0.1"]]) == sympy.Matrix([[Rational(1, 10)]])
    with pytest.raises(WeightError, match="input X"):
        lin([[float("nan")]])


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------

a, b = sympy.symbols("a b")


def test_parameters_are_collected_from_modules_and_graphs():
    ffn = nn.FeedForward([[1, -1]], [0, 0], [[2 * a], [a + 1]], [a * b])
    assert ffn.parameters == (a, b)
    g = ffn.trace(n=2)
    assert g.parameters == (a, b)
    assert nn.FeedForward([[1]], None, [[1]], None).parameters == ()
    # deep inside a transformer
    c = Symbol("c")
    tf = nn.Transformer(
        nn.Encoder([nn.EncoderBlock(nn.Attention([[1]], [[1]], [[c]]), nn.FeedForward([[1]], None, [[1]], None))]),
        nn.Decoder([nn.DecoderBlock(nn.MaskedAttention([[1]], [[1]], [[1]]),
                                    nn.CrossAttention([[1]], [[1]], [[1]]),
                                    nn.FeedForward([[a]], None, [[1]], None))]),
        final=[[b]],
    )
    assert tf.parameters == (a, b, c)
    assert tf.trace(n=1, m=1).parameters == (a, b, c)


def test_parameters_flow_through_the_exact_interpreter_as_polynomials():
    ffn = nn.FeedForward([[1, -1]], [0, 0], [[2 * a], [a + 1]], [a * b])  # σ(x)·2a + σ(-x)·(a+1) + ab
    out = ffn([[3], ["-1/2"]])
    assert sympy.expand(out[0, 0] - (6 * a + a * b)) == 0
    assert sympy.expand(out[1, 0] - (Rational(1, 2) * (a + 1) + a * b)) == 0
    assert sympy.Poly(out[0, 0], a, b).total_degree() == 2
    # attention: α = σ(x_i x_j) x_j · a, cubic in x, linear in a
    att = nn.Attention([[1]], [[1]], [[a]])
    assert att([[1], [-2]]).applyfunc(sympy.expand) == sympy.Matrix([[a], [-8 * a]])
    # substituting parameter values gives the model with those weights
    concrete = nn.FeedForward([[1, -1]], [0, 0], [[6], [4]], [3])
    X = [[3], ["-1/2"]]
    assert ExactInterpreter(params={a: 3, b: 1}).run(ffn.trace(n=2), {"x": X}) == concrete(X)
    assert out.subs({a: 3, b: 1}) == concrete(X)


def test_a_positive_parameter_passes_through_relu():
    c = Symbol("c", positive=True)
    ffn = nn.FeedForward([[c]], None, [[1]], None)
    assert ffn([[3]]) == sympy.Matrix([[3 * c]])
    assert ffn([[-3]]) == sympy.Matrix([[0]])


def test_float_interpreter_refuses_unset_parameters_and_accepts_params():
    ffn = nn.FeedForward([[1, -1]], [0, 0], [[2 * a], [a + 1]], [a * b])
    g = ffn.trace(n=2)
    X = {"x": [[3.0], [-0.5]]}
    with pytest.raises(EvaluationError, match="params") as info:
        FloatInterpreter().run(g, X)
    assert info.value.op == "weight"
    with pytest.raises(EvaluationError, match="params"):
        ffn.evaluate([[3], [-0.5]], mode="float")
    out = FloatInterpreter(params={a: Integer(3), b: Rational(1, 2)}).run(g, X)
    np.testing.assert_allclose(out, [[18 + 1.5], [2 + 1.5]], rtol=1e-12)
    out2 = ffn.evaluate([[3], [-0.5]], mode="float", params={a: Integer(3), b: Rational(1, 2)})
    np.testing.assert_allclose(out2, out, rtol=0)


def test_float_params_with_plain_python_numbers_for_a_bare_symbol_weight():
    lin = nn.Linear([[a]])
    out = lin.evaluate([[3]], mode="float", params={a: 2})
    np.testing.assert_allclose(out, [[6.0]])
    out = FloatInterpreter(params={a: 0.5}).run(lin.trace(n=1), {"x": [[3.0]]})
    np.testing.assert_allclose(out, [[1.5]])
