r"""How a :class:`~symattn.proofs.SmoothnessProof` prints: the order as C^k, one line per wall.

Other proofs print as any :class:`~symattn.checks.Proof` (the verdict and every check).
:mod:`symattn.export` imports this module, which registers its formatters.

>>> import sympy
>>> from sympy.printing.latex import LatexPrinter
>>> from symattn.realize import UnivariateSpline
>>> from symattn.proofs import smoothness
>>> x = sympy.Symbol("x")
>>> print(smoothness_latex(smoothness(UnivariateSpline([1], [0, (x - 1)**3], x)), LatexPrinter()))
\begin{aligned}[t]
&\textbf{PROVED}\text{: }f \in C^{2} \setminus C^{3}\\
&\quad x - 1 = 0\colon\ C^{2}\ \text{at } \left(x = 1\right)
\end{aligned}
"""

from __future__ import annotations

import math

from .latex import lines_block, text
from ..latex_names import indexed_names
from ..printable import LATEX, TEXT, formatter
from ..proofs.smoothness import SmoothnessProof, WallOrder

__all__ = ["smoothness_latex", "wall_latex"]


def _order(k) -> str:
    return r"\infty" if k == math.inf else str(int(k))


def _point(point: dict, printer) -> str:
    with indexed_names(printer, point):
        return r"\left(" + r",\ ".join(f"{printer._print(s)} = {printer._print(v)}" for s, v in point.items()) \
            + r"\right)"


def wall_latex(wall: WallOrder, printer) -> str:
    """``g = 0: C^k at (point)`` (or across a segment, or the undecided range)."""
    g = wall.wall.as_expr()
    with indexed_names(printer, g.free_symbols):
        head = f"{printer._print(g)} = 0\\colon\\ "
    if wall.order is None:
        return head + f"C^{{{_order(wall.lower)}}} \\text{{ to }} C^{{{_order(wall.upper)}}}\\ " + text("(undecided)")
    where = ""
    if wall.point is not None:
        where = r"\ \text{at } " + _point(wall.point, printer)
    elif wall.segment is not None:
        where = r"\ \text{crossing } " + _point(wall.segment[0], printer) + r" \to " + _point(wall.segment[1], printer)
    return head + f"C^{{{_order(wall.order)}}}" + where


@formatter(SmoothnessProof, LATEX)
def smoothness_latex(proof: SmoothnessProof, printer) -> str:
    if proof.order is None:
        claim = text(proof.claim)
    elif proof.order < 0:
        claim = r"f \notin C^{0}"
    elif proof.order == math.inf:
        claim = r"f \in C^{\infty}"
    else:
        claim = f"f \\in C^{{{_order(proof.order)}}} \\setminus C^{{{_order(proof.order + 1)}}}"
    return lines_block([f"\\textbf{{{proof.verdict}}}\\text{{: }}{claim}"]
                       + [r"\quad " + wall_latex(w, printer) for w in proof.walls])


@formatter(SmoothnessProof, TEXT)
def smoothness_text(proof: SmoothnessProof, printer) -> str:
    return proof.summary()
