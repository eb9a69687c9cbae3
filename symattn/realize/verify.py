"""The round-trip proof: compile the built encoder back and compare, region by region.

:func:`verify_realization` compiles embed → encoder → readout with
:func:`symattn.compile` and proves, on every region R of the result (with
its polynomial P), that the target equals P on R:

* **max–min target** f = max_i min_j p_ij.  At R's witness w pick a group i*
  whose minimum is f(w).  Then f = P on R iff
  (a) p_i*j − P ≥ 0 on R for every j (so min_j p_i*j ≥ P), and
  (b) for every group i, {x ∈ R : p_ij(x) > P(x) for all j} is empty
  (so every min_j p_ij ≤ P).
  Each is an exact emptiness question (identical polynomials need none).
* **piecewise target** (cells C_k with polynomials Q_k: a CPWL, a univariate
  spline, a compiled spline).  If w lies in C_k, show R ⊆ closure(C_k)
  (R ∧ s·h < 0 empty for each condition of C_k) and P ≡ Q_k: then f = P on
  the dense part R ∩ C_k, hence on R by continuity.  Otherwise every cell
  must either miss R (proven empty) or carry P itself.  Compiled and
  univariate splines cover R^N by construction; a :class:`CPWL` is defined
  on the closures of its cells, and that is where the claim is made.

A point where the two disagree is returned as an exact counterexample.  An
undecided question or an incomplete compile leaves the proof incomplete,
never "proved".  Independently, the encoder (exact interpreter) and the
target are compared at random rational points.

The compile is :func:`symattn.compile` with a sample pool of 8,192 points
and an oracle that walks few lines before its exact layers: the branches
the pool does not witness are mostly empty here, and proving emptiness is
the exact layers' job.  This changes the speed, never the answer.
"""

from __future__ import annotations

import random
import time
from fractions import Fraction
from typing import Any, Sequence

import sympy

from ..semialg.poly import PolyElement, PolyRing, evaluate
from ..semialg.region import Condition, Region
from ..semialg.decide import Feasible, Infeasible, Undecided, emptiness
from .errors import CertificateInputError
from .inputs import CPWL, Cell, UnivariateSpline
from .maxmin import MaxMin
from ..semialg.convert import change_ring
from ..checks import FAILED, PASSED, UNDECIDED, Check, Proof
from ..rationals import to_rational
from ..latex_names import real_space

__all__ = ["verify_realization", "compile_realization", "RegionVerdict"]


class RegionVerdict:
    """The outcome on one region: status, how it was decided, an optional counterexample."""

    __slots__ = ("status", "how", "counterexample")

    def __init__(self, status: str, how: str = "", counterexample=None):
        self.status, self.how, self.counterexample = status, how, counterexample


def _how(answer) -> str:
    return answer.reason.split(":", 1)[0] if isinstance(answer, (Infeasible, Undecided)) else "witness"


class _MaxMinView:
    """Checks f = P on a region for f = max_i min_j p_ij."""

    def __init__(self, mm: MaxMin, ring: PolyRing, rename):
        self.groups = [[change_ring(p, ring, rename) for p in g] for g in mm.groups]
        self.ring = ring

    def value(self, point) -> sympy.Rational:
        return max(min(evaluate(p, point) for p in g) for g in self.groups)

    def check(self, region: Region, P: PolyElement) -> RegionVerdict:
        w = region.witness
        f_w = self.value(w)
        if evaluate(P, w) != f_w:
            return RegionVerdict(FAILED, "witness", w)
        hows: set[str] = set()
        undecided = False
        # (a) some group whose minimum is f(w) stays >= P on all of R
        lower = False
        for g in self.groups:
            if min(evaluate(p, w) for p in g) != f_w:
                continue
            ok = True
            for p in g:
                d = p - P
                if not d:
                    continue
                answer = emptiness(self.ring, region.conditions + ((d, -1),), hint=w)
                if isinstance(answer, Feasible):
                    if self.value(answer.witness) != evaluate(P, answer.witness):
                        return RegionVerdict(FAILED, "witness", answer.witness)
                    ok = False
                    break
                if isinstance(answer, Undecided):
                    undecided, ok = True, False
                    break
                hows.add(_how(answer))
            if ok:
                lower = True
                hows.add("identity")
                break
        if not lower:
            return RegionVerdict(UNDECIDED, "no group is the maximum on the whole region" if not undecided
                                 else "undecided emptiness")
        # (b) no group's minimum exceeds P anywhere on R
        for g in self.groups:
            if any(not (p - P) for p in g):
                continue
            best = min(g, key=lambda p: evaluate(p - P, w))
            answer = emptiness(self.ring, region.conditions + ((best - P, 1),), hint=w)
            if not isinstance(answer, Infeasible):
                answer = emptiness(self.ring, region.conditions + tuple((p - P, 1) for p in g), hint=w)
            if isinstance(answer, Feasible):
                return RegionVerdict(FAILED, "witness", answer.witness)
            if isinstance(answer, Undecided):
                return RegionVerdict(UNDECIDED, answer.reason)
            hows.add(_how(answer))
        return RegionVerdict(PASSED, "+".join(sorted(hows)))


