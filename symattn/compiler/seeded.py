"""Oracle passes whose answer to a question depends on the question alone.

An :class:`~symattn.semialg.oracle.Oracle` remembers: its random lines
and points come from one generator that every question advances, and it
keeps recent witnesses and proven-empty subsets to answer later questions
from.  Then the witness a branch gets depends on which questions were
asked before it, in that process.  A compile that splits the search into
subtrees and runs them in any order, on any worker, must give the same
spline as one process; so each question gets a fresh oracle, seeded from
the pass's seed and the exact text of the question (never from timing or a
worker id).  Two runs then ask every question the same way and, unless a
solver's time limit decides the outcome, get the same answer.

>>> from sympy import symbols
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> ask = QuestionSeeded(R, seed=3, options=dict(z3_timeouts=(0.5,)))
>>> question = [(X * Y - 1, 1), (X - 4, 1), (Y - 1, -1)]
>>> first = ask.decide(question)
>>> _ = ask.decide([(X + Y, 1)])                  # other questions in between change nothing
>>> ask.decide(question) == first
True
>>> question_seed(3, question) == question_seed(3, list(question))
True
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Mapping, Sequence

from ..semialg.oracle import Decision, Oracle
from ..semialg.poly import PolyRing
from ..semialg.region import Condition

__all__ = ["QuestionSeeded", "question_seed", "oracle_passes"]


def question_seed(seed: int, conditions: Sequence[Condition]) -> int:
    """A 64-bit seed from ``seed`` and the exact conditions (their printed polynomials and signs)."""
    text = f"{seed}|" + ";".join(f"{g}:{s}" for g, s in conditions)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


class QuestionSeeded:
    """One oracle pass (the :class:`Oracle` keyword ``options``) that asks each question afresh.

    ``decide`` has the signature of :meth:`Oracle.decide`; ``stats`` adds up
    the deciding layers over all questions.  A decision portfolio in
    ``options`` (``portfolio=True``) is built once and shared, since it
    holds no state between questions.
    """

    def __init__(self, ring: PolyRing, seed: int = 0, options: Mapping[str, Any] | None = None) -> None:
        self.ring, self.seed = ring, seed
        self.options = dict(options or {})
        if self.options.get("portfolio") is True:
            from ..semialg.portfolio import Portfolio

            shared = Portfolio()
            self.options["portfolio"] = shared if shared.procedures else None
        self.stats: Counter[str] = Counter()
        self._resources: tuple | None = None     # z3 contexts and sign facts, shared (Oracle.adopt)

    def decide(self, conditions: Sequence[Condition], *, hint=None, deadline: float | None = None) -> Decision:
        conditions = tuple(conditions)
        oracle = Oracle(self.ring, seed=question_seed(self.seed, conditions), **self.options)
        if self._resources is not None:
            oracle.adopt(self._resources)
        answer = oracle.decide(conditions, hint=hint, deadline=deadline)
        self._resources = oracle.resources()
        self.stats.update(oracle.stats)
        return answer


def oracle_passes(ring: PolyRing, seed: int, passes: Sequence[Mapping[str, Any]]) -> list[QuestionSeeded]:
    """One :class:`QuestionSeeded` pass per options mapping, pass ``k`` seeded with ``seed + k``."""
    return [QuestionSeeded(ring, seed + k, options) for k, options in enumerate(passes)]
