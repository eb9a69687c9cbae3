"""The exceptions of :mod:`symattn.proofs`; both are :class:`~symattn.errors.SymattnError`.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> err = ProofError("f = g", {x: sympy.Rational(1, 2)}, (1, 2))
>>> err.point, err.values
({x: 1/2}, (1, 2))
>>> print(err)
f = g is false at (x = 1/2): 1 != 2
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..errors import InputError, SymattnError
from ..latex_names import latex_name

__all__ = ["ProofError", "ProofInputError"]


def _show(value: Any) -> str:
    if isinstance(value, sympy.MatrixBase) and value.shape == (1, 1):
        value = value[0, 0]
    if isinstance(value, sympy.MatrixBase):
        return str(value.tolist())
    return str(value)


class ProofError(SymattnError, AssertionError):
    """A claim is false, with the exact evidence.

    ``point``: an exact rational point (Symbol -> Rational) where the claim
    fails, or None for a claim about the whole function (a degree, say);
    ``values``: what the two sides are there (for an equality: both values;
    across a wall: the limits from each side), named by ``labels``; ``proof``: the refuted
    :class:`~symattn.checks.Proof` with every check, when there is
    one; ``detail`` says what was compared.
    """

    def __init__(self, claim: str, point: Mapping[sympy.Symbol, Any] | None, values: tuple = (),
                 detail: str = "", proof: Any = None, labels: tuple[str, str] = ("a", "b"),
                 sides: tuple[str, str] | None = None, entry: tuple[int, int] | None = None,
                 polynomials: tuple[sympy.Expr, sympy.Expr] | None = None):
        self.claim, self.labels = claim, labels
        self.point = None if point is None else {k: sympy.Rational(v) for k, v in dict(point).items()}
        self.values = tuple(values)
        self.detail = detail
        self.proof = proof
        self.sides, self.entry, self.polynomials = sides, entry, polynomials
        text = f"{claim} is false"
        if sides is not None:
            text += f" ({labels[0]} = {sides[0]}, {labels[1]} = {sides[1]})"
        if self.point is not None:
            text += " at (" + ", ".join(f"{k} = {v}" for k, v in self.point.items()) + ")"
        if len(self.values) == 2:
            text += f": {_show(self.values[0])} != {_show(self.values[1])}"
        if entry is not None:
            text += f"; they differ in entry {entry}"
        if polynomials is not None:
            text += f"; there {labels[0]} is {polynomials[0]} and {labels[1]} is {polynomials[1]}"
        if detail:
            text += f"; {detail}"
        super().__init__(text)

    def latex(self) -> str:
        r"""The counterexample as LaTeX: the point, then the two values (``x[0,1]`` as ``x_{0,1}``).

        >>> x = sympy.Symbol("x[0,1]")
        >>> ProofError("f = g", {x: sympy.Rational(-1, 2)}, (0, 1)).latex()
        'x_{0,1} = - \\frac{1}{2}\\quad 0 \\neq 1'
        """
        parts = []
        if self.point is not None:
            names = {k: latex_name(k) or sympy.latex(k) for k in self.point}
            parts.append(r",\ ".join(f"{names[k]} = {sympy.latex(v)}" for k, v in self.point.items()))
        if len(self.values) == 2:
            parts.append(r"{} \neq {}".format(*(sympy.latex(v) for v in self.values)))
        if self.polynomials is not None:
            names = {s: n for s in set().union(*(sympy.sympify(p).free_symbols for p in self.polynomials))
                     if (n := latex_name(s)) is not None}
            a, b = (sympy.latex(p, symbol_names=names) for p in self.polynomials)
            where = "" if self.entry is None else f"f_{{{self.entry[0]},{self.entry[1]}}}\\colon\\ "
            parts.append(rf"\text{{there }} {where}{a} \neq {b}")
        return r"\quad ".join(parts)


class ProofInputError(InputError):
    """An input to a proof is malformed; ``where`` names the argument and field."""
