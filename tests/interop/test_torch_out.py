"""to_torch: every model of the shared case table, batches, and round trips through from_torch."""

from __future__ import annotations

import random

import pytest
import sympy

from cases import CASES
from symattn import ExpressionGraph
from symattn.interop import from_torch, to_torch
from symattn.nn import Attention, FeedForward

from .support import RTOL, as_tensor, dyadic_matrix, relative_error, torch

nn = torch.nn


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_exported_module_agrees_with_the_exact_interpreter(case):
    model = case.build()
    net = to_torch(model)
    for seed in (0, 1):
        inputs = case.inputs(random.Random(seed))
        exact = model(*inputs.values())
        ours = net(*(as_tensor(rows) for rows in inputs.values()))
        assert ours.dtype == torch.float64
        assert relative_error(ours, exact) <= RTOL


def test_a_batch_is_the_stack_of_its_sequences():
    model = FeedForward([[1, -1]], [0, "1/2"], [[1], [1]], None)
    net = to_torch(model)
    X = torch.tensor([[[1.0], [-2.0]], [[0.25], [3.0]]], dtype=torch.float64)
    batched = net(X)
    assert torch.equal(batched[0], net(X[0])) and torch.equal(batched[1], net(X[1]))


def test_an_expression_graph_exports_for_its_own_token_count():
    graph = Attention([[1]], [[1]], [[1]], mask="causal").trace(n=2)
    assert isinstance(graph, ExpressionGraph)
    net = to_torch(graph)
    assert net(torch.tensor([[1.0], [2.0]])).tolist() == [[1.0], [10.0]]
    with pytest.raises(ValueError, match="2 tokens"):
        net(torch.ones(3, 1))


def test_symbolic_parameters_need_values():
    a = sympy.Symbol("a")
    net = to_torch(FeedForward([[a]], None, [[1]], None))
    with pytest.raises(ValueError, match="params="):
        net(torch.ones(1, 1))
    assert to_torch(FeedForward([[a]], None, [[1]], None), params={a: 2})(torch.ones(1, 1)).item() == 2.0


# -- round trips: to_torch(from_torch(m)) computes what m computes --------------------

def _round_trip_error(module, *inputs, **options) -> float:
    back = to_torch(from_torch(module, **options))
    return relative_error(back(*inputs), module(*(x[None] for x in inputs))[0])


def test_round_trip_of_multihead_attention():
    torch.manual_seed(40)
    mha = nn.MultiheadAttention(4, 2, batch_first=True).double().eval()
    X = torch.randn(3, 4, dtype=torch.float64)
    back = to_torch(from_torch(mha))
    assert relative_error(back(X), mha(X[None], X[None], X[None], need_weights=False)[0][0]) <= RTOL


@pytest.mark.parametrize("norm_first", [False, True])
def test_round_trip_of_encoder_and_decoder_layers(norm_first):
    torch.manual_seed(41)
    enc = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=True, norm_first=norm_first).double().eval()
    dec = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, batch_first=True, norm_first=norm_first).double().eval()
    X, Y = torch.randn(3, 4, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    assert _round_trip_error(enc, X) <= RTOL
    assert _round_trip_error(dec, Y, X) <= RTOL


def test_round_trip_of_a_relu_network_on_a_batch():
    torch.manual_seed(42)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    X = torch.randn(5, 2, 3, dtype=torch.float64)
    assert relative_error(to_torch(from_torch(net))(X), net(X)) <= RTOL


def test_round_trip_of_an_fx_traced_module():
    from .test_fx import ReLUAttentionBlock

    torch.manual_seed(43)
    block = ReLUAttentionBlock(causal=True).double().eval()
    X = as_tensor(dyadic_matrix(random.Random(44), 2, 2))
    assert _round_trip_error(block, X, n=2) <= RTOL
