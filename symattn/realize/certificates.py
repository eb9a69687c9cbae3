"""``certificate(f)``: a max–min form f = max_i min_j p_ij, where a theorem constructs one.

MATH.md §4.  Two constructions, both exact:

**CPWL on convex cells** (Tarela–Martínez; Ovchinnikov 2002).  With g_c the
affine piece of cell k,

    f = max_k min { g_i : g_i ≥ g_c on cell k }.

"g_i ≥ g_c on cell k" is decided exactly: g_i − g_c < 0 must be empty on
the open cell (exact linear arithmetic), after a free test at the cell's
witness.  Then *(ours)* the certificate is made smaller, exactly: a term
leaves a group when the smaller minimum is still ≤ f on every cell (one
exact LRA question per cell: {g_i > g_c for all remaining i} is empty
there), and a greedy cover keeps only groups that together reach f on
every cell (a group G reaches f on cell k when G ⊆ S_k).  A smaller
certificate means fewer ReLU units and regions in the realized encoder.

**Univariate splines** *(ours)*.  With u = x − t_k and c_k = (p_k − p_{k−1})/u
(exact division: the difference vanishes at the knot),

    f = p_0 + Σ_k σ(u)·c_k,
    σ(u)·c = max( min(u·c, u·(c+1)²/4), min(0, −u·(c−1)²/4) ),

because (c+1)²/4 − c = (c−1)²/4 ≥ 0 and −(c−1)²/4 − c = −(c+1)²/4 ≤ 0.
When c has one sign on the whole line the term is max(0, u·c) (c ≥ 0) or
min(0, u·c) (c ≤ 0).  Sums of max–min forms are max–min forms
(max_i A_i + max_k B_k = max_{i,k}(A_i + B_k), and the same for min).

Anything else raises :class:`NoCertificateError`: Pierce–Birkhoff is
proven but not constructive here for curved walls in two variables, and
open for curved walls in three or more.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> relu = CPWL([[x < 0], [x > 0]], [0, x], [x])
>>> print(certificate(relu))
max(0, x)
>>> print(certificate(UnivariateSpline([0], [0, 2*x], x)))
max(0, 2*x)
"""

from __future__ import annotations

from typing import Any

import sympy

from ..semialg.poly import PolyElement, evaluate, is_affine
from ..semialg.decide import Feasible, Infeasible, emptiness
from .errors import CertificateInputError, NoCertificateError, RealizeError
from .inputs import CPWL, UnivariateSpline, check_compiled
from .maxmin import MaxMin

__all__ = ["certificate", "cpwl_certificate", "univariate_certificate", "spline_as_input", "line_sign"]


def certificate(f: Any) -> MaxMin:
    """A :class:`MaxMin` equal to ``f``, or :class:`NoCertificateError` saying why there is none.

    ``f`` is a :class:`MaxMin` (returned as is), a :class:`UnivariateSpline`,
    a :class:`CPWL`, or a scalar :class:`~symattn.spline.Spline` from
    :func:`symattn.compile` that is piecewise affine on polyhedral cells or
    has one variable and rational knots.
    """
    if isinstance(f, MaxMin):
        return f
    if isinstance(f, UnivariateSpline):
        return univariate_certificate(f)
    if isinstance(f, CPWL):
        return cpwl_certificate(f)
    from ..spline import Spline

    if isinstance(f, Spline):
        return certificate(spline_as_input(f))
    raise NoCertificateError(
        f"no certificate construction for {type(f).__name__}; certificate() takes a MaxMin, "
        "UnivariateSpline, CPWL or compiled Spline")


def spline_as_input(spline) -> CPWL | UnivariateSpline:
    """The :class:`CPWL` or :class:`UnivariateSpline` form of a compiled scalar spline.

    Raises :class:`CertificateInputError` for an incomplete, matrix-valued
    or parametric spline, and :class:`NoCertificateError` (with the reason)
    when no construction applies.
    """
    where = "certificate(spline)"
    if tuple(spline.shape) != (1, 1):
        raise CertificateInputError(where, f"the spline is {spline.shape[0]}×{spline.shape[1]}-valued; "
                                           "realize one output entry at a time (CPWL.from_spline(s, entry=...))")
    check_compiled(spline, where)
    walls = {h for p in spline.pieces for h, _ in p.conditions}
    curved = [h for h in walls if not is_affine(h)]
    nvars = len(spline.variables)
    if spline.degree <= 1 and not curved:
        return CPWL.from_spline(spline)
    if nvars == 1:
        return UnivariateSpline.from_spline(spline)
    if not curved:
        why = (f"its pieces have degree {spline.degree} on a hyperplane partition of R^{nvars}: "
               "Pierce–Birkhoff is proven there (Lai–Lim 2025) but symattn has no construction for it")
    elif nvars == 2:
        why = (f"it has curved walls (e.g. {curved[0].as_expr()} = 0) in 2 variables: Pierce–Birkhoff "
               "is proven for N ≤ 2 (Mahé; Efroymson) but the proof gives no construction symattn implements")
    else:
        why = (f"it has curved walls (e.g. {curved[0].as_expr()} = 0) in {nvars} variables: Pierce–Birkhoff "
               "is unproven for N ≥ 3 with curved walls (a counterexample has been claimed), so a max–min "
               "form need not exist")
    raise NoCertificateError(
        f"no max–min certificate can be constructed for this spline: {why}. If you know one, pass "
        "MaxMin(terms, variables) with f = max_i min_j terms[i][j] to realize(); the round-trip proof "
        "will check it")


