"""Walking the graph at one point, or along one fixed pattern of ReLU signs.

A *pattern* is the tuple of signs (+1, -1, or 0) of every ReLU entry in
graph order, row by row.  It identifies the compiled region that contains
a point, so looking a point up costs one exact rational forward pass, not
a search (:class:`PointWalker`).  :class:`PatternPolys` recomputes the
polynomial piece and its conditions for a given pattern lazily, which
works on models far too large to enumerate.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence


from ..graph.graph import ExpressionGraph
from ..semialg.poly import PolyElement, PolyRing, normalize_condition
from .matrix_rules import FractionRules, MatrixRules, PolyRules

__all__ = ["PointWalker", "FollowPattern", "PatternPolys", "pattern_at"]


class PointWalker(FractionRules):
    """Exact forward pass at a rational point that records every ReLU sign."""

    def __init__(self, params: Mapping | None = None) -> None:
        super().__init__(params)
        self.pattern: list[int] = []

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
               params: Mapping | None = None) -> tuple[tuple[int, ...], tuple]:
    """``(pattern, value)`` at a rational point: the ReLU signs and the exact output."""
    walker = PointWalker(params)
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
    is 0 for a point on that wall.
    """

    def __init__(self, ring: PolyRing, pattern: Sequence[int], params: Mapping | None = None) -> None:
        self.ring, self.zero = ring, ring.zero
        self.pattern = list(pattern)
        self.position = 0
        self.params = dict(params or {})
        self.conditions: list[tuple[PolyElement, int]] = []
        self._seen: set[PolyElement] = set()

    def record(self, g: PolyElement, s: int) -> None:
        if not g.is_ground:
            h, t = normalize_condition(g, 1)
            if h not in self._seen:
                self._seen.add(h)
                self.conditions.append((h, s * t))
