"""torch.fx import of hand-written modules: compile, then the spline against PyTorch in float64."""

from __future__ import annotations

import inspect
import random

import pytest
import sympy

import symattn
from symattn import UnsupportedOperationError
from symattn.graph import nodes as N
from symattn.interop import GraphModel, from_torch

from .support import RTOL, as_tensor, dyadic_matrix, relative_error, torch

nn, F = torch.nn, torch.nn.functional


class ReLUAttentionBlock(nn.Module):
    """One-head ReLU attention with a residual and a linear readout, as a researcher writes it."""

    def __init__(self, p: int = 2, causal: bool = False):
        super().__init__()
        self.q = nn.Linear(p, p, bias=False)
        self.k = nn.Linear(p, p, bias=False)
        self.v = nn.Linear(p, p, bias=False)
        self.readout = nn.Linear(p, 1)
        self.register_buffer("future", torch.triu(torch.ones(2, 2, dtype=torch.bool), diagonal=1))
        self.causal = causal

    def forward(self, x):
        scores = self.q(x) @ self.k(x).transpose(-2, -1) / 2
        if self.causal:
            scores = scores.masked_fill(self.future, 0.0)
        h = x + F.relu(scores) @ self.v(x)
        return self.readout(h)


@pytest.mark.parametrize("causal", [False, True])
def test_traced_relu_attention_compiles_and_matches_pytorch_at_rational_points(causal):
    torch.manual_seed(30 + causal)
    block = ReLUAttentionBlock(causal=causal).double().eval()
    model = from_torch(block, n=2)
    assert isinstance(model.model, GraphModel) and "torch.fx" in model.description
    spline = symattn.compile(model, budget=60)
    assert spline.complete, spline
    rng = random.Random(31)
    for _ in range(12):
        X = dyadic_matrix(rng, 2, 2)
        ours = spline(X)
        assert ours == model(X)                                   # exact: compile agrees with the interpreter
        assert relative_error(ours, block(as_tensor(X)[None])[0]) <= RTOL
    if causal:  # MATH.md §5: row 0 does not depend on token 1
        x1 = [symattn.input_symbol("x", 1, j) for j in range(2)]
        assert all(not (p.value.row(0).free_symbols & set(x1)) for p in spline.pieces)


def test_the_graph_uses_the_documented_ops():
    block = ReLUAttentionBlock(causal=True).eval()
    graph = from_torch(block, n=2).trace()
    ops = {graph.op(v) for v in graph.order}
    assert {N.MATMUL, N.TRANSPOSE, N.SCALE, N.MASK_OP, N.RELU, N.ADD} <= ops
    (scale,) = [graph.attrs(v)[N.FACTOR] for v in graph.nodes_with_op(N.SCALE)]
    assert scale == sympy.Rational(1, 2)


