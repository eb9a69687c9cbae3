"""What the interop tests share: PyTorch (skipped when missing, required under CI) and error measures."""

from __future__ import annotations

import os
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy

if os.environ.get("CI") == "true":
    import torch  # CI installs PyTorch: a missing torch fails there instead of skipping
else:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (pip install 'symattn[torch]'); under CI=true this fails")

#: the agreement the differential tests demand: max |a - b| / max |b|
RTOL = 1e-9


def relative_error(ours, reference) -> float:
    """Norm-wise relative error max|a − b| / max|b| (entrywise ratios blow up near zeros)."""
    a = np.asarray(to_float(ours), dtype=np.float64)
    b = np.asarray(to_float(reference), dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def to_float(value) -> np.ndarray:
    """A float64 array from a torch tensor, a numpy array or an exact sympy matrix (via sympy.N)."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64).numpy()
    if isinstance(value, sympy.MatrixBase):
        return np.array([[float(sympy.N(v, 30)) for v in row] for row in value.tolist()], dtype=np.float64)
    return np.asarray(value, dtype=np.float64)


def dyadic_matrix(rng: random.Random, rows: int, cols: int, denominator: int = 8, bound: int = 3):
    """Rationals k/denominator (exact in float64, so torch and symattn see the same point)."""
    return [[Fraction(rng.randint(-bound * denominator, bound * denominator), denominator) for _ in range(cols)]
            for _ in range(rows)]


def as_tensor(rows) -> "torch.Tensor":
    return torch.tensor([[float(v) for v in row] for row in rows], dtype=torch.float64)
