"""``Sequential``: modules applied one after another, traced as one model.

A realization is ``embed → encoder → readout``; wrapping the three in one
module lets :func:`symattn.compile`, ``trace`` and the interpreters see the
whole pipeline.  Stage ``k`` is traced under the path ``names[k]``.

>>> from symattn.nn import Linear, FeedForward
>>> m = Sequential([Linear([[1, -1]]), FeedForward([[1, 0], [0, 1]], None, [[1], [1]], None)],
...                names=["split", "abs"])
>>> m([[-3]])                      # σ(x) + σ(-x) = |x|
Matrix([[3]])
>>> sorted({m.trace(n=1).attrs(v)["path"] for v in m.trace(n=1).order} - {""})
['abs', 'split']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..graph.builder import GraphBuilder
from ..nn.base import Module, join

__all__ = ["Sequential"]


@dataclass(frozen=True)
class Sequential(Module):
    """``modules[-1](… modules[1](modules[0](X)))`` on one input ``x``.

    ``names`` (default ``"0"``, ``"1"``, …) are the stage paths.
    """

    modules: Sequence[Module]
    names: Sequence[str] | None = None

    def __post_init__(self) -> None:
        modules = tuple(self.modules)
        if not modules or not all(isinstance(m, Module) and m.input_names == ("x",) for m in modules):
            raise TypeError("Sequential takes a non-empty list of single-input symattn modules")
        names = tuple(str(k) for k in range(len(modules))) if self.names is None else tuple(self.names)
        if len(names) != len(modules) or len(set(names)) != len(names):
            raise ValueError(f"Sequential needs one distinct name per module, got {names}")
        object.__setattr__(self, "modules", modules)
        object.__setattr__(self, "names", names)

    def input_features(self) -> dict[str, int]:
        return self.modules[0].input_features()

    def build(self, b: GraphBuilder, args, path: str) -> int:
        x = args[0]
        for name, module in zip(self.names, self.modules):
            x = module.build(b, (x,), join(path, name))
        return x

    def __getitem__(self, name: str) -> Module:
        return self.modules[self.names.index(name)]
