"""Exact emptiness questions asked while certifying and verifying.

Everything here expects *empty* as the usual answer (``g ≥ g_c on a
cell``, ``the target equals the piece on a region``), so the oracle runs
without its float sampling and line walks, which only help to find points:
it goes from the syntactic checks straight to exact linear arithmetic or
z3 nlsat.  The answers are the oracle's own: :class:`Infeasible` (a proof),
:class:`Feasible` (with an exact witness) or :class:`Undecided`.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x = sympy.Symbol("x"); R = polynomial_ring((x,)); X, = R.gens
>>> isinstance(emptiness(R, [(X, 1), (X + 1, -1)]), Infeasible)      # x > 0 and x < -1
True
>>> emptiness(R, [(X, 1), (X - 2, -1)], hint={x: 1}).witness
Witness({x: 1})
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Sequence

from .oracle import Decision, Feasible, Infeasible, Oracle, Undecided
from .poly import PolyRing
from .region import Condition

__all__ = ["Feasible", "Infeasible", "Undecided", "emptiness", "proof_oracle"]


@lru_cache(maxsize=32)
def proof_oracle(ring: PolyRing) -> Oracle:
    """The shared oracle for ``ring``, tuned for proving emptiness."""
    return Oracle(ring, samples=0, line_budget=(0, 0), ascent=False)


def emptiness(ring: PolyRing, conditions: Sequence[Condition], hint: Mapping[Any, Any] | None = None,
              deadline: float | None = None) -> Decision:
    """Is ``{x : s·g(x) > 0 for every (g, s)}`` empty?  Exact, or :class:`Undecided`."""
    return proof_oracle(ring).decide(tuple(conditions), hint=hint, deadline=deadline)
