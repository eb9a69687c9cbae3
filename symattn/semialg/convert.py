"""Exact polynomials for certificates: conversion in, change of ring, monomial split.

Certificates keep their polynomials as ``PolyElement`` of
``polynomial_ring(variables)`` (exact rational coefficients); these helpers
are the one door through which user expressions come in.

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> R = ring_of((x, y))
>>> p = as_poly("x*y/2 + 3*x - 1", R, where="demo")
>>> p
1/2*x*y + 3*x - 1
>>> affine_part(p), nonlinear_part(p)
(3*x - 1, 1/2*x*y)
>>> as_poly(0.5 * x, R, where="demo")
Traceback (most recent call last):
...
symattn.errors.CertificateInputError: demo: 0.5*x has a non-rational coefficient; use exact numbers such as sympy.Rational(1, 2)
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import sympy

from .poly import PolyElement, PolyRing, polynomial_ring
from .region import Condition
from ..errors import CertificateInputError

__all__ = ["ring_of", "as_poly", "condition", "change_ring", "affine_part", "nonlinear_part", "total_degree",
           "check_variables"]


def check_variables(variables: Sequence[Any], where: str) -> tuple[sympy.Symbol, ...]:
    """A non-empty tuple of distinct Symbols, or a :class:`CertificateInputError`."""
    if isinstance(variables, sympy.Symbol):
        variables = (variables,)
    out = tuple(sympy.sympify(v) for v in variables)
    if not out:
        raise CertificateInputError(where, "needs at least one variable")
    bad = [v for v in out if not isinstance(v, sympy.Symbol)]
    if bad:
        raise CertificateInputError(where, f"variables must be sympy Symbols, got {bad[0]!r}")
    if len(set(out)) != len(out):
        raise CertificateInputError(where, f"repeated variable in {out}")
    return out


def ring_of(variables: Sequence[sympy.Symbol]) -> PolyRing:
    """QQ[variables] (cached by :func:`~symattn.semialg.poly.polynomial_ring`)."""
    return polynomial_ring(tuple(variables))


def as_poly(value: Any, ring: PolyRing, where: str) -> PolyElement:
    """``value`` (expression, string, number, Poly or PolyElement) as an exact element of ``ring``."""
    if isinstance(value, PolyElement):
        if value.ring == ring:
            return value
        value = value.as_expr()
    if isinstance(value, sympy.Poly):
        value = value.as_expr()
    try:
        expr = sympy.sympify(value)
    except (sympy.SympifyError, TypeError) as exc:
        raise CertificateInputError(where, f"{value!r} is not a polynomial expression") from exc
    if not isinstance(expr, sympy.Expr):
        raise CertificateInputError(where, f"{value!r} is not a polynomial expression")
    extra = expr.free_symbols - set(ring.symbols)
    if extra:
        raise CertificateInputError(
            where, f"{expr} uses {sorted(map(str, extra))}, which are not among the variables {ring.symbols}")
    if expr.has(sympy.Float):
        raise CertificateInputError(
            where, f"{expr} has a non-rational coefficient; use exact numbers such as sympy.Rational(1, 2)")
    try:
        poly = sympy.Poly(expr, *ring.symbols)
    except sympy.PolynomialError as exc:
        raise CertificateInputError(where, f"{expr} is not a polynomial in {ring.symbols}") from exc
    if not poly.domain.is_QQ and not poly.domain.is_ZZ:
        raise CertificateInputError(
            where, f"{expr} has coefficients in {poly.domain}, not in the rationals")
    return ring.from_dict({m: ring.domain.from_sympy(c) for m, c in poly.terms()})


def change_ring(p: PolyElement, ring: PolyRing, rename: Mapping[sympy.Symbol, sympy.Symbol]) -> PolyElement:
    """``p`` with its generators renamed by ``rename`` (old -> new), as an element of ``ring``."""
    index = {s: k for k, s in enumerate(ring.symbols)}
    positions = [index[rename.get(s, s)] for s in p.ring.symbols]
    terms = {}
    for m, c in p.items():
        e = [0] * ring.ngens
        for k, power in enumerate(m):
            if power:
                e[positions[k]] += power
        terms[tuple(e)] = c
    return ring.from_dict(terms) if terms else ring.zero


def affine_part(p: PolyElement) -> PolyElement:
    """The terms of degree at most 1."""
    return p.ring.from_dict({m: c for m, c in p.items() if sum(m) <= 1}) if p else p


def nonlinear_part(p: PolyElement) -> PolyElement:
    """The terms of degree at least 2."""
    return p.ring.from_dict({m: c for m, c in p.items() if sum(m) >= 2}) if p else p


def total_degree(p: PolyElement) -> int:
    """Total degree; 0 for constants, including the zero polynomial."""
    return max((sum(m) for m in p.keys()), default=0)


def condition(c: Any, ring: PolyRing, where: str) -> Condition:
    """One strict condition from a relational (``x - y > 1``), an (expr, sign) pair or a Condition."""
    if isinstance(c, sympy.Rel):
        if isinstance(c, (sympy.StrictGreaterThan, sympy.GreaterThan)):
            return as_poly(c.lhs - c.rhs, ring, where), 1
        if isinstance(c, (sympy.StrictLessThan, sympy.LessThan)):
            return as_poly(c.lhs - c.rhs, ring, where), -1
        raise CertificateInputError(where, f"{c} is not an inequality (use <, <=, > or >=)")
    if isinstance(c, tuple) and len(c) == 2 and c[1] in (1, -1):
        return as_poly(c[0], ring, where), int(c[1])
    raise CertificateInputError(where, f"{c!r} is not a condition: give a sympy inequality such as x - y > 1 "
                                       "or a pair (expression, sign) meaning sign·expression > 0")
