"""How symattn's variables look in LaTeX: ``x[i,j]`` as :math:`x_{i,j}`.

Input variables are sympy symbols named ``x[i,j]``, ``y[i,j]``, ``z[i,j]``
(0-based) and restricted splines use ``t[k]``.  In LaTeX they print as
``x_{i,j}`` and ``t_{k}``, keeping the 0-based indices of their names;
parameters keep their own names.

The mapping is applied through the printer's own ``symbol_names`` setting
for the duration of one print, so a user's explicit ``symbol_names`` win.

>>> import sympy
>>> from sympy.printing.latex import LatexPrinter
>>> x, q = sympy.Symbol("x[0,1]"), sympy.Symbol("q")
>>> printer = LatexPrinter()
>>> with indexed_names(printer, (x**2 + q).free_symbols):
...     printer._print(x**2 + q)
'q + x_{0,1}^{2}'
>>> latex_name(sympy.Symbol("t[2]"))
't_{2}'
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterable, Iterator

import sympy

__all__ = ["latex_name", "indexed_names", "INDEXED", "real_space"]

#: a name ``letter[i]`` or ``letter[i,j]`` with 0-based integer indices
INDEXED = re.compile(r"^([A-Za-z]+)\[(\d+(?:,\d+)*)\]$")


def latex_name(symbol: sympy.Symbol) -> str | None:
    """``x_{i,j}`` for a symbol named ``x[i,j]``; None for any other name."""
    match = INDEXED.match(symbol.name)
    if match is None:
        return None
    return f"{match.group(1)}_{{{match.group(2)}}}"


@contextmanager
def indexed_names(printer, symbols: Iterable[sympy.Symbol]) -> Iterator[None]:
    """Within the block, ``printer`` writes indexed symbols as ``x_{i,j}``.

    Names the caller set in the printer's ``symbol_names`` are kept.
    """
    settings = printer._settings
    before = settings.get("symbol_names", {})
    names = {s: n for s in symbols if isinstance(s, sympy.Symbol) and (n := latex_name(s)) is not None}
    settings["symbol_names"] = {**names, **before}
    try:
        yield
    finally:
        settings["symbol_names"] = before


_SUPERSCRIPT = str.maketrans("0123456789×", "⁰¹²³⁴⁵⁶⁷⁸⁹ˣ")


def real_space(*dims: int) -> str:
    """The real space of these dimensions in plain text: ``ℝ²``, ``ℝ¹ˣ²`` (as a mathematician writes it).

    >>> real_space(2), real_space(1, 2)
    ('ℝ²', 'ℝ¹ˣ²')
    """
    return "ℝ" + "×".join(str(d) for d in dims).translate(_SUPERSCRIPT)
