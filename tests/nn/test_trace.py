"""Tracing modules into the expression graph: entry points, module paths, shape errors.

Shape errors name the module path and both shapes; construction errors
name the module and the field.
"""

from __future__ import annotations

import pytest
import sympy

import symattn
from cases import CASES, CASES_BY_NAME, HEAD, module_paths
from symattn import (
    ShapeError,
    nn,
    trace,
)
from symattn.graph import nodes as N

ids = [c.name for c in CASES]

# ---------------------------------------------------------------------------
# trace entry points
# ---------------------------------------------------------------------------


def test_trace_function_and_method_agree():
    att = nn.Attention([[1]], [[1]], [[1]])
    g = trace(att, n=2)
    assert att.trace(n=2) is g  # traces are cached on the immutable model
    assert g.shape == (2, 1) and g.input_shape("x") == (2, 1)
    assert att.trace(n=3).shape == (3, 1)
    assert symattn.trace is trace
    dec = CASES_BY_NAME["decoder_1block"].build()
    gd = trace(dec, n=2, m=3)
    assert gd.input_shape("y") == (3, 2) and gd.input_shape("z") == (2, 2) and gd.shape == (3, 2)


@pytest.mark.parametrize(
    "model, kwargs, exc, words",
    [
        (nn.Attention([[1]], [[1]], [[1]]), {}, ValueError, "n"),
        (nn.Attention([[1]], [[1]], [[1]]), {"n": 0}, ValueError, "positive"),
        (nn.Attention([[1]], [[1]], [[1]]), {"n": 1.5}, ValueError, "positive"),
        (nn.Attention([[1]], [[1]], [[1]]), {"n": True}, ValueError, "positive"),
        (nn.CrossAttention([[1]], [[1]], [[1]]), {"n": 2}, ValueError, "m"),
        (nn.CrossAttention([[1]], [[1]], [[1]]), {"m": 2}, ValueError, "n"),
        ("not a module", {"n": 1}, TypeError, "module"),
    ],
)
def test_trace_argument_errors(model, kwargs, exc, words):
    with pytest.raises(exc, match=words):
        trace(model, **kwargs)


# ---------------------------------------------------------------------------
# module paths
# ---------------------------------------------------------------------------

def test_paths_in_a_transformer():
    g = CASES_BY_NAME["transformer"].trace()
    relus = module_paths(g, N.RELU)
    assert relus == {
        "encoder.0.attn.head0", "encoder.0.attn.head1", "encoder.0.ffn",
        "decoder.0.self_attn.head0", "decoder.0.self_attn.head1",
        "decoder.0.cross_attn.head0", "decoder.0.cross_attn.head1", "decoder.0.ffn",
    }
    assert module_paths(g, N.MASK_OP) == {"decoder.0.self_attn.head0", "decoder.0.self_attn.head1"}
    assert module_paths(g, N.CONCAT) == {"encoder.0.attn", "decoder.0.self_attn", "decoder.0.cross_attn"}
    assert {"encoder.0.attn.out", "decoder.0.self_attn.out", "final", "encoder.0", "decoder.0"} <= module_paths(g)
    assert g.attrs(g.output)[N.PATH] == "final"


def test_path_encoder_1_attn_head0():
    r = CASES_BY_NAME["encoder_block_mha"].build()
    other = nn.EncoderBlock(nn.MultiHeadAttention([nn.Attention(**HEAD), nn.Attention(HEAD["Q"], [[1, 1], [0, 1]], [[0], [1]])]),
                            nn.FeedForward([[1], [1]], None, [[1, 1]], None))
    g = nn.Encoder([r, other]).trace(n=2)
    assert {"encoder.0.attn.head0", "encoder.1.attn.head0", "encoder.1.attn.head1", "encoder.1.ffn"} <= module_paths(g, N.RELU)


