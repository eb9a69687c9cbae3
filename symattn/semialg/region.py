"""Open semialgebraic regions that carry an exact rational witness.

A :class:`Region` is a conjunction of strict sign conditions ``(g, s)``
meaning ``s * g > 0`` plus a witness point that satisfies every condition,
checked exactly when the region is built: a Region never exists without
its proof of non-emptiness.

Example
-------
>>> from sympy import symbols, Rational
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y")
>>> R = polynomial_ring((x, y)); X, Y = R.gens
>>> r = Region(((X*Y, 1), (X, -1)), {x: -1, y: Rational(-1, 2)})
>>> r.contains({x: -3, y: -1}), r.contains({x: 1, y: 1})
(True, False)
>>> r.as_relational()
(x < 0) & (x*y > 0)
>>> Region(((X, 1),), {x: 0, y: 0})
Traceback (most recent call last):
...
ValueError: witness violates condition x > 0: value 0
"""
from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional

import sympy

from .poly import (PolyElement, PolyRing, to_fraction, as_fractions, compile_poly,
                   to_int_point)
from ..printable import Printable
from ..rationals import to_rational

__all__ = ["Condition", "Witness", "Region", "UndecidedCase", "check_conditions"]

Condition = tuple[PolyElement, int]
"""``(g, +1)`` means ``g > 0``; ``(g, -1)`` means ``g < 0``."""


@functools.lru_cache(maxsize=64)
def _index_of(symbols: tuple) -> dict:
    """Position of each symbol (shared by the witnesses of one ring; never changed)."""
    return {s: k for k, s in enumerate(symbols)}


class Witness(Printable, Mapping):
    """Immutable, hashable mapping Symbol -> sympy Rational (a rational point).

    >>> from sympy import symbols, Rational
    >>> a, b = symbols("a b")
    >>> w = Witness({a: 1, b: Rational(2, 3)})
    >>> w[b], dict(w) == {a: 1, b: Rational(2, 3)}, hash(w) == hash(Witness(w))
    (2/3, True, True)
    """

    __slots__ = ("_pairs", "_index", "_hash", "_ring_cache")

    def __init__(self, point: Any = ()):
        if isinstance(point, Witness):
            pairs = point._all_pairs()
        else:
            items = point.items() if isinstance(point, Mapping) else point
            pairs = []
            for s, v in items:
                if not isinstance(s, sympy.Symbol):
                    raise TypeError(f"witness keys must be Symbols, got {s!r}")
                f = to_fraction(v)
                pairs.append((s, to_rational(f)))
            pairs = tuple(pairs)
        object.__setattr__(self, "_pairs", pairs)
        object.__setattr__(self, "_index", {s: k for k, (s, _) in enumerate(pairs)})
        if len(self._index) != len(pairs):
            raise ValueError("repeated symbol in witness")
        object.__setattr__(self, "_hash", None)
        object.__setattr__(self, "_ring_cache", None)

    @classmethod
    def from_fractions(cls, R: PolyRing, values) -> "Witness":
        """Witness over the generators of ``R`` from values in generator order.

        The sympy Rationals are made when first asked for: a compile builds a
        witness per region and mostly needs only the exact fractions.

        >>> from sympy import symbols
        >>> from symattn.semialg.poly import polynomial_ring
        >>> w = Witness.from_fractions(polynomial_ring(symbols("a b")), [Fraction(1, 2), 3])
        >>> w == Witness({symbols("a"): Fraction(1, 2), symbols("b"): 3}), w.pairs[0][1]
        (True, 1/2)
        """
        symbols = tuple(R.symbols)
        fr = tuple(to_fraction(v) for v in values)
        if len(fr) != len(symbols):         # not a point of R: the plain constructor pairs what it can
            return cls(zip(symbols, fr))
        w = object.__new__(cls)
        object.__setattr__(w, "_pairs", None)
        object.__setattr__(w, "_index", _index_of(symbols))
        object.__setattr__(w, "_hash", None)
        object.__setattr__(w, "_ring_cache", (R, fr, None))     # the integer point, too, on demand
        return w

    def _all_pairs(self) -> tuple:
        pairs = self._pairs
        if pairs is None:
            R, fr, _ = self._ring_cache
            pairs = tuple((s, to_rational(f)) for s, f in zip(R.symbols, fr))
            object.__setattr__(self, "_pairs", pairs)
        return pairs

    def __setattr__(self, name, value):
        raise AttributeError("Witness is immutable")

    def __getitem__(self, key):
        return self._all_pairs()[self._index[key]][1]

    def __iter__(self) -> Iterator[sympy.Symbol]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash(frozenset(self._all_pairs()))
            object.__setattr__(self, "_hash", h)
        return h

    def __eq__(self, other) -> bool:
        if isinstance(other, Witness):
            return frozenset(self._all_pairs()) == frozenset(other._all_pairs())
        return Mapping.__eq__(self, other)

    def __repr__(self) -> str:
        return "Witness({" + ", ".join(f"{s}: {v}" for s, v in self._all_pairs()) + "})"

    @property
    def pairs(self) -> tuple[tuple[sympy.Symbol, sympy.Rational], ...]:
        return self._all_pairs()

    def fractions(self, R: PolyRing) -> tuple[Fraction, ...]:
        """Coordinates in generator order of ``R`` as ``Fraction`` (cached)."""
        return self._ring_form(R)[0]

    def int_point(self, R: PolyRing) -> tuple[tuple[int, ...], int]:
        """``(numerators, D)`` in generator order of ``R`` (cached)."""
        return self._ring_form(R)[1]

    def _ring_form(self, R: PolyRing):
        c = self._ring_cache
        if c is not None and c[0] is R:
            if c[2] is None:
                c = (R, c[1], to_int_point(c[1]))
                object.__setattr__(self, "_ring_cache", c)
            return c[1], c[2]
        fr = as_fractions(self, R)
        ip = to_int_point(fr)
        object.__setattr__(self, "_ring_cache", (R, fr, ip))
        return fr, ip


