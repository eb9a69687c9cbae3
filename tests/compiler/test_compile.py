"""The case-splitting compiler against independent oracles.

* the exact interpreter at random rational points, walls included;
* the symbolic interpreter with each ReLU resolved by its sign at the witness;
* an independent re-check of every witness with sympy substitution;
* Zaslavsky's count of regions of generic hyperplane arrangements;
* the degree bounds of MATH.md §2, attained;
* the soundness guard: random points lie in exactly one region, or on a wall.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
import sympy

import symattn
from symattn import Budget, NotASplineError, input_symbol
from symattn.interpret import ReLU, SymbolicInterpreter
from symattn.nn import (
    Attention, CrossAttention, EncoderBlock, Encoder, FeedForward, LayerNorm, MaskedAttention,
    MultiHeadAttention,
)


def rat(rng: random.Random, lo: int = -9, hi: int = 9) -> Fraction:
    return Fraction(rng.randint(lo, hi), rng.randint(1, 7))


def point(rng, rows, cols):
    return [[rat(rng) for _ in range(cols)] for _ in range(rows)]


def small_models():
    """(name, model, n) of compilable models small enough to compile in a second."""
    yield "ffn", FeedForward([[1, -1, 2], [2, 1, -1]], [0, 1, "-1/2"], [[1, 0], [-1, 1], [2, 1]], [1, 0]), 1
    yield "attention", Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, 2], [0, -1]]), 2
    yield "masked", MaskedAttention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]]), 2
    yield "biased", Attention([[1]], [[2]], [[1]], bq=[1], bk=[-1], bv=["1/2"]), 2
    yield "multihead", MultiHeadAttention(
        [Attention([[1]], [[1]], [[1]]), Attention([[1]], [[-2]], [[3]])], W_O=[[1], [-1]]), 2
    yield "block", EncoderBlock(Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, "1/2"], [0, -1]]),
                                FeedForward([[1, -1], [1, 1]], [0, 1], [[1, 0], [0, 1]], None)), 2


MODELS = list(small_models())


@pytest.fixture(scope="module", params=MODELS, ids=[m[0] for m in MODELS])
def compiled(request):
    name, model, n = request.param
    return model, n, symattn.compile(model, n=n, progress=False)


def test_complete_and_exact_at_random_points(compiled):
    model, n, spline = compiled
    assert spline.complete and not spline.undecided
    rng = random.Random(7)
    p = model.input_features()["x"]
    for _ in range(40):
        X = point(rng, n, p)
        assert spline(X) == model(X)


def test_exact_on_walls(compiled):
    """Points with a zero token or a repeated token lie on attention and FFN walls."""
    model, n, spline = compiled
    rng = random.Random(3)
    p = model.input_features()["x"]
    for _ in range(10):
        X = point(rng, n, p)
        X[0] = [Fraction(0)] * p
        assert spline(X) == model(X)
        if n > 1:
            X = point(rng, n, p)
            X[1] = list(X[0])
            assert spline(X) == model(X)


def test_witnesses_rechecked_with_sympy(compiled):
    _, _, spline = compiled
    for piece in spline.pieces:
        w = dict(piece.witness)
        for g, s in piece.region.conditions:
            value = g.as_expr().xreplace(w)
            assert value.is_Rational and value * s > 0


def _resolve(expr, witness):
    """Replace every ReLU(arg) by arg or 0 by the sign of arg at the witness, innermost first."""
    while True:
        atoms = [a for a in expr.atoms(ReLU) if not a.args[0].has(ReLU)]
        if not atoms:
            return sympy.expand(expr)
        repl = {}
        for a in atoms:
            v = a.args[0].xreplace(witness)
            assert v != 0, "a witness lies on a wall"
            repl[a] = a.args[0] if v > 0 else sympy.S.Zero
        expr = expr.xreplace(repl)


def test_pieces_match_symbolic_interpreter(compiled):
    model, n, spline = compiled
    symbolic = SymbolicInterpreter().run(spline.graph)
    for piece in spline.pieces:
        w = dict(piece.witness)
        resolved = symbolic.applyfunc(lambda e: _resolve(e, w))
        assert (resolved - piece.value).expand() == sympy.zeros(*spline.shape)


def test_every_point_in_exactly_one_region(compiled):
    """The guard against a wrong emptiness proof (z3 has had wrong-unsat bugs)."""
    model, n, spline = compiled
    rng = random.Random(11)
    p = model.input_features()["x"]
    names = spline.graph.variables
    for _ in range(60):
        X = point(rng, n, p)
        at = {s: sympy.Rational(X[i][j].numerator, X[i][j].denominator)
              for s, (i, j) in zip(names, itertools.product(range(n), range(p)))}
        inside = sum(piece.region.contains(at) for piece in spline.pieces)
        on_wall = spline.piece_at(X).on_wall
        assert inside == 1 or (inside == 0 and on_wall)


def test_as_expr_matches_evaluation(compiled):
    model, n, spline = compiled
    expr = spline.as_expr()
    rng = random.Random(5)
    p = model.input_features()["x"]
    for _ in range(5):
        X = point(rng, n, p)
        subs = {input_symbol("x", i, j): sympy.Rational(X[i][j].numerator, X[i][j].denominator)
                for i in range(n) for j in range(p)}
        assert expr.xreplace(subs) == spline(X)


def test_piece_at_witness_is_that_piece(compiled):
    _, _, spline = compiled
    for piece in spline.pieces[:20]:
        assert spline.piece_at(dict(piece.witness)).piece is piece


def test_merge_partitions_the_regions(compiled):
    _, _, spline = compiled
    merged = spline.merge()
    assert sum(len(m.regions) for m in merged) == len(spline)
    assert len({m.polys for m in merged}) == len(merged)


def test_deterministic_order():
    model = Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, 2], [0, -1]])
    a = symattn.compile(model, n=2, progress=False)
    b = symattn.compile(Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, 2], [0, -1]]), n=2, progress=False)
    assert [p.pattern for p in a.pieces] == [p.pattern for p in b.pieces]
    assert [p.region.conditions for p in a.pieces] == [p.region.conditions for p in b.pieces]


# -- Zaslavsky ---------------------------------------------------------------

def _general_position(W, b) -> bool:
    """Every d normals independent and every d+1 hyperplanes without a common point."""
    d, m = len(W), len(b)
    cols = [[sympy.Integer(W[i][k]) for i in range(d)] for k in range(m)]
    for sub in itertools.combinations(range(m), min(d, m)):
        if sympy.Matrix([cols[k] for k in sub]).rank() < min(d, m):
            return False
    if m > d:
        for sub in itertools.combinations(range(m), d + 1):
            if sympy.Matrix([cols[k] + [b[k]] for k in sub]).det() == 0:
                return False
    return True


@pytest.mark.parametrize("d,m", [(1, 4), (2, 5), (3, 5), (2, 7)])
def test_zaslavsky_counts(d, m):
    rng = random.Random(100 * d + m)
    while True:
        W = [[rng.randint(-9, 9) for _ in range(m)] for _ in range(d)]
        b = [rng.randint(-9, 9) for _ in range(m)]
        if _general_position(W, b):
            break
    ffn = FeedForward(W, b, [[rng.randint(1, 3)] for _ in range(m)], None)
    spline = symattn.compile(ffn, n=1, progress=False)
    assert spline.complete
    assert len(spline) == sum(math.comb(m, i) for i in range(d + 1))
    assert spline.degree == 1


# -- degrees -----------------------------------------------------------------

def test_degree_bounds_and_attained():
    """Attention is cubic; an L-block encoder has degree <= 3^L, attained here for L = 2."""
    attention = Attention([[1]], [[1]], [[1]])  # alpha(x) = sigma(x^2) x = x^3 for one token
    zero_ffn = FeedForward([[0]], None, [[0]], None)
    assert symattn.compile(attention, n=1, progress=False).degree == 3
    two = Encoder([EncoderBlock(attention, zero_ffn), EncoderBlock(attention, zero_ffn)])
    spline = symattn.compile(two, n=1, progress=False)
    x = input_symbol("x", 0, 0)
    y = x + x**3
    assert spline.degree == 9
    assert all(sympy.expand(p.value[0, 0] - (y + y**3)) == 0 for p in spline.pieces)


def test_ffn_is_linear_and_attention_cubic():
    ffn = FeedForward([[1, -1, 2], [2, 1, -1]], [0, 1, 1], [[1], [1], [1]], None)
    assert symattn.compile(ffn, n=2, progress=False).degree == 1
    cross = CrossAttention([[1, 1]], [[1, 2]], [[2]])  # Q Kᵀ = 3: scores 3 y z_j
    s = symattn.compile(cross, n=2, m=1, progress=False)
    assert s.complete and s.degree == 3
    for piece in s.pieces:  # degree 1 in y, 2 in z
        poly = sympy.Poly(piece.value[0, 0], *[v for v in s.variables if str(v).startswith("y")])
        assert poly.total_degree() <= 1


# -- parameters --------------------------------------------------------------

def test_parameters_are_joint_variables():
    a = sympy.Symbol("a", real=True)
    model = Attention([[a]], [[1]], [[1]])
    spline = symattn.compile(model, n=2, progress=False)
    assert spline.parameters == (a,) and spline.complete
    rng = random.Random(2)
    for value in (Fraction(2), Fraction(-1, 3), Fraction(5, 7)):
        numeric = Attention([[value]], [[1]], [[1]])
        numeric_spline = symattn.compile(numeric, n=2, progress=False)
        for _ in range(10):
            X = point(rng, 2, 1)
            assert spline(X, params={a: value}) == numeric(X) == numeric_spline(X)
        fixed = spline.restrict({a: value})
        assert fixed.parameters == () and len(fixed) == len(numeric_spline)


# -- restriction -------------------------------------------------------------

def test_restrict_to_a_line_agrees_with_the_spline():
    model = EncoderBlock(Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, "1/2"], [0, -1]]),
                         FeedForward([[1, -1], [1, 1]], [0, 1], [[1, 0], [0, 1]], None))
    spline = symattn.compile(model, n=2, progress=False)
    xs = spline.variables
    origin = {v: Fraction(k + 1, 3) for k, v in enumerate(xs)}
    direction = {v: Fraction((-1) ** k, k + 1) for k, v in enumerate(xs)}
    line = spline.restrict(origin=origin, directions=[direction])
    assert line.complete and len(line.variables) == 1
    t = line.variables[0]
    for num in range(-12, 13):
        tv = Fraction(num, 4)
        X = [[origin[input_symbol("x", i, j)] + tv * direction[input_symbol("x", i, j)] for j in range(2)]
             for i in range(2)]
        assert line({t: sympy.Rational(tv.numerator, tv.denominator)}) == spline(X)
    assert line.degree <= 3


# -- budgets and errors ------------------------------------------------------

def test_exhausted_budget_is_flagged_incomplete():
    model = Attention([[1, 2, 0], [0, 1, -1], [1, 0, 1]], [[1, 0, -1], [2, 1, 0], [0, 1, 1]],
                      [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    spline = symattn.compile(model, n=3, budget=Budget(regions=5), progress=False)
    assert not spline.complete
    assert spline.undecided and all("budget" in u.reason for u in spline.undecided)
    assert len(spline) == 5
    rng = random.Random(1)
    for _ in range(5):  # partial splines still evaluate exactly everywhere
        X = point(rng, 3, 3)
        assert spline(X) == model(X)


@pytest.mark.parametrize("model,op", [
    (Attention([[1]], [[1]], [[1]], activation="softmax"), "softmax"),
    (Attention([[1]], [[1]], [[1]], activation="softplus", beta=2), "softplus"),
    (EncoderBlock(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]),
                  FeedForward([[1, 0], [0, 1]], None, [[1, 0], [0, 1]], None), norm=LayerNorm()), "layernorm"),
    (Attention([[1]], [[1]], [[1]], scale=sympy.sqrt(2)), "scale"),
])
def test_not_a_spline(model, op):
    with pytest.raises(NotASplineError) as err:
        symattn.compile(model, n=2, progress=False)
    assert err.value.op == op
    assert f"({op})" in str(err.value)
    if op == "softmax":
        assert "symbolic" in str(err.value)
    if op == "layernorm":
        assert err.value.path.endswith("norm1")
