"""An :class:`ExpressionGraph` as plain data: JSON-able lists and exact strings, and back.

Worker processes rebuild the graph from this form, so that what a compile
ships is data, not pickled objects.  Every exact value (weights, scale
factors, mask fills) is written with :func:`sympy.srepr`, which keeps
rationals, algebraic constants and the assumptions of parameter symbols;
:func:`graph_key` is a hash of the data, the same in every process.

>>> from symattn.nn import Attention
>>> g = Attention([[1, 2]], [[1, 0]], [[3]]).trace(n=2)
>>> data = graph_to_data(g)
>>> import json; h = graph_from_data(json.loads(json.dumps(data)))
>>> h.lint(); [h.op(v) for v in h.order] == [g.op(v) for v in g.order]
True
>>> graph_key(h) == graph_key(g)
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import networkx as nx
import sympy

from . import nodes as N
from .graph import ExpressionGraph

__all__ = ["graph_to_data", "graph_from_data", "graph_key"]

#: attributes holding an exact sympy value (a matrix for ``value``)
_EXACT = (N.FACTOR, N.FILL, N.BETA, N.EPS)


def _node_data(attrs) -> dict[str, Any]:
    out: dict[str, Any] = {N.OP: attrs[N.OP], N.SHAPE: list(attrs[N.SHAPE]),
                           N.INPUTS: list(attrs[N.INPUTS]), N.PATH: attrs[N.PATH]}
    for k in N.ATTRIBUTES[attrs[N.OP]][1]:
        v = attrs[k]
        if k == N.VALUE:
            out[k] = [sympy.srepr(e) for e in v]
        elif k in _EXACT:
            out[k] = sympy.srepr(v)
        elif k == N.MASK:
            out[k] = [list(row) for row in v]
        else:
            out[k] = v
    return out


def graph_to_data(graph: ExpressionGraph) -> dict[str, Any]:
    """``{"nodes": [[id, attributes], ...], "inputs": {...}, "output": id}``, JSON-able."""
    return {"nodes": [[v, _node_data(graph.attrs(v))] for v in graph.order],
            "inputs": dict(graph.inputs), "output": graph.output}


def graph_from_data(data: dict[str, Any]) -> ExpressionGraph:
    """The graph :func:`graph_to_data` wrote (the data comes from this package, not from a user)."""
    g = nx.DiGraph()
    for v, a in data["nodes"]:
        attrs: dict[str, Any] = {N.OP: a[N.OP], N.SHAPE: tuple(a[N.SHAPE]), N.INPUTS: tuple(a[N.INPUTS]),
                                 N.PATH: a[N.PATH]}
        for k in N.ATTRIBUTES[a[N.OP]][1]:
            if k == N.VALUE:
                attrs[k] = sympy.ImmutableMatrix(*a[N.SHAPE], [sympy.sympify(e) for e in a[k]])
            elif k in _EXACT:
                attrs[k] = sympy.sympify(a[k])
            elif k == N.MASK:
                attrs[k] = tuple(tuple(bool(b) for b in row) for row in a[k])
            else:
                attrs[k] = a[k]
        g.add_node(v, **attrs)
        for u in set(attrs[N.INPUTS]):
            g.add_edge(u, v)
    return ExpressionGraph(nx=g, inputs=dict(data["inputs"]), output=data["output"])


def graph_key(graph_or_data: ExpressionGraph | dict[str, Any]) -> str:
    """A SHA-256 of the graph's data: equal graphs have equal keys in every process."""
    data = graph_or_data if isinstance(graph_or_data, dict) else graph_to_data(graph_or_data)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
