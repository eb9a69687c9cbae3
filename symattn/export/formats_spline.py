r"""How splines, pieces, regions, witnesses and undecided cases print.

LaTeX: a spline is a header (domain, piece count, degree, completeness)
and one ``cases`` block per output entry, whose rows are the distinct
polynomials of that entry, each with the regions where it holds as a
conjunction of strict sign conditions (a disjunction when several regions
share the polynomial).  A spline with more than
:attr:`~symattn.export.latex.LatexOptions.max_pieces` pieces shows only its
first pieces and says how many it left out; an incomplete one says how many
sign systems are undecided, in its header and in a last ``cases`` row.

>>> import symattn, sympy
>>> from symattn.nn import FeedForward
>>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
>>> print(sympy.latex(s.pieces[1]))
- x_{0,0} \quad \text{if } x_{0,0} < 0
>>> print(s)
spline f: ℝ¹ˣ¹ → ℝ¹ˣ¹, 2 pieces, degree 1, complete
piece 0: x[0,0] > 0
  f = x[0,0]
piece 1: x[0,0] < 0
  f = -x[0,0]
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy

from ..semialg.region import UndecidedCase
from ..semialg.region import Region, Witness
from ..spline import MergedPiece, Piece, PointPiece, Spline
from .latex import (broken_sum, cases, conjunction, conjunction_lines, disjunction, lines_block, matrix_block,
                    options, sum_lines, text, visual_width)
from ..latex_names import indexed_names, real_space
from ..printable import LATEX, TEXT, formatter
from .subexpressions import Naming

__all__ = ["entry_name", "entry_cases", "entry_rows", "shown_pieces", "spline_naming", "where_lines"]


# -- shared helpers ---------------------------------------------------------------
def _exprs(conditions) -> list[tuple[sympy.Expr, int]]:
    return [(g.as_expr(), s) for g, s in conditions]


def entry_name(shape: tuple[int, int], i: int, j: int, tex: bool = True) -> str:
    """``f`` for a scalar output, else ``f_{i,j}`` (LaTeX) or ``f[i,j]`` (text)."""
    if shape == (1, 1):
        return "f"
    return f"f_{{{i},{j}}}" if tex else f"f[{i},{j}]"


def shown_pieces(spline: Spline) -> tuple[Piece, ...]:
    """The pieces a print shows: all, or the first ``max_pieces``."""
    return spline.pieces[: options().max_pieces]


def _domain(spline: Spline, tex: bool) -> str:
    """``ℝ^{n×p}`` per input for a spline in the model's variables, ``ℝ^k`` otherwise."""
    if set(spline.variables) <= set(spline.graph.variables) and not spline.substitution:
        shapes = [spline.graph.input_shape(name) for name in spline.graph.inputs]
    else:
        shapes = [(len(spline.variables),)]
    if tex:
        times = " \\times "
        return times.join("\\mathbb{R}^{" + times.join(map(str, s)) + "}" for s in shapes)
    return " × ".join(real_space(*s) for s in shapes)


def _summary(spline: Spline) -> str:
    state = {"proved": "complete", "claimed": "claimed complete by its file, not re-proved"}.get(
        spline.completeness, f"INCOMPLETE, {len(spline.undecided)} undecided sign systems")
    count = f"{len(spline)} piece" + ("" if len(spline) == 1 else "s")
    return f"{count}, degree {spline.degree}, {state}"


def _parameters_note(spline: Spline, printer) -> str:
    if not spline.parameters:
        return ""
    names = ", ".join(printer._print(p) for p in spline.parameters)
    return f", parameters {names}"


def _cut_note(spline: Spline) -> str | None:
    shown = len(shown_pieces(spline))
    if shown < len(spline) and spline.simplified is None:
        return f"showing the first {shown} of {len(spline)} pieces"
    return None


# -- LaTeX ------------------------------------------------------------------------
def _value_tex(printer, value: sympy.MatrixBase) -> str:
    if value.shape == (1, 1):
        return broken_sum(printer, value[0, 0])
    return matrix_block([[broken_sum(printer, e) for e in value.row(i)] for i in range(value.rows)])


def _if(printer, value: str, conditions) -> str:
    cond = conjunction_lines(printer, _exprs(conditions))
    one_line = f"{value} \\quad \\text{{if }} {cond[0]}"
    if len(cond) == 1 and "\n" not in one_line and visual_width(one_line) <= options().width:
        return one_line
    return lines_block([value, f"\\text{{if }} {cond[0]}"] + cond[1:])


