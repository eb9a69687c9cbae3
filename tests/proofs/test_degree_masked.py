"""prove_degree under causal masks: masked scores are constant zeros, not walls, so lines through points count."""

from __future__ import annotations

import pytest
import sympy

import symattn
from symattn.nn import Attention, MaskedAttention
from symattn.proofs import ProofError, prove_degree
from symattn.testing import assert_degree

MODELS = {
    "MaskedAttention n=2": (MaskedAttention([[1]], [[1]], [[1]]), 2),
    "Attention(mask='causal') n=2": (Attention([[1]], [[1]], [[1]], mask="causal"), 2),
    "MaskedAttention p=2, n=3": (MaskedAttention([[1, 0], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, 1]]), 3),
}


@pytest.mark.parametrize("name", MODELS)
def test_masked_attention_is_cubic(name):
    model, n = MODELS[name]
    proof = prove_degree(model, 3, n=n)
    assert proof.proved and proof.attained          # before: UNDECIDED, "the largest degree found ... is -1"
    assert assert_degree(model, 3, n=n).proved


@pytest.mark.parametrize("false", [0, 1, 2])
@pytest.mark.parametrize("name", MODELS)
def test_a_false_degree_is_refuted_at_a_point_of_a_cubic_piece(name, false):
    model, n = MODELS[name]
    with pytest.raises(ProofError) as info:
        prove_degree(model, false, n=n)
    err = info.value
    assert err.values == (3, false)
    # independent check: the compiled piece containing the refuting point is a cubic
    spline = symattn.compile(model, n=n, progress=False)
    at = spline.piece_at(err.point)
    assert at.piece is not None and at.piece.degree(len(spline.variables)) == 3


def test_the_first_row_of_causal_attention_is_x0_cubed():
    # row 0 sees only token 0: σ(x_0²)·x_0 = x_0³, whatever the other tokens
    model, _ = MODELS["MaskedAttention n=2"]
    x0, x1 = symattn.input_symbol("x", 0, 0), symattn.input_symbol("x", 1, 0)
    spline = symattn.compile(model, n=2, progress=False)
    assert all(sympy.expand(p.value[0, 0] - x0**3) == 0 for p in spline.pieces)
    assert {sympy.expand(p.value[1, 0]) for p in spline.pieces} == {x1**3 + x0**2 * x1, x1**3}
