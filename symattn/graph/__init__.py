"""The expression graph: schema, builder, tracing."""

from . import nodes
from .graph import ExpressionGraph, input_symbol, input_symbols
from .trace import trace

__all__ = ["nodes", "ExpressionGraph", "input_symbol", "input_symbols", "trace"]
