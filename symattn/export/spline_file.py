"""The spline file: a compiled spline as JSON, exact, re-checked when read.

Format, version 1 (fields in this order)::

    {
      "format": "symattn-spline", "version": 1,
      "n": 2, "m": null, "parameters": {...},          # as in the model file
      "model": {...},                                   # the model, to re-trace the graph
      "substitution": {"x[0,0]": "t[0] + 1/2", ...},    # restricted splines only
      "variables": ["x[0,0]", ...],                     # the spline's own variables
      "complete": true,
      "pieces": [{"conditions": [["x[0,0]**2 + x[0,1]**2", 1], ...],   # g > 0 (1) or g < 0 (-1)
                  "witness": {"x[0,0]": "1/8", ...},
                  "pattern": [1, 1, -1, ...],                          # ReLU signs in graph order
                  "value": [["x[0,0]**3 + ...", ...], ...]}, ...],
      "undecided": [{"conditions": [...], "reason": "..."}],
      "emptiness": [{"conditions": [...], "procedure": "farkas",         # one per pruned sign system
                     "multipliers": ["1/2", ...], "reason": "..."},
                    {"conditions": [...], "procedure": "sos",           # Σ c_α g^α + zᵀ Q z ≡ 0
                     "sos": {"products": [[0], [0, 2], ...],            # α: positions in "conditions"
                             "multipliers": ["1/3", ...],               # c_α
                             "basis": ["1", "x[0,0]", ...],             # the monomials z
                             "gram": [["1/2", "0", ...], ...]},         # Q
                     "reason": "..."}, ...],
      "stats": {...}                                    # informative only
    }

Polynomials are strings read by :func:`~symattn.export.expressions.parse_exact`
(no ``eval``).  Reading re-traces the model and rebuilds every region,
which re-checks its witness exactly; it then recomputes each piece from the
model: the ReLU signs at the witness must be the stored pattern, and the
walk along that pattern must give exactly the stored conditions and
polynomials.

``complete`` in a file is a *claim*: a spline read with ``complete: true``
has ``completeness == "claimed"`` (``complete`` False, ``claimed_complete``
True), and proofs refuse to build on it.  ``verify=True`` re-proves it:
the case split is decided anew within ``budget`` and must find exactly the
listed regions (:func:`~symattn.compiler.reprove.reprove_complete`).

``emptiness`` has one record per sign system the case split proved empty,
naming the procedure (:mod:`symattn.semialg.certificates`): ``syntactic``,
``farkas``, ``inertia``, ``factors`` and ``sos`` records are re-checked
exactly when the file is read, with no solver, and a wrong one is refused; ``solver`` records rest on z3's
"unsat" and are taken as claims.  With ``verify=True`` the re-proof prunes
a branch by its checked certificate and asks the oracle about the rest.
Files without ``emptiness`` (written before it existed) still load.

>>> import symattn
>>> from symattn.nn import FeedForward
>>> s = symattn.compile(FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
>>> t = spline_from_json(spline_to_json(s))
>>> [p.value for p in t.pieces] == [p.value for p in s.pieces], t.completeness
(True, 'claimed')
>>> spline_from_json(spline_to_json(s), verify=True).completeness
'proved'
"""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

import sympy

from ..semialg.certificates import PROCEDURES, Emptiness, certify_all, check
from ..semialg.sos import SOSCertificate
from ..semialg.region import UndecidedCase
from ..compiler.pipeline import spline_frame
from ..compiler.reprove import reprove_complete
from ..errors import SymattnError
from ..graph.graph import ExpressionGraph
from ..nn.trace import trace
from ..semialg.region import Region, Witness
from ..spline import Piece, PointPiece, Spline
from .model_file import (module_to_dict, model_field, parameter_symbol, parameters_field,
                         parameters_to_dict, read_document)
from .jsontext import write_document
from .reader import Field, ModelFileError

__all__ = ["FORMAT", "VERSION", "spline_to_dict", "spline_from_dict", "spline_to_json", "spline_from_json",
           "save_spline", "load_spline", "tokens_of"]

