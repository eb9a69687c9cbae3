"""from_torch on known modules, against PyTorch's own forward pass in float64.

PyTorch is the independent reference: each test builds a module with random
weights, runs it in float64 on random inputs, and checks symattn's float and
exact interpreters (exact output evaluated with sympy.N) to a relative
1e-9.  The ReLU-attention variant is checked against a hand-written formula.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import sympy

import symattn
from symattn import NotASplineError, ShapeError, UnsupportedOperationError
from symattn.interop import ImportedModel, from_torch
from symattn.nn import EncoderBlock, LayerNorm, MultiHeadAttention

from .support import RTOL, as_tensor, dyadic_matrix, relative_error, torch

nn = torch.nn


def _seeded(seed: int) -> None:
    torch.manual_seed(seed)


def _tokens(seed: int, n: int, p: int) -> torch.Tensor:
    return torch.randn(n, p, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _mha_reference(mha, q, k, v, **kwargs) -> torch.Tensor:
    """PyTorch's output for one sequence of token matrices, in the module's batch layout."""
    batch = (lambda t: t[None]) if mha.batch_first else (lambda t: t[:, None])
    out = mha(batch(q), batch(k), batch(v), need_weights=False, **kwargs)[0]
    return out[0] if mha.batch_first else out[:, 0]


# -- Linear, ReLU, Sequential, Identity -------------------------------------------

def test_sequential_relu_network_is_exact_at_dyadic_points():
    _seeded(0)
    net = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Identity(), nn.Linear(5, 2)).double()
    model = from_torch(net)
    rng = random.Random(1)
    for _ in range(5):
        X = dyadic_matrix(rng, 4, 3)
        assert relative_error(model(X), net(as_tensor(X))) <= RTOL
    spline = symattn.compile(model, n=1)
    assert spline.complete and spline.degree == 1


def test_float32_module_reads_the_same_exact_weights_as_its_float64_copy():
    _seeded(1)
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    X = [[sympy.Rational(1, 3), -2]]
    assert from_torch(net)(X) == from_torch(net.double())(X)


def test_bare_relu_needs_its_width():
    with pytest.raises(ShapeError, match="features="):
        from_torch(nn.ReLU())([[1, -1]])
    assert from_torch(nn.ReLU(), features=2)([[1, -1]]) == sympy.Matrix([[1, 0]])


# -- MultiheadAttention ---------------------------------------------------------

MHA_CASES = [
    dict(batch_first=True, bias=True),
    dict(batch_first=False, bias=True),
    dict(batch_first=True, bias=False),
    dict(batch_first=False, bias=False),
]


@pytest.mark.parametrize("options", MHA_CASES, ids=lambda o: f"batch_first={o['batch_first']},bias={o['bias']}")
@pytest.mark.parametrize("mask", [None, "causal", "boolean", "float", "padding"])
def test_softmax_mha_matches_pytorch_float_and_exact(options, mask):
    _seeded(2)
    mha = nn.MultiheadAttention(4, 2, **options).double().eval()
    X = _tokens(3, 3, 4)
    blocked = torch.tensor([[False, True, False], [False, False, True], [True, False, False]])
    ours, theirs = {
        None: ({}, {}),
        "causal": ({"attn_mask": "causal"},
                   {"attn_mask": nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64)}),
        "boolean": ({"attn_mask": blocked}, {"attn_mask": blocked}),
        "float": ({"attn_mask": torch.zeros(3, 3).masked_fill(blocked, float("-inf"))},
                  {"attn_mask": torch.zeros(3, 3, dtype=torch.float64).masked_fill(blocked, float("-inf"))}),
        "padding": ({"key_padding_mask": torch.tensor([[False, False, True]])},
                    {"key_padding_mask": torch.tensor([[False, False, True]])}),
    }[mask]
    model = from_torch(mha, n=3, **ours)
    reference = _mha_reference(mha, X, X, X, **theirs)
    assert relative_error(model.evaluate(X.numpy(), mode="float"), reference) <= RTOL
    assert relative_error(model(X.numpy()), reference) <= RTOL


def test_boolean_mask_true_means_removed_in_pytorch_and_kept_in_symattn():
    mha = nn.MultiheadAttention(2, 1).eval()
    blocked = torch.tensor([[False, True], [False, False]])
    heads = from_torch(mha, attn_mask=blocked).model.heads
    assert heads[0].mask == ((True, False), (True, True))
    assert from_torch(mha, attn_mask="causal").model.heads[0].mask == "causal"


def test_mha_weights_map_to_heads_and_output_projection():
    _seeded(4)
    mha = nn.MultiheadAttention(4, 2).eval()
    model = from_torch(mha).model
    assert isinstance(model, MultiHeadAttention) and len(model.heads) == 2
    W = mha.in_proj_weight.detach()
    head1 = model.heads[1]
    # exact: entry by entry, PyTorch's x @ W.T means Q = W_q[head rows].T
    for i in range(4):
        for j in range(2):
            assert head1.Q[i, j] == sympy.Rational(*W[2 + j, i].double().item().as_integer_ratio())
            assert head1.K[i, j] == sympy.Rational(*W[4 + 2 + j, i].double().item().as_integer_ratio())
    assert head1.scale == 1 / sympy.sqrt(2)
    assert model.W_O == sympy.Matrix(4, 4, lambda i, j: sympy.Rational(
        *mha.out_proj.weight[j, i].double().item().as_integer_ratio()))


def test_mha_with_kdim_vdim_reads_key_and_value_side_by_side():
    _seeded(5)
    mha = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, batch_first=True).double().eval()
    Y, K, V = _tokens(6, 2, 4), _tokens(7, 3, 3), _tokens(8, 3, 5)
    model = from_torch(mha)
    assert model.input_names == ("y", "z") and "[key | value]" in model.description
    reference = _mha_reference(mha, Y, K, V)
    Z = torch.cat([K, V], dim=1).numpy()
    assert relative_error(model.evaluate(Y.numpy(), Z, mode="float"), reference) <= RTOL
    assert relative_error(model(Y.numpy(), Z), reference) <= RTOL


def test_softmax_mha_is_smooth_symbolic_and_not_compiled():
    mha = nn.MultiheadAttention(2, 1, bias=False).double().eval()
    model = from_torch(mha)
    expr = model.symbolic(n=2)
    assert expr.has(sympy.exp) and expr.has(sympy.sqrt(2))
    X = [[1, sympy.Rational(1, 2)], [-1, 2]]
    values = {symattn.input_symbol("x", i, j): X[i][j] for i in range(2) for j in range(2)}
    assert relative_error(expr.xreplace(values), model(X)) < 1e-25
    with pytest.raises(NotASplineError):
        symattn.compile(model, n=2)
    assert "not a spline" in model.description
    with pytest.raises(NotASplineError, match="softmax"):   # head_dim 4: the scale 1/2 is rational
        symattn.compile(from_torch(nn.MultiheadAttention(4, 1).eval()), n=2)


def test_relu_option_is_relu_attention_with_the_same_weights():
    """A different model: checked against the ReLU formula written out with PyTorch's weights."""
    _seeded(9)
    mha = nn.MultiheadAttention(4, 1, bias=True).double().eval()   # head_dim 4: scale 1/2 is rational
    model = from_torch(mha, activation="relu")
    assert "different model" in model.description
    X = _tokens(10, 3, 4)
    Wq, Wk, Wv = mha.in_proj_weight.split(4)
    bq, bk, bv = mha.in_proj_bias.split(4)
    q, k, v = X @ Wq.T + bq, X @ Wk.T + bk, X @ Wv.T + bv
    reference = mha.out_proj(torch.relu(q @ k.T / 2) @ v)
    assert relative_error(model.evaluate(X.numpy(), mode="float"), reference) <= RTOL
    assert relative_error(model(X.numpy()), reference) <= RTOL


