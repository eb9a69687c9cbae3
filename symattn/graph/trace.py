"""Tracing a module into an :class:`ExpressionGraph`."""

from __future__ import annotations

from .builder import GraphBuilder
from .graph import ExpressionGraph

__all__ = ["trace"]


def trace(model, n: int | None = None, m: int | None = None) -> ExpressionGraph:
    """Trace ``model`` for ``n`` encoder tokens (and ``m`` decoder tokens).

    The result is cached on the (immutable) model.  Input variables are named
    ``x[i,j]`` (encoder tokens), ``y[i,j]`` (decoder tokens) and ``z[i,j]``
    (the encoder output fed to a stand-alone decoder), 0-based.

    >>> from symattn.nn import Attention
    >>> g = trace(Attention([[1]], [[1]], [[1]]), n=2)
    >>> g.shape, g.variables
    ((2, 1), (x[0,0], x[1,0]))
    """
    from ..nn.base import Module

    if not isinstance(model, Module):
        raise TypeError(f"trace expects a symattn module, got {type(model).__name__}")
    counts = model.tokens(n, m)
    for name, rows in counts.items():
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
            raise ValueError(f"the number of tokens for {name} must be a positive int, got {rows!r}")
    cache = model.__dict__.setdefault("_traces", {})
    key = tuple(sorted(counts.items()))
    if key not in cache:
        b = GraphBuilder()
        features = model.input_features()
        args = tuple(b.input(name, (counts[name], features[name])) for name in model.input_names)
        out = model.build(b, args, model.root_path)
        cache[key] = b.finish(out, model=model)
    return cache[key]