def test_paths_of_standalone_modules():
    assert module_paths(CASES_BY_NAME["attn_relu"].trace()) == {""}
    assert module_paths(CASES_BY_NAME["mha_wo_bias"].trace(), N.RELU) == {"head0", "head1"}
    assert "out" in module_paths(CASES_BY_NAME["mha_wo_bias"].trace())
    dec = CASES_BY_NAME["decoder_1block"].trace()
    assert module_paths(dec, N.RELU) == {"decoder.0.self_attn", "decoder.0.cross_attn", "decoder.0.ffn"}
    blk = CASES_BY_NAME["decoder_block"].trace()
    assert module_paths(blk, N.RELU) == {"self_attn", "cross_attn", "ffn"}
    assert module_paths(CASES_BY_NAME["encoder_block_postnorm"].trace(), N.LAYERNORM) == {"norm1", "norm2"}
    assert module_paths(CASES_BY_NAME["encoder_block_prenorm"].trace(), N.LAYERNORM) == {"norm1", "norm2"}
    assert module_paths(CASES_BY_NAME["decoder_postnorm"].trace(), N.LAYERNORM) == {
        "decoder.0.norm1", "decoder.0.norm2", "decoder.0.norm3"}
    assert module_paths(CASES_BY_NAME["encoder_2blocks"].trace(), N.RELU) == {
        "encoder.0.attn", "encoder.0.ffn", "encoder.1.attn", "encoder.1.ffn"}


def test_pre_and_post_norm_placement_in_the_graph():
    """Post-norm: LN applied to a sum; pre-norm: LN applied to the block input and the residual sum."""
    post = CASES_BY_NAME["encoder_block_postnorm"].trace()
    for v in post.nodes_with_op(N.LAYERNORM):
        assert post.op(post.args(v)[0]) == N.ADD
    assert post.op(post.output) == N.LAYERNORM
    pre = CASES_BY_NAME["encoder_block_prenorm"].trace()
    first, second = pre.nodes_with_op(N.LAYERNORM)
    assert pre.args(first)[0] == pre.inputs["x"]
    assert pre.op(pre.args(second)[0]) == N.ADD
    assert pre.op(pre.output) == N.ADD


# ---------------------------------------------------------------------------
# shape errors name the module path and both shapes
# ---------------------------------------------------------------------------

A2 = nn.Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])
BAD_FFN = nn.FeedForward([[1], [1], [1]], None, [[1, 1]], None)  # expects 3 features