class SoftmaxWithNorm(nn.Module):
    """Softmax attention over a layer norm, concatenated with the input, with a constant fill."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(2)
        self.proj = nn.Parameter(torch.randn(4, 3))
        self.bias = nn.Parameter(torch.randn(3))
        self.register_buffer("blocked", torch.tensor([[False, True, True], [False, False, True],
                                                      [False, False, False]]))

    def forward(self, x):
        h = self.norm(x)
        scores = torch.matmul(h, h.transpose(1, 2)) * 0.5
        scores = scores.masked_fill(self.blocked, float("-inf"))
        attn = torch.softmax(scores, dim=-1) @ x
        both = torch.cat([attn, F.layer_norm(x - 1.5, (2,))], dim=-1)
        return F.linear(both, self.proj.T, self.bias).contiguous()


def test_smooth_ops_trace_and_match_pytorch_in_float():
    torch.manual_seed(32)
    mod = SoftmaxWithNorm().double().eval()
    X = torch.randn(3, 2, dtype=torch.float64)
    model = from_torch(mod, n=3)
    reference = mod(X[None])[0]
    assert relative_error(model.evaluate(X.numpy(), mode="float"), reference) <= RTOL
    assert relative_error(model(X.numpy()), reference) <= RTOL
    with pytest.raises(symattn.NotASplineError):
        symattn.compile(model)


class MultiheadInside(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(4, 2, batch_first=True)
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        h, _ = self.attn(x, x, x, need_weights=False)
        return self.out(F.relu(h + x))


def test_known_layers_inside_a_traced_forward():
    torch.manual_seed(33)
    mod = MultiheadInside().double().eval()
    X = torch.randn(3, 4, dtype=torch.float64)
    model = from_torch(mod, n=3)
    assert relative_error(model.evaluate(X.numpy(), mode="float"), mod(X[None])[0]) <= RTOL


class WithGelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)

    def forward(self, x):
        h = self.lin(x)
        return F.gelu(h)


def test_unsupported_op_names_the_fx_node_and_its_source_line():
    with pytest.raises(UnsupportedOperationError) as err:
        from_torch(WithGelu(), n=2)
    message = str(err.value)
    line = inspect.getsourcelines(WithGelu.forward)[1] + 2   # the `return F.gelu(h)` line
    assert "fx node 'gelu'" in message
    assert f"test_fx.py:{line} `return F.gelu(h)`" in message


class Hadamard(nn.Module):
    def forward(self, x):
        return x * x


def test_entrywise_product_of_data_is_refused():
    with pytest.raises(UnsupportedOperationError, match="entrywise product"):
        from_torch(Hadamard(), n=2, features=2)


class HeadsSplit(nn.Module):
    def forward(self, x):
        return x.view(1, 2, 2, 1).transpose(1, 2)


def test_reshaping_into_heads_is_refused():
    with pytest.raises(UnsupportedOperationError, match="changes the token matrix|leading dimensions"):
        from_torch(HeadsSplit(), n=2, features=2)


def test_fx_import_needs_the_token_count():
    with pytest.raises(ValueError, match="n="):
        from_torch(ReLUAttentionBlock())


def test_unbatched_example_layout():
    torch.manual_seed(34)
    block = ReLUAttentionBlock().double().eval()
    model = from_torch(block, example=torch.zeros(2, 2, dtype=torch.float64))
    X = [[1, sympy.Rational(-1, 2)], [sympy.Rational(3, 4), 2]]
    assert relative_error(model(X), block(as_tensor(X))) <= RTOL


def test_graph_model_is_fixed_to_its_token_count():
    model = from_torch(ReLUAttentionBlock().eval(), n=2)
    with pytest.raises(symattn.ShapeError, match="2 tokens"):
        model.trace(n=3)


class LayersInside(nn.Module):
    """Known transformer layers as sub-modules of a traced forward, with a mask buffer."""

    def __init__(self, batch_first: bool = True, masked: bool = True):
        super().__init__()
        self.masked = masked
        layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=batch_first)
        self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, batch_first=batch_first, norm_first=True)
        self.register_buffer("causal", nn.Transformer.generate_square_subsequent_mask(3))

    def forward(self, x):
        if not self.masked:
            return self.decoder(x, self.encoder(x))
        memory = self.encoder(x, mask=self.causal)
        return self.decoder(x, memory, tgt_mask=self.causal)


def test_encoder_and_decoder_layers_inside_a_traced_forward():
    torch.manual_seed(35)
    mod = LayersInside().double().eval()
    mod.causal = mod.causal.double()
    X = torch.randn(3, 4, dtype=torch.float64)
    model = from_torch(mod, n=3)
    assert relative_error(model.evaluate(X.numpy(), mode="float"), mod(X[None])[0]) <= RTOL


def test_sequence_first_layers_on_a_batch_are_refused():
    with pytest.raises(UnsupportedOperationError, match="batch_first=False"):
        from_torch(LayersInside(batch_first=False, masked=False).eval(), n=3)


def test_nan_in_a_traced_module_names_the_parameter():
    block = ReLUAttentionBlock().eval()
    with torch.no_grad():
        block.k.weight[1, 0] = float("inf")
    with pytest.raises(symattn.WeightError, match=r"ReLUAttentionBlock\.k\.weight\[1, 0\]: inf"):
        from_torch(block, n=2)


def test_a_scale_can_be_an_exact_algebraic_constant():
    mha = nn.MultiheadAttention(2, 1).eval()
    assert from_torch(mha, scale=sympy.sqrt(3)).model.heads[0].scale == sympy.sqrt(3)
