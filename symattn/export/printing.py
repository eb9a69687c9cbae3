"""SymPy's printing protocol for symattn's objects, dispatched per type.

A class opts in by inheriting :class:`Printable`.  Its ``_latex(printer)``
and ``_sympystr(printer)`` look up a function registered for the class
(or the nearest base class) with :func:`formatter`; those functions call
``printer._print`` on every part, so ``sympy.latex(obj)`` and ``str(obj)``
nest inside matrices, tuples and each other.  ``_repr_latex_`` makes the
object render in Jupyter.

Adding a new printable type is one line in its class statement
(``class MaxMin(Printable, ...)``) plus its two functions here in
``symattn.export``; a type without registered functions prints its
dataclass fields.

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
_loaded = False


def formatter(cls: type, kind: str) -> Callable:
    """Decorator registering ``function(obj, printer) -> str`` for ``cls``.

    ``kind`` is :data:`LATEX` or :data:`TEXT`.
    """

    def register(function: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
        _FORMATTERS.setdefault(cls, {})[kind] = function
        return function

    return register


def _load_builtin_formatters() -> None:
    # Imported on first print: the formatter modules import the very classes
    # that inherit Printable, so they cannot be imported when those load.
    global _loaded
    if not _loaded:
        _loaded = True
        from ..proofs import formats as _proofs  # noqa: F401
        from . import formats_graph, formats_nn, formats_realize, formats_spline  # noqa: F401


def formatter_for(cls: type, kind: str) -> Callable[[Any, Any], str]:
    """The function printing instances of ``cls`` (nearest registered base class)."""
    _load_builtin_formatters()
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
        from .latex import to_latex

        return "$\\displaystyle " + to_latex(self) + "$"

    def __str__(self) -> str:
        return sympy.sstr(self)
