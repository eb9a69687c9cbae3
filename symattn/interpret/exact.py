"""The exact interpreter: rational inputs give exact outputs (the oracle)."""

from __future__ import annotations

import sympy

from ..weights import exact_matrix
from .sympy_rules import SympyInterpreter

__all__ = ["ExactInterpreter"]


class ExactInterpreter(SympyInterpreter):
    """Exact evaluation; inputs are converted by :func:`symattn.weights.exact_matrix`.

    ReLU networks give rationals (or polynomials in parameters); softmax and
    softplus give exact sympy expressions such as ``exp(2)/(1 + exp(2))``.

    >>> from symattn.nn import FeedForward
    >>> g = FeedForward([[1, -1]], None, [[1], [1]], None).trace(n=1)
    >>> ExactInterpreter().run(g, {"x": [["-7/3"]]})
    Matrix([[7/3]])
    """

    def load_input(self, attrs, value):
        return sympy.Matrix(exact_matrix(value, path=f"input {attrs['name'].upper()}", shape=attrs["shape"]))
