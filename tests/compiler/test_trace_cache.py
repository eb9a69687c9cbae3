"""A module's cached trace is shared by every compile, so it is read-only."""

from __future__ import annotations

import networkx as nx
import pytest

import symattn
from symattn.graph import nodes as N
from symattn.graph.graph import ExpressionGraph
from symattn.nn import FeedForward


def _relu_node(graph):
    return next(graph.nodes_with_op(N.RELU))


def test_the_cached_trace_cannot_be_changed_by_one_caller():
    net = FeedForward([[1, -1]], None, [[1], [1]], None)            # |x|
    graph = net.trace(n=1)
    with pytest.raises(TypeError):
        graph.nx.nodes[_relu_node(graph)][N.OP] = "identity"         # before: accepted, and cached
    with pytest.raises(nx.NetworkXError):
        graph.nx.add_edge(graph.output, _relu_node(graph))
    with pytest.raises(TypeError):
        graph.inputs["y"] = 0
    again = symattn.compile(net, n=1, progress=False)
    assert net.trace(n=1) is graph and again.complete and len(again) == 2
    assert again([[-3]])[0, 0] == 3


def test_a_copy_is_mutable_and_leaves_the_cache_alone():
    net = FeedForward([[1, -1]], None, [[1], [1]], None)
    graph = net.trace(n=1)
    copy = ExpressionGraph(nx=graph.nx.copy(), inputs=dict(graph.inputs), output=graph.output)
    copy.nx.nodes[_relu_node(copy)][N.OP] = "identity"
    assert graph.op(_relu_node(graph)) == N.RELU
    assert len(symattn.compile(net, n=1, progress=False)) == 2
