"""A picture of an expression graph: nodes in topological layers, inputs on the left.

Each node is a box labelled with its id, op and shape, coloured by op; the
title names the model and its input and output shapes.  The layout puts
node ``v`` in the column of its longest path from an input
(:func:`networkx.topological_generations`), so data flows left to right.

>>> from symattn.nn import Attention
>>> fig = draw_graph(Attention([[1]], [[1]], [[1]]).trace(n=2))
>>> fig.axes[0].get_title()
'Attention traced for x: 2×1 → 2×1 (7 nodes)'
"""

from __future__ import annotations

import networkx as nx

from ..graph import nodes as N
from ..graph.graph import ExpressionGraph
from .figures import Picture, new_figure

__all__ = ["draw_graph", "OP_COLOURS"]

#: fill colour per op
OP_COLOURS = {
    N.INPUT: "#9ecae1", N.WEIGHT: "#d9d9d9", N.MATMUL: "#fdd0a2", N.ADD: "#c7e9c0",
    N.TRANSPOSE: "#fdd0a2", N.SCALE: "#fdd0a2", N.MASK_OP: "#dadaeb", N.RELU: "#fc9272",
    N.SOFTMAX: "#fc9272", N.SOFTPLUS: "#fc9272", N.CONCAT: "#c7e9c0", N.LAYERNORM: "#bcbddc",
}


def _shape(graph: ExpressionGraph, v: int) -> str:
    return "×".join(map(str, graph.attrs(v)[N.SHAPE]))


def draw_graph(graph: ExpressionGraph, ax=None, with_paths: bool = False) -> Picture:
    """Draw ``graph``; ``with_paths`` adds each node's module path to its label."""
    layers = list(nx.topological_generations(graph.nx))
    pos = {}
    for x, layer in enumerate(layers):
        for y, v in enumerate(sorted(layer)):
            pos[v] = (x, -(y - (len(layer) - 1) / 2))
    if ax is None:
        fig = new_figure(figsize=(max(6.0, 1.3 * len(layers)), max(3.5, 0.8 * max(map(len, layers)))))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    nx.draw_networkx_edges(graph.nx, pos, ax=ax, arrows=True, arrowsize=8, edge_color="#888888",
                           node_size=900, width=0.8)
    for v in graph.order:
        a = graph.attrs(v)
        label = f"{v}: {a[N.OP]}\n{_shape(graph, v)}"
        if with_paths and a[N.PATH]:
            label += f"\n{a[N.PATH]}"
        edge = "black" if v == graph.output else "#555555"
        ax.text(*pos[v], label, ha="center", va="center", fontsize=7,
                bbox=dict(boxstyle="round,pad=0.3", fc=OP_COLOURS.get(a[N.OP], "white"), ec=edge,
                          lw=1.6 if v == graph.output else 0.6))
    ax.set_axis_off()
    ax.margins(0.08)
    model = type(graph.model).__name__ if graph.model is not None else "graph"
    inputs = ", ".join(f"{k}: {_shape(graph, v)}" for k, v in graph.inputs.items())
    ax.set_title(f"{model} traced for {inputs} → {_shape(graph, graph.output)} ({len(graph)} nodes)")
    return fig
