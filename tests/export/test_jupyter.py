"""Jupyter rendering: LaTeX for splines, pieces, regions, proofs and models; a short summary for large splines."""

from __future__ import annotations

import pytest
import sympy

import symattn
from symattn.nn import Attention, FeedForward

SMALL = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)


def _objects():
    proof = symattn.prove_equal(SMALL, FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
    return {"spline": SMALL, "piece": SMALL.pieces[0], "region": SMALL.pieces[0].region, "proof": proof,
            "model": Attention([[1]], [[1]], [[1]])}


@pytest.mark.parametrize("name", sorted(_objects()))
def test_results_render_as_latex_in_jupyter(name):
    obj = _objects()[name]
    tex = obj._repr_latex_()
    assert tex == "$\\displaystyle " + sympy.latex(obj) + "$"
    formatter = pytest.importorskip("IPython.core.formatters").DisplayFormatter()
    data, _ = formatter.format(obj)
    assert data["text/latex"] == tex and "text/html" not in data


def test_a_large_spline_renders_as_a_short_summary():
    ffn = FeedForward([[1, -1, 2, 1], [2, 1, -1, 3]], [0, 1, -1, 2], [[1], [1], [1], [1]], None)
    big = symattn.compile(ffn, n=2)     # 4 lines in the plane per token: 11 x 11 regions
    assert len(big) > 12
    page = big._repr_html_()
    assert f"{len(big)} pieces" in page and "complete" in page and f"degree</th><td style='text-align:left'>1" in page
    assert page.count("<li>") == 3
    formatter = pytest.importorskip("IPython.core.formatters").DisplayFormatter()
    data, _ = formatter.format(big)
    assert "text/html" in data
    assert SMALL._repr_html_() is None


def test_a_simplified_large_spline_renders_as_its_cases():
    """196 pieces, but few rows once simplified: Jupyter shows the LaTeX cases, not the summary."""
    import symattn
    from symattn.models import default_model

    spline = symattn.compile(default_model(), n=2)
    assert spline._repr_html_() is not None
    simple = spline.simplify()
    assert simple._repr_html_() is None
    assert r"\begin{cases}" in simple._repr_latex_()
