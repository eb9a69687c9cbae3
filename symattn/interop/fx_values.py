"""The values the torch.fx importer passes between rules (see :mod:`symattn.interop.fx`)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["Data", "Const", "Unmodelled", "SHAPE_ONLY", "Unsupported", "matrix_dims", "last_two"]


@dataclass(frozen=True)
class Data:
    """A value on the data path: a symattn node and PyTorch's shape for it."""

    node: int
    shape: torch.Size


@dataclass(frozen=True)
class Const:
    """A constant tensor from the fx graph, with the name that errors report."""

    value: torch.Tensor
    name: str


@dataclass(frozen=True)
class Unmodelled:
    """A module output symattn does not model (attention weights); an error only if used."""

    reason: str


class _ShapeOnly:
    """Marks a data-dependent node whose value is only a shape (an int, a torch.Size)."""


SHAPE_ONLY = _ShapeOnly()


class Unsupported(Exception):
    """Raised inside a rule; turned into UnsupportedOperationError with the node's location."""


def matrix_dims(shape: torch.Size, what: str) -> tuple[int, int]:
    """The token matrix (rows, cols) of a PyTorch shape (n, p) or (1, …, 1, n, p)."""
    if len(shape) < 2:
        raise Unsupported(f"{what} has shape {tuple(shape)}; only token matrices (n, p) or (1, n, p) are modelled")
    if any(d != 1 for d in shape[:-2]):
        raise Unsupported(f"{what} has shape {tuple(shape)}: leading dimensions other than a batch of 1 "
                          "(such as heads split into their own dimension) are not modelled")
    return int(shape[-2]), int(shape[-1])


def last_two(dims, rank: int) -> set[int]:
    """Dimension indices made non-negative, as a set (``{-2, -1}`` of rank 3 is ``{1, 2}``)."""
    return {d % rank for d in dims}
