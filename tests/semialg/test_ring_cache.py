"""Rings with equal generators are one ring: the variable/parameter split must not be silently overwritten."""

from __future__ import annotations

import pytest
import sympy

from symattn.semialg.poly import polynomial_ring, ring_parameters, ring_variables


def test_two_splits_of_the_same_generators_are_not_confused():
    a, b, c = sympy.symbols("ring_cache_a ring_cache_b ring_cache_c")
    split = polynomial_ring((a, b), (c,))
    assert ring_variables(split) == (a, b) and ring_parameters(split) == (c,)
    flat = polynomial_ring((a, b, c))
    assert flat == split                 # sympy: one ring for one tuple of generators
    with pytest.raises(ValueError, match="different splits"):
        ring_variables(split)            # before: (a, b, c), the later split overwrote the earlier one
    with pytest.raises(ValueError, match="different splits"):
        ring_parameters(flat)


def test_one_split_is_remembered_and_repeats_are_harmless():
    u, v = sympy.symbols("ring_cache_u ring_cache_v")
    R = polynomial_ring((u,), (v,))
    assert polynomial_ring([u], [v]) is R
    assert ring_variables(R) == (u,) and ring_parameters(R) == (v,)
