"""Degrees without enumerating regions: a rule table over the graph, and lines through a piece.

**Upper bound.** :class:`DegreeRules` is an interpreter whose values are
matrices of per-entry degree bounds in the input variables (−∞ for an entry
that is identically zero): an input entry has degree 1, a nonzero weight 0,
a zero weight −∞; matmul is the max-plus product (degrees add along each
product, the sum takes the max), add takes the max, ReLU keeps the bound
(σ(g) is g or 0 on every region), a mask with fill 0 sets −∞, transpose,
scale and concat move bounds around.  Every rule is an upper bound, so the
result bounds the degree of every piece.  It costs one pass over the graph.

**Attained.** At a rational point x₀ off every wall (every ReLU sign
nonzero) the model equals one polynomial P on a neighbourhood: a piece.
Walking the graph along the signs at x₀ with the inputs x₀ + t·e gives
P(x₀ + t·e) as a polynomial in t, whose degree is at most deg P.  So a
line of degree d proves a piece of degree ≥ d.  A point whose pattern has a
0 is used only when every 0 is an identically zero entry (a masked score,
say), not a wall (:func:`~symattn.interpret.walkers.walls_at`, an exact
polynomial walk along the pattern).  The walk runs modulo the
prime 2⁶¹ − 1 (reduction can only lower a degree, so the proof stands) or
over QQ when a weight's denominator is divisible by that prime.

>>> from symattn.nn import Attention, Encoder, EncoderBlock, FeedForward
>>> cube = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], None, [[0]], None))
>>> degree_bound(Encoder([cube, cube])).degree            # (x + x³) + (x + x³)³
9
>>> proof = prove_degree(Encoder([cube, cube]), 9, n=1)
>>> proof.proved, proof.attained
(True, True)
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

import numpy as np
import sympy
from sympy.polys.domains import QQ
from sympy.polys.rings import ring as sympy_ring

from ..compiler.pipeline import check_spline_ops, spline_frame
from ..interpret.walkers import FollowPattern, pattern_at, walls_at
from ..graph import nodes as N
from ..graph.graph import ExpressionGraph, input_symbols
from ..interpret.base import Interpreter
from ..checks import Check, Proof
from .errors import ProofError, ProofInputError
from .forms import refuse_claimed
from .modpoly import ModPoly
from ..rationals import to_fraction

__all__ = ["DegreeProof", "DegreeRules", "degree_bound", "prove_degree", "line_degree"]

#: the prime of the modular line walk
PRIME = 2**61 - 1


@dataclass(frozen=True)
class DegreeProof(Proof):
    """A :class:`~symattn.checks.Proof` about a degree.

    ``degree``: the bound (for :func:`degree_bound`) or the degree claimed
    (for :func:`prove_degree`); ``entries``: per output entry bounds (−1 for
    an entry that is identically zero); ``attained``: whether a piece of
    that degree was exhibited (None when not asked).
    """

    degree: int = 0
    entries: tuple = ()
    attained: bool | None = None

    def __int__(self) -> int:
        return self.degree


class DegreeRules(Interpreter):
    """Per-entry degree bounds (numpy float arrays, −∞ for zero) through the graph."""

    def load_input(self, attrs, value):
        return np.ones(attrs[N.SHAPE])

    def default_inputs(self, graph, names):
        return {name: None for name in names}

    def rule_weight(self, a):
        value = a[N.VALUE]
        return np.array([[0.0 if value[i, j] != 0 else -np.inf for j in range(value.cols)]
                         for i in range(value.rows)]).reshape(value.shape)

    def rule_matmul(self, a, x, y):
        return (x[:, :, None] + y[None, :, :]).max(axis=1, initial=-np.inf)

    def rule_add(self, a, x, y):
        return np.maximum(x, y)

    def rule_transpose(self, a, x):
        return x.T

    def rule_scale(self, a, x):
        return x if a[N.FACTOR] != 0 else np.full(x.shape, -np.inf)

    def rule_mask(self, a, x):
        keep = np.array(a[N.MASK], dtype=bool)
        return np.where(keep, x, -np.inf)

    def rule_relu(self, a, x):
        return x

    def rule_concat(self, a, *parts):
        return np.concatenate(parts, axis=a[N.AXIS])


def _graph(model: Any, n: int | None, m: int | None) -> ExpressionGraph:
    from ..spline import Spline

    if isinstance(model, ExpressionGraph):
        return model
    if isinstance(model, Spline):
        refuse_claimed(model, "model")
        return model.graph
    from ..nn.trace import trace

    return trace(model, n=n or 1, m=m or 1)


def _entries(bounds: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(b) if np.isfinite(b) else -1 for b in row) for row in bounds)


def degree_bound(model: Any, n: int | None = None, m: int | None = None) -> DegreeProof:
    """An upper bound on the degree of every piece, from one pass of :class:`DegreeRules`.

    ``model`` is a module (traced for ``n``/``m`` tokens; one each when
    omitted, which gives the same bound unless a mask depends on the token
    count), a graph or a spline.
    Raises :class:`~symattn.errors.NotASplineError` for softmax, softplus or
    layer norm.
    """
    t0 = time.perf_counter()
    graph = _graph(model, n, m)
    check_spline_ops(graph)
    bounds = DegreeRules().run(graph)
    entries = _entries(bounds)
    degree = max(max(row) for row in entries)
    degree = max(degree, 0)
    check = Check.passed("rule table", "one pass over the expression graph",
                         f"per-entry bounds {[list(r) for r in entries]} (-1: identically zero)")
    return DegreeProof(f"every piece has degree <= {degree}", (check,), degree=degree, entries=entries,
                       stats=dict(seconds=time.perf_counter() - t0, nodes=len(graph.order)))


# ---------------------------------------------------------------------------
# attained: the piece through a point, along a line
# ---------------------------------------------------------------------------

class _LineWalk(FollowPattern):
    """The piece through a point (given by its ReLU signs), restricted to a line: polynomials in t.

    ``modular``: coefficients mod :data:`PRIME` (:class:`ModPoly`), else
    exact rationals (sympy's QQ[t]).
    """

    def __init__(self, pattern, params: Mapping | None = None, modular: bool = True):
        self.modular = modular
        if modular:
            self.zero, self.t = ModPoly((), PRIME), ModPoly.variable(PRIME)
        else:
            ring, self.t = sympy_ring("t", QQ)
            self.zero = ring.zero
        self.pattern, self.position = pattern, 0
        self.params = dict(params or {})

    def coerce(self, entry: sympy.Expr):
        if entry.free_symbols:
            entry = entry.xreplace(self.params)
        return self.constant(to_fraction(entry))

    def constant(self, v: Fraction):
        if not self.modular:
            return self.t.ring(QQ(v.numerator, v.denominator))
        if v.denominator % PRIME == 0:
            raise ZeroDivisionError("a denominator is divisible by the prime")
        return ModPoly.constant(v.numerator * pow(v.denominator, -1, PRIME), PRIME)



def line_degree(graph: ExpressionGraph, point: Mapping[str, Any], direction: Mapping[str, Any],
                params: Mapping | None = None) -> tuple[int, tuple[int, ...]] | None:
    """``(degree in t of the piece through point along direction, signs)``, or None on a wall
    (a 0 sign of an identically zero entry is no wall).

    ``point`` and ``direction`` map each input name to a matrix of rationals.
    """
    values = {name: [[Fraction(v) for v in row] for row in point[name]] for name in graph.inputs}
    pattern, _ = pattern_at(graph, values, params)
    if 0 in pattern:
        fixed = {p: sympy.Rational(v) for p, v in (params or {}).items()}
        ring, inputs = spline_frame(graph, fixed)[2:]
        if walls_at(graph, ring, inputs, pattern, fixed):
            return None
    for modular in (True, False):
        walk = _LineWalk(pattern, params, modular)
        try:
            inputs = {name: tuple(tuple(walk.constant(v) + walk.constant(Fraction(e)) * walk.t
                                        for v, e in zip(row, drow))
                                  for row, drow in zip(values[name], direction[name]))
                      for name in graph.inputs}
            polys = walk.run(graph, inputs)
        except ZeroDivisionError:
            continue
        degree = max((g.degree() for row in polys for g in row if g), default=0)
        return max(degree, 0), pattern
    raise AssertionError("unreachable: QQ has no zero divisors")


def _random_matrix(rng: random.Random, shape: tuple[int, int]) -> list[list[Fraction]]:
    return [[Fraction(rng.randint(-12, 12), rng.choice((1, 2, 3, 4))) for _ in range(shape[1])]
            for _ in range(shape[0])]


def _search_attained(graph: ExpressionGraph, d: int, points: int, seed: int):
    """The first random point whose piece has degree ≥ ``d`` along a random line, with its degree."""
    rng = random.Random(seed)
    best = (-1, None)
    params = {p: sympy.Rational(rng.randint(-5, 5), rng.choice((1, 2, 3))) for p in graph.parameters}
    for _ in range(points):
        point = {name: _random_matrix(rng, graph.input_shape(name)) for name in graph.inputs}
        direction = {name: _random_matrix(rng, graph.input_shape(name)) for name in graph.inputs}
        found = line_degree(graph, point, direction, params)
        if found is None:
            continue
        if found[0] > best[0]:
            best = (found[0], {s: sympy.Rational(v) for name in graph.inputs
                               for s, v in zip(input_symbols(name, *graph.input_shape(name)),
                                               (v for row in point[name] for v in row))})
        if found[0] >= d:
            break
    return best


def prove_degree(model: Any, d: int, *, n: int | None = None, m: int | None = None, attained: bool = True,
                 spline: Any = None, points: int = 16, seed: int = 0) -> DegreeProof:
    """Prove that every piece has degree ≤ ``d`` and (``attained``) that some piece has degree ``d``.

    The upper bound comes from :func:`degree_bound`, or from the pieces of a
    complete ``spline`` (pass a compiled :class:`~symattn.spline.Spline`)
    when the rule table gives more than ``d``.  Attainment comes from the
    spline's pieces when given, else from lines through ``points`` seeded
    random rational points (see the module docstring).

    Raises :class:`ProofError` when the claim is false: a piece of degree
    > d (a compiled piece's witness, or a point whose piece has degree > d
    along a line), or a complete spline whose pieces all have degree < d.
    """
    if not isinstance(d, int) or isinstance(d, bool) or d < 0:
        raise ProofInputError("prove_degree(d)", f"must be a non-negative int, got {d!r}")
    if spline is not None:
        refuse_claimed(spline, "spline")
    graph = spline.graph if spline is not None else _graph(model, n, m)
    bound = degree_bound(graph)
    claim = f"the degree is {d}" if attained else f"every piece has degree <= {d}"
    checks = [_upper_check(bound.degree, d, spline, claim)]
    if attained:
        checks.append(_attained_check(graph, d, spline, points, seed, claim, checks))
    return DegreeProof(claim, tuple(checks), degree=d, entries=bound.entries,
                       attained=checks[-1].ok if attained else None)


def _refute(claim: str, checks: list, check: Check, point, values: tuple, detail: str) -> None:
    proof = DegreeProof(claim, tuple(checks) + (check,), degree=values[1], complete=False)
    raise ProofError(claim, point, values, detail, proof, labels=("degree found", "degree claimed"))


def _upper_check(bound: int, d: int, spline, claim: str) -> Check:
    if bound <= d:
        return Check.passed("upper bound", "rule table over the graph", f"degree <= {bound}")
    if spline is None or not spline.complete:
        return Check.undecided("upper bound", "rule table over the graph",
                               f"the rule table gives {bound} > {d}; pass a complete compiled spline= to decide")
    nv = len(spline.variables)
    worst = max(spline.pieces, key=lambda p: p.degree(nv))
    if worst.degree(nv) > d:
        point = dict(worst.witness)
        _refute(claim, [], Check.failed("upper bound", "compiled pieces", f"a piece of degree {worst.degree(nv)}",
                                        point), point, (worst.degree(nv), d),
                "the degree of the piece there, and the degree claimed")
    return Check.passed("upper bound", "every compiled piece",
                        f"the rule table gives {bound}; all {len(spline)} pieces have degree <= {d}")


def _attained_check(graph, d: int, spline, points: int, seed: int, claim: str, checks: list) -> Check:
    if spline is not None:
        nv = len(spline.variables)
        top = [p for p in spline.pieces if p.degree(nv) == d]
        if top:
            return Check.passed("attained", "a compiled piece", f"{len(top)} pieces of degree {d}; one at "
                                f"{dict(top[0].witness)}")
        best = max((p.degree(nv) for p in spline.pieces), default=0)
        if spline.complete and best < d:
            _refute(claim, checks, Check.failed("attained", "every compiled piece", f"the largest degree is {best}"),
                    None, (best, d), f"the complete spline's pieces have degree at most {best}")
    degree, point = _search_attained(graph, d, points, seed)
    method = "the piece through a rational point, restricted to a rational line"
    if degree > d:
        _refute(claim, checks, Check.failed("upper bound", method, f"degree {degree} along a line", point), point,
                (degree, d), "the piece there has at least this degree along a line, and the degree claimed")
    if degree == d:
        return Check.passed("attained", method, f"degree {degree} in t at {point}")
    return Check.undecided("attained", method, f"the largest degree found at {points} random points is {degree}")
