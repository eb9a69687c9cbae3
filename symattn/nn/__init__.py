"""Transformer modules with exact weights (MATH.md §2)."""

from .attention import Attention, CrossAttention, MaskedAttention, MultiHeadAttention, causal_mask
from .base import Module
from .blocks import Decoder, DecoderBlock, Encoder, EncoderBlock, Transformer
from .feedforward import FeedForward, Linear
from .norms import LayerNorm
from .sequential import Identity, ReLU, Sequential
from .trace import trace

__all__ = [
    "Module", "Linear", "FeedForward", "Attention", "MaskedAttention", "CrossAttention",
    "MultiHeadAttention", "LayerNorm", "EncoderBlock", "DecoderBlock", "Encoder", "Decoder",
    "Transformer", "Sequential", "ReLU", "Identity", "causal_mask", "trace",
]
