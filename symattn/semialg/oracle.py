"""Layered, exact feasibility oracle for conjunctions of strict polynomial sign conditions.

``Oracle(ring).decide(conditions)`` returns

* :class:`Feasible` -- with a rational witness checked exactly against every
  condition (never anything less);
* :class:`Infeasible` -- only from a sound proof: a syntactic argument,
  exact linear arithmetic (z3 QF_LRA, on the conditions, an affine subset or
  the monomial relaxation), an exactly checked sum-of-squares identity, or
  z3 nlsat (or the portfolio) answering unsat;
* :class:`Undecided` -- z3 unknown/timeout/error or deadline exhausted; the
  reason says which.

Layers, cheapest first (``Oracle.stats`` counts the deciding layer):

==============  ==========================================================
``syntactic``   constants; same wall with opposite signs; sign-definite
                polynomials (even monomials, PSD quadrics); g*h vs g, h
``memo``        the same normalised set, or a superset of a known
                infeasible set, seen before
``hint``        the hint point satisfies everything
``pool``        a recent witness of a superset satisfies everything
``sample``      float samples (vectorised) rounded to rationals, exact check
``line``        greedy wall crossing along rational lines (exact signs)
``ascent``      float gradient ascent of the smallest normalised margin from
                many starts, rounded to rationals, exact check
``lra``         all affine: z3 QF_LRA (exact); ``lra-subset``: the affine
                conditions alone are infeasible; ``relaxation``: the
                linearisation with monomials as unknowns is infeasible
``inertia``     attention scores x_i^T M x_j whose signs contradict the
                inertia of the symmetric part of M (see ``inertia.py``)
``factor``      conditions factored over QQ (``factoring.py``): a product's
                sign splits into its factors' signs, shared factors become
                shared atoms, even and sign-definite factors drop out (null
                sets); each sign case is decided by the layers below ``line``
                (memo, exact linear arithmetic, inertia, nlsat); the reason of
                an emptiness lists the cases' layers
``frame``       systems of attention scores of one matrix M alone, in the
                frame of M's symmetry (``score_frame.py``): maps that keep
                every score fix one token up to a single coordinate; each
                case is decided by the layers below ``line``; a case's
                witness maps back exactly
``sos``         only when ``portfolio`` is set and cvxpy is installed: a
                sum-of-squares certificate Σ c_α g^α + zᵀQz ≡ 0 over
                products of one, then two conditions, proposed by a
                semidefinite program and checked exactly (``sos.py``)
``nlsat``       z3 QF_NRA under escalating timeouts, on the dehomogenised
                problem when scaling symmetries exist (see ``scaling.py``)
``portfolio``   instead of ``nlsat`` when ``portfolio`` is set: z3, yices 2
                and cvc5 side by side, first sound answer wins, z3's unsat
                cross-checked (see ``portfolio.py``), on the problem as it
                stands and then on its dehomogenised slices; the reason
                names the procedures that proved emptiness
==============  ==========================================================

Example
-------
>>> from sympy import symbols
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> o = Oracle(R)
>>> o.decide([(X*Y, 1), (X, 1), (Y, -1)])
Infeasible(reason='syntactic: x*y must be > 0 but x > 0 and y < 0 force the product < 0')
>>> r = o.decide([(Y - X**2, 1), (Y - X**2 - 1, -1), (X - 3, 1)])
>>> isinstance(r, Feasible) and 3 < r.witness[x] and r.witness[x]**2 < r.witness[y]
True
"""
from __future__ import annotations

import itertools
import random
import time
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Optional, Union

import numpy as np

from .linesearch import IntPoint, LineSearch, simplest_between
from .sampling import FloatEvaluator, ascend, propose
from .poly import (PolyElement, PolyRing, as_fractions, compile_poly, is_affine, is_constant,
                   is_nonnegative, is_positive, normalize_condition, to_int_point)
from .region import Condition, Region, Witness
from .scaling import coordinates_to_fix
from .inertia import score_inertia
from .score_frame import ScoreFrame, score_frame
from .factoring import FactoredSystem, factor_system
from .sos import QUICK_GRAM, available as sos_available, search as sos_search

if TYPE_CHECKING:                      # pragma: no cover
    from .portfolio import Portfolio

__all__ = ["Feasible", "Infeasible", "Undecided", "Decision", "Oracle"]


