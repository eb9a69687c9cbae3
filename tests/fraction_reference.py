"""An exact reference for every component, from MATH.md §2, in plain ``fractions.Fraction``.

Matrices are lists of rows of Fractions.  The reference reads a module's
weights (converted entry by entry to Fractions) and nothing else of the
package: no graph, no interpreter, no sympy arithmetic.  Each formula is the
one in MATH.md's table:

* feed-forward φ(X) = σ(X W1 + 1 b1ᵀ) W2 + 1 b2ᵀ, linear X W + 1 bᵀ;
* attention α(X) = σ(c · (X Q + bq)(X K + bk)ᵀ ⊙ mask)(X V + bv), a removed
  entry contributing 0; masked attention keeps (i, j) iff j ≤ i; cross
  attention β(Y, Z) takes queries from Y and keys and values from Z;
* multi-head: the heads side by side, then W_O (+ b_O);
* encoder block Y = X + A(X), out = Y + φ(Y); decoder block
  Y1 = Y + A(Y), Y2 = Y1 + C(Y1, Z), out = Y2 + φ(Y2); stacks compose;
  transformer(X, Y) = final(decoder(Y, encoder(X))).

It also draws random models of every component, with random masks and
biases, and random rational points for them (:func:`random_case`).

>>> from symattn.nn import Attention
>>> evaluate(Attention([[1]], [[1]], [[1]]), [[Fraction(1)], [Fraction(-2)]])
[[Fraction(1, 1)], [Fraction(-8, 1)]]
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, Callable

from symattn.nn import (Attention, CrossAttention, Decoder, DecoderBlock, Encoder, EncoderBlock, FeedForward,
                        Linear, MaskedAttention, MultiHeadAttention, Transformer)

Matrix = list[list[Fraction]]

__all__ = ["evaluate", "random_case", "KINDS", "as_fractions"]


# -- exact matrix arithmetic ------------------------------------------------------------
def fraction(entry: Any) -> Fraction:
    """A weight entry (a sympy Rational) as a Fraction, through its numerator and denominator."""
    return Fraction(int(entry.p), int(entry.q))


def as_fractions(weights) -> Matrix | None:
    """A weight matrix of the package as rows of Fractions (None stays None)."""
    if weights is None:
        return None
    return [[fraction(weights[i, j]) for j in range(weights.cols)] for i in range(weights.rows)]


def product(A: Matrix, B: Matrix) -> Matrix:
    inner = len(B)
    assert all(len(row) == inner for row in A), "inner sizes differ"
    return [[sum((row[k] * B[k][j] for k in range(inner)), Fraction(0)) for j in range(len(B[0]))] for row in A]


def plus(A: Matrix, B: Matrix) -> Matrix:
    assert len(A) == len(B) and len(A[0]) == len(B[0]), "a residual adds equal shapes"
    return [[a + b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def affine(X: Matrix, W, bias) -> Matrix:
    """X W + 1 biasᵀ."""
    out = product(X, as_fractions(W))
    if bias is None:
        return out
    (b,) = as_fractions(bias)
    return [[v + c for v, c in zip(row, b)] for row in out]


def activate(name: str, t: Fraction) -> Fraction:
    if name == "relu":
        return t if t > 0 else Fraction(0)
    assert name == "identity", name
    return t


# -- the components ---------------------------------------------------------------------
def kept(head, i: int, j: int) -> bool:
    """Whether score (i, j) survives the head's mask."""
    if head.mask is None:
        return True
    if head.mask == "causal":
        return j <= i
    return bool(head.mask[i][j])


def attend(head, asking: Matrix, answering: Matrix) -> Matrix:
    """act(c · (asking Q + bq)(answering K + bk)ᵀ ⊙ mask)(answering V + bv)."""
    queries = affine(asking, head.Q, head.bq)
    keys = affine(answering, head.K, head.bk)
    values = affine(answering, head.V, head.bv)
    c = fraction(head.scale)
    weights = [[activate(head.activation, c * sum((a * b for a, b in zip(q, k)), Fraction(0)))
                if kept(head, i, j) else Fraction(0)
                for j, k in enumerate(keys)] for i, q in enumerate(queries)]
    return product(weights, values)


def heads_side_by_side(module, *inputs: Matrix) -> Matrix:
    parts = [evaluate(head, *inputs) for head in module.heads]
    joined = [sum((part[i] for part in parts), []) for i in range(len(parts[0]))]
    return joined if module.W_O is None else affine(joined, module.W_O, module.b_O)


def feedforward(module, X: Matrix) -> Matrix:
    hidden = [[activate(module.activation, t) for t in row] for row in affine(X, module.W1, module.b1)]
    return affine(hidden, module.W2, module.b2)


