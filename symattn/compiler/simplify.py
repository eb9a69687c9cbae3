r"""``simplify``: a spline → an equivalent spline whose description is shorter, each step justified exactly.

*Equivalent* means: every region of the result contains the region it
replaces and differs from it by at most a closed null set (the zero set of
a nonzero polynomial); the pieces stay pairwise disjoint, keep their sign
patterns, witnesses and polynomials, and so define the same function off a
closed null set.  A spline is continuous, so the two are the same function
everywhere, and ``prove_equal(s, s.simplify())`` proves it region by region.

The steps, in order:

1. **Factor** each condition ``s·g > 0`` over QQ (parameters included),
   ``g = c·∏ f_k^{e_k}``.  A factor of even multiplicity is positive off its
   zero set, a null set: it is dropped *and that is recorded*.  A factor the
   sign-definite tests of :mod:`symattn.semialg.poly` prove positive
   (negative) everywhere is dropped (flips the sign); one proved nonnegative
   is dropped with its zero set recorded.  A condition left with no factor
   holds off a null set and disappears.
2. **Implied conditions.**  A condition ``c`` of a region is dropped when the
   oracle proves ``(the others) ∧ (the opposite of c)`` empty (the region
   then equals the others off the null set ``g = 0``); conditions are tried
   in order, so the result is deterministic.  An undecided question keeps
   the condition.
3. **Per output entry**, the pieces on which that entry is the same
   polynomial are grouped (:class:`EntryRow`).  For a complete spline a
   group described more simply as a whole is written so: by the conditions
   its members share, when the oracle proves no other piece meets them (the
   whole space when it has every piece), or, for two members that differ by
   flipping two conditions, by the product of those two.  Otherwise the row
   is the union of its members' regions, shortened exactly by
   :func:`merge_adjacent` (two parts that differ only in the sign of one
   condition become one without it).

Every dropped factor and condition is in :attr:`Simplification.notes`.

>>> import symattn
>>> from symattn.nn import MaskedAttention
>>> s = symattn.compile(MaskedAttention([[1]], [[1]], [[1]]), n=2)
>>> [str(p.region) for p in s.pieces]
['x[0,0]**2 > 0 & x[0,0]*x[1,0] > 0 & x[1,0]**2 > 0', 'x[0,0]**2 > 0 & x[0,0]*x[1,0] < 0 & x[1,0]**2 > 0']
>>> t = simplify(s)
>>> [str(p.region) for p in t.pieces]
['x[0,0]*x[1,0] > 0', 'x[0,0]*x[1,0] < 0']
>>> t.simplified.entries[0, 0][0].where is None      # f[0,0] = x[0,0]**3 everywhere
True
>>> t.simplified.notes[0]
'x[0,0]**2 > 0 dropped: it fails only on the null set x[0,0] = 0'
"""

from __future__ import annotations

import time
from functools import lru_cache
from dataclasses import replace
from typing import Any, Sequence

from ..semialg.decide import Infeasible, emptiness
from ..semialg.poly import PolyElement, is_nonnegative, is_positive, normalize_condition
from ..semialg.region import Condition, Region, Witness, check_conditions
from ..spline import EntryRow, Simplification, Spline

__all__ = ["simplify", "simplify_condition", "merge_adjacent", "EntryRow", "Simplification"]

#: per oracle question; a question not settled in time keeps what it asked about
QUESTION_SECONDS = 0.5


@lru_cache(maxsize=8192)
def _show(g: PolyElement, s: int) -> str:
    return f"{g.as_expr()} {'>' if s > 0 else '<'} 0"


