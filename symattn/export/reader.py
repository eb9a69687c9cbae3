"""Reading a parsed JSON (or TOML) document field by field, naming the path of every error.

A :class:`Field` is a value together with its path in the document
(``model.blocks[1].attention.Q``); every check raises
:class:`ModelFileError` with that path, extended down to the entry that is
wrong (``model.blocks[1].attention.Q[0][2]``).

>>> f = Field({"Q": [[1, "x"]]}, "model")
>>> f.key("Q").matrix({})
Traceback (most recent call last):
...
symattn.export.reader.ModelFileError: model.Q[0][1]: unknown symbol 'x'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import sympy

from ..errors import SymattnError, WeightError
from ..weights import Rationalize, exact_scalar
from .expressions import parse_exact

__all__ = ["ModelFileError", "Field", "FILE_KINDS", "check_header"]

#: every symattn file format: what the file holds, and what reads it
FILE_KINDS = {
    "symattn-model": ("a model file", "`symattn compile` and `symattn info` (load_model)"),
    "symattn-spline": ("a spline file", "Spline.from_json"),
    "symattn-certificate": ("a max–min certificate file", "`symattn realize` (load_certificate)"),
    "symattn-realization": ("a realization file", "realization_from_json"),
}


class ModelFileError(SymattnError, ValueError):
    """A model, spline or certificate file is malformed.

    ``path`` is the field (``model.blocks[1].attention.Q[0][2]``),
    ``reason`` what is wrong with it, ``source`` the file when known.
    """

    def __init__(self, path: str, reason: str, source: str | None = None):
        self.path, self.reason, self.source = path, reason, source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{path or '<document>'}: {reason}")


_MISSING = object()


@dataclass(frozen=True)
class Field:
    """A value of the document and where it is.

    ``new_symbol`` turns an unknown name in an expression into a symbol
    (model files accept undeclared parameters); ``rationalize`` is the rule
    for JSON floats (None: floats are refused).
    """

    value: Any
    path: str
    new_symbol: Callable[[str], sympy.Symbol] | None = None
    rationalize: Rationalize | str = "refuse"

    def fail(self, reason: str) -> ModelFileError:
        return ModelFileError(self.path, reason)

    def _child(self, value: Any, path: str) -> "Field":
        return Field(value, path, self.new_symbol, self.rationalize)

    # -- structure -------------------------------------------------------------
    def object(self, allowed: tuple[str, ...] | None = None) -> dict:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, got {_kind(self.value)}")
        if allowed is not None:
            unknown = [k for k in self.value if k not in allowed]
            if unknown:
                raise self.fail(f"unknown field {unknown[0]!r}; the fields here are {', '.join(allowed)}")
        return self.value

    def has(self, name: str) -> bool:
        return isinstance(self.value, dict) and self.value.get(name) is not None

    def key(self, name: str, default: Any = _MISSING) -> "Field":
        """The field ``name`` (missing or null gives ``default``, or an error without one)."""
        obj = self.object()
        path = f"{self.path}.{name}" if self.path else name
        if obj.get(name) is None:
            if default is _MISSING:
                raise ModelFileError(path, "missing")
            return self._child(default, path)
        return self._child(obj[name], path)

    def items(self) -> Iterator[tuple[str, "Field"]]:
        for name, value in self.object().items():
            yield name, self._child(value, f"{self.path}.{name}")

    def list(self, length: int | None = None) -> list["Field"]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {_kind(self.value)}")
        if length is not None and len(self.value) != length:
            raise self.fail(f"expected {length} entries, got {len(self.value)}")
        return [self._child(v, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    # -- plain values ----------------------------------------------------------
    def string(self, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"expected a string, got {_kind(self.value)}")
        if choices is not None and self.value not in choices:
            raise self.fail(f"{self.value!r} is not one of {', '.join(map(repr, choices))}")
        return self.value

    def integer(self, minimum: int | None = None) -> int:
        if type(self.value) is not int:
            raise self.fail(f"expected an integer, got {_kind(self.value)}")
        if minimum is not None and self.value < minimum:
            raise self.fail(f"must be at least {minimum}, got {self.value}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {_kind(self.value)}")
        return self.value

    # -- exact numbers -----------------------------------------------------------
    def expression(self, symbols: Mapping[str, sympy.Symbol], allow_sqrt: bool = False) -> sympy.Expr:
        """An exact number or polynomial: a JSON integer or a string such as ``"3/4"``."""
        v = self.value
        if isinstance(v, bool):
            raise self.fail(f"{_kind(v)} is not a number")
        if isinstance(v, int):
            return sympy.Integer(v)
        if isinstance(v, float):
            if self.rationalize == "refuse":
                raise self.fail(f"{v!r} is a floating-point number; write exact numbers as strings such as "
                                "\"3/4\" (or set \"rationalize\" at the top of the file)")
            return self.scalar(v, allow_sqrt)
        if not isinstance(v, str):
            raise self.fail(f"expected a number or a string such as \"3/4\", got {_kind(v)}")
        try:
            return parse_exact(v, symbols, self.new_symbol, allow_sqrt=allow_sqrt)
        except ValueError as e:
            raise self.fail(str(e)) from None

    def scalar(self, value: Any, allow_sqrt: bool = False) -> sympy.Expr:
        """``value`` through :func:`symattn.weights.exact_scalar`, errors at this path."""
        try:
            rule = None if self.rationalize == "refuse" else self.rationalize
            return exact_scalar(value, path=self.path, rationalize=rule, allow_algebraic=allow_sqrt)
        except WeightError as e:
            raise self.fail(e.reason) from None

    def weight(self, symbols: Mapping[str, sympy.Symbol], allow_sqrt: bool = False) -> sympy.Expr:
        """An exact weight: a rational, a polynomial in parameters (or, if allowed, an algebraic number)."""
        return self.scalar(self.expression(symbols, allow_sqrt), allow_sqrt)

    def matrix(self, symbols: Mapping[str, sympy.Symbol]) -> sympy.ImmutableMatrix:
        """A non-empty rectangular list of rows of exact weights."""
        rows = self.list()
        if not rows:
            raise self.fail("a matrix needs at least one row")
        entries = [r.list() for r in rows]
        widths = {len(r) for r in entries}
        if len(widths) != 1 or 0 in widths:
            raise self.fail(f"rows must be non-empty and of equal length, got lengths {[len(r) for r in entries]}")
        return sympy.ImmutableMatrix([[e.weight(symbols) for e in row] for row in entries])

    def row(self, symbols: Mapping[str, sympy.Symbol]) -> sympy.ImmutableMatrix:
        """A vector (a flat list of exact weights) as a 1×q row."""
        items = self.list()
        if not items:
            raise self.fail("a vector needs at least one entry")
        return sympy.ImmutableMatrix([[e.weight(symbols) for e in items]])


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "a list", str: "a string", int: "an integer",
            float: "a floating-point number"}.get(type(value), type(value).__name__)


def check_header(root: Field, fmt: str, version: int, allowed: tuple[str, ...]) -> None:
    """Check the ``format`` and ``version`` of a document, then that it has only ``allowed`` fields.

    The format comes first, so a file of another kind says what it is and
    what reads it instead of naming a field it does not expect.

    >>> check_header(Field({"format": "symattn-spline", "version": 1, "pieces": []}, ""),
    ...              "symattn-model", 1, ("model",))
    Traceback (most recent call last):
    ...
    symattn.export.reader.ModelFileError: format: this is a spline file ('symattn-spline'), read by Spline.from_json; expected 'symattn-model', a model file, read by `symattn compile` and `symattn info` (load_model)
    """
    root.object()
    found = root.key("format").string()
    if found != fmt:
        kind, reader = FILE_KINDS[fmt]
        wanted = f"expected {fmt!r}, {kind}, read by {reader}"
        if found in FILE_KINDS:
            other, other_reader = FILE_KINDS[found]
            raise root.key("format").fail(f"this is {other} ({found!r}), read by {other_reader}; {wanted}")
        raise root.key("format").fail(wanted)
    if root.key("version").integer() != version:
        raise root.key("version").fail(f"this symattn reads version {version}")
    root.object(("format", "version") + allowed)
