"""The result of ``from_torch``: a symattn model that remembers where it came from.

An :class:`ImportedModel` behaves exactly like the module it wraps (same
inputs, paths and graph) and adds a ``description``: which PyTorch module it
was, how it was read, and every way in which it differs from the PyTorch
forward pass (for example layer norms dropped for spline analysis).

>>> from symattn.nn import Linear
>>> m = ImportedModel(Linear([[2]]), source="nn.Linear(1, 1, bias=False)", notes=("exact binary weights",))
>>> m([[3]])
Matrix([[6]])
>>> m
<ImportedModel from nn.Linear(1, 1, bias=False) as Linear; exact binary weights>
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph.builder import GraphBuilder
from ..nn.base import Module

__all__ = ["ImportedModel"]


@dataclass(frozen=True)
class ImportedModel(Module):
    """``model`` (the symattn module) with its PyTorch ``source`` and ``notes``."""

    model: Module
    source: str
    notes: tuple[str, ...] = ()

    @property
    def input_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.model.input_names)

    @property
    def root_path(self) -> str:  # type: ignore[override]
        return self.model.root_path

    @property
    def description(self) -> str:
        """One paragraph: the source, the symattn counterpart and every note."""
        return "; ".join([f"from {self.source} as {type(self.model).__name__}", *self.notes])

    def tokens(self, n: int | None, m: int | None) -> dict[str, int]:
        return self.model.tokens(n, m)

    def input_features(self) -> dict[str, int]:
        return self.model.input_features()

    def build(self, b: GraphBuilder, args, path: str) -> int:
        return self.model.build(b, args, path)

    def __repr__(self) -> str:
        return f"<ImportedModel {self.description}>"

    __str__ = __repr__
