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
   polynomial are grouped (:class:`EntryRow`), and for a complete spline
   the group's union is described as a whole (:mod:`symattn.compiler.unions`):
   from a piece's conditions, conditions are dropped while the rest meets no
   piece with another value (their signs clash, or the oracle proves the
   overlap empty), so the row's region contains its pieces and, because the
   pieces cover the space off walls, equals their union off a null set.
   Parts that differ in one sign merge, and parts that differ in the signs
   of two conditions become their product (``x_{0,0} x_{1,0} > 0`` for two
   quadrants).  For an incomplete spline only the exact merges apply.

The rows are asked for first (they are what prints); then each piece's
own region gets step 2.  Every emptiness used is kept
(:attr:`Simplification.dropped`, :attr:`EntryRow.proofs`) and certified
where a checkable certificate exists, so that
:func:`~symattn.proofs.simplified.prove_simplification` re-checks the
whole simplification without deciding anything unrelated.

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
from dataclasses import replace
from typing import Sequence

from ..semialg.certificates import Emptiness, certify_all
from ..semialg.decide import Infeasible, emptiness
from ..semialg.poly import PolyElement
from ..semialg.poly import compile_poly
from ..semialg.region import Condition, Region, Witness
from ..spline import EntryRow, Simplification, Spline
from .conditions import show as _show, simplify_condition
from .unions import Literals, Member, describe_union, merge_adjacent

__all__ = ["simplify", "simplify_condition", "normalized", "merge_adjacent", "EntryRow", "Simplification"]

#: per oracle question; a question not settled in time keeps what it asked about
QUESTION_SECONDS = 0.5


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


class _Points:
    """Known points (the pieces' witnesses) and, per condition, the set of them satisfying it (a bit mask).

    ``inside(conditions)`` tells exactly whether one of the points satisfies
    every condition: a conjunction with a known point is not empty, and
    asking the oracle about it would be wasted.
    """

    def __init__(self, ring, points: Sequence[Witness]) -> None:
        self.ring, self.points = ring, [w.int_point(ring) for w in points]
        self.masks: dict[Condition, int] = {}

    def mask(self, c: Condition) -> int:
        m = self.masks.get(c)
        if m is None:
            poly, s = compile_poly(c[0]), c[1]
            m = sum(1 << k for k, (nums, D) in enumerate(self.points) if poly.sign_at(nums, D) == s)
            self.masks[c] = m
        return m

    def inside(self, conditions: Sequence[Condition]) -> bool:
        m = (1 << len(self.points)) - 1
        for c in conditions:
            m &= self.mask(c)
            if not m:
                return False
        return bool(m)


def _asker(ring, clock: _Clock, points: Sequence[Witness] = ()):
    """The oracle question "is this conjunction empty?" as a function: an Emptiness record or None.

    A known point inside (a witness of any piece) answers no without the
    oracle; a question past the budget is not asked.
    """
    known = _Points(ring, points)

    def ask(conditions: Sequence[Condition]) -> Emptiness | None:
        conditions = tuple(conditions)
        if known.inside(conditions) or clock.spent:
            return None
        answer = emptiness(ring, conditions, deadline=clock.question())
        return Emptiness(conditions, answer.reason) if isinstance(answer, Infeasible) else None
    return ask


def normalized(conditions: Region | Sequence[Condition]) -> tuple[tuple[Condition, ...], tuple[str, ...]]:
    """Step 1 on every condition (:func:`simplify_condition`), duplicates removed, and the notes.

    Takes a :class:`Region` or a sequence of conditions (an undecided sign system).
    """
    given = conditions.conditions if isinstance(conditions, Region) else conditions
    out: list[Condition] = []
    notes: list[str] = []
    for g, s in given:
        c, why = simplify_condition(g, s)
        notes.extend(n for n in why if n not in notes)
        if c is not None and c not in out:
            out.append(c)
    return tuple(out), tuple(notes)


def _region(conditions: Sequence[Condition], witness: Witness, ask, notes: list[str]
            ) -> tuple[Region, tuple[Emptiness, ...]]:
    """Step 2: drop each condition the others imply; the region and the proofs, in the order of the drops."""
    conditions = list(conditions)
    proofs: list[Emptiness] = []
    k = 0
    while k < len(conditions) and len(conditions) > 1:
        g, s = conditions[k]
        others = conditions[:k] + conditions[k + 1:]
        record = ask([(g, -s)] + others)
        if record is not None:
            note = f"{_show(g, s)} dropped where it follows from {' & '.join(_show(*c) for c in others)}"
            if note not in notes:
                notes.append(note)
            proofs.append(record)
            conditions = others
        else:
            k += 1
    return Region(tuple(conditions), witness), tuple(proofs)