@dataclass(frozen=True)
class Feasible:
    """Nonempty, with ``witness`` (Symbol -> Rational over every generator) checked exactly."""
    witness: Witness
    layer: str = ""

    def region(self, conditions: Sequence[Condition]) -> Region:
        """The :class:`Region` of ``conditions`` witnessed by this result (re-checked)."""
        return Region(tuple(conditions), self.witness)


@dataclass(frozen=True)
class Infeasible:
    """Proven empty; ``reason`` names the layer and the argument."""
    reason: str


@dataclass(frozen=True)
class Undecided:
    """Neither proven nor refuted within the budget; never treat as empty."""
    reason: str


Decision = Union[Feasible, Infeasible, Undecided]
_NormCond = tuple[PolyElement, int]

ASCENT = (48, 60)       # starts and steps of the default margin ascent
_LRA = "lra: exact linear arithmetic (z3 QF_LRA) proves emptiness"
_LRA_SUBSET = "lra-subset: the affine conditions alone are infeasible (exact LRA)"


class _Cores:
    """Condition sets proven infeasible (cores): a system that contains one is infeasible too.

    An oracle keeps two: every core it proved (its memory), and the affine
    cores that exact linear arithmetic proved.  A system containing an
    affine core is proven empty in the same layer by an oracle that never saw
    it: the whole system by ``lra`` when it is affine, else its affine part by
    ``lra-subset``.  So answering from that store gives exactly a fresh
    oracle's answer (reason included), only sooner, and oracles may share it
    however their questions are ordered (:meth:`Oracle.adopt`).
    """

    LIMIT = 64                       # cores kept per condition

    def __init__(self) -> None:
        self.by_condition: dict[_NormCond, list[frozenset]] = {}

    def add(self, core: frozenset) -> None:
        for c in core:
            kept = self.by_condition.setdefault(c, [])
            if len(kept) < self.LIMIT:
                kept.append(core)

    def contained_in(self, key: frozenset) -> bool:
        return any(core <= key for c in key for core in self.by_condition.get(c, ()))

    def clear(self) -> None:
        self.by_condition.clear()


class _Sub:
    """A dehomogenised subproblem: some generators fixed to +-1."""
    __slots__ = ("fixed", "conds", "status")

    def __init__(self, fixed, conds, status=None):
        self.fixed, self.conds, self.status = fixed, conds, status


