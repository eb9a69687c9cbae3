"""Exact conversion of user-supplied numbers and matrices.

Everything symattn computes with is exact: rationals, or polynomials with
rational coefficients in symbolic *parameters*.  This module is the single
door through which numbers come in.

Accepted scalars: ``int``, :class:`fractions.Fraction`, sympy ``Integer`` and
``Rational``, strings such as ``"3/4"``, ``"-2"`` or ``"0.1"`` (read as the
exact decimal), numpy integers, sympy ``Symbol`` (a parameter) and polynomial
expressions in parameters with rational coefficients.

Floats (Python, numpy or sympy ``Float``) are converted by an explicit rule,
the ``rationalize`` argument:

* ``None`` (default): the exact value of the binary double,
  so ``0.1`` becomes ``3602879701896397/36028797018963968``;
* ``"decimal"``: the shortest decimal that round-trips, so ``0.1`` is ``1/10``;
* an ``int`` ``N``: the closest fraction with denominator at most ``N``;
* a callable ``float -> Rational``.

>>> exact_scalar(0.1)
3602879701896397/36028797018963968
>>> exact_scalar(0.1, rationalize="decimal")
1/10
>>> exact_matrix([[1, "3/4"], [0.5, -2]])
Matrix([
[  1, 3/4],
[1/2,  -2]])
>>> exact_scalar(float("nan"), path="ffn.W1", index=(0, 1))
Traceback (most recent call last):
...
symattn.errors.WeightError: ffn.W1[0, 1]: NaN is not a real number
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Callable, Union

import sympy
from sympy import ImmutableMatrix, Rational

from .errors import ShapeError, WeightError
from .rationals import to_rational

__all__ = ["Rationalize", "exact_scalar", "exact_matrix", "exact_row", "parameters_of"]

Rationalize = Union[None, str, int, Callable[[float], Any]]


def _float_to_rational(value: float, rationalize: Rationalize) -> Rational:
    if rationalize is None or rationalize == "exact":
        p, q = value.as_integer_ratio()
        return Rational(p, q)
    if rationalize == "decimal":
        f = Fraction(repr(value))
        return to_rational(f)
    if isinstance(rationalize, int) and not isinstance(rationalize, bool):
        f = Fraction(value).limit_denominator(rationalize)
        return to_rational(f)
    if callable(rationalize):
        return _checked_rational(rationalize(value))
    raise ValueError(
        f"rationalize must be None, 'exact', 'decimal', an int or a callable, not {rationalize!r}"
    )


def _checked_rational(value: Any) -> Rational:
    r = sympy.sympify(value)
    if not r.is_Rational:
        raise ValueError(f"the rationalize rule returned {value!r}, not a rational")
    return r


def exact_scalar(
    value: Any,
    *,
    path: str = "",
    index: tuple[int, ...] | None = None,
    rationalize: Rationalize = None,
    allow_algebraic: bool = False,
) -> sympy.Expr:
    """Convert one number to an exact sympy value, or raise :class:`WeightError`.

    ``allow_algebraic`` admits exact real algebraic constants such as
    ``sqrt(2)`` (used for attention scales); weights themselves must be
    rational or polynomial in parameters.
    """

    def fail(reason: str) -> WeightError:
        return WeightError(path, index, reason)

    if isinstance(value, bool):
        raise fail(f"{value!r} is a boolean, not a number")
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        return to_rational(value)
    if isinstance(value, numbers.Real) and not isinstance(value, sympy.Basic):
        f = float(value)
        if math.isnan(f):
            raise fail("NaN is not a real number")
        if math.isinf(f):
            raise fail(f"{f} is not a finite number")
        try:
            return _float_to_rational(f, rationalize)
        except ValueError as e:
            raise fail(str(e)) from None
    if isinstance(value, numbers.Complex) and not isinstance(value, sympy.Basic):
        raise fail(f"{value!r} is complex; weights must be real")
    if isinstance(value, str):
        text = value.strip()
        try:
            f = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise fail(f"the string {value!r} is not an exact number such as '3/4'") from None
        return to_rational(f)
    if isinstance(value, sympy.Basic):
        return _exact_sympy(value, fail, rationalize, allow_algebraic)
    raise fail(f"{value!r} of type {type(value).__name__} is not a number")


def _exact_sympy(value, fail, rationalize, allow_algebraic) -> sympy.Expr:
    if value.has(sympy.nan):
        raise fail("NaN is not a real number")
    if value.has(sympy.oo, -sympy.oo, sympy.zoo):
        raise fail(f"{value} is not a finite number")
    if isinstance(value, sympy.Float):
        return _float_to_rational(float(value), rationalize) if value._prec <= 53 else Rational(value)
    if value.is_Rational:
        return value
    if not isinstance(value, sympy.Expr):
        raise fail(f"{value!r} is not a number or polynomial expression")
    if value.has(sympy.Float):
        value = value.xreplace({f: _exact_sympy(f, fail, rationalize, False) for f in value.atoms(sympy.Float)})
    if value.is_number:
        if value.is_real is False or (value.is_real is None and sympy.im(value) != 0):
            raise fail(f"{value} is not real")
        if allow_algebraic:
            if value.is_algebraic is not True:
                raise fail(f"{value} is not an exact algebraic constant")
            return value
        raise fail(f"{value} is irrational; weights must be rational (or polynomial in parameters)")
    symbols = value.free_symbols
    if not all(isinstance(s, sympy.Symbol) for s in symbols):
        raise fail(f"{value} is not a polynomial in parameters")
    try:
        poly = sympy.Poly(value, *sorted(symbols, key=str), domain=sympy.QQ)
    except (sympy.PolynomialError, sympy.CoercionFailed):
        raise fail(f"{value} is not a polynomial in parameters with rational coefficients") from None
    return poly.as_expr()


def _nested_rows(value: Any, path: str) -> tuple[list[list[Any]], tuple[int, int]]:
    """Return (rows, shape) for a 2-D nested list, sympy matrix or numpy array."""
    if isinstance(value, sympy.MatrixBase):
        return [list(value.row(i)) for i in range(value.rows)], value.shape
    shape_attr = getattr(value, "shape", None)
    if shape_attr is not None and hasattr(value, "tolist"):  # numpy and friends
        if getattr(getattr(value, "dtype", None), "kind", "") == "c":
            raise WeightError(path, None, "complex array; weights must be real")
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise ShapeError(path, f"expected a matrix (nested lists), got {type(value).__name__}")
    if value and all(isinstance(r, (list, tuple)) for r in value):
        widths = {len(r) for r in value}
        if len(widths) != 1:
            raise ShapeError(path, f"ragged rows of lengths {sorted(widths)}")
        return [list(r) for r in value], (len(value), widths.pop())
    if any(isinstance(r, (list, tuple)) for r in value):
        raise ShapeError(path, "mixes rows and scalars")
    raise ShapeError(path, f"expected a 2-D matrix, got a flat sequence of length {len(value)}")


def exact_matrix(
    value: Any,
    *,
    path: str = "",
    rationalize: Rationalize = None,
    shape: tuple[int | None, int | None] | None = None,
) -> ImmutableMatrix:
    """Convert a 2-D matrix-like value entrywise with :func:`exact_scalar`.

    ``shape`` may fix either dimension (``None`` leaves it free); a mismatch
    raises :class:`ShapeError` naming ``path``.
    """
    rows, (r, c) = _nested_rows(value, path)
    if shape is not None:
        want = tuple("?" if s is None else s for s in shape)
        if any(s is not None and s != t for s, t in zip(shape, (r, c))):
            raise ShapeError(path, f"expected shape {want}, got {(r, c)}")
    entries = [
        exact_scalar(v, path=path, index=(i, j), rationalize=rationalize)
        for i, row in enumerate(rows)
        for j, v in enumerate(row)
    ]
    return ImmutableMatrix(r, c, entries)


def exact_row(value: Any, *, path: str = "", rationalize: Rationalize = None, length: int | None = None) -> ImmutableMatrix:
    """A bias vector as a 1×q row; accepts a flat sequence, a row or a column."""
    if isinstance(value, sympy.MatrixBase) or hasattr(value, "tolist"):
        flat = list(value) if isinstance(value, sympy.MatrixBase) else value.tolist()
        if flat and isinstance(flat[0], list):
            flat = [v for row in flat for v in row]
        value = flat
    if not isinstance(value, (list, tuple)):
        raise ShapeError(path, f"expected a vector, got {type(value).__name__}")
    if value and isinstance(value[0], (list, tuple)):
        if len(value) == 1:
            value = list(value[0])
        elif all(isinstance(v, (list, tuple)) and len(v) == 1 for v in value):
            value = [v[0] for v in value]
        else:
            raise ShapeError(path, "expected a vector, got a matrix")
    if length is not None and len(value) != length:
        raise ShapeError(path, f"expected a vector of length {length}, got length {len(value)}")
    return ImmutableMatrix(
        1, len(value), [exact_scalar(v, path=path, index=(j,), rationalize=rationalize) for j, v in enumerate(value)]
    )


def parameters_of(*matrices: sympy.MatrixBase) -> frozenset[sympy.Symbol]:
    """The symbolic parameters occurring in some weight matrices."""
    out: set[sympy.Symbol] = set()
    for m in matrices:
        if m is not None:
            out |= m.free_symbols
    return frozenset(out)
