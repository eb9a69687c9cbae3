"""Sign systems split along the irreducible factors of their conditions over QQ.

Write each condition ``s·g > 0`` as ``g = c·∏ f_j^{e_j}`` with ``f_j``
irreducible over QQ (parameters included, as generators of the ring).  On
the set where every condition holds, no ``f_j`` vanishes, so each has a
definite sign σ_j, and ``sign(g) = sign(c)·∏ σ_j^{e_j}``.  Hence

* the set is the *disjoint* union, over the sign vectors σ of the factors
  that satisfy every product's parity, of the conjunctions ``σ_j f_j > 0``;
* a factor of even multiplicity does not enter the parity, and neither does
  a sign-definite one (``f > 0`` or ``f ≥ 0`` everywhere, decided exactly by
  :func:`~symattn.semialg.poly.is_positive` / ``is_nonnegative``).  Dropping
  it changes the set only by the zero set of a nonzero polynomial, a closed
  null set; the set is open, so it is empty exactly when the reduced set is.
  A witness of the reduced system can lie on that null set, so it is
  checked, and moved off it, against the original conditions.

Factors shared between conditions become shared atoms: a rank-one score
``S_ij = (a·x_i)(b·x_j)`` against a wall ``a·x_i > 0`` leaves one linear
atom per factor, and a system of products of linear forms becomes a handful
of linear programs.

>>> from sympy import symbols
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> system = factor_system([((X + Y) * (X - Y), 1), (X, -1), ((X - Y)**2 * (Y + 1), 1)])
>>> [str(f.as_expr()) for f in system.atoms]
['y + 1', 'x - y', 'x + y', 'x']
>>> [[(str(g.as_expr()), s) for g, s in case] for case in system.cases()]
[[('y + 1', 1), ('x - y', 1), ('x + y', 1), ('x', -1)], [('y + 1', 1), ('x - y', -1), ('x + y', -1), ('x', -1)]]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence

from .poly import PolyElement, is_nonnegative, is_positive, normalize_condition
from .region import Condition

__all__ = ["FactoredCondition", "FactoredSystem", "factor_condition", "factor_system"]


@dataclass(frozen=True)
class FactoredCondition:
    """``sign·∏ factors > 0`` is ``s·g > 0`` off a closed null set (the zero sets of ``dropped``).

    ``factors`` are distinct, irreducible over QQ, primitive with positive
    leading coefficient, of odd multiplicity in ``g`` and of no definite sign;
    ``dropped`` pairs each removed factor with the reason it may go.  No
    factors and ``sign = 1``: the condition holds off the null set; no
    factors and ``sign = -1``: it holds nowhere.
    """

    sign: int
    factors: tuple[PolyElement, ...]
    dropped: tuple[tuple[PolyElement, int, str], ...] = ()

    @property
    def exact(self) -> bool:
        """Nothing was dropped: the factored form is the condition itself, null set included."""
        return not self.dropped


@lru_cache(maxsize=65536)
def factor_condition(g: PolyElement, s: int) -> FactoredCondition:
    """The factored form of ``s·g > 0``, even and sign-definite factors removed (see the module docstring).

    >>> from sympy import symbols
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x = symbols("x"); R = polynomial_ring((x,)); X, = R.gens
    >>> f = factor_condition(-(X**3 + X), 1)                # -(x)(x² + 1) > 0  <=>  x < 0
    >>> f.sign, [str(p.as_expr()) for p in f.factors], [why for _, _, why in f.dropped]
    (-1, ['x'], ['positive everywhere'])
    """
    const, factors = g.factor_list()
    sign = s if const > 0 else -s
    kept: list[PolyElement] = []
    dropped: list[tuple[PolyElement, int, str]] = []
    for f, e in sorted(factors, key=lambda fe: str(fe[0])):
        f, t = normalize_condition(f, 1)          # factor_list may leave a unit: make f primitive, LC > 0
        if t < 0 and e % 2:
            sign = -sign
        if e % 2 == 0:
            dropped.append((f, e, "even multiplicity: positive off its zero set, a null set"))
        elif is_positive(f):
            dropped.append((f, e, "positive everywhere"))
        elif is_positive(-f):
            sign = -sign
            dropped.append((f, e, "negative everywhere"))
        elif is_nonnegative(f):
            dropped.append((f, e, "positive off its zero set, a null set"))
        elif is_nonnegative(-f):
            sign = -sign
            dropped.append((f, e, "negative off its zero set, a null set"))
        else:
            kept.append(f)
    return FactoredCondition(sign, tuple(kept), tuple(dropped))


@dataclass(frozen=True)
class FactoredSystem:
    """A sign system in its factors: ``atoms`` and, per condition, the atoms' indices and the sign of their product.

    ``false`` is set when some condition holds nowhere (a sign-definite
    polynomial of the wrong sign).
    """

    atoms: tuple[PolyElement, ...]
    products: tuple[tuple[tuple[int, ...], int], ...]
    dropped: tuple[tuple[PolyElement, int, str], ...] = ()
    false: bool = False

    @property
    def splits(self) -> bool:
        """Whether some condition is a product of two or more atoms (else the system is a plain conjunction)."""
        return any(len(idx) > 1 for idx, _ in self.products)

    def count(self) -> int:
        """An upper bound on the number of sign cases, ``2^(free atoms)``, without enumerating them."""
        forced = {idx[0] for idx, _ in self.products if len(idx) == 1}
        return 0 if self.false else 2 ** (len(self.atoms) - len(forced))

    def cases(self) -> Iterator[tuple[Condition, ...]]:
        """The conjunctions ``σ_j f_j > 0`` whose signs satisfy every product, in a fixed order.

        Depth first over the atoms; a product whose atoms are all signed is
        checked as soon as its last atom is, so inconsistent prefixes are cut.
        """
        if self.false:
            return
        n = len(self.atoms)
        last_of: dict[int, list[tuple[tuple[int, ...], int]]] = {}
        for idx, s in self.products:
            last_of.setdefault(max(idx), []).append((idx, s))
        forced = {idx[0]: s for idx, s in self.products if len(idx) == 1}
        signs = [0] * n

        def walk(j: int) -> Iterator[tuple[Condition, ...]]:
            if j == n:
                yield tuple((self.atoms[k], signs[k]) for k in range(n))
                return
            for s in ((forced[j],) if j in forced else (1, -1)):
                signs[j] = s
                if all(_parity(signs, idx) == want for idx, want in last_of.get(j, ())):
                    yield from walk(j + 1)
            signs[j] = 0

        yield from walk(0)


def _parity(signs: Sequence[int], idx: Sequence[int]) -> int:
    p = 1
    for k in idx:
        p *= signs[k]
    return p


def _order(f: PolyElement) -> tuple:
    """A deterministic order of polynomials: total degree, then the terms (cheap, unlike printing)."""
    return (max(sum(m) for m in f.monoms()), sorted((m, int(c.numerator), int(c.denominator)) for m, c in f.terms()))


def factor_system(conditions: Sequence[Condition]) -> FactoredSystem:
    """The :class:`FactoredSystem` of ``conditions`` (atoms in a fixed order, so deterministic).

    >>> from sympy import symbols
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
    >>> s = factor_system([(X * Y, 1), (X**2 + 1, -1)])
    >>> s.false
    True
    """
    factored = [factor_condition(g, s) for g, s in conditions]
    atoms = sorted({f for fc in factored for f in fc.factors}, key=_order)
    index = {f: k for k, f in enumerate(atoms)}
    products = []
    false = False
    for fc in factored:
        if not fc.factors:
            false |= fc.sign < 0
            continue
        products.append((tuple(sorted(index[f] for f in fc.factors)), fc.sign))
    dropped = tuple(itertools.chain.from_iterable(fc.dropped for fc in factored))
    return FactoredSystem(tuple(atoms), tuple(products), dropped, false)
