"""LaTeX and plain-text printing, against strings written by hand.

The expected strings below were written from the layout rules in
``symattn/export/formats_*.py`` (cases per output entry, x[i,j] as x_{i,j},
strict conditions joined by wedge), not copied from output.
"""

from __future__ import annotations

import re

import pytest
import sympy
from sympy import Rational

import symattn
from symattn import Budget, Region, input_symbol
from symattn.semialg.region import UndecidedCase
from symattn.export import to_latex
from symattn.export.latex import broken_sum, conjunction_lines, visual_width
from symattn.latex_names import latex_name
from symattn.nn import Attention, FeedForward, Linear
from symattn.semialg.poly import polynomial_ring
from sympy.printing.latex import LatexPrinter

x00, x10 = input_symbol("x", 0, 0), input_symbol("x", 1, 0)
q = sympy.Symbol("q")


@pytest.fixture(scope="module")
def absolute():
    """|x| = σ(x) + σ(-x): two pieces, x and -x."""
    return symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)


def test_spline_is_a_cases_block_per_entry(absolute):
    assert sympy.latex(absolute) == (
        "\\begin{aligned}[t]\n"
        "&\\text{spline } f\\colon \\mathbb{R}^{1 \\times 1} \\to \\mathbb{R}^{1 \\times 1},"
        "\\ \\text{2 pieces, degree 1, complete}\\\\\n"
        "&f = \\begin{cases} x_{0,0} & \\text{if } x_{0,0} > 0\\\\ - x_{0,0} & \\text{if } x_{0,0} < 0 \\end{cases}\n"
        "\\end{aligned}")


def test_spline_text(absolute):
    assert str(absolute) == ("spline f: ℝ¹ˣ¹ → ℝ¹ˣ¹, 2 pieces, degree 1, complete\n"
                             "piece 0: x[0,0] > 0\n  f = x[0,0]\n"
                             "piece 1: x[0,0] < 0\n  f = -x[0,0]")


def test_piece_with_matrix_value_and_parameter():
    spline = symattn.compile(Attention(Q=[[q]], K=[[1]], V=[[1]]), n=2)
    last = spline.pieces[-1]          # every score negative: the output is 0
    assert sympy.latex(last) == (
        "\\begin{pmatrix} 0\\\\ 0 \\end{pmatrix} \\quad \\text{if } "
        "q x_{0,0}^{2} < 0 \\wedge q x_{0,0} x_{1,0} < 0 \\wedge q x_{1,0}^{2} < 0")
    assert "\\text{parameters } q" in sympy.latex(spline)


def test_region_witness_and_undecided_by_hand():
    R = polynomial_ring((x00, x10), (q,))
    X, Y, Q = R.gens
    region = Region(((X * Y - 1, 1), (X, -1)), {x00: -2, x10: Rational(-3, 4), q: 0})
    assert sympy.latex(region) == "x_{0,0} x_{1,0} - 1 > 0 \\wedge x_{0,0} < 0"
    assert str(region) == "x[0,0]*x[1,0] - 1 > 0 & x[0,0] < 0"
    assert sympy.latex(region.witness) == "x_{0,0} = -2,\\ x_{1,0} = - \\frac{3}{4},\\ q = 0"
    assert str(region.witness) == "{x[0,0]: -2, x[1,0]: -3/4, q: 0}"
    case = UndecidedCase(((Q * X, 1),), "solver timeout")
    assert sympy.latex(case) == ("\\begin{aligned}[t]\n&q x_{0,0} > 0\\\\\n"
                                 "&\\text{(undecided: solver timeout)}\n\\end{aligned}")
    assert str(case) == "q*x[0,0] > 0 (solver timeout)"


def test_parts_nest_in_sympy_containers(absolute):
    a, b = (p.region for p in absolute.pieces)
    assert sympy.latex([a, b]) == "\\left[ x_{0,0} > 0, \\  x_{0,0} < 0\\right]"
    assert sympy.sstr((a, b)) == "(x[0,0] > 0, x[0,0] < 0)"
    assert sympy.latex(absolute.pieces[0]) in sympy.latex((absolute.pieces[0], 1))


