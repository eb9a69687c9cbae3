"""The benchmark models: random integer weights in [-3, 3] from fixed seeds."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from symattn.nn import Attention, Encoder, EncoderBlock, FeedForward


def integer_matrix(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    return [[rng.randint(-3, 3) for _ in range(cols)] for _ in range(rows)]


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
