"""The interpreter machinery: rule tables, error wrapping, edge values.

An exception raised inside a rule is re-raised as EvaluationError naming the
node, its op and its module path; symattn's own errors pass through.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from cases import CASES, CASES_BY_NAME, assert_close, reference
from symattn import (
    EvaluationError,
    ExactInterpreter,
    FloatInterpreter,
    SymattnError,
    SymbolicInterpreter,
    nn,
)
from symattn.graph import nodes as N
from symattn.interpret import Interpreter, interpreter_for

ALL_MASKED_ROW = [[True, False], [False, False]]


def _softmax_dead_row_encoder():
    head = nn.Attention([[1]], [[1]], [[1]], activation="softmax", mask=ALL_MASKED_ROW)
    return nn.Encoder([nn.EncoderBlock(nn.Attention([[0]], [[0]], [[0]]), nn.FeedForward([[1]], None, [[0]], None)),
                       nn.EncoderBlock(nn.MultiHeadAttention([head]), nn.FeedForward([[1]], None, [[1]], None))])


@pytest.mark.parametrize("mode", ["exact", "float"])
def test_softmax_of_a_fully_masked_row_names_node_and_path(mode):
    model = _softmax_dead_row_encoder()
    g = model.trace(n=2)
    (sm,) = g.nodes_with_op(N.SOFTMAX)
    with pytest.raises(EvaluationError) as info:
        model.evaluate([[1], [2]], mode=mode)
    e = info.value
    assert (e.node, e.op, e.path) == (sm, "softmax", "encoder.1.attn.head0")
    assert isinstance(e.cause, ValueError) and e.__cause__ is e.cause
    assert f"node {sm} (softmax) at encoder.1.attn.head0" in str(e)
    assert "masked" in str(e)
    assert isinstance(e, SymattnError)


def test_softmax_of_a_fully_masked_row_symbolic():
    g = _softmax_dead_row_encoder().trace(n=2)
    with pytest.raises(EvaluationError, match="softmax"):
        SymbolicInterpreter().run(g)


@pytest.mark.parametrize("activation", ["relu", "softplus", "identity"])
def test_a_fully_masked_row_contributes_zero_for_relu_softplus_identity(activation):
    head = nn.Attention([[1]], [[1]], [[1]], activation=activation, mask=ALL_MASKED_ROW)
    X = [[2], [3]]
    exact = head(X)
    assert exact[1, 0] == 0
    assert head.evaluate(X, mode="float")[1, 0] == 0.0
    assert SymbolicInterpreter().run(head.trace(n=2))[1, 0] == 0
    assert_close(head.evaluate(X, mode="float"), reference(head, X))


def _constant_row_block():
    zero = nn.Attention([[0]] * 3, [[0]] * 3, [[0, 0, 0]] * 3)  # attention switched off
    return nn.EncoderBlock(zero, nn.FeedForward([[1]] * 3, None, [[0, 0, 0]], None), norm=nn.LayerNorm(eps=0))


def test_layernorm_of_a_constant_row_with_eps_0_names_node_and_path():
    model = nn.Encoder([_constant_row_block()])
    g = model.trace(n=2)
    first_ln = next(g.nodes_with_op(N.LAYERNORM))
    with pytest.raises(EvaluationError) as info:
        model([[1, 2, 3], [5, 5, 5]])  # row 1 is constant: variance 0
    e = info.value
    assert (e.node, e.op, e.path) == (first_ln, "layernorm", "encoder.0.norm1")
    assert isinstance(e.cause, ZeroDivisionError)
    assert "encoder.0.norm1" in str(e) and "layernorm" in str(e)
    # a non-constant row, or eps > 0, is fine
    assert model([[1, 2, 3], [5, 5, 6]]).shape == (2, 3)
    ok = nn.EncoderBlock(_constant_row_block().attention, _constant_row_block().feedforward,
                         norm=nn.LayerNorm(eps="1/4"))
    assert ok([[5, 5, 5]]) == sympy.zeros(1, 3)


def test_float_layernorm_of_a_constant_row_with_eps_0_raises():
    model = nn.Encoder([_constant_row_block()])
    with np.errstate(all="ignore"), pytest.raises(EvaluationError, match="encoder.0.norm1"):
        model.evaluate([[1, 2, 3], [5, 5, 5]], mode="float")


# ---------------------------------------------------------------------------
# the walker and its rule table
# ---------------------------------------------------------------------------

class ShapeInterpreter(Interpreter):
    """A toy semantics: the value of a node is its shape, computed by rules."""

    def load_input(self, attrs, value):
        return attrs[N.SHAPE]

    def default_inputs(self, graph, names):
        return {n: None for n in names}

    def rule_weight(self, a):
        return a[N.VALUE].shape

    def rule_matmul(self, a, x, y):
        assert x[1] == y[0]
        return (x[0], y[1])

    def rule_add(self, a, x, y):
        assert x == y
        return x

    def rule_transpose(self, a, x):
        return (x[1], x[0])

    def rule_concat(self, a, *parts):
        return (parts[0][0], sum(p[1] for p in parts))

    def rule_layernorm(self, a, x, *rest):
        return x

    rule_scale = rule_mask = rule_relu = rule_softmax = rule_softplus = lambda self, a, x: x


def test_rule_table_is_collected_from_methods():
    assert set(ShapeInterpreter.rules) >= N.OPS
    assert set(ExactInterpreter.rules) >= N.OPS
    assert set(FloatInterpreter.rules) >= N.OPS
    assert set(SymbolicInterpreter.rules) >= N.OPS


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_new_semantics_is_a_new_rule_table(case):
    g = case.trace()
    assert ShapeInterpreter().run(g) == g.shape


class Broken(ShapeInterpreter):
    def rule_relu(self, a, x):
        raise KeyError("boom")


class Incomplete(ShapeInterpreter):
    pass


del Incomplete.rules["transpose"]


def test_an_exception_in_a_rule_is_wrapped_with_node_and_path():
    g = CASES_BY_NAME["transformer"].trace()
    first_relu = next(g.nodes_with_op(N.RELU))
    with pytest.raises(EvaluationError) as info:
        Broken().run(g)
    e = info.value
    assert (e.node, e.op, e.path) == (first_relu, "relu", g.attrs(first_relu)[N.PATH])
    assert e.path == "encoder.0.attn.head0"
    assert isinstance(e.cause, KeyError)
    assert str(e).startswith(f"while evaluating node {first_relu} (relu) at encoder.0.attn.head0: KeyError")


def test_a_missing_rule_names_the_node():
    g = CASES_BY_NAME["attn_relu"].trace()
    (t,) = g.nodes_with_op(N.TRANSPOSE)
    with pytest.raises(EvaluationError) as info:
        Incomplete().run(g)
    assert info.value.node == t and info.value.op == "transpose"
    assert "<model>" in str(info.value)


def test_interpreter_for_modes():
    assert isinstance(interpreter_for("exact"), ExactInterpreter)
    assert isinstance(interpreter_for("float"), FloatInterpreter)
    assert isinstance(interpreter_for("symbolic"), SymbolicInterpreter)
    with pytest.raises(ValueError):
        interpreter_for("fast")


def test_symbolic_interpreter_accepts_given_values():
    """Inputs given explicitly (exact matrices) replace the default symbols."""
    case = CASES_BY_NAME["attn_causal"]
    g = case.trace()
    X = sympy.Matrix([[1, 2], [-1, sympy.Rational(1, 2)], [3, 0]])
    assert SymbolicInterpreter().run(g, {"x": X}) == ExactInterpreter().run(g, {"x": X})
    t = sympy.Symbol("t", positive=True)
    scaled = SymbolicInterpreter().run(g, {"x": t * X})
    assert (scaled - t**3 * ExactInterpreter().run(g, {"x": X})).applyfunc(sympy.expand) == sympy.zeros(3, 2)


def test_exact_softmax_and_softplus_are_closed_forms():
    sp = nn.FeedForward([[1]], None, [[1]], None, activation="softplus", beta=2)
    assert sp([[0]])[0, 0] == sympy.log(2) / 2
    assert sp([[sympy.Rational(1, 2)]])[0, 0] == sympy.log(1 + sympy.E) / 2
    sm = nn.Attention([[1]], [[1]], [[1]], activation="softmax")
    out = sm([[0], [1]])
    assert sympy.simplify(out[0, 0] - sympy.Rational(1, 2)) == 0
    assert sympy.simplify(out[1, 0] - sympy.E / (1 + sympy.E)) == 0
