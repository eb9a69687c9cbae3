r"""The body of a LaTeX document, per type of object (:func:`document_body`).

:mod:`.document` wraps a body into a document; :mod:`.document_realize` adds
the bodies of the :mod:`symattn.realize` types.
"""

from __future__ import annotations

from functools import singledispatch
from importlib import metadata
from typing import Any

from sympy.printing.latex import LatexPrinter

from ..graph.graph import ExpressionGraph
from ..nn.base import Module
from ..spline import Spline
from .formats_graph import node_tex
from .formats_nn import anatomy, fill_items, walk_modules, weight_tex
from ..latex_names import indexed_names
from .formats_spline import entry_cases, entry_name, entry_rows, shown_pieces, spline_naming, where_lines
from .latex import broken_sum, escape, lines_block, options, text

__all__ = ["document_body", "DOCUMENT_PIECES", "CASES_IN_DOCUMENT"]


#: pieces a document shows before it cuts (prints inline show fewer)
DOCUMENT_PIECES = 40
#: an output entry with at most this many distinct rows (or a spline of at most this many
#: pieces) also gets one ``cases`` display
CASES_IN_DOCUMENT = 12


def _display(tex: str) -> str:
    return "\\[\n" + tex + "\n\\]"


@singledispatch
def document_body(obj: Any, printer: LatexPrinter) -> list[str]:
    """The paragraphs and displays that present ``obj``."""
    return [_display(printer._print(obj))]


def _version() -> str:
    try:
        return metadata.version("symattn")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without installation
        return "(not installed)"


def _provenance(spline: Spline, printer: LatexPrinter) -> str:
    """Which model, traced how, compiled by what, in how long."""
    model = getattr(spline.graph, "model", None)
    shapes = ", ".join(f"${name.upper()} \\in \\mathbb{{R}}^{{{r} \\times {c}}}$"
                       for name, (r, c) in ((n, spline.graph.input_shape(n)) for n in spline.graph.inputs))
    if model is not None:
        parts = [f"{escape(path)}: {escape(type(m).__name__)}" for path, m in walk_modules(model, model.root_path)
                 if path]
        tree = f" (modules {', '.join(parts)})" if parts else ""
        named = f"It is the spline of the model {escape(type(model).__name__)}{tree} on {shapes}. "
    else:
        named = f"It is a spline on {shapes}. "
    seconds = spline.stats.get("seconds")
    took = f" in {seconds:.1f} s" if isinstance(seconds, (int, float)) else ""
    how = (f"It was compiled by symattn {escape(_version())}{took}; "
           + ("the list of pieces is complete: every other sign pattern was proven empty."
              if spline.complete else "its file claims the list is complete; the claim was not re-proved "
              "(read it with verify=True to re-prove it)." if spline.claimed_complete else f"the list is INCOMPLETE: {len(spline.undecided)} sign systems were not "
                                      "decided, so the pieces below need not cover the input space."))
    if spline.simplified is not None:
        how += (" Its description was simplified (\\texttt{simplify}): factors of even multiplicity and "
                "sign-definite factors were dropped, and conditions the others imply; each output entry has one "
                "row per polynomial, whose region is the union of its pieces described as a whole (it contains "
                "them and meets no piece with another value). Each step is proved, so regions differ from the "
                "compiled ones by null sets only, and a row's region equals the union of its pieces off a null "
                "set.")
    return named + how


