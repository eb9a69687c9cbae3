"""Walking the graph at one point, or along one fixed pattern of ReLU signs.

A *pattern* is the tuple of signs (+1, -1, or 0) of every ReLU entry in
graph order, row by row.  It identifies the compiled region that contains
a point, so looking a point up costs one exact rational forward pass, not
a search (:class:`PointWalker`).

A 0 has two meanings, exactly as in the compiler's patterns: the entry is
identically zero there (a masked score, a skew ``x_iᵀ A x_i``: a constant,
no wall), or the point lies on the wall ``g = 0`` of a non-constant entry.
One exact pass cannot tell them apart; :func:`walls_at` does, by walking
the polynomials along the pattern.  :class:`PatternPolys` recomputes the
polynomial piece and its conditions for a given pattern lazily, which
works on models far too large to enumerate.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence


from ..errors import SymattnError
from ..graph.graph import ExpressionGraph
from ..semialg.poly import PolyElement, PolyRing, normalize_condition
from .matrix_rules import FractionRules, MatrixRules, PolyRules

__all__ = ["PointWalker", "FollowPattern", "PatternPolys", "pattern_at", "walls_at"]


class PointWalker(FractionRules):
    """Exact forward pass at a rational point that records every ReLU sign.

    ``weights``: a dictionary shared by walkers with the same ``params``, so
    that the weights are converted to fractions once, not once per point.
    """

    def __init__(self, params: Mapping | None = None, weights: dict | None = None) -> None:
        super().__init__(params)
        self.pattern: list[int] = []
        if weights is not None:
            self._weights = weights

    def rule_relu(self, a, x):
        out = []
        for row in x:
            r = []
            for v in row:
                s = (v > 0) - (v < 0)
                self.pattern.append(s)
                r.append(v if s > 0 else self.zero)
            out.append(tuple(r))
        return tuple(out)


def pattern_at(graph: ExpressionGraph, inputs: Mapping[str, Sequence[Sequence[Fraction]]],
               params: Mapping | None = None, weights: dict | None = None) -> tuple[tuple[int, ...], tuple]:
    """``(pattern, value)`` at a rational point: the ReLU signs and the exact output
    (``weights``: a cache shared between calls with the same ``params``, see :class:`PointWalker`)."""
    walker = PointWalker(params, weights)
    value = walker.run(graph, inputs)
    return tuple(walker.pattern), value


class FollowPattern(MatrixRules):
    """A ReLU rule that takes the signs from ``self.pattern`` (entry by entry,
    graph order), calling :meth:`record` on each entry; subclasses set the
    pattern, ``position = 0`` and the ring's ``zero``."""

    pattern: Sequence[int]
    position: int

    def record(self, g, s: int) -> None:
        """Called with each ReLU argument and its sign."""

    def rule_relu(self, a, x):
        out = []
        for row in x:
            r = []
            for g in row:
                s = self.pattern[self.position]
                self.position += 1
                self.record(g, s)
                r.append(g if s > 0 else self.zero)
            out.append(tuple(r))
        return tuple(out)


class PatternPolys(FollowPattern, PolyRules):
    """Polynomial forward pass where ReLU entry k takes ``pattern[k]``.

    Collects the conditions along the way by the compiler's own rule
    (constants and walls already met add none), each with its sign, which
    is 0 for a point on that wall; ``walls`` lists the positions of the
    zero signs whose entry is not constant (a constant 0 is no wall).
    """

    def __init__(self, ring: PolyRing, pattern: Sequence[int], params: Mapping | None = None,
                 stop_at_wall: bool = False) -> None:
        self.ring, self.zero = ring, ring.zero
        self.stop_at_wall = stop_at_wall
        self.pattern = list(pattern)
        self.position = 0
        self.params = dict(params or {})
        self.conditions: list[tuple[PolyElement, int]] = []
        self.walls: list[int] = []
        self._seen: set[PolyElement] = set()

    def record(self, g: PolyElement, s: int) -> None:
        if s == 0 and not g.is_ground:
            self.walls.append(self.position - 1)
            if self.stop_at_wall:
                raise _WallFound
        if not g.is_ground:
            h, t = normalize_condition(g, 1)
            if h not in self._seen:
                self._seen.add(h)
                self.conditions.append((h, s * t))


class _WallFound(SymattnError):
    """Stops a :class:`PatternPolys` walk at the first wall (``stop_at_wall``); never leaves
    :func:`walls_at`.  A :class:`SymattnError`, so the interpreter passes it through unwrapped."""


def walls_at(graph: ExpressionGraph, ring: PolyRing, inputs: Mapping, pattern: Sequence[int],
             params: Mapping | None = None, first: bool = False) -> tuple[int, ...]:
    """The positions of ``pattern``'s zeros that are walls through the point, not constant entries.

    ``pattern`` is the pattern of a point (:func:`pattern_at`); ``inputs``
    are the graph's inputs as polynomials of ``ring``.  The walk along the
    pattern is exact, and it follows the point's own signs up to the first
    wall, so that first wall is found exactly; an empty answer means every
    zero is an identically zero entry and the point lies off every wall.
    Free (no polynomial walk) when the pattern has no zero; ``first=True``
    stops at the first wall (enough to tell whether the point is on one).

    >>> from symattn.nn import MaskedAttention
    >>> from symattn.compiler.pipeline import spline_frame
    >>> g = MaskedAttention([[1]], [[1]], [[1]]).trace(n=2)
    >>> ring, inputs = spline_frame(g, {})[2:]
    >>> pattern_at(g, {"x": [[Fraction(1)], [Fraction(2)]]})[0]          # σ(x0²), masked, σ(x1x0), σ(x1²)
    (1, 0, 1, 1)
    >>> walls_at(g, ring, inputs, (1, 0, 1, 1)), walls_at(g, ring, inputs, (1, 0, 0, 1))
    ((), (2,))
    """
    if 0 not in pattern:
        return ()
    walker = PatternPolys(ring, pattern, params, stop_at_wall=first)
    try:
        walker.run(graph, inputs)
    except _WallFound:
        pass
    return tuple(walker.walls)
