"""Reading exact numbers and polynomials from text, without ``eval``.

Files store weights and polynomials as strings such as ``"3/4"``,
``"2*q + 1/3"`` or ``"x[0,1]**2 - 3*x[0,0]*t[0]"``.  sympy's own parser
evaluates Python code, which a data file must never be able to trigger, so
this module walks Python's syntax tree and accepts only

* integer and decimal literals (a decimal is its exact value: ``0.1`` is 1/10);
* names and indexed names (``q``, ``x[0,1]``, ``t[0]``) that the caller knows,
  or that ``new_symbol`` accepts;
* ``+``, ``-``, ``*``, division by a nonzero number, ``**`` with a
  non-negative integer exponent;
* ``sqrt(...)`` of an exact number: any, where the caller allows square
  roots, and otherwise only a rational one (``sqrt(9/4)``; ``sqrt(2)`` is
  refused as irrational).

>>> import sympy
>>> x = sympy.Symbol("x[0,1]", real=True)
>>> parse_exact("x[0,1]**2/2 - 0.25", {"x[0,1]": x})
x[0,1]**2/2 - 1/4
>>> parse_exact("__import__('os')", {})
Traceback (most recent call last):
...
ValueError: "__import__('os')": calls are not allowed; write an exact number such as '3/4' or a polynomial such as '2*q + 1'
>>> parse_exact("sqrt(2)", {})
Traceback (most recent call last):
...
ValueError: sqrt(2) is irrational, not allowed here: only an exact rational (an attention scale may be a square root)
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import Callable, Mapping

import sympy
from ..rationals import to_rational

__all__ = ["parse_exact", "MAX_LENGTH", "MAX_EXPONENT"]

#: longest text accepted (characters) and largest exponent, against runaway input
MAX_LENGTH = 1_000_000
MAX_EXPONENT = 64


def parse_exact(text: str, symbols: Mapping[str, sympy.Symbol],
                new_symbol: Callable[[str], sympy.Symbol] | None = None,
                allow_sqrt: bool = False) -> sympy.Expr:
    """The exact sympy expression written in ``text``; ``ValueError`` says what is wrong."""
    if not isinstance(text, str):
        raise ValueError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the text is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"{text!r} is not a number or polynomial such as '3/4' or '2*q + 1'") from None
    return _Reader(text.strip(), symbols, new_symbol, allow_sqrt).read(tree.body)


def _check_literal(literal: str) -> None:
    """Refuse a number literal that is not a decimal (``0x10``, ``0b1``): only decimals are exact text."""
    try:
        Fraction(literal)
    except ValueError:
        raise ValueError(f"{literal!r} is not a decimal number such as '3', '0.25' or '1e-3'") from None


class _Reader:
    def __init__(self, text, symbols, new_symbol, allow_sqrt) -> None:
        self.text, self.symbols, self.new_symbol, self.allow_sqrt = text, symbols, new_symbol, allow_sqrt

    def read(self, node: ast.AST) -> sympy.Expr:
        method = getattr(self, "read_" + type(node).__name__, None)
        if method is None:
            raise ValueError(f"{ast.get_source_segment(self.text, node)!r} is not allowed here")
        if isinstance(node, ast.Constant):
            _check_literal(ast.get_source_segment(self.text, node))
        return method(node)

    def read_Constant(self, node: ast.Constant) -> sympy.Expr:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"{node.value!r} is not a number")
        f = Fraction(ast.get_source_segment(self.text, node))  # the literal as written, exactly
        return to_rational(f)

    def read_UnaryOp(self, node: ast.UnaryOp) -> sympy.Expr:
        operand = self.read(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ValueError("only + and - may stand before a term")

    def read_BinOp(self, node: ast.BinOp) -> sympy.Expr:
        left, right = self.read(node.left), self.read(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right.free_symbols or right == 0:
                raise ValueError("division is only by a nonzero number")
            return left / right
        if isinstance(node.op, ast.Pow):
            if not (right.is_Integer and 0 <= right <= MAX_EXPONENT):
                raise ValueError(f"exponents are integers from 0 to {MAX_EXPONENT}, not {right}")
            return left ** right
        raise ValueError("only +, -, *, / and ** are allowed")

    def _symbol(self, name: str) -> sympy.Symbol:
        found = self.symbols.get(name)
        if found is not None:
            return found
        if self.new_symbol is not None:
            return self.new_symbol(name)
        raise ValueError(f"unknown symbol {name!r}")

    def read_Name(self, node: ast.Name) -> sympy.Expr:
        return self._symbol(node.id)

    def read_Subscript(self, node: ast.Subscript) -> sympy.Expr:
        if not isinstance(node.value, ast.Name):
            raise ValueError("only names may be indexed, as in x[0,1]")
        index = node.slice
        items = index.elts if isinstance(index, ast.Tuple) else [index]
        if not all(isinstance(i, ast.Constant) and type(i.value) is int and i.value >= 0 for i in items):
            raise ValueError("indices are non-negative integers, as in x[0,1]")
        return self._symbol(f"{node.value.id}[{','.join(str(i.value) for i in items)}]")

    def read_Call(self, node: ast.Call) -> sympy.Expr:
        is_sqrt = (isinstance(node.func, ast.Name) and node.func.id == "sqrt" and len(node.args) == 1
                   and not node.keywords)
        if not is_sqrt:
            raise ValueError("calls other than sqrt(...) are not allowed" if self.allow_sqrt else
                             f"{ast.get_source_segment(self.text, node)!r}: calls are not allowed; write an "
                             "exact number such as '3/4' or a polynomial such as '2*q + 1'")
        arg = self.read(node.args[0])
        if arg.free_symbols:
            raise ValueError("sqrt(...) takes an exact number")
        root = sympy.sqrt(arg)
        if not self.allow_sqrt and not root.is_Rational:
            raise ValueError(f"{ast.get_source_segment(self.text, node)} is irrational, not allowed here: "
                             "only an exact rational (an attention scale may be a square root)")
        return root
