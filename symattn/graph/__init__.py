"""The expression graph: schema, builder, lint.  Pure IR: it imports nothing above it.

Tracing a module into a graph is :func:`symattn.nn.trace`."""

from . import nodes
from .graph import ExpressionGraph, input_symbol, input_symbols

__all__ = ["nodes", "ExpressionGraph", "input_symbol", "input_symbols"]