def test_relu_attention_from_mha_compiles():
    _seeded(11)
    mha = nn.MultiheadAttention(2, 1, bias=False).eval()
    with pytest.raises(NotASplineError, match="irrational"):
        symattn.compile(from_torch(mha, activation="relu"), n=2)
    spline = symattn.compile(from_torch(mha, activation="relu", scale=1), n=2)
    assert spline.complete and spline.degree == 3
    X = [[sympy.Rational(1, 2), -1], [2, sympy.Rational(1, 3)]]
    assert spline(X) == from_torch(mha, activation="relu", scale=1)(X)


@pytest.mark.parametrize("flag", ["add_bias_kv", "add_zero_attn"])
def test_extra_key_value_tokens_are_refused(flag):
    mha = nn.MultiheadAttention(2, 1, **{flag: True}).eval()
    with pytest.raises(UnsupportedOperationError, match=flag):
        from_torch(mha)


def test_training_mode_dropout_is_refused_and_eval_is_read():
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.1)
    with pytest.raises(UnsupportedOperationError, match=r"\.eval\(\)"):
        from_torch(layer)
    assert isinstance(from_torch(layer.eval()).model, EncoderBlock)
    assert isinstance(from_torch(nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)), ImportedModel)


def test_additive_float_mask_that_is_a_bias_is_refused():
    mha = nn.MultiheadAttention(2, 1).eval()
    with pytest.raises(UnsupportedOperationError, match="bias"):
        from_torch(mha, attn_mask=torch.tensor([[0.0, 0.5], [0.0, 0.0]]))


