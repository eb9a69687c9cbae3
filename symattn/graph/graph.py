"""The expression graph: one networkx DiGraph with a documented node schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

import networkx as nx
import sympy

from ..errors import GraphLintError, ShapeError
from . import nodes as N
from .notation import describe
from ..printable import Printable

__all__ = ["ExpressionGraph", "input_symbol", "input_symbols"]


_SYMBOLS: dict[tuple[str, int, int], sympy.Symbol] = {}


def input_symbol(name: str, i: int, j: int) -> sympy.Symbol:
    """The real variable for entry ``(i, j)`` (0-based) of input ``name``.

    >>> input_symbol("x", 0, 1)
    x[0,1]
    """
    key = (name, i, j)
    if key not in _SYMBOLS:
        _SYMBOLS[key] = sympy.Symbol(f"{name}[{i},{j}]", real=True)
    return _SYMBOLS[key]


def input_symbols(name: str, rows: int, cols: int) -> sympy.ImmutableMatrix:
    """The matrix of variables ``name[i,j]``, row by row."""
    return sympy.ImmutableMatrix(rows, cols, lambda i, j: input_symbol(name, i, j))


@dataclass(eq=False)
class ExpressionGraph(Printable):
    """A traced model: a DAG of matrix operations (schema in :mod:`.nodes`).

    ``inputs`` maps each input name (``x``, ``y``, ``z``) to its node, in the
    order the model's call takes them; ``output`` is the result node.

    >>> from symattn.nn import FeedForward
    >>> g = FeedForward([[1, -1]], [0, 1], [[1], [1]], [0]).trace(n=1)
    >>> g.lint()
    >>> [g.op(v) for v in g.order][:4]
    ['input', 'weight', 'matmul', 'weight']
    >>> g.variables
    (x[0,0],)
    """

    nx: nx.DiGraph
    inputs: dict[str, int]
    output: int
    model: object = field(default=None, repr=False)

    # -- queries -----------------------------------------------------------
    def op(self, node: int) -> str:
        return self.nx.nodes[node][N.OP]

    def attrs(self, node: int) -> dict:
        return self.nx.nodes[node]

    def args(self, node: int) -> tuple[int, ...]:
        return self.nx.nodes[node][N.INPUTS]

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Nodes in a deterministic topological order (ids ascending)."""
        return tuple(sorted(self.nx.nodes))

    @property
    def shape(self) -> tuple[int, int]:
        return self.nx.nodes[self.output][N.SHAPE]

    def input_shape(self, name: str) -> tuple[int, int]:
        return self.nx.nodes[self.inputs[name]][N.SHAPE]

    @cached_property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        """All input variables, input by input, row by row."""
        out: list[sympy.Symbol] = []
        for name, node in self.inputs.items():
            rows, cols = self.input_shape(name)
            out.extend(input_symbol(name, i, j) for i in range(rows) for j in range(cols))
        return tuple(out)

    @cached_property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """The symbolic parameters in the weights, sorted by name."""
        found: set[sympy.Symbol] = set()
        for v in self.nx.nodes:
            a = self.nx.nodes[v]
            if a[N.OP] == N.WEIGHT:
                found |= a[N.VALUE].free_symbols
        return tuple(sorted(found, key=str))

    def nodes_with_op(self, op: str) -> Iterator[int]:
        return (v for v in self.order if self.op(v) == op)

    def __len__(self) -> int:
        return self.nx.number_of_nodes()

    # -- checking ----------------------------------------------------------
    def lint(self) -> None:
        """Check acyclicity, the schema of every node, edges and shapes.

        Raises :class:`~symattn.errors.GraphLintError` on the first problem.
        """
        from .shapes import infer_shape

        g = self.nx
        if not nx.is_directed_acyclic_graph(g):
            raise GraphLintError("the graph has a cycle")
        for v in self.order:
            a = g.nodes[v]
            where = f"node {v} at {a.get(N.PATH) or '<model>'}"
            missing = [k for k in N.COMMON if k not in a]
            if missing:
                raise GraphLintError(f"{where}: missing attributes {missing}")
            op = a[N.OP]
            if op not in N.OPS:
                raise GraphLintError(f"{where}: unknown op {op!r}")
            arities, extra = N.ATTRIBUTES[op]
            args = a[N.INPUTS]
            if len(args) not in arities:
                raise GraphLintError(f"{where}: {op} takes {arities} inputs, has {len(args)}")
            if any(k not in a for k in extra):
                raise GraphLintError(f"{where}: {op} needs attributes {extra}")
            unknown = set(a) - set(N.COMMON) - set(extra)
            if unknown:
                raise GraphLintError(f"{where}: unexpected attributes {sorted(unknown)}")
            if set(g.predecessors(v)) != set(args):
                raise GraphLintError(f"{where}: edges {sorted(g.predecessors(v))} != inputs {args}")
            if any(u >= v for u in args):
                raise GraphLintError(f"{where}: an input id is not smaller than the node id")
            if op == N.WEIGHT and tuple(a[N.VALUE].shape) != tuple(a[N.SHAPE]):
                raise GraphLintError(f"{where}: shape {a[N.SHAPE]} but the weight is {a[N.VALUE].shape}")
            try:
                expected = infer_shape(op, [g.nodes[u][N.SHAPE] for u in args], a, where)
            except ShapeError as e:
                raise GraphLintError(f"{where}: {e}") from None
            if tuple(a[N.SHAPE]) != expected:
                raise GraphLintError(f"{where}: shape {a[N.SHAPE]} but {op} gives {expected}")
        for name, v in self.inputs.items():
            if g.nodes[v][N.OP] != N.INPUT or g.nodes[v][N.NAME] != name:
                raise GraphLintError(f"input {name!r} does not point at its input node")
        if self.output not in g:
            raise GraphLintError("the output node is missing")

    # -- printing ----------------------------------------------------------
    def table(self) -> str:
        """A readable table: id, op, shape, inputs, module path, detail."""
        rows = [("id", "op", "shape", "inputs", "path", "detail")]
        for v in self.order:
            a = self.nx.nodes[v]
            rows.append(
                (
                    str(v) + ("*" if v == self.output else ""),
                    a[N.OP],
                    "×".join(map(str, a[N.SHAPE])),
                    ",".join(map(str, a[N.INPUTS])),
                    a[N.PATH] or "-",
                    describe(a),
                )
            )
        widths = [max(len(r[k]) for r in rows) for k in range(6)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __str__(self) -> str:
        head = ", ".join(f"{k}: {'×'.join(map(str, self.input_shape(k)))}" for k in self.inputs)
        return (
            f"ExpressionGraph({len(self)} nodes; inputs {head}; "
            f"output {'×'.join(map(str, self.shape))}; * marks the output)\n" + self.table()
        )

    def __repr__(self) -> str:
        return f"<ExpressionGraph: {len(self)} nodes, output {self.shape}>"

    def draw(self, ax=None, with_paths: bool = False):
        """A matplotlib picture of the graph (:func:`symattn.export.draw.draw_graph`)."""
        from ..export.draw import draw_graph
        return draw_graph(self, ax=ax, with_paths=with_paths)

