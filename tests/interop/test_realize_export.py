"""Constructed encoders out: realized splines exported with to_torch equal their certificates."""

from __future__ import annotations

import random

import sympy

from symattn.interop import to_torch
from symattn.realize import CPWL, MaxMin, realize

from .support import RTOL, dyadic_matrix, relative_error, torch

x, y = sympy.symbols("x y")


def _check(realization, target, points):
    """The exported module on a batch of one-token inputs against the certificate and the target."""
    net = to_torch(realization)
    batch = torch.tensor([[[float(v) for v in p]] for p in points], dtype=torch.float64)   # (B, 1, N)
    ours = net(batch)[:, 0, 0]
    certificate = [[realization.certificate(*p) for p in points]]
    assert relative_error(ours[None], sympy.Matrix(certificate)) <= RTOL
    assert relative_error(ours[None], sympy.Matrix([[target(*p) for p in points]])) <= RTOL


def test_exported_hat_function_equals_its_certificate():
    hat = MaxMin.from_expr(sympy.Max(0, sympy.Min(x + 1, 1 - x)))
    r = realize(hat)
    points = dyadic_matrix(random.Random(50), 40, 1) + [[-1], [0], [1]]
    _check(r, hat, points)
    net = to_torch(r)
    assert net(torch.tensor([[0.0]])).item() == 1.0 and net(torch.tensor([[-1.0]])).item() == 0.0


def test_exported_two_dimensional_cpwl_equals_its_certificate():
    """|x| − |y|: four quadrant cells, not convex, so the certificate needs max and min."""
    cells = [[x > 0, y > 0], [x < 0, y > 0], [x < 0, y < 0], [x > 0, y < 0]]
    f = CPWL(cells, [x - y, -x - y, -x + y, x + y], [x, y])
    r = realize(f)
    _check(r, f, dyadic_matrix(random.Random(51), 40, 2))