@document_body.register
def _(spline: Spline, printer: LatexPrinter) -> list[str]:
    rows, cols = spline.shape
    out = [f"\\section*{{A spline of degree {spline.degree} with {len(spline)} pieces}}",
           _provenance(spline, printer),
           f"The output $f$ is a ${rows} \\times {cols}$ matrix of splines in the variables "
           f"${', '.join(printer._print(v) for v in spline.variables)}$"
           + (f" with parameters ${', '.join(printer._print(p) for p in spline.parameters)}$" if spline.parameters else "")
           + ". The variable $x_{i,j}$ is feature $j$ of token $i$, counted from 0."
           + " Each region is open; on the walls between regions $f$ is the continuous extension."]
    if spline.substitution:
        out.append("It is the spline of the model restricted by the substitution"
                   + _display(",\\ ".join(f"{printer._print(k)} = {printer._print(v)}"
                                           for k, v in spline.substitution.items())))
    pieces = shown_pieces(spline)
    if len(pieces) < len(spline):
        out.append(f"This document shows the first {len(pieces)} of the {len(spline)} pieces."
                   if spline.simplified is None else
                   f"The cases below describe all {len(spline)} pieces; the list of pieces after them shows the "
                   f"first {len(pieces)}.")
    naming = spline_naming(spline)
    with indexed_names(printer, [s for s, _ in naming.definitions]):
        for i in range(rows):
            for j in range(cols):
                if (spline.simplified is not None or len(spline) <= CASES_IN_DOCUMENT
                        or len(entry_rows(spline, pieces, i, j)) <= CASES_IN_DOCUMENT):
                    out.append(_display(f"{entry_name(spline.shape, i, j)} = "
                                        f"{entry_cases(printer, spline, pieces, i, j, naming)}"))
        where = where_lines(printer, naming, lead="")
        if where:
            out.append("Here the quadratic walls that occur more than once are named:" + _display(lines_block(where)))
    out.append("\\subsection*{The pieces}")
    out.append("Each piece is an open region, given by strict sign conditions and an exact rational point "
               "inside it (its witness), and the polynomials $f$ equals there.")
    for k, piece in enumerate(pieces):
        out.append(f"\\paragraph{{Piece {k}.}} Region:" + _display(printer._print(piece.region))
                   + "witness:" + _display(printer._print(piece.witness)) + "value:"
                   + _display(_values(printer, spline.shape, piece.value)))
    if len(pieces) < len(spline):
        out.append(f"\\paragraph{{The other {len(spline) - len(pieces)} pieces}} are not shown here "
                   f"(pieces {len(pieces)} to {len(spline) - 1}; pass a larger \\texttt{{max\\_pieces}} to show them).")
    if spline.undecided:
        out.append("\\subsection*{Undecided sign systems}")
        for case in spline.undecided[: options().max_pieces]:
            out.append(_display(printer._print(case)))
        if len(spline.undecided) > options().max_pieces:
            out.append(f"and {len(spline.undecided) - options().max_pieces} more.")
    return out


def _values(printer, shape, value) -> str:
    rows = [f"{entry_name(shape, i, j)} &= {broken_sum(printer, value[i, j])}"
            for i in range(value.rows) for j in range(value.cols)]
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


@document_body.register
def _(module: Module, printer: LatexPrinter) -> list[str]:
    out = [f"\\section*{{{escape(type(module).__name__)} with exact weights}}"]
    out.append("Each subsection is one module, named by its path in the traced graph.")
    for path, m in walk_modules(module, module.root_path):
        a = anatomy(m)
        title = f"{path}: {type(m).__name__}" if path else type(m).__name__
        out.append(f"\\subsection*{{{escape(title)}}}")
        out.append(_display(a.tex))
        weights = [weight_tex(printer, name, value) for name, _, value in a.weights]
        out += [_display(line) for line in fill_items(weights, ",\\quad ")]
    return out


@document_body.register
def _(graph: ExpressionGraph, printer: LatexPrinter) -> list[str]:
    rows = [f"v_{{{v}}} &= {node_tex(graph, v, printer)} && {text(graph.attrs(v)['path'] or '-')}"
            for v in graph.order]
    return [f"\\section*{{An expression graph with {len(graph)} nodes}}",
            "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"]


@document_body.register(list)
@document_body.register(tuple)
def _(items, printer: LatexPrinter) -> list[str]:
    """Several objects, one after another."""
    return [part for item in items for part in document_body(item, printer)]

