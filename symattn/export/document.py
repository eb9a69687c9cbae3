r"""Standalone LaTeX documents of symattn objects (amsmath and amssymb only).

``export_latex(obj, "out.tex")`` writes a complete article that compiles
with ``pdflatex``; ``standalone=False`` writes only the body, for
``\input`` into a paper that loads amsmath and amssymb.  What the body
holds depends on the object:

* a spline: a summary, one ``cases`` display per output entry, then its
  regions with their exact witnesses, and any undecided sign systems;
* a module: one section per module path (``encoder.0.attn``) with the
  formula it computes and each exact weight matrix;
* an expression graph: one equation per node;
* anything else printable: its LaTeX in a display.

>>> import symattn
>>> from symattn.nn import FeedForward
>>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
>>> doc = latex_document(s)
>>> doc.startswith(r"\documentclass"), doc.rstrip().endswith(r"\end{document}")
(True, True)
>>> print(latex_document(s, standalone=False).splitlines()[0])
\section*{A spline of degree 1 with 2 pieces}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sympy.printing.latex import LatexPrinter

from ..latex_names import indexed_names
from ..spline import Spline
from . import document_realize  # noqa: F401  (registers the bodies of the realize types)
from .bodies import DOCUMENT_PIECES, document_body
from .latex import escape, latex_options

__all__ = ["latex_document", "export_latex", "document_body", "PREAMBLE"]

#: everything a symattn document needs; all of it is in texlive-latex-base
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\allowdisplaybreaks
\setcounter{MaxMatrixCols}{64}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def latex_document(obj: Any, standalone: bool = True, title: str | None = None,
                   max_pieces: int = DOCUMENT_PIECES, simplify: bool = False, **settings: Any) -> str:
    """The LaTeX source presenting ``obj``: a whole document, or only its body.

    ``simplify=True`` presents ``obj.simplify()`` (a spline's simplified description).
    """
    if simplify:
        obj = obj.simplify()
    with latex_options(max_pieces=max_pieces):
        printer = LatexPrinter(settings)
        symbols = tuple(getattr(obj, "ring_symbols", ()))
        if isinstance(obj, Spline):
            symbols += tuple(obj.substitution)
        with indexed_names(printer, symbols):
            body = "\n\n".join(document_body(obj, printer))
    if not standalone:
        return body + "\n"
    head = f"\\title{{{escape(title)}}}\n\\date{{}}\n" if title else ""
    return (PREAMBLE + head + "\\begin{document}\n" + ("\\maketitle\n" if title else "")
            + body + "\n\\end{document}\n")


def export_latex(obj: Any, path: str | Path, standalone: bool = True, **options: Any) -> Path:
    """Write :func:`latex_document` of ``obj`` to ``path``; returns the path."""
    path = Path(path)
    path.write_text(latex_document(obj, standalone=standalone, **options), encoding="utf-8")
    return path
