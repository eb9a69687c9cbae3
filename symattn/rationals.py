"""Exact conversions between the rational types symattn meets: ``Fraction``, sympy ``Rational``, mpq.

The hot paths compute with :class:`fractions.Fraction` (and integers); sympy
sees :class:`sympy.Rational`.  These two functions are the one way across,
and neither accepts a float: an exact package must not round silently.

>>> import sympy
>>> to_fraction(sympy.Rational(-3, 4))
Fraction(-3, 4)
>>> to_rational(Fraction(5, 10))
1/2
>>> to_fraction(0.5)
Traceback (most recent call last):
...
TypeError: float coordinate 0.5: convert to an exact rational first
"""

from __future__ import annotations

from fractions import Fraction

import sympy

__all__ = ["to_fraction", "to_rational"]


def to_fraction(v) -> Fraction:
    """Exact conversion of a rational-valued scalar to ``Fraction``.

    Floats are refused: an exact module must not silently accept them.
    """
    if isinstance(v, Fraction):
        return v
    if isinstance(v, bool):
        raise TypeError("bool is not a coordinate")
    if isinstance(v, int):
        return Fraction(v)
    if isinstance(v, sympy.Rational):          # includes Integer
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, float):
        raise TypeError(f"float coordinate {v!r}: convert to an exact rational first")
    num, den = getattr(v, "numerator", None), getattr(v, "denominator", None)
    if num is not None and den is not None:    # PythonMPQ, gmpy mpq, numpy ints
        return Fraction(int(num), int(den))
    raise TypeError(f"not an exact rational: {v!r}")


def to_rational(v) -> sympy.Rational:
    """Exact conversion to a sympy ``Rational``."""
    f = to_fraction(v)
    return sympy.Rational(f.numerator, f.denominator)
