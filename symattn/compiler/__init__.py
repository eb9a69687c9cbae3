"""The case-splitting compiler: traced graph → exact spline, and its restrictions."""

from ..semialg.region import UndecidedCase
from .casesplit import Budget
from .coverage import CoverageWarning
from .pipeline import check_spline_ops, compile, compile_graph
from .reprove import ClaimNotReproved, ClaimRefuted, reprove_complete
from .restrict import restrict

__all__ = ["Budget", "UndecidedCase", "compile", "compile_graph", "check_spline_ops", "restrict",
           "CoverageWarning", "ClaimNotReproved", "ClaimRefuted", "reprove_complete"]
