r"""A union of pieces described as a whole: where an output entry is one polynomial.

The pieces of a complete spline cover the space off walls and are pairwise
disjoint.  So a union U of some of them (the *members*) equals, off a null
set, any open set P with

* every member inside P, and
* P disjoint from every other piece (the *non-members*):

a point of P off the walls lies in some piece, not a non-member, so a member.
For an incomplete spline the pieces and the undecided sign systems together
cover the space off walls (every other system was proven empty), so the
same holds with the undecided systems among the non-members.
This module finds such P as a short union of conjunctions, the way a logic
minimiser expands cubes: starting from a member's conditions it drops one
condition after another while the rest stays disjoint from every
non-member.  Disjointness is shown, cheapest first, by

1. a **clash**: the non-member has the opposite sign of a condition, or of
   the product of two of its conditions (``g1 > 0 ∧ g2 < 0`` refutes
   ``g1·g2 > 0``), exact and solver-free, re-checked by anyone;
2. an **emptiness proof** of the conjunction of both, from the oracle, kept
   as an :class:`~symattn.semialg.certificates.Emptiness` record.

An undecided question keeps the condition.  Two parts ``A ∧ g > 0`` and
``A ∧ g < 0`` become ``A``, and ``A ∧ g1 > 0 ∧ g2 > 0`` with
``A ∧ g1 < 0 ∧ g2 < 0`` become ``A ∧ g1·g2 > 0`` (both exact off a null
set, :func:`merge_adjacent`); a merged part is kept only when its
disjointness is shown again.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> merge_adjacent([((X, 1), (Y, 1)), ((X, -1), (Y, -1))])          # two quadrants: x y > 0
(((x*y, 1),),)
>>> quadrants = [Literals(((X, sx), (Y, sy))) for sx in (1, -1) for sy in (1, -1)]
>>> quadrants[1].refutes((X * Y, 1)), quadrants[0].implies((X * Y, 1))
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Callable, Sequence

from ..semialg.certificates import Emptiness
from ..semialg.region import Condition, Witness, check_conditions
from .conditions import simplify_condition

__all__ = ["Literals", "Member", "Part", "separated", "separation", "expand", "merge_adjacent", "describe_union",
           "ORACLE_PER_DROP"]

#: at most this many non-members may need the oracle for one dropped condition (the rest clash)
ORACLE_PER_DROP = 3

Cube = tuple[Condition, ...]
#: asks the oracle whether a conjunction is empty: an Emptiness record (a proof), or None
Ask = Callable[[Cube], "Emptiness | None"]


@lru_cache(maxsize=65536)
def _product(a: Condition, b: Condition) -> Condition | None:
    """The condition ``(s1·g1)·(s2·g2) > 0``, factored (:func:`simplify_condition`); None when it holds off a null set."""
    return simplify_condition(a[0] * b[0], a[1] * b[1])[0]


class Literals:
    """The normalised conditions of one piece and the signs they fix without a solver.

    A piece fixes the sign of each of its conditions and of the product of
    any two of them; :meth:`implies` and :meth:`refutes` read those signs.
    """

    def __init__(self, conditions: Sequence[Condition]) -> None:
        self.conditions = tuple(conditions)
        signs = dict(self.conditions)
        for a, b in combinations(self.conditions, 2):
            c = _product(a, b)
            if c is not None:
                signs.setdefault(*c)
        self.signs = signs

    def implies(self, c: Condition) -> bool:
        """The piece lies inside ``c``: ``c`` is one of its conditions or the product of two."""
        return self.signs.get(c[0]) == c[1]

    def refutes(self, c: Condition) -> bool:
        """The piece lies inside the opposite of ``c``."""
        return self.signs.get(c[0]) == -c[1]


@dataclass(frozen=True)
class Member:
    """A piece seen by a union: its index, normalised conditions and witness.

    An undecided sign system of an incomplete spline is seen the same way,
    without a witness (``index`` -1 - k for the k-th one).
    """

    index: int
    literals: Literals
    witness: Witness | None = None

    @property
    def conditions(self) -> Cube:
        return self.literals.conditions


@dataclass(frozen=True)
class Part:
    """One conjunction of a union and the emptiness proofs of its overlaps with non-members
    that do not clash (one record per such non-member)."""

    conditions: Cube
    proofs: tuple[Emptiness, ...] = ()


def separated(cube: Cube, other: Literals) -> bool:
    """``cube`` and the piece clash: the piece has the opposite sign of one of the cube's conditions."""
    return any(other.refutes(c) for c in cube)


def separation(cube: Cube, others: Sequence[Member], ask: Ask, limit: int | None = ORACLE_PER_DROP
               ) -> tuple[Emptiness, ...] | None:
    """Proofs that ``cube`` meets none of ``others``: a record per non-clashing one, or None when not shown.

    A non-member whose witness satisfies the cube refutes it at once; more
    than ``limit`` non-clashing non-members are not asked about.
    """
    open_ = [o for o in others if not separated(cube, o.literals)]
    if not open_:
        return ()
    if any(o.witness is not None and check_conditions(cube, o.witness) is None for o in open_):
        return None
    if limit is not None and len(open_) > limit:
        return None
    proofs = []
    for o in open_:
        record = ask(tuple(cube) + o.conditions)
        if record is None:
            return None
        proofs.append(record)
    return tuple(proofs)


