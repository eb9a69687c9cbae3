"""The expression graph: schema, lint, shared subexpressions, variables, printing.

The schema (symattn/graph/nodes.py): every node has ``op``, ``shape``,
``inputs`` (ordered ids, each smaller than the node's id) and ``path``, plus
the op-specific attributes.  The checks here are written independently of
``lint()`` and of the tracer's own shape inference.
"""

from __future__ import annotations

import networkx as nx
import pytest
import sympy
from sympy import ImmutableMatrix

import symattn
from cases import CASES, CASES_BY_NAME, HEAD, module_paths
from symattn import (
    ExpressionGraph,
    GraphLintError,
    input_symbol,
    nn,
)
from symattn.graph import nodes as N

ids = [c.name for c in CASES]

# ---------------------------------------------------------------------------
# the schema, checked independently on every case
# ---------------------------------------------------------------------------

def _shape_rule(op, attrs, shapes):
    """Shapes straight from the op semantics in nodes.py's docstring."""
    if op == N.INPUT:
        return attrs[N.SHAPE]
    if op == N.WEIGHT:
        return attrs[N.VALUE].shape
    if op == N.MATMUL:
        (a, b), (c, d) = shapes
        assert b == c
        return (a, d)
    if op == N.ADD:
        assert shapes[0] == shapes[1]
        return shapes[0]
    if op == N.TRANSPOSE:
        return (shapes[0][1], shapes[0][0])
    if op in (N.SCALE, N.RELU, N.SOFTMAX, N.SOFTPLUS):
        return shapes[0]
    if op == N.MASK_OP:
        mask = attrs[N.MASK]
        assert (len(mask), len(mask[0])) == shapes[0]
        return shapes[0]
    if op == N.CONCAT:
        if attrs[N.AXIS] == 1:
            assert len({s[0] for s in shapes}) == 1
            return (shapes[0][0], sum(s[1] for s in shapes))
        assert len({s[1] for s in shapes}) == 1
        return (sum(s[0] for s in shapes), shapes[0][1])
    if op == N.LAYERNORM:
        for s in shapes[1:]:
            assert s == (1, shapes[0][1])
        return shapes[0]
    raise AssertionError(op)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_every_case_satisfies_the_schema(case):
    g = case.trace()
    g.lint()
    d = g.nx
    assert isinstance(d, nx.DiGraph) and nx.is_directed_acyclic_graph(d)
    assert list(g.order) == sorted(d.nodes) and set(g.order) == set(d.nodes)
    for v in g.order:
        a = d.nodes[v]
        for key in (N.OP, N.SHAPE, N.INPUTS, N.PATH):
            assert key in a, (v, key)
        op = a[N.OP]
        assert op in N.OPS
        arities, extra = N.ATTRIBUTES[op]
        assert len(a[N.INPUTS]) in arities
        assert set(a) == {N.OP, N.SHAPE, N.INPUTS, N.PATH, *extra}, (v, op, sorted(a))
        assert isinstance(a[N.INPUTS], tuple) and all(isinstance(u, int) and u < v for u in a[N.INPUTS])
        assert set(d.predecessors(v)) == set(a[N.INPUTS])
        assert isinstance(a[N.PATH], str)
        shape = a[N.SHAPE]
        assert isinstance(shape, tuple) and len(shape) == 2 and all(isinstance(k, int) and k > 0 for k in shape)
        assert shape == _shape_rule(op, a, [d.nodes[u][N.SHAPE] for u in a[N.INPUTS]]), (v, op)
        if op == N.WEIGHT:
            assert isinstance(a[N.VALUE], ImmutableMatrix)
        if op == N.MASK_OP:
            assert a[N.FILL] in (0, -sympy.oo)
            assert all(isinstance(k, bool) for row in a[N.MASK] for k in row)
        if op == N.CONCAT:
            assert a[N.AXIS] in (0, 1)
    for name, v in g.inputs.items():
        assert d.nodes[v][N.OP] == N.INPUT and d.nodes[v][N.NAME] == name
    assert [d.nodes[v][N.NAME] for v in g.nodes_with_op(N.INPUT)] == list(g.inputs)
    assert g.output in d and g.shape == d.nodes[g.output][N.SHAPE]
    assert tuple(g.inputs) == case.build().input_names


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_no_duplicate_subexpressions_in_any_case(case):
    """Hash-consing: no two nodes compute the same op on the same inputs with equal attributes."""
    g = case.trace()
    seen = {}
    for v in g.order:
        a = dict(g.attrs(v))
        key_attrs = []
        for k in sorted(set(a) - {N.PATH}):
            val = a[k]
            if isinstance(val, sympy.MatrixBase):
                val = (val.shape, tuple(val))
            key_attrs.append((k, val))
        key = tuple(key_attrs)
        assert key not in seen, f"nodes {seen.get(key)} and {v} are the same subexpression"
        seen[key] = v


