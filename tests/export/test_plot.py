"""Pictures: region maps coloured by exact signs, knots at exact roots, graph drawings."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import sympy

import symattn
from symattn import input_symbol
from symattn.export.plot import line_knots, region_grid
from symattn.nn import Attention, FeedForward


def coloured(fig) -> int:
    """How many distinct pieces the region map's image shows."""
    return len(np.unique(fig.axes[0].images[0].get_array().compressed()))


def generic_ffn(units: int, seed: int) -> FeedForward:
    rng = random.Random(seed)
    W1 = [[rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(units)] for _ in range(2)]
    b1 = [Fraction(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(units)]
    W2 = [[rng.choice([-2, -1, 1, 2])] for _ in range(units)]
    return FeedForward(W1, b1, W2, None)


def in_general_position(ffn: FeedForward) -> bool:
    """No two ReLU lines parallel, no three through one point."""
    lines = [[ffn.W1[0, k], ffn.W1[1, k], ffn.b1[0, k]] for k in range(ffn.W1.cols)]
    return (all(a[0] * b[1] != a[1] * b[0] for a, b in itertools.combinations(lines, 2))
            and all(sympy.Matrix(abc).det() != 0 for abc in itertools.combinations(lines, 3)))


def extent_around_vertices(ffn: FeedForward) -> tuple:
    """A square holding every crossing of two of the ReLU lines, with room to spare."""
    s, t = sympy.symbols("s t")
    lines = [ffn.W1[0, k] * s + ffn.W1[1, k] * t + ffn.b1[0, k] for k in range(ffn.W1.cols)]
    corners = [sympy.solve([a, b], [s, t]) for a, b in itertools.combinations(lines, 2)]
    r = max(abs(v) for c in corners for v in c.values()) + 2
    return (-math.ceil(r), math.ceil(r))


@pytest.mark.parametrize("units, seed", [(3, 1), (4, 5)])
def test_generic_ffn_plane_has_zaslavsky_many_regions(units, seed):
    """m generic lines cut the plane into 1 + m + C(m, 2) regions; the picture colours each."""
    ffn = generic_ffn(units, seed)
    assert in_general_position(ffn)
    spline = symattn.compile(ffn, n=1)
    expected = sum(math.comb(units, i) for i in range(3))
    assert len(spline) == expected
    fig = spline.plot(extent=extent_around_vertices(ffn), resolution=240)
    assert coloured(fig) == expected
    assert fig.axes[0].get_title().startswith(f"{expected} pieces (complete), {expected} of them in view")


def test_grid_colours_agree_with_the_exact_forward_pass():
    spline = symattn.compile(generic_ffn(3, 1), n=1)
    N, extent = 30, ((-3, 3), (-2, "5/2"))
    grid = region_grid(spline, extent, N)
    rng = random.Random(3)
    for _ in range(60):
        i, j = rng.randrange(N), rng.randrange(N)
        s = Fraction(-3) + Fraction(6) * (2 * j + 1) / (2 * N)
        t = Fraction(-2) + Fraction(9, 2) * (2 * i + 1) / (2 * N)
        at = spline.piece_at([[s, t]])
        expected = -1 if at.piece is None else spline.pieces.index(at.piece)
        assert grid[i, j] == expected


def test_plane_through_a_point_is_labelled():
    spline = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, -1]], [[1, "1/2"], [0, -1]]), n=2)
    fig = spline.plot(origin=[["1/2", -1], [2, "1/3"]], directions=[{"x[0,0]": 1}, {"x[1,0]": 1}],
                      extent=(-3, 3), resolution=60)
    ax = fig.axes[0]
    assert "plane through {x[0,0]: 1/2, x[0,1]: -1, x[1,0]: 2, x[1,1]: 1/3}" in ax.get_title()
    assert ax.get_xlabel() == "t[0] along {x[0,0]: 1}" and ax.get_ylabel() == "t[1] along {x[1,0]: 1}"
    assert fig._repr_png_()[:4] == b"\x89PNG"


def test_knots_are_exact_irrational_roots():
    """Score x0² - 2x1² on the line x = (t, 1) changes sign at t = ±√2."""
    spline = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, -2]], [[1], [1]]), n=1)
    line = spline.restrict(origin={input_symbol("x", 0, 1): 1}, directions=[{input_symbol("x", 0, 0): 1}])
    assert [k.at for k in line_knots(line, -3, 3)] == [-sympy.sqrt(2), sympy.sqrt(2)]
    assert line_knots(line, -1, 1) == []
    fig = spline.plot(origin={"x[0,1]": 1}, directions=[{"x[0,0]": 1}], extent=(-3, 3))
    title = fig.axes[0].get_title()
    assert "2 knots in [-3, 3]" in title and "line through {x[0,1]: 1}" in title
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["t[0] = -sqrt(2)", "t[0] = sqrt(2)"]


def test_knots_of_a_relu_sum_and_no_false_knots():
    """σ(3x - 1) + σ(1 - 2x) has knots 1/3 and 1/2; a wall whose sides carry the same polynomial is no knot."""
    spline = symattn.compile(FeedForward([[3, -2, 1]], [-1, 1, 0], [[1], [1], [0]], None), n=1)
    assert [k.at for k in line_knots(spline, -2, 2)] == [sympy.Rational(1, 3), sympy.Rational(1, 2)]


def test_graph_drawing():
    graph = Attention([[1]], [[1]], [[1]]).trace(n=2)
    fig = graph.draw()
    ax = fig.axes[0]
    assert len(ax.texts) == len(graph)
    assert ax.get_title() == "Attention traced for x: 2×1 → 2×1 (7 nodes)"
    assert sum("relu" in t.get_text() for t in ax.texts) == 1


def test_bad_plot_requests():
    spline = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]]), n=2)
    with pytest.raises(ValueError, match="give directions"):
        spline.plot()
    with pytest.raises(ValueError, match="x\\[5,0\\] is not a variable"):
        spline.plot(directions=[{"x[5,0]": 1}])
    with pytest.raises(ValueError, match="one direction .* or two"):
        spline.plot(directions=[{"x[0,0]": 1}] * 3)
