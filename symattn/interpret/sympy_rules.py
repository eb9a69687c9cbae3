"""Rules over sympy matrices, shared by the exact and symbolic interpreters.

The only difference between the two is what goes in: rationals (exact) or
the input symbols (symbolic).  ReLU is the sympy function :class:`ReLU`,
which evaluates on numbers and stays unevaluated on symbolic arguments.
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..graph import nodes as N
from .base import Interpreter

__all__ = ["ReLU", "SympyInterpreter"]


class ReLU(sympy.Function):
    """σ(t) = max(0, t), unevaluated unless the sign of t is known.

    >>> from sympy import Rational, Symbol
    >>> ReLU(Rational(-3, 2)), ReLU(Rational(3, 2))
    (0, 3/2)
    >>> t = Symbol("t", real=True)
    >>> ReLU(t), ReLU(t**2)
    (ReLU(t), t**2)
    >>> ReLU(t).rewrite(sympy.Piecewise)
    Piecewise((t, t > 0), (0, True))
    """

    @classmethod
    def eval(cls, t):
        if t.is_extended_nonnegative:
            return t
        if t.is_extended_nonpositive:
            return sympy.S.Zero
        return None

    def _eval_rewrite_as_Piecewise(self, t, **kwargs):
        return sympy.Piecewise((t, t > 0), (0, True))

    def _eval_rewrite_as_Max(self, t, **kwargs):
        return sympy.Max(0, t)

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0])

    def _latex(self, printer):
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])


def softplus(t: sympy.Expr, beta: sympy.Expr) -> sympy.Expr:
    """log(1 + e^{βt}) / β, with the limit 0 at t = −∞."""
    if t == -sympy.oo:
        return sympy.S.Zero
    return sympy.log(1 + sympy.exp(beta * t)) / beta


class SympyInterpreter(Interpreter):
    """Evaluate with sympy matrices; ``params`` substitutes parameter values."""

    def __init__(self, params: Mapping[sympy.Symbol, Any] | None = None) -> None:
        self.params = dict(params or {})

    def rule_weight(self, a):
        value = a[N.VALUE]
        return sympy.Matrix(value.xreplace(self.params)) if self.params else sympy.Matrix(value)

    def rule_matmul(self, a, x, y):
        return x * y

    def rule_add(self, a, x, y):
        return x + y

    def rule_transpose(self, a, x):
        return x.T

    def rule_scale(self, a, x):
        return a[N.FACTOR] * x

    def rule_mask(self, a, x):
        mask, fill = a[N.MASK], a[N.FILL]
        return sympy.Matrix(x.rows, x.cols, lambda i, j: x[i, j] if mask[i][j] else fill)

    def rule_relu(self, a, x):
        return x.applyfunc(ReLU)

    def rule_softplus(self, a, x):
        beta = a[N.BETA]
        return x.applyfunc(lambda t: softplus(t, beta))

    def rule_softmax(self, a, x):
        rows = []
        for i in range(x.rows):
            exps = [sympy.exp(t) for t in x.row(i)]
            total = sympy.Add(*exps)
            if total == 0:
                raise ValueError(f"softmax row {i} has every entry masked")
            rows.append([e / total for e in exps])
        return sympy.Matrix(rows)

    def rule_concat(self, a, *parts):
        return sympy.Matrix.hstack(*parts) if a[N.AXIS] == 1 else sympy.Matrix.vstack(*parts)

    def rule_layernorm(self, a, x, gamma=None, beta=None):
        eps, p = a[N.EPS], x.cols
        out = sympy.zeros(x.rows, p)
        for i in range(x.rows):
            row = list(x.row(i))
            mean = sympy.Add(*row) / p
            var = sympy.Add(*[(t - mean) ** 2 for t in row]) / p
            denom = sympy.sqrt(var + eps)
            if denom == 0:
                raise ZeroDivisionError(f"layer norm of the constant row {i} with eps = 0")
            for j, t in enumerate(row):
                v = (t - mean) / denom
                out[i, j] = v if gamma is None else v * gamma[0, j] + beta[0, j]
        return out
