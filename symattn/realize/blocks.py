"""The gadgets: attention heads that multiply, ReLU units that take max and min.

All act on one token f (a row of named slots, see :mod:`.program`), and
all are exact identities, so the compiled spline of a realization is the
certificate, not an approximation of it.

**Products (attention).**  With one token, a head with query column q, key
column k and value column v computes

    σ((f·q)(f·k)) · (f·v).

Taking q = k makes the score a square, so the ReLU is the identity on it
and the head is the product (f·q)²·(f·v): degree 3 from degree-1 factors,
with no sign split.  A product a·b·t of two *different* features uses the
polarisation identity ab = ((a+b)² − (a−b)²)/4::

    head +: score (a+b)², value t, routed with +1/4  ─┐
                                                      ├─>  a·b·t
    head −: score (a−b)², value t, routed with −1/4  ─┘

(``square_head`` and ``polarized_heads``).  Three factors per layer means
monomials of degree 3^L after L attention layers.  When a and b are
input variables the score is a quadratic form the compiler proves ≥ 0 at
once (its Gram matrix is PSD); a monomial squared is an even monomial,
also proven ≥ 0 at once.

**max and min (feed-forward, residual).**  The block adds its FFN output to
the stream, so a unit reading a − b and writing −1 into slot a computes, in
place::

    a ← a − σ(a − b) = min(a, b)        (min_unit)
    a ← a + σ(b − a) = max(a, b)        (max_unit)

Units of one FFN run in parallel; a balanced tree of them takes
⌈log₂ J⌉ blocks for a min of J terms.

>>> from .program import Layout, Program, Block, Vec
>>> lay = Layout(); x, one = lay.add("x"), lay.add("1")
>>> a, b, z = lay.add("x+1"), lay.add("1-x"), lay.add("0")
>>> hat = Program(lay, (Vec({x: 1, a: 1, b: -1}),), Vec({one: 1, a: 1, b: 1}),
...               [Block(units=[min_unit(a, b)]), Block(units=[max_unit(a, z)])], a)
>>> hat.assemble().model([["1/2"]]), hat.assemble().model([[5]])     # max(0, min(x+1, 1-x))
(Matrix([[1/2]]), Matrix([[0]]))
"""

from __future__ import annotations

from typing import Mapping

import sympy

from .program import Head, Unit, Vec

__all__ = ["square_head", "polarized_heads", "min_unit", "max_unit", "relu_unit"]


def square_head(s: Vec, values: Mapping[Vec, Vec], note: str = "") -> Head:
    """One head: σ((f·s)²)·(f·v) = (f·s)²·(f·v) for every value v, added to ``values[v]``.

    Q = K = s (one column), V = the value columns, W_O = the routes.
    """
    vs = tuple(values)
    return Head(s, s, vs, tuple(values[v] for v in vs), note)


def polarized_heads(a: Vec, b: Vec, values: Mapping[Vec, Vec], names: tuple[str, str, str] = ("a", "b", "v")
                    ) -> list[Head]:
    """Two heads: ((f·a + f·b)² − (f·a − f·b)²)/4 · (f·v) = (f·a)(f·b)(f·v), added to ``values[v]``.

    ``names`` (of a, b and the values) only label the heads for :meth:`Realization.describe`.
    """
    vs = tuple(values)
    quarter = sympy.Rational(1, 4)
    na, nb, nv = names
    plus = Head(a + b, a + b, vs, tuple(values[v] * quarter for v in vs), f"+(({na}) + ({nb}))^2/4 * [{nv}]")
    minus = Head(a - b, a - b, vs, tuple(values[v] * -quarter for v in vs), f"-(({na}) - ({nb}))^2/4 * [{nv}]")
    return [plus, minus]


def min_unit(a: int, b: int, note: str = "") -> Unit:
    """slot a ← a − σ(a − b) = min(a, b)."""
    return Unit(Vec({a: 1, b: -1}), sympy.Integer(0), Vec({a: -1}), note or f"[{a}] <- min([{a}], [{b}])")


def max_unit(a: int, b: int, note: str = "") -> Unit:
    """slot a ← a + σ(b − a) = max(a, b)."""
    return Unit(Vec({a: -1, b: 1}), sympy.Integer(0), Vec({a: 1}), note or f"[{a}] <- max([{a}], [{b}])")


def relu_unit(weights: Vec, bias, route: Vec, note: str = "") -> Unit:
    """σ(f·weights + bias) added to ``route`` (for example a truncated power (x − t)_+)."""
    return Unit(weights, sympy.Rational(bias), route, note)
