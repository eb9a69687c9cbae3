"""The float interpreter: numpy float64, for fast numerical checks."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import sympy

from ..errors import ShapeError
from ..graph import nodes as N
from .base import Interpreter

__all__ = ["FloatInterpreter"]


class FloatInterpreter(Interpreter):
    """Evaluate in float64; symbolic parameters need values in ``params``.

    >>> from symattn.nn import Attention
    >>> FloatInterpreter().run(Attention([[1]], [[1]], [[1]]).trace(n=1), {"x": [[0.5]]})
    array([[0.125]])
    """

    def __init__(self, params: Mapping[sympy.Symbol, Any] | None = None) -> None:
        self.params = dict(params or {})

    def _number(self, value) -> float:
        value = sympy.sympify(value)
        if self.params:
            value = sympy.sympify(value.xreplace(self.params))
        if not value.is_number:
            raise ValueError(f"{value} has symbolic parameters {sorted(map(str, value.free_symbols))}; pass params=")
        return float(value)

    def load_input(self, attrs, value):
        arr = np.array(value.tolist() if isinstance(value, sympy.MatrixBase) else value, dtype=np.float64)
        if arr.shape != tuple(attrs[N.SHAPE]):
            raise ShapeError("", f"input {attrs[N.NAME].upper()} has shape {arr.shape}, the model needs {attrs[N.SHAPE]}")
        return arr

    def rule_weight(self, a):
        m = a[N.VALUE]
        return np.array([[self._number(m[i, j]) for j in range(m.cols)] for i in range(m.rows)], dtype=np.float64)

    def rule_matmul(self, a, x, y):
        return x @ y

    def rule_add(self, a, x, y):
        return x + y

    def rule_transpose(self, a, x):
        return x.T

    def rule_scale(self, a, x):
        return self._number(a[N.FACTOR]) * x

    def rule_mask(self, a, x):
        fill = -np.inf if a[N.FILL] == -sympy.oo else float(a[N.FILL])
        return np.where(np.array(a[N.MASK], dtype=bool), x, fill)

    def rule_relu(self, a, x):
        return np.maximum(x, 0.0)

    def rule_softplus(self, a, x):
        beta = self._number(a[N.BETA])
        return np.logaddexp(0.0, beta * x) / beta

    def rule_softmax(self, a, x):
        top = np.max(x, axis=1, keepdims=True)
        if not np.all(np.isfinite(top)):
            raise ValueError("a softmax row has every entry masked")
        e = np.exp(x - top)
        return e / e.sum(axis=1, keepdims=True)

    def rule_concat(self, a, *parts):
        return np.concatenate(parts, axis=a[N.AXIS])

    def rule_layernorm(self, a, x, gamma=None, beta=None):
        mean = x.mean(axis=1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=1, keepdims=True) + self._number(a[N.EPS])
        if np.any(var == 0):
            raise ZeroDivisionError("layer norm of a constant row with eps = 0")
        out = (x - mean) / np.sqrt(var)
        return out if gamma is None else out * gamma + beta