# -- CPWL ----------------------------------------------------------------------
def cpwl_certificate(f: CPWL, shrink: bool = True) -> MaxMin:
    """max over cells k of min S_k, S_k = { g_i : g_i ≥ g_c(k) on cell k }, decided exactly.

    With ``shrink`` (default) the certificate is then made smaller, keeping it
    exact.  A term may leave a group as long as the smaller minimum stays ≤ f
    on every cell (checked exactly).  A group G whose minimum is ≤ f equals f
    on every cell k with G ⊆ S_k (its terms are ≥ g_c(k) = f there), and
    smaller groups reach more cells; so after shrinking, a greedy set cover
    keeps only groups that together reach every cell.
    """
    above = _pieces_above(f)
    full = MaxMin._of(tuple(above), f.variables).simplified()
    if not shrink:
        return full
    shrunk = []
    for group in full.groups:
        kept = list(group)
        for g in group:
            trial = [u for u in kept if u != g]
            if trial and _minimum_below_f(f, trial):
                kept = trial
        shrunk.append(tuple(kept))
    return MaxMin._of(tuple(_cover(shrunk, above)), f.variables).simplified()


def _pieces_above(f: CPWL) -> list[tuple[PolyElement, ...]]:
    """S_k = the distinct pieces g with g ≥ g_c(k) on cell k, for every cell k (exact)."""
    distinct = list(dict.fromkeys(f.pieces))
    out = []
    for k, (region, g_c) in enumerate(zip(f.regions, f.pieces)):
        members = []
        for g in distinct:
            d = g - g_c
            if not d:
                members.append(g)
                continue
            if evaluate(d, region.witness) < 0:
                continue                     # g < g_c at a point of the cell
            answer = emptiness(f.ring, region.conditions + ((d, -1),), hint=region.witness)
            if isinstance(answer, Infeasible):
                members.append(g)
            elif not isinstance(answer, Feasible):
                raise RealizeError(f"cell {k}: could not decide whether {g.as_expr()} ≥ {g_c.as_expr()} "
                                   f"there ({answer.reason})")
        out.append(tuple(members))
    return out


def _cover(groups: list[tuple[PolyElement, ...]], above: list[tuple[PolyElement, ...]]
           ) -> list[tuple[PolyElement, ...]]:
    """Few of ``groups`` that together reach every cell k (group ⊆ S_k): a greedy set cover."""
    sets = [frozenset(g) for g in above]
    uncovered = set(range(len(above)))
    chosen = []

    def reached(group) -> set[int]:
        return {k for k in uncovered if frozenset(group) <= sets[k]}

    while uncovered:
        best = max(groups, key=lambda g: (len(reached(g)), -len(g)))
        if not reached(best):
            raise RealizeError("internal error: a cell is reached by no group of its certificate")
        uncovered -= reached(best)
        chosen.append(best)
    return chosen


def _minimum_below_f(f: CPWL, terms: list[PolyElement]) -> bool:
    """Is min(terms) ≤ f on every cell?  (Exact: {all terms > piece} is empty on each cell.)"""
    for region, g_c in zip(f.regions, f.pieces):
        if any(not (u - g_c) for u in terms):
            continue
        if min(evaluate(u - g_c, region.witness) for u in terms) > 0:
            return False
        answer = emptiness(f.ring, region.conditions + tuple((u - g_c, 1) for u in terms), hint=region.witness)
        if not isinstance(answer, Infeasible):
            return False
    return True


# -- univariate ------------------------------------------------------------------
def line_sign(c: PolyElement) -> int:
    """+1 if c ≥ 0 on the whole real line, −1 if c ≤ 0, 0 if it changes sign (exact).

    >>> x = sympy.Symbol("x")
    >>> from symattn.semialg.convert import ring_of
    >>> X, = ring_of((x,)).gens
    >>> line_sign((X - 1)**2 * (X**2 + 1)), line_sign(-X**2), line_sign(X**3)
    (1, -1, 0)
    """
    if not c:
        return 1
    (x,) = c.ring.symbols
    lc, factors = sympy.Poly(c.as_expr(), x).sqf_list()
    sign = 1 if lc > 0 else -1
    for factor, multiplicity in factors:
        if multiplicity % 2:
            if factor.count_roots() > 0:
                return 0
            sign *= 1 if factor.LC() > 0 else -1
    return sign


def _relu_times(u: PolyElement, c: PolyElement, variables) -> MaxMin:
    """σ(u)·c as a max–min (see the module docstring)."""
    s = line_sign(c)
    if s > 0:
        return MaxMin._of(((u.ring.zero,), (u * c,)), variables)
    if s < 0:
        return MaxMin._of(((u.ring.zero, u * c),), variables)
    quarter = u.ring.domain.convert(sympy.Rational(1, 4))
    return MaxMin._of(((u * c, u * (c + 1) ** 2 * quarter), (u.ring.zero, -u * (c - 1) ** 2 * quarter)),
                      variables)


def univariate_certificate(f: UnivariateSpline) -> MaxMin:
    """p_0 + Σ_k σ(x − t_k)·c_k(x) in max–min form."""
    ring = f.ring
    (X,) = ring.gens
    out = MaxMin._of(((f.pieces[0],),), f.variables)
    for k, t in enumerate(f.knots):
        d = f.pieces[k + 1] - f.pieces[k]
        if not d:
            continue
        u = X - ring(t)
        c, r = d.div(u)
        assert not r, "continuity makes the difference divisible by x - t"
        out = out + _relu_times(u, c, f.variables)
    return out.simplified()
