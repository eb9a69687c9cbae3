"""``restrict``: a spline → the spline of the same graph on an affine subspace.

The substitution is composed with the one the spline already carries, so
restricting twice is restricting once by the composite map, and parameters
fixed earlier stay fixed.  The regions are decided anew by the case split
(:func:`~symattn.compiler.pipeline.compile_graph`): a restriction can merge,
split or empty regions, so nothing of the old list is reused as a proof.

>>> import sympy, symattn
>>> from symattn.nn import Attention
>>> s = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]]), n=2)
>>> x00, x01 = sympy.Symbol("x[0,0]", real=True), sympy.Symbol("x[0,1]", real=True)
>>> r = restrict(restrict(s, {x00: 1}), {x01: 2})
>>> r.variables
(x[1,0], x[1,1])
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import sympy

from ..spline import Spline
from .casesplit import Budget
from .pipeline import compile_graph

__all__ = ["restrict", "affine_substitution", "compose"]


def affine_substitution(variables: Sequence[sympy.Symbol], origin: Mapping,
                        directions: Sequence[Mapping]) -> dict[sympy.Symbol, sympy.Expr]:
    """``v ↦ origin[v] + Σ_k t[k]·directions[k][v]`` for every variable, in new variables ``t[k]``."""
    ts = [sympy.Symbol(f"t[{k}]", real=True) for k in range(len(directions))]
    return {v: sympy.Rational(origin.get(v, 0)) + sum(sympy.Rational(d.get(v, 0)) * t for d, t in zip(directions, ts))
            for v in variables}


def compose(earlier: Mapping[sympy.Symbol, sympy.Expr], later: Mapping[sympy.Symbol, sympy.Expr],
            symbols: Sequence[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Expr]:
    """The substitution "``earlier``, then ``later``" on the graph's own ``symbols``.

    >>> a, b, t = sympy.symbols("a b t")
    >>> compose({a: 1 + t}, {t: 2, b: 3}, (a, b))
    {a: 3, b: 3}
    """
    out = {}
    for s in symbols:
        value = sympy.sympify(earlier.get(s, s)).xreplace(dict(later))
        if value != s:
            out[s] = value
    return out


def restrict(spline: Spline, substitution: Mapping[Any, Any] | None = None, *,
             origin: Mapping | None = None, directions: Sequence[Mapping] = (),
             budget: Budget | float | None = None, progress: bool | None = False, **options: Any) -> Spline:
    """The spline on an affine subspace, with its regions decided anew (see :meth:`Spline.restrict`)."""
    if origin is not None:
        substitution = affine_substitution(spline.variables, origin, directions)
    later = {sympy.sympify(k): sympy.sympify(v) for k, v in (substitution or {}).items()}
    graph = spline.graph
    full = compose(spline.substitution, later, graph.variables + graph.parameters)
    return compile_graph(graph, budget=budget, progress=progress, substitution=full, **options)
