"""Built-in example models, with small exact weights.

>>> default_model().trace(n=2).shape
(2, 2)
>>> random_encoder_block(3, hidden=3).feedforward.W1.shape
(2, 3)
"""

from __future__ import annotations

import random

from .nn import Attention, EncoderBlock, FeedForward

__all__ = ["default_model", "random_encoder_block", "integer_matrix", "DEFAULT_INPUT"]


def integer_matrix(rng: random.Random, rows: int, cols: int, bound: int) -> list[list[int]]:
    """A ``rows × cols`` matrix of integers drawn uniformly from [−bound, bound], row by row."""
    return [[rng.randint(-bound, bound) for _ in range(cols)] for _ in range(rows)]


def random_encoder_block(seed: int, p: int = 2, hidden: int = 4, bound: int = 2) -> EncoderBlock:
    """An encoder block with integer weights uniform in [−bound, bound], drawn by ``random.Random(seed)``.

    The draw order is fixed: Q, K, V (p × p each), then W1 (p × hidden),
    b1, W2 (hidden × p); there is no output bias.  Such weights are what a
    user who does not pick them gets: low-rank Q Kᵀ, zero columns and shared
    factors are common, and every one of them must compile as it comes.

    >>> random_encoder_block(0).attention.Q.tolist()
    [[1, 1], [-2, 0]]
    """
    rng = random.Random(seed)
    attention = Attention(*(integer_matrix(rng, p, p, bound) for _ in range(3)))
    W1, b1 = integer_matrix(rng, p, hidden, bound), [rng.randint(-bound, bound) for _ in range(hidden)]
    return EncoderBlock(attention, FeedForward(W1, b1, integer_matrix(rng, hidden, p, bound), None))

#: the rational input the demo evaluates at (2 tokens, 2 features)
DEFAULT_INPUT = [["1/2", -1], [2, "1/3"]]


def default_model() -> EncoderBlock:
    """One encoder block: ReLU attention (p = d = q = 2) and an FFN with 4 hidden units.

    ``Y = X + σ(X Q Kᵀ Xᵀ) X V``, ``out = Y + σ(Y W1 + 1 b1ᵀ) W2``.
    """
    attention = Attention(
        Q=[[1, 0], [1, -1]],
        K=[[0, 1], [1, 1]],
        V=[[1, "1/2"], [0, -1]],
    )
    ffn = FeedForward(
        W1=[[1, -1, 0, 2], [1, 1, -1, 0]],
        b1=[0, 1, "1/2", -1],
        W2=[[1, 0], [0, 1], [-1, 1], ["1/2", 0]],
        b2=None,
    )
    return EncoderBlock(attention, ffn)
