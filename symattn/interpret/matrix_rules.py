"""Rules over small matrices of ring elements (tuples of tuples).

The case-splitting compiler computes with matrices of sympy ``PolyElement``
(exact polynomials) and the point walker with matrices of ``Fraction``
(exact rationals at one point).  Both share every rule here; they differ in
how a weight entry becomes a ring element (:meth:`coerce`) and in their
ReLU rule.  Values are immutable tuples so that search branches can share
them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

import sympy

from ..errors import NotASplineError
from ..graph import nodes as N
from .base import Interpreter
from ..rationals import to_fraction

__all__ = ["MatrixRules", "PolyRules", "FractionRules", "Mat", "SMOOTH_HINTS", "irrational_scale_hint"]

#: why each smooth op has no spline, and what to do instead
SMOOTH_HINTS = {
    N.SOFTMAX: "softmax is smooth, not piecewise polynomial; evaluate it with the symbolic "
               "interpreter (model.symbolic()) or use activation='relu'",
    N.SOFTPLUS: "softplus is smooth, not piecewise polynomial; use the symbolic interpreter "
                "or activation='relu'",
    N.LAYERNORM: "layer norm divides by the square root of a variance; build the model "
                 "without norms for spline analysis",
}


def irrational_scale_hint(c: sympy.Expr) -> str:
    """Why an irrational scale stops a compile, and the exact way out (MATH.md §2, Scaling)."""
    return (f"the scale {c} is irrational; use a rational scale (a positive scale commutes "
            "with ReLU and moves no wall)")

Mat = tuple  # tuple[tuple[element, ...], ...]


class MatrixRules(Interpreter):
    """Polynomial ops on tuple matrices; subclasses give ``coerce`` and ``zero``."""

    zero: Any = 0

    def coerce(self, entry: sympy.Expr) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def missing_rule(self, graph, node):
        a = graph.attrs(node)
        raise NotASplineError(node, a[N.OP], a[N.PATH], SMOOTH_HINTS.get(a[N.OP], ""))

    def rule_weight(self, a):
        cache = self.__dict__.setdefault("_weights", {})
        key = id(a[N.VALUE])
        if key not in cache:
            m = a[N.VALUE]
            cache[key] = (m, tuple(tuple(self.coerce(m[i, j]) for j in range(m.cols)) for i in range(m.rows)))
        return cache[key][1]

    def rule_matmul(self, a, x: Mat, y: Mat) -> Mat:
        cols = list(zip(*y))
        zero = self.zero
        out = []
        for row in x:
            out_row = []
            for col in cols:
                acc = zero
                for u, v in zip(row, col):
                    if u and v:
                        acc = acc + u * v
                out_row.append(acc)
            out.append(tuple(out_row))
        return tuple(out)

    def rule_add(self, a, x: Mat, y: Mat) -> Mat:
        return tuple(tuple(u + v for u, v in zip(r, s)) for r, s in zip(x, y))

    def rule_transpose(self, a, x: Mat) -> Mat:
        return tuple(zip(*x))

    def rule_scale(self, a, x: Mat) -> Mat:
        c = self.coerce_constant(a[N.FACTOR], a)
        return tuple(tuple(c * u for u in r) for r in x)

    def coerce_constant(self, c: sympy.Expr, attrs) -> Any:
        if not c.is_Rational:
            raise NotASplineError(self.node, attrs[N.OP], attrs[N.PATH], irrational_scale_hint(c))
        return self.coerce(c)

    def rule_mask(self, a, x: Mat) -> Mat:
        fill = a[N.FILL]
        if fill != 0:
            raise NotASplineError(self.node, N.MASK_OP, a[N.PATH], "a -oo mask only feeds softmax or softplus")
        mask = a[N.MASK]
        zero = self.zero
        return tuple(tuple(u if keep else zero for u, keep in zip(r, m)) for r, m in zip(x, mask))

    def rule_concat(self, a, *parts: Mat) -> Mat:
        if a[N.AXIS] == 0:
            return tuple(r for p in parts for r in p)
        return tuple(tuple(u for p in rows for u in p) for rows in zip(*parts))


class PolyRules(MatrixRules):
    """The rules over polynomials of ``self.ring``, the parameters in ``self.params`` fixed.

    Subclasses set ``ring`` (its ``zero`` too) and ``params``.
    """

    ring: Any
    params: Mapping[sympy.Symbol, Any]

    def coerce(self, entry: sympy.Expr) -> Any:
        if self.params and entry.free_symbols:
            entry = entry.xreplace(self.params)
        return self.ring.from_expr(entry) if entry.free_symbols else self.ring.ground_new(entry)


class FractionRules(MatrixRules):
    """Exact rational evaluation at one point (parameters given values)."""

    zero = Fraction(0)

    def __init__(self, params: Mapping[sympy.Symbol, Any] | None = None) -> None:
        self.params = dict(params or {})

    def coerce(self, entry: sympy.Expr) -> Fraction:
        if entry.free_symbols:
            entry = entry.xreplace(self.params)
        if not entry.is_Rational:
            raise ValueError(f"{entry} is not a rational number; give every parameter a value")
        return to_fraction(entry)

    def load_input(self, attrs, value) -> Mat:
        return tuple(tuple(Fraction(v) for v in row) for row in value)
