"""Certificate and realization files: max–min forms and the encoders built from them, as JSON.

Certificate, version 1::

    {"format": "symattn-certificate", "version": 1,
     "variables": ["x"],
     "max": [["0"], ["x + 1", "1 - x"]]}          # f = max(0, min(x + 1, 1 - x))

Each inner list is one ``min`` group of exact polynomials (strings read
without ``eval``, or integers) in the variables.

Realization, version 1: the certificate, the construction and the built
model (``Sequential`` of embedding, encoder and readout, as in the model
file)::

    {"format": "symattn-realization", "version": 1,
     "construction": "max-min", "certificate": {"variables": [...], "max": [...]},
     "model": {"type": "Sequential", ...}}

Reading a realization runs the construction again on the certificate and
requires the stored weights to be exactly the rebuilt ones, so a file can
neither carry a wrong encoder nor drift from the construction unnoticed.

>>> import sympy
>>> from symattn.realize import MaxMin, realize
>>> x = sympy.Symbol("x")
>>> hat = MaxMin([[0], [x + 1, 1 - x]], [x])
>>> maxmin_from_dict(maxmin_to_dict(hat)) == hat
True
>>> r = realization_from_json(realization_to_json(realize(hat)))
>>> r(0), r.certificate == hat
(1, True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sympy

from ..errors import SymattnError
from ..realize import MaxMin, Realization, realize
from .jsontext import dumps, write_document
from .model_file import ASSUMPTIONS, module_to_dict, model_field, parameters_to_dict, read_document
from .reader import Field, ModelFileError, check_header

__all__ = ["maxmin_to_dict", "maxmin_from_dict", "save_certificate", "load_certificate",
           "realization_to_dict", "realization_from_dict", "realization_to_json", "realization_from_json",
           "CERTIFICATE", "REALIZATION", "VERSION"]

CERTIFICATE = "symattn-certificate"
REALIZATION = "symattn-realization"
VERSION = 1


def _header(root: Field, fmt: str, allowed: tuple[str, ...]) -> None:
    check_header(root, fmt, VERSION, allowed)


# -- certificates -------------------------------------------------------------------
def _default_symbol(name: str, assumptions: dict | None = None) -> sympy.Symbol:
    """Input-style names (``x[0,1]``) are real, like :func:`symattn.input_symbol`; others plain."""
    if assumptions is None:
        assumptions = {"real": True} if "[" in name else {}
    return sympy.Symbol(name, **assumptions)


def _maxmin_body(m: MaxMin) -> dict:
    body: dict[str, Any] = {"variables": [str(v) for v in m.variables]}
    unusual = {v for v in m.variables if _default_symbol(v.name) != v}
    if unusual:
        body["assumptions"] = parameters_to_dict(unusual)
    body["max"] = [[sympy.sstr(t) for t in group] for group in m.terms]
    return body


def maxmin_to_dict(m: MaxMin) -> dict:
    """The certificate file document of ``m``."""
    return {"format": CERTIFICATE, "version": VERSION, **_maxmin_body(m)}


def _maxmin_field(f: Field) -> MaxMin:
    names = [v.string() for v in f.key("variables").list()]
    if not names or len(set(names)) != len(names):
        raise f.key("variables").fail("a non-empty list of distinct names")
    declared = {}
    if f.has("assumptions"):
        for name, spec in f.key("assumptions").items():
            if name not in names:
                raise spec.fail("not one of the variables")
            spec.object(ASSUMPTIONS)
            declared[name] = {k: v.boolean() for k, v in spec.items()}
    symbols = {name: _default_symbol(name, declared.get(name)) for name in names}
    groups = f.key("max").list()
    if not groups:
        raise f.key("max").fail("a certificate needs at least one group")
    terms = []
    for g in groups:
        items = g.list()
        if not items:
            raise g.fail("a min group needs at least one polynomial")
        terms.append([t.expression(symbols) for t in items])
    try:
        return MaxMin(terms, [symbols[n] for n in names])
    except SymattnError as e:
        raise f.key("max").fail(str(e)) from None


def maxmin_from_dict(doc: Any, source: str | None = None) -> MaxMin:
    """Read a certificate document."""
    root = Field(doc, "")
    try:
        _header(root, CERTIFICATE, ("variables", "assumptions", "max"))
        return _maxmin_field(root)
    except ModelFileError as e:
        raise ModelFileError(e.path, e.reason, source) from None


def save_certificate(m: MaxMin, path: str | Path) -> Path:
    """Write ``m`` as a certificate file; returns the path."""
    path = Path(path)
    path.write_text(dumps(maxmin_to_dict(m)) + "\n", encoding="utf-8")
    return path


def load_certificate(path: str | Path) -> MaxMin:
    """Read a certificate file."""
    return maxmin_from_dict(read_document(path), source=str(path))


# -- realizations --------------------------------------------------------------------
def realization_to_dict(r: Realization) -> dict:
    """The realization file document of ``r`` (which must come from a max–min certificate)."""
    if r.certificate is None:
        raise SymattnError(f"a {r.construction} realization has no max-min certificate to store; "
                           "only realizations of certificates can be written")
    return {"format": REALIZATION, "version": VERSION, "construction": r.construction,
            "certificate": _maxmin_body(r.certificate), "model": module_to_dict(r.model)}


def realization_from_dict(doc: Any, source: str | None = None) -> Realization:
    """Rebuild a realization from its certificate and check the stored weights against it."""
    root = Field(doc, "")
    try:
        _header(root, REALIZATION, ("construction", "certificate", "model"))
        root.key("certificate").object(("variables", "assumptions", "max"))
        certificate = _maxmin_field(root.key("certificate"))
        stored = model_field(root.key("model"), {})
        built = realize(certificate)
        if built.construction != root.key("construction").string():
            raise root.key("construction").fail(f"the certificate gives a {built.construction} construction")
        if stored != built.model:
            raise root.key("model").fail("the stored weights are not the construction's for this certificate")
    except ModelFileError as e:
        raise ModelFileError(e.path, e.reason, source) from None
    return built


def realization_to_json(r: Realization, path: str | Path | None = None) -> str:
    """The JSON text of ``r``; also written to ``path`` when given."""
    return write_document(realization_to_dict(r), path)


def realization_from_json(source: str | Path) -> Realization:
    """Read a realization from JSON text, or from a file when ``source`` is a path."""
    if isinstance(source, Path) or not source.lstrip().startswith("{"):
        return realization_from_dict(read_document(source), source=str(source))
    try:
        doc = json.loads(source)
    except json.JSONDecodeError as e:
        raise ModelFileError("", f"not valid JSON: {e}") from None
    return realization_from_dict(doc)
