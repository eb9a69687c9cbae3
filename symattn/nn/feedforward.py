"""Affine maps and feed-forward layers: φ(X) = σ(X W1 + 1 b1ᵀ) W2 + 1 b2ᵀ."""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any

from ..graph.builder import GraphBuilder
from ..weights import Rationalize
from .base import Module, check_activation

__all__ = ["Linear", "FeedForward", "apply_activation"]


def apply_activation(b: GraphBuilder, node: int, activation: str, beta, path: str) -> int:
    """Entrywise activation node (``identity`` adds nothing)."""
    if activation == "relu":
        return b.relu(node, path)
    if activation == "softplus":
        return b.softplus(node, beta, path)
    return node


def affine(b: GraphBuilder, x: int, W, bias, path: str) -> int:
    """``X W + 1 biasᵀ`` (no bias node when ``bias`` is None)."""
    out = b.matmul(x, b.weight(W, path), path)
    return out if bias is None else b.bias(out, bias, path)


@dataclass(frozen=True)
class Linear(Module):
    """X ↦ X W + 1 bᵀ, with W of shape p×q and an optional bias of length q.

    >>> Linear([[1, 2]], ["1/2", 0])([[3]])
    Matrix([[7/2, 6]])
    """

    W: Any
    b: Any = None
    rationalize: InitVar[Rationalize] = None

    def __post_init__(self, rationalize: Rationalize) -> None:
        self._matrix("W", rationalize)
        self._matrix("b", rationalize, optional=True, row=True)
        if self.b is not None and self.b.cols != self.W.cols:
            from ..errors import ShapeError

            raise ShapeError("Linear", f"W is {self.W.rows}×{self.W.cols} but b has length {self.b.cols}")

    def input_features(self) -> dict[str, int]:
        return {"x": self.W.rows}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        return affine(b, args[0], self.W, self.b, path)


@dataclass(frozen=True)
class FeedForward(Module):
    """φ(X) = σ(X W1 + 1 b1ᵀ) W2 + 1 b2ᵀ, a spline of degree 1.

    ``W1`` is p×h, ``W2`` is h×q; the biases (length h and q) may be None.
    ``activation`` is ``"relu"`` (default), ``"softplus"`` (with ``beta``)
    or ``"identity"``.

    >>> ffn = FeedForward([[1, -1]], [0, 0], [[1], [1]], [0])  # |x| = σ(x) + σ(-x)
    >>> ffn([[-3]])
    Matrix([[3]])
    """

    W1: Any
    b1: Any
    W2: Any
    b2: Any
    activation: str = "relu"
    beta: Any = 1
    rationalize: InitVar[Rationalize] = None

    def __post_init__(self, rationalize: Rationalize) -> None:
        check_activation(self.activation, "FeedForward", ("relu", "softplus", "identity"))
        self._matrix("W1", rationalize)
        self._matrix("W2", rationalize)
        self._matrix("b1", rationalize, optional=True, row=True)
        self._matrix("b2", rationalize, optional=True, row=True)
        self._scalar("beta", rationalize, positive=True)
        from ..errors import ShapeError

        h = self.W1.cols
        if self.W2.rows != h:
            raise ShapeError("FeedForward", f"W1 is {self.W1.rows}×{h} but W2 is {self.W2.rows}×{self.W2.cols}")
        if self.b1 is not None and self.b1.cols != h:
            raise ShapeError("FeedForward", f"b1 has length {self.b1.cols}, W1 has {h} columns")
        if self.b2 is not None and self.b2.cols != self.W2.cols:
            raise ShapeError("FeedForward", f"b2 has length {self.b2.cols}, W2 has {self.W2.cols} columns")

    @property
    def hidden(self) -> int:
        return self.W1.cols

    def input_features(self) -> dict[str, int]:
        return {"x": self.W1.rows}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        h = affine(b, args[0], self.W1, self.b1, path)
        h = apply_activation(b, h, self.activation, self.beta, path)
        return affine(b, h, self.W2, self.b2, path)
