r"""Pictures of a spline on a plane or along a line through its input space.

``plot_spline(spline, origin=P, directions=[D1, D2])`` restricts the spline
to the plane ``P + s·D1 + t·D2`` (:meth:`~symattn.spline.Spline.restrict`
decides the plane's regions anew) and draws its region map:

* a grid of *exact rational* points is coloured by the piece each lies in,
  decided by the exact signs of the piece's conditions (integer arithmetic,
  :class:`~symattn.semialg.pool.SamplePool`); points on a wall, or in no
  listed piece of an incomplete spline, stay white;
* the walls are drawn as zero contours of the wall polynomials, in floats:
  floats only draw, they never decide.

With one direction it draws each output entry along the line, with the
knots at their exact positions: the real roots of the wall polynomials are
isolated exactly (:func:`sympy.intervals`), the piece between two roots is
found at a rational point there, and a root is a knot when the polynomial
changes across it (:func:`line_knots`).

>>> import symattn
>>> from symattn.nn import FeedForward
>>> relu = symattn.compile(FeedForward([[1]], ["-1/2"], [[1]], None), n=1)    # σ(x - 1/2)
>>> line_knots(relu, -2, 2)
[1/2]
>>> fig = plot_spline(relu, extent=(-2, 2))
>>> fig.axes[0].get_title()
'spline along x[0,0]: 2 pieces, 1 knot in [-2, 2]'
"""

from __future__ import annotations

from math import lcm
from typing import Any, Mapping, Sequence

import numpy as np
import sympy

from ..semialg.pool import SamplePool
from ..graph.graph import input_symbols
from ..spline import Spline
from ..weights import exact_matrix, exact_scalar
from .figures import Picture, new_figure

__all__ = ["plot_spline", "region_grid", "line_knots", "Knot"]

#: default grid resolution of a region map (points per axis)
RESOLUTION = 200


# -- the view: which spline, in which coordinates ---------------------------------------
def _point(spec: Any, spline: Spline, what: str) -> dict[sympy.Symbol, sympy.Rational]:
    """A mapping from the spline's variables to exact rationals.

    ``spec`` is a mapping (keys: symbols or their names) or, for a one-input
    model, a matrix of the input's shape.
    """
    by_name = {str(v): v for v in spline.variables}
    if isinstance(spec, Mapping):
        out = {}
        for k, v in spec.items():
            symbol = by_name.get(str(k))
            if symbol is None:
                raise ValueError(f"{what}: {k} is not a variable of the spline ({', '.join(by_name)})")
            out[symbol] = exact_scalar(v, path=what)
        return out
    names = list(spline.graph.inputs)
    if len(names) != 1 or spline.substitution:
        raise ValueError(f"{what}: give a mapping from the spline's variables to numbers")
    matrix = exact_matrix(spec, path=what, shape=spline.graph.input_shape(names[0]))
    return dict(zip(input_symbols(names[0], *matrix.shape), matrix))


def _describe(point: Mapping) -> str:
    nonzero = [f"{k}: {v}" for k, v in point.items() if v != 0]
    return "{" + ", ".join(nonzero) + "}" if nonzero else "0"


def _view(spline: Spline, origin, directions, params, budget) -> tuple[Spline, list[str]]:
    """The spline to draw (in 1 or 2 variables) and the axis labels."""
    if params:
        spline = spline.restrict(dict(params), budget=budget)
    if spline.parameters:
        raise ValueError(f"fix the parameters {', '.join(map(str, spline.parameters))} with params={{...}} to draw")
    if directions is None:
        if len(spline.variables) not in (1, 2):
            raise ValueError(f"the spline has {len(spline.variables)} variables: give directions=[D1] or [D1, D2]")
        return spline, [str(v) for v in spline.variables]
    if len(directions) not in (1, 2):
        raise ValueError("give one direction (a line) or two (a plane)")
    P = _point(origin or {}, spline, "origin")
    Ds = [_point(d, spline, f"directions[{k}]") for k, d in enumerate(directions)]
    view = spline.restrict(origin=P, directions=Ds, budget=budget)
    if len(view.variables) != len(Ds):
        raise ValueError("the directions must be nonzero (and for a plane, independent)")
    labels = [f"{t} along {_describe(D)}" for t, D in zip(view.variables, Ds)]
    labels.append(_describe(P))
    return view, labels