def encoder_block(block, X: Matrix) -> Matrix:
    assert all(norm is None for norm in block.norm)
    Y = plus(X, evaluate(block.attention, X))
    return plus(Y, evaluate(block.feedforward, Y))


def decoder_block(block, Y: Matrix, Z: Matrix) -> Matrix:
    assert all(norm is None for norm in block.norm)
    Y1 = plus(Y, evaluate(block.self_attention, Y))
    Y2 = plus(Y1, evaluate(block.cross_attention, Y1, Z))
    return plus(Y2, evaluate(block.feedforward, Y2))


def stack(blocks, first: Matrix, *rest: Matrix) -> Matrix:
    for block in blocks:
        first = evaluate(block, first, *rest)
    return first


def transformer(model, X: Matrix, Y: Matrix) -> Matrix:
    out = evaluate(model.decoder, Y, evaluate(model.encoder, X))
    return out if model.final is None else evaluate(model.final, out)


RULES: dict[type, Callable[..., Matrix]] = {
    Linear: lambda m, X: affine(X, m.W, m.b),
    FeedForward: feedforward,
    Attention: lambda m, X: attend(m, X, X),
    MaskedAttention: lambda m, X: attend(m, X, X),
    CrossAttention: lambda m, Y, Z: attend(m, Y, Z),
    MultiHeadAttention: heads_side_by_side,
    EncoderBlock: encoder_block,
    DecoderBlock: decoder_block,
    Encoder: lambda m, X: stack(m.blocks, X),
    Decoder: lambda m, Y, Z: stack(m.blocks, Y, Z),
    Transformer: transformer,
}


def evaluate(module, *inputs: Matrix) -> Matrix:
    """The exact output of ``module`` on ``inputs`` (in call order), by the formulas above."""
    return RULES[type(module)](module, *inputs)


# -- random models and points ---------------------------------------------------------------
def entry(rng: random.Random) -> Fraction:
    """A small exact weight; zero one time in four, so walls and dead units occur."""
    return Fraction(rng.randint(-3, 3), rng.choice((1, 1, 2, 3)))


def weights(rng: random.Random, rows: int, cols: int) -> Matrix:
    return [[entry(rng) for _ in range(cols)] for _ in range(rows)]


def maybe_row(rng: random.Random, length: int, chance: float = 0.3):
    return weights(rng, 1, length)[0] if rng.random() < chance else None


def point(rng: random.Random, rows: int, cols: int) -> Matrix:
    """A random rational input; denominators up to 5 and an integer now and then."""
    return [[Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(cols)] for _ in range(rows)]


def random_mask(rng: random.Random, rows: int, cols: int):
    choice = rng.random()
    if choice < 0.5:
        return None
    if choice < 0.8:
        return "causal"
    return [[rng.random() < 0.6 for _ in range(cols)] for _ in range(rows)]


def random_head(rng: random.Random, asking: int, answering: int, width: int, tokens: tuple[int, int],
                cls=Attention):
    """One attention head: queries from ``asking`` features, keys and values from ``answering``."""
    d = rng.randint(1, 2)
    extra: dict[str, Any] = dict(bq=maybe_row(rng, d), bk=maybe_row(rng, d), bv=maybe_row(rng, width),
                                 scale=rng.choice((1, 1, Fraction(1, 2), 2, -1)),
                                 activation="relu" if rng.random() < 0.9 else "identity")
    if cls is not MaskedAttention:
        extra["mask"] = random_mask(rng, *tokens)
    return cls(weights(rng, asking, d), weights(rng, answering, d), weights(rng, answering, width), **extra)


def random_attention(rng, p: int, n: int, cls=None):
    """A self-attention sub-layer of width p: one head, or several heads with an output map."""
    cls = cls or rng.choice((Attention, MaskedAttention))
    if rng.random() < 0.6:
        return random_head(rng, p, p, p, (n, n), cls)
    count = rng.randint(1, 2)
    heads = [random_head(rng, p, p, rng.randint(1, 2), (n, n), cls) for _ in range(count)]
    width = sum(h.V.cols for h in heads)
    return MultiHeadAttention(heads, W_O=weights(rng, width, p), b_O=maybe_row(rng, p))


def random_cross(rng, p_dec: int, p_enc: int, m: int, n: int):
    if rng.random() < 0.6:
        return random_head(rng, p_dec, p_enc, p_dec, (m, n), CrossAttention)
    heads = [random_head(rng, p_dec, p_enc, 1, (m, n), CrossAttention) for _ in range(rng.randint(1, 2))]
    return MultiHeadAttention(heads, W_O=weights(rng, len(heads), p_dec))


