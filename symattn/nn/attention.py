"""Attention: α(X) = σ(c · X Q Kᵀ Xᵀ) X V, masked, cross and multi-head.

With ``activation="relu"`` these are the cubic splines of the paper; with
``"softmax"`` (row-wise, masked entries at −∞) they are Vaswani et al.'s
attention, a smoothed spline.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any, Sequence

import sympy

from ..errors import ShapeError, WeightError
from ..graph.builder import GraphBuilder
from ..weights import Rationalize
from .base import Module, check_activation, join
from .feedforward import affine, apply_activation

__all__ = ["Attention", "MaskedAttention", "CrossAttention", "MultiHeadAttention", "causal_mask"]


def causal_mask(rows: int, cols: int | None = None) -> tuple[tuple[bool, ...], ...]:
    """Entry (i, j) is kept iff j ≤ i.

    >>> causal_mask(3)
    ((True, False, False), (True, True, False), (True, True, True))
    """
    cols = rows if cols is None else cols
    return tuple(tuple(j <= i for j in range(cols)) for i in range(rows))


def _attend(b: GraphBuilder, head, q_src: int, kv_src: int, path: str) -> int:
    """The common core: act(c · (q_src Q + bq)(kv_src K + bk)ᵀ, masked) (kv_src V + bv)."""
    q = affine(b, q_src, head.Q, head.bq, path)
    k = affine(b, kv_src, head.K, head.bk, path)
    scores = b.scale(b.matmul(q, b.transpose(k, path), path), head.scale, path)
    mask = head.mask_for(*b.g.nodes[scores]["shape"], path)
    if mask is not None:
        fill = 0 if head.activation in ("relu", "identity") else -sympy.oo
        scores = b.mask(scores, mask, fill, path)
    if head.activation == "softmax":
        weights = b.softmax(scores, path)
    else:
        weights = apply_activation(b, scores, head.activation, head.beta, path)
    return b.matmul(weights, affine(b, kv_src, head.V, head.bv, path), path)


@dataclass(frozen=True)
class _AttentionWeights(Module):
    """Weights shared by self- and cross-attention; see :class:`Attention`."""

    Q: Any
    K: Any
    V: Any
    activation: str = "relu"
    mask: Any = None
    scale: Any = 1
    beta: Any = 1
    bq: Any = None
    bk: Any = None
    bv: Any = None
    rationalize: InitVar[Rationalize] = None

    def __post_init__(self, rationalize: Rationalize) -> None:
        name = type(self).__name__
        check_activation(self.activation, name)
        for w in ("Q", "K", "V"):
            self._matrix(w, rationalize)
        for w in ("bq", "bk", "bv"):
            self._matrix(w, rationalize, optional=True, row=True)
        self._scalar("scale", rationalize, algebraic=True)
        if self.scale == 0 or not self.scale.is_real:
            raise WeightError(f"{name}.scale", None, f"must be a nonzero real constant, got {self.scale}")
        self._scalar("beta", rationalize, positive=True)
        if self.Q.cols != self.K.cols:
            raise ShapeError(name, f"Q is {self.Q.rows}×{self.Q.cols} but K is {self.K.rows}×{self.K.cols}")
        for w, m, cols in (("bq", self.bq, self.Q.cols), ("bk", self.bk, self.K.cols), ("bv", self.bv, self.V.cols)):
            if m is not None and m.cols != cols:
                raise ShapeError(name, f"{w} has length {m.cols}, expected {cols}")
        if isinstance(self.mask, str) and self.mask != "causal":
            raise ShapeError(f"{name}.mask", f"a mask is None, 'causal' or a boolean matrix, not {self.mask!r}")
        if self.mask is not None and not isinstance(self.mask, str):
            self._set("mask", _boolean_matrix(self.mask, f"{name}.mask"))

    def mask_for(self, rows: int, cols: int, path: str):
        if self.mask is None:
            return None
        if isinstance(self.mask, str):
            return causal_mask(rows, cols)
        shape = (len(self.mask), len(self.mask[0]))
        if shape != (rows, cols):
            raise ShapeError(path, f"mask of shape {shape[0]}×{shape[1]} for {rows}×{cols} scores")
        return self.mask

    @property
    def out_features(self) -> int:
        return self.V.cols


def _boolean_matrix(value, path: str) -> tuple[tuple[bool, ...], ...]:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, sympy.MatrixBase):
        value = value.tolist()
    try:
        rows = [list(r) for r in value]
    except TypeError:
        raise ShapeError(path, f"a mask is None, 'causal' or a boolean matrix, not {value!r}") from None
    if not rows or len({len(r) for r in rows}) != 1:
        raise ShapeError(path, "a mask must be a non-empty rectangular boolean matrix")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if not isinstance(v, bool) and type(v).__name__ != "bool_" and v not in (0, 1):
                raise WeightError(path, (i, j), f"mask entries are booleans, got {v!r}")
    return tuple(tuple(bool(v) for v in r) for r in rows)


@dataclass(frozen=True)
class Attention(_AttentionWeights):
    """Self-attention α(X) = act(c · X Q Kᵀ Xᵀ ⊙ mask) X V.

    * ``Q``, ``K``: p×d; ``V``: p×q (optional biases ``bq``, ``bk``, ``bv``
      are added to X Q, X K, X V as in PyTorch's in-projection).
    * ``activation``: ``"relu"`` (a cubic spline), ``"softmax"`` (row-wise,
      masked entries at −∞), ``"softplus"`` (with ``beta``) or ``"identity"``.
    * ``mask``: None, ``"causal"`` (entry (i, j) kept iff j ≤ i) or an n×n
      boolean matrix, True meaning kept.  Under ReLU a removed entry
      contributes 0, exactly as if it were not in the sum.
    * ``scale``: a nonzero exact constant c (``sqrt(2)`` is fine); for ReLU
      a positive c moves no wall since σ(c s) = c σ(s).

    >>> a = Attention(Q=[[1]], K=[[1]], V=[[1]])
    >>> a([[1], [-2]])      # row i: Σ_j σ(x_i x_j) x_j
    Matrix([
    [ 1],
    [-8]])
    """

    def input_features(self) -> dict[str, int]:
        if self.K.rows != self.Q.rows or self.V.rows != self.Q.rows:
            raise ShapeError(
                "Attention",
                f"Q, K, V must share the input width: {self.Q.rows}, {self.K.rows}, {self.V.rows}",
            )
        return {"x": self.Q.rows}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        self.input_features()
        return _attend(b, self, args[0], args[0], path)


@dataclass(frozen=True)
class MaskedAttention(Attention):
    """:class:`Attention` whose mask defaults to ``"causal"``: row i sees tokens j ≤ i.

    >>> MaskedAttention([[1]], [[1]], [[1]])([[1], [2]])   # row 0 sees only itself
    Matrix([
    [ 1],
    [10]])
    """

    mask: Any = "causal"


@dataclass(frozen=True)
class CrossAttention(_AttentionWeights):
    """Encoder–decoder attention β(Y, Z) = act(c · Y Q Kᵀ Zᵀ) Z V.

    Y (m×p, decoder side, variables ``y[i,j]``) asks, Z (n×p', the encoder
    output, variables ``z[i,j]`` when traced alone) answers.  ``Q`` is p×d,
    ``K`` is p'×d and ``V`` is p'×q.  Jointly cubic: degree 1 in Y, 2 in Z.

    >>> c = CrossAttention(Q=[[1]], K=[[1]], V=[[1]])
    >>> c([[2]], [[1], [-1]])
    Matrix([[2]])
    """

    input_names = ("y", "z")

    def input_features(self) -> dict[str, int]:
        if self.V.rows != self.K.rows:
            raise ShapeError("CrossAttention", f"K has {self.K.rows} rows but V has {self.V.rows}")
        return {"y": self.Q.rows, "z": self.K.rows}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        self.input_features()
        return _attend(b, self, args[0], args[1], path)


@dataclass(frozen=True)
class MultiHeadAttention(Module):
    """concat_h(head_h(…)) W_O + 1 b_Oᵀ, heads all self- or all cross-attention.

    Without ``W_O`` the heads are simply concatenated.  Head h is traced
    under the path ``head{h}``, the output map under ``out``.

    >>> h = Attention([[1]], [[1]], [[1]])
    >>> MultiHeadAttention([h, h], W_O=[[1], [1]])([[1]])
    Matrix([[2]])
    """

    heads: Sequence[Any]
    W_O: Any = None
    b_O: Any = None
    rationalize: InitVar[Rationalize] = None

    def __post_init__(self, rationalize: Rationalize) -> None:
        heads = tuple(self.heads)
        if not heads:
            raise ShapeError("MultiHeadAttention", "needs at least one head")
        if not all(isinstance(h, _AttentionWeights) for h in heads) or len({h.input_names for h in heads}) != 1:
            raise TypeError("MultiHeadAttention heads must all be self-attention or all CrossAttention")
        self._set("heads", heads)
        self._matrix("W_O", rationalize, optional=True)
        self._matrix("b_O", rationalize, optional=True, row=True)
        width = sum(h.out_features for h in heads)
        if self.W_O is not None and self.W_O.rows != width:
            raise ShapeError("MultiHeadAttention", f"the heads give {width} features but W_O has {self.W_O.rows} rows")
        if self.b_O is not None and self.W_O is None:
            raise ShapeError("MultiHeadAttention", "b_O needs W_O")

    @property
    def input_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.heads[0].input_names

    @property
    def out_features(self) -> int:
        return self.W_O.cols if self.W_O is not None else sum(h.out_features for h in self.heads)

    def input_features(self) -> dict[str, int]:
        feats = [h.input_features() for h in self.heads]
        if any(f != feats[0] for f in feats):
            raise ShapeError("MultiHeadAttention", f"heads expect different input widths: {feats}")
        return feats[0]

    def build(self, b: GraphBuilder, args, path: str) -> int:
        parts = [h.build(b, args, join(path, f"head{i}")) for i, h in enumerate(self.heads)]
        out = b.concat(parts, 1, path)
        if self.W_O is None:
            return out
        return affine(b, out, self.W_O, self.b_O, join(path, "out"))