def test_masks_and_scales_recorded_on_the_graph():
    g = CASES_BY_NAME["attn_softmax_causal"].trace()
    (m,) = g.nodes_with_op(N.MASK_OP)
    assert g.attrs(m)[N.FILL] == -sympy.oo
    assert g.attrs(m)[N.MASK] == nn.causal_mask(3)
    g = CASES_BY_NAME["attn_causal"].trace()
    (m,) = g.nodes_with_op(N.MASK_OP)
    assert g.attrs(m)[N.FILL] == 0  # ReLU: a removed entry contributes 0
    g = CASES_BY_NAME["attn_scale_sqrt2"].trace()
    (s,) = g.nodes_with_op(N.SCALE)
    assert g.attrs(s)[N.FACTOR] == sympy.sqrt(2)
    # scale 1 adds no node, an unmasked head no mask node
    g = CASES_BY_NAME["attn_relu"].trace()
    assert not list(g.nodes_with_op(N.SCALE)) and not list(g.nodes_with_op(N.MASK_OP))
    g = CASES_BY_NAME["ffn_softplus"].trace()
    (sp,) = g.nodes_with_op(N.SOFTPLUS)
    assert g.attrs(sp)[N.BETA] == 2
    g = CASES_BY_NAME["ffn_identity"].trace()
    assert not list(g.nodes_with_op(N.RELU)) and not list(g.nodes_with_op(N.SOFTPLUS))


# ---------------------------------------------------------------------------
# lint on graphs corrupted by hand
# ---------------------------------------------------------------------------

def _copy(g: ExpressionGraph) -> ExpressionGraph:
    """A deep copy (traces are cached on the model: never corrupt the original)."""
    return ExpressionGraph(nx=g.nx.copy(), inputs=dict(g.inputs), output=g.output)


@pytest.fixture
def fresh():
    return CASES_BY_NAME["encoder_block_mha"].trace()


def _first(g, op):
    return next(g.nodes_with_op(op))


def _corrupt_op_shape(g):
    v = _first(g, N.MATMUL)
    g.nx.nodes[v][N.SHAPE] = (7, 7)


def _corrupt_relu_shape(g):
    v = _first(g, N.RELU)
    r, c = g.nx.nodes[v][N.SHAPE]
    g.nx.nodes[v][N.SHAPE] = (c + 1, r)


def _drop(key, op=None):
    def f(g):
        v = _first(g, op) if op else g.output
        del g.nx.nodes[v][key]
    return f


def _cycle(g):
    g.nx.add_edge(g.output, _first(g, N.MATMUL))


def _unknown_op(g):
    g.nx.nodes[_first(g, N.RELU)][N.OP] = "gelu"


def _wrong_arity(g):
    v = _first(g, N.RELU)
    u = g.nx.nodes[v][N.INPUTS][0]
    g.nx.nodes[v][N.INPUTS] = (u, u)


def _edge_missing(g):
    v = _first(g, N.MATMUL)
    g.nx.remove_edge(g.nx.nodes[v][N.INPUTS][0], v)


def _extra_attr(g):
    g.nx.nodes[_first(g, N.RELU)]["colour"] = "red"


