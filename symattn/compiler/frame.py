"""The frame of a spline: its variables, parameters, polynomial ring and symbolic inputs."""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..graph.graph import ExpressionGraph, input_symbols
from ..semialg.poly import polynomial_ring

__all__ = ["spline_frame"]


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
