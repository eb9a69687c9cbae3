"""Rigorous interval evaluation (mpmath ``iv``) of any model, smooth activations included.

The exact interpreter keeps softmax and SoftPlus as sympy expressions;
nested, they grow until sympy's automatic simplification stalls (two
SoftPlus blocks already do).  :class:`IntervalRules` is the same graph
walked with mpmath intervals at ``dps`` digits: every value is an interval
that provably contains the exact one (outward rounding), so comparisons of
its endpoints are sound.  Weights must be rational.

>>> from mpmath import iv
>>> from symattn.nn import FeedForward
>>> soft = FeedForward([[1]], None, [[1]], None, activation="softplus", beta=1000)
>>> value = enclose(soft, [["1/2"]])[0][0]
>>> bool(value.a <= 0.5 + iv.log(1 + iv.exp(-500)).b / 1000), bool(value.b >= 0.5)
(True, True)
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import sympy
from mpmath import iv

from ..graph import nodes as N
from ..interpret.base import Interpreter
from ..weights import exact_matrix
from .swap import SmoothingError

__all__ = ["IntervalRules", "enclose", "interval", "interval_precision"]

_MASKED = None


def interval(value: Any):
    """The tightest interval around an exact rational (a sympy Rational, Fraction or int)."""
    r = sympy.Rational(value)
    if not r.is_Rational:
        raise SmoothingError("interval", f"{value} is not rational")
    return iv.mpf(int(r.p)) / iv.mpf(int(r.q))


class IntervalRules(Interpreter):
    """Graph rules on lists of lists of ``iv.mpf`` (None marks a score masked to −∞)."""

    def load_input(self, attrs, value):
        return [[interval(v) for v in row] for row in exact_matrix(value).tolist()]

    def rule_weight(self, a):
        m = a[N.VALUE]
        return [[interval(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]

    def rule_matmul(self, a, x, y):
        cols = list(zip(*y))
        return [[sum((u * v for u, v in zip(row, col)), iv.mpf(0)) for col in cols] for row in x]

    def rule_add(self, a, x, y):
        return [[u + v for u, v in zip(r, s)] for r, s in zip(x, y)]

    def rule_transpose(self, a, x):
        return [list(c) for c in zip(*x)]

    def rule_scale(self, a, x):
        c = interval(a[N.FACTOR])
        return [[c * u for u in r] for r in x]

    def rule_mask(self, a, x):
        fill = iv.mpf(0) if a[N.FILL] == 0 else _MASKED
        return [[u if keep else fill for u, keep in zip(r, m)] for r, m in zip(x, a[N.MASK])]

    def rule_relu(self, a, x):
        return [[iv.mpf([max(u.a, 0), max(u.b, 0)]) for u in r] for r in x]

    def rule_softplus(self, a, x):
        beta = interval(a[N.BETA])
        return [[iv.mpf(0) if u is _MASKED else iv.log(1 + iv.exp(beta * u)) / beta for u in r] for r in x]

    def rule_softmax(self, a, x):
        out = []
        for r in x:
            exps = [iv.mpf(0) if u is _MASKED else iv.exp(u) for u in r]
            total = sum(exps, iv.mpf(0))
            out.append([e / total for e in exps])
        return out

    def rule_concat(self, a, *parts):
        if a[N.AXIS] == 0:
            return [list(r) for p in parts for r in p]
        return [[u for p in rows for u in p] for rows in zip(*parts)]


def enclose(model, X: Any, dps: int = 50) -> list[list]:
    """Intervals (``iv.mpf``) containing the exact output of ``model`` at ``X`` (a matrix, or a tuple of
    matrices for a model with several inputs), computed at ``dps`` digits."""
    inputs = tuple(X) if isinstance(X, tuple) else (X,)
    graph, mats = model._graph_for(inputs)
    with interval_precision(dps):
        return IntervalRules().run(graph, mats)


@contextmanager
def interval_precision(dps: int) -> Iterator[None]:
    """Interval arithmetic at ``dps`` digits inside the block (mpmath's ``iv`` has no ``workdps``)."""
    saved = iv.dps
    iv.dps = dps
    try:
        yield
    finally:
        iv.dps = saved
