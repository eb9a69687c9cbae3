"""Exact emptiness questions asked while certifying and verifying.

Everything here expects *empty* as the usual answer (``g ≥ g_c on a
cell``, ``the target equals the piece on a region``), so the oracle runs
without its float sampling and line walks, which only help to find points:
it goes from the syntactic checks straight to exact linear arithmetic or
z3 nlsat.  A non-empty answer still comes with an exact witness.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x = sympy.Symbol("x"); R = polynomial_ring((x,)); X, = R.gens
>>> isinstance(emptiness(R, [(X, 1), (X + 1, -1)]), Empty)      # x > 0 and x < -1
True
>>> emptiness(R, [(X, 1), (X - 2, -1)], hint={x: 1})
NonEmpty(witness=Witness({x: 1}))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence, Union

from ..semialg.oracle import Feasible, Infeasible, Oracle
from ..semialg.poly import PolyRing
from ..semialg.region import Condition, Witness

__all__ = ["Empty", "NonEmpty", "Unknown", "Answer", "emptiness", "proof_oracle"]


@dataclass(frozen=True)
class Empty:
    """Proven empty; ``reason`` is the oracle's argument."""
    reason: str


@dataclass(frozen=True)
class NonEmpty:
    """Not empty: ``witness`` satisfies every condition (checked exactly)."""
    witness: Witness


@dataclass(frozen=True)
class Unknown:
    """Not decided (solver unknown or deadline); never read as empty."""
    reason: str


Answer = Union[Empty, NonEmpty, Unknown]


@lru_cache(maxsize=32)
def proof_oracle(ring: PolyRing) -> Oracle:
    """The shared oracle for ``ring``, tuned for proving emptiness."""
    return Oracle(ring, samples=0, line_budget=(0, 0), ascent=False)


def emptiness(ring: PolyRing, conditions: Sequence[Condition], hint: Mapping[Any, Any] | None = None,
              deadline: float | None = None) -> Answer:
    """Is ``{x : s·g(x) > 0 for every (g, s)}`` empty?  Exact, or :class:`Unknown`."""
    answer = proof_oracle(ring).decide(tuple(conditions), hint=hint, deadline=deadline)
    if isinstance(answer, Infeasible):
        return Empty(answer.reason)
    if isinstance(answer, Feasible):
        return NonEmpty(answer.witness)
    return Unknown(answer.reason)