# -- Transformer layers ------------------------------------------------------

@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_with_norms_matches_pytorch(norm_first, batch_first):
    _seeded(12)
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.1, norm_first=norm_first,
                                       batch_first=batch_first).double().eval()
    model = from_torch(layer)
    assert model.model.norm_first == norm_first and isinstance(model.model.norm[0], LayerNorm)
    for seed in (13, 14):
        X = _tokens(seed, 3, 4)
        out = layer(X[None] if batch_first else X[:, None])
        reference = out[0] if batch_first else out[:, 0]
        assert relative_error(model.evaluate(X.numpy(), mode="float"), reference) <= RTOL
    with pytest.raises(NotASplineError):
        symattn.compile(model, n=3)


def test_encoder_layer_with_causal_mask_matches_pytorch():
    _seeded(15)
    layer = nn.TransformerEncoderLayer(4, 1, 6, dropout=0.0, batch_first=True).double().eval()
    X = _tokens(16, 3, 4)
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64)
    reference = layer(X[None], src_mask=mask)[0]
    assert relative_error(from_torch(layer, attn_mask="causal").evaluate(X.numpy(), mode="float"),
                          reference) <= RTOL


def test_drop_norms_says_so_and_compiles_with_relu_attention():
    _seeded(17)
    layer = nn.TransformerEncoderLayer(2, 1, 2, dropout=0.0).eval()
    model = from_torch(layer, drop_norms=True, activation="relu", scale=1)
    assert model.model.norm == (None, None)
    assert "norm1, TransformerEncoderLayer.norm2 are dropped" in model.description
    assert "dropped" in repr(model)
    spline = symattn.compile(model, n=1, budget=60)
    X = [[sympy.Rational(3, 4), -2]]
    assert spline(X) == model(X)


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_matches_pytorch(norm_first):
    _seeded(18)
    layer = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, norm_first=norm_first, batch_first=True).double().eval()
    Y, Z = _tokens(19, 2, 4), _tokens(20, 3, 4)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(2, dtype=torch.float64)
    reference = layer(Y[None], Z[None], tgt_mask=tgt_mask)[0]
    model = from_torch(layer, attn_mask="causal")
    assert model.input_names == ("y", "z")
    assert relative_error(model.evaluate(Y.numpy(), Z.numpy(), mode="float"), reference) <= RTOL


def test_encoder_stack_with_final_norm_matches_pytorch():
    _seeded(21)
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=True)
    stack = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4), enable_nested_tensor=False).double().eval()
    X = _tokens(22, 3, 4)
    model = from_torch(stack)
    assert relative_error(model.evaluate(X.numpy(), mode="float"), stack(X[None])[0]) <= RTOL


def test_gelu_feedforward_is_refused_naming_the_activation():
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu").eval()
    with pytest.raises(UnsupportedOperationError, match=r"TransformerEncoderLayer\.activation: gelu"):
        from_torch(layer)


def test_description_names_source_and_weights():
    model = from_torch(nn.Linear(2, 2))
    assert model.description.startswith("from nn.Linear as Linear")
    assert "exact binary rationals of the stored float32 values" in model.description
    assert "1/10" in str(from_torch(_linear_with(0.1), rationalize="decimal")([[1]]))


def _linear_with(value: float) -> "nn.Linear":
    lin = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        lin.weight.fill_(value)
    return lin


def test_compile_of_imported_relu_network_matches_torch_everywhere():
    """Zaslavsky: 4 generic lines in the plane give 1 + 4 + 6 = 11 regions."""
    _seeded(23)
    net = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    model = from_torch(net)
    spline = symattn.compile(model, n=1)
    assert spline.complete and len(spline) == 11
    rng = random.Random(24)
    for _ in range(10):
        X = dyadic_matrix(rng, 1, 2)
        assert relative_error(spline(X), net(as_tensor(X))) <= RTOL
    assert np.isfinite(relative_error(spline(X), net(as_tensor(X))))
