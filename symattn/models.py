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


#: the seed and hidden width of the default model's weights
DEFAULT_SEED, DEFAULT_HIDDEN = 12, 3


def default_model() -> EncoderBlock:
    """One encoder block with random integer weights in [−2, 2]: ``random_encoder_block(12, hidden=3)``.

    ``Y = X + σ(X Q Kᵀ Xᵀ) X V``, ``out = Y + σ(Y W1 + 1 b1ᵀ) W2``, with p = 2
    features and 3 hidden units.  The weights are drawn, not picked, and
    show what small integer weights often do: Q Kᵀ = −(1, 2)ᵀ(1, 2) has rank
    one and is negative semidefinite, so with ``u_i = x_{i,0} + 2 x_{i,1}``
    the scores are ``S_ij = −u_i u_j``: a token never attends to itself
    (``S_ii = −u_i² ≤ 0``), and the two tokens attend to each other exactly
    where ``u_0 u_1 < 0``.  Every score is a product of linear forms, which
    the oracle's factoring layer turns into linear sign cases.

    >>> m = default_model()
    >>> m.attention.Q.tolist(), m.attention.K.tolist(), (m.attention.Q * m.attention.K.T).rank()
    ([[1, 0], [2, 0]], [[-1, 1], [-2, 0]], 1)
    """
    return random_encoder_block(DEFAULT_SEED, hidden=DEFAULT_HIDDEN)
