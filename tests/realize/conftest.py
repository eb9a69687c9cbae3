"""Fixtures of the realize tests: fixed-seed randomness and the (costlier) network case, built once."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from symattn.realize.examples import generic_ffn, realized_example


@pytest.fixture
def rng() -> random.Random:
    """A fixed-seed generator: every run draws the same 'random' points."""
    return random.Random(20250707)


_BUILT: dict[str, SimpleNamespace] = {}


def built_example(name: str) -> SimpleNamespace:
    """The named example realized and verified once per session, with timings."""
    if name not in _BUILT:
        _BUILT[name] = realized_example(name)
    return _BUILT[name]


@pytest.fixture(scope="session")
def ffn_case() -> SimpleNamespace:
    """The generic network R² → 6 → R, its compiled spline, certificate, realization and proof."""
    case = built_example("ffn_cpwl")
    return SimpleNamespace(ffn=generic_ffn(), spline=case.target, certificate=case.realization.certificate,
                           realization=case.realization, proof=case.proof)
