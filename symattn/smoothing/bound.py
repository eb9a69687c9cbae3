r"""``softplus_bound``: a rigorous bound on |smooth(model, "softplus", β)(X) − model(X)|, entry by entry.

The one fact used (MATH.md §3): 0 < SoftPlus_β(s) − σ(s) ≤ log 2/β =: ε for
every real s.  Everything else is exact arithmetic on the ReLU model at X.

:class:`Deviation` carries, for one entry, the exact value v of the ReLU
model and a bound b(ε) with |v' − v| ≤ b for the smoothed model's value v'.
b is a polynomial in ε with non-negative rational coefficients.  The rules
(a table over the graph, sharing :class:`~symattn.interpret.matrix_rules.MatrixRules`'
matrix operations):

* sums: the bounds add; a constant c scales a bound by |c|;
* products: |u'w' − uw| ≤ |u|·b_w + |w|·b_u + b_u·b_w (so matmul adds
  these over the inner index);
* ReLU against SoftPlus: |SoftPlus_β(s') − σ(s)| ≤ |SoftPlus_β(s') − σ(s')|
  + |σ(s') − σ(s)| ≤ ε + b_s, since σ is 1-Lipschitz;
* a masked score is 0 under ReLU and SoftPlus_β(−∞) = 0 under SoftPlus:
  bound 0.

For one attention layer this is the explicit constant
Σ_j |(x_j V)_k| · ε for output entry (i, k) (j over the tokens row i sees);
for a feed-forward layer Σ_h |W2[h, k]| · ε.  Through blocks and stacks the
bound propagates the deviations exactly as above (local Lipschitz bounds at
X, with the products' ε² terms kept), so it holds for every β > 0.

>>> from symattn.nn import Attention, FeedForward
>>> attn = Attention([[1]], [[1]], [[2]])
>>> softplus_bound(attn, [[1], [-3]], 10)         # Σ_j |2 x_j| · log 2/10 = 8 log 2/10
Matrix([
[4*log(2)/5],
[4*log(2)/5]])
>>> softplus_bound(FeedForward([[1, -1]], None, [[1], [-3]], None), [[5]], 1)
Matrix([[4*log(2)]])
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.domains import QQ
from sympy.polys.rings import ring as sympy_ring

from ..interpret.matrix_rules import MatrixRules
from ..graph import nodes as N
from ..weights import exact_matrix, exact_scalar
from .swap import SmoothingError, smooth
from ..rationals import to_fraction

__all__ = ["softplus_bound", "deviation_polynomials", "Deviation", "EPSILON"]

#: the bound's variable: ε = log 2 / β
EPSILON = sympy.Symbol("epsilon", positive=True)
_RING, _EPS = sympy_ring((EPSILON,), QQ)


class Deviation:
    """An exact ReLU-model value and a bound (a polynomial in ε) on the smoothed model's distance to it."""

    __slots__ = ("value", "bound", "masked")

    def __init__(self, value: Fraction, bound=_RING.zero, masked: bool = False):
        self.value, self.bound, self.masked = value, bound, masked

    def __add__(self, other: "Deviation") -> "Deviation":
        return Deviation(self.value + other.value, self.bound + other.bound)

    def __mul__(self, other: "Deviation") -> "Deviation":
        bound = (self.bound * other.bound + other.bound * QQ(abs(self.value).numerator, abs(self.value).denominator)
                 + self.bound * QQ(abs(other.value).numerator, abs(other.value).denominator))
        return Deviation(self.value * other.value, bound)

    def __bool__(self) -> bool:
        return bool(self.value) or bool(self.bound)

    def __repr__(self) -> str:
        return f"Deviation({self.value} ± {self.bound.as_expr()})"


class DeviationRules(MatrixRules):
    """The ReLU model at a rational point with the softplus deviation bound of every entry."""

    zero = Deviation(Fraction(0))

    def coerce(self, entry: sympy.Expr) -> Deviation:
        if not entry.is_Rational:
            raise SmoothingError("softplus_bound", f"the weight or scale {entry} is not rational; the bound "
                                                   "needs rational weights and no parameters")
        return Deviation(to_fraction(entry))

    def load_input(self, attrs, value):
        return tuple(tuple(Deviation(to_fraction(v)) for v in row) for row in value.tolist())

    def rule_mask(self, a, x):
        return tuple(tuple(u if keep else Deviation(Fraction(0), masked=True) for u, keep in zip(r, m))
                     for r, m in zip(x, a[N.MASK]))

    def rule_relu(self, a, x):
        return tuple(tuple(self.zero if u.masked else Deviation(max(u.value, Fraction(0)), u.bound + _EPS)
                           for u in row) for row in x)


def _inputs(model, X: Any) -> tuple:
    return tuple(X) if isinstance(X, tuple) else (X,)


def deviation_polynomials(model, X: Any) -> sympy.Matrix:
    """The per-entry bounds as polynomials in :data:`EPSILON` (= log 2/β), valid for every β > 0.

    ``X``: the input matrix, or a tuple of matrices for a model with several
    inputs (in the order of its call).
    """
    smooth(model, "softplus")               # the same architecture must exist with SoftPlus
    graph, mats = model._graph_for(_inputs(model, X))
    for v in graph.order:
        op = graph.op(v)
        if op in (N.SOFTMAX, N.SOFTPLUS, N.LAYERNORM):
            raise SmoothingError(graph.attrs(v)[N.PATH], f"softplus_bound compares a ReLU model with its SoftPlus "
                                                         f"smoothing; this model already has {op}")
    if graph.parameters:
        raise SmoothingError("softplus_bound", f"give the parameters {graph.parameters} values first")
    out = DeviationRules().run(graph, {name: exact_matrix(m) for name, m in mats.items()})
    return sympy.Matrix([[u.bound.as_expr() for u in row] for row in out])


def softplus_bound(model, X: Any, beta: Any) -> sympy.Matrix:
    """Exact bounds B with |smooth(model, "softplus", beta)(X) − model(X)| ≤ B entrywise.

    Each entry is a polynomial in log 2/β with non-negative rational
    coefficients, as an exact sympy expression (see the module docstring).
    """
    beta = exact_scalar(beta, path="softplus_bound(beta)")
    if not (beta.is_Rational and beta > 0):
        raise SmoothingError("softplus_bound(beta)", f"must be a positive rational, got {beta}")
    return deviation_polynomials(model, X).subs(EPSILON, sympy.log(2) / beta)