class Oracle:
    """Decide non-emptiness of ``{x : s_k * g_k(x) > 0 for all k}`` exactly.

    ``ring``: the polynomial ring every condition belongs to.
    ``seed``: for the random lines and points (results are reproducible).
    ``z3_timeouts``: escalating per-call z3 budgets in seconds.
    ``homogeneous``: ``None``/``True`` detect scaling symmetries and
    dehomogenise automatically (sound by construction, see
    :mod:`symattn.semialg.scaling`); ``False`` never does.
    ``max_fixed``: dehomogenisation strategies, each fixing at most k
    generators to +-1 (2^k subproblems); at every timeout level each
    strategy gets its turn (a portfolio: neither 1 nor 3 wins everywhere).
    ``relaxation``: try the monomial linearisation in LRA.
    ``line_budget``: lines walked from the hint, and from the best sample.
    ``samples``: float points proposed per decision (0 disables sampling).
    ``ascent``: run the margin ascent before the exact solvers; ``True`` is
    ``ASCENT`` = (48 starts, 60 steps); a pair ``(starts, steps)`` sets the
    size, a list of pairs runs them in turn until one finds a witness (a wide
    ascent finds thin regions that a small one misses, at ten times the cost).
    ``portfolio``: run the nonlinear checks on a
    :class:`~symattn.semialg.portfolio.Portfolio` (``True``: every installed
    procedure; or a list of names, or a Portfolio) instead of in-process z3.
    ``inertia``: try the exact inertia argument for attention scores.
    ``factoring``: split conditions along their irreducible factors over QQ
    when some condition factors, into at most ``factor_cases`` sign cases.
    ``frames``: in the passes with nonlinear calls, decide attention-score
    systems in the frame of their score matrix, one token fixed by the
    matrix's symmetry (:mod:`~symattn.semialg.score_frame`).
    ``sos``: before the portfolio's solvers (only when ``portfolio`` is set),
    search a sum-of-squares certificate for at most ``sos_seconds`` and a Gram
    matrix of at most :data:`~symattn.semialg.sos.QUICK_GRAM` rows (needs
    cvxpy; without it the layer is skipped).
    """

    def __init__(self, ring: PolyRing, *, seed: int = 0,
                 z3_timeouts: Sequence[float] = (0.05, 0.5, 2.0),
                 homogeneous: Optional[bool] = None,
                 max_fixed: Union[int, Sequence[int]] = (1, 3),
                 line_budget: tuple[int, int] = (12, 24), relaxation: bool = True,
                 pool_size: int = 16, samples: int = 512,
                 ascent: Union[bool, tuple[int, int], Sequence[tuple[int, int]]] = True,
                 memo_size: int = 200_000,
                 portfolio: Union[bool, Sequence[str], "Portfolio", None] = None, inertia: bool = True,
                 factoring: bool = True, factor_cases: int = 64, sos: bool = True, sos_seconds: float = 1.0,
                 frames: bool = True):
        self.ring = ring
        self.rng = random.Random(seed)
        self._nprng = np.random.default_rng(seed)
        self.samples = samples
        self.ascent = _ascent_stages(ascent)
        self.memo_size = memo_size
        self.z3_timeouts = tuple(float(t) for t in z3_timeouts)
        self.homogeneous = homogeneous
        self.max_fixed = (max_fixed,) if isinstance(max_fixed, int) else tuple(max_fixed)
        self.line_budget = line_budget
        self.relaxation = relaxation
        self.stats: Counter[str] = Counter()
        self.portfolio = _portfolio(portfolio)
        self.inertia = inertia
        self.factoring = factoring
        self.factor_cases = factor_cases
        self.frames = frames
        self.sos = sos and self.portfolio is not None and sos_available()
        self.sos_seconds = sos_seconds
        self._z3 = None
        self._relax_backend = None
        self._memo: dict[frozenset, Decision] = {}
        self._cores = _Cores()
        self._affine = _Cores()
        self._pool: deque[IntPoint] = deque(maxlen=pool_size)
        self._facts: dict[PolyElement, tuple[bool, bool, bool, bool]] = {}

    # ------------------------------------------------------------------
    # public
    # ------------------------------------------------------------------
    def decide(self, conditions: Sequence[Condition], *, hint=None,
               deadline: Optional[float] = None) -> Decision:
        """Feasible / Infeasible / Undecided for the conjunction of ``conditions``.

        ``hint``: a point (mapping or :class:`Witness`) believed to satisfy
        most conditions, typically the parent region's witness.
        ``deadline``: a ``time.monotonic()`` value; past it, return
        Undecided promptly.
        """
        conditions = tuple(conditions)
        for g, _ in conditions:
            if g.ring != self.ring:
                raise ValueError(f"condition {g} is not in the oracle's ring {self.ring}")
        result = self._decide(conditions, hint, deadline)
        if isinstance(result, Feasible):
            self._verify(conditions, result.witness)
            layer = result.layer
        elif isinstance(result, Infeasible):
            layer = result.reason.split(":", 1)[0]
        else:
            layer = "undecided"
        self.stats[layer] += 1
        return result

    def resources(self) -> tuple:
        """What a fresh oracle may take over from this one (:meth:`adopt`): the z3 contexts, the
        cache of sign-definiteness facts and the affine cores proven infeasible (:class:`_Cores`).
        They are resources and facts, not a memory of earlier answers: an oracle that adopts them
        answers as a fresh one would, only without paying for a new z3 context (about 10 ms) or
        for linear programs already solved."""
        return self._z3, self._relax_backend, self._facts, self._affine

    def adopt(self, resources: tuple) -> None:
        """Use the :meth:`resources` of another oracle over the same ring."""
        self._z3, self._relax_backend, self._facts, self._affine = resources

    def syntactic(self, conditions: Sequence[Condition]) -> Optional[Infeasible]:
        """The cheapest layer alone: an :class:`Infeasible` when the syntactic and
        sign-definiteness arguments refute ``conditions`` (exact, no solver), else None."""
        result = self._syntactic(tuple(conditions))
        return result if isinstance(result, Infeasible) else None

    def region(self, conditions: Sequence[Condition], **kw) -> Union[Region, Infeasible, Undecided]:
        """``decide`` and wrap a Feasible answer into a :class:`Region`."""
        r = self.decide(conditions, **kw)
        return r.region(conditions) if isinstance(r, Feasible) else r

    # ------------------------------------------------------------------
    # pipeline
    # ------------------------------------------------------------------
    def _decide(self, conditions, hint, deadline, case: bool = False) -> Decision:
        """The layers in order.  ``case``: a sign case of a factored system, so the witness search
        past the hint and the pool is skipped (the whole system's search has already failed) and
        the case is not factored again."""
        prep = self._syntactic(conditions)
        if isinstance(prep, Infeasible):
            return prep
        conds: list[_NormCond] = prep
        key = frozenset(conds)
        hit = self._memo.get(key)
        if hit is not None:
            return _relabel(hit, "memo")
        if self._cores.contained_in(key):
            return Infeasible("memo: contains a subset proven infeasible before")
        if self._affine.contained_in(key):
            return self._infeasible(key, key, _LRA if all(is_affine(h) for h, _ in conds) else _LRA_SUBSET)
        hint_pt = self._hint_point(hint)
        if not conds:
            pt = hint_pt if hint_pt is not None else ((0,) * self.ring.ngens, 1)
            return Feasible(self._witness(pt), "syntactic")
        ips = [compile_poly(h) for h, _ in conds]
        targets = [s if ip.scale > 0 else -s for ip, (_, s) in zip(ips, conds)]
        ls = LineSearch(ips, targets, self.rng)

        def found(pt: IntPoint, layer: str, simplify: bool = False) -> Feasible:
            if simplify:
                pt = _simplify(ls, pt)
            res = Feasible(self._witness(pt), layer)
            self._remember(key, res)
            self._pool.appendleft(pt)
            return res

        # -- exact witnesses ------------------------------------------------
        if hint_pt is not None and ls.is_witness(hint_pt):
            return found(hint_pt, "hint")
        for pt in self._pool:
            if ls.is_witness(pt):
                return found(pt, "pool")
        if _past(deadline):
            return Undecided("deadline reached before the search")
        if not case:
            witness = self._search(ls, ips, hint_pt, deadline)
            if witness is not None:
                return found(*witness)
        return self._prove(conds, ips, targets, ls, key, found, hint, hint_pt, deadline, case)

    def _search(self, ls, ips, hint_pt, deadline) -> Optional[tuple[IntPoint, str]]:
        """``(point, layer)`` from the witness search: lines from the hint, samples, lines, ascent."""
        budget_hint, budget_start = self.line_budget
        if hint_pt is not None:
            pt = ls.search(hint_pt, budget_hint, deadline)
            if pt is not None:
                return pt, "line"
        centre = None if hint_pt is None else [n / hint_pt[1] for n in hint_pt[0]]
        wit, start = (propose(ls, FloatEvaluator(ips), self._nprng, centre, self.samples)
                      if self.samples > 0 else (None, None))
        if wit is not None:
            return wit, "sample"
        pt = ls.search(start if start is not None else ls.random_point(), budget_start, deadline)
        if pt is not None:
            return pt, "line"
        for starts, steps in self.ascent:
            if _past(deadline):
                break
            pt = ascend(ls, self._nprng, None, centre, n=starts, iters=steps)
            if pt is not None:
                return pt, "ascent"
        return None

    def _prove(self, conds, ips, targets, ls, key, found, hint, hint_pt, deadline, case: bool) -> Decision:
        """The layers that can prove emptiness (and the solvers, whose models become witnesses)."""

        # -- exact linear arithmetic ----------------------------------------
        affine = [k for k, ip in enumerate(ips) if ip.degree <= 1]
        if len(affine) == len(conds):
            return self._lra(conds, ips, targets, ls, key, found, deadline)
        if affine:
            sub = self._lra_infeasible([(ips[k], targets[k]) for k in affine], deadline)
            if sub is not None:
                core = frozenset(conds[affine[k]] for k in sub)
                self._affine.add(core)
                return self._infeasible(key, core, _LRA_SUBSET)
        if self.relaxation:
            core = self._relaxation_core(ips, targets, deadline)
            if core is not None:
                # the core's relaxation is infeasible, so is every system containing it
                return self._infeasible(key, frozenset(conds[k] for k in core),
                                        "relaxation: infeasible even with monomials as independent unknowns (exact LRA)")

        # -- structure: inertia of attention scores ---------------------------
        if self.inertia:
            argument = score_inertia(self.ring, conds)
            if argument is not None:
                return self._infeasible(key, key, f"inertia: {argument}")

        # -- structure: irreducible factors over QQ -----------------------------
        if self.factoring and not case:
            system = factor_system(conds)
            if (system.splits or system.dropped) and system.count() <= self.factor_cases:
                return self._factor_cases(system, ls, key, found, hint, deadline)

        # -- structure: the symmetry of the score matrix fixes a token ------------
        if self.frames and not case and self.z3_timeouts and not _past(deadline):
            frame = score_frame(self.ring, conds)
            if frame is not None and frame.complete:
                # only systems of scores alone: the cases are then equivalent to the system (a
                # subset's emptiness is rare, and its solver calls would be paid twice)
                return self._frame_cases(frame, ls, key, found, deadline)

        # -- certificates: a sum of squares, checked exactly (portfolio passes only) ---
        if self.sos and not _past(deadline):
            proof = self._sos(conds, deadline)
            if proof is not None:
                return self._infeasible(key, key, proof)

        # -- nonlinear: z3 nlsat (or the portfolio) on the (dehomogenised) problem
        return self._nlsat(conds, ips, targets, ls, key, found, hint_pt, deadline)

    # ------------------------------------------------------------------
    def _syntactic(self, conditions) -> Union[list[_NormCond], Infeasible]:
        seen: dict[PolyElement, int] = {}
        out: list[_NormCond] = []
        for g, s in conditions:
            h, s2 = normalize_condition(g, s)
            rel = ">" if s > 0 else "<"
            if is_constant(h):
                if not h or s2 < 0:
                    return Infeasible(f"syntactic: constant condition {g.as_expr()} {rel} 0 is false")
                continue
            prev = seen.get(h)
            if prev is not None:
                if prev != s2:
                    return Infeasible(f"syntactic: {h.as_expr()} is required to be both > 0 and < 0")
                continue
            nonneg, nonpos, pos, neg = self._sign_facts(h)
            if (s2 < 0 and nonneg) or (s2 > 0 and nonpos):
                return Infeasible(f"syntactic: {g.as_expr()} {rel} 0 contradicts a sign-definite polynomial")
            if (s2 > 0 and pos) or (s2 < 0 and neg):
                continue                      # true everywhere: drop
            seen[h] = s2
            out.append((h, s2))
        # products: LM(a*b) = LM(a)*LM(b) and a*b is primitive with LC > 0
        if len(out) >= 3:
            by_lm: dict[tuple, list[int]] = {}
            for k, (h, _) in enumerate(out):
                by_lm.setdefault(h.LM, []).append(k)
            for i in range(len(out)):
                for j in range(i + 1, len(out)):
                    lm = tuple(a + b for a, b in zip(out[i][0].LM, out[j][0].LM))
                    for k in by_lm.get(lm, ()):
                        prod = out[i][0] * out[j][0]
                        if prod == out[k][0] and out[k][1] != out[i][1] * out[j][1]:
                            a, b, c = out[i], out[j], out[k]
                            return Infeasible(
                                f"syntactic: {c[0].as_expr()} must be {'>' if c[1] > 0 else '<'} 0 but "
                                f"{a[0].as_expr()} {'>' if a[1] > 0 else '<'} 0 and "
                                f"{b[0].as_expr()} {'>' if b[1] > 0 else '<'} 0 force the product "
                                f"{'>' if a[1] * b[1] > 0 else '<'} 0")
        return out

    def _sign_facts(self, h: PolyElement) -> tuple[bool, bool, bool, bool]:
        f = self._facts.get(h)
        if f is None:
            f = (is_nonnegative(h), is_nonnegative(-h), is_positive(h), is_positive(-h))
            if len(self._facts) > 100_000:
                self._facts.clear()
            self._facts[h] = f
        return f

    # ------------------------------------------------------------------
    def _backend(self):
        if self._z3 is None:
            from .z3backend import Z3Backend
            self._z3 = Z3Backend(self.ring.ngens)
        return self._z3

    def _lra(self, conds, ips, targets, ls, key, found, deadline) -> Decision:
        terms = [([(c, mon) for c, mon, _ in ip.terms], t) for ip, t in zip(ips, targets)]
        status, payload = self._backend().check(terms, logic="QF_LRA",
                                                timeout=max(self.z3_timeouts + (1.0,)),
                                                deadline=deadline, want_core=True)
        if status == "sat":
            for vals in payload:
                pt = to_int_point([v if v is not None else Fraction(0) for v in vals])
                if ls.is_witness(pt):
                    return found(pt, "lra", simplify=True)
            return Undecided("lra: z3 model failed the exact check")   # pragma: no cover
        if status == "unsat":
            core = frozenset(conds[k] for k in payload)
            self._affine.add(core)
            return self._infeasible(key, core, _LRA)
        return Undecided(f"lra: {payload}")

    def _lra_infeasible(self, polys_targets, deadline) -> Optional[list[int]]:
        terms = [([(c, mon) for c, mon, _ in ip.terms], t) for ip, t in polys_targets]
        status, payload = self._backend().check(terms, logic="QF_LRA", timeout=1.0,
                                                deadline=deadline, want_core=True)
        return payload if status == "unsat" else None

    def _relaxation_core(self, ips, targets, deadline) -> Optional[list[int]]:
        """Replace each nonconstant monomial by a fresh unknown (even ones >= 0); the positions of an
        infeasible subset when that linear problem is infeasible, else None."""
        index: dict[tuple, int] = {}
        lin = []
        for ip, t in zip(ips, targets):
            row = []
            for c, mon, _ in ip.terms:
                if not mon:
                    row.append((c, ()))
                    continue
                j = index.setdefault(mon, len(index))
                row.append((c, ((j, 1),)))
            lin.append((row, t))
        if len(index) > 400:
            return None
        even = [j for mon, j in index.items() if all(e % 2 == 0 for _, e in mon)]
        be = self._relax_backend
        if be is None or be.ngens < len(index):
            from .z3backend import Z3Backend
            be = self._relax_backend = Z3Backend(max(len(index), 2 * self.ring.ngens))
        status, core = be.check(lin, logic="QF_LRA", timeout=0.5, deadline=deadline, nonneg=even, want_core=True)
        return core if status == "unsat" else None

    def _sos(self, conds, deadline) -> Optional[str]:
        """The reason of an emptiness proved by a sum-of-squares certificate (one condition, then
        products of two, while the Gram matrix stays within its limit), or None."""
        seconds = self.sos_seconds if deadline is None else min(self.sos_seconds, deadline - time.monotonic())
        if seconds <= 0:
            return None
        found = sos_search(conds, (1, 2), timeout=seconds, max_gram=QUICK_GRAM)
        if found.certificate is None:
            return None
        return (f"sos: a sum-of-squares identity with products of at most {found.certificate.degree} "
                f"condition(s) and a {len(found.certificate.basis)}x{len(found.certificate.basis)} "
                "Gram matrix, checked exactly")

    # ------------------------------------------------------------------
    def _subproblems(self, ips, targets, fix, hint_pt) -> list[_Sub]:
        subs: list[_Sub] = []
        for signs in itertools.product((1, -1), repeat=len(fix)):
            fixed = dict(zip(fix, signs))
            sub_conds = []
            status = None
            for ip, t in zip(ips, targets):
                terms = ip.substitute(fixed) if fixed else [(c, mon) for c, mon, _ in ip.terms]
                if not terms:                      # the zero polynomial has no strict sign
                    status = "unsat"
                    break
                if len(terms) == 1 and not terms[0][1]:
                    if (terms[0][0] > 0) != (t > 0):
                        status = "unsat"
                        break
                    continue                       # a true constant condition
                sub_conds.append((terms, t))
            subs.append(_Sub(fixed, sub_conds, status))
        if hint_pt is not None and fix:            # the hint's own slice first
            hn = hint_pt[0]
            subs.sort(key=lambda s: -sum((hn[i] > 0) == (v > 0) for i, v in s.fixed.items()))
        return subs

    def _nlsat(self, conds, ips, targets, ls, key, found, hint_pt, deadline) -> Decision:
        if not self.z3_timeouts:            # a pass without nonlinear calls: no slices to prepare
            return Undecided("z3 nlsat not run")
        fixes: list[list[int]] = []
        if self.homogeneous is not False:
            for k in self.max_fixed:
                f = coordinates_to_fix(ips, k)
                if f not in fixes:
                    fixes.append(f)
        if not fixes or (self.portfolio is not None and [] not in fixes):
            # the portfolio also gets the problem as it stands, after the slices:
            # a nonempty branch's witness usually lies in the hint's slice, where
            # yices finds it in tens of milliseconds, while the whole problem
            # mostly runs to the time limit
            fixes.append([])
        strategies = [(fix, self._subproblems(ips, targets, fix, hint_pt)) for fix in fixes]
        reason = "z3 nlsat not run"
        provers: dict[str, None] = {}

        def proof(fix) -> Infeasible:
            how = (f" after fixing {len(fix)} coordinate(s) to +-1 by scaling symmetry"
                   if fix else "")
            if self.portfolio is None:
                return self._infeasible(key, key, f"nlsat: z3 QF_NRA proves emptiness{how}")
            return self._infeasible(key, key, f"portfolio: emptiness proved by {'; '.join(provers)}{how}")

        for level, timeout in enumerate(self.z3_timeouts):
            for fix, subs in strategies:
                if all(s.status == "unsat" for s in subs):
                    return proof(fix)
                for sub in subs:
                    if sub.status is not None:
                        continue
                    if _past(deadline):
                        return Undecided(f"deadline reached during nlsat ({reason})")
                    if not sub.conds:
                        # every condition became a true constant: the whole slice works
                        pt = self._complete({}, sub.fixed)
                        if ls.is_witness(pt):
                            return found(pt, "nlsat")
                        sub.status = "unknown"     # pragma: no cover - defensive
                        continue
                    status, payload = self._nra(sub.conds, timeout, deadline)
                    if status == "unsat":
                        sub.status = "unsat"
                        provers[payload] = None
                    elif status == "sat":
                        pt = self._round_model(ls, payload, sub.fixed, deadline)
                        if pt is not None:
                            return found(pt, "nlsat", simplify=True)
                        sub.status = "unrounded"
                        who = "z3 nlsat" if self.portfolio is None else "the portfolio"
                        reason = f"{who} answered sat but no exact rational witness was recovered"
                    else:
                        reason = payload
                        break      # this strategy is stuck at this level: try the next one
                if all(s.status == "unsat" for s in subs):
                    return proof(fix)
            if level + 1 < len(self.z3_timeouts) and not _past(deadline):
                pt = ls.search(ls.random_point(), self.line_budget[1] * (level + 1), deadline)
                if pt is not None:
                    return found(pt, "line")
        return Undecided(reason)

    def _factor_cases(self, system: FactoredSystem, ls, key, found, hint, deadline) -> Decision:
        """Decide every sign case of ``system`` (see :mod:`.factoring`): one nonempty case is a
        witness (checked against the original conditions), all empty is emptiness."""
        layers: dict[str, None] = {}
        open_reasons: list[str] = []
        total = 0
        for case in system.cases():
            total += 1
            if _past(deadline):
                return Undecided(f"deadline reached while deciding the factored sign cases ({total - 1} asked)")
            r = self._decide(case, hint, deadline, case=True)
            if isinstance(r, Feasible):
                pt = r.witness.int_point(self.ring)
                if not ls.is_witness(pt):      # on the null set of a dropped factor: step off it
                    pt = ls.search(pt, max(2, self.line_budget[0]), deadline)
                if pt is not None:
                    return found(pt, "factor")
                open_reasons.append("a case's witness lies on a dropped factor's zero set")
            elif isinstance(r, Infeasible):
                layers[r.reason.split(":", 1)[0]] = None
            else:
                open_reasons.append(r.reason)
        if not total:
            return self._infeasible(key, key, "factor: no signs of the irreducible factors over QQ satisfy every "
                                              "condition at once")
        if not open_reasons and not system.splits:
            return self._infeasible(key, key, "factor: empty with the factors that only remove a null set dropped "
                                              f"({', '.join(layers)})")
        if not open_reasons:
            return self._infeasible(key, key, f"factor: each of the {total} sign cases of the irreducible factors "
                                              f"over QQ is empty ({', '.join(layers)})")
        return Undecided(f"factor: {len(open_reasons)} of {total} sign cases undecided ({open_reasons[0]})")

    def _frame_cases(self, frame: ScoreFrame, ls, key, found, deadline) -> Decision:
        """Decide the cases of a complete score frame (see :mod:`.score_frame`): all empty is
        emptiness; a case's witness, lifted back and re-checked, is a witness."""
        layers: dict[str, None] = {}
        for k, case in enumerate(frame.cases):
            r = self._decide(case, None, deadline, case=True)
            if isinstance(r, Feasible):
                pt = to_int_point(frame.lift(k, r.witness.fractions(self.ring)))
                if ls.is_witness(pt):
                    return found(pt, "frame")
                return Undecided("frame: a case's witness does not lift to one")   # pragma: no cover
            if isinstance(r, Undecided):
                return Undecided(f"frame: case {k + 1} of {len(frame.cases)} undecided ({r.reason})")
            layers[r.reason] = None
        return self._infeasible(key, key, f"frame: {frame.statement}; each of the {len(frame.cases)} case(s) "
                                          f"is empty ({'; '.join(layers)})")

    def _nra(self, conds, timeout, deadline):
        """``(status, payload)`` of one nonlinear check: z3 in process, or the portfolio.

        ``payload``: for sat, rational candidate points; for unsat, who proved
        it; otherwise the reason.
        """
        if self.portfolio is None:
            status, payload = self._backend().check(conds, logic="QF_NRA", timeout=timeout,
                                                    deadline=deadline)
            return status, ("z3 nlsat" if status == "unsat" else payload)
        verdict = self.portfolio.check(conds, self.ring.ngens, timeout=timeout, deadline=deadline)
        if verdict.status == "sat":
            return "sat", [list(verdict.witness)]
        if verdict.status == "unsat":
            who = " and ".join(verdict.proved_by)
            return "unsat", who if verdict.confirmed else f"{who} (not cross-checked)"
        if verdict.hints:
            return "sat", [list(h) for h in verdict.hints]   # points to search from, checked exactly
        return "unknown", f"portfolio: {verdict.reason()}"

    def _round_model(self, ls, values, fixed, deadline) -> Optional[IntPoint]:
        last = None
        for vals in values:
            pt = self._complete({i: v for i, v in enumerate(vals) if v is not None and i not in fixed}, fixed)
            last = pt
            if ls.is_witness(pt):
                return pt
        if last is not None:
            return ls.search(last, self.line_budget[1], deadline)
        return None

    # ------------------------------------------------------------------
    def _complete(self, values: Mapping[int, Fraction], fixed: Mapping[int, int]) -> IntPoint:
        full = [Fraction(0)] * self.ring.ngens
        for i, v in values.items():
            full[i] = v
        for i, v in fixed.items():
            full[i] = Fraction(v)
        return to_int_point(full)

    def _remember(self, key, res: Decision) -> None:
        if len(self._memo) >= self.memo_size:
            self._memo.clear()
            self._cores.clear()
        self._memo[key] = res

    def _infeasible(self, key, core, reason) -> Infeasible:
        res = Infeasible(reason)
        self._remember(key, res)
        self._cores.add(frozenset(core))
        return res

    def _hint_point(self, hint) -> Optional[IntPoint]:
        if hint is None:
            return None
        try:
            if isinstance(hint, Witness):
                return hint.int_point(self.ring)
            return to_int_point(as_fractions(hint, self.ring))
        except (KeyError, ValueError, TypeError):
            return None

    def _witness(self, pt: IntPoint) -> Witness:
        nums, D = pt
        return Witness.from_fractions(self.ring, [Fraction(n, D) for n in nums])

    def _verify(self, conditions, witness: Witness) -> None:
        nums, D = witness.int_point(self.ring)
        for g, s in conditions:
            if compile_poly(g).sign_at(nums, D) != s:
                raise AssertionError(f"internal error: witness fails {g} ({s}); please report")


