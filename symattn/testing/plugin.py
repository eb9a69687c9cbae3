"""The symattn pytest plugin: seeded exact random points, and a header line.

Registered through the ``pytest11`` entry point ``symattn``, so it is
active wherever symattn is installed.  Fixtures:

* ``symattn_seed``: an integer derived from the test's node id, the same on
  every run;
* ``rational_points``: a callable ``(rows, cols, count=1, spread=3)`` that
  returns ``count`` exact ``rows × cols`` sympy matrices with entries a/q
  (|a/q| ≤ spread, q ∈ {1, 2, 3, 4, 5, 7, 8, 16}), from a generator seeded
  by ``symattn_seed``.

The assertion helpers live in :mod:`symattn.testing`; their failures show
the counterexample exactly and in LaTeX.

A project without the entry point (symattn not installed, only importable)
can register this module from its top-level conftest with
``pytest_plugins = ["symattn.testing.plugin"]``, or, from any conftest,
with :func:`register` in ``pytest_configure``; both are no-ops when the
plugin is already registered.
"""

from __future__ import annotations

import random
import sys
import zlib
from typing import Callable

import pytest
import sympy

__all__ = ["symattn_seed", "rational_points", "register", "seed_for"]


def seed_for(node_id: str) -> int:
    """The seed of a test: CRC-32 of its node id."""
    return zlib.crc32(node_id.encode())


@pytest.fixture
def symattn_seed(request) -> int:
    """A per-test seed, stable across runs (CRC-32 of the node id)."""
    return seed_for(request.node.nodeid)


@pytest.fixture
def rational_points(symattn_seed) -> Callable[..., list[sympy.Matrix]]:
    """``points(rows, cols, count=1, spread=3)``: exact random matrices, seeded per test."""
    rng = random.Random(symattn_seed)

    def points(rows: int, cols: int, count: int = 1, spread: int = 3) -> list[sympy.Matrix]:
        out = []
        for _ in range(count):
            def entry() -> sympy.Rational:
                q = rng.choice((1, 2, 3, 4, 5, 7, 8, 16))
                return sympy.Rational(rng.randint(-spread * q, spread * q), q)
            out.append(sympy.Matrix(rows, cols, lambda i, j: entry()))
        return out

    return points


def pytest_report_header(config) -> str:
    import symattn

    return f"symattn {symattn.__version__}: exact proofs plugin (fixtures rational_points, symattn_seed)"


def register(config) -> bool:
    """Register this plugin with ``config`` unless it already is; True if it registered now."""
    module = sys.modules[__name__]
    if config.pluginmanager.is_registered(module):
        return False
    config.pluginmanager.register(module, "symattn")
    return True
