"""The benchmark models: random integer weights from fixed seeds (in [-3, 3] unless a case says otherwise)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from symattn import models
from symattn.nn import (Attention, CrossAttention, Decoder, DecoderBlock, Encoder, EncoderBlock, FeedForward,
                        Linear, MaskedAttention, Transformer)

#: the seeds of the random-weight targets: five encoder blocks (weights in [-2, 2], hidden 3 or 4)
#: and five attention layers (p = 3, weights in [-3, 3])
RANDOM_SEEDS = (1, 2, 3, 4, 5)


def integer_matrix(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    return models.integer_matrix(rng, rows, cols, 3)


def random_block(seed: int) -> EncoderBlock:
    """n=2, p=2 encoder block, weights in [-2, 2], hidden 3 (odd seeds) or 4 (even seeds)."""
    return models.random_encoder_block(seed, p=2, hidden=3 + (seed % 2 == 0), bound=2)


def random_transformer(seed: int = 0, p: int = 2) -> Transformer:
    """One ReLU encoder block, one decoder block (causal self-attention, cross attention, FFN with 2
    hidden units) and a final linear map to 2 outputs; weights in [-2, 2]."""
    rng = random.Random(seed)

    def m(rows, cols):
        return models.integer_matrix(rng, rows, cols, 2)

    def ffn():
        return FeedForward(m(p, 2), [rng.randint(-2, 2) for _ in range(2)], m(2, p), None)

    encoder = Encoder([EncoderBlock(Attention(m(p, p), m(p, p), m(p, p)), ffn())])
    decoder = Decoder([DecoderBlock(MaskedAttention(m(p, p), m(p, p), m(p, p)),
                                    CrossAttention(m(p, p), m(p, p), m(p, p)), ffn())])
    return Transformer(encoder, decoder, final=Linear(m(p, 2), [rng.randint(-2, 2) for _ in range(2)]))


def lines_in_general_position(W1, b1) -> bool:
    """Exactly: no zero normal, no two parallel lines, no three through a point."""
    lines = [(W1[0][k], W1[1][k], b1[k]) for k in range(len(b1))]
    if any(a == 0 and b == 0 for a, b, _ in lines):
        return False
    for (a1, b1_, _), (a2, b2, _) in itertools.combinations(lines, 2):
        if a1 * b2 - a2 * b1_ == 0:
            return False
    for l1, l2, l3 in itertools.combinations(lines, 3):
        det = (l1[0] * (l2[1] * l3[2] - l3[1] * l2[2]) - l1[1] * (l2[0] * l3[2] - l3[0] * l2[2])
               + l1[2] * (l2[0] * l3[1] - l3[0] * l2[1]))
        if det == 0:
            return False
    return True


def generic_ffn(inputs: int = 2, hidden: int = 8, seed: int = 0) -> FeedForward:
    """The first seed ≥ ``seed`` whose hidden hyperplanes are in general position."""
    while True:
        rng = random.Random(seed)
        W1, b1 = integer_matrix(rng, inputs, hidden), [rng.randint(-3, 3) for _ in range(hidden)]
        if inputs != 2 or lines_in_general_position(W1, b1):
            return FeedForward(W1, b1, [[rng.randint(1, 3)] for _ in range(hidden)], None)
        seed += 1


def relu_attention(p: int, seed: int = 0) -> Attention:
    rng = random.Random(seed)
    return Attention(integer_matrix(rng, p, p), integer_matrix(rng, p, p), integer_matrix(rng, p, p))


def encoder_block(p: int = 2, hidden: int = 4, seed: int = 0) -> EncoderBlock:
    rng = random.Random(seed)
    ffn = FeedForward(integer_matrix(rng, p, hidden), [rng.randint(-3, 3) for _ in range(hidden)],
                      integer_matrix(rng, hidden, p), None)
    return EncoderBlock(relu_attention(p, seed), ffn)


def encoder(blocks: int, p: int, seed: int = 0) -> Encoder:
    return Encoder([encoder_block(p, 4, seed + k) for k in range(blocks)])


def random_point(rng: random.Random, n: int, p: int) -> list[list[Fraction]]:
    return [[Fraction(rng.randint(-50, 50), rng.randint(1, 20)) for _ in range(p)] for _ in range(n)]
