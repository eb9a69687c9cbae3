"""Encoder and decoder blocks, stacks, and the full transformer (MATH.md §2).

Residual placement (``norm=None``):

* encoder block: ``Y = X + MHA(X)``; ``out = Y + φ(Y)``;
* decoder block: ``Y1 = Y + MaskedMHA(Y)``; ``Y2 = Y1 + Cross(Y1, Z)``;
  ``out = Y2 + φ(Y2)``.

With layer norms (``norm`` a :class:`LayerNorm`, used at every position,
or a tuple with one per sub-layer) the placement is PyTorch's: post-norm
``LN(X + f(X))`` by default, pre-norm ``X + f(LN(X))`` with
``norm_first=True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import ShapeError
from ..graph import nodes as N
from ..graph.builder import GraphBuilder
from .base import Module, join
from .feedforward import Linear
from .norms import LayerNorm

__all__ = ["EncoderBlock", "DecoderBlock", "Encoder", "Decoder", "Transformer"]


def _norms(norm, count: int, owner: str) -> tuple[LayerNorm | None, ...]:
    if norm is None:
        return (None,) * count
    if isinstance(norm, LayerNorm):
        return (norm,) * count
    norms = tuple(norm)
    # None entries are allowed: the stored form of a block without some norm, so replace() round-trips
    if len(norms) != count or not all(x is None or isinstance(x, LayerNorm) for x in norms):
        raise TypeError(f"{owner}: norm is None, a LayerNorm or a tuple of {count} LayerNorms (or None)")
    return norms


def _residual(
    b: GraphBuilder, x: int, sublayer: Callable[[int], int], norm: LayerNorm | None,
    norm_first: bool, path: str, norm_path: str, owner: str, residual: str,
) -> int:
    """x + f(x) with an optional layer norm before f (pre-norm) or after the sum.

    ``owner`` (the block's class) and ``residual`` (its formula, such as
    ``X + attn(X)``) name a sum whose shapes do not fit.
    """
    fx = sublayer(norm.build(b, (x,), norm_path) if norm is not None and norm_first else x)
    (r, c), (r2, c2) = b.g.nodes[x][N.SHAPE], b.g.nodes[fx][N.SHAPE]
    if (r, c) != (r2, c2):
        raise ShapeError(path, f"{owner} residual {residual} cannot add {r}×{c} and {r2}×{c2}: "
                               f"the sub-layer gives {c2} features, the residual needs {c}")
    total = b.add(x, fx, path)
    return total if norm is None or norm_first else norm.build(b, (total,), norm_path)


@dataclass(frozen=True)
class EncoderBlock(Module):
    """``Y = X + attention(X)``; ``out = Y + feedforward(Y)``: a cubic spline.

    Sub-module paths: ``attn``, ``ffn``, ``norm1``, ``norm2``.

    >>> from symattn.nn import Attention, FeedForward
    >>> blk = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], [0], [[1]], [0]))
    >>> blk([[1], [-1]])     # α = [1, -1], Y = [2, -2]; out = Y + σ(Y)
    Matrix([
    [ 4],
    [-2]])
    """

    attention: Module
    feedforward: Module
    norm: Any = None
    norm_first: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "norm", _norms(self.norm, 2, "EncoderBlock"))

    def input_features(self) -> dict[str, int]:
        return self.attention.input_features()

    def build(self, b: GraphBuilder, args, path: str) -> int:
        n1, n2 = self.norm
        y = _residual(b, args[0], lambda h: self.attention.build(b, (h,), join(path, "attn")),
                      n1, self.norm_first, path, join(path, "norm1"), "EncoderBlock", "Y = X + attn(X)")
        return _residual(b, y, lambda h: self.feedforward.build(b, (h,), join(path, "ffn")),
                         n2, self.norm_first, path, join(path, "norm2"), "EncoderBlock", "Y + ffn(Y)")


@dataclass(frozen=True)
class DecoderBlock(Module):
    """``Y1 = Y + self_attention(Y)``; ``Y2 = Y1 + cross_attention(Y1, Z)``; ``out = Y2 + φ(Y2)``.

    The paper's decoder uses a causally masked self-attention; pass a
    :class:`MaskedAttention` (or heads of them) for that.  Called as
    ``block(Y, Z)``.  Paths: ``self_attn``, ``cross_attn``, ``ffn``,
    ``norm1`` to ``norm3``.
    """

    self_attention: Module
    cross_attention: Module
    feedforward: Module
    norm: Any = None
    norm_first: bool = False

    input_names = ("y", "z")

    def __post_init__(self) -> None:
        object.__setattr__(self, "norm", _norms(self.norm, 3, "DecoderBlock"))
        if self.cross_attention.input_names != ("y", "z"):
            raise TypeError("DecoderBlock: cross_attention must be a CrossAttention (or heads of them)")

    def input_features(self) -> dict[str, int]:
        return {"y": self.self_attention.input_features()["x"], "z": self.cross_attention.input_features()["z"]}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        y, z = args
        n1, n2, n3 = self.norm
        y = _residual(b, y, lambda h: self.self_attention.build(b, (h,), join(path, "self_attn")),
                      n1, self.norm_first, path, join(path, "norm1"), "DecoderBlock", "Y1 = Y + self_attn(Y)")
        y = _residual(b, y, lambda h: self.cross_attention.build(b, (h, z), join(path, "cross_attn")),
                      n2, self.norm_first, path, join(path, "norm2"), "DecoderBlock",
                      "Y2 = Y1 + cross_attn(Y1, Z)")
        return _residual(b, y, lambda h: self.feedforward.build(b, (h,), join(path, "ffn")),
                         n3, self.norm_first, path, join(path, "norm3"), "DecoderBlock", "Y2 + ffn(Y2)")


def _stack_check(blocks: Sequence[Module], owner: str) -> tuple[Module, ...]:
    blocks = tuple(blocks)
    if not blocks:
        raise ShapeError(owner, "needs at least one block")
    return blocks


@dataclass(frozen=True)
class Encoder(Module):
    """A stack of blocks applied in order; block i is traced under path ``i``.

    Degree ≤ 3^L for L encoder blocks.
    """

    blocks: Sequence[Module]

    root_path = "encoder"

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", _stack_check(self.blocks, "Encoder"))

    def input_features(self) -> dict[str, int]:
        return self.blocks[0].input_features()

    def build(self, b: GraphBuilder, args, path: str) -> int:
        x = args[0]
        for i, blk in enumerate(self.blocks):
            x = blk.build(b, (x,), join(path, str(i)))
        return x


@dataclass(frozen=True)
class Decoder(Module):
    """Decoder blocks applied in order to Y, each attending to the same Z."""

    blocks: Sequence[Module]

    input_names = ("y", "z")
    root_path = "decoder"

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", _stack_check(self.blocks, "Decoder"))

    def input_features(self) -> dict[str, int]:
        return self.blocks[0].input_features()

    def build(self, b: GraphBuilder, args, path: str) -> int:
        y, z = args
        for i, blk in enumerate(self.blocks):
            y = blk.build(b, (y, z), join(path, str(i)))
        return y


@dataclass(frozen=True)
class Transformer(Module):
    """``decoder(Y, encoder(X))``, then an optional final linear map.

    Called as ``transformer(X, Y)``.  ``final`` is a :class:`Linear` or a
    matrix (turned into one).  Paths: ``encoder``, ``decoder``, ``final``.
    """

    encoder: Module
    decoder: Module
    final: Any = None

    input_names = ("x", "y")

    def __post_init__(self) -> None:
        if self.final is not None and not isinstance(self.final, Linear):
            object.__setattr__(self, "final", Linear(self.final))

    def input_features(self) -> dict[str, int]:
        return {"x": self.encoder.input_features()["x"], "y": self.decoder.input_features()["y"]}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        x, y = args
        z = self.encoder.build(b, (x,), join(path, "encoder"))
        out = self.decoder.build(b, (y, z), join(path, "decoder"))
        if self.final is not None:
            out = self.final.build(b, (out,), join(path, "final"))
        return out
