r"""How an :class:`~symattn.graph.ExpressionGraph` prints: one equation per node.

Node ``k`` is written :math:`v_{k}`; the input nodes are the matrices
:math:`X`, :math:`Y`, :math:`Z` and small weights are shown in full.  Each
line ends with the node's shape and module path.

>>> import sympy
>>> from symattn.nn import Attention
>>> g = Attention([[1]], [[1]], [[1]]).trace(n=2)
>>> print(sympy.latex(g))
\begin{aligned}
v_{0} &= X && 2 \times 1 \\
v_{1} &= \left[\begin{matrix}1\end{matrix}\right] && 1 \times 1 \\
v_{2} &= v_{0} v_{1} && 2 \times 1 \\
v_{3} &= v_{2}^{\top} && 1 \times 2 \\
v_{4} &= v_{2} v_{3} && 2 \times 2 \\
v_{5} &= \sigma\left(v_{4}\right) && 2 \times 2 \\
v_{6} &= v_{5} v_{2} && 2 \times 1 \quad\text{(output)}
\end{aligned}
"""

from __future__ import annotations

from ..graph import nodes as N
from ..graph.graph import ExpressionGraph
from ..graph.notation import node_latex
from .latex import text
from ..printable import LATEX, TEXT, formatter

__all__ = ["node_tex"]

def node_tex(graph: ExpressionGraph, v: int, printer) -> str:
    """The right-hand side of node ``v``'s equation (:data:`symattn.graph.notation.NOTATION`)."""
    a = graph.attrs(v)
    return node_latex(a, [f"v_{{{u}}}" for u in a[N.INPUTS]], printer)


@formatter(ExpressionGraph, LATEX)
def graph_latex(graph: ExpressionGraph, printer) -> str:
    lines = []
    for v in graph.order:
        a = graph.attrs(v)
        rows, cols = a[N.SHAPE]
        where = f"{rows} \\times {cols}"
        if a[N.PATH]:
            where += f" \\quad {text(a[N.PATH])}"
        if v == graph.output:
            where += r" \quad\text{(output)}"
        lines.append(f"v_{{{v}}} &= {node_tex(graph, v, printer)} && {where}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


@formatter(ExpressionGraph, TEXT)
def graph_text(graph: ExpressionGraph, printer) -> str:
    return ExpressionGraph.__str__(graph)