@lru_cache(maxsize=8192)
def simplify_condition(g: PolyElement, s: int) -> tuple[Condition | None, tuple[str, ...]]:
    """``s·g > 0`` with even and sign-definite factors removed, and the notes saying why.

    ``None`` when nothing is left (the condition holds off a null set); a
    condition that holds nowhere is a ``ValueError`` (no witnessed region has it).

    >>> import sympy
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x, a = sympy.symbols("x a", real=True)
    >>> R = polynomial_ring((x,), (a,)); X, A = R.gens
    >>> simplify_condition(A * X**2, 1)[0]
    (a, 1)
    >>> simplify_condition(-(X**3 + X), 1)[0]
    (x, -1)
    """
    const, factors = g.factor_list()
    sign = s * (1 if const > 0 else -1)
    kept: list[PolyElement] = []
    notes: list[str] = []
    for f, e in sorted(factors, key=lambda fe: str(fe[0])):
        if e % 2 == 0:
            notes.append(f"{_show(g, s)}: the factor ({f.as_expr()})^{e} is dropped, "
                         f"positive off the null set {f.as_expr()} = 0")
        elif is_positive(f):
            notes.append(f"{_show(g, s)}: the factor {f.as_expr()} is dropped, positive everywhere")
        elif is_positive(-f):
            sign = -sign
            notes.append(f"{_show(g, s)}: the factor {f.as_expr()} is dropped, negative everywhere")
        elif is_nonnegative(f):
            notes.append(f"{_show(g, s)}: the factor {f.as_expr()} is dropped, positive off the null set "
                         f"{f.as_expr()} = 0")
        elif is_nonnegative(-f):
            sign = -sign
            notes.append(f"{_show(g, s)}: the factor {f.as_expr()} is dropped, negative off the null set "
                         f"{f.as_expr()} = 0")
        else:
            kept.append(f)
    if not kept and sign < 0:
        raise ValueError(f"{_show(g, s)} holds nowhere: it cannot be a condition of a witnessed region")
    if not kept:
        zeros = [f for f, e in sorted(factors, key=lambda fe: str(fe[0])) if not (is_positive(f) or is_positive(-f))]
        where = " = 0 or ".join(str(f.as_expr()) for f in zeros) + " = 0" if zeros else "the empty set"
        return None, (f"{_show(g, s)} dropped: it fails only on the null set {where}",)
    product = kept[0]
    for f in kept[1:]:
        product = product * f
    h, t = normalize_condition(product, sign)
    if (h, t) == normalize_condition(g, s) and len(notes) == 0:
        return (g, s), ()
    return (h, t), tuple(notes)


