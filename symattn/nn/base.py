"""The base class of symattn modules: immutable, exact, traceable, callable."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar, Mapping

import sympy

from ..errors import ShapeError, UnsupportedOperationError
from ..graph.builder import GraphBuilder, freeze
from ..graph.graph import ExpressionGraph
from ..weights import Rationalize, exact_matrix, exact_row, exact_scalar
from ..printable import Printable

__all__ = ["Module", "ACTIVATIONS", "check_activation", "join"]

#: activation names modules accept; ``softmax`` only inside attention
ACTIVATIONS = ("relu", "softmax", "softplus", "identity")


def join(prefix: str, name: str) -> str:
    """Module paths are dotted: ``join("encoder", "1") == "encoder.1"``."""
    return f"{prefix}.{name}" if prefix else name


def check_activation(activation: str, path: str, allowed: tuple[str, ...] = ACTIVATIONS) -> str:
    if activation not in allowed:
        raise UnsupportedOperationError(
            f"{path}: activation {activation!r} is not supported here; choose one of {allowed}"
        )
    return activation


class Module(Printable):
    """An immutable model component with exact weights.

    Subclasses are frozen dataclasses.  They declare ``input_names`` (which
    inputs the call takes: ``("x",)`` for self-attention models,
    ``("y", "z")`` for decoder-side models whose ``z`` is the encoder
    output, ``("x", "y")`` for a full transformer) and implement

    * ``input_features() -> dict[str, int]``: the feature count per input;
    * ``build(b, args, path) -> node``: add the module's nodes to a
      :class:`~symattn.graph.builder.GraphBuilder`.

    Token counts: inputs ``x`` and ``z`` have ``n`` rows, ``y`` has ``m``.
    """

    input_names: ClassVar[tuple[str, ...]] = ("x",)
    #: the path prefix when this module is traced on its own
    root_path: ClassVar[str] = ""

    # -- to implement ------------------------------------------------------
    def input_features(self) -> dict[str, int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def build(self, b: GraphBuilder, args: tuple[int, ...], path: str) -> int:  # pragma: no cover
        raise NotImplementedError

    # -- weight conversion for subclasses ---------------------------------
    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _matrix(self, name: str, rationalize: Rationalize, optional: bool = False, row: bool = False) -> None:
        value = getattr(self, name)
        if value is None and optional:
            return
        path = f"{type(self).__name__}.{name}"
        convert = exact_row if row else exact_matrix
        self._set(name, convert(value, path=path, rationalize=rationalize))

    def _scalar(self, name: str, rationalize: Rationalize, positive: bool = False, algebraic: bool = False) -> None:
        path = f"{type(self).__name__}.{name}"
        value = exact_scalar(getattr(self, name), path=path, rationalize=rationalize, allow_algebraic=algebraic)
        if positive and not (value.is_number and value > 0):
            from ..errors import WeightError

            raise WeightError(path, None, f"must be a positive constant, got {value}")
        self._set(name, value)

    # -- public API --------------------------------------------------------
    def tokens(self, n: int | None, m: int | None) -> dict[str, int]:
        """Rows per input; a count not given comes from the model file the module was loaded from."""
        given = self.__dict__.get("file_tokens", {})
        n = given.get("n") if n is None else n
        m = given.get("m") if m is None else m
        counts = {"x": n, "z": n, "y": m}
        out = {}
        for name in self.input_names:
            if counts[name] is None:
                raise ValueError(
                    f"{type(self).__name__} needs {'m' if name == 'y' else 'n'} "
                    f"(the number of {'decoder' if name == 'y' else 'encoder'} tokens) to trace"
                )
            out[name] = counts[name]
        return out

    def trace(self, n: int | None = None, m: int | None = None) -> ExpressionGraph:
        """Trace into an :class:`ExpressionGraph` for ``n`` (and ``m``) tokens (cached, read-only:
        see :func:`~symattn.graph.builder.freeze`)."""
        counts = self.tokens(n, m)
        for name, rows in counts.items():
            if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
                raise ValueError(f"the number of tokens for {name} must be a positive int, got {rows!r}")
        cache = self.__dict__.setdefault("_traces", {})
        key = tuple(sorted(counts.items()))
        if key not in cache:
            b = GraphBuilder()
            features = self.input_features()
            args = tuple(b.input(name, (counts[name], features[name])) for name in self.input_names)
            out = self.build(b, args, self.root_path)
            cache[key] = freeze(b.finish(out, model=self))  # shared: read-only
        return cache[key]

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Symbolic parameters among the weights, sorted by name."""
        found: set[sympy.Symbol] = set()
        for f in fields(self):
            value = getattr(self, f.name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, Module):
                    found |= set(item.parameters)
                elif isinstance(item, sympy.Basic):
                    found |= item.free_symbols
        return tuple(sorted(found, key=str))

    def _graph_for(self, inputs: tuple[Any, ...]) -> tuple[ExpressionGraph, dict[str, Any]]:
        if len(inputs) != len(self.input_names):
            raise TypeError(
                f"{type(self).__name__} takes {len(self.input_names)} input(s) "
                f"({', '.join(n.upper() for n in self.input_names)}), got {len(inputs)}"
            )
        mats = {
            name: exact_matrix(value, path=f"input {name.upper()}")
            for name, value in zip(self.input_names, inputs)
        }
        rows = {name: m.rows for name, m in mats.items()}
        n = rows.get("x", rows.get("z"))
        if "x" in rows and "z" in rows and rows["x"] != rows["z"]:
            raise ShapeError("", "x and z must have the same number of tokens")
        graph = self.trace(n=n, m=rows.get("y"))
        for name, mat in mats.items():
            want = graph.input_shape(name)
            if mat.shape != want:
                raise ShapeError("", f"input {name.upper()} has shape {mat.shape}, the model needs {want}")
        return graph, mats

    def __call__(self, *inputs: Any) -> sympy.Matrix:
        """Exact evaluation: ``model(X)``, ``cross(Y, Z)``, ``transformer(X, Y)``."""
        return self.evaluate(*inputs, mode="exact")

    def evaluate(self, *inputs: Any, mode: str = "exact", params: Mapping | None = None):
        """Evaluate with one of the interpreters: ``"exact"``, ``"float"`` or ``"symbolic"``.

        ``params`` gives values to symbolic parameters (required for floats).
        """
        from ..interpret import interpreter_for

        return interpreter_for(mode, params=params).run(*self._graph_for(inputs))

    def symbolic(self, n: int | None = None, m: int | None = None) -> sympy.Matrix:
        """The output as expressions in the input variables, ReLU unevaluated."""
        from ..interpret import SymbolicInterpreter

        return SymbolicInterpreter().run(self.trace(n=n, m=m))