def entry_rows(spline: Spline, pieces: Sequence[Piece], i: int, j: int,
               naming: Naming | None = None) -> dict[sympy.Expr, Any]:
    """Value -> the regions where entry (i, j) takes it (a tuple of conjunctions, or None: everywhere).

    A simplified spline (:meth:`Spline.simplify`) brings its own rows, its
    polynomials printed by ``naming`` (factored, named walls); otherwise the
    pieces are grouped by their value, one conjunction per piece.
    """
    if spline.simplified is not None:          # its rows describe every piece, however many are shown
        naming = naming or Naming()
        return {naming.expr(row.value): None if row.where is None else
                tuple(tuple((naming.expr(g), s) for g, s in part) for part in row.where)
                for row in spline.simplified.entries[i, j]}
    groups: dict[sympy.Expr, list] = {}
    for piece in pieces:
        groups.setdefault(piece.value[i, j], []).append(_exprs(piece.region.conditions))
    return {v: tuple(parts) for v, parts in groups.items()}


def entry_cases(printer, spline: Spline, pieces: Sequence[Piece], i: int, j: int,
                naming: Naming | None = None) -> str:
    """The ``cases`` block of output entry (i, j): one row per distinct polynomial among ``pieces``.

    The value column gets at most half the width, the conditions the rest.
    """
    width = options().width
    groups = entry_rows(spline, pieces, i, j, naming)
    values = {v: sum_lines(printer, v, width // 2) for v in groups}
    whole = len(pieces) == len(spline) or spline.simplified is not None
    if len(groups) == 1 and next(iter(groups.values())) is None and whole:
        return lines_block(next(iter(values.values())))   # one polynomial everywhere
    used = max((visual_width(line) for lines in values.values() for line in lines), default=0)
    rest = max(width - used, width // 2)
    rows = []
    for value, parts in groups.items():
        if parts is None:
            rows.append((lines_block(values[value]), r"\text{everywhere}"))
            continue
        conds = [conjunction_lines(printer, conditions, rest) for conditions in parts]
        rows.append((lines_block(values[value]), r"\text{if } " + disjunction(conds, rest)))
    if not whole:
        rows.append((r"\vdots", text(f"{len(spline) - len(pieces)} more pieces")))
    if spline.completeness == "incomplete":
        rows.append((r"\text{not determined}", text(f"on {len(spline.undecided)} undecided sign systems")))
    return cases(rows)


def spline_naming(spline: Spline) -> Naming:
    """The names of the shared quadratic walls of a simplified spline's rows (none for another spline)."""
    if spline.simplified is None:
        return Naming()
    walls = [g for rows in spline.simplified.entries.values() for row in rows for part in (row.where or ())
             for g, _ in part]
    return Naming.of(walls, taken=spline.ring_symbols)


def where_lines(printer, naming: Naming, lead: str = r"\text{where } ") -> list[str]:
    r"""``\text{where } S_{1} = …,\ S_{2} = …`` for the names some printed polynomial used (``lead`` first)."""
    defs = [f"{printer._print(s)} = {printer._print(g.as_expr())}" for s, g in naming.definitions if s in naming.used]
    if not defs:
        return []
    lines, current = [], lead
    for k, d in enumerate(defs):
        if k and visual_width(current + d) > options().width:
            lines.append(current + ",")
            current = (f"\\phantom{{{lead}}} " if lead else "") + d
        else:
            current += ("" if k == 0 else ",\\ ") + d
    lines.append(current)
    return lines


@formatter(Spline, LATEX)
def spline_latex(spline: Spline, printer) -> str:
    naming = spline_naming(spline)
    with indexed_names(printer, spline.ring_symbols + tuple(s for s, _ in naming.definitions)):
        rows, cols = spline.shape
        header = (f"\\text{{spline }} f\\colon {_domain(spline, True)} \\to \\mathbb{{R}}^{{{rows} \\times {cols}}},"
                  f"\\ {text(_summary(spline))}")
        if spline.parameters:
            header += ",\\ \\text{parameters } " + ", ".join(printer._print(p) for p in spline.parameters)
        lines = [header]
        pieces = shown_pieces(spline)
        if pieces:
            for i in range(rows):
                for j in range(cols):
                    lines.append(f"{entry_name(spline.shape, i, j)} = "
                                 f"{entry_cases(printer, spline, pieces, i, j, naming)}")
        lines += where_lines(printer, naming)
        note = _cut_note(spline)
        if note:
            lines.append(text(f"({note})"))
        return lines_block(lines)


@formatter(Piece, LATEX)
def piece_latex(piece: Piece, printer) -> str:
    with indexed_names(printer, piece.region.symbols):
        return _if(printer, _value_tex(printer, piece.value), piece.conditions)


@formatter(MergedPiece, LATEX)
def merged_piece_latex(piece: MergedPiece, printer) -> str:
    symbols = piece.regions[0].symbols if piece.regions else ()
    with indexed_names(printer, symbols):
        conds = disjunction([conjunction_lines(printer, _exprs(r.conditions)) for r in piece.regions])
        return lines_block([_value_tex(printer, piece.value), r"\text{if } " + conds])


@formatter(PointPiece, LATEX)
def point_piece_latex(at: PointPiece, printer) -> str:
    with indexed_names(printer, at.spline.ring_symbols):
        where = "on a wall" if at.on_wall else ("in a listed piece" if at.piece is not None else "in no listed piece")
        point = _witness_tex(printer, at.point.items())
        conds = conjunction(printer, _exprs(at.conditions))
        return lines_block([f"\\text{{at }} {point}\\ {text('(' + where + ')')}",
                            f"f = {_value_tex(printer, at.value)}", r"\text{where } " + conds])


@formatter(Region, LATEX)
def region_latex(region: Region, printer) -> str:
    with indexed_names(printer, region.symbols):
        return conjunction(printer, _exprs(region.conditions),
                           empty=f"\\mathbb{{R}}^{{{len(region.symbols)}}}")


def _witness_tex(printer, pairs) -> str:
    parts = [f"{printer._print(s)} = {printer._print(v)}" for s, v in pairs]
    lines, current = [], ""
    for p in parts:
        candidate = f"{current},\\ {p}" if current else p
        if current and visual_width(candidate) > options().width:
            lines.append(current + ",")
            current = p
        else:
            current = candidate
    lines.append(current)
    return lines_block(lines)


@formatter(Witness, LATEX)
def witness_latex(witness: Witness, printer) -> str:
    with indexed_names(printer, witness):
        return _witness_tex(printer, witness.pairs)


@formatter(UndecidedCase, LATEX)
def undecided_latex(case: UndecidedCase, printer) -> str:
    symbols = case.conditions[0][0].ring.symbols if case.conditions else ()
    with indexed_names(printer, symbols):
        cond = conjunction(printer, _exprs(case.conditions))
        return lines_block([cond, text(f"(undecided: {case.reason})")])


# -- plain text ---------------------------------------------------------------------
def _conditions_text(printer, conditions) -> str:
    if not conditions:
        return "everywhere"
    rel = {1: ">", -1: "<", 0: "="}
    return " & ".join(f"{printer._print(g)} {rel[s]} 0" for g, s in _exprs(conditions))


def _value_lines(printer, shape, value: sympy.MatrixBase, indent: str = "  ") -> list[str]:
    return [f"{indent}{entry_name(shape, i, j, tex=False)} = {printer._print(value[i, j])}"
            for i in range(value.rows) for j in range(value.cols)]


@formatter(Spline, TEXT)
def spline_text(spline: Spline, printer) -> str:
    rows, cols = spline.shape
    lines = [f"spline f: {_domain(spline, False)} → {real_space(rows, cols)}, "
             f"{_summary(spline)}{_parameters_note(spline, printer)}"]
    for k, piece in enumerate(shown_pieces(spline)):
        lines.append(f"piece {k}: {_conditions_text(printer, piece.conditions)}")
        lines.extend(_value_lines(printer, spline.shape, piece.value))
    note = _cut_note(spline)
    if note:
        lines.append(f"({note})")
    for case in spline.undecided[: options().max_pieces]:
        lines.append(f"undecided: {printer._print(case)}")
    if len(spline.undecided) > options().max_pieces:
        lines.append(f"(and {len(spline.undecided) - options().max_pieces} more undecided sign systems)")
    return "\n".join(lines)


@formatter(Piece, TEXT)
def piece_text(piece: Piece, printer) -> str:
    return f"{printer._print(piece.value)} if {_conditions_text(printer, piece.conditions)}"


@formatter(MergedPiece, TEXT)
def merged_piece_text(piece: MergedPiece, printer) -> str:
    where = " | ".join(f"({_conditions_text(printer, r.conditions)})" for r in piece.regions)
    return f"{printer._print(piece.value)} if {where}"


@formatter(PointPiece, TEXT)
def point_piece_text(at: PointPiece, printer) -> str:
    where = "on a wall" if at.on_wall else ("in a listed piece" if at.piece is not None else "in no listed piece")
    point = ", ".join(f"{s} = {printer._print(v)}" for s, v in at.point.items())
    return (f"at {point} ({where}): f = {printer._print(at.value)}, "
            f"where {_conditions_text(printer, at.conditions)}")


@formatter(Region, TEXT)
def region_text(region: Region, printer) -> str:
    return _conditions_text(printer, region.conditions)


@formatter(Witness, TEXT)
def witness_text(witness: Witness, printer) -> str:
    return "{" + ", ".join(f"{s}: {printer._print(v)}" for s, v in witness.pairs) + "}"


@formatter(UndecidedCase, TEXT)
def undecided_text(case: UndecidedCase, printer) -> str:
    return f"{_conditions_text(printer, case.conditions)} ({case.reason})"
