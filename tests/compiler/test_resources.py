"""Sizes that cannot fit are refused before allocating; sizes that can are scaled to fit."""

from __future__ import annotations

import time
import tracemalloc

import pytest

import symattn
from symattn import Budget
from symattn.compiler.resources import MEMORY_LIMIT, MIN_POOL, estimate_cost, plan_pool
from symattn.errors import InputError, ResourceError
from symattn.nn import Attention, FeedForward
from symattn.semialg.pool import SamplePool
from symattn.semialg.poly import polynomial_ring
from symattn.graph.graph import input_symbols

ATTENTION = Attention([[1]], [[1]], [[1]])


def attention_entries(n: int) -> int:
    """Scalar entries of the traced 1-feature attention, counted by hand from its formula.

    x (n×1), the shared weight (1×1), X W (n×1, one node for Q, K and V), its
    transpose (1×n), the scores and their ReLU (n×n each), the output (n×1).
    """
    return n + 1 + n + n + n * n + n * n + n


def walk_estimate(n: int) -> int:
    """Every entry a one-term polynomial in n variables; the n² ReLU entries decided one by one on a branch.

    The estimate's terms, written out for this model: 8n + 400 bytes per entry,
    24 bytes per ReLU entry and level of the branch, a 400-byte frame per level.
    """
    relu = n * n
    return attention_entries(n) * (8 * n + 400) + 24 * relu * relu + 400 * relu


@pytest.mark.parametrize("n", [1, 7, 300, 3000])
def test_the_estimate_counts_the_graph_entries(n):
    cost = estimate_cost(ATTENTION.trace(n=n))
    assert (cost.variables, cost.relu_entries, cost.entries) == (n, n * n, attention_entries(n))


def test_three_thousand_tokens_are_refused_at_once_saying_what_fits():
    tracemalloc.start()
    start = time.monotonic()
    with pytest.raises(ResourceError) as info:
        symattn.compile(ATTENTION, n=3000, budget=20)
    elapsed = time.monotonic() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 5 and peak < 50 * 2**20           # nothing large was allocated
    # the largest n whose lower bound fits next to the smallest pool, found by hand
    fits = max(n for n in range(1, 1000) if walk_estimate(n) + MIN_POOL * n * 24 <= MEMORY_LIMIT)
    assert fits == 81
    message = str(info.value)
    assert message.startswith("Attention at n=3000: the case split needs about")
    assert f"n ≤ {fits} fits" in message and "memory limit is 1 GiB" in message
    assert info.value.needed == walk_estimate(3000) and info.value.limit == MEMORY_LIMIT


def test_the_default_pool_is_scaled_down_to_the_memory_limit():
    memory = 8 * 2**20                                   # the default pool alone would be 40 MiB
    tracemalloc.start()
    spline = symattn.compile(ATTENTION, n=20, budget=Budget(regions=1, memory=memory), progress=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert spline.stats["samples"] == memory // 4 // (20 * 24)    # a quarter of the limit
    assert peak < memory and len(spline) == 1


def test_an_explicit_pool_that_cannot_fit_is_refused_not_scaled():
    cost = estimate_cost(ATTENTION.trace(n=40))
    room = (MEMORY_LIMIT - walk_estimate(40)) // (40 * 24)
    assert plan_pool(cost, samples=room) == room
    with pytest.raises(ResourceError, match=f"at most {room:,} points fit"):
        plan_pool(cost, samples=room + 1)


def test_a_huge_pool_is_refused_before_it_is_allocated():
    ring = polynomial_ring(tuple(input_symbols("x", 3000, 1)))
    tracemalloc.start()
    with pytest.raises(ResourceError, match="at most 44,739 points fit"):
        SamplePool.random(ring, 262_144)
    assert tracemalloc.get_traced_memory()[1] < 10 * 2**20
    tracemalloc.stop()
    with pytest.raises(InputError, match="positive whole number of points"):
        SamplePool.random(ring, 0)


def test_small_models_keep_their_full_pool():
    net = FeedForward([[1, -1]], [0, 1], [[1], [-2]], None)
    spline = symattn.compile(net, n=1)
    assert spline.stats["samples"] == 2048 * 2 ** 1 and spline.complete


@pytest.mark.parametrize("budget, reason", [
    (-5, "seconds must be a number ≥ 0, got -5.0"),
    (float("nan"), "seconds must be a number ≥ 0, got nan"),
    ("soon", "is seconds (a number ≥ 0) or a Budget, got 'soon'"),
    (True, "is seconds (a number ≥ 0) or a Budget, got True"),
    (Budget, None),
])
def test_a_negative_or_meaningless_budget_is_refused(budget, reason):
    if budget is Budget:
        for kwargs, why in ((dict(seconds=-1), "seconds must be a number ≥ 0, got -1"),
                            (dict(regions=-2), "regions must be a whole number ≥ 0, got -2"),
                            (dict(regions=1.5), "regions must be a whole number ≥ 0, got 1.5"),
                            (dict(memory=0), "memory must be a whole number of bytes ≥ 1, got 0")):
            with pytest.raises(InputError) as info:
                Budget(**kwargs)
            assert (info.value.where, info.value.reason) == ("budget", why)
        return
    with pytest.raises(InputError) as info:
        symattn.compile(ATTENTION, n=2, budget=budget)
    assert (info.value.where, info.value.reason) == ("budget", reason)


def test_a_zero_budget_still_means_stop_at_once():
    spline = symattn.compile(ATTENTION, n=2, budget=0, progress=False)
    assert not spline.complete and len(spline.pieces) == 0 and spline.undecided