def _forward_reference(g):
    v = _first(g, N.RELU)
    later = g.output
    g.nx.nodes[v][N.INPUTS] = (later,)
    g.nx.remove_edges_from(list(g.nx.in_edges(v)))
    g.nx.add_edge(later, v)


def _output_missing(g):
    g.output = 10_000


def _input_points_elsewhere(g):
    g.inputs["x"] = _first(g, N.WEIGHT)


@pytest.mark.parametrize(
    "corrupt, words",
    [
        (_corrupt_op_shape, "shape"),
        (_corrupt_relu_shape, "shape"),
        (_drop(N.PATH), "missing"),
        (_drop(N.SHAPE), "missing"),
        (_drop(N.OP), "missing"),
        (_drop(N.INPUTS), "missing"),
        (_drop(N.VALUE, N.WEIGHT), "value"),
        (_drop(N.NAME, N.INPUT), "name"),
        (_cycle, "cycle"),
        (_unknown_op, "unknown op"),
        (_wrong_arity, "inputs"),
        (_edge_missing, "edges"),
        (_extra_attr, "unexpected"),
        (_forward_reference, ""),
        (_output_missing, "output"),
        (_input_points_elsewhere, "input"),
    ],
    ids=lambda p: getattr(p, "__name__", p),
)
def test_lint_rejects_corrupted_graphs(fresh, corrupt, words):
    g = _copy(fresh)
    g.lint()
    corrupt(g)
    with pytest.raises(GraphLintError, match=words or None):
        g.lint()
    fresh.lint()  # the cached original is untouched


def test_lint_rejects_a_mask_and_a_scale_without_their_attributes():
    g = _copy(CASES_BY_NAME["attn_softmax_causal"].trace())
    del g.nx.nodes[_first(g, N.MASK_OP)][N.FILL]
    with pytest.raises(GraphLintError, match="fill"):
        g.lint()
    g = _copy(CASES_BY_NAME["attn_scale_half"].trace())
    del g.nx.nodes[_first(g, N.SCALE)][N.FACTOR]
    with pytest.raises(GraphLintError, match="factor"):
        g.lint()


def _weight_shape(g):
    v = _first(g, N.WEIGHT)
    r, c = g.nx.nodes[v][N.SHAPE]
    g.nx.nodes[v][N.SHAPE] = (r + 1, c)


def _input_shape(g):
    v = g.inputs["x"]
    r, c = g.nx.nodes[v][N.SHAPE]
    g.nx.nodes[v][N.SHAPE] = (r, c + 1)


@pytest.mark.parametrize("corrupt", [_weight_shape, _input_shape], ids=["weight", "input"])
def test_lint_rejects_wrong_leaf_shapes(fresh, corrupt):
    g = _copy(fresh)
    corrupt(g)
    with pytest.raises(GraphLintError):
        g.lint()


# ---------------------------------------------------------------------------
# identical subexpressions are one node
# ---------------------------------------------------------------------------



def test_same_head_twice_in_multihead_adds_only_the_concat():
    h = nn.Attention(**HEAD)
    single = len(h.trace(n=2))
    assert len(nn.MultiHeadAttention([h]).trace(n=2)) == single  # one head: no concat
    twice = nn.MultiHeadAttention([h, h]).trace(n=2)
    assert len(twice) == single + 1
    (c,) = twice.nodes_with_op(N.CONCAT)
    assert twice.args(c)[0] == twice.args(c)[1]
    # an equal head built separately is the same subexpression too
    assert len(nn.MultiHeadAttention([h, nn.Attention(**HEAD)]).trace(n=2)) == single + 1
    # with W_O: + the W_O weight and one matmul
    assert len(nn.MultiHeadAttention([h, h], W_O=[[1], [1]]).trace(n=2)) == single + 3
    # a different head adds nodes
    other = nn.Attention(HEAD["Q"], HEAD["K"], [[2], [-1]])
    assert len(nn.MultiHeadAttention([h, other]).trace(n=2)) > single + 1
    # and the duplicate head really counts twice in the value
    X = [[1, 2], [-1, 3]]
    assert nn.MultiHeadAttention([h, h], W_O=[[1], [1]])(X) == 2 * h(X)


