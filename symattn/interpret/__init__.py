"""Interpreters over the expression graph: exact, float and symbolic."""

from __future__ import annotations

from typing import Mapping

from .base import Interpreter
from .exact import ExactInterpreter
from .floating import FloatInterpreter
from .symbolic import SymbolicInterpreter
from .sympy_rules import ReLU

__all__ = ["Interpreter", "ExactInterpreter", "FloatInterpreter", "SymbolicInterpreter", "ReLU", "interpreter_for"]

_MODES = {"exact": ExactInterpreter, "float": FloatInterpreter, "symbolic": SymbolicInterpreter}


def interpreter_for(mode: str, params: Mapping | None = None) -> Interpreter:
    """The interpreter for ``mode`` in ``"exact"``, ``"float"``, ``"symbolic"``."""
    try:
        return _MODES[mode](params=params)
    except KeyError:
        raise ValueError(f"mode must be one of {sorted(_MODES)}, not {mode!r}") from None
