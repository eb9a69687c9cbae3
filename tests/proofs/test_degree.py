"""Degrees: the rule table against compiled degrees, attained at 3^L, and cheap on large encoders."""

from __future__ import annotations

import random
import time

import pytest
import sympy

import symattn
from benchmarks import models
from cases import CASES_BY_NAME
from symattn.errors import NotASplineError
from symattn.nn import Attention, Encoder, EncoderBlock, FeedForward
from symattn.proofs import ProofError, degree_bound, prove_degree
from symattn.proofs.degree import line_degree
from symattn.semialg.poly import restrict_to_line

#: cases of tests/cases.py whose compile is complete in well under a second
SMALL = ["linear", "linear_nobias", "ffn_relu_nobias", "ffn_identity", "attn_causal", "attn_explicit_mask",
         "cross_attn", "cross_attn_biases", "mha_wo"]


def entry_degrees(spline) -> list[list[int]]:
    """Per output entry, the largest total degree (in the input variables) over the compiled pieces."""
    k = len(spline.variables)
    rows, cols = spline.shape
    out = [[-1] * cols for _ in range(rows)]
    for piece in spline.pieces:
        for i in range(rows):
            for j in range(cols):
                g = piece.polys[i][j]
                if g:
                    out[i][j] = max(out[i][j], max(sum(m[:k]) for m in g.monoms()))
    return out


@pytest.mark.parametrize("name", SMALL)
def test_the_rule_table_equals_the_compiled_degree(name):
    case = CASES_BY_NAME[name]
    spline = symattn.compile(case.trace(), progress=False)
    assert spline.complete
    bound = degree_bound(case.trace())
    assert bound.degree == spline.degree
    compiled = entry_degrees(spline)
    assert all(b >= c for brow, crow in zip(bound.entries, compiled) for b, c in zip(brow, crow))
    if name != "attn_explicit_mask":
        assert [list(r) for r in bound.entries] == compiled


def test_the_rule_table_is_only_an_upper_bound_per_entry():
    """Row 1 of this masked head sees only its own token, and its score x₁ᵀ Q Kᵀ x₁ is a negative
    semidefinite form: σ of it is 0, so the row vanishes.  The rule table cannot know a sign."""
    case = CASES_BY_NAME["attn_explicit_mask"]
    model = case.build()
    assert model.mask[1] == (False, True, False)
    M = model.Q * model.K.T
    assert all(ev <= 0 for ev in (M + M.T).eigenvals())
    spline = symattn.compile(case.trace(), progress=False)
    assert entry_degrees(spline)[1] == [-1, -1] and degree_bound(case.trace()).entries[1] == (3, 3)


def test_the_bound_holds_on_larger_cases_and_is_attained_there():
    case = CASES_BY_NAME["encoder_2blocks"]                  # 2 blocks with biases: at most 9
    graph = case.trace()
    bound = degree_bound(graph)
    assert bound.degree == 9
    proof = prove_degree(graph, 9)
    assert proof.proved and proof.attained


def cube_encoder(blocks: int) -> Encoder:
    """One token, Q = K = V = [[1]]: α(x) = σ(x²)·x = x³, so each block maps y to y + y³ (the
    feed-forward layer contributes σ(y)·0)."""
    block = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], None, [[0]], None))
    return Encoder([block] * blocks)


@pytest.mark.parametrize("blocks", [1, 2, 3])
def test_the_degree_three_to_the_L_is_attained(blocks):
    model = cube_encoder(blocks)
    assert degree_bound(model).degree == 3 ** blocks
    proof = prove_degree(model, 3 ** blocks, n=1)
    assert proof.proved and proof.attained
    # independent: iterate y ↦ y + y³ symbolically and read the degree
    x = symattn.input_symbol("x", 0, 0)
    y = x
    for _ in range(blocks):
        y = sympy.expand(y + y**3)
    assert sympy.Poly(y, x).degree() == 3 ** blocks
    if blocks <= 2:
        spline = symattn.compile(model, n=1, progress=False)
        assert spline.complete and spline.degree == 3 ** blocks
        assert prove_degree(model, 3 ** blocks, spline=spline).proved


def test_a_wrong_degree_is_refuted_with_a_complete_spline_and_left_open_without():
    model = cube_encoder(2)
    spline = symattn.compile(model, n=1, progress=False)
    with pytest.raises(ProofError) as info:
        prove_degree(model, 3, spline=spline)                  # a piece has degree 9
    assert info.value.values == (9, 3) and info.value.point is not None
    with pytest.raises(ProofError) as info:
        prove_degree(model, 10, spline=spline)                 # no piece reaches 10
    assert info.value.values == (9, 10) and info.value.point is None
    with pytest.raises(ProofError) as info:
        prove_degree(model, 3, n=1)                            # a line through a point has degree 9
    assert info.value.values == (9, 3) and info.value.point is not None
    open_upper = prove_degree(model, 3, n=1, attained=False)   # the rule table says 9 > 3, nothing else asked
    assert not open_upper.proved and not open_upper.refuted
    open_attained = prove_degree(model, 10, n=1, points=4)     # the bound 9 <= 10 holds, 10 is not found
    assert not open_attained.proved and open_attained.attained is False
    assert prove_degree(model, 10, n=1, attained=False).proved


def test_the_line_degree_is_the_compiled_piece_restricted_to_the_line():
    model = CASES_BY_NAME["mha_wo"].build()
    graph = model.trace(n=2)
    spline = symattn.compile(graph, progress=False)
    rng = random.Random(3)
    checked = 0
    for _ in range(10):
        X = [[sympy.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(2)] for _ in range(2)]
        E = [[sympy.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(2)] for _ in range(2)]
        found = line_degree(graph, {"x": X}, {"x": E})
        if found is None:
            continue
        piece = spline.piece_at(X).piece
        origin = dict(zip(spline.variables, sum(X, [])))
        direction = dict(zip(spline.variables, sum(E, [])))
        want = max((restrict_to_line(g, origin, direction).degree() for row in piece.polys for g in row if g),
                   default=0)
        assert found[0] == max(want, 0)
        checked += 1
    assert checked >= 5


def test_a_six_block_encoder_takes_well_under_a_second():
    model = models.encoder(6, 4)
    t = time.perf_counter()
    bound = degree_bound(model, n=4)
    assert time.perf_counter() - t < 1.0
    assert bound.degree == 3 ** 6
    proof = prove_degree(model, 3 ** 6, n=4, points=4)      # attained along a line through a rational point
    assert proof.proved and proof.attained


def test_smooth_models_have_no_spline_degree():
    with pytest.raises(NotASplineError):
        degree_bound(Attention([[1]], [[1]], [[1]], activation="softmax"))
