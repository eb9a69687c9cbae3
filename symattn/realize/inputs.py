"""The splines :func:`~symattn.realize.certificate` accepts besides a :class:`MaxMin`.

* :class:`UnivariateSpline`: knots t_1 < … < t_K and K + 1 polynomial pieces;
* :class:`CPWL`: a continuous piecewise-affine function on convex polyhedral
  cells (open cells given by strict affine inequalities), one affine piece
  per cell.  ``CPWL.from_spline`` reads a compiled degree-1
  :class:`~symattn.spline.Spline` (for example a feed-forward network).

Both check continuity exactly on construction and raise
:class:`~symattn.realize.errors.DiscontinuityError` with a common boundary
point where two pieces disagree.  Both expose :meth:`cells`: the open cells
with their polynomials, the form the round-trip proof compares against.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> s = UnivariateSpline([0, 1], [0, x**2, 2*x - 1], x)
>>> s(sympy.Rational(1, 2)), s(3), s.degree
(1/4, 5, 2)
>>> UnivariateSpline([0], [0, x + 1], x)
Traceback (most recent call last):
...
symattn.realize.errors.DiscontinuityError: UnivariateSpline: pieces 0 and 1 disagree at (x = 0), a point of both their closures: 0 != 1; a spline must be continuous
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import sympy

from ..semialg.poly import PolyElement, PolyRing, as_fractions, evaluate, evaluate_fractions, is_affine
from ..semialg.region import Condition, Region
from ..weights import exact_scalar
from ..semialg.decide import Feasible, Infeasible, emptiness
from .errors import CertificateInputError, DiscontinuityError
from .polyhedra import point_in
from ..semialg.convert import as_poly, check_variables, condition, ring_of, total_degree
from ..rationals import to_rational

__all__ = ["Cell", "UnivariateSpline", "CPWL"]


class _PiecewiseFacts:
    """``ring`` and ``degree`` of a piecewise input with ``variables`` and ``pieces``."""

    @property
    def ring(self) -> PolyRing:
        return ring_of(self.variables)

    @property
    def degree(self) -> int:
        return max(total_degree(p) for p in self.pieces)


def check_compiled(spline, where: str) -> None:
    """A compiled spline can be read as a piecewise input only without parameters and when complete."""
    if spline.parameters:
        raise CertificateInputError(where, f"the spline has parameters {spline.parameters}; fix them first "
                                           "with spline.restrict({...})")
    if spline.completeness == "claimed":
        raise CertificateInputError(where, "the spline's completeness is a file's claim, not a proof; re-prove it "
                                           "with Spline.from_json(path, verify=True)")
    if not spline.complete:
        raise CertificateInputError(where, f"the spline is incomplete ({len(spline.undecided)} undecided "
                                           "sign systems), so its pieces do not cover the input space")


@dataclass(frozen=True)
class Cell:
    """An open cell ``{s·h > 0 for every (h, s)}`` and the polynomial a function equals there."""

    conditions: tuple[Condition, ...]
    poly: PolyElement


@dataclass(frozen=True, init=False)
class UnivariateSpline(_PiecewiseFacts):
    """A continuous piecewise polynomial of one variable.

    ``knots``: strictly increasing exact rationals t_1 < … < t_K (floats are
    read as their exact binary value, see :mod:`symattn.weights`);
    ``pieces``: K + 1 polynomials, piece k on (t_k, t_{k+1}) with t_0 = -∞
    and t_{K+1} = +∞; ``variable``: the Symbol (default: the one free
    symbol, else ``x``).

    >>> x = sympy.Symbol("x")
    >>> UnivariateSpline([-1, 1], [0, (x + 1)**2, 4*x], x).truncated_powers()
    (0, ((-1, (0, 1)), (1, (0, -1))))

    The truncated-power form reads: f = 0 + (x+1)_+^2 - (x-1)_+^2.
    """

    knots: tuple[sympy.Rational, ...]
    pieces: tuple[PolyElement, ...]
    variable: sympy.Symbol

    def __init__(self, knots: Sequence[Any], pieces: Sequence[Any], variable: sympy.Symbol | None = None):
        knots = tuple(exact_scalar(t, path="UnivariateSpline.knots", index=(k,)) for k, t in enumerate(knots))
        for k, t in enumerate(knots):
            if not t.is_Rational:
                raise CertificateInputError(f"UnivariateSpline.knots[{k}]", f"{t} is not a rational number")
        if any(a >= b for a, b in zip(knots, knots[1:])):
            raise CertificateInputError("UnivariateSpline.knots", f"must be strictly increasing, got {knots}")
        pieces = list(pieces)
        if len(pieces) != len(knots) + 1:
            raise CertificateInputError(
                "UnivariateSpline.pieces", f"{len(knots)} knots need {len(knots) + 1} pieces, got {len(pieces)}")
        if variable is None:
            free = set().union(*[sympy.sympify(p).free_symbols for p in pieces if not isinstance(p, PolyElement)])
            variable = free.pop() if len(free) == 1 else sympy.Symbol("x")
        (variable,) = check_variables((variable,), "UnivariateSpline.variable")
        ring = ring_of((variable,))
        polys = tuple(as_poly(p, ring, where=f"UnivariateSpline.pieces[{k}]") for k, p in enumerate(pieces))
        object.__setattr__(self, "knots", knots)
        object.__setattr__(self, "pieces", polys)
        object.__setattr__(self, "variable", variable)
        for k, t in enumerate(knots):
            left, right = evaluate(polys[k], (t,)), evaluate(polys[k + 1], (t,))
            if left != right:
                raise DiscontinuityError("UnivariateSpline", {variable: t}, (k, k + 1), (left, right))

    @classmethod
    def from_spline(cls, spline) -> "UnivariateSpline":
        """The compiled spline of a model with one input variable, if its knots are rational.

        Raises :class:`~symattn.realize.errors.NoCertificateError` when a
        wall has an irrational root (the knots must be exact rationals).
        """
        from .errors import NoCertificateError

        (var,) = spline.variables
        roots = set()
        for piece in spline.pieces:
            for h, _ in piece.conditions:
                for r in sympy.Poly(h.as_expr(), var).real_roots():
                    if not r.is_Rational:
                        raise NoCertificateError(
                            f"the wall {h.as_expr()} = 0 has the irrational root {r}; a univariate spline "
                            "certificate needs rational knots, so pass a MaxMin certificate instead")
                    roots.add(r)
        knots = sorted(roots)
        probes = ([knots[0] - 1] if knots else [sympy.Integer(0)]) + \
            [(a + b) / 2 for a, b in zip(knots, knots[1:])] + ([knots[-1] + 1] if knots else [])
        pieces = [spline.piece_at({var: t}).value[0, 0] for t in probes]
        return cls(knots, pieces, var)

    # -- facts -------------------------------------------------------------
    @property
    def variables(self) -> tuple[sympy.Symbol]:
        return (self.variable,)

    def __call__(self, x: Any) -> sympy.Rational:
        """Exact value at a rational point (either piece at a knot: they agree)."""
        if isinstance(x, dict):
            x = x[self.variable]
        try:
            (v,) = as_fractions((sympy.Rational(x) if isinstance(x, str) else x,), self.ring)
        except TypeError as exc:
            raise CertificateInputError("UnivariateSpline(x)", str(exc)) from None
        k = sum(1 for t in self.knots if v > t)
        r = evaluate_fractions(self.pieces[k], (v,))
        return to_rational(r)

    def cells(self) -> tuple[Cell, ...]:
        """The open intervals (t_k, t_{k+1}) with their pieces."""
        X = self.ring.gens[0]
        out = []
        for k, p in enumerate(self.pieces):
            conds = []
            if k > 0:
                conds.append((X - self.ring(self.knots[k - 1]), 1))
            if k < len(self.knots):
                conds.append((X - self.ring(self.knots[k]), -1))
            out.append(Cell(tuple(conds), p))
        return tuple(out)

    def truncated_powers(self) -> tuple[PolyElement, tuple[tuple[sympy.Rational, tuple], ...]]:
        """``(p_0, ((t_k, (b_k1, b_k2, …)), …))`` with f = p_0 + Σ_k Σ_e b_ke (x − t_k)_+^e.

        ``b_ke`` is the coefficient of u^e in (p_k − p_{k−1})(t_k + u); the
        constant coefficient is 0 by continuity, so the tuple starts at e = 1.
        """
        u = sympy.Symbol("u")
        terms = []
        for k, t in enumerate(self.knots):
            d = (self.pieces[k + 1] - self.pieces[k]).as_expr().subs(self.variable, t + u)
            coeffs = sympy.Poly(sympy.expand(d), u).all_coeffs()[::-1] if d != 0 else [0]
            terms.append((t, tuple(sympy.Rational(c) for c in coeffs[1:]) or (sympy.Integer(0),)))
        return self.pieces[0], tuple(terms)

    def as_expr(self) -> sympy.Piecewise:
        x = self.variable
        branches = [(p.as_expr(), x < t) for p, t in zip(self.pieces, self.knots)]
        return sympy.Piecewise(*branches, (self.pieces[-1].as_expr(), True))

    def _sympystr(self, printer) -> str:
        return f"UnivariateSpline(knots={printer._print(list(self.knots))}, " \
               f"pieces={printer._print([p.as_expr() for p in self.pieces])})"

    def _latex(self, printer) -> str:
        return printer._print(self.as_expr())

    def __repr__(self) -> str:
        return sympy.sstr(self)


@dataclass(frozen=True, init=False)
class CPWL(_PiecewiseFacts):
    """A continuous piecewise-affine function on convex polyhedral cells.

    ``cells``: one entry per cell, each a :class:`~symattn.semialg.Region`
    or a list of affine inequalities (sympy relationals, or pairs
    ``(expr, sign)`` meaning ``sign·expr > 0``).  Cells are open; a
    non-strict inequality describes the same closure and is read as strict.
    The cells should be disjoint with closures covering R^N; the function
    is defined on the closures (the certificate construction assumes the
    cover, and the round-trip proof is a claim about the closures).
    ``pieces``: one affine polynomial per cell.  ``check=False`` skips the
    continuity check (for inputs continuous by construction, such as a
    compiled ReLU network).

    >>> x = sympy.Symbol("x")
    >>> f = CPWL([[x < 0], [x > 0]], [0, x], [x])              # the ReLU
    >>> f(-2), f(3), len(f.cells())
    (0, 3, 2)
    >>> CPWL([[x < 0], [x > 0]], [0, x + 1], [x])
    Traceback (most recent call last):
    ...
    symattn.realize.errors.DiscontinuityError: CPWL: pieces 0 and 1 disagree at (x = 0), a point of both their closures: 0 != 1; a spline must be continuous
    """

    regions: tuple[Region, ...]
    pieces: tuple[PolyElement, ...]
    variables: tuple[sympy.Symbol, ...]

    def __init__(self, cells: Iterable[Any], pieces: Iterable[Any], variables: Sequence[sympy.Symbol],
                 check: bool = True):
        variables = check_variables(variables, "CPWL.variables")
        ring = ring_of(variables)
        cells, pieces = list(cells), list(pieces)
        if not cells or len(cells) != len(pieces):
            raise CertificateInputError("CPWL", f"needs one piece per cell, got {len(cells)} cells and "
                                                f"{len(pieces)} pieces")
        regions = []
        for k, cell in enumerate(cells):
            where = f"CPWL.cells[{k}]"
            if isinstance(cell, Region):
                conds = tuple((as_poly(h, ring, where), s) for h, s in cell.conditions)
            else:
                if isinstance(cell, (sympy.Rel, tuple)):
                    cell = [cell]
                conds = tuple(condition(c, ring, f"{where}[{i}]") for i, c in enumerate(cell))
            for h, _ in conds:
                if not is_affine(h):
                    raise CertificateInputError(
                        where, f"the wall {h.as_expr()} = 0 is curved; CPWL cells are convex polyhedra "
                               "(affine inequalities). For curved walls pass a MaxMin certificate")
            regions.append(self._witnessed(ring, conds, where))
        polys = tuple(as_poly(p, ring, f"CPWL.pieces[{k}]") for k, p in enumerate(pieces))
        for k, p in enumerate(polys):
            if total_degree(p) > 1:
                raise CertificateInputError(f"CPWL.pieces[{k}]", f"{p.as_expr()} is not affine")
        object.__setattr__(self, "regions", tuple(regions))
        object.__setattr__(self, "pieces", polys)
        object.__setattr__(self, "variables", variables)
        if check:
            self.check_continuity()

    @staticmethod
    def _witnessed(ring: PolyRing, conds: tuple[Condition, ...], where: str) -> Region:
        if not conds:
            return Region.whole(ring)
        answer = emptiness(ring, conds)
        if isinstance(answer, Feasible):
            return Region(conds, answer.witness)
        if isinstance(answer, Infeasible):
            raise CertificateInputError(where, f"the cell is empty ({answer.reason})")
        raise CertificateInputError(where, f"could not decide whether the cell is empty ({answer.reason})")

    @classmethod
    def from_spline(cls, spline, entry: tuple[int, int] | None = None) -> "CPWL":
        """The cells and affine pieces of a compiled degree-1 spline (no continuity re-check:
        a compiled ReLU model is a composition of continuous maps).

        ``entry`` picks one output entry of a matrix-valued spline.
        """
        where = "CPWL.from_spline"
        if entry is None:
            if tuple(spline.shape) != (1, 1):
                raise CertificateInputError(where, f"the spline is {spline.shape[0]}×{spline.shape[1]}-valued; "
                                                   "pass entry=(i, j) to pick one output")
            entry = (0, 0)
        check_compiled(spline, where)
        i, j = entry
        return cls([p.region for p in spline.pieces], [p.polys[i][j] for p in spline.pieces],
                   spline.variables, check=False)

    def cells(self) -> tuple[Cell, ...]:
        return tuple(Cell(r.conditions, p) for r, p in zip(self.regions, self.pieces))

    def __len__(self) -> int:
        return len(self.regions)

    def __call__(self, *point: Any) -> sympy.Rational:
        """Exact value at a rational point; on a wall, the value of a cell whose closure holds it."""
        pt = point[0] if len(point) == 1 and isinstance(point[0], (dict, list, tuple)) else point
        if isinstance(pt, dict):
            pt = {sympy.sympify(k): v for k, v in pt.items()}
        try:
            fr = as_fractions(pt, self.ring)
        except (TypeError, KeyError, ValueError) as exc:
            raise CertificateInputError("CPWL(point)", f"{exc} (variables {self.variables})") from None
        for region, p in zip(self.regions, self.pieces):
            if all(s * evaluate_fractions(h, fr) >= 0 for h, s in region.conditions):
                v = evaluate_fractions(p, fr)
                return to_rational(v)
        raise CertificateInputError("CPWL(point)", f"the point {pt} lies in no cell's closure")

    def check_continuity(self) -> None:
        """Raise :class:`DiscontinuityError` if two cells' closures meet where their pieces differ."""
        for k, l in itertools.combinations(range(len(self.regions)), 2):
            d = self.pieces[k] - self.pieces[l]
            if not d:
                continue
            closed = self.regions[k].conditions + self.regions[l].conditions
            if not closed:
                continue
            pt = point_in(closed=closed, nonzero=[d])
            if pt is not None:
                values = (evaluate(self.pieces[k], pt), evaluate(self.pieces[l], pt))
                raise DiscontinuityError("CPWL", pt, (k, l), values)

    def _sympystr(self, printer) -> str:
        return f"CPWL({len(self.regions)} cells in {printer._print(self.variables)})"

    def __repr__(self) -> str:
        return sympy.sstr(self)
