"""The case-splitting compiler: traced graph → exact spline, and its restrictions."""

from ..semialg.region import UndecidedCase
from .casesplit import Budget
from .pipeline import check_spline_ops, compile, compile_graph
from .restrict import restrict

__all__ = ["Budget", "UndecidedCase", "compile", "compile_graph", "check_spline_ops", "restrict"]
