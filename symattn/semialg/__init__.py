"""Exact semialgebraic feasibility: polynomial rings, regions with witnesses, the oracle.

>>> from sympy import symbols
>>> from symattn.semialg import polynomial_ring, Oracle, Feasible, Region
>>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> conds = [(X*Y - 1, 1), (X + Y, -1)]          # xy > 1 and x + y < 0
>>> res = Oracle(R).decide(conds)
>>> region = res.region(conds)                    # re-checks the witness exactly
>>> region.contains(res.witness)
True
"""
from .poly import (IntPoly, PolyElement, PolyRing, compile_poly, constant_sign, evaluate,
                   is_constant, is_nonnegative, is_positive, normalize_condition,
                   polynomial_ring, restrict_to_line, ring_parameters, ring_variables)
from .region import Condition, Region, UndecidedCase, Witness, check_conditions
from .oracle import Decision, Feasible, Infeasible, Oracle, Undecided

__all__ = [
    "PolyRing", "PolyElement", "IntPoly", "polynomial_ring", "ring_variables",
    "ring_parameters", "evaluate", "restrict_to_line", "is_constant", "constant_sign",
    "normalize_condition", "is_nonnegative", "is_positive", "compile_poly",
    "Condition", "Region", "Witness", "UndecidedCase", "check_conditions",
    "Oracle", "Feasible", "Infeasible", "Undecided", "Decision",
]
