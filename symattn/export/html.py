"""A short HTML summary of a large spline, for Jupyter (``Spline._repr_html_``).

A spline with more than :data:`SUMMARY_PIECES` pieces would render as a wall
of formulas; Jupyter shows this summary instead: the domain, the piece count,
the degree, completeness and the undecided count, then its first few pieces
in LaTeX (rendered by the notebook's MathJax).  Smaller splines return
``None`` here, so Jupyter falls back to their LaTeX; so does a simplified
spline (:meth:`~symattn.spline.Spline.simplify`) whose rows, however many
pieces they cover, number at most :data:`SUMMARY_ROWS`: its cases blocks
are the short description.

>>> import symattn
>>> from symattn.nn import FeedForward
>>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
>>> spline_html(s) is None
True
>>> "2 pieces" in spline_html(s, pieces=1)
True
"""

from __future__ import annotations

import html

import sympy

from ..spline import Spline

__all__ = ["spline_html", "SUMMARY_PIECES", "SHOWN_PIECES", "SUMMARY_ROWS"]

#: splines with more pieces than this get the summary instead of their LaTeX
SUMMARY_PIECES = 12
#: how many pieces the summary shows
SHOWN_PIECES = 3
#: a simplified spline with at most this many rows (over all output entries) shows as LaTeX
SUMMARY_ROWS = 64


def spline_html(spline: Spline, pieces: int = SUMMARY_PIECES) -> str | None:
    """The summary, or ``None`` for a spline of at most ``pieces`` pieces."""
    if len(spline) <= pieces:
        return None
    if spline.simplified is not None and sum(map(len, spline.simplified.entries.values())) <= SUMMARY_ROWS:
        return None
    rows, cols = spline.shape
    state = "complete (every other sign system proven empty)" if spline.complete else (
        f"<b>incomplete</b>: {len(spline.undecided)} undecided sign systems")
    facts = [
        ("map", f"{len(spline.variables)} variables → {rows}×{cols}"
                + (f", parameters {', '.join(map(str, spline.parameters))}" if spline.parameters else "")),
        ("pieces", f"{len(spline)} pieces"),
        ("degree", str(spline.degree)),
        ("completeness", state),
    ]
    table = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>{v}</td></tr>"
                    for k, v in facts)
    shown = "".join(f"<li>$\\displaystyle {html.escape(sympy.latex(p))}$</li>" for p in spline.pieces[:SHOWN_PIECES])
    more = len(spline) - min(len(spline), SHOWN_PIECES)
    return (f"<div><b>Spline</b><table>{table}</table>"
            f"<p>The first {min(len(spline), SHOWN_PIECES)} pieces ({more} more; "
            f"<code>spline.pieces</code>, <code>sympy.latex(spline)</code> or "
            f"<code>symattn.export_latex(spline, path)</code> show all):</p><ol>{shown}</ol></div>")
