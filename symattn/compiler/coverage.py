"""The coverage guard: fresh exact points must each lie in a listed region of a complete spline.

A compile is complete when every sign system it did not enter was proven
empty.  Those proofs come from several procedures (and, for nonlinear
systems, from a solver's "unsat"), so :func:`coverage_guard` checks the
claim where it can be checked cheaply: it draws exact rational points that
the search never saw (a sample pool with its own seed), and looks each up
with one exact forward pass (:meth:`~symattn.spline.Spline.piece_at`).  A
point off every wall that lies in no listed region refutes an emptiness
proof.  Raising would lose the work done, so the spline comes back
*incomplete*, each such point named in an
:class:`~symattn.semialg.region.UndecidedCase` (its region's sign
conditions, its coordinates in the reason), and a :class:`CoverageWarning`
says so.  Sampling can only refute: a guard that finds nothing proves
nothing more than the emptiness proofs did.

>>> import symattn
>>> from symattn.nn import FeedForward
>>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
>>> s.stats["coverage"]
{'points': 64, 'outside': 0}
"""

from __future__ import annotations

import warnings
from dataclasses import replace

from ..graph import nodes as N
from ..semialg.pool import SamplePool
from ..semialg.region import UndecidedCase
from ..spline import SoundnessError, Spline

__all__ = ["CoverageWarning", "coverage_guard", "guard_points", "GUARD_POINTS", "GUARD_WORK"]

#: fresh points the guard looks up after a complete compile (at most)
GUARD_POINTS = 64
#: scalar multiplications the guard's forward passes may take in all (but at least 8 points)
GUARD_WORK = 500_000


def guard_points(graph, points: int = GUARD_POINTS, work: int = GUARD_WORK) -> int:
    """How many points to look up: ``points``, fewer when one exact forward pass of ``graph``
    costs so much that they would take more than ``work`` multiplications, but at least 8."""
    per_pass = sum(graph.attrs(graph.args(v)[0])[N.SHAPE][0] * graph.attrs(graph.args(v)[0])[N.SHAPE][1]
                   * graph.attrs(v)[N.SHAPE][1] for v in graph.nodes_with_op(N.MATMUL))
    return min(points, max(8, work // max(per_pass, 1)))


class CoverageWarning(UserWarning):
    """A fresh point lies in no listed region of a spline the search found complete."""


def coverage_guard(spline: Spline, points: int = GUARD_POINTS, seed: int = 0) -> Spline:
    """``spline`` if ``points`` fresh exact points each lie in a listed region or on a wall; otherwise
    the same pieces flagged incomplete, with an :class:`UndecidedCase` per region found outside them.

    Only a complete spline is checked (an incomplete one already says it
    may miss regions); the count is cut for graphs whose forward pass is
    costly (:func:`guard_points`), and ``spline.stats["coverage"]`` records it.
    """
    if not spline.complete or points <= 0:
        return spline
    points = guard_points(spline.graph, points)
    pool = SamplePool.random(spline.ring, points, seed=seed + 7_919)   # never the search's own points
    outside: dict[tuple[int, ...], UndecidedCase] = {}
    for k in range(points):
        point = {s: v for s, v in pool.witness(k).pairs if s in spline.ring_symbols}
        try:
            spline.piece_at(point)
        except SoundnessError:
            at = replace(spline, complete=False).piece_at(point)
            if at.pattern not in outside:
                outside[at.pattern] = UndecidedCase(
                    tuple(at.conditions), f"coverage guard: the point {point} lies in this region, which no "
                                          "listed piece covers, so an emptiness proof was wrong")
    stats = dict(spline.stats, coverage=dict(points=points, outside=len(outside)))
    if not outside:
        return replace(spline, stats=stats)
    warnings.warn(f"{len(outside)} region(s) with exact points in them are missing from a case split that "
                  "proved itself complete: an emptiness proof was wrong. The spline is returned incomplete, "
                  "the regions in spline.undecided", CoverageWarning, stacklevel=3)
    return replace(spline, complete=False, undecided=spline.undecided + tuple(outside.values()), stats=stats)