class _Clock:
    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def question(self) -> float | None:
        """The deadline of one oracle question: a short slice, never past the budget."""
        now = time.monotonic()
        end = now + QUESTION_SECONDS
        return end if self.deadline is None else min(end, self.deadline)

    @property
    def spent(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


def _empty(ring, conditions: Sequence[Condition], clock: _Clock, points: Sequence[Witness] = ()) -> bool:
    """Proved empty.  A known point inside (a witness of any piece) answers no without the oracle."""
    if any(check_conditions(conditions, w) is None for w in points) or clock.spent:
        return False
    return isinstance(emptiness(ring, tuple(conditions), deadline=clock.question()), Infeasible)


def _clash(a: Sequence[Condition], b: Sequence[Condition]) -> bool:
    """Syntactically disjoint: the same wall with opposite signs."""
    signs = dict(a)
    return any(signs.get(g, s) == -s for g, s in b)


def _region(piece_region: Region, ring, clock: _Clock, notes: list[str], points: Sequence[Witness]) -> Region:
    conditions: list[Condition] = []
    for g, s in piece_region.conditions:
        c, why = simplify_condition(g, s)
        notes.extend(n for n in why if n not in notes)
        if c is not None and c not in conditions:
            conditions.append(c)
    k = 0
    while k < len(conditions) and len(conditions) > 1:
        g, s = conditions[k]
        others = conditions[:k] + conditions[k + 1:]
        if _empty(ring, [(g, -s)] + others, clock, points):
            note = f"{_show(g, s)} dropped where it follows from {' & '.join(_show(*c) for c in others)}"
            if note not in notes:
                notes.append(note)
            conditions = others
        else:
            k += 1
    return Region(tuple(conditions), piece_region.witness)


def merge_adjacent(parts: Sequence[tuple[Condition, ...]]) -> tuple[tuple[Condition, ...], ...]:
    """A union of conjunctions, shorter and equal off a null set: exact rewriting, no oracle.

    ``(A ∧ g > 0) ∪ (A ∧ g < 0)`` is ``A`` off the null set ``g = 0``, and
    ``A ∪ (A ∧ B)`` is ``A``; both are applied until neither applies, in a
    deterministic order.

    >>> import sympy
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
    >>> merge_adjacent([((X, 1), (Y, 1)), ((X, 1), (Y, -1)), ((X, -1), (Y, 1))])
    (((x, 1),), ((x, -1), (y, 1)))
    """
    parts = [tuple(p) for p in parts]
    changed = True
    while changed:
        changed = False
        sets = [frozenset(p) for p in parts]
        for i, j in ((i, j) for i in range(len(parts)) for j in range(len(parts)) if i != j):
            if sets[j] < sets[i] or (sets[i] == sets[j] and j < i):      # parts[i] lies inside parts[j]
                del parts[i]
                changed = True
                break
            diff = sets[i] ^ sets[j]
            if len(diff) == 2 and len(sets[i]) == len(sets[j]) and len({g for g, _ in diff}) == 1:
                parts[i] = tuple(c for c in parts[i] if c not in diff)
                del parts[j]
                changed = True
                break
    return tuple(parts)


def _describe(members: list[Region], others: list[Region], complete: bool, ring,
              clock: _Clock, points: Sequence[Witness]) -> tuple[tuple[Condition, ...], ...] | None:
    """The rows' region: None (everywhere), one conjunction, or a union of conjunctions."""
    union = merge_adjacent([r.conditions for r in members])
    if () in union or (complete and not others):
        return None     # the members cover everything off a null set
    if not complete or (len(members) == 1 and others):
        return union  # a lone region is already minimal: step 2 dropped what the others imply
    common = [c for c in members[0].conditions if all(c in r.conditions for r in members[1:])]
    candidates = []
    if common:
        candidates.append(common)
    if len(members) == 2:
        a, b = members[0].conditions, members[1].conditions
        da, db = [c for c in a if c not in b], [c for c in b if c not in a]
        if len(da) == len(db) == 2 and {(g, -s) for g, s in da} == set(db):
            (g1, s1), (g2, s2) = da
            product, _ = simplify_condition(g1 * g2, s1 * s2)
            candidates.append(common + ([product] if product is not None else []))
    for cand in candidates:
        if any(check_conditions(cand, o.witness) is None for o in others):
            continue
        if all(_clash(cand, o.conditions) or _empty(ring, list(cand) + list(o.conditions), clock)
               for o in others):
            k = 0
            while k < len(cand):  # drop what the separation does not need
                shorter = cand[:k] + cand[k + 1:]
                if shorter and all(_clash(shorter, o.conditions)
                                   or _empty(ring, shorter + list(o.conditions), clock) for o in others):
                    cand = shorter
                else:
                    k += 1
            return (tuple(cand),) if len(cand) < sum(len(r) for r in union) or len(union) > 1 else union
    return union


def simplify(spline: Spline, budget: float | None = 60.0) -> Spline:
    """The spline with simplified regions and per-entry rows (see the module docstring).

    ``budget`` bounds the seconds spent on oracle questions; what is not
    asked in time is kept as it was, so the result is always equivalent.
    """
    clock = _Clock(budget)
    notes: list[str] = []
    ring = spline.ring
    points = [p.witness for p in spline.pieces]
    pieces = tuple(replace(p, region=_region(p.region, ring, clock, notes, points)) for p in spline.pieces)
    rows, cols = spline.shape
    entries: dict[tuple[int, int], tuple[EntryRow, ...]] = {}
    for i in range(rows):
        for j in range(cols):
            groups: dict[Any, list[int]] = {}
            for k, p in enumerate(pieces):
                groups.setdefault(p.polys[i][j], []).append(k)
            out = []
            for value, members in groups.items():
                inside = [pieces[k].region for k in members]
                outside = [p.region for k, p in enumerate(pieces) if k not in set(members)]
                out.append(EntryRow(value, _describe(inside, outside, spline.complete, ring, clock, points),
                                    tuple(members)))
            entries[i, j] = tuple(out)
    simplified = Simplification(entries, tuple(notes), exhausted=clock.spent)
    return replace(spline, pieces=pieces, simplified=simplified)
