"""Tracing a module into an :class:`~symattn.graph.ExpressionGraph`: the front door.

Each module builds its own nodes (``Module.build``); :meth:`Module.trace`
runs that on a fresh :class:`~symattn.graph.builder.GraphBuilder` and caches
the graph on the (immutable) module.
"""

from __future__ import annotations

from ..graph.graph import ExpressionGraph
from .base import Module

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
    if not isinstance(model, Module):
        raise TypeError(f"trace expects a symattn module, got {type(model).__name__}")
    return model.trace(n=n, m=m)
