"""Built-in example models, with small exact weights.

>>> default_model().trace(n=2).shape
(2, 2)
"""

from __future__ import annotations

from .nn import Attention, EncoderBlock, FeedForward

__all__ = ["default_model", "DEFAULT_INPUT"]

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
