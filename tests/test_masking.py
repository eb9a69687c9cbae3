"""Causal and explicit masks (MATH.md §2 and §5 "Masking").

Under the causal mask, output row i is independent of tokens j > i, exactly,
as expressions: the symbolic output's row i has no free symbol of a later
token.  In a decoder only the decoder tokens ``y`` are causal; the cross
attention sees every encoder token, so row i still depends on all of Z (or X).
"""

from __future__ import annotations

import copy
import random

import pytest
import sympy

from cases import CASES, cases_with
from symattn import ExactInterpreter, SymbolicInterpreter, input_symbol, nn

W2 = [[1, 2], [-1, 1]]  # generic enough: every product below is nonzero


def _tokens(expr, name: str) -> set[int]:
    """The token (row) indices of input ``name`` that occur in ``expr``."""
    out = set()
    for s in expr.free_symbols:
        letter, rest = str(s).split("[", 1)
        if letter == name:
            out.add(int(rest.split(",")[0]))
    return out


def _row_tokens(matrix, i, name):
    return set().union(*(_tokens(e, name) for e in matrix.row(i)))


def _causal_input(case) -> str:
    return "y" if "y" in case.trace().inputs else "x"


@pytest.mark.parametrize("activation", ["relu", "softmax", "softplus", "identity"])
def test_masked_attention_row_i_depends_exactly_on_tokens_up_to_i(activation):
    n = 4
    att = nn.MaskedAttention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]], activation=activation)
    sym = SymbolicInterpreter().run(att.trace(n=n))
    for i in range(n):
        assert _row_tokens(sym, i, "x") == set(range(i + 1)), (i, sym.row(i))


def test_unmasked_attention_is_not_causal():
    """The control: without the mask, row 0 sees the last token (the test above can fail)."""
    att = nn.Attention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]])
    sym = SymbolicInterpreter().run(att.trace(n=3))
    assert _row_tokens(sym, 0, "x") == {0, 1, 2}


def test_explicit_mask_row_dependencies():
    """Row i depends on its own token (the query) and on the kept keys j, nothing else."""
    mask = [[True, False, False, True],
            [False, False, True, False],
            [True, True, True, True],
            [False, False, False, False]]
    att = nn.Attention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]], mask=mask)
    sym = SymbolicInterpreter().run(att.trace(n=4))
    for i, row in enumerate(mask):
        kept = {j for j, k in enumerate(row) if k}
        want = (kept | {i}) if kept else set()  # a fully masked ReLU row is exactly 0
        assert _row_tokens(sym, i, "x") == want, i
    assert list(sym.row(3)) == [0, 0]


def test_mask_accepts_0_1_and_numpy_booleans():
    import numpy as np

    a = nn.Attention([[1]], [[1]], [[1]], mask=[[1, 0], [1, 1]])
    b = nn.Attention([[1]], [[1]], [[1]], mask=np.array([[True, False], [True, True]]))
    c = nn.MaskedAttention([[1]], [[1]], [[1]])
    assert a.mask == b.mask == ((True, False), (True, True))
    X = [[3], ["1/2"]]
    assert a(X) == b(X) == c(X)
    # the mask changes the value: row 0 of the unmasked attention sees token 1
    assert nn.Attention([[1]], [[1]], [[1]])(X)[0, 0] != a(X)[0, 0]


def test_causal_mask_is_rectangular_for_cross_shapes():
    assert nn.causal_mask(2, 3) == ((True, False, False), (True, True, False))
    assert nn.causal_mask(3) == tuple(tuple(j <= i for j in range(3)) for i in range(3))


@pytest.mark.parametrize("case", cases_with("causal"), ids=[c.name for c in cases_with("causal")])
def test_case_table_causal_cases(case):
    """Every causal case: row i of the symbolic output has no later causal token."""
    g = case.trace()
    sym = SymbolicInterpreter().run(g)
    name = _causal_input(case)
    m = g.input_shape(name)[0]
    for i in range(m):
        assert _row_tokens(sym, i, name) <= set(range(i + 1)), (case.name, i)
    if name == "y":  # the cross attention sees the whole encoder side
        other = "z" if "z" in g.inputs else "x"
        n = g.input_shape(other)[0]
        for i in range(m):
            assert _row_tokens(sym, i, other) == set(range(n)), (case.name, i)


@pytest.mark.parametrize("case", cases_with("causal"), ids=[c.name for c in cases_with("causal")])
def test_causal_cases_exact_values_ignore_later_tokens(case):
    """The same fact, checked on values: changing tokens j > i leaves row i unchanged."""
    g = case.trace()
    name = _causal_input(case)
    rng = random.Random(5)
    X = case.inputs(rng)
    base = ExactInterpreter().run(g, X)
    rows = g.input_shape(name)[0]
    changed_last_row = False
    for i in range(rows - 1):
        Y = copy.deepcopy(X)
        fresh = case.inputs(rng)[name]
        for j in range(i + 1, rows):
            Y[name][j] = fresh[j]
        out = ExactInterpreter().run(g, Y)
        for r in range(i + 1):
            assert out.row(r) == base.row(r), (case.name, i, r)
        changed_last_row |= out.row(rows - 1) != base.row(rows - 1)
    assert changed_last_row  # the perturbation is not vacuous


def _decoder_block(self_attention):
    return nn.DecoderBlock(
        self_attention,
        nn.CrossAttention([[1], [2]], [[1], [-1]], [[1, 0], [1, 1]]),
        nn.FeedForward([[1, -1], [2, 1]], [1, 0], [[1, 0], [0, 1]], None),
    )


def test_decoder_block_masked_self_attention_path():
    blk = _decoder_block(nn.MaskedAttention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]]))
    sym = SymbolicInterpreter().run(blk.trace(n=2, m=3))
    for i in range(3):
        assert _row_tokens(sym, i, "y") == set(range(i + 1))
        assert _row_tokens(sym, i, "z") == {0, 1}


def test_decoder_block_without_mask_is_not_causal():
    blk = _decoder_block(nn.Attention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]]))
    sym = SymbolicInterpreter().run(blk.trace(n=2, m=3))
    assert _row_tokens(sym, 0, "y") == {0, 1, 2}


def test_transformer_decoder_is_causal_in_y_and_sees_all_of_x():
    enc = nn.Encoder([nn.EncoderBlock(nn.Attention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]]),
                                      nn.FeedForward([[1], [1]], [0], [[1, -1]], None))])
    dec = nn.Decoder([_decoder_block(nn.MaskedAttention(W2, [[1, 0], [1, -1]], [[1, 1], [0, 2]]))])
    tf = nn.Transformer(enc, dec, final=[[1], [-1]])
    g = tf.trace(n=2, m=3)
    sym = SymbolicInterpreter().run(g)
    assert sym.shape == (3, 1)
    for i in range(3):
        assert _row_tokens(sym, i, "y") == set(range(i + 1))
        assert _row_tokens(sym, i, "x") == {0, 1}
    assert not any(_tokens(e, "z") for e in sym)  # z is internal to a transformer
    assert input_symbol("y", 2, 1) in sym[2, 0].free_symbols
