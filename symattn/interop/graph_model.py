"""A module made from an expression graph: traced models that are not module trees.

The torch.fx importer turns an arbitrary ``forward`` into graph nodes; this
module wraps the result so it is traceable, callable and compilable like any
other model.  Tracing it replays the stored nodes into the caller's
:class:`~symattn.graph.builder.GraphBuilder` (under the caller's path
prefix), so it also nests inside blocks and :class:`Sequential`.

>>> from symattn.nn import FeedForward
>>> g = FeedForward([[1, -1]], None, [[1], [1]], None).trace(n=2)
>>> model = GraphModel(g)
>>> model([[-3], ["1/2"]])               # |x| per token
Matrix([
[  3],
[1/2]])
>>> model.trace(n=3)
Traceback (most recent call last):
...
symattn.errors.ShapeError: GraphModel: the graph was built for 2 tokens of x, not 3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import ShapeError
from ..graph import nodes as N
from ..graph.builder import GraphBuilder
from ..graph.graph import ExpressionGraph
from ..nn.base import Module, join

__all__ = ["GraphModel", "replay"]

#: op -> how to re-create the node with the builder's public methods
_REPLAY: dict[str, Callable[..., int]] = {
    N.MATMUL: lambda b, xs, a, p: b.matmul(xs[0], xs[1], p),
    N.ADD: lambda b, xs, a, p: b.add(xs[0], xs[1], p),
    N.TRANSPOSE: lambda b, xs, a, p: b.transpose(xs[0], p),
    N.SCALE: lambda b, xs, a, p: b.scale(xs[0], a[N.FACTOR], p),
    N.MASK_OP: lambda b, xs, a, p: b.mask(xs[0], a[N.MASK], a[N.FILL], p),
    N.RELU: lambda b, xs, a, p: b.relu(xs[0], p),
    N.SOFTMAX: lambda b, xs, a, p: b.softmax(xs[0], p),
    N.SOFTPLUS: lambda b, xs, a, p: b.softplus(xs[0], a[N.BETA], p),
    N.CONCAT: lambda b, xs, a, p: b.concat(xs, a[N.AXIS], p),
    N.LAYERNORM: lambda b, xs, a, p: b.layernorm(xs[0], a[N.EPS], p, *xs[1:]),
}


def replay(graph: ExpressionGraph, b: GraphBuilder, inputs: dict[str, int], prefix: str = "") -> int:
    """Add ``graph``'s nodes to ``b`` with its inputs bound to ``inputs``; return the output node.

    Node paths are prefixed with ``prefix``.  Hash-consing in the builder
    merges nodes the caller already has.
    """
    new: dict[int, int] = {}
    for v in graph.order:
        a = graph.attrs(v)
        op, path = a[N.OP], join(prefix, a[N.PATH]) if a[N.PATH] else prefix
        if op == N.INPUT:
            new[v] = inputs[a[N.NAME]]
        elif op == N.WEIGHT:
            new[v] = b.weight(a[N.VALUE], path)
        else:
            new[v] = _REPLAY[op](b, [new[u] for u in a[N.INPUTS]], a, path)
    return new[graph.output]


@dataclass(frozen=True, eq=False)
class GraphModel(Module):
    """A model given by an :class:`ExpressionGraph` with fixed token counts.

    The inputs and their shapes are the graph's; tracing for other token
    counts raises :class:`~symattn.errors.ShapeError`.  ``n`` (and ``m``)
    may be left out of ``trace``/``compile``: the graph's counts are used.
    """

    graph: ExpressionGraph

    @property
    def input_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.graph.inputs)

    def input_features(self) -> dict[str, int]:
        return {name: self.graph.input_shape(name)[1] for name in self.graph.inputs}

    def tokens(self, n: int | None, m: int | None) -> dict[str, int]:
        given = {"x": n, "z": n, "y": m}
        out = {}
        for name in self.graph.inputs:
            rows = self.graph.input_shape(name)[0]
            if given[name] is not None and given[name] != rows:
                raise ShapeError("GraphModel", f"the graph was built for {rows} tokens of {name}, not {given[name]}")
            out[name] = rows
        return out

    def build(self, b: GraphBuilder, args, path: str) -> int:
        for name, node in zip(self.input_names, args):
            have, want = b.g.nodes[node][N.SHAPE], self.graph.input_shape(name)
            if tuple(have) != tuple(want):
                raise ShapeError(path or "GraphModel", f"input {name} is {have[0]}×{have[1]}, the graph needs "
                                 f"{want[0]}×{want[1]}")
        return replay(self.graph, b, dict(zip(self.input_names, args)), path)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}: {'×'.join(map(str, self.graph.input_shape(k)))}" for k in self.graph.inputs)
        return f"GraphModel({len(self.graph)} nodes; {shapes} -> {'×'.join(map(str, self.graph.shape))})"
