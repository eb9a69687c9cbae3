"""The baseline the benchmarks compare against.

A plain depth-first case split over the same graph that decides every
branch with one z3 QF_NRA check (2 s limit): no sample pool, no exact
witnesses, no line search, no dehomogenisation.  A branch z3 calls sat is
entered; unsat is pruned; unknown is counted as undecided.
"""

from __future__ import annotations

import numpy as np

from symattn.compiler.casesplit import CaseSplitter, LeafPiece
from symattn.semialg.region import UndecidedCase
from symattn.semialg.poly import compile_poly
from symattn.semialg.z3backend import Z3Backend


class BaselineSplitter(CaseSplitter):
    """:class:`CaseSplitter` whose only decision procedure is z3 nlsat."""

    timeout = 2.0

    def __init__(self, ring, pool, budget=None):
        super().__init__(ring, oracles=[_NoOracle()], pool=pool, budget=budget, progress=False)
        self.z3 = Z3Backend(ring.ngens)

    def _branch_points(self, conditions, st, inside):
        terms = []
        for h, s in conditions:
            ip = compile_poly(h)
            terms.append(([(c, mon) for c, mon, _ in ip.terms], s if ip.scale > 0 else -s))
        status, _ = self.z3.check(terms, logic="QF_NRA", timeout=self.timeout, deadline=self.deadline)
        if status == "sat":
            return st.idx
        if status != "unsat":
            self.result.undecided.append(UndecidedCase(conditions, "z3 unknown"))
        return None

    def _leaf(self, st) -> None:  # no witness: count the branch only
        self.result.pieces.append(LeafPiece(None, st.pattern))


class _NoOracle:
    stats: dict = {}