def _interval(extent, k: int) -> tuple[sympy.Rational, sympy.Rational]:
    pair = extent if extent and not isinstance(extent[0], (tuple, list)) else extent[k]
    lo, hi = (exact_scalar(v, path="extent", rationalize="decimal") for v in pair)
    if not lo < hi:
        raise ValueError(f"extent: {lo} is not below {hi}")
    return lo, hi


# -- 2-D: region map ------------------------------------------------------------------
def region_grid(spline: Spline, extent=((-2, 2), (-2, 2)), resolution: int = RESOLUTION) -> np.ndarray:
    """Piece index at the centre of each grid cell (-1: a wall or no listed piece).

    ``spline`` has two variables; row ``i``, column ``j`` of the result is
    the exact point ``(s_j, t_i)`` with ``s_j = lo + (hi - lo)(2j + 1)/(2N)``.
    """
    (lo0, hi0), (lo1, hi1) = _interval(extent, 0), _interval(extent, 1)
    N = resolution
    D = 2 * N * lcm(*(int(v.q) for v in (lo0, hi0, lo1, hi1)))
    ticks = np.arange(N, dtype=object) * 2 + 1
    axis0 = [int(lo0 * D + (hi0 - lo0) * D * k / (2 * N)) for k in ticks]
    axis1 = [int(lo1 * D + (hi1 - lo1) * D * k / (2 * N)) for k in ticks]
    s, t = np.meshgrid(np.array(axis0, dtype=np.int64), np.array(axis1, dtype=np.int64))
    pool = SamplePool(spline.ring, np.stack([s.ravel(), t.ravel()], axis=1), np.full(N * N, D))
    everywhere = pool.all()
    signs: dict = {}
    labels = np.full(N * N, -1, dtype=np.int64)
    for k, piece in enumerate(spline.pieces):
        inside = np.ones(N * N, dtype=bool)
        for g, sign in piece.conditions:
            if g not in signs:
                signs[g] = pool.signs(g, everywhere)
            inside &= signs[g] == sign
        labels[inside] = k
    return labels.reshape(N, N)


def _walls(spline: Spline) -> list[sympy.Expr]:
    seen: dict = {}
    for conditions in [p.conditions for p in spline.pieces] + [u.conditions for u in spline.undecided]:
        for g, _ in conditions:
            seen.setdefault(g, None)
    return [g.as_expr() for g in seen]


#: region colours: tab20, tab20b and tab20c, in that order (pieces in view beyond 60 reuse them)
PALETTES = ("tab20", "tab20b", "tab20c")


