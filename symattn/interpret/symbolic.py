"""The symbolic interpreter: expressions in the input variables, ReLU unevaluated."""

from __future__ import annotations

import sympy

from ..graph.graph import input_symbols
from .sympy_rules import SympyInterpreter

__all__ = ["SymbolicInterpreter"]


class SymbolicInterpreter(SympyInterpreter):
    """Run the graph on its own input symbols ``x[i,j]``, ``y[i,j]``, ``z[i,j]``.

    Substituting rational values into the result gives the exact
    interpreter's output, since :class:`~symattn.interpret.ReLU` evaluates
    on numbers.

    >>> from symattn.nn import Attention
    >>> SymbolicInterpreter().run(Attention([[1]], [[1]], [[1]]).trace(n=1))
    Matrix([[x[0,0]**3]])
    """

    def load_input(self, attrs, value):
        return value if isinstance(value, sympy.MatrixBase) else sympy.Matrix(value)

    def default_inputs(self, graph, names):
        return {name: sympy.Matrix(input_symbols(name, *graph.input_shape(name))) for name in names}
