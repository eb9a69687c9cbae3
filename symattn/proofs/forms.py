"""Everything a proof compares, in one form: open regions with witnesses and polynomial matrices.

:func:`as_form` accepts

* a model (a :mod:`symattn.nn` module): compiled with :func:`symattn.compile`;
* a compiled :class:`~symattn.spline.Spline`;
* a :class:`~symattn.realize.Realization`: its embed → encoder → readout
  compiled, with the realization's own variable names;
* a :class:`~symattn.realize.MaxMin`: compiled through
  :func:`~symattn.proofs.lattice.maxmin_spline`;
* a :class:`~symattn.realize.UnivariateSpline` or :class:`~symattn.realize.CPWL`;
* a list of pieces ``(conditions, polynomial)``: ``conditions`` is a
  :class:`~symattn.semialg.Region`, one inequality (``x - 1 > 0``, a pair
  ``(expr, sign)`` meaning ``sign·expr > 0``) or a list of them;
  ``polynomial`` an expression or a matrix of them.

A :class:`Form` knows whether its regions are proven to cover the space up
to walls (``complete``), what is missing otherwise, and how to evaluate the
original object exactly at a point, independently of its pieces (the exact
interpreter for models, the certificate's own formula for a MaxMin).  For
user-given pieces the cover is decided exactly: the regions of the wall
arrangement (:func:`~symattn.proofs.lattice.arrangement`) must each lie in
exactly one piece, else :class:`~symattn.proofs.errors.ProofInputError`
names an exact point of the gap or the overlap.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> f = as_form([(x < 0, 0), (x > 0, x**2)], variables=[x])
>>> f.complete, len(f.pieces), f.evaluate({x: 3})
(True, 2, Matrix([[9]]))
>>> as_form([(x < 0, 0), (x > 1, x)], variables=[x])     # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symattn.proofs.errors.ProofInputError: pieces: no piece contains the open set around (x = ...): the pieces must cover ℝ¹ up to walls
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import sympy

from ..semialg.decide import Feasible, Infeasible, emptiness
from ..errors import CertificateInputError
from ..semialg.convert import as_poly, change_ring, check_variables, condition, ring_of
from ..semialg.poly import PolyElement, PolyRing, normalize_condition
from ..semialg.region import Condition, Region, Witness
from ..latex_names import real_space
from .errors import ProofInputError

__all__ = ["Form", "FormPiece", "as_form", "aligned", "refuse_claimed"]

Polys = tuple  # tuple of rows of PolyElement


@dataclass(frozen=True)
class FormPiece:
    """An open region (with its exact witness) and the polynomial matrix there."""

    region: Region
    polys: Polys

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.region.conditions

    @property
    def witness(self) -> Witness:
        return self.region.witness


@dataclass(frozen=True, eq=False)
class Form:
    """Pieces in one ring, whether they cover the space, and an independent evaluator.

    ``evaluate(point)`` takes a mapping from the ring's symbols to rationals
    and returns the exact value (a sympy Matrix) of the original object.
    """

    ring: PolyRing
    pieces: tuple[FormPiece, ...]
    complete: bool
    missing: str
    source: str
    evaluate: Callable[[Mapping], sympy.Matrix]
    shape: tuple[int, int]

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(self.ring.symbols)

    def cover_check(self, label: str):
        """The :class:`~symattn.checks.Check` that the regions cover the space."""
        from ..checks import Check

        name = f"{label}: {self.source}"
        if self.complete:
            return Check.passed(name, "regions with exact witnesses",
                                f"{len(self.pieces)} regions, proven to cover {real_space(self.ring.ngens)} up to walls")
        return Check.undecided(name, "regions with exact witnesses", f"{len(self.pieces)} regions; {self.missing}")


# ---------------------------------------------------------------------------
# conversions
# ---------------------------------------------------------------------------

def as_form(obj: Any, *, n: int | None = None, m: int | None = None, budget: Any = None,
            variables: Sequence[sympy.Symbol] | None = None, where: str = "pieces",
            executor: Any = None, workers: int | None = None) -> Form:
    """``obj`` as a :class:`Form` (see the module docstring for what is accepted); a model is
    compiled within ``budget``, on ``executor`` or ``workers`` processes when given."""
    from ..nn.base import Module
    from ..realize import CPWL, MaxMin, Realization, UnivariateSpline
    from ..spline import Spline

    refuse_claimed(obj, where)
    if isinstance(obj, Form):
        return obj
    if isinstance(obj, Spline):
        model = getattr(obj.graph, "model", None)
        named = f" of {type(model).__name__}" if model is not None else ""
        return spline_form(obj, f"the spline{named} in {len(obj.variables)} variables")
    if isinstance(obj, Module):
        from ..compiler.pipeline import compile as compile_model

        if n is None and set(obj.input_names) & {"x", "z"} or m is None and "y" in obj.input_names:
            raise ProofInputError(where, f"{type(obj).__name__} needs n= (and m= for decoder tokens) to be compiled")
        spline = compile_model(obj, n=n, m=m, budget=budget, progress=False, executor=executor, workers=workers)
        return spline_form(spline, f"the model {type(obj).__name__} on {n if n else m} token(s)")
    if isinstance(obj, Realization):
        spline = obj.compile(budget)
        rename = dict(zip(spline.variables, obj.variables))
        form = spline_form(spline, "the realization's encoder")
        return _renamed(form, ring_of(obj.variables), rename,
                        evaluate=lambda pt: sympy.Matrix([[obj(dict(pt))]]))
    if isinstance(obj, MaxMin):
        from .lattice import maxmin_spline

        spline = maxmin_spline(obj, budget)
        form = spline_form(spline, f"the MaxMin {obj}")
        return _renamed(form, ring_of(obj.variables), {s: s for s in spline.variables},
                        evaluate=lambda pt: sympy.Matrix([[obj(dict(pt))]]))
    if isinstance(obj, UnivariateSpline):
        pieces = [(cell.conditions, ((cell.poly,),)) for cell in obj.cells()]
        return _cells_form(obj.ring, pieces, "the univariate spline", where, budget, covered=True,
                           evaluate=lambda pt: sympy.Matrix([[obj(pt[obj.variable])]]))
    if isinstance(obj, CPWL):
        pieces = [(cell.conditions, ((cell.poly,),)) for cell in obj.cells()]
        return _cells_form(obj.ring, pieces, f"the CPWL of {len(pieces)} cells", where, budget,
                           evaluate=lambda pt: sympy.Matrix([[obj(dict(pt))]]))
    if isinstance(obj, (list, tuple)):
        return _list_form(obj, variables, where, budget)
    raise ProofInputError(where, f"cannot read a {type(obj).__name__}; give a model, Spline, MaxMin, Realization, "
                                 "UnivariateSpline, CPWL or a list of (conditions, polynomial) pieces")


def refuse_claimed(spline, where: str) -> None:
    """Raise :class:`ProofInputError` for a spline whose completeness is only a file's claim.

    >>> import symattn
    >>> from symattn.nn import Attention
    >>> text = symattn.compile(Attention([[1]], [[1]], [[1]]), n=2).to_json()
    >>> refuse_claimed(symattn.Spline.from_json(text), "spline")     # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symattn.proofs.errors.ProofInputError: spline: this spline was read from a file that claims it is complete; ...
    >>> refuse_claimed(symattn.Spline.from_json(text, verify=True), "spline")
    """
    if getattr(spline, "completeness", None) == "claimed":
        raise ProofInputError(where, "this spline was read from a file that claims it is complete; a claim is not "
                                     "a proof, so no proof builds on it. Re-prove it first: "
                                     "Spline.from_json(path, verify=True)")


def spline_form(spline, source: str) -> Form:
    """A compiled spline as a :class:`Form`, evaluated by the exact interpreter."""
    missing = "" if spline.complete else (f"the compile is incomplete: {len(spline.undecided)} sign systems "
                                          "undecided")
    pieces = tuple(FormPiece(p.region, p.polys) for p in spline.pieces)
    return Form(spline.ring, pieces, spline.complete, missing, source, _graph_evaluator(spline),
                tuple(spline.shape))


def _graph_evaluator(spline) -> Callable[[Mapping], sympy.Matrix]:
    """The exact interpreter on the spline's graph, at a point of the spline's own variables."""
    from ..interpret import ExactInterpreter

    graph = spline.graph

    def evaluate(point: Mapping) -> sympy.Matrix:
        own = {sympy.sympify(k): sympy.Rational(v) for k, v in point.items()}
        full = {s: sympy.sympify(spline.substitution.get(s, s)).xreplace(own)
                for s in graph.variables + graph.parameters}
        inputs = {name: [[full[s] for s in row] for row in spline.symbol_matrix(name)] for name in graph.inputs}
        params = {p: full[p] for p in graph.parameters}
        return ExactInterpreter(params=params).run(graph, inputs)

    return evaluate


def _renamed(form: Form, ring: PolyRing, rename: Mapping, evaluate=None) -> Form:
    """``form`` moved into ``ring`` with its symbols renamed (old -> new).

    A generator of the old ring with no place in the new one (the placeholder
    of a constant spline's ring) must not occur in any polynomial.
    """
    back = {new: old for old, new in rename.items()}
    rename, unused = dict(rename), set()
    for s in form.ring.symbols:
        if rename.get(s, s) not in ring.symbols:
            k = form.ring.symbols.index(s)
            used = any(m[k] for p in form.pieces for g in _all_polys(p) for m in g.monoms())
            if used:
                raise ProofInputError("variables", f"{s} occurs in the pieces but not among {ring.symbols}")
            rename[s] = ring.symbols[0]
            unused.add(s)
    pieces = tuple(FormPiece(_move_region(p.region, ring, rename, unused), _move_polys(p.polys, ring, rename))
                   for p in form.pieces)
    if evaluate is None:
        evaluate = lambda pt, inner=form.evaluate: inner({back.get(k, k): v for k, v in pt.items()})  # noqa: E731
    return Form(ring, pieces, form.complete, form.missing, form.source, evaluate, form.shape)


def _all_polys(piece: FormPiece):
    yield from (g for row in piece.polys for g in row)
    yield from (h for h, _ in piece.conditions)


def _move_polys(polys: Polys, ring: PolyRing, rename: Mapping) -> Polys:
    return tuple(tuple(change_ring(g, ring, rename) for g in row) for row in polys)


def _move_region(region: Region, ring: PolyRing, rename: Mapping, unused=frozenset()) -> Region:
    conditions = tuple((change_ring(h, ring, rename), s) for h, s in region.conditions)
    witness = {rename.get(k, k): v for k, v in region.witness.items() if k not in unused}
    witness = {s: witness.get(s, sympy.Integer(0)) for s in ring.symbols}
    return Region(conditions, Witness(witness))


def aligned(a: Form, b: Form, where: str = "b") -> tuple[Form, str]:
    """``b`` in ``a``'s ring: variables matched by name, else by position (said in the note)."""
    if a.ring == b.ring:
        return b, ""
    if set(a.symbols) == set(b.symbols):
        return _renamed(b, a.ring, {s: s for s in b.symbols}), ""
    if len(a.symbols) != len(b.symbols):
        raise ProofInputError(where, f"has the variables {b.symbols}, the other side {a.symbols}: they cannot "
                                     "be matched by name or by position")
    rename = dict(zip(b.symbols, a.symbols))
    note = "variables matched by position: " + ", ".join(f"{s} ~ {t}" for s, t in rename.items() if s != t)
    return _renamed(b, a.ring, rename), note


# ---------------------------------------------------------------------------
# user-given pieces
# ---------------------------------------------------------------------------

def _is_pair(c: Any) -> bool:
    return isinstance(c, tuple) and len(c) == 2 and not isinstance(c[0], (sympy.Rel, tuple, list)) and \
        c[1] in (1, -1)


def _conditions(spec: Any, ring: PolyRing, where: str) -> tuple[Condition, ...]:
    """A Region, ``True`` (everywhere), one condition, or a list of them (read as :class:`CPWL` reads cells)."""
    if isinstance(spec, Region):
        return tuple((change_ring(h, ring, {}), s) for h, s in spec.conditions)
    if spec is True or spec is sympy.true:
        return ()
    if isinstance(spec, sympy.Rel) or _is_pair(spec):
        spec = [spec]
    if isinstance(spec, (bool, str, sympy.Basic)) or not hasattr(spec, "__iter__"):
        raise ProofInputError(where, f"{spec!r} is not a region: give an inequality such as x - 1 > 0, a pair "
                                     "(expression, sign), a list of them, a Region or True")
    try:
        return tuple(condition(c, ring, f"{where}[{k}]") for k, c in enumerate(spec))
    except CertificateInputError as exc:
        raise ProofInputError(exc.where, exc.reason) from None


def _matrix(value: Any, ring: PolyRing, where: str) -> Polys:
    if isinstance(value, PolyElement):
        value = value.as_expr()
    if isinstance(value, (sympy.MatrixBase, list)) or (isinstance(value, tuple) and value and
                                                         isinstance(value[0], (list, tuple))):
        rows = sympy.Matrix(value).tolist()
    else:
        rows = [[value]]
    return tuple(tuple(as_poly(v, ring, f"{where}[{i}][{j}]") for j, v in enumerate(row))
                 for i, row in enumerate(rows))


def _free_symbols(obj: Any) -> set:
    if isinstance(obj, Region):
        return set(obj.symbols)
    if isinstance(obj, PolyElement):
        return set(obj.ring.symbols)
    if isinstance(obj, sympy.Basic):
        return set(obj.free_symbols)
    if isinstance(obj, (list, tuple)):
        return set().union(*[_free_symbols(o) for o in obj]) if obj else set()
    return set()


def _list_form(items: Sequence, variables, where: str, budget: Any) -> Form:
    items = list(items)
    if not items:
        raise ProofInputError(where, "no pieces given")
    for k, item in enumerate(items):
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise ProofInputError(f"{where}[{k}]", "each piece is a pair (conditions, polynomial)")
    if variables is None:
        variables = sorted(_free_symbols(items), key=str)
    variables = check_variables(variables, f"{where} (variables=)")
    ring = ring_of(variables)
    pieces = [(_conditions(c, ring, f"{where}[{k}].conditions"), _matrix(p, ring, f"{where}[{k}].polynomial"))
              for k, (c, p) in enumerate(items)]
    shapes = {(len(p), len(p[0])) for _, p in pieces}
    if len(shapes) != 1:
        raise ProofInputError(where, f"the pieces have different shapes {sorted(shapes)}")
    return _cells_form(ring, pieces, f"{len(pieces)} given pieces", where, budget)


def _cells_form(ring: PolyRing, pieces: Sequence[tuple[tuple[Condition, ...], Polys]], source: str, where: str,
                budget: Any, covered: bool = False, evaluate=None) -> Form:
    """Witness every cell, then (unless ``covered``) decide that the cells tile the space."""
    out = []
    for k, (conds, polys) in enumerate(pieces):
        conds = tuple(normalize_condition(h, s) for h, s in conds)
        answer = emptiness(ring, conds)
        if isinstance(answer, Infeasible):
            raise ProofInputError(f"{where}[{k}]", f"the region is empty ({answer.reason})")
        if not isinstance(answer, Feasible):
            raise ProofInputError(f"{where}[{k}]", f"could not decide whether the region is empty ({answer.reason})")
        out.append(FormPiece(Region(conds, answer.witness), polys))
    out = tuple(out)
    complete, missing = (True, "") if covered else _tiling(ring, out, where, budget)
    if evaluate is None:
        evaluate = _piece_evaluator(out, where)
    shape = (len(out[0].polys), len(out[0].polys[0]))
    return Form(ring, out, complete, missing, source, evaluate, shape)


def _piece_evaluator(pieces: tuple[FormPiece, ...], where: str):
    def evaluate(point: Mapping) -> sympy.Matrix:
        for p in pieces:
            if p.region.contains(point):
                return sympy.Matrix([[g.as_expr().xreplace(dict(point)) for g in row] for row in p.polys])
        raise ProofInputError(where, f"the point {dict(point)} lies in no piece (a wall or a gap)")
    return evaluate


def _tiling(ring: PolyRing, pieces: tuple[FormPiece, ...], where: str, budget: Any) -> tuple[bool, str]:
    """Every region of the wall arrangement lies in exactly one piece (or in pieces with one value)."""
    from .lattice import arrangement

    walls = list(dict.fromkeys(h for p in pieces for h, _ in p.conditions))
    if not walls:
        if len(pieces) > 1 and len({p.polys for p in pieces}) > 1:
            raise ProofInputError(where, "several pieces without conditions and different values")
        return True, ""
    cells = arrangement(walls, budget)
    n = ring.ngens
    for cell in cells.pieces:
        point = {s: cell.witness.get(s, sympy.Integer(0)) for s in ring.symbols}
        holders = [k for k, p in enumerate(pieces) if p.region.contains(point)]
        at = ", ".join(f"{s} = {v}" for s, v in point.items())
        if not holders:
            raise ProofInputError(where, f"no piece contains the open set around ({at}): the pieces must cover "
                                         f"{real_space(n)} up to walls")
        if len({pieces[k].polys for k in holders}) > 1:
            raise ProofInputError(where, f"pieces {holders[0]} and {holders[1]} overlap around ({at}) with "
                                         "different polynomials")
    if not cells.complete:
        return False, (f"the cover of {real_space(n)} by the pieces is not decided ({len(cells.undecided)} sign systems of "
                       "the walls undecided)")
    return True, ""
