r"""Max–min certificates: f = max_i min_j p_ij with exact polynomial terms.

A :class:`MaxMin` is the input of :func:`~symattn.realize.realize` and the
output of :func:`~symattn.realize.certificate` (MATH.md §4).  It is an
immutable, hashable value: the groups ``(p_i1, ..., p_iJ)`` of exact
polynomials in its ``variables``.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> hat = MaxMin([[0], [x + 1, 1 - x]], [x])
>>> hat(0), hat(sympy.Rational(1, 2)), hat(-3)
(1, 1/2, 0)
>>> print(hat)
max(0, min(x + 1, 1 - x))
>>> print(sympy.latex(hat))
\max\left(0, \min\left(x + 1, 1 - x\right)\right)
>>> hat.degree, hat.shape
(1, (2, 2))

The lattice operations stay in max–min form (distributivity):

>>> y = sympy.Symbol("y")
>>> print(MaxMin.from_expr(abs(x) - sympy.Max(x, y), [x, y]))
max(min(0, x - y), min(-2*x, -x - y))
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

import sympy

from ..semialg.poly import PolyElement, PolyRing, as_fractions, evaluate_fractions
from .errors import CertificateInputError
from ..semialg.convert import as_poly, check_variables, ring_of, total_degree
from ..rationals import to_rational

__all__ = ["MaxMin"]

Groups = tuple[tuple[PolyElement, ...], ...]


@dataclass(frozen=True, init=False)
class MaxMin:
    """The lattice polynomial ``max_i min_j p_ij``.

    ``terms`` is a list of groups, each a non-empty list of polynomials
    (sympy expressions, strings, numbers, ``Poly`` or ``PolyElement``) in
    ``variables`` with exact rational coefficients.  ``variables`` defaults
    to the free symbols sorted by name.  A group with one term is that
    polynomial; one group is a plain minimum.

    The value is stored as ``groups``: tuples of ``PolyElement`` of
    ``QQ[variables]``.  Equality is structural (same groups in the same
    order); :meth:`simplified` gives a canonical smaller form.
    """

    groups: Groups
    variables: tuple[sympy.Symbol, ...]

    def __init__(self, terms: Iterable[Iterable[Any]], variables: Sequence[sympy.Symbol] | None = None):
        raw = terms if not isinstance(terms, (str, sympy.Basic)) else None
        try:
            rows = [list(g) for g in raw] if raw is not None else None
        except TypeError:
            rows = None
        if not rows or any(not g for g in rows):
            raise CertificateInputError(
                "MaxMin.terms", "expected a non-empty list of non-empty lists of polynomials "
                                f"(max over groups of min over terms), got {terms!r}")
        if variables is None:
            found = set()
            for g in rows:
                for t in g:
                    if isinstance(t, PolyElement):
                        found |= set(t.ring.symbols)
                    else:
                        found |= sympy.sympify(t).free_symbols
            variables = sorted(found, key=str) or [sympy.Symbol("x")]
        variables = check_variables(variables, "MaxMin.variables")
        ring = ring_of(variables)
        groups = tuple(
            tuple(as_poly(t, ring, where=f"MaxMin.terms[{i}][{j}]") for j, t in enumerate(g))
            for i, g in enumerate(rows))
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "variables", variables)

    @classmethod
    def _of(cls, groups: Groups, variables: tuple[sympy.Symbol, ...]) -> "MaxMin":
        """Internal constructor from already-exact groups."""
        out = object.__new__(cls)
        object.__setattr__(out, "groups", tuple(tuple(g) for g in groups))
        object.__setattr__(out, "variables", variables)
        return out

    # -- facts -------------------------------------------------------------
    @property
    def ring(self) -> PolyRing:
        return ring_of(self.variables)

    @property
    def terms(self) -> tuple[tuple[sympy.Expr, ...], ...]:
        """The groups as sympy expressions."""
        return tuple(tuple(p.as_expr() for p in g) for g in self.groups)

    @property
    def shape(self) -> tuple[int, int]:
        """(number of groups, largest group size): the max and min fan-ins."""
        return len(self.groups), max(len(g) for g in self.groups)

    @cached_property
    def degree(self) -> int:
        """The largest total degree of a term."""
        return max(total_degree(p) for g in self.groups for p in g)

    @property
    def polynomials(self) -> tuple[PolyElement, ...]:
        """The distinct terms, in order of first appearance."""
        return tuple(dict.fromkeys(p for g in self.groups for p in g))

    # -- evaluation --------------------------------------------------------
    def point(self, *args: Any) -> tuple[Fraction, ...]:
        """A point as exact coordinates in the order of ``variables``.

        Accepts a mapping from the variables, a sequence, or the coordinates
        as separate arguments.
        """
        pt = args[0] if len(args) == 1 and isinstance(args[0], (Mapping, Sequence)) and \
            not isinstance(args[0], str) else args
        if isinstance(pt, Mapping):
            pt = {sympy.sympify(k): v for k, v in pt.items()}
        else:
            pt = [sympy.Rational(v) if isinstance(v, str) else v for v in pt]
        try:
            return as_fractions(pt, self.ring)
        except (KeyError, ValueError, TypeError) as exc:
            raise CertificateInputError("MaxMin(point)", f"{exc} (variables {self.variables})") from None

    def values_at(self, *args: Any) -> tuple[tuple[Fraction, ...], ...]:
        """Every term's exact value at a point, group by group."""
        pt = self.point(*args)
        return tuple(tuple(evaluate_fractions(p, pt) for p in g) for g in self.groups)

    def __call__(self, *args: Any) -> sympy.Rational:
        """Exact value at a rational point: ``f(1, "1/2")`` or ``f({x: 1, y: "1/2"})``."""
        v = max(min(g) for g in self.values_at(*args))
        return to_rational(v)

    # -- forms -------------------------------------------------------------
    def as_expr(self) -> sympy.Expr:
        """sympy ``Max`` of ``Min`` (unevaluated, in the given order)."""
        mins = [g[0] if len(g) == 1 else sympy.Min(*g, evaluate=False) for g in self.terms]
        return mins[0] if len(mins) == 1 else sympy.Max(*mins, evaluate=False)

    def simplified(self) -> "MaxMin":
        """The same function with repeated terms and dominated groups removed.

        A group whose terms include all terms of another group is never
        larger than it, so it is dropped (exact, no sign test needed).

        >>> x = sympy.Symbol("x")
        >>> print(MaxMin([[x, 1, x], [x], [x, 2]], [x]).simplified())
        x
        """
        groups = [tuple(dict.fromkeys(g)) for g in self.groups]
        sets = [frozenset(g) for g in groups]
        keep = []
        for i, s in enumerate(sets):
            dominated = any((t < s) or (t == s and j < i) for j, t in enumerate(sets) if j != i)
            if not dominated:
                keep.append(groups[i])
        return MaxMin._of(tuple(keep), self.variables)

    # -- lattice algebra ---------------------------------------------------
    def _coerce(self, other: Any) -> "MaxMin":
        if isinstance(other, MaxMin):
            if other.variables != self.variables:
                raise CertificateInputError("MaxMin", f"variables differ: {self.variables} and {other.variables}")
            return other
        return MaxMin._of(((as_poly(other, self.ring, where="MaxMin operand"),),), self.variables)

    def __add__(self, other: Any) -> "MaxMin":
        """``max_i A_i + max_k B_k = max_{i,k} (A_i + B_k)``, and the same for min."""
        o = self._coerce(other)
        return MaxMin._of(tuple(tuple(a + b for a in ga for b in gb) for ga in self.groups for gb in o.groups),
                          self.variables)

    __radd__ = __add__

    def __mul__(self, c: Any) -> "MaxMin":
        """Multiplication by a constant c ≥ 0 (a negative one would swap max and min)."""
        k = sympy.sympify(c)
        if not (k.is_Rational and k >= 0):
            raise CertificateInputError("MaxMin * c", f"c must be a rational constant >= 0, got {c!r}; "
                                                       "use -f for negation")
        q = self.ring.domain.convert(k)
        return MaxMin._of(tuple(tuple(p * q for p in g) for g in self.groups), self.variables)

    __rmul__ = __mul__

    def __neg__(self) -> "MaxMin":
        """``-max_i min_j p_ij = min_i max_j (-p_ij)``, distributed back into max–min form."""
        return MaxMin.minimum(*[MaxMin._of(tuple((-p,) for p in g), self.variables) for g in self.groups])

    def __sub__(self, other: Any) -> "MaxMin":
        return self + (-self._coerce(other))

    def __rsub__(self, other: Any) -> "MaxMin":
        return self._coerce(other) + (-self)

    @staticmethod
    def maximum(*items: "MaxMin") -> "MaxMin":
        """``max`` of certificates: the groups side by side."""
        first = items[0]
        return MaxMin._of(tuple(g for m in items for g in first._coerce(m).groups), first.variables)

    @staticmethod
    def minimum(*items: "MaxMin") -> "MaxMin":
        """``min_k max_i A_ki = max over choices (i_1, i_2, ...) of min_k A_{k i_k}``."""
        first = items[0]
        parts = [first._coerce(m).groups for m in items]
        return MaxMin._of(tuple(tuple(t for g in choice for t in g) for choice in itertools.product(*parts)),
                          first.variables).simplified()

    @classmethod
    def from_expr(cls, expr: Any, variables: Sequence[sympy.Symbol] | None = None) -> "MaxMin":
        """A certificate from a sympy expression built with Max, Min, Abs, +, and rational factors.

        >>> x = sympy.Symbol("x")
        >>> print(MaxMin.from_expr(sympy.Max(0, sympy.Min(x + 1, 1 - x))))
        max(0, min(x + 1, 1 - x))
        """
        expr = sympy.sympify(expr)
        if variables is None:
            variables = sorted(expr.free_symbols, key=str) or [sympy.Symbol("x")]
        variables = check_variables(variables, "MaxMin.from_expr")

        def walk(e: sympy.Expr) -> MaxMin:
            if isinstance(e, sympy.Max):
                return MaxMin.maximum(*[walk(a) for a in e.args])
            if isinstance(e, sympy.Min):
                return MaxMin.minimum(*[walk(a) for a in e.args])
            if isinstance(e, sympy.Abs):
                a = walk(e.args[0])
                return MaxMin.maximum(a, -a)
            if not e.has(sympy.Max, sympy.Min, sympy.Abs):
                return MaxMin._of(((as_poly(e, ring_of(variables), where="MaxMin.from_expr"),),), variables)
            if isinstance(e, sympy.Add):
                out = walk(e.args[0])
                for a in e.args[1:]:
                    out = out + walk(a)
                return out
            if isinstance(e, sympy.Mul):
                consts = [a for a in e.args if a.is_Rational]
                rest = [a for a in e.args if not a.is_Rational]
                c = sympy.Mul(*consts)
                if len(rest) == 1:
                    inner = walk(rest[0])
                    return inner * c if c >= 0 else -(inner * (-c))
            raise CertificateInputError(
                "MaxMin.from_expr", f"cannot put {e} in max–min form: only Max, Min, Abs, sums and "
                                    "rational multiples of polynomials are supported")
        return walk(expr)

    # -- printing (sympy's protocol) -----------------------------------------
    def _print_with(self, printer, name_max: str, name_min: str, wrap) -> str:
        parts = []
        for g in self.terms:
            inner = [printer._print(t) for t in g]
            parts.append(inner[0] if len(inner) == 1 else wrap(name_min, ", ".join(inner)))
        return parts[0] if len(parts) == 1 else wrap(name_max, ", ".join(parts))

    def _sympystr(self, printer) -> str:
        return self._print_with(printer, "max", "min", lambda f, s: f"{f}({s})")

    def _latex(self, printer) -> str:
        return self._print_with(printer, r"\max", r"\min", lambda f, s: f"{f}\\left({s}\\right)")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {sympy.latex(self)}$"

    def __str__(self) -> str:
        return sympy.sstr(self)

    def __repr__(self) -> str:
        return f"MaxMin({sympy.sstr(self)}, variables={self.variables})"