def _check_one(g: PolyElement, s: int, nums, D) -> bool:
    return compile_poly(g).sign_at(nums, D) == s


def check_conditions(conditions, point) -> Optional[int]:
    """Index of the first condition violated at ``point``; None if all hold.

    ``point`` is a mapping Symbol -> rational or a :class:`Witness`.
    """
    if not conditions:
        return None
    R = conditions[0][0].ring
    w = point if isinstance(point, Witness) else Witness(point)
    nums, D = w.int_point(R)
    for k, (g, s) in enumerate(conditions):
        if compile_poly(g).sign_at(nums, D) != s:
            return k
    return None


@dataclass(frozen=True)
class Region(Printable):
    """The open set ``{x : s*g(x) > 0 for every (g, s) in conditions}`` and a point of it.

    Equality and hashing use the conditions only (the witness is a proof,
    not part of the set).  Construction verifies the witness exactly and
    raises ``ValueError`` if any condition fails there.
    """

    conditions: tuple[Condition, ...]
    witness: Witness = field(compare=False)

    def __post_init__(self):
        conds = tuple((g, int(s)) for g, s in self.conditions)
        for g, s in conds:
            if not isinstance(g, PolyElement):
                raise TypeError(f"condition polynomial must be a PolyElement, got {type(g)}")
            if s not in (1, -1):
                raise ValueError(f"condition sign must be +1 or -1, got {s}")
        rings = {g.ring for g, _ in conds}
        if len(rings) > 1:
            raise ValueError("conditions come from different polynomial rings")
        object.__setattr__(self, "conditions", conds)
        w = self.witness if isinstance(self.witness, Witness) else Witness(self.witness)
        object.__setattr__(self, "witness", w)
        if conds:
            R = conds[0][0].ring
            missing = [s for s in R.symbols if s not in w]
            if missing:
                raise ValueError(f"witness has no value for {missing}")
            k = check_conditions(conds, w)
            if k is not None:
                g, s = conds[k]
                val = compile_poly(g).value_at(*w.int_point(R))
                rel = ">" if s > 0 else "<"
                raise ValueError(f"witness violates condition {g.as_expr()} {rel} 0: value {val}")

    @classmethod
    def checked(cls, conditions, witness) -> "Region":
        """Same as the constructor (which always checks); reads well at call sites."""
        return cls(tuple(conditions), witness)

    @classmethod
    def whole(cls, R: PolyRing, witness=None) -> "Region":
        """All of R^n (no conditions), witnessed by ``witness`` or the origin."""
        if witness is None:
            witness = Witness.from_fractions(R, [0] * R.ngens)
        return cls((), witness)

    def refine(self, conditions, witness) -> "Region":
        """This region intersected with further conditions, with a new witness."""
        return Region(self.conditions + tuple(conditions), witness)

    @property
    def ring(self) -> Optional[PolyRing]:
        return self.conditions[0][0].ring if self.conditions else None

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        R = self.ring
        return tuple(R.symbols) if R is not None else tuple(self.witness)

    def contains(self, point) -> bool:
        """Exact test that every strict condition holds at ``point``."""
        return check_conditions(self.conditions, point) is None

    def as_relational(self) -> sympy.Basic:
        """sympy ``And`` of ``g > 0`` / ``g < 0`` (``true`` with no conditions)."""
        rels = [sympy.StrictGreaterThan(g.as_expr(), 0) if s > 0
                else sympy.StrictLessThan(g.as_expr(), 0) for g, s in self.conditions]
        return sympy.And(*rels)

    def __len__(self) -> int:
        return len(self.conditions)


@dataclass(frozen=True)
class UndecidedCase(Printable):
    """A sign-condition system no procedure decided, and why.

    ``conditions`` is the region so far plus the branch's new condition.
    ``reason`` says what happened: the solver answered unknown or timed
    out, or the budget ran out before the branch was explored.
    """

    conditions: tuple[Condition, ...]
    reason: str

    def as_relational(self) -> sympy.Basic:
        return sympy.And(*[(g.as_expr() > 0) if s > 0 else (g.as_expr() < 0) for g, s in self.conditions])
