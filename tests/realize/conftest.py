"""Fixtures of the realize tests: fixed-seed randomness and the (costlier) network case, built once."""

from __future__ import annotations

import random
import time
from types import SimpleNamespace

import pytest

from symattn.realize import realize
from symattn.realize.examples import EXAMPLES, generic_ffn


@pytest.fixture
def rng() -> random.Random:
    """A fixed-seed generator: every run draws the same 'random' points."""
    return random.Random(20250707)


_BUILT: dict[str, SimpleNamespace] = {}


def built_example(name: str) -> SimpleNamespace:
    """The named example realized and verified once per session, with timings."""
    if name not in _BUILT:
        target = EXAMPLES[name]()
        t = time.perf_counter()
        r = realize(target)
        realize_s = time.perf_counter() - t
        t = time.perf_counter()
        proof = r.verify()
        _BUILT[name] = SimpleNamespace(name=name, target=target, realization=r, proof=proof,
                                       realize_seconds=realize_s, verify_seconds=time.perf_counter() - t)
    return _BUILT[name]


@pytest.fixture(scope="session")
def ffn_case() -> SimpleNamespace:
    """The generic network R² → 6 → R, its compiled spline, certificate, realization and proof."""
    case = built_example("ffn_cpwl")
    return SimpleNamespace(ffn=generic_ffn(), spline=case.target, certificate=case.realization.certificate,
                           realization=case.realization, proof=case.proof)
