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


def held(n: int) -> int:
    """The certain part: every entry a one-term polynomial, 8n + 400 bytes in n variables."""
    return attention_entries(n) * (8 * n + 400)


def walk_estimate(n: int) -> int:
    """The estimate: also 24 bytes per ReLU entry and level of a branch, a 400-byte frame per level."""
    relu = n * n
    return held(n) + 24 * relu * relu + 400 * relu


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
    fits = max(n for n in range(1, 1000) if held(n) + MIN_POOL * n * 24 <= MEMORY_LIMIT)
    assert fits == 389
    message = str(info.value)
    assert message.startswith("Attention at n=3000: its 18,012,001 polynomial entries in 3,000 variables "
                              "need at least 409 GiB")
    assert f"n ≤ {fits} fits" in message and "memory limit is 1 GiB" in message
    assert info.value.needed == held(3000) and info.value.limit == MEMORY_LIMIT


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
    room = (MEMORY_LIMIT - held(40)) // (40 * 24)
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


def test_the_default_pool_leaves_room_for_the_estimated_walk():
    cost = estimate_cost(ATTENTION.trace(n=80))
    assert cost.walk_bytes == walk_estimate(80) and cost.held_bytes == held(80)
    assert plan_pool(cost) == (MEMORY_LIMIT - walk_estimate(80)) // (80 * 24) < MEMORY_LIMIT // 4 // (80 * 24)
    assert plan_pool(estimate_cost(ATTENTION.trace(n=200))) == MIN_POOL   # the estimate alone is over


def test_the_compile_stops_when_resident_memory_grows_past_the_limit(monkeypatch):
    from symattn.compiler import limits

    model = Attention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]])
    complete = symattn.compile(model, n=3, progress=False)
    grown = iter(range(0, 10**15, 2**30))               # one more GiB at every reading
    monkeypatch.setattr(limits, "resident_bytes", lambda: next(grown))
    spline = symattn.compile(model, n=3, budget=Budget(memory=2**20), progress=False)
    assert complete.complete and not spline.complete and spline.stats["exhausted"]
    assert {u.reason for u in spline.undecided} <= {"not explored: budget exhausted",
                                                   "not decided: budget exhausted"}
    assert 0 < len(spline) < len(complete)


def test_the_memory_watch_reads_this_process():
    from symattn.compiler.limits import MemoryWatch, resident_bytes

    before = resident_bytes()
    assert before is None or before > 10 * 2**20                  # this interpreter, numpy and sympy
    watch = MemoryWatch(4 * 2**20, every=1)
    block = bytearray(64 * 2**20)                                 # 64 MiB, touched
    block[::4096] = b"x" * len(block[::4096])
    assert watch.exceeded() is (before is not None)
    del block


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
