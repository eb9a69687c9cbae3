"""The soundness guards: an identically zero ReLU entry is no wall, and a wrong emptiness proof is caught."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

import symattn
from symattn.compiler.pipeline import spline_frame
from symattn.interpret.walkers import pattern_at, walls_at
from symattn.models import default_model
from symattn.nn import Attention, EncoderBlock, FeedForward, MaskedAttention
from symattn.spline import SoundnessError

MASKED = MaskedAttention([[1, 0], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, 1]])


@pytest.fixture(scope="module")
def masked():
    s = symattn.compile(MASKED, n=3, progress=False)
    assert s.complete and len(s) == 8
    return s


def _drop(spline, k):
    return dataclasses.replace(spline, pieces=spline.pieces[:k] + spline.pieces[k + 1:])


def test_masked_entries_are_constant_zeros_not_walls(masked):
    # causal mask on 3 tokens: the 3 entries above the diagonal are removed; their sign is 0 in every pattern
    masked_positions = {(i, j) for i in range(3) for j in range(3) if j > i}
    zeros = {k for k, s in enumerate(masked.pieces[0].pattern) if s == 0}
    assert zeros == {3 * i + j for i, j in masked_positions}
    assert all({k for k, s in enumerate(p.pattern) if s == 0} == zeros for p in masked.pieces)
    for p in masked.pieces:
        at = masked.piece_at(dict(p.witness))
        assert at.piece == p and not at.on_wall


@pytest.mark.parametrize("k", range(8))
def test_a_missing_region_of_masked_attention_is_caught(masked, k):
    broken = _drop(masked, k)
    assert broken.complete
    with pytest.raises(SoundnessError, match="off every wall"):    # before: reported "on a wall"
        broken.piece_at(dict(masked.pieces[k].witness))


#: an encoder block whose Q Kᵀ = [[0, 1], [-1, 0]] is skew: its diagonal scores vanish identically
SKEW_BLOCK = EncoderBlock(
    Attention(Q=[[1, 0], [1, -1]], K=[[0, 1], [1, 1]], V=[[1, "1/2"], [0, -1]]),
    FeedForward(W1=[[1, -1, 0, 2], [1, 1, -1, 0]], b1=[0, 1, "1/2", -1],
                W2=[[1, 0], [0, 1], [-1, 1], ["1/2", 0]], b2=None))


@pytest.mark.parametrize("model", [SKEW_BLOCK, default_model()], ids=["skew block", "default model"])
def test_a_missing_region_of_a_block_is_caught(model):
    s = symattn.compile(model, n=2, progress=False)
    assert s.complete
    assert any(0 in p.pattern for p in s.pieces) == (model is SKEW_BLOCK)   # constant entries: no wall
    broken = _drop(s, 0)
    with pytest.raises(SoundnessError):
        broken.piece_at(dict(s.pieces[0].witness))


def test_a_point_on_a_wall_is_still_on_a_wall(masked):
    # x_1 ⟂ (Q Kᵀ)ᵀ x_0: the score entry (1, 0) = x_1ᵀ Q Kᵀ x_0 vanishes at a point, it is not constant
    X = [[1, 0], [0, 1], [2, 3]]                 # Q Kᵀ = [[1, 1], [0, 1]]: x_1 Q Kᵀ x_0ᵀ = x_1 · (1, 0) = 0
    at = _drop(masked, 0).piece_at(X)
    assert at.piece is None and at.on_wall
    pattern, _ = pattern_at(masked.graph, {"x": [[Fraction(v) for v in row] for row in X]})
    ring, inputs = spline_frame(masked.graph, {})[2:]
    assert walls_at(masked.graph, ring, inputs, pattern) == (3,)    # entry (1, 0), row by row
    assert at.pattern[1] == at.pattern[2] == at.pattern[5] == 0     # the masked ones: constants, no walls
    assert masked(X) == MASKED(X)


def test_the_pattern_encoding_of_files_is_unchanged(masked):
    back = symattn.Spline.from_json(masked.to_json(), verify=True)
    assert [p.pattern for p in back.pieces] == [p.pattern for p in masked.pieces]
    assert back.completeness == "proved"
