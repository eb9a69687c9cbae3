"""``smooth``: the same architecture with every ReLU replaced by a smooth activation (MATH.md §3).

* ``activation="softmax"``: attention becomes Vaswani et al.'s row-wise
  softmax (masked entries at −∞); feed-forward layers keep their ReLU
  unless ``feedforward="softplus"``.
* ``activation="softplus"``: every ReLU, in attention and in feed-forward
  layers, becomes SoftPlus_β(t) = log(1 + e^{βt})/β, which tends to ReLU
  uniformly: 0 < SoftPlus_β − σ ≤ log 2/β (see :func:`softplus_bound`).

Modules are rebuilt, never mutated: attention heads and feed-forward
layers get a new ``activation`` (and ``beta``), composite modules are
rebuilt around their rebuilt parts with :func:`dataclasses.replace`.
Activations ``"identity"`` (and layer norms) are left as they are.

>>> from symattn.nn import Attention, EncoderBlock, FeedForward
>>> block = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], None, [[1]], None))
>>> soft = smooth(block, "softplus", beta=10)
>>> soft.attention.activation, soft.feedforward.activation, soft.feedforward.beta
('softplus', 'softplus', 10)
>>> smooth(block, "softmax").attention.activation, smooth(block, "softmax").feedforward.activation
('softmax', 'relu')
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import SymattnError, UnsupportedOperationError
from ..nn.attention import _AttentionWeights
from ..nn.base import Module, join
from ..nn.feedforward import FeedForward
from ..nn.sequential import ReLU
from ..weights import exact_scalar

__all__ = ["smooth", "SmoothingError"]


class SmoothingError(SymattnError, ValueError):
    """A model cannot be smoothed as asked; names the module path and the reason."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path or '<model>'}: {reason}")


def smooth(model: Module, activation: str = "softplus", beta: Any = 1, *,
           feedforward: str | None = None) -> Module:
    """``model`` with its ReLUs replaced: see the module docstring.

    ``beta``: the exact positive SoftPlus parameter (ignored by softmax);
    ``feedforward``: ``"relu"`` or ``"softplus"`` for the feed-forward
    layers (default: ``"softplus"`` with softplus, ``"relu"`` with softmax).
    """
    if activation not in ("softmax", "softplus"):
        raise UnsupportedOperationError(f"smooth(activation=): choose 'softmax' or 'softplus', not {activation!r}")
    feedforward = feedforward or ("softplus" if activation == "softplus" else "relu")
    if feedforward not in ("relu", "softplus"):
        raise UnsupportedOperationError(f"smooth(feedforward=): choose 'relu' or 'softplus', not {feedforward!r}")
    beta = exact_scalar(beta, path="smooth(beta)")
    if not (beta.is_Rational and beta > 0):
        raise SmoothingError("smooth(beta)", f"must be a positive rational, got {beta}")
    if not isinstance(model, Module):
        raise TypeError(f"smooth expects a symattn module, got {type(model).__name__}")
    return _rebuild(model, model.root_path, activation, feedforward, beta)


def _rebuild(module: Module, path: str, attention: str, feedforward: str, beta) -> Module:
    if isinstance(module, _AttentionWeights):
        if module.activation != "relu":
            return module
        return dataclasses.replace(module, activation=attention, beta=beta if attention == "softplus" else module.beta)
    if isinstance(module, FeedForward):
        if module.activation != "relu" or feedforward == "relu":
            return module
        return dataclasses.replace(module, activation="softplus", beta=beta)
    if isinstance(module, ReLU):
        raise SmoothingError(path, "a bare ReLU module has no smooth counterpart in symattn.nn; write the layer "
                                   "as a FeedForward to smooth it")
    changes = {}
    for f in dataclasses.fields(module):
        if not f.init:
            continue
        value = getattr(module, f.name)
        if isinstance(value, Module):
            new = _rebuild(value, join(path, f.name), attention, feedforward, beta)
        elif isinstance(value, tuple) and value and all(isinstance(v, Module) for v in value):
            new = tuple(_rebuild(v, join(path, str(k)), attention, feedforward, beta) for k, v in enumerate(value))
        else:
            continue
        if new is not value and new != value:
            changes[f.name] = new
    return dataclasses.replace(module, **changes) if changes else module
