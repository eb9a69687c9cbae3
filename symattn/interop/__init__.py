"""PyTorch in and out: ``from_torch`` reads a trained ``nn.Module`` exactly, ``to_torch`` exports.

Importing this package does not import PyTorch; the two functions import it
when called (install it with ``pip install 'symattn[torch]'``).

* :func:`from_torch` (see :mod:`symattn.interop.torch_in`): known layers map
  to symattn modules, anything else goes through torch.fx
  (:mod:`symattn.interop.fx`); weights become exact binary rationals.
* :func:`to_torch` (see :mod:`symattn.interop.torch_out`): any symattn
  model becomes a float64 ``nn.Module`` that runs its expression graph.

The modules :class:`Sequential`, :class:`ReLU`, :class:`Identity`,
:class:`GraphModel` and :class:`ImportedModel` need no PyTorch.
"""

from __future__ import annotations

from typing import Any

from .graph_model import GraphModel
from .imported import ImportedModel
from ..nn.sequential import Identity, ReLU, Sequential

__all__ = ["from_torch", "to_torch", "Sequential", "ReLU", "Identity", "GraphModel", "ImportedModel"]


def from_torch(module: Any, n: int | None = None, m: int | None = None, **options: Any) -> ImportedModel:
    """The exact symattn model of a PyTorch module; see :func:`symattn.interop.torch_in.from_torch`."""
    from .torch_in import from_torch as _from_torch

    return _from_torch(module, n=n, m=m, **options)


def to_torch(model: Any, **options: Any):
    """A float64 ``torch.nn.Module`` computing ``model``; see :func:`symattn.interop.torch_out.to_torch`."""
    from .torch_out import to_torch as _to_torch

    return _to_torch(model, **options)
