"""Splines of given polynomials through the compiler: max–min forms and sign arrangements.

Both are small expression graphs whose input row holds *polynomials*
instead of variables: :func:`symattn.compile`'s ``substitution`` puts the
polynomial ``p_k`` in input slot k, so the ordinary case split decides the
regions, with exact witnesses and a completeness flag.

* :func:`maxmin_spline`: f = max_i min_j p_ij, as min(a, b) = a − σ(a − b)
  and max(a, b) = a + σ(b − a);
* :func:`arrangement`: σ applied to each of the given polynomials, so the
  regions are the non-empty sign patterns of those walls.

>>> import sympy
>>> from symattn.realize import MaxMin
>>> x = sympy.Symbol("x")
>>> hat = maxmin_spline(MaxMin([[0], [x + 1, 1 - x]], [x]))
>>> hat.complete, sorted({str(p.value[0, 0]) for p in hat.pieces})
(True, ['0', '1 - x', 'x + 1'])
>>> hat({x: sympy.Rational(1, 2)})
Matrix([[1/2]])
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy

from ..graph.builder import GraphBuilder
from ..graph.graph import ExpressionGraph, input_symbols
from ..semialg.poly import PolyElement

__all__ = ["maxmin_spline", "arrangement", "SLOT"]

#: the name of the graph input whose slots hold the polynomials
SLOT = "w"


def _select(b: GraphBuilder, row: int, width: int, k: int, path: str) -> int:
    """The 1×1 node holding slot k of the input row."""
    e = sympy.zeros(width, 1)
    e[k] = 1
    return b.matmul(row, b.weight(e, path), path)


def _minimum(b: GraphBuilder, a: int, c: int, path: str) -> int:
    """min(a, c) = a − σ(a − c)."""
    return b.add(a, b.scale(b.relu(b.add(a, b.scale(c, -1, path), path), path), -1, path), path)


def _maximum(b: GraphBuilder, a: int, c: int, path: str) -> int:
    """max(a, c) = a + σ(c − a)."""
    return b.add(a, b.relu(b.add(c, b.scale(a, -1, path), path), path), path)


def _compile(graph: ExpressionGraph, polys: Sequence[PolyElement], budget: Any):
    from ..compiler.pipeline import compile_graph

    slots = input_symbols(SLOT, 1, len(polys))
    substitution = {s: p.as_expr() for s, p in zip(slots, polys)}
    return compile_graph(graph, budget=budget, progress=False, substitution=substitution)


def maxmin_spline(maxmin, budget: Any = None):
    """The compiled :class:`~symattn.spline.Spline` of a :class:`~symattn.realize.MaxMin`.

    Its variables are the MaxMin's (sorted by name); group i's term j is
    traced under the path ``group{i}.term{j}``.
    """
    terms = list(dict.fromkeys(p for g in maxmin.groups for p in g))
    index = {p: k for k, p in enumerate(terms)}
    b = GraphBuilder()
    row = b.input(SLOT, (1, len(terms)))
    best = None
    for i, group in enumerate(maxmin.groups):
        low = _select(b, row, len(terms), index[group[0]], f"group{i}.term0")
        for j, p in enumerate(group[1:], start=1):
            low = _minimum(b, low, _select(b, row, len(terms), index[p], f"group{i}.term{j}"), f"group{i}.term{j}")
        best = low if best is None else _maximum(b, best, low, f"group{i}")
    return _compile(b.finish(best), terms, budget)


def arrangement(walls: Sequence[PolyElement], budget: Any = None):
    """The spline of σ(w_1), …, σ(w_K): its regions are the sign patterns of the walls.

    >>> import sympy
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
    >>> len(arrangement([X, Y, X + Y - 1]).pieces)     # three lines in general position
    7
    """
    b = GraphBuilder()
    row = b.input(SLOT, (1, len(walls)))
    return _compile(b.finish(b.relu(row, "walls")), walls, budget)
