"""Building an expression graph with hash-consing and shape checks.

Modules trace themselves by calling the methods of a :class:`GraphBuilder`;
each method returns the id of a node.  Identical subexpressions (same op,
same inputs, same attributes) are one node: the first module path that asked
for it is the one recorded.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Sequence

import networkx as nx
import sympy

from . import nodes as N
from .graph import ExpressionGraph
from .shapes import infer_shape


def _key_of(value):
    """A hashable, exact key for an attribute value."""
    if isinstance(value, sympy.MatrixBase):
        return ("matrix", value.shape, tuple(value))
    if isinstance(value, (list, tuple)):
        return tuple(_key_of(v) for v in value)
    return value


def freeze(graph: ExpressionGraph) -> ExpressionGraph:
    """Make ``graph`` read-only in place and return it: no node or edge can be
    added or removed (``networkx.freeze``), and node attributes and the input
    map cannot be changed.  A graph shared between callers (a module's cached
    trace) is frozen, so no caller can change what the next one compiles;
    ``graph.nx.copy()`` gives a mutable copy.

    >>> from symattn.nn import FeedForward
    >>> g = FeedForward([[1]], None, [[1]], None).trace(n=1)
    >>> g.nx.nodes[g.output]["op"] = "relu"
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
    """
    g = graph.nx
    for v in list(g.nodes):
        g._node[v] = MappingProxyType(g._node[v])
    nx.freeze(g)
    graph.inputs = MappingProxyType(dict(graph.inputs))
    return graph


class GraphBuilder:
    """Accumulates nodes; ``finish(output)`` returns the :class:`ExpressionGraph`."""

    def __init__(self) -> None:
        self.g = nx.DiGraph()
        self._memo: dict[tuple, int] = {}
        self.inputs: dict[str, int] = {}

    def _node(self, op: str, inputs: Sequence[int], path: str, **attrs) -> int:
        inputs = tuple(inputs)
        key = (op, inputs, tuple(sorted((k, _key_of(v)) for k, v in attrs.items())))
        found = self._memo.get(key)
        if found is not None:
            return found
        if op in (N.INPUT, N.WEIGHT):
            shape = attrs.pop("shape")
        else:
            shape = infer_shape(op, [self.g.nodes[u][N.SHAPE] for u in inputs], attrs, path)
        v = self.g.number_of_nodes()
        self.g.add_node(v, **{N.OP: op, N.SHAPE: tuple(shape), N.INPUTS: inputs, N.PATH: path}, **attrs)
        for u in set(inputs):
            self.g.add_edge(u, v)
        self._memo[key] = v
        return v

    # -- leaves ------------------------------------------------------------
    def input(self, name: str, shape: tuple[int, int]) -> int:
        v = self._node(N.INPUT, (), "", name=name, shape=tuple(shape))
        self.inputs[name] = v
        return v

    def weight(self, value: sympy.MatrixBase, path: str) -> int:
        value = sympy.ImmutableMatrix(value)
        return self._node(N.WEIGHT, (), path, value=value, shape=value.shape)

    def ones_column(self, rows: int, path: str) -> int:
        return self.weight(sympy.ones(rows, 1), path)

    # -- operations --------------------------------------------------------
    def matmul(self, a: int, b: int, path: str) -> int:
        return self._node(N.MATMUL, (a, b), path)

    def add(self, a: int, b: int, path: str) -> int:
        return self._node(N.ADD, (a, b), path)

    def transpose(self, a: int, path: str) -> int:
        return self._node(N.TRANSPOSE, (a,), path)

    def scale(self, a: int, factor, path: str) -> int:
        if factor == 1:
            return a
        return self._node(N.SCALE, (a,), path, factor=sympy.sympify(factor))

    def mask(self, a: int, mask: Sequence[Sequence[bool]], fill, path: str) -> int:
        mask = tuple(tuple(bool(b) for b in row) for row in mask)
        return self._node(N.MASK_OP, (a,), path, mask=mask, fill=fill)

    def relu(self, a: int, path: str) -> int:
        return self._node(N.RELU, (a,), path)

    def softmax(self, a: int, path: str) -> int:
        return self._node(N.SOFTMAX, (a,), path)

    def softplus(self, a: int, beta, path: str) -> int:
        return self._node(N.SOFTPLUS, (a,), path, beta=sympy.sympify(beta))

    def concat(self, parts: Sequence[int], axis: int, path: str) -> int:
        if len(parts) == 1:
            return parts[0]
        return self._node(N.CONCAT, tuple(parts), path, axis=axis)

    def layernorm(self, a: int, eps, path: str, gamma: int | None = None, beta: int | None = None) -> int:
        args = (a,) if gamma is None else (a, gamma, beta)
        return self._node(N.LAYERNORM, args, path, eps=sympy.sympify(eps))

    def bias(self, a: int, row: sympy.MatrixBase, path: str) -> int:
        """``A + 1 bᵀ``: add the 1×q row ``row`` to every row of ``A``."""
        rows = self.g.nodes[a][N.SHAPE][0]
        return self.add(a, self.matmul(self.ones_column(rows, path), self.weight(row, path), path), path)

    def finish(self, output: int, model=None) -> ExpressionGraph:
        return ExpressionGraph(nx=self.g, inputs=dict(self.inputs), output=output, model=model)
