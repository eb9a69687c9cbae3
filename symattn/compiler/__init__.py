"""The case-splitting compiler: traced graph → exact spline."""

from .casesplit import Budget, UndecidedCase
from .pipeline import check_spline_ops, compile, compile_graph

__all__ = ["Budget", "UndecidedCase", "compile", "compile_graph", "check_spline_ops"]
