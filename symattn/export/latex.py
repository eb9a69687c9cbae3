r"""LaTeX building blocks: long sums broken across lines, conjunctions, cases.

Every block is a math-mode fragment that compiles with amsmath alone and
can be pasted into ``\[ ... \]``, ``equation*`` or an ``align*`` cell.  A
formula wider than :attr:`LatexOptions.width` (a rough count of visible
characters) breaks into a top-aligned ``aligned`` block: the continuation
lines start with the operator (``+``, ``-``, ``\wedge``), indented.

:func:`to_latex` prints any symattn object with options; ``sympy.latex``
uses the defaults.

>>> import sympy
>>> from sympy.printing.latex import LatexPrinter
>>> a, b = sympy.symbols("a b")
>>> print(broken_sum(LatexPrinter(), a**3 - 2*a*b + b**2 + 7, width=8))
\begin{aligned}[t]
&a^{3} - 2 a b\\
&\quad {}+ b^{2} + 7
\end{aligned}
>>> print(condition(LatexPrinter(), a - b, -1))
a - b < 0
"""

from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Iterator, Sequence

import sympy

from ..latex_names import latex_name

__all__ = [
    "LatexOptions", "options", "latex_options", "to_latex", "visual_width", "lines_block",
    "broken_sum", "sum_lines", "condition", "condition_lines", "conjunction", "conjunction_lines",
    "disjunction", "join_lines", "cases", "text", "escape",
    "matrix_block",
]


@dataclass(frozen=True)
class LatexOptions:
    """How much to show and where to break.

    * ``max_pieces``: a spline with more pieces shows a summary and its
      first ``max_pieces`` pieces;
    * ``width``: visible characters per line before a formula breaks.
    """

    max_pieces: int = 8
    width: int = 72


_OPTIONS: contextvars.ContextVar[LatexOptions] = contextvars.ContextVar("latex_options", default=LatexOptions())


def options() -> LatexOptions:
    """The options in force (see :func:`latex_options`)."""
    return _OPTIONS.get()


@contextmanager
def latex_options(**changes: Any) -> Iterator[LatexOptions]:
    """Change :class:`LatexOptions` for the prints inside the block."""
    token = _OPTIONS.set(replace(_OPTIONS.get(), **changes))
    try:
        yield _OPTIONS.get()
    finally:
        _OPTIONS.reset(token)


#: the line width of ``compact=True``: a display formula that fits one column of a two-column paper
COMPACT_WIDTH = 36


def to_latex(obj: Any, *, max_pieces: int | None = None, width: int | None = None, simplify: bool = False,
             compact: bool = False, **settings: Any) -> str:
    r"""``sympy.latex(obj, **settings)`` with symattn's layout options.

    ``simplify=True`` prints ``obj.simplify()`` (for a spline: factored,
    minimal conditions and one row per distinct polynomial of each entry,
    see :meth:`~symattn.spline.Spline.simplify`); ``compact=True`` breaks
    lines at :data:`COMPACT_WIDTH` characters, for a column.  The output uses
    plain amsmath (``aligned``, ``cases``) and no ``\newcommand``.

    >>> import symattn
    >>> from symattn.nn import FeedForward
    >>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
    >>> print(to_latex(s))
    \begin{aligned}[t]
    &\text{spline } f\colon \mathbb{R}^{1 \times 1} \to \mathbb{R}^{1 \times 1},\ \text{2 pieces, degree 1, complete}\\
    &f = \begin{cases} x_{0,0} & \text{if } x_{0,0} > 0\\ - x_{0,0} & \text{if } x_{0,0} < 0 \end{cases}
    \end{aligned}
    """
    if compact and width is None:
        width = COMPACT_WIDTH
    if simplify:
        obj = obj.simplify()
    if isinstance(obj, (sympy.Basic, sympy.MatrixBase)) and "symbol_names" not in settings:
        # plain sympy output (as_expr(), a piece's value) gets the same x_{i,j} names as symattn's objects
        names = {s: n for s in obj.free_symbols if isinstance(s, sympy.Symbol) and (n := latex_name(s))}
        if names:
            settings["symbol_names"] = names
    changes = {k: v for k, v in (("max_pieces", max_pieces), ("width", width)) if v is not None}
    with latex_options(**changes):
        return sympy.latex(obj, **settings)


_COMMAND = re.compile(r"\\(left|right|begin\{[a-z*]+\}(\[[a-z]\])?|end\{[a-z*]+\}|[a-zA-Z]+|[,;:! ])")


def visual_width(tex: str) -> int:
    r"""A rough count of the characters a reader sees (commands count as one).

    >>> visual_width(r"\frac{1}{2} x_{0,1}^{2}")
    8
    """
    stripped = _COMMAND.sub("#", tex)
    return sum(1 for c in stripped if c not in "{}^_&\\ ")


def lines_block(lines: Sequence[str]) -> str:
    """One line as is; several as a top-aligned ``aligned`` block."""
    if len(lines) == 1:
        return lines[0]
    return "\\begin{aligned}[t]\n" + "\\\\\n".join("&" + line for line in lines) + "\n\\end{aligned}"


def join_lines(blocks: Sequence[Sequence[str]], op: str, width: int) -> list[str]:
    r"""Blocks of lines joined by ``op``, filled greedily into lines of ``width``.

    A one-line block joins the current line when it fits; a longer block
    starts on a line of its own, its continuation lines indented.

    >>> join_lines([["a"], ["b"], ["c_1", r"\quad {}+ c_2"]], r"\wedge", 20)
    ['a \\wedge b', '\\quad {}\\wedge c_1', '\\quad \\quad {}+ c_2']
    """
    lines: list[str] = []
    for k, block in enumerate(blocks):
        head = block[0] if k == 0 else f"{op} {block[0]}"
        if k > 0 and len(block) == 1 and visual_width(lines[-1] + " " + head) <= width:
            lines[-1] += " " + head
            continue
        lines.append(head if k == 0 else f"\\quad {{}}{head}")
        lines += [f"\\quad {line}" for line in block[1:]]
    return lines