def _cost(c: Condition) -> tuple:
    g = c[0]
    return (-len(g.terms()), -max((sum(m) for m in g.monoms()), default=0), str(g.as_expr()))


def _drop(cube: Sequence[Condition], order: Sequence[Condition], others: Sequence[Member], ask: Ask,
          proofs: tuple[Emptiness, ...]) -> Part:
    """``cube`` with the conditions of ``order`` dropped in turn while it stays disjoint from ``others``."""
    cube = list(cube)
    for c in order:
        shorter = [d for d in cube if d != c]
        found = separation(shorter, others, ask)
        if found is not None:
            cube, proofs = shorter, found
    return Part(tuple(cube), proofs)


def expand(member: Member, others: Sequence[Member], ask: Ask) -> Part | None:
    """A part containing ``member`` and disjoint from ``others``, with as few conditions as shown possible.

    Conditions are dropped one by one while the rest stays disjoint from
    the others, in two orders: the longest first, and the least useful first
    (the condition fewest others clash with); the shorter result wins, the
    first on a tie.  None when even the member's own conditions are not
    shown disjoint from the others.
    """
    proofs = separation(list(member.conditions), others, ask, limit=None)
    if proofs is None:
        return None
    longest = sorted(member.conditions, key=_cost)
    best = _drop(member.conditions, longest, others, ask, proofs)
    useful = {c: sum(o.literals.refutes(c) for o in others) for c in member.conditions}
    least = sorted(member.conditions, key=lambda c: (useful[c],) + _cost(c))
    if len(best.conditions) > 1 and least != longest:
        other = _drop(member.conditions, least, others, ask, proofs)
        if len(other.conditions) < len(best.conditions):
            best = other
    return best


def merge_adjacent(parts: Sequence[Cube]) -> tuple[Cube, ...]:
    """A union of conjunctions, shorter and equal off a null set: exact rewriting, no oracle.

    ``(A ∧ g > 0) ∪ (A ∧ g < 0)`` is ``A`` off the null set ``g = 0``;
    ``(A ∧ g1 > 0 ∧ g2 > 0) ∪ (A ∧ g1 < 0 ∧ g2 < 0)`` is ``A ∧ g1·g2 > 0`` off
    ``g1·g2 = 0``; and ``A ∪ (A ∧ B)`` is ``A``.  They are applied until none
    applies, in a deterministic order.

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
            if len(sets[i]) != len(sets[j]):
                continue
            only_i, only_j = sets[i] - sets[j], sets[j] - sets[i]
            if len(only_i) == 1 and {(g, -s) for g, s in only_i} == only_j:
                parts[i] = tuple(c for c in parts[i] if c not in only_i)
                del parts[j]
                changed = True
                break
            if len(only_i) == 2 and {(g, -s) for g, s in only_i} == only_j:
                a, b = sorted(only_i, key=lambda c: str(c[0]))
                product = _product(a, b)
                parts[i] = tuple(c for c in parts[i] if c not in only_i) + ((product,) if product else ())
                del parts[j]
                changed = True
                break
    return tuple(parts)


def _cover(parts: Sequence[Part], members: Sequence[Member]) -> list[Part]:
    """Few parts whose union holds every member (greedy, deterministic)."""
    holds = [frozenset(k for k, m in enumerate(members) if all(m.literals.implies(c) for c in p.conditions))
             for p in parts]
    left, chosen = set(range(len(members))), []
    while left:
        best = max(range(len(parts)), key=lambda i: (len(holds[i] & left), -len(parts[i].conditions), -i))
        chosen.append(parts[best])
        left -= holds[best]
    return chosen


def describe_union(members: Sequence[Member], others: Sequence[Member], ask: Ask) -> tuple[Part, ...]:
    """The union of the members as a short union of parts (see the module docstring).

    ``others`` are every other piece and, for an incomplete spline, the
    undecided sign systems.

    Each part comes with the proofs of its disjointness from the
    non-members, or is a member's own conditions (inside the union by
    definition).  An empty tuple of conditions is the whole space.
    """
    parts: list[Part] = []
    for m in members:
        if any(all(m.literals.implies(c) for c in p.conditions) for p in parts):
            continue
        part = expand(m, others, ask)
        parts.append(part if part is not None else Part(m.conditions))
    chosen = _cover(parts, members)
    merged = merge_adjacent([p.conditions for p in chosen])
    if set(merged) == {p.conditions for p in chosen}:
        return tuple(chosen)
    by_cube = {p.conditions: p for p in chosen}
    out = []
    for cube in merged:
        if cube in by_cube:
            out.append(by_cube[cube])
            continue
        proofs = separation(cube, others, ask, limit=None)
        if proofs is None:
            return tuple(chosen)          # the merge is true but not shown again: keep the parts
        out.append(Part(cube, proofs))
    return tuple(out)
