"""Tensors to exact weights: float32 and float64 values exactly, rules, NaN/inf, no torch on import."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from symattn import WeightError
from symattn.interop import from_torch

from .support import torch

from symattn.interop.convert import exact_tensor  # noqa: E402  (needs torch)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
def test_every_float_value_converts_to_its_exact_binary_rational(dtype):
    gen = torch.Generator().manual_seed(7)
    t = (torch.randn(4, 3, generator=gen) * 10).to(dtype)
    m = exact_tensor(t, "w")
    for i in range(4):
        for j in range(3):
            value = t[i, j].item()  # a Python float holds every value of these formats exactly
            assert Fraction(int(m[i, j].p), int(m[i, j].q)) == Fraction(value)
            assert m[i, j].q & (m[i, j].q - 1) == 0  # a power of two


def test_float32_is_not_rounded_through_decimal():
    one_tenth = exact_tensor(torch.tensor([0.1], dtype=torch.float32), "b")[0, 0]
    assert one_tenth == sympy.Rational(13421773, 2 ** 27)
    assert one_tenth == sympy.Rational(*np.float32(0.1).as_integer_ratio())


def test_decimal_rule_uses_the_tensors_own_precision():
    t = torch.tensor([0.1, 1e-5, -2.5], dtype=torch.float32)
    assert list(exact_tensor(t, "b", rationalize="decimal")) == [sympy.Rational(1, 10), sympy.Rational(1, 100000),
                                                                  sympy.Rational(-5, 2)]
    t64 = torch.tensor([0.1], dtype=torch.float64)
    assert exact_tensor(t64, "b", rationalize="decimal")[0, 0] == sympy.Rational(1, 10)


def test_denominator_rule_applies():
    t = torch.tensor([[0.333333]], dtype=torch.float32)
    assert exact_tensor(t, "w", rationalize=10)[0, 0] == sympy.Rational(1, 3)


@pytest.mark.parametrize("bad, reason", [(float("nan"), "NaN"), (float("inf"), "inf"), (float("-inf"), "-inf")])
def test_nan_and_inf_name_the_module_path_and_entry(bad, reason):
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    with torch.no_grad():
        net[2].weight[0, 1] = bad
    with pytest.raises(WeightError) as err:
        from_torch(net)
    assert err.value.path == "Sequential.2.weight"
    assert err.value.index == (0, 1)
    assert reason in str(err.value)


def test_nan_in_an_attention_projection_names_it():
    layer = torch.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)
    with torch.no_grad():
        layer.self_attn.in_proj_weight[5, 2] = float("nan")
    with pytest.raises(WeightError, match=r"TransformerEncoderLayer\.self_attn\.in_proj_weight\[5, 2\]: NaN"):
        from_torch(layer)