def random_feedforward(rng, p: int, out: int | None = None):
    hidden = rng.randint(1, 3)
    out = p if out is None else out
    return FeedForward(weights(rng, p, hidden), maybe_row(rng, hidden, 0.6), weights(rng, hidden, out),
                       maybe_row(rng, out, 0.4), activation="relu" if rng.random() < 0.9 else "identity")


def random_encoder_block(rng, p: int, n: int):
    return EncoderBlock(random_attention(rng, p, n), random_feedforward(rng, p))


def random_decoder_block(rng, p_dec: int, p_enc: int, m: int, n: int):
    return DecoderBlock(random_attention(rng, p_dec, m, MaskedAttention if rng.random() < 0.7 else Attention),
                        random_cross(rng, p_dec, p_enc, m, n), random_feedforward(rng, p_dec))


def _sizes(rng):
    return rng.randint(1, 2), rng.randint(1, 2), rng.randint(1, 3), rng.randint(1, 3)  # p, p', n, m


def _linear(rng):
    p, q, n, _ = _sizes(rng)
    return Linear(weights(rng, p, q), maybe_row(rng, q, 0.5)), (point(rng, n, p),)


def _feedforward(rng):
    p, q, n, _ = _sizes(rng)
    return random_feedforward(rng, p, q), (point(rng, n, p),)


def _self_attention(cls):
    def build(rng):
        p, q, n, _ = _sizes(rng)
        return random_head(rng, p, p, q, (n, n), cls), (point(rng, n, p),)
    return build


def _cross(rng):
    p, p_enc, n, m = _sizes(rng)
    return random_head(rng, p, p_enc, rng.randint(1, 2), (m, n), CrossAttention), (point(rng, m, p),
                                                                                 point(rng, n, p_enc))


def _multihead(rng):
    p, _, n, m = _sizes(rng)
    if rng.random() < 0.5:
        return random_attention(rng, p, n), (point(rng, n, p),)
    heads = [random_head(rng, p, 2, 1, (m, n), CrossAttention) for _ in range(rng.randint(1, 3))]
    return MultiHeadAttention(heads), (point(rng, m, p), point(rng, n, 2))


def _encoder_block(rng):
    p, _, n, _ = _sizes(rng)
    return random_encoder_block(rng, p, n), (point(rng, n, p),)


def _decoder_block(rng):
    p, p_enc, n, m = _sizes(rng)
    return random_decoder_block(rng, p, p_enc, m, n), (point(rng, m, p), point(rng, n, p_enc))


def _encoder(rng):
    p, _, n, _ = _sizes(rng)
    return Encoder([random_encoder_block(rng, p, n) for _ in range(rng.randint(1, 3))]), (point(rng, n, p),)


def _decoder(rng):
    p, p_enc, n, m = _sizes(rng)
    blocks = [random_decoder_block(rng, p, p_enc, m, n) for _ in range(rng.randint(1, 2))]
    return Decoder(blocks), (point(rng, m, p), point(rng, n, p_enc))


def _transformer(rng):
    p_enc, p_dec, n, m = _sizes(rng)
    encoder = Encoder([random_encoder_block(rng, p_enc, n) for _ in range(rng.randint(1, 2))])
    decoder = Decoder([random_decoder_block(rng, p_dec, p_enc, m, n) for _ in range(rng.randint(1, 2))])
    final = weights(rng, p_dec, rng.randint(1, 2)) if rng.random() < 0.5 else None
    return Transformer(encoder, decoder, final), (point(rng, n, p_enc), point(rng, m, p_dec))


#: every component, with a factory ``rng -> (model, inputs)``
KINDS: dict[str, Callable[[random.Random], tuple[Any, tuple[Matrix, ...]]]] = {
    "Linear": _linear,
    "FeedForward": _feedforward,
    "Attention": _self_attention(Attention),
    "MaskedAttention": _self_attention(MaskedAttention),
    "CrossAttention": _cross,
    "MultiHeadAttention": _multihead,
    "EncoderBlock": _encoder_block,
    "DecoderBlock": _decoder_block,
    "Encoder": _encoder,
    "Decoder": _decoder,
    "Transformer": _transformer,
}


def random_case(kind: str, seed: int):
    """``(model, inputs)``: a random model of this component and a random rational point for it."""
    return KINDS[kind](random.Random(f"{kind}:{seed}"))


def more_points(rng: random.Random, inputs: tuple[Matrix, ...]) -> tuple[Matrix, ...]:
    """Another random point of the same shapes."""
    return tuple(point(rng, len(X), len(X[0])) for X in inputs)
