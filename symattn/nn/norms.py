"""Layer normalisation: not a spline, but every interpreter evaluates it."""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any

from ..errors import ShapeError
from ..graph.builder import GraphBuilder
from ..weights import Rationalize
from .base import Module

__all__ = ["LayerNorm"]


@dataclass(frozen=True)
class LayerNorm(Module):
    """Each token row r ↦ (r − mean r) / √(var r + eps) ⊙ gamma + beta.

    The variance is the population one (divide by p), as in PyTorch.
    ``gamma`` and ``beta`` are optional rows of length p (default 1 and 0);
    without them the module works for any width.  ``compile`` refuses a
    graph with a layer norm (:class:`~symattn.errors.NotASplineError`).

    >>> LayerNorm(eps=0, gamma=[1, 1], beta=[0, "1/2"])([[1, 3]])
    Matrix([[-1, 3/2]])
    """

    eps: Any = "1/100000"
    gamma: Any = None
    beta: Any = None
    rationalize: InitVar[Rationalize] = None

    def __post_init__(self, rationalize: Rationalize) -> None:
        self._scalar("eps", rationalize)
        if not (self.eps.is_number and self.eps >= 0):
            from ..errors import WeightError

            raise WeightError("LayerNorm.eps", None, f"must be a non-negative constant, got {self.eps}")
        self._matrix("gamma", rationalize, optional=True, row=True)
        self._matrix("beta", rationalize, optional=True, row=True)
        if (self.gamma is None) != (self.beta is None):
            raise ShapeError("LayerNorm", "give both gamma and beta, or neither")
        if self.gamma is not None and self.gamma.cols != self.beta.cols:
            raise ShapeError("LayerNorm", f"gamma has length {self.gamma.cols}, beta {self.beta.cols}")

    def input_features(self) -> dict[str, int]:
        if self.gamma is None:
            raise ShapeError("LayerNorm", "a LayerNorm without gamma has no fixed width; trace it inside a block")
        return {"x": self.gamma.cols}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        if self.gamma is None:
            return b.layernorm(args[0], self.eps, path)
        return b.layernorm(args[0], self.eps, path, b.weight(self.gamma, path), b.weight(self.beta, path))
