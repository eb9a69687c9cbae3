"""Composition, entrywise ReLU and identity.

``Sequential`` traces a pipeline as one model (a realization is
``embed → encoder → readout``; a PyTorch ``nn.Sequential`` of layers with
bare ``nn.ReLU`` between them imports as one).  Stage ``k`` is traced under
the path ``names[k]``.

>>> from symattn.nn import Linear
>>> net = Sequential([Linear([[1, -1]]), ReLU(), Linear([[1], [1]])])    # |x|
>>> net([["-5/2"]])
Matrix([[5/2]])
>>> g = net.trace(n=1)
>>> [g.attrs(v)["path"] for v in g.nodes_with_op("relu")]
['1']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import ShapeError
from ..graph.builder import GraphBuilder
from .base import Module, join

__all__ = ["Sequential", "ReLU", "Identity"]


@dataclass(frozen=True)
class ReLU(Module):
    """σ applied entrywise to the token matrix: X ↦ max(0, X).

    ``features`` fixes the width p; leave it None inside a
    :class:`Sequential`, which takes the width from its other layers.

    >>> ReLU(features=2)([[1, -2], ["-1/2", 3]])
    Matrix([
    [1, 0],
    [0, 3]])
    """

    features: int | None = None

    def input_features(self) -> dict[str, int]:
        return {"x": _width(self)}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        return b.relu(args[0], path)


@dataclass(frozen=True)
class Identity(Module):
    """X ↦ X (PyTorch's ``nn.Identity``, and dropout in eval mode).

    >>> Identity(features=1)([[7]])
    Matrix([[7]])
    """

    features: int | None = None

    def input_features(self) -> dict[str, int]:
        return {"x": _width(self)}

    def build(self, b: GraphBuilder, args, path: str) -> int:
        return args[0]


def _width(module: ReLU | Identity) -> int:
    if module.features is None:
        raise ShapeError(type(module).__name__, "has no fixed width; give features= or use it inside a Sequential")
    return module.features


#: layers that keep the width and may leave it open
_WIDTH_PRESERVING = (ReLU, Identity)


@dataclass(frozen=True)
class Sequential(Module):
    """Modules applied in order, each to the previous one's output: f_k ∘ … ∘ f_1.

    ``names`` (default ``"0"``, ``"1"``, … as in PyTorch's ``nn.Sequential``)
    are the stage paths.  Every module takes one input ``X``; a
    :class:`ReLU` or :class:`Identity` without ``features`` takes its width
    from the modules around it.  The spline degree is at most the product of
    the stages' degrees.

    >>> from symattn.nn import Attention
    >>> net = Sequential([Attention([[1]], [[1]], [[1]]), ReLU()])
    >>> net([[1], [-2]])                      # σ of α(X) = [1, -8]
    Matrix([
    [1],
    [0]])
    """

    modules: Sequence[Module]
    names: Sequence[str] | None = None

    def __post_init__(self) -> None:
        modules = tuple(self.modules)
        if not modules:
            raise ShapeError("Sequential", "needs at least one module")
        for i, module in enumerate(modules):
            if not isinstance(module, Module) or tuple(module.input_names) != ("x",):
                raise TypeError(f"Sequential stage {i}: expected a one-input symattn module, got {module!r}")
        names = tuple(str(k) for k in range(len(modules))) if self.names is None else tuple(map(str, self.names))
        if len(names) != len(modules) or len(set(names)) != len(names):
            raise ValueError(f"Sequential needs one distinct name per module, got {names}")
        object.__setattr__(self, "modules", modules)
        object.__setattr__(self, "names", names)

    def input_features(self) -> dict[str, int]:
        for module in self.modules:
            if isinstance(module, _WIDTH_PRESERVING) and module.features is None:
                continue
            return module.input_features()
        raise ShapeError("Sequential", "no stage fixes the input width; give a ReLU or Identity features=")

    def build(self, b: GraphBuilder, args, path: str) -> int:
        x = args[0]
        for name, module in zip(self.names, self.modules):
            x = module.build(b, (x,), join(path, name))
        return x

    def __getitem__(self, name: str) -> Module:
        return self.modules[self.names.index(name)]