def sum_lines(printer, expr: sympy.Expr, width: int | None = None) -> list[str]:
    """The terms of ``expr`` in the printer's order, filled into lines of ``width``."""
    width = options().width if width is None else width
    expr = sympy.sympify(expr)
    if not isinstance(expr, sympy.Add):
        return [printer._print(expr)]
    items: list[tuple[str, str]] = []
    for term in printer._as_ordered_terms(expr):
        op = "+"
        if term.could_extract_minus_sign():
            op, term = "-", -term
        tex = printer._print(term)
        if printer._needs_add_brackets(term):
            tex = r"\left(%s\right)" % tex
        items.append((op, tex))
    lines = [items[0][1] if items[0][0] == "+" else "- " + items[0][1]]
    for op, tex in items[1:]:
        if visual_width(f"{lines[-1]} {op} {tex}") > width:
            lines.append(f"\\quad {{}}{op} {tex}")
        else:
            lines[-1] += f" {op} {tex}"
    return lines


def broken_sum(printer, expr: sympy.Expr, width: int | None = None) -> str:
    """``expr`` printed, broken before a ``+``/``-`` wherever a line gets too wide."""
    return lines_block(sum_lines(printer, expr, width))


def condition_lines(printer, g: sympy.Expr, sign: int, width: int | None = None) -> list[str]:
    """``g > 0``, ``g < 0`` or ``g = 0`` (sign 1, -1, 0) as lines, a long ``g`` broken."""
    rel = {1: ">", -1: "<", 0: "="}[sign]
    lines = sum_lines(printer, g, width)
    lines[-1] += f" {rel} 0"
    return lines


def condition(printer, g: sympy.Expr, sign: int, width: int | None = None) -> str:
    """:func:`condition_lines` as one block."""
    return lines_block(condition_lines(printer, g, sign, width))


def conjunction_lines(printer, conditions: Sequence[tuple[sympy.Expr, int]], width: int | None = None,
                      empty: str = r"\text{everywhere}") -> list[str]:
    r"""The conditions joined by ``\wedge``, as lines of ``width``."""
    width = options().width if width is None else width
    if not conditions:
        return [empty]
    return join_lines([condition_lines(printer, g, s, width) for g, s in conditions], r"\wedge", width)


def conjunction(printer, conditions: Sequence[tuple[sympy.Expr, int]], width: int | None = None,
                empty: str = r"\text{everywhere}") -> str:
    """:func:`conjunction_lines` as one block."""
    return lines_block(conjunction_lines(printer, conditions, width, empty))


def disjunction(parts: Sequence[Sequence[str]], width: int | None = None) -> str:
    r"""Alternatives (each a list of lines) joined by ``\vee``, bracketed when there are several."""
    width = options().width if width is None else width
    if len(parts) == 1:
        return lines_block(parts[0])
    wrapped = [[f"({p[0]}"] + list(p[1:-1]) + [f"{p[-1]})"] if len(p) > 1 else [f"({p[0]})"] for p in parts]
    return lines_block(join_lines(wrapped, r"\vee", width))


def cases(rows: Sequence[tuple[str, str]]) -> str:
    r"""``\begin{cases} value & condition \\ ... \end{cases}``."""
    body = "\\\\ ".join(f"{value} & {cond}" for value, cond in rows)
    return "\\begin{cases} " + body + " \\end{cases}"


def escape(s: str) -> str:
    r"""``s`` with LaTeX's special characters escaped, for text mode.

    >>> print(escape("50% of x_1 & {y} <- σ(x)"))
    50\% of x\_1 \& \{y\} \textless{}- $\sigma$(x)
    """
    return "".join(_ESCAPES.get(c) or _UNICODE.get(c) or (c if c.isascii() else f"[U+{ord(c):04X}]") for c in s)


def text(s: str) -> str:
    r"""``\text{...}`` with LaTeX's special characters escaped."""
    return "\\text{" + escape(s) + "}"


_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

#: the non-ASCII characters symattn's messages use, in plain LaTeX (others become [U+XXXX])
_UNICODE = {
    "σ": r"$\sigma$", "φ": r"$\varphi$", "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$",
    "ε": r"$\varepsilon$", "∘": r"$\circ$", "→": r"$\to$", "←": r"$\leftarrow$", "↦": r"$\mapsto$",
    "≤": r"$\leq$", "≥": r"$\geq$", "≠": r"$\neq$", "≈": r"$\approx$", "×": r"$\times$", "·": r"$\cdot$",
    "ᵀ": r"$^{\top}$", "⊙": r"$\odot$", "∞": r"$\infty$", "–": "--", "—": "---", "…": r"\dots{}",
    "√": r"$\surd$", "∈": r"$\in$",
}


def matrix_block(rows: Sequence[Sequence[str]]) -> str:
    r"""A parenthesised matrix of already printed entries (``pmatrix``; ``array`` past 10 columns)."""
    body = "\\\\ ".join(" & ".join(row) for row in rows)
    cols = len(rows[0]) if rows else 0
    if cols <= 10:
        return "\\begin{pmatrix} " + body + " \\end{pmatrix}"
    return "\\left(\\begin{array}{" + "c" * cols + "} " + body + " \\end{array}\\right)"