@pytest.mark.parametrize(
    "model, kwargs, path, shapes",
    [
        (nn.EncoderBlock(A2, BAD_FFN), {"n": 2}, "ffn", ("2×2", "3×1")),
        (nn.Encoder([nn.EncoderBlock(A2, BAD_FFN)]), {"n": 2}, "encoder.0.ffn", ("2×2", "3×1")),
        (nn.Encoder([nn.EncoderBlock(A2, nn.FeedForward([[1]] * 2, None, [[1, 1]], None)),
                     nn.EncoderBlock(A2, BAD_FFN)]), {"n": 4}, "encoder.1.ffn", ("4×2", "3×1")),
        (nn.EncoderBlock(nn.Attention([[1], [1]], [[1], [1]], [[1, 1, 1], [1, 1, 1]]),
                         nn.FeedForward([[1]] * 3, None, [[1, 1, 1]], None)), {"n": 2}, "<model>",
         ("2×2", "2×3")),
        (nn.Attention([[1]], [[1]], [[1]], mask=nn.causal_mask(3)), {"n": 2}, "<model>", ("3×3", "2×2")),
        (nn.MultiHeadAttention([A2, nn.Attention([[1]] * 2, [[1]] * 2, [[1]] * 2, mask=[[True]])]), {"n": 2},
         "head1", ("1×1", "2×2")),
        (nn.Transformer(nn.Encoder([nn.EncoderBlock(A2, nn.FeedForward([[1]] * 2, None, [[1, 1]], None))]),
                        nn.Decoder([nn.DecoderBlock(nn.MaskedAttention([[1]], [[1]], [[1]]),
                                                    nn.CrossAttention([[1]], [[1]] * 3, [[1]] * 3),
                                                    nn.FeedForward([[1]], None, [[1]], None))])),
         {"n": 2, "m": 2}, "decoder.0.cross_attn", ("2×2", "3×1")),
        (nn.EncoderBlock(A2, nn.FeedForward([[1]] * 2, None, [[1, 1]], None), norm=nn.LayerNorm(gamma=[1] * 3, beta=[0] * 3)),
         {"n": 2}, "norm1", ("1×3", "2 features")),
    ],
    ids=["ffn-in-block", "ffn-in-encoder", "encoder.1", "attn-width", "mask", "mask-in-head", "cross-in-transformer",
         "layernorm-width"],
)
def test_shape_errors_name_path_and_shapes(model, kwargs, path, shapes):
    with pytest.raises(ShapeError) as info:
        trace(model, **kwargs)
    msg = str(info.value)
    assert msg.startswith(path + ":"), msg
    for s in shapes:
        assert s in msg, msg
    assert info.value.path == ("" if path == "<model>" else path)


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda: nn.FeedForward([[1, 2]], None, [[1, 2, 3]], None), ("FeedForward", "1×2", "1×3")),
        (lambda: nn.FeedForward([[1, 2]], [1, 2, 3], [[1], [2]], None), ("FeedForward", "b1", "3")),
        (lambda: nn.Attention([[1, 2]], [[1]], [[1]]), ("Attention", "1×2", "1×1")),
        (lambda: nn.Attention([[1]], [[1]], [[1]], bv=[1, 2]), ("Attention", "bv", "2")),
        (lambda: nn.MultiHeadAttention([A2, A2], W_O=[[1, 1]] * 3), ("MultiHeadAttention", "4", "3")),
        (lambda: nn.MultiHeadAttention([A2], b_O=[1, 1]), ("b_O",)),
        (lambda: nn.MultiHeadAttention([]), ("head",)),
        (lambda: nn.LayerNorm(gamma=[1, 1], beta=[0]), ("LayerNorm",)),
        (lambda: nn.LayerNorm(gamma=[1, 1]), ("LayerNorm",)),
        (lambda: nn.Encoder([]), ("Encoder",)),
        (lambda: nn.Attention([[1]], [[1]], [[1]], mask=[[True], [True, False]]), ("mask",)),
    ],
)
def test_construction_shape_errors(build, words):
    with pytest.raises(ShapeError) as info:
        build()
    for w in words:
        assert w in str(info.value), str(info.value)


def test_a_mask_must_be_causal_or_a_boolean_matrix():
    with pytest.raises((ShapeError, symattn.WeightError), match="mask"):
        nn.Attention([[1]], [[1]], [[1]], mask="future")
    with pytest.raises(ShapeError, match="mask"):
        nn.Attention([[1]], [[1]], [[1]], mask=5)


def test_heads_sharing_scores_share_the_relu_node():
    """Two heads with the same Q and K have one score matrix and one ReLU (recorded under head0)."""
    mha = nn.MultiHeadAttention([nn.Attention(**HEAD), nn.Attention(HEAD["Q"], HEAD["K"], [[0], [1]])])
    g = mha.trace(n=2)
    (relu,) = g.nodes_with_op(N.RELU)
    assert g.attrs(relu)[N.PATH] == "head0"
    X = [[1, 2], [-1, 3]]
    assert mha(X) == sympy.Matrix.hstack(nn.Attention(**HEAD)(X), nn.Attention(HEAD["Q"], HEAD["K"], [[0], [1]])(X))


def test_mismatched_widths_between_heads_and_decoder_cross_type():
    with pytest.raises(ShapeError, match="MultiHeadAttention"):
        nn.MultiHeadAttention([A2, nn.Attention([[1]], [[1]], [[1]])]).trace(n=1)
    with pytest.raises(TypeError):
        nn.MultiHeadAttention([A2, nn.CrossAttention([[1]], [[1]], [[1]])])
    with pytest.raises(TypeError, match="CrossAttention"):
        nn.DecoderBlock(A2, A2, nn.FeedForward([[1]] * 2, None, [[1, 1]], None))
    with pytest.raises(ShapeError, match="gamma"):
        nn.LayerNorm().trace(n=1)