def test_equal_query_and_key_maps_share_a_node():
    W = [[1, 2], [0, -1]]
    g = nn.Attention(W, W, W).trace(n=2)
    # input, weight W, X W, (X W)ᵀ, X W (X W)ᵀ, relu, relu(.) X W
    assert [g.op(v) for v in g.order] == ["input", "weight", "matmul", "transpose", "matmul", "relu", "matmul"]
    assert len(nn.Attention(W, [[1, 2], [0, 1]], W).trace(n=2)) == 9


def test_repeated_block_shares_weights():
    blk = CASES_BY_NAME["encoder_block"].build()
    one = nn.Encoder([blk]).trace(n=2)
    two = nn.Encoder([blk, blk]).trace(n=2)
    assert len(list(two.nodes_with_op(N.WEIGHT))) == len(list(one.nodes_with_op(N.WEIGHT)))
    assert len(list(two.nodes_with_op(N.RELU))) == 2 * len(list(one.nodes_with_op(N.RELU)))


# ---------------------------------------------------------------------------
# variables
# ---------------------------------------------------------------------------

def test_input_symbols_are_named_and_real():
    s = input_symbol("x", 0, 1)
    assert s.name == "x[0,1]" and s.is_real
    assert s is input_symbol("x", 0, 1)
    assert s == sympy.Symbol("x[0,1]", real=True)
    assert str(input_symbol("z", 3, 12)) == "z[3,12]"


@pytest.mark.parametrize(
    "name, want",
    [
        ("attn_relu", [f"x[{i},{j}]" for i in range(3) for j in range(2)]),
        ("cross_attn", [f"y[{i},{j}]" for i in range(2) for j in range(2)]
         + [f"z[{i},{j}]" for i in range(3) for j in range(3)]),
        ("decoder_1block", [f"y[{i},{j}]" for i in range(3) for j in range(2)]
         + [f"z[{i},{j}]" for i in range(2) for j in range(2)]),
        ("transformer", [f"x[{i},{j}]" for i in range(2) for j in range(2)]
         + [f"y[{i},{j}]" for i in range(2) for j in range(2)]),
    ],
)
def test_variables_input_by_input_row_by_row(name, want):
    g = CASES_BY_NAME[name].trace()
    assert [str(v) for v in g.variables] == want
    assert all(v.is_real for v in g.variables)


def test_symbolic_interpreter_uses_the_graph_variables():
    g = CASES_BY_NAME["cross_attn"].trace()
    sym = symattn.SymbolicInterpreter().run(g)
    assert sym.free_symbols <= set(g.variables)
    assert input_symbol("y", 1, 1) in sym.row(1).free_symbols  # row i of β is linear in y_i


# ---------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["transformer", "attn_softmax_causal", "encoder_block_postnorm",
                                  "ffn_softplus", "attn_scale_sqrt2", "mha_concat"])
def test_printing_a_graph_gives_a_table_with_each_op(name):
    g = CASES_BY_NAME[name].trace()
    text = str(g)
    lines = text.splitlines()
    assert "id" in lines[1] and "op" in lines[1] and "shape" in lines[1] and "path" in lines[1]
    body = lines[3:]
    assert len(body) == len(g)  # one row per node
    ops = {g.op(v) for v in g.order}
    for v, line in zip(g.order, body):
        cells = line.split()
        assert cells[0].rstrip("*") == str(v)
        assert cells[1] == g.op(v)
        assert cells[2] == "×".join(map(str, g.attrs(v)[N.SHAPE]))
    assert {line.split()[1] for line in body} == ops
    assert sum(line.split()[0].endswith("*") for line in body) == 1
    assert f"{len(g)} nodes" in text
    assert repr(g) == f"<ExpressionGraph: {len(g)} nodes, output {g.shape}>"
    for p in module_paths(g) - {""}:
        assert p in text
