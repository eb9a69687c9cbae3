r"""How each op is written: one row per op, a text column and a LaTeX column.

The text column is the *detail* of a node in :meth:`ExpressionGraph.table`
(what its attributes say beyond op and shape); the LaTeX column is the
right-hand side of the node's equation :math:`v_k = \dots` when a graph is
printed (:mod:`symattn.export.formats_graph`).  A new op adds one row here.

LaTeX functions take the node's attributes, its argument names
(``v_{3}``) and a sympy printer, and call ``printer._print`` on values, so
they follow the printer's settings; this module imports no printer.

>>> import sympy
>>> from sympy.printing.latex import LatexPrinter
>>> from symattn.graph import nodes as N
>>> attrs = {N.OP: N.SCALE, N.FACTOR: sympy.Rational(1, 2)}
>>> describe(attrs)
'factor=1/2'
>>> node_latex(attrs, ["v_{4}"], LatexPrinter())
'\\frac{1}{2}\\, v_{4}'
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from . import nodes as N

__all__ = ["NOTATION", "describe", "node_latex", "SMALL_WEIGHT"]

#: weights with at most this many entries are written out in LaTeX
SMALL_WEIGHT = 16

Attrs = Mapping[str, Any]
Text = Callable[[Attrs], str]
Latex = Callable[[Attrs, Sequence[str], Any], str]


def _weight_text(a: Attrs) -> str:
    text = str(a[N.VALUE].tolist())
    return text if len(text) <= 40 else text[:37] + "..."


def _weight_latex(a: Attrs, args: Sequence[str], printer) -> str:
    rows, cols = a[N.SHAPE]
    if rows * cols <= SMALL_WEIGHT:
        return printer._print(a[N.VALUE])
    return f"W \\in \\mathbb{{Q}}^{{{rows} \\times {cols}}}"


def _concat_latex(a: Attrs, args: Sequence[str], printer) -> str:
    sep = r" \mid " if a[N.AXIS] == 1 else r" \mathbin{/} "
    return "\\left[" + sep.join(args) + "\\right]"


def _none(a: Attrs) -> str:
    return ""


#: op -> (text detail, LaTeX right-hand side)
NOTATION: dict[str, tuple[Text, Latex]] = {
    N.INPUT: (lambda a: f"{a[N.NAME]}[i,j]", lambda a, args, p: a[N.NAME].upper()),
    N.WEIGHT: (_weight_text, _weight_latex),
    N.MATMUL: (_none, lambda a, args, p: f"{args[0]} {args[1]}"),
    N.ADD: (_none, lambda a, args, p: f"{args[0]} + {args[1]}"),
    N.TRANSPOSE: (_none, lambda a, args, p: f"{args[0]}^{{\\top}}"),
    N.SCALE: (lambda a: f"factor={a[N.FACTOR]}", lambda a, args, p: f"{p._print(a[N.FACTOR])}\\, {args[0]}"),
    N.MASK_OP: (lambda a: f"fill={a[N.FILL]}, kept {sum(map(sum, a[N.MASK]))}",
                lambda a, args, p: f"\\operatorname{{mask}}_{{{p._print(a[N.FILL])}}}\\left({args[0]}\\right)"),
    N.RELU: (_none, lambda a, args, p: f"\\sigma\\left({args[0]}\\right)"),
    N.SOFTMAX: (_none, lambda a, args, p: f"\\operatorname{{softmax}}\\left({args[0]}\\right)"),
    N.SOFTPLUS: (lambda a: f"beta={a[N.BETA]}",
                 lambda a, args, p: f"\\operatorname{{softplus}}_{{{p._print(a[N.BETA])}}}\\left({args[0]}\\right)"),
    N.CONCAT: (lambda a: f"axis={a[N.AXIS]}", _concat_latex),
    N.LAYERNORM: (lambda a: f"eps={a[N.EPS]}",
                  lambda a, args, p: f"\\operatorname{{LN}}_{{{p._print(a[N.EPS])}}}\\left({', '.join(args)}\\right)"),
}
assert set(NOTATION) == N.OPS, "every op of the schema has its notation"


def describe(attrs: Attrs) -> str:
    """The text detail of a node (empty for ops whose attributes say nothing more)."""
    return NOTATION[attrs[N.OP]][0](attrs)


def node_latex(attrs: Attrs, args: Sequence[str], printer) -> str:
    """The LaTeX right-hand side of a node whose arguments are written ``args``."""
    return NOTATION[attrs[N.OP]][1](attrs, args, printer)