def _portfolio(spec) -> Optional["Portfolio"]:
    """The oracle's :class:`Portfolio` from its ``portfolio`` option (``None`` when off)."""
    if spec is None or spec is False:
        return None
    from .portfolio import Portfolio
    if isinstance(spec, Portfolio):
        return spec
    chosen = Portfolio(None if spec is True else list(spec))
    return chosen if chosen.procedures else None


def _ascent_stages(ascent) -> tuple[tuple[int, int], ...]:
    """The ascent sizes to try in turn: ``True``, one ``(starts, steps)`` pair, or several."""
    if ascent is True:
        return (ASCENT,)
    if not ascent:
        return ()
    if isinstance(ascent[0], int):
        ascent = (ascent,)
    stages = tuple((int(n), int(k)) for n, k in ascent)
    if any(n < 1 or k < 1 for n, k in stages):
        raise ValueError(f"ascent sizes must be positive (starts, steps) pairs, not {ascent!r}")
    return stages


def _past(deadline: Optional[float]) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _relabel(res: Decision, layer: str) -> Decision:
    if isinstance(res, Feasible):
        return Feasible(res.witness, layer)
    if isinstance(res, Infeasible):
        return Infeasible(f"{layer}: {res.reason}")
    return res


def _simplify(ls: LineSearch, pt: IntPoint) -> IntPoint:
    """Replace coordinates by simpler nearby rationals while every condition still holds."""
    nums, D = pt
    vals = [Fraction(n, D) for n in nums]
    for i in ls.used:
        x = vals[i]
        if x.denominator == 1 and abs(x.numerator) < 1000:
            continue
        for delta in (Fraction(1, 2), Fraction(1, 16), Fraction(1, 256), Fraction(1, 65536),
                      Fraction(1, 2 ** 32)):
            y = simplest_between(x - delta * max(1, abs(x)), x + delta * max(1, abs(x)))
            if y == x:
                break
            trial = vals[:]
            trial[i] = y
            tp = to_int_point(trial)
            if ls.is_witness(tp):
                vals = trial
                break
    return to_int_point(vals)
