"""Dehomogenisation: scaling symmetries of a condition set.

Call ``w`` (a real vector, one entry per generator) a *weight* of the
condition set when every condition polynomial is w-homogeneous: all its
monomials ``x^m`` have the same ``w . m``.  Then for every ``t > 0``

    g(t^w1 x1, ..., t^wn xn) = t^(w.m) g(x),

a positive multiple, so every sign condition -- and the whole open region --
is invariant under this scaling.  Weights form a linear space ``W`` (the
kernel of the exponent differences).  Row-reducing the differences, the
non-pivot ("free") columns F index a basis ``v_f`` of ``W`` with
``v_f[f] = 1`` and ``v_f[f'] = 0`` for the other free f'.

**Claim.** For any subset S of F, the region is nonempty iff for some sign
vector ``e in {+1,-1}^S`` the region intersected with ``{x_f = e_f, f in S}``
is nonempty.  *Proof.* "If" is trivial (a point of the slice is a point).
"Only if": a nonempty open set contains a point with ``x_f != 0`` for all f in
S (it is not inside the union of hyperplanes).  Scale it by
``prod_f |x_f|^(-v_f)`` (positive factors, so the point stays in the
region); coordinate f becomes ``x_f / |x_f| = +-1`` because ``v_f[f] = 1``
and the other basis vectors vanish there.  QED.

So a problem in n variables with k independent scalings becomes 2^k problems
in n-k variables.  Examples: homogeneous polynomials (``w = 1``);
attention scores ``x_i^T M x_j`` without bias, homogeneous in each token
separately (one weight per token); parameters behave like variables, they
simply get weight 0 unless the polynomials happen to be homogeneous in them.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

from .poly import IntPoly

__all__ = ["coordinates_to_fix"]


def coordinates_to_fix(polys: Sequence[IntPoly], max_fixed: int) -> list[int]:
    """Generators that may be fixed to +-1 jointly (at most ``max_fixed``).

    >>> from sympy import symbols
    >>> from symattn.semialg.poly import polynomial_ring, compile_poly
    >>> R = polynomial_ring(symbols("a b c d")); a, b, c, d = R.gens
    >>> coordinates_to_fix([compile_poly(a*c - b*d), compile_poly(a*d + 2*b*c)], 5)
    [0, 2]

    (weights scale (a, b) and (c, d) independently, so a = +-1 and c = +-1.)
    """
    if max_fixed <= 0:
        return []
    occurrences: Counter[int] = Counter()
    for p in polys:
        for i in {i for _, mon, _ in p.terms for i, _ in mon}:
            occurrences[i] += 1
    # order columns so the most frequent generators come last: leftmost-greedy
    # pivoting then leaves them free, and fixing them simplifies the most
    cols = sorted(occurrences, key=lambda i: (occurrences[i], -i))
    pos = {g: k for k, g in enumerate(cols)}
    n = len(cols)
    rows: set[tuple[int, ...]] = set()          # exponent differences: their span is the obstruction
    for p in polys:
        if len(p.terms) < 2:
            continue
        dense = []
        for _, mon, _ in p.terms:
            v = [0] * n
            for i, e in mon:
                v[pos[i]] = e
            dense.append(v)
        base = dense[0]
        rows.update(tuple(a - b for a, b in zip(v, base)) for v in dense[1:])
    rows.discard((0,) * n)
    # the leading columns of an echelon basis are those of the reduced echelon form: they depend
    # on the row space alone, not on the order the rows come in
    pivots: dict[int, list[int]] = {}           # leading column -> integer row
    for row in rows:
        _reduce_insert(pivots, list(row))
        if len(pivots) == n:
            return []
    free = [cols[k] for k in range(n) if k not in pivots]
    free.reverse()                                   # most frequent first
    return free[:max_fixed]


def _reduce_insert(pivots: dict[int, list[int]], row: list[int]) -> None:
    """Add an integer ``row`` to an echelon basis, fraction-free (rows kept primitive).

    Reduced by the rows in the order they came, the new row ends zero at every leading column
    before it (each row is zero at the leading columns of the rows before it), so its own
    leading column is new, or it is zero and adds nothing.
    """
    for c, prow in pivots.items():
        f = row[c]
        if f:
            row = _primitive([prow[c] * a - f * b for a, b in zip(row, prow)])
    lead = next((k for k, a in enumerate(row) if a), None)
    if lead is not None:
        pivots[lead] = row


def _primitive(row: list[int]) -> list[int]:
    g = math.gcd(*row)
    return [a // g for a in row] if g > 1 else row
