"""The symattn model file: an architecture with exact weights, as JSON (or TOML).

Format, version 1::

    {
      "format": "symattn-model",
      "version": 1,
      "n": 2,                        # optional: encoder tokens to trace with
      "m": null,                     # optional: decoder tokens
      "parameters": ["q"],           # the symbolic weights (or {"q": {"positive": true}})
      "rationalize": "decimal",      # optional: accept JSON floats by this rule
      "model": {"type": "EncoderBlock",
                "attention": {"type": "Attention", "Q": [[1, 0], [1, -1]], ...},
                "feedforward": {"type": "FeedForward", "W1": ..., "b1": [0, 1, "1/2", -1], ...}}
    }

Every module is an object whose ``type`` is the class name in
:mod:`symattn.nn` and whose other fields are the constructor's (see
``SCHEMA``); fields left out take the constructor's defaults.  Numbers are
exact: JSON integers, or strings such as ``"3/4"``, ``"-0.25"`` (an exact
decimal) or, for parameters, ``"2*q + 1/3"``; an attention ``scale`` may
also be ``"sqrt(2)"``.  JSON floats are refused unless ``rationalize`` is
``"decimal"`` (shortest decimal) or ``"exact"`` (the binary value).  Every
parameter is declared under ``parameters``, as a list of names
(``["q", "r"]``) or with assumptions (``{"q": {"positive": true}}``); an
undeclared name, and a constant such as ``"nan"``, ``"inf"``, ``"pi"`` or
``"I"``, is refused.  A ``.toml`` file with the same fields (no nulls:
leave optional fields out) is read too.

A malformed file raises :class:`~symattn.export.reader.ModelFileError`
naming the field, e.g. ``model.blocks[1].attention.Q[0][2]``.

>>> from symattn.models import default_model
>>> doc = model_to_dict(default_model(), n=2)
>>> doc["model"]["attention"]
{'type': 'Attention', 'Q': [[1, 0], [2, 0]], 'K': [[-1, 1], [-2, 0]], 'V': [[1, 0], [1, 2]]}
>>> model_from_dict(doc).model == default_model()
True
>>> doc["model"]["attention"]["Q"][0][1] = "1/0"
>>> model_from_dict(doc)
Traceback (most recent call last):
...
symattn.export.reader.ModelFileError: model.attention.Q[0][1]: division is only by a nonzero number
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any, Mapping

import sympy

from ..errors import SymattnError
from ..nn import (Attention, CrossAttention, Decoder, DecoderBlock, Encoder, EncoderBlock, FeedForward,
                  Identity, LayerNorm, Linear, MaskedAttention, MultiHeadAttention, ReLU, Sequential,
                  Transformer)
from ..nn.base import ACTIVATIONS, Module
from .jsontext import dumps
from ..latex_names import INDEXED
from .reader import Field, ModelFileError, check_header

__all__ = ["ModelDocument", "SCHEMA", "model_to_dict", "module_to_dict", "model_from_dict", "save_model", "load_model", "read_model",
           "read_document", "model_field", "parameters_field", "parameters_to_dict", "FORMAT", "VERSION"]

FORMAT = "symattn-model"
VERSION = 1

# field kinds
MATRIX, ROW, WEIGHT, ALGEBRAIC, ACTIVATION, MASK, MODULE, MODULES, NORM, BOOL, NAMES, COUNT = (
    "matrix", "row", "weight", "algebraic", "activation", "mask", "module", "modules", "norm", "bool", "names",
    "count")

_ATTENTION = (("Q", MATRIX), ("K", MATRIX), ("V", MATRIX), ("activation", ACTIVATION), ("mask", MASK),
              ("scale", ALGEBRAIC), ("beta", WEIGHT), ("bq", ROW), ("bk", ROW), ("bv", ROW))

#: module type -> (class, ((field, kind), ...)); every module of symattn.nn
SCHEMA: dict[str, tuple[type, tuple[tuple[str, str], ...]]] = {
    "Linear": (Linear, (("W", MATRIX), ("b", ROW))),
    "FeedForward": (FeedForward, (("W1", MATRIX), ("b1", ROW), ("W2", MATRIX), ("b2", ROW),
                                  ("activation", ACTIVATION), ("beta", WEIGHT))),
    "Attention": (Attention, _ATTENTION),
    "MaskedAttention": (MaskedAttention, _ATTENTION),
    "CrossAttention": (CrossAttention, _ATTENTION),
    "MultiHeadAttention": (MultiHeadAttention, (("heads", MODULES), ("W_O", MATRIX), ("b_O", ROW))),
    "LayerNorm": (LayerNorm, (("eps", WEIGHT), ("gamma", ROW), ("beta", ROW))),
    "EncoderBlock": (EncoderBlock, (("attention", MODULE), ("feedforward", MODULE), ("norm", NORM),
                                    ("norm_first", BOOL))),
    "DecoderBlock": (DecoderBlock, (("self_attention", MODULE), ("cross_attention", MODULE),
                                    ("feedforward", MODULE), ("norm", NORM), ("norm_first", BOOL))),
    "Encoder": (Encoder, (("blocks", MODULES),)),
    "Decoder": (Decoder, (("blocks", MODULES),)),
    "Transformer": (Transformer, (("encoder", MODULE), ("decoder", MODULE), ("final", MODULE))),
    "Sequential": (Sequential, (("modules", MODULES), ("names", NAMES))),
    "ReLU": (ReLU, (("features", COUNT),)),
    "Identity": (Identity, (("features", COUNT),)),
}

#: constructor arguments without a default that a file may leave out (as None)
_OPTIONAL = {"b1", "b2"}

#: assumptions a parameter may declare
ASSUMPTIONS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer", "rational")


@dataclass(frozen=True)
class ModelDocument:
    """A model read from a file, with the token counts the file gives (or None)."""

    model: Module
    n: int | None = None
    m: int | None = None


# -- writing ------------------------------------------------------------------------
def _number(e: sympy.Expr) -> int | str:
    if e.is_Integer and abs(int(e)) < 2**53:
        return int(e)
    return sympy.sstr(e)


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == MATRIX:
        return [[_number(e) for e in value.row(i)] for i in range(value.rows)]
    if kind == ROW:
        return [_number(e) for e in value]
    if kind in (WEIGHT, ALGEBRAIC):
        return _number(sympy.sympify(value))
    if kind == MASK:
        return value if isinstance(value, str) else [list(map(bool, row)) for row in value]
    if kind == NAMES:
        return list(value)
    if kind == MODULE:
        return module_to_dict(value)
    if kind == MODULES:
        return [module_to_dict(v) for v in value]
    if kind == NORM:
        norms = tuple(value) if isinstance(value, tuple) else (value,)
        if all(n is None for n in norms):
            return None
        if all(n is norms[0] for n in norms):
            return module_to_dict(norms[0])
        return [module_to_dict(n) for n in norms]
    return value


def module_to_dict(module: Module) -> dict:
    name = type(module).__name__
    if name not in SCHEMA or SCHEMA[name][0] is not type(module):
        raise SymattnError(f"{name} is not a module type the model file knows ({', '.join(SCHEMA)})")
    defaults = {f.name: f.default for f in fields(module) if f.default is not MISSING}
    out: dict[str, Any] = {"type": name}
    for field_name, kind in SCHEMA[name][1]:
        encoded = _encode(kind, getattr(module, field_name))
        if field_name in defaults and encoded == _encode(kind, defaults[field_name]):
            continue
        if encoded is not None:
            out[field_name] = encoded
    return out


def parameters_to_dict(parameters) -> dict[str, dict[str, bool]]:
    """``{name: assumptions}`` for the given parameter symbols."""
    return {p.name: {k: v for k, v in p._assumptions_orig.items() if k in ASSUMPTIONS}
            for p in sorted(parameters, key=str)}


def model_to_dict(model: Module, n: int | None = None, m: int | None = None) -> dict:
    """The model file document of ``model`` (``n``/``m`` recorded when given)."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if n is not None:
        doc["n"] = n
    if m is not None:
        doc["m"] = m
    if model.parameters:
        doc["parameters"] = parameters_to_dict(model.parameters)
    doc["model"] = module_to_dict(model)
    return doc