def _separating(grid: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Cells on either side of a step where both the piece and the wall's sign change."""
    edge = np.zeros(grid.shape, dtype=bool)
    for axis in (0, 1):
        step = (np.diff(grid, axis=axis) != 0) & (np.diff(sign, axis=axis) != 0)
        for pad in ((0, 1), (1, 0)):
            widths = [(0, 0), (0, 0)]
            widths[axis] = pad
            edge |= np.pad(step, widths)
    return edge


def _plot_plane(view: Spline, labels: list[str], extent, resolution: int, ax) -> Picture:
    import matplotlib
    from matplotlib.colors import ListedColormap

    extent = extent or ((-2, 2), (-2, 2))
    grid = region_grid(view, extent, resolution)
    (lo0, hi0), (lo1, hi1) = _interval(extent, 0), _interval(extent, 1)
    box = [float(lo0), float(hi0), float(lo1), float(hi1)]
    fig, ax = _figure_and_axes(ax, (6.4, 5.6))
    # colour the pieces in view by rank, so that 60 colours go a long way
    in_view = sorted(set(np.unique(grid).tolist()) - {-1})
    rank = np.full(len(view) + 1, -1)
    rank[in_view] = np.arange(len(in_view))
    palette = [c for name in PALETTES for c in matplotlib.colormaps[name].colors]
    cmap = ListedColormap([palette[k % len(palette)] for k in range(max(len(in_view), 1))])
    ax.imshow(np.ma.masked_less(rank[grid], 0), origin="lower", extent=box, cmap=cmap, vmin=-0.5,
              vmax=max(len(in_view), 1) - 0.5, interpolation="nearest", aspect="auto")
    # walls: zero contours in floats, drawn only where the wall separates two pieces of the exact grid
    s, t = view.variables
    N, fine = resolution, 2 * resolution
    centres = [np.linspace(a, b, 2 * N + 1)[1::2] for a, b in (box[:2], box[2:])]
    cs, ct = np.meshgrid(*centres)
    xs, ys = np.meshgrid(np.linspace(box[0], box[1], fine), np.linspace(box[2], box[3], fine))
    coarse = np.arange(fine) * N // fine
    for g in _walls(view):
        f = sympy.lambdify((s, t), g, "numpy")
        values = f(xs, ys) * np.ones_like(xs)
        if not values.min() < 0 < values.max():
            continue
        near = _separating(grid, np.sign(f(cs, ct) * np.ones_like(cs)))[coarse[:, None], coarse[None, :]]
        if near.any():
            ax.contour(xs, ys, np.ma.masked_where(~near, values), levels=[0], colors="black", linewidths=0.8)
    state = "complete" if view.complete else f"incomplete, {len(view.undecided)} undecided"
    where = f"\nplane through {labels[2]}" if len(labels) > 2 else ""
    ax.set_title(f"{len(view)} pieces ({state}), {len(in_view)} of them in view{where}", fontsize=9)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return fig


# -- 1-D: line with knots ---------------------------------------------------------------
class Knot:
    """A knot on a line: the exact position ``at`` and rational bounds ``lo <= at <= hi``."""

    def __init__(self, at: sympy.Expr, lo: sympy.Rational, hi: sympy.Rational) -> None:
        self.at, self.lo, self.hi = at, lo, hi

    def __float__(self) -> float:
        return float(self.at)

    def __eq__(self, other) -> bool:
        return sympy.sympify(self.at) == sympy.sympify(other.at if isinstance(other, Knot) else other)

    def __hash__(self) -> int:
        return hash(self.at)

    def __repr__(self) -> str:
        return sympy.sstr(self.at)

    def label(self) -> str:
        """``= 1/2``, ``= sqrt(2)``, or ``≈ -1.734`` for a root with no closed form."""
        if isinstance(self.at, sympy.CRootOf):
            return f"≈ {float(self.at):.4g}"
        return f"= {sympy.sstr(self.at)}"


def _root_intervals(polys: list[sympy.Poly], lo, hi) -> list[tuple[sympy.Rational, sympy.Rational, dict]]:
    """Disjoint rational intervals holding every root in [lo, hi], with gaps between them."""
    if not polys:
        return []
    eps = (hi - lo) / 8
    while True:
        found = sympy.intervals(polys, inf=lo, sup=hi, eps=eps)
        spans = [(sympy.Rational(a), sympy.Rational(b), where) for (a, b), where in found]
        if all(b0 < a1 for (_, b0, _), (a1, _, _) in zip(spans, spans[1:])):
            return spans
        eps /= 16


def _exact_root(polys: list[sympy.Poly], a, b, where: dict) -> sympy.Expr:
    if a == b:
        return a
    poly = polys[next(iter(where))]
    return next(r for r in sympy.real_roots(poly) if a <= r <= b)


def _segments(line: Spline, lo, hi):
    """``(knot candidates, pieces)``: exact roots in (lo, hi) and the piece on each gap around them."""
    (t,) = line.variables
    polys = [sympy.Poly(g, t) for g in _walls(line)]
    polys = [p for p in polys if p.degree() > 0]
    spans = [s for s in _root_intervals(polys, lo, hi) if lo < s[1] and s[0] < hi]
    edges = [lo] + [x for a, b, _ in spans for x in (a, b)] + [hi]
    gap_points = [(edges[2 * k] + edges[2 * k + 1]) / 2 for k in range(len(spans) + 1)]
    pieces = [line.piece_at({t: q}) for q in gap_points]
    roots = [Knot(_exact_root(polys, a, b, where), a, b) for a, b, where in spans]
    return roots, pieces


def line_knots(line: Spline, lo=-2, hi=2) -> list[Knot]:
    """The exact knots of a one-variable spline in the open interval (lo, hi).

    A knot is a root of a wall polynomial where the polynomial piece changes.
    """
    lo, hi = exact_scalar(lo, rationalize="decimal"), exact_scalar(hi, rationalize="decimal")
    roots, pieces = _segments(line, lo, hi)
    return [r for r, left, right in zip(roots, pieces, pieces[1:]) if left.polys != right.polys]


def _plot_line(view: Spline, labels: list[str], extent, ax) -> Picture:
    lo, hi = _interval(extent or (-2, 2), 0)
    roots, pieces = _segments(view, lo, hi)
    knots = [r for r, left, right in zip(roots, pieces, pieces[1:]) if left.polys != right.polys]
    fig, ax = _figure_and_axes(ax, (6.4, 4.2))
    (t,) = view.variables
    edges = [float(lo)] + [float(r) for r in roots] + [float(hi)]
    rows, cols = view.shape
    colours = [f"C{k % 10}" for k in range(rows * cols)]
    for k, at in enumerate(pieces):
        xs = np.linspace(edges[k], edges[k + 1], 200)
        for i in range(rows):
            for j in range(cols):
                f = sympy.lambdify(t, at.value[i, j], "numpy")
                ax.plot(xs, f(xs) * np.ones_like(xs), color=colours[i * cols + j],
                        label=(f"f[{i},{j}]" if (rows, cols) != (1, 1) else "f") if k == 0 else None)
    for knot in knots:
        ax.axvline(float(knot), color="grey", linestyle=":", linewidth=0.9)
        ax.annotate(f"{t} {knot.label()}", (float(knot), 1.0), xycoords=("data", "axes fraction"),
                    rotation=90, va="top", ha="right", fontsize=7)
    ax.set_xlim(float(lo), float(hi))
    ax.set_xlabel(labels[0])
    state = "" if view.complete else f" (incomplete, {len(view.undecided)} undecided)"
    count = f"{len(knots)} knot" + ("" if len(knots) == 1 else "s")
    where = f"\nline through {labels[1]}" if len(labels) > 1 else ""
    ax.set_title(f"spline along {labels[0]}: {len(view)} pieces, {count} in [{lo}, {hi}]{state}{where}",
                 fontsize=9)
    if rows * cols > 1:
        ax.legend(fontsize=8)
    return fig


def _figure_and_axes(ax, size):
    if ax is not None:
        return ax.figure, ax
    fig = new_figure(figsize=size)
    return fig, fig.add_subplot()


def plot_spline(spline: Spline, origin: Any = None, directions: Sequence[Any] | None = None, *,
                extent=None, resolution: int = RESOLUTION, params: Mapping | None = None,
                budget=None, ax=None) -> Picture:
    """Draw ``spline`` on the plane or line ``origin + Σ t_k·directions[k]``.

    * ``origin``, ``directions[k]``: mappings from variables (symbols or
      names such as ``"x[0,1]"``) to exact numbers, or input-shaped
      matrices; without ``directions`` a spline in one or two variables is
      drawn in its own variables;
    * ``extent``: ``(lo, hi)`` for every axis or one pair per axis (default
      ``(-2, 2)``); floats are read as their shortest decimal;
    * ``resolution``: grid points per axis of a region map;
    * ``params``: values for symbolic parameters; ``budget``: for the restriction.

    Returns a matplotlib Figure (it shows itself in Jupyter).
    """
    view, labels = _view(spline, origin, directions, params, budget)
    if len(view.variables) == 2:
        return _plot_plane(view, labels, extent, resolution, ax)
    return _plot_line(view, labels, extent, ax)