def test_user_symbol_names_win(absolute):
    assert sympy.latex(absolute.pieces[0].region, symbol_names={x00: "u"}) == "u > 0"


def test_jupyter_and_repr(absolute):
    shown = absolute._repr_latex_()
    assert shown == "$\\displaystyle " + sympy.latex(absolute) + "$"
    assert "\n" not in repr(absolute) and len(repr(absolute)) < 100


def test_modules_show_formula_and_weights():
    assert sympy.latex(Linear([[1, "1/2"]], [0, -1])) == (
        "\\begin{aligned}[t]\n"
        "&\\mathrm{Linear}\\colon X \\mapsto X W + \\mathbf{1} b^{\\top}\\\\\n"
        "&\\quad W = \\left[\\begin{matrix}1 & \\frac{1}{2}\\end{matrix}\\right],"
        "\\ b = \\left[\\begin{matrix}0 & -1\\end{matrix}\\right]\n"
        "\\end{aligned}")
    attention = Attention([[1]], [[q]], [[2]], scale="1/2", mask="causal")
    assert str(attention) == ("Attention: α(X) = σ(c·X Q Kᵀ Xᵀ ⊙ M_causal) X V\n"
                              "  Q = [[1]]\n  K = [[q]]\n  V = [[2]]\n  c = 1/2")


def test_every_case_module_prints():
    from cases import CASES

    for case in CASES:
        model = case.build()
        tex, text = sympy.latex(model), str(model)
        assert type(model).__name__ in tex and text.startswith(type(model).__name__), case.name
        assert tex.count("\\begin{") == tex.count("\\end{"), case.name


def test_graph_is_one_equation_per_node():
    graph = Attention([[1]], [[1]], [[1]]).trace(n=2)
    tex = sympy.latex(graph)
    assert tex.count("&=") == len(graph)
    assert "v_{5} &= \\sigma\\left(v_{4}\\right)" in tex and "(output)" in tex
    assert str(graph) == graph.__str__() and str(graph).startswith("ExpressionGraph(")


def test_long_sums_break_and_say_the_same():
    """Joining the broken lines gives back the printer's one-line formula."""
    x = [input_symbol("x", 0, j) for j in range(6)]
    expr = sum((j + 1) * x[j] ** 3 * x[(j + 1) % 6] for j in range(6)) - Rational(7, 3)
    printer = LatexPrinter({"symbol_names": {s: latex_name(s) for s in x}})
    broken = broken_sum(printer, expr, width=30)
    lines = broken.split("\n")[1:-1]
    assert broken.startswith("\\begin{aligned}[t]") and len(lines) > 2
    assert all(visual_width(line) <= 30 + 12 for line in lines)  # one term may overshoot
    joined = " ".join(line.strip("&").removesuffix("\\\\").replace("\\quad {}", "") for line in lines)
    assert re.sub(r"\s+", " ", joined) == re.sub(r"\s+", " ", printer._print(expr))


def test_conjunctions_break_before_wedge():
    printer = LatexPrinter({"symbol_names": {x00: "x_{0,0}"}})
    lines = conjunction_lines(printer, [(x00 - k, 1) for k in range(8)], width=25)
    assert len(lines) > 1 and all(line.startswith("\\quad {}\\wedge") for line in lines[1:])


@pytest.fixture(scope="module")
def default_spline():
    from symattn.models import default_model

    return symattn.compile(default_model(), n=2)


def test_large_spline_shows_summary_and_first_pieces(default_spline):
    n = len(default_spline)
    assert n > 8                                    # more pieces than either shows
    tex = to_latex(default_spline, max_pieces=5)
    assert f"showing the first 5 of {n} pieces" in tex and f"\\text{{{n} pieces, degree 3, complete}}" in tex
    assert tex.count("\\vdots") == 4                  # one per output entry
    assert len(tex) < 40_000
    text = str(default_spline)
    assert f"(showing the first 8 of {n} pieces)" in text and text.count("\npiece ") == 8