class _CellsView:
    """Checks f = P on a region for a function given by cells and polynomials."""

    def __init__(self, cells: Sequence[Cell], ring: PolyRing, rename):
        self.cells = [(tuple((change_ring(h, ring, rename), s) for h, s in c.conditions),
                       change_ring(c.poly, ring, rename)) for c in cells]
        self.ring = ring

    def _differs(self, conditions: tuple[Condition, ...], d: PolyElement, hint) -> RegionVerdict:
        """P − Q = d ≢ 0 on a non-empty open set: find an exact point where d ≠ 0."""
        for sign in (1, -1):
            answer = emptiness(self.ring, conditions + ((d, sign),), hint=hint)
            if isinstance(answer, Feasible):
                return RegionVerdict(FAILED, "witness", answer.witness)
        return RegionVerdict(UNDECIDED, "the polynomials differ but no point was found")

    def check(self, region: Region, P: PolyElement) -> RegionVerdict:
        w = region.witness
        hows: set[str] = set()
        for conds, Q in self.cells:
            if all(s * evaluate(h, w) > 0 for h, s in conds):
                inside = True
                for h, s in conds:
                    answer = emptiness(self.ring, region.conditions + ((h, -s),), hint=w)
                    if not isinstance(answer, Infeasible):
                        inside = False
                        break
                    hows.add(_how(answer))
                if inside:
                    if P == Q:
                        return RegionVerdict(PASSED, "+".join(sorted(hows | {"identity"})))
                    return self._differs(region.conditions, P - Q, w)
                break
        # the region meets several cells (or w lies on a wall): every cell it meets must carry P
        for conds, Q in self.cells:
            if P == Q:
                continue
            answer = emptiness(self.ring, region.conditions + conds, hint=w)
            if isinstance(answer, Feasible):
                return self._differs(region.conditions + conds, P - Q, answer.witness)
            if isinstance(answer, Undecided):
                return RegionVerdict(UNDECIDED, answer.reason)
            hows.add(_how(answer))
        return RegionVerdict(PASSED, "+".join(sorted(hows | {"cover"})))


def _target_variables(target: Any) -> tuple[sympy.Symbol, ...]:
    from ..spline import Spline

    if isinstance(target, (MaxMin, CPWL, UnivariateSpline)):
        return tuple(target.ring.symbols)
    if isinstance(target, Spline):
        if tuple(target.shape) != (1, 1) or target.parameters or not target.complete:
            raise CertificateInputError("verify(against)", "a spline target must be scalar, complete and "
                                                           "without parameters")
        return tuple(target.variables)
    raise CertificateInputError("verify(against)", f"cannot compare with a {type(target).__name__}; give a "
                                                   "MaxMin, UnivariateSpline, CPWL or Spline")


def _target_view(target: Any, ring: PolyRing, rename):
    """The target's region checker, its polynomials moved into the compiled spline's ring."""
    if isinstance(target, MaxMin):
        return _MaxMinView(target, ring, rename)
    if isinstance(target, (CPWL, UnivariateSpline)):
        return _CellsView(target.cells(), ring, rename)
    return _CellsView([Cell(p.conditions, p.polys[0][0]) for p in target.pieces], ring, rename)


def _target_value(target: Any, variables, point: Sequence[Fraction]) -> sympy.Rational:
    from ..spline import Spline

    mapping = dict(zip(variables, (to_rational(v) for v in point)))
    if isinstance(target, Spline):
        return target(mapping)[0, 0]
    if isinstance(target, UnivariateSpline):
        return target(mapping[target.variable])
    return target(mapping)


