"""SymPy's printing protocol for symattn's objects, dispatched per type.

A class opts in by inheriting :class:`Printable`.  Its ``_latex(printer)``
and ``_sympystr(printer)`` look up a function registered for the class
(or the nearest base class) with :func:`formatter`; those functions call
``printer._print`` on every part, so ``sympy.latex(obj)`` and ``str(obj)``
nest inside matrices, tuples and each other.  ``_repr_latex_`` makes the
object render in Jupyter.

This module sits at the bottom of the package and imports nothing of
symattn, so every layer can inherit :class:`Printable` without reaching up
into the printers.  The printers register their functions when their own
package is imported (:mod:`symattn.export` and :mod:`symattn.proofs`, both
imported by ``import symattn``).  Adding a new printable type is one line
in its class statement (``class MaxMin(Printable, ...)``) plus its two
functions, registered with :func:`formatter` in the layer that prints it;
a type without registered functions prints its dataclass fields.

>>> import sympy
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Pair(Printable):
...     left: object
...     right: object
>>> sympy.latex(Pair(sympy.Rational(1, 2), sympy.Symbol("a")))
'\\\\mathrm{Pair}\\\\left(left = \\\\frac{1}{2},\\\\ right = a\\\\right)'
>>> str(Pair(1, sympy.Rational(3, 4)))
'Pair(left=1, right=3/4)'
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import sympy

__all__ = ["Printable", "formatter", "formatter_for", "LATEX", "TEXT"]

LATEX = "latex"
TEXT = "text"

#: class -> {kind -> function(obj, printer) -> str}
_FORMATTERS: dict[type, dict[str, Callable[[Any, Any], str]]] = {}


def formatter(cls: type, kind: str) -> Callable:
    """Decorator registering ``function(obj, printer) -> str`` for ``cls``.

    ``kind`` is :data:`LATEX` or :data:`TEXT`.
    """

    def register(function: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
        _FORMATTERS.setdefault(cls, {})[kind] = function
        return function

    return register


def formatter_for(cls: type, kind: str) -> Callable[[Any, Any], str]:
    """The function printing instances of ``cls`` (nearest registered base class)."""
    for base in cls.__mro__:
        found = _FORMATTERS.get(base, {}).get(kind)
        if found is not None:
            return found
    return _fields_latex if kind == LATEX else _fields_text


def _fields(obj: Any) -> list[tuple[str, Any]]:
    if dataclasses.is_dataclass(obj):
        return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.repr]
    return []


def _fields_latex(obj: Any, printer) -> str:
    parts = [f"{name} = {printer._print(value)}" for name, value in _fields(obj)]
    return r"\mathrm{%s}\left(%s\right)" % (type(obj).__name__, r",\ ".join(parts))


def _fields_text(obj: Any, printer) -> str:
    parts = [f"{name}={printer._print(value)}" for name, value in _fields(obj)]
    return f"{type(obj).__name__}({', '.join(parts)})"


class Printable:
    """Mixin: ``sympy.latex(obj)``, ``str(obj)`` and Jupyter display.

    It adds no state (empty ``__slots__``) and leaves ``repr``, equality
    and hashing to the class.
    """

    __slots__ = ()

    def _latex(self, printer) -> str:
        return formatter_for(type(self), LATEX)(self, printer)

    def _sympystr(self, printer) -> str:
        return formatter_for(type(self), TEXT)(self, printer)

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + sympy.latex(self) + "$"

    def __str__(self) -> str:
        return sympy.sstr(self)