def test_incomplete_spline_says_so_everywhere():
    spline = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]), n=2,
                             budget=Budget(regions=1))
    assert not spline.complete and spline.undecided
    tex, text = sympy.latex(spline), str(spline)
    assert "INCOMPLETE" in tex and "complete}" not in tex.replace("INCOMPLETE", "")
    assert tex.count("\\text{not determined}") == 4
    assert text.count("\nundecided: ") == len(spline.undecided)


def test_point_piece_on_a_wall(absolute):
    at = absolute.piece_at([[0]])
    assert at.on_wall
    assert "on a wall" in str(at) and "x[0,0] = 0" in str(at)
    assert "\\text{(on a wall)}" in sympy.latex(at)


def test_realize_objects_have_formatters_ready():
    """Realization and Proof print through symattn.export once they inherit Printable (one line each)."""
    realize = pytest.importorskip("symattn.realize")
    from symattn.printable import LATEX, TEXT, formatter_for

    x = sympy.Symbol("x")
    r = realize.realize(realize.MaxMin([[0], [x + 1, 1 - x]], [x]))
    proof = r.verify()
    printer = LatexPrinter()
    tex = formatter_for(type(r), LATEX)(r, printer)
    assert tex.startswith("\\begin{aligned}[t]\n&\\text{realization (max-min) of } f = "
                          "\\max\\left(0, \\min\\left(x + 1, 1 - x\\right)\\right)\\\\\n")
    assert "\\mathrm{Sequential}" in tex and "\\mathrm{Encoder}" in tex
    assert formatter_for(type(r), TEXT)(r, None) == r.describe()
    proof_tex = formatter_for(type(proof), LATEX)(proof, printer)
    assert proof_tex.startswith("\\begin{aligned}[t]\n&\\textbf{PROVED}\\text{: ")
    assert proof_tex.count("[\\text{passed}]") == len(proof.checks)


def test_a_document_names_its_model_and_how_it_was_compiled_and_says_where_it_cuts():
    from symattn.export.document import latex_document
    from symattn.nn import EncoderBlock

    block = EncoderBlock(Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, "1/2"], [0, -1]]),
                         FeedForward([[1, -1], [1, 1]], [0, 1], [[1, 0], [0, 1]], None))
    s = symattn.compile(block, n=2)
    body = latex_document(s, standalone=False, max_pieces=5)
    first = body.split("\n\n")[1]
    assert "the model EncoderBlock (modules attn: Attention, ffn: FeedForward)" in first
    assert r"$X \in \mathbb{R}^{2 \times 2}$" in first and "compiled by symattn" in first and " s;" in first
    assert "complete: every other sign pattern was proven empty" in first
    assert f"The other {len(s) - 5} pieces" in body and f"pieces 5 to {len(s) - 1}" in body
    simple = latex_document(s, standalone=False, max_pieces=5, simplify=True)
    assert "simplified" in simple.split("\n\n")[1]


def test_compact_latex_breaks_lines_for_a_column():
    from symattn.export.latex import COMPACT_WIDTH, visual_width

    s = symattn.compile(Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, 2], [0, -1]]), n=2)
    wide, narrow = symattn.to_latex(s), symattn.to_latex(s, compact=True)
    assert max(map(visual_width, narrow.splitlines())) < max(map(visual_width, wide.splitlines()))
    assert all(visual_width(line) <= 2 * COMPACT_WIDTH for line in narrow.splitlines()[1:])
    assert "newcommand" not in wide + narrow


def test_plain_sympy_output_prints_indexed_variables_like_the_rest():
    s = symattn.compile(Attention([[1]], [[1]], [[1]]), n=2)
    tex = symattn.to_latex(s.as_expr()[0, 0])
    assert "x_{0,0}^{3}" in tex and "x[0,0]" not in tex
    assert symattn.to_latex(sympy.Symbol("a") * input_symbol("x", 1, 0)) == "a x_{1,0}"
