r"""Shorter printed polynomials: conditions factored over QQ, and shared quadratic walls named once.

A simplified spline's conditions and values are printed

* **factored**: ``g`` as the product of its irreducible factors over QQ
  (``(x_{0,0} + x_{0,1}) (x_{1,0} - 1) > 0``), since a condition's sign is
  the product of its factors' signs;
* **with named walls**: the irreducible quadratic factors of the conditions
  (for attention, the scores ``x_iᵀ Q Kᵀ x_j``) that occur at least twice
  get names ``S_{1}, S_{2}, …``, defined once in a ``where`` line, and every
  printed polynomial ``p`` is written as ``Σ_k q_k·S_k + r`` by exact
  multivariate division (``p = Σ q_k S_k + r`` as polynomials, checked)
  when that prints shorter.

Both are rewritings of the same polynomial: what prints is equal to what
was computed, term for term after expansion (:meth:`Naming.expand` undoes
the names, and the tests expand every printed formula back).

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> a, b, c, d = sympy.symbols("a b c d"); R = polynomial_ring((a, b, c, d)); A, B, C, D = R.gens
>>> score = A * D - B * C
>>> naming = Naming.of([score, C * score, (A + B) * (C - 1)])      # the score is a factor of two walls
>>> naming.definitions
((S[1], a*d - b*c),)
>>> naming.expr(3 * C * score + 2 * A)
3*S[1]*c + 2*a
>>> naming.expr((A + B) * (C - 1))
(a + b)*(c - 1)
>>> sympy.expand(naming.expand(naming.expr(3 * C * score + 2 * A)) - (3 * C * score + 2 * A).as_expr())
0
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

import sympy

from ..semialg.poly import PolyElement

__all__ = ["Naming", "factored", "NAME"]

#: the letter of the named walls: ``S[k]`` prints as ``S_{k}``
NAME = "S"


def _degree(g: PolyElement) -> int:
    return max((sum(m) for m in g.monoms()), default=0)


@lru_cache(maxsize=8192)
def _factors(g: PolyElement) -> tuple:
    return g.factor_list()


def factored(g: PolyElement, rename: Mapping[PolyElement, sympy.Symbol] | None = None) -> sympy.Expr:
    """``g`` as the product of its irreducible factors over QQ; a named factor prints as its name.

    >>> import sympy
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
    >>> factored((X + Y) * (X - 1) * 2)
    2*(x - 1)*(x + y)
    """
    rename = rename or {}
    const, factors = _factors(g)
    if len(factors) == 1 and factors[0][1] == 1 and factors[0][0] not in rename:
        return g.as_expr()
    return sympy.Mul(g.ring.domain.to_sympy(const),
                     *[rename.get(f, f.as_expr()) ** e for f, e in factors])


def _size(expr: sympy.Expr) -> int:
    """How long ``expr`` prints: its count of operations."""
    return sympy.count_ops(expr)


@dataclass(frozen=True)
class Naming:
    """Names for shared quadratic walls and the rewriting of polynomials with them."""

    definitions: tuple[tuple[sympy.Symbol, PolyElement], ...] = ()
    _by_poly: dict = field(default_factory=dict, compare=False, repr=False)
    #: the names that some printed polynomial uses (filled by :meth:`expr`)
    used: set = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def of(cls, conditions: Iterable[PolyElement], taken: Iterable[sympy.Symbol] = ()) -> "Naming":
        """Name the irreducible quadratic, non-monomial factors occurring in at least two of ``conditions``.

        Names already ``taken`` (the ring's symbols) are skipped.
        """
        counts: Counter = Counter()
        order: list[PolyElement] = []
        for g in conditions:
            for f, _ in _factors(g)[1]:
                if _degree(f) == 2 and len(f.terms()) > 1:
                    if f not in counts:
                        order.append(f)
                    counts[f] += 1
        taken = {str(s) for s in taken}
        names, k = [], 1
        for f in order:
            if counts[f] < 2:
                continue
            while f"{NAME}[{k}]" in taken:
                k += 1
            names.append((sympy.Symbol(f"{NAME}[{k}]"), f))
            k += 1
        return cls(tuple(names), {f: s for s, f in names})

    def expand(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` with every name replaced by its polynomial, expanded."""
        return sympy.expand(expr.xreplace({s: f.as_expr() for s, f in self.definitions}))

    def expr(self, g: PolyElement) -> sympy.Expr:
        """``g`` printed shortest: factored, or divided by the named walls, or as it is.

        A rewriting is used only when it expands back to ``g`` exactly.
        """
        plain = g.as_expr()
        candidates = [factored(g, self._by_poly), plain]
        if self.definitions and len(_factors(g)[1]) == 1 and _factors(g)[1][0][1] == 1:
            quotients, rest = g.div([f for _, f in self.definitions])
            if any(quotients):
                candidates.insert(1, sympy.Add(*[s * factored(q, self._by_poly)
                                              for (s, _), q in zip(self.definitions, quotients) if q],
                                            rest.as_expr()))
        best = min(candidates, key=_size)        # the first of the shortest: factored on a tie
        if best is not plain and sympy.expand(self.expand(best) - plain) != 0:
            raise AssertionError(f"internal error: {best} is not {plain}")
        self.used.update(s for s, _ in self.definitions if best.has(s))
        return best