FORMAT = "symattn-spline"
VERSION = 1


def tokens_of(graph: ExpressionGraph) -> tuple[int | None, int | None]:
    """``(n, m)``: the encoder and decoder token counts the graph was traced with."""
    n = next((graph.input_shape(k)[0] for k in ("x", "z") if k in graph.inputs), None)
    m = graph.input_shape("y")[0] if "y" in graph.inputs else None
    return n, m


# -- writing ----------------------------------------------------------------------
def _text(g) -> str:
    """A polynomial as text (the ring's own printing: fast, and read back exactly by parse_exact)."""
    return str(g)


def _conditions(conditions) -> list:
    return [[_text(g), s] for g, s in conditions]


def _exact_json(value: Any) -> Any:
    """Stats as JSON: numbers, strings, nested dicts; anything else as its text."""
    if isinstance(value, dict):
        return {str(k): _exact_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_exact_json(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def spline_to_dict(spline: Spline) -> dict:
    """The spline file document of ``spline``."""
    model = spline.graph.model
    if model is None:
        raise SymattnError("this spline's graph was not traced from a module, so there is no model to store")
    n, m = tokens_of(spline.graph)
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "n": n, "m": m}
    if spline.graph.parameters:
        doc["parameters"] = parameters_to_dict(spline.graph.parameters)
    doc["model"] = module_to_dict(model)
    if spline.substitution:
        doc["substitution"] = {str(k): sympy.sstr(v) for k, v in spline.substitution.items()}
    doc["variables"] = [str(v) for v in spline.variables]
    doc["complete"] = spline.completeness != "incomplete"
    doc["pieces"] = [{
        "conditions": _conditions(p.conditions),
        "witness": {str(s): str(v) for s, v in p.witness.pairs},
        "pattern": list(p.pattern),
        "value": [[_text(g) for g in row] for row in p.polys],
    } for p in spline.pieces]
    doc["undecided"] = [{"conditions": _conditions(u.conditions), "reason": u.reason} for u in spline.undecided]
    doc["emptiness"] = [_emptiness_doc(e) for e in certify_all(spline.emptiness)]
    doc["stats"] = _exact_json(spline.stats)
    return doc


def _emptiness_doc(record: Emptiness) -> dict:
    doc: dict[str, Any] = {"conditions": _conditions(record.conditions), "procedure": record.procedure}
    if record.multipliers:
        doc["multipliers"] = [str(m) for m in record.multipliers]
    if record.sos is not None:
        ring = record.conditions[0][0].ring
        doc["sos"] = {"products": [list(a) for a in record.sos.products],
                      "multipliers": [str(c) for c in record.sos.multipliers],
                      "basis": [_text(ring.from_dict({mono: 1})) for mono in record.sos.basis],
                      "gram": [[str(q) for q in row] for row in record.sos.gram]}
    doc["reason"] = record.reason
    return doc


def spline_to_json(spline: Spline, path: str | Path | None = None) -> str:
    """The JSON text of ``spline``; also written to ``path`` when given."""
    return write_document(spline_to_dict(spline), path)


save_spline = spline_to_json


# -- reading ----------------------------------------------------------------------
def _polynomial(f: Field, ring, symbols: Mapping[str, sympy.Symbol]):
    e = f.expression(symbols)
    try:
        return ring.from_expr(e) if e.free_symbols else ring.ground_new(e)
    except (ValueError, TypeError, sympy.CoercionFailed) as exc:
        raise f.fail(f"not a polynomial in the spline's variables: {exc}") from None


def _conditions_field(f: Field, ring, symbols) -> tuple:
    out = []
    for item in f.list():
        g, s = item.list(2)
        sign = s.integer()
        if sign not in (1, -1):
            raise s.fail(f"a condition's sign is 1 (g > 0) or -1 (g < 0), not {sign}")
        out.append((_polynomial(g, ring, symbols), sign))
    return tuple(out)


def _witness_field(f: Field, ring, symbols) -> Witness:
    values = {}
    for name, v in f.items():
        if name not in symbols:
            raise v.fail("not a variable or parameter of the spline")
        value = v.expression({})
        if not value.is_Rational:
            raise v.fail(f"{value} is not a rational number")
        values[symbols[name]] = value
    missing = [str(s) for s in ring.symbols if s not in values]
    if missing:
        raise f.fail(f"no value for {', '.join(missing)}")
    return Witness({s: values[s] for s in ring.symbols})


def _check_piece(spline: Spline, piece: Piece, f: Field) -> None:
    """Recompute the piece from the model at its witness and compare.

    One exact forward pass gives the ReLU signs there (they must be the
    stored pattern); the polynomial walk along that pattern gives the
    conditions and the value (they must be the stored ones).
    """
    try:
        at = spline.piece_at(dict(piece.witness))
    except SymattnError as e:
        raise f.key("witness").fail(str(e)) from None
    if at.pattern != piece.pattern:
        raise f.key("pattern").fail("the model's ReLU signs at the witness are different")
    model = PointPiece(spline, at.point, at.pattern, at.output, None)   # recomputed, not looked up
    if set(model.conditions) != set(piece.conditions):
        raise f.key("conditions").fail("not the conditions the model gives along the pattern")
    if model.polys != piece.polys:
        raise f.key("value").fail("not the polynomials the model gives along the pattern")


def _rational(f: Field) -> Fraction:
    value = f.expression({})
    if not value.is_Rational:
        raise f.fail(f"{value} is not a rational number")
    return Fraction(int(value.p), int(value.q))


def _sos_field(f: Field, ring, symbols) -> SOSCertificate:
    """A sum-of-squares certificate: products, multipliers, monomials and Gram matrix, exact."""
    f.object(("products", "multipliers", "basis", "gram"))
    products = tuple(tuple(k.integer(0) for k in a.list()) for a in f.key("products").list())
    multipliers = tuple(_rational(c) for c in f.key("multipliers").list())
    basis = []
    for b in f.key("basis").list():
        mono = _polynomial(b, ring, symbols)
        if len(mono) != 1 or mono.LC != 1:
            raise b.fail("a monomial of the basis is a product of variables with coefficient 1")
        basis.append(mono.LM)
    gram = tuple(tuple(_rational(q) for q in row.list(len(basis))) for row in f.key("gram").list(len(basis)))
    return SOSCertificate(products, multipliers, tuple(basis), gram)


def _emptiness_field(f: Field, ring, symbols) -> Emptiness:
    """One emptiness record, its certificate re-checked exactly (no solver) when it has one."""
    f.object(("conditions", "procedure", "multipliers", "sos", "reason"))
    procedure = f.key("procedure").string()
    if procedure not in PROCEDURES:
        raise f.key("procedure").fail(f"one of {', '.join(PROCEDURES)}, not {procedure!r}")
    multipliers = [_rational(m) for m in f.key("multipliers", []).list()]
    sos = _sos_field(f.key("sos"), ring, symbols) if f.has("sos") else None
    record = Emptiness(_conditions_field(f.key("conditions", []), ring, symbols), f.key("reason").string(),
                       procedure, tuple(multipliers), sos)
    if record.checkable and not check(record):
        raise f.fail(f"the {procedure} certificate does not prove this sign system empty")
    return record


def spline_from_dict(doc: Any, source: str | None = None, verify: bool = False, budget: Any = None,
                     **scale: Any) -> Spline:
    """Rebuild a spline from its document, re-checking every witness and piece.

    A ``complete`` document gives a spline *claimed* complete; with
    ``verify=True`` the claim is re-proved within ``budget`` (see the module
    docstring).
    """
    root = Field(doc, "")
    try:
        root.object(("format", "version", "n", "m", "parameters", "model", "substitution", "variables",
                     "complete", "pieces", "undecided", "emptiness", "stats"))
        if root.key("format").string() != FORMAT:
            raise root.key("format").fail(f"expected {FORMAT!r}")
        if root.key("version").integer() != VERSION:
            raise root.key("version").fail(f"this symattn reads version {VERSION}")
        declared = parameters_field(root)
        model = model_field(Field(root.key("model").value, "model", new_symbol=parameter_symbol), declared)
        n = root.key("n").integer(1) if root.has("n") else None
        m = root.key("m").integer(1) if root.has("m") else None
        try:
            graph = trace(model, n=n, m=m)
        except (ValueError, TypeError) as e:
            raise root.key("model").fail(f"cannot be traced with n={n}, m={m}: {e}") from None
        symbols = {str(s): s for s in graph.variables + graph.parameters}
        substitution = {}
        if root.has("substitution"):
            new = lambda name: symbols.setdefault(name, sympy.Symbol(name, real=True))  # noqa: E731
            for name, value in root.key("substitution").items():
                if name not in symbols:
                    raise value.fail("not a variable or parameter of the model")
                substitution[symbols[name]] = Field(value.value, value.path, new_symbol=new).expression(symbols)
        variables, parameters, ring, inputs = spline_frame(graph, substitution)
        listed = [f.string() for f in root.key("variables").list()]
        if listed != [str(v) for v in variables]:
            raise root.key("variables").fail(f"expected {[str(v) for v in variables]} for this model")
        own = {str(s): s for s in ring.symbols}
        pieces = []
        for f in root.key("pieces", []).list():
            f.object(("conditions", "witness", "pattern", "value"))
            conditions = _conditions_field(f.key("conditions", []), ring, own)
            witness = _witness_field(f.key("witness"), ring, own)
            try:
                region = Region(conditions, witness)
            except ValueError as e:
                raise f.key("witness").fail(str(e)) from None
            pattern = tuple(s.integer() for s in f.key("pattern", []).list())
            value = tuple(tuple(_polynomial(e, ring, own) for e in row.list(graph.shape[1]))
                          for row in f.key("value").list(graph.shape[0]))
            pieces.append((f, Piece(region, value, pattern)))
        undecided = tuple(UndecidedCase(_conditions_field(u.key("conditions", []), ring, own), u.key("reason").string())
                          for u in root.key("undecided", []).list())
        emptiness = tuple(_emptiness_field(e, ring, own) for e in root.key("emptiness", []).list())
        complete = root.key("complete").boolean()
        if complete and undecided:
            raise root.key("complete").fail("a spline with undecided sign systems is not complete")
        stats = root.key("stats", {}).object()
        spline = Spline(graph=graph, ring=ring, variables=variables, parameters=parameters,
                        pieces=tuple(p for _, p in pieces), complete=False, undecided=undecided,
                        symbolic_inputs=inputs, substitution=substitution, stats=dict(stats), emptiness=emptiness)
        for f, piece in pieces:
            _check_piece(spline, piece, f)
        if len({p.pattern for _, p in pieces}) != len(pieces):
            raise root.key("pieces").fail("two pieces have the same pattern")
        spline = replace(spline, claimed_complete=complete)
    except ModelFileError as e:
        raise ModelFileError(e.path, e.reason, source) from None
    return reprove_complete(spline, budget, **scale) if verify else spline


def spline_from_json(source: str | Path, verify: bool = False, budget: Any = None, **scale: Any) -> Spline:
    """Read a spline from JSON text, or from a file when ``source`` is a path (``verify``: see above;
    ``scale``: ``workers=`` or ``executor=`` for the re-proof, see :func:`~symattn.compiler.reprove.reprove_complete`)."""
    if isinstance(source, Path) or not source.lstrip().startswith("{"):
        return load_spline(source, verify=verify, budget=budget, **scale)
    try:
        doc = json.loads(source)
    except json.JSONDecodeError as e:
        raise ModelFileError("", f"not valid JSON: {e}") from None
    return spline_from_dict(doc, verify=verify, budget=budget, **scale)


def load_spline(path: str | Path, verify: bool = False, budget: Any = None, **scale: Any) -> Spline:
    """Read a spline file (``verify``: re-prove a completeness claim, see the module docstring)."""
    return spline_from_dict(read_document(path), source=str(path), verify=verify, budget=budget, **scale)