def save_model(model: Module, path: str | Path, n: int | None = None, m: int | None = None) -> Path:
    """Write ``model`` as a JSON model file; returns the path."""
    path = Path(path)
    path.write_text(dumps(model_to_dict(model, n, m)) + "\n", encoding="utf-8")
    return path


# -- reading ------------------------------------------------------------------------
def read_document(path: str | Path) -> Any:
    """The parsed content of a ``.json`` or ``.toml`` file, errors as :class:`ModelFileError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ModelFileError("", f"cannot read the file: {e.strerror or e}", str(path)) from None
    try:
        if path.suffix.lower() == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise ModelFileError("", f"not valid {'TOML' if path.suffix.lower() == '.toml' else 'JSON'}: {e}",
                             str(path)) from None


#: names that read as constants elsewhere (sympy, Python, IEEE floats); none is an exact rational
CONSTANT_NAMES = {
    "nan": "is NaN, not a number",
    "inf": "is infinite, not a finite number",
    "infinity": "is infinite, not a finite number",
    "oo": "is infinity (sympy's oo), not a finite number",
    "zoo": "is complex infinity (sympy's zoo), not a finite number",
    "I": "is the imaginary unit, not a real number",
    "E": "is Euler's number e, which is irrational",
    "pi": "is π, which is irrational",
}


def _constant_reason(name: str) -> str | None:
    """Why ``name`` cannot stand for a weight, when it names a constant (NaN and inf in any case)."""
    return CONSTANT_NAMES.get(name.lower() if name.lower() in ("nan", "inf", "infinity") else name)


def _declared_name(f: Field) -> str:
    """A declared parameter's name: an identifier that is neither a constant nor an input variable's name."""
    name = f.string()
    reason = _constant_reason(name)
    if reason is not None:
        raise f.fail(f"{name!r} {reason}; it cannot be a parameter's name")
    if not name.isidentifier():
        raise f.fail(f"{name!r} is not a name; parameter names are identifiers such as 'q' or 'w_1'")
    return name


def parameters_field(doc: Field) -> dict[str, sympy.Symbol]:
    """The declared parameters (``["q"]``, or ``{"q": {"positive": true}}`` with assumptions) as symbols.

    Every symbol a weight uses must be declared here.

    >>> parameters_field(Field({"parameters": ["a", "b"]}, ""))
    {'a': a, 'b': b}
    >>> parameters_field(Field({"parameters": {"pi": {}}}, ""))
    Traceback (most recent call last):
    ...
    symattn.export.reader.ModelFileError: parameters.pi: 'pi' is π, which is irrational; it cannot be a parameter's name
    """
    if not doc.has("parameters"):
        return {}
    declared = doc.key("parameters")
    if isinstance(declared.value, list):
        return {name: sympy.Symbol(name) for name in map(_declared_name, declared.list())}
    out = {}
    for name, spec in declared.items():
        _declared_name(Field(name, spec.path))
        spec.object(ASSUMPTIONS)
        assumptions = {k: f.boolean() for k, f in spec.items()}
        out[name] = sympy.Symbol(name, **assumptions)
    return out


def parameter_symbol(name: str) -> sympy.Symbol:
    """A name in a weight that the file did not declare: refused, with the reason.

    Constants (``nan``, ``inf``, ``oo``, ``zoo``, ``I``, ``E``, ``pi``) are
    not exact rationals; an input variable's name is not a weight; any other
    name must be declared under ``"parameters"``.

    >>> parameter_symbol("q")
    Traceback (most recent call last):
    ...
    ValueError: 'q' is not a declared parameter; declare it at the top of the file: "parameters": ["q"]
    """
    reason = _constant_reason(name)
    if reason is not None:
        raise ValueError(f"{name!r} {reason}; a weight is an exact rational such as '3/4' "
                         "(or a polynomial in declared parameters)")
    if INDEXED.match(name):
        raise ValueError(f"{name!r} is an input variable's name; a weight may only use parameters")
    raise ValueError(f"{name!r} is not a declared parameter; declare it at the top of the file: "
                     f"\"parameters\": [\"{name}\"]")


def _decode(kind: str, f: Field, symbols: Mapping[str, sympy.Symbol]) -> Any:
    if kind == MATRIX:
        return f.matrix(symbols)
    if kind == ROW:
        return f.row(symbols)
    if kind in (WEIGHT, ALGEBRAIC):
        return f.weight(symbols, allow_sqrt=kind == ALGEBRAIC)
    if kind == ACTIVATION:
        return f.string(ACTIVATIONS)
    if kind == BOOL:
        return f.boolean()
    if kind == NAMES:
        return [item.string() for item in f.list()]
    if kind == COUNT:
        if f.value is None:
            return None
        if not isinstance(f.value, int) or isinstance(f.value, bool) or f.value < 1:
            raise f.fail(f"expected a positive whole number, got {f.value!r}")
        return f.value
    if kind == MASK:
        if isinstance(f.value, str):
            return f.string(("causal",))
        return [[cell.boolean() for cell in row.list()] for row in f.list()]
    if kind == MODULE:
        return model_field(f, symbols)
    if kind == MODULES:
        return [model_field(item, symbols) for item in f.list()]
    if kind == NORM:
        if isinstance(f.value, list):
            return tuple(model_field(item, symbols) for item in f.list())
        return model_field(f, symbols)
    raise AssertionError(kind)


def model_field(f: Field, symbols: Mapping[str, sympy.Symbol]) -> Module:
    """The module described by the object ``f`` (recursively)."""
    name = f.key("type").string(tuple(SCHEMA))
    cls, schema = SCHEMA[name]
    f.object(("type",) + tuple(k for k, _ in schema))
    required = {x.name for x in fields(cls) if x.default is MISSING and x.default_factory is MISSING}
    kwargs = {k: _decode(kind, f.key(k), symbols) for k, kind in schema if f.has(k) or k in required - _OPTIONAL}
    if name == "FeedForward":  # its biases are positional; absent means none
        kwargs.setdefault("b1", None)
        kwargs.setdefault("b2", None)
    try:
        module = cls(**kwargs)
        width_free = (isinstance(module, LayerNorm) and module.gamma is None) or (
            isinstance(module, (ReLU, Identity)) and module.features is None)
        if not width_free:  # a width-free layer takes its width from its neighbours
            module.input_features()  # checks that the weights fit together
    except (SymattnError, TypeError, ValueError) as e:
        text = str(e)  # errors raised by a module itself already start with its name
        raise f.fail(text if text.startswith((f"{name}:", f"{name}.", f"{name}[")) else f"{name}: {text}") from None
    return module


def model_from_dict(doc: Any, source: str | None = None) -> ModelDocument:
    """Read a model document (the parsed JSON); see the module docstring for the format."""
    root = Field(doc, "")
    try:
        check_header(root, FORMAT, VERSION, ("n", "m", "parameters", "rationalize", "model"))
        rule = root.key("rationalize").string(("decimal", "exact")) if root.has("rationalize") else "refuse"
        symbols = parameters_field(root)
        model_doc = Field(root.key("model").value, "model", new_symbol=parameter_symbol, rationalize=rule)
        model = model_field(model_doc, symbols)
        n = root.key("n").integer(1) if root.has("n") else None
        m = root.key("m").integer(1) if root.has("m") else None
    except ModelFileError as e:
        raise ModelFileError(e.path, e.reason, source) from None
    return ModelDocument(model, n, m)


def read_model(path: str | Path) -> ModelDocument:
    """Read a ``.json`` or ``.toml`` model file: the module and the token counts the file gives."""
    return model_from_dict(read_document(path), source=str(path))


def load_model(path: str | Path) -> Module:
    """The module of a ``.json`` or ``.toml`` model file.

    The file's token counts stay with it as ``module.file_tokens``
    (``{"n": 3, "m": None}``), and tracing or compiling the module without
    ``n=``/``m=`` uses them; :func:`read_model` gives the whole document.
    """
    doc = read_model(path)
    object.__setattr__(doc.model, "file_tokens", {"n": doc.n, "m": doc.m})
    return doc.model