def _rows(entry: str, values: Sequence[PolyElement], members: Sequence[Member], undecided: Sequence[Member], ask,
          notes: list[str]) -> tuple[EntryRow, ...]:
    """Step 3 for one output entry: a row per distinct value, its region described as a whole.

    ``undecided``: the undecided sign systems of an incomplete spline, which a
    row's region must miss as it misses the pieces with other values.
    """
    groups: dict[PolyElement, list[int]] = {}
    for k, value in enumerate(values):
        groups.setdefault(value, []).append(k)
    out = []
    for value, inside in groups.items():
        chosen = set(inside)
        others = [m for m in members if m.index not in chosen] + list(undecided)
        parts = describe_union([members[k] for k in inside], others, ask)
        if not others or any(not p.conditions for p in parts):
            out.append(EntryRow(value, None, tuple(inside)))
            continue
        own = sum(any(set(p.conditions) == set(members[k].conditions) for k in inside) for p in parts)
        if own < len(parts):
            shown = " | ".join(f"({' & '.join(_show(*c) for c in p.conditions)})" for p in parts)
            proved = sum(len(p.proofs) for p in parts)
            how = (f"{proved} overlaps proved empty, the other pieces clash with it" if proved
                   else "every other piece clashes with it")
            count = f"{len(inside)} piece" + ("s" if len(inside) > 1 else "")
            notes.append(f"{entry} = {value.as_expr()} on {count}, described as {shown}: it contains them and "
                         f"meets no piece with another value ({how})")
        out.append(EntryRow(value, tuple(p.conditions for p in parts), tuple(inside),
                            tuple(p.proofs for p in parts)))
    return tuple(out)


def simplify(spline: Spline, budget: float | None = 60.0) -> Spline:
    """The spline with simplified regions and per-entry rows (see the module docstring).

    ``budget`` bounds the seconds spent on oracle questions; what is not
    asked in time is kept as it was, so the result is always equivalent.
    Every emptiness the steps rely on is kept, certified where a checkable
    certificate is found (:func:`~symattn.semialg.certificates.certify_all`),
    in :attr:`Simplification.dropped` and :attr:`EntryRow.proofs`, so that
    :func:`~symattn.proofs.prove_equal` re-checks the simplification instead
    of deciding overlaps anew.
    """
    clock = _Clock(budget)
    notes: list[str] = []
    ring = spline.ring
    ask = _asker(ring, clock, [p.witness for p in spline.pieces])
    members = []
    for k, p in enumerate(spline.pieces):
        conditions, why = normalized(p.region)
        notes.extend(n for n in why if n not in notes)
        members.append(Member(k, Literals(conditions), p.witness))
    rows, cols = spline.shape       # the rows print, so they are asked for first
    undecided = [Member(-1 - k, Literals(normalized(case.conditions)[0]))
                 for k, case in enumerate(spline.undecided)]
    entries = {(i, j): _rows(f"f[{i},{j}]", [p.polys[i][j] for p in spline.pieces], members, undecided,
                             ask, notes)
               for i in range(rows) for j in range(cols)}
    pieces, dropped = [], []
    for p, m in zip(spline.pieces, members):
        region, proofs = _region(m.conditions, p.witness, ask, notes)
        pieces.append(replace(p, region=region))
        dropped.append(proofs)
    exhausted = clock.spent
    records = certify_all([r for proofs in dropped for r in proofs]
                          + [r for rs in entries.values() for row in rs for part in row.proofs for r in part])
    certified = {r.conditions: r for r in records}
    dropped = [tuple(certified[r.conditions] for r in proofs) for proofs in dropped]
    entries = {key: tuple(replace(row, proofs=tuple(tuple(certified[r.conditions] for r in part)
                                                    for part in row.proofs)) for row in rs)
               for key, rs in entries.items()}
    simplified = Simplification(entries, tuple(notes), exhausted=exhausted, origin=spline.regions,
                                dropped=tuple(dropped))
    return replace(spline, pieces=tuple(pieces), simplified=simplified)