def _random_points(count: int, dim: int, spread: int, seed: int) -> list[tuple[Fraction, ...]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        out.append(tuple(Fraction(rng.randint(-spread * q, spread * q), q)
                         for q in (rng.choice((1, 2, 3, 4, 5, 7, 16)) for _ in range(dim))))
    return out


def compile_realization(realization, budget=None):
    """``symattn.compile`` of embed → encoder → readout (one token), tuned as described above."""
    from ..compiler.pipeline import compile as compile_model
    from ..semialg.oracle import Oracle
    from ..semialg.poly import polynomial_ring

    graph = realization.model.trace(n=1)
    oracle = Oracle(polynomial_ring(graph.variables), line_budget=(2, 4), samples=64, ascent=False)
    return compile_model(graph, budget=budget, progress=False, oracle=oracle, samples=8192)


def verify_realization(realization, target: Any, *, points: int = 32, seed: int = 0, budget=None) -> Proof:
    """The :class:`Proof` that ``realization.model`` equals ``target`` (variables matched by position)."""
    t0 = time.perf_counter()
    spline = realization.compile(budget)
    t1 = time.perf_counter()
    target_vars = _target_variables(target)
    if len(target_vars) != len(spline.variables):
        raise CertificateInputError("verify(against)", f"the target has {len(target_vars)} variables, the "
                                                       f"realization {len(spline.variables)} (matched by position)")
    view = _target_view(target, spline.ring, dict(zip(target_vars, spline.variables)))
    regions = _regions_check(view, spline, realization.variables)
    t2 = time.perf_counter()
    sample = _points_check(realization, target, target_vars, points, seed)
    stats = dict(regions=len(spline), compile_seconds=t1 - t0, region_seconds=t2 - t1,
                 point_seconds=time.perf_counter() - t2)
    where = "the closure of its cells" if isinstance(target, CPWL) else real_space(len(target_vars))
    return Proof(f"embed → encoder → readout equals the {type(target).__name__} on {where}",
                 (_compile_check(spline), regions, sample), complete=spline.complete, stats=stats)


def _compile_check(spline) -> Check:
    method = "symattn.compile (case split)"
    if spline.complete:
        return Check.passed("compile", method, f"{len(spline)} regions, every other sign system proven empty")
    return Check.undecided("compile", method, f"{len(spline)} regions, {len(spline.undecided)} sign systems undecided")


def _regions_check(view, spline, names: Sequence[sympy.Symbol]) -> Check:
    """Target = piece on every region of the compiled spline (the first failure or gap is reported)."""
    counts = {PASSED: 0, FAILED: 0, UNDECIDED: 0}
    hows: dict[str, int] = {}
    first: dict[str, tuple[int, RegionVerdict]] = {}
    for k, piece in enumerate(spline.pieces):
        verdict = view.check(piece.region, piece.polys[0][0])
        counts[verdict.status] += 1
        if verdict.status == PASSED:
            hows[verdict.how] = hows.get(verdict.how, 0) + 1
        first.setdefault(verdict.status, (k, verdict))
    detail = f"{counts[PASSED]}/{len(spline)} regions equal" + (
        " (" + ", ".join(f"{n} by {h}" for h, n in sorted(hows.items())) + ")" if hows else "")
    name, method = "equal on every region", "witness + exact emptiness (oracle: syntactic, LRA, nlsat)"
    if FAILED in first:
        k, v = first[FAILED]
        rename = dict(zip(spline.variables, names))
        point = {rename.get(s, s): value for s, value in dict(v.counterexample).items()}
        return Check.failed(name, method, f"{detail}; region {k} differs", point)
    if UNDECIDED in first:
        k, v = first[UNDECIDED]
        return Check.undecided(name, method, f"{detail}; region {k}: {v.how}")
    return Check.passed(name, method, detail)


def _points_check(realization, target: Any, target_vars, count: int, seed: int) -> Check:
    """The encoder (exact interpreter) against the target's own evaluation at random rational points."""
    name, method = "random rational points", "exact interpreter vs target"
    spread = 4
    if isinstance(target, UnivariateSpline) and target.knots:
        spread = int(max(abs(t) for t in target.knots)) + 2
    outside = 0
    sample = _random_points(count, len(target_vars), spread, seed)
    for pt in sample:
        try:
            want = _target_value(target, target_vars, pt)
        except CertificateInputError:     # a CPWL whose cells do not reach the point
            outside += 1
            continue
        got = realization(list(pt))
        if got != want:
            point = dict(zip(realization.variables, (to_rational(v) for v in pt)))
            return Check.failed(name, method, f"encoder {got} != target {want}", point)
    return Check.passed(name, method, f"{len(sample) - outside} points agree" +
                        (f", {outside} outside the cells" if outside else ""))
