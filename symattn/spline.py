"""The compiled spline: regions with exact witnesses and exact polynomial pieces.

A :class:`Spline` is what :func:`symattn.compile` returns.  Each
:class:`Piece` is an open region (strict sign conditions plus an exact
rational witness, see :class:`~symattn.semialg.region.Region`) and the
matrix of polynomials the model equals there.  ``complete`` is True only
when every other sign combination was *proven* empty; otherwise
``undecided`` lists what was not decided and why.

>>> import symattn
>>> from symattn.nn import FeedForward
>>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)   # |x|
>>> len(s), s.complete, s.degree
(2, True, 1)
>>> s([[-5]])
Matrix([[5]])
>>> [p.value for p in s.pieces]
[Matrix([[x[0,0]]]), Matrix([[-x[0,0]]])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterator, Mapping, Sequence

import sympy

from .errors import SymattnError
from .graph.graph import ExpressionGraph, input_symbols
from .semialg.poly import PolyElement, PolyRing, evaluate_fractions
from .semialg.region import Condition, Region
from .semialg.region import UndecidedCase
from .semialg.certificates import Emptiness
from .printable import Printable
from .rationals import to_fraction, to_rational

__all__ = ["Piece", "Spline", "PointPiece", "MergedPiece", "SoundnessError", "EntryRow", "Simplification"]


class SoundnessError(SymattnError):
    """A point off every wall of a spline claimed complete lies in no listed region.

    For a compiled spline this can only come from a wrong emptiness proof
    (for example a solver bug); for a spline read from a file, from a file
    whose ``complete`` claim is false.  It is raised rather than hidden.
    """


def _expr_matrix(polys) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix([[g.as_expr() for g in row] for row in polys])


def _degree_in(g: PolyElement, nvars: int) -> int:
    if not g:
        return 0  # the zero polynomial: degree 0 by convention here
    return max(sum(m[:nvars]) for m in g.monoms())


class PieceSource:
    """What computes a piece's polynomials from its ReLU sign pattern.

    Pieces store their pattern, not their polynomials: a large compile keeps
    tens of thousands of regions, and their cubic (or higher) polynomials
    would take far more memory than the regions.  The polynomials are
    recomputed from the graph along the pattern on first use.
    """

    def __init__(self, graph: ExpressionGraph, ring: PolyRing, inputs: Mapping[str, Any],
                 params: Mapping[sympy.Symbol, Any] | None = None) -> None:
        self.graph, self.ring, self.inputs, self.params = graph, ring, inputs, dict(params or {})

    def polys(self, pattern: tuple[int, ...]) -> tuple:
        from .interpret.walkers import PatternPolys

        return PatternPolys(self.ring, pattern, self.params).run(self.graph, self.inputs)


@dataclass(frozen=True)
class Piece(Printable):
    """One region and the polynomial matrix the spline equals on it.

    ``polys`` is a tuple of rows of ``PolyElement`` (computed from the
    ``pattern``, the signs of the ReLU entries there, on first use when the
    piece came from a compile); ``value`` is the same as a sympy matrix.
    Two pieces are equal when their regions and patterns are.
    """

    region: Region
    given: tuple | None = field(default=None, compare=False, repr=False)
    pattern: tuple[int, ...] = ()
    source: PieceSource | None = field(default=None, compare=False, repr=False)

    @cached_property
    def polys(self) -> tuple:
        if self.given is not None:
            return self.given
        return self.source.polys(self.pattern)

    @cached_property
    def value(self) -> sympy.ImmutableMatrix:
        return _expr_matrix(self.polys)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.region.conditions

    @property
    def witness(self):
        return self.region.witness

    def degree(self, nvars: int | None = None) -> int:
        """Total degree in the first ``nvars`` generators (default: all).

        Does not keep the polynomials when they were not computed before.
        """
        polys = self.__dict__.get("polys") or self.given or self.source.polys(self.pattern)
        k = polys[0][0].ring.ngens if nvars is None else nvars
        return max(_degree_in(g, k) for row in polys for g in row)

    def __repr__(self) -> str:
        return f"Piece({self.region.as_relational()}: {self.value.tolist()})"


@dataclass(frozen=True)
class MergedPiece(Printable):
    """A value and every region where the spline takes it."""

    regions: tuple[Region, ...]
    polys: tuple

    @cached_property
    def value(self) -> sympy.ImmutableMatrix:
        return _expr_matrix(self.polys)

    def as_relational(self) -> sympy.Basic:
        return sympy.Or(*[r.as_relational() for r in self.regions])


class PointPiece(Printable):
    """The piece at a point, from one exact forward pass (no enumeration).

    ``pattern`` has the sign of every ReLU entry there (0 on a wall, and 0
    for an identically zero entry, as in the compiled patterns); ``piece``
    is the compiled :class:`Piece` containing the point when the spline
    lists it; ``on_wall`` tells whether the point lies on a wall (some 0 of
    the pattern belongs to a non-constant entry).  ``value`` (the polynomial matrix) and ``conditions``
    are recomputed from the graph along the pattern on first use, so they
    are available even for models too large to enumerate.
    """

    def __init__(self, spline: "Spline", point: Mapping, pattern: tuple[int, ...], output, piece: Piece | None):
        self.spline, self.point, self.pattern, self.output, self.piece = spline, point, pattern, output, piece

    @cached_property
    def on_wall(self) -> bool:
        if self.piece is not None or 0 not in self.pattern:
            return False
        if "_walk" in self.__dict__:
            return bool(self._walk[2])
        from .interpret.walkers import walls_at

        return bool(walls_at(self.spline.graph, self.spline.ring, self.spline.symbolic_inputs, self.pattern,
                             self._fixed, first=True))

    @property
    def _fixed(self) -> dict:
        return {p: v for p, v in self.spline.substitution.items() if p in self.spline.graph.parameters}

    @cached_property
    def _walk(self):
        from .interpret.walkers import PatternPolys

        walker = PatternPolys(self.spline.ring, self.pattern, params=self._fixed)
        polys = walker.run(self.spline.graph, self.spline.symbolic_inputs)
        return polys, tuple(walker.conditions), tuple(walker.walls)

    @property
    def polys(self):
        return self.piece.polys if self.piece is not None else self._walk[0]

    @property
    def value(self) -> sympy.ImmutableMatrix:
        return self.piece.value if self.piece is not None else _expr_matrix(self.polys)

    @property
    def conditions(self) -> tuple[tuple[PolyElement, int], ...]:
        """(polynomial, sign) with sign in {1, -1, 0} at this point."""
        return self.piece.conditions if self.piece is not None else self._walk[1]

    def __repr__(self) -> str:
        where = "on a wall" if self.on_wall else ("listed" if self.piece is not None else "not listed")
        return f"<PointPiece {where}, {len(self.pattern)} ReLU signs>"


@dataclass(frozen=True)
class EntryRow:
    """One row of an output entry's cases: its polynomial ``value`` and where it holds.

    ``where`` is ``None`` (everywhere), or a union of conjunctions of strict
    conditions (one tuple of conditions per part); ``pieces`` are the indices
    of the pieces on which the entry is ``value``.  ``proofs[k]`` are the
    emptiness records showing that part ``k`` meets no piece outside
    ``pieces`` where the two do not clash outright (empty for a part that is
    a piece's own conditions).
    """

    value: PolyElement
    where: tuple[tuple[Condition, ...], ...] | None
    pieces: tuple[int, ...]
    proofs: tuple[tuple[Emptiness, ...], ...] = ()


@dataclass(frozen=True)
class Simplification:
    """What :meth:`Spline.simplify` found: per-entry rows and the justification of every step.

    ``entries[i, j]`` are the rows of output entry (i, j); ``notes`` say which
    factor or condition was dropped and why; ``exhausted`` is True when the
    budget ran out (the rest was kept as it was, which is always sound).
    ``origin`` are the regions before simplification, and ``dropped[k]`` the
    emptiness records of the conditions dropped from piece ``k``, in order:
    enough to re-check the simplification without deciding anything anew
    (:mod:`symattn.proofs.simplified`).
    """

    entries: Mapping[tuple[int, int], tuple[EntryRow, ...]]
    notes: tuple[str, ...]
    exhausted: bool = False
    origin: tuple[Region, ...] = ()
    dropped: tuple[tuple[Emptiness, ...], ...] = ()


@dataclass(eq=False)
class Spline(Printable):
    """The exact spline of a traced model.

    ``spline(X)`` (or ``spline(Y, Z)``, ``spline(X, Y)``, matching the
    model's call, and ``params=`` for parameters) evaluates exactly at any
    rational point, walls included.

    ``complete`` is True only when this process proved that the listed
    regions cover everything: every other sign system was proven empty.
    ``completeness`` says which of three states the spline is in:

    * ``"proved"``: ``complete`` is True;
    * ``"claimed"``: read from a file that says complete, without re-proving
      it (``claimed_complete`` is True, ``complete`` False).  A file is a
      claim: proofs and the ``symattn.testing`` helpers refuse to build on
      it; ``Spline.from_json(path, verify=True)`` re-proves it;
    * ``"incomplete"``: some sign systems are undecided (``undecided``).

    ``emptiness`` lists the sign systems the case split proved empty, each
    an :class:`~symattn.semialg.certificates.Emptiness` record naming the
    procedure; a spline file stores them with their certificates.

    >>> import symattn
    >>> from symattn.nn import Attention
    >>> s = symattn.compile(Attention([[1]], [[1]], [[1]]), n=2)
    >>> s.completeness, Spline.from_json(s.to_json()).completeness
    ('proved', 'claimed')
    >>> Spline.from_json(s.to_json(), verify=True).completeness
    'proved'
    """

    graph: ExpressionGraph
    ring: PolyRing
    variables: tuple[sympy.Symbol, ...]
    parameters: tuple[sympy.Symbol, ...]
    pieces: tuple[Piece, ...]
    complete: bool
    undecided: tuple[UndecidedCase, ...]
    symbolic_inputs: Mapping[str, Any] = field(repr=False)
    claimed_complete: bool = False
    emptiness: tuple[Emptiness, ...] = field(default=(), repr=False)
    substitution: Mapping[sympy.Symbol, sympy.Expr] = field(default_factory=dict, repr=False)
    stats: dict = field(default_factory=dict, repr=False)
    simplified: Simplification | None = field(default=None, repr=False)

    @cached_property
    def _by_pattern(self) -> dict[tuple[int, ...], Piece]:
        return {p.pattern: p for p in self.pieces}

    @cached_property
    def _point_weights(self) -> dict:
        return {}

    @property
    def completeness(self) -> str:
        """``"proved"``, ``"claimed"`` (a file's claim, not re-proved) or ``"incomplete"``."""
        return "proved" if self.complete else "claimed" if self.claimed_complete else "incomplete"

    # -- basic facts -----------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return self.graph.shape

    def __len__(self) -> int:
        return len(self.pieces)

    def __iter__(self) -> Iterator[Piece]:
        return iter(self.pieces)

    @cached_property
    def degree(self) -> int:
        """Total degree in the input variables (parameters not counted)."""
        return max((p.degree(len(self.variables)) for p in self.pieces), default=0)

    @property
    def regions(self) -> tuple[Region, ...]:
        return tuple(p.region for p in self.pieces)

    def __repr__(self) -> str:
        state = {"proved": "complete", "claimed": "claimed complete (not re-proved)"}.get(
            self.completeness, f"incomplete, {len(self.undecided)} undecided")
        return (f"<Spline {self.shape[0]}×{self.shape[1]} in {len(self.variables)} variables: "
                f"{len(self)} pieces, degree {self.degree}, {state}>")

    # -- evaluation --------------------------------------------------------
    def _point(self, inputs: Sequence[Any], params: Mapping | None):
        """Inputs and parameter values for the graph, and the point in this spline's own generators."""
        from .weights import exact_matrix

        names = list(self.graph.inputs)
        if len(inputs) == 1 and isinstance(inputs[0], Mapping):
            own = {sympy.sympify(k): sympy.Rational(v) for k, v in inputs[0].items()}
        else:
            if len(inputs) != len(names):
                raise TypeError(f"the spline takes {len(names)} input(s) ({', '.join(n.upper() for n in names)}) "
                                "or one mapping from its variables to values")
            own = {}
            for name, value in zip(names, inputs):
                m = exact_matrix(value, path=f"input {name.upper()}", shape=self.graph.input_shape(name))
                own.update(zip(input_symbols(name, *m.shape), m))
        own.update({sympy.sympify(k): sympy.Rational(v) for k, v in (params or {}).items()})
        missing = [v for v in self.ring_symbols if v not in own]
        if missing:
            raise ValueError(f"no value for {missing}" + (" (pass params=)" if set(missing) & set(self.parameters) else ""))
        full = {s: self.substitution.get(s, s).xreplace(own) for s in self.graph.variables + self.graph.parameters}
        for s, v in full.items():
            if not v.is_Rational:
                raise ValueError(f"{s} = {v} is not a rational number")
        values = {name: [[to_fraction(full[s]) for s in row] for row in self.symbol_matrix(name)]
                  for name in names}
        graph_params = {p: full[p] for p in self.graph.parameters}
        return values, graph_params, {s: own[s] for s in self.ring_symbols}

    @property
    def ring_symbols(self) -> tuple[sympy.Symbol, ...]:
        return self.variables + self.parameters

    def symbol_matrix(self, name: str):
        return input_symbols(name, *self.graph.input_shape(name)).tolist()

    def piece_at(self, *inputs: Any, params: Mapping | None = None) -> PointPiece:
        """The piece at a point: one exact forward pass, then a dictionary lookup.

        Raises :class:`SoundnessError` when the spline is complete (proved or
        claimed) and the point lies off every wall but in no listed region.
        Telling a wall from an identically zero entry costs one polynomial
        walk, only for an unlisted point whose pattern has a 0.
        """
        from .interpret.walkers import pattern_at

        values, graph_params, point = self._point(inputs, params)
        # without free parameters every point has the same parameter values: convert the weights once
        weights = None if self.parameters else self._point_weights
        pattern, output = pattern_at(self.graph, values, graph_params, weights)
        at = PointPiece(self, point, pattern, output, self._by_pattern.get(pattern))
        if at.piece is None and self.completeness != "incomplete" and not at.on_wall:
            claim = "whose file claims it complete" if self.claimed_complete else "claimed complete"
            raise SoundnessError(f"the point {point} lies off every wall but in no region of a spline {claim}")
        return at

    def __call__(self, *inputs: Any, params: Mapping | None = None) -> sympy.Matrix:
        """Exact value at a rational point, from the listed piece when there is one.

        On a wall (or in a region an incomplete compile did not reach) the
        value comes from the exact forward pass, which is the continuous
        extension there.
        """
        at = self.piece_at(*inputs, params=params)
        if at.piece is None:
            return sympy.Matrix([[to_rational(v) for v in row] for row in at.output])
        values = tuple(to_fraction(at.point[s]) for s in self.ring_symbols)
        if len(values) < self.ring.ngens:  # a constant spline's placeholder generator
            values += (Fraction(0),) * (self.ring.ngens - len(values))
        return sympy.Matrix([[to_rational(evaluate_fractions(g, values)) for g in row] for row in at.piece.polys])

    # -- transformations ---------------------------------------------------
    def merge(self) -> tuple[MergedPiece, ...]:
        """Group the regions by identical value, in order of first appearance."""
        groups: dict[tuple, list[Region]] = {}
        for p in self.pieces:
            groups.setdefault(p.polys, []).append(p.region)
        return tuple(MergedPiece(tuple(rs), polys) for polys, rs in groups.items())

    def as_expr(self) -> sympy.Matrix:
        """A sympy Matrix of ``Piecewise``: one branch per region (disjoint), and
        the exact ReLU expression of the model as the last branch, which
        covers the walls and anything an incomplete compile did not list.
        """
        from .interpret import SymbolicInterpreter

        fallback = SymbolicInterpreter().run(self.graph, {
            name: sympy.Matrix(self.symbol_matrix(name)) for name in self.graph.inputs}).xreplace(self.substitution)
        rows, cols = self.shape
        conds = [p.region.as_relational() for p in self.pieces]
        return sympy.Matrix(rows, cols, lambda i, j: sympy.Piecewise(
            *[(p.value[i, j], c) for p, c in zip(self.pieces, conds)], (fallback[i, j], True),
            evaluate=False))

    def restrict(self, substitution: Mapping[sympy.Symbol, Any] | None = None, *,
                 origin: Mapping | None = None, directions: Sequence[Mapping] = (),
                 budget=None, progress: bool | None = False, **options) -> "Spline":
        """The spline on an affine subspace, with its regions decided anew.

        ``restrict({x: 1, a: 2})`` fixes some variables or parameters to
        exact values.  ``restrict(origin=P, directions=[D1, D2])`` (each a
        mapping from variable to rational) gives the spline of
        ``t ↦ P + t0·D1 + t1·D2`` in the new variables ``t[0], t[1]``.
        A restriction of a restriction composes the two substitutions
        (:mod:`symattn.compiler.restrict`).  ``options`` go to the compile
        (``workers=``, ``executor=``: the regions decided on a process pool or cluster).
        """
        from .compiler.restrict import restrict
        return restrict(self, substitution, origin=origin, directions=directions, budget=budget, progress=progress,
                        **options)

    def simplify(self, budget: float | None = 60.0) -> "Spline":
        """An equivalent spline with factored, minimal conditions and per-entry rows (:mod:`symattn.compiler.simplify`)."""
        from .compiler.simplify import simplify
        return simplify(self, budget)

    # -- showing and saving (symattn.export) -------------------------------
    def to_json(self, path=None) -> str:
        """The spline as JSON text, also written to ``path`` if given (:mod:`symattn.export.spline_file`)."""
        from .export.spline_file import spline_to_json
        return spline_to_json(self, path)

    @classmethod
    def from_json(cls, source, verify: bool = False, budget=None, **scale) -> "Spline":
        """Read a spline from JSON text or a file, re-checking its witnesses (:mod:`symattn.export.spline_file`).

        A file's ``complete`` is loaded as *claimed*; ``verify=True`` re-proves it (within ``budget``;
        on a process pool or cluster with ``workers=`` or ``executor=``).
        """
        from .export.spline_file import spline_from_json
        return spline_from_json(source, verify=verify, budget=budget, **scale)

    def _repr_html_(self) -> str | None:
        """Jupyter: a short summary of a large spline; None (so LaTeX) for a small one (:mod:`symattn.export.html`)."""
        from .export.html import spline_html
        return spline_html(self)

    def plot(self, origin=None, directions=None, **options):
        """Region map on a plane, or the graph along a line (:func:`symattn.export.plot.plot_spline`)."""
        from .export.plot import plot_spline
        return plot_spline(self, origin, directions, **options)
