"""``compile``: model → graph → checked graph → case split → :class:`Spline`.

Each stage is a named function; this module only strings them together.
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..errors import NotASplineError
from ..graph import nodes as N
from ..graph.graph import ExpressionGraph, input_symbols
from ..interpret.matrix_rules import SMOOTH_HINTS, irrational_scale_hint
from ..nn.trace import trace
from ..semialg.oracle import Oracle
from ..semialg.poly import polynomial_ring
from ..spline import Piece, PieceSource, Spline
from .casesplit import Budget, CaseSplitter
from ..semialg.pool import SamplePool

__all__ = ["compile", "compile_graph", "check_spline_ops", "default_samples", "spline_frame"]

#: The oracle passes over the branches no pool point lies in.  Those are mostly
#: empty, so the first pass goes straight to proofs (syntactic, linear, z3 with
#: short limits; a z3 model still becomes an exact witness).  The second also
#: searches for witnesses (lines, samples, ascent); the later ones make the
#: long calls on the decision portfolio (z3, yices 2 and cvc5 side by side,
#: whichever are installed), with longer limits.  Each pass finishes its whole
#: queue before the next starts.
ORACLE_PASSES = (
    dict(z3_timeouts=(0.05, 0.25), samples=0, line_budget=(2, 2), ascent=False),
    dict(z3_timeouts=(1.0,)),
    dict(z3_timeouts=(4.0,), samples=0, line_budget=(2, 2), ascent=False, portfolio=True),
    dict(z3_timeouts=(15.0,), samples=0, line_budget=(2, 2), ascent=False, portfolio=True),
)


def check_spline_ops(graph: ExpressionGraph) -> None:
    """Raise :class:`NotASplineError` at the first node that is not piecewise polynomial.

    Smooth operations are reported before irrational scales: they are the
    more fundamental obstacle.
    """
    for v in graph.order:
        a = graph.attrs(v)
        if a[N.OP] in SMOOTH_HINTS:
            raise NotASplineError(v, a[N.OP], a[N.PATH], SMOOTH_HINTS[a[N.OP]])
    for v in graph.order:
        a = graph.attrs(v)
        if a[N.OP] == N.SCALE and not a[N.FACTOR].is_Rational:
            raise NotASplineError(v, a[N.OP], a[N.PATH], irrational_scale_hint(a[N.FACTOR]))


def relu_entries(graph: ExpressionGraph) -> int:
    """How many scalar ReLUs the graph has."""
    return sum(graph.attrs(v)[N.SHAPE][0] * graph.attrs(v)[N.SHAPE][1] for v in graph.nodes_with_op(N.RELU))


def default_samples(entries: int) -> int:
    """Pool size: grows with the number of ReLU entries, 2,048 to 262,144 points."""
    return min(262_144, 2048 * 2 ** min(entries // 2, 7))


def spline_frame(graph: ExpressionGraph, substitution: Mapping[sympy.Symbol, Any]):
    """``(variables, parameters, ring, symbolic_inputs)`` of the spline of ``graph`` under ``substitution``.

    Variables are the graph's own that survive the substitution, then the
    new ones it brings in (sorted by name); fixed parameters drop out.  The
    inputs are the input matrices as polynomials of that ring.  A spline read
    from a file is rebuilt in the same frame.
    """
    inputs_expr = {name: input_symbols(name, *graph.input_shape(name)).xreplace(substitution)
                   for name in graph.inputs}
    new_symbols: set[sympy.Symbol] = set()
    for mat in inputs_expr.values():
        new_symbols |= mat.free_symbols
    variables = tuple(v for v in graph.variables if v in new_symbols) + tuple(
        sorted(new_symbols - set(graph.variables), key=str))
    parameters = tuple(p for p in graph.parameters if p not in substitution)
    # a constant spline still needs a ring: give it a placeholder generator
    ring = polynomial_ring(variables, parameters) if variables or parameters else polynomial_ring(
        (sympy.Symbol("_unused", real=True),))
    inputs = {name: tuple(tuple(ring.from_expr(e) if e.free_symbols else ring.ground_new(e) for e in row)
                          for row in mat.tolist()) for name, mat in inputs_expr.items()}
    return variables, parameters, ring, inputs


def compile_graph(graph: ExpressionGraph, *, budget: Budget | float | None = None,
                  progress: bool | None = None, substitution: Mapping[sympy.Symbol, Any] | None = None,
                  samples: int | None = None, seed: int = 0, oracle: Oracle | None = None):
    """Case-split a traced graph into its exact :class:`~symattn.spline.Spline`.

    ``substitution`` maps input variables to affine expressions in new
    variables (or constants) and parameters to exact values.
    """
    graph.lint()
    check_spline_ops(graph)
    substitution = dict(substitution or {})
    params = {p: sympy.Rational(substitution[p]) for p in graph.parameters if p in substitution}
    variables, parameters, ring, inputs = spline_frame(graph, substitution)
    samples = default_samples(relu_entries(graph)) if samples is None else samples
    pool = SamplePool.random(ring, samples, seed=seed)
    oracles = [oracle] if oracle is not None else [
        Oracle(ring, seed=seed + k, **options) for k, options in enumerate(ORACLE_PASSES)]
    splitter = CaseSplitter(ring, oracles, pool, Budget.of(budget), progress, params=params)
    result = splitter.run(graph, inputs)
    source = PieceSource(graph, ring, inputs, params)
    pieces = tuple(Piece(leaf.region, pattern=leaf.pattern, source=source) for leaf in result.pieces)
    return Spline(graph=graph, ring=ring, variables=variables, parameters=parameters, pieces=pieces,
                  complete=not result.undecided, undecided=tuple(result.undecided),
                  symbolic_inputs=inputs, substitution=substitution, stats=dict(result.stats, samples=samples))


def compile(model, n: int | None = None, m: int | None = None, budget: Budget | float | None = None,
            progress: bool | None = None, **options):
    """The exact spline of a ReLU model (see :class:`~symattn.spline.Spline`).

    ``budget`` is seconds or a :class:`Budget` (seconds and/or regions);
    when it runs out the partial spline comes back with ``complete=False``.
    ``progress`` shows a status line (default: only in a terminal or notebook).

    >>> from symattn.nn import Attention
    >>> s = compile(Attention([[1]], [[1]], [[1]]), n=2)   # scores x_i x_j: one wall x_0 x_1 = 0
    >>> len(s), s.complete, s.degree
    (2, True, 3)
    """
    graph = model if isinstance(model, ExpressionGraph) else trace(model, n=n, m=m)
    return compile_graph(graph, budget=budget, progress=progress, **options)
