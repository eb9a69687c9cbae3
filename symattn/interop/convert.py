"""PyTorch tensors to exact matrices.

Every float32, float64, float16 or bfloat16 value is a binary rational, and
by default it becomes exactly that rational (through float64, which holds
the narrower formats exactly).  ``rationalize=`` applies the documented rules
of :mod:`symattn.weights`; ``"decimal"`` takes the shortest decimal that
round-trips *in the tensor's own precision* (float32 ``0.1`` is ``1/10``).
NaN and inf raise :class:`~symattn.errors.WeightError` naming the module path
and the entry in PyTorch's own indexing.

>>> import torch
>>> exact_tensor(torch.tensor([[0.1, -2.0]], dtype=torch.float32), "lin.weight")
Matrix([[13421773/134217728, -2]])
>>> exact_tensor(torch.tensor([0.1], dtype=torch.float32), "lin.bias", rationalize="decimal")
Matrix([[1/10]])
>>> exact_tensor(torch.tensor([[1.0, float("nan")]]), "lin.weight")
Traceback (most recent call last):
...
symattn.errors.WeightError: lin.weight[0, 1]: NaN is not a real number
"""

from __future__ import annotations

import math
from typing import Any

import sympy
import torch

from ..errors import ShapeError, WeightError
from ..weights import Rationalize, exact_matrix, exact_row, exact_scalar

__all__ = ["exact_tensor", "exact_number", "check_finite"]


def check_finite(tensor: torch.Tensor, path: str) -> None:
    """Raise :class:`WeightError` at the first NaN or infinite entry (PyTorch indices)."""
    if not tensor.is_floating_point():
        return
    bad = ~torch.isfinite(tensor.detach())
    if bool(bad.any()):
        index = tuple(int(i) for i in bad.nonzero()[0])
        value = float(tensor.detach()[index])
        raise WeightError(path, index, "NaN is not a real number" if math.isnan(value) else f"{value} is not a finite number")


def _python_values(tensor: torch.Tensor, rationalize: Rationalize) -> Any:
    """Nested lists of Python numbers (or exact decimal strings) with the tensor's values."""
    t = tensor.detach().cpu()
    if t.is_complex():
        raise WeightError("", None, "complex tensor; weights must be real")
    if t.dtype == torch.bool or not t.is_floating_point():
        return t.to(torch.int64).tolist()
    if rationalize == "decimal" and t.dtype != torch.float64:
        # str of a numpy scalar is its shortest round-trip decimal in that precision
        narrow = t.to(torch.float32) if t.dtype == torch.bfloat16 else t
        return _map_nested(narrow.numpy(), str)
    return t.to(torch.float64).tolist()  # exact: float64 holds every narrower float


def _map_nested(array, fn):
    if getattr(array, "ndim", 0) == 0:
        return fn(array[()])
    return [_map_nested(row, fn) for row in array]


def exact_tensor(tensor: torch.Tensor, path: str, rationalize: Rationalize = None) -> sympy.ImmutableMatrix:
    """A 2-D tensor as an exact matrix, a 1-D tensor as a 1×q row, a scalar as 1×1.

    Leading dimensions of size 1 are dropped (a batch of one).
    """
    check_finite(tensor, path)
    while tensor.dim() > 2 and tensor.shape[0] == 1:
        tensor = tensor[0]
    if tensor.dim() > 2:
        raise ShapeError(path, f"expected a matrix, got a tensor of shape {tuple(tensor.shape)}")
    values = _python_values(tensor, rationalize)
    try:
        if tensor.dim() == 2:
            return exact_matrix(values, path=path, rationalize=rationalize)
        if tensor.dim() == 1:
            return exact_row(values, path=path, rationalize=rationalize)
        return sympy.ImmutableMatrix([[exact_scalar(values, path=path, rationalize=rationalize)]])
    except WeightError as e:
        raise WeightError(path, e.index, e.reason) from None


def exact_number(value: Any, path: str, rationalize: Rationalize = None) -> sympy.Expr:
    """A Python number or a one-element tensor, exactly (a scale, an eps, a fill value)."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ShapeError(path, f"expected a single number, got a tensor of shape {tuple(value.shape)}")
        return exact_tensor(value.reshape(()), path, rationalize)[0, 0]
    return exact_scalar(value, path=path, rationalize=rationalize)
