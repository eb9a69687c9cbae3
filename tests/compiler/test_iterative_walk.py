"""The case split walks iteratively: no recursion per ReLU entry, no process-wide recursion limit."""

from __future__ import annotations

import hashlib
import sys

import sympy

import symattn
from symattn.nn import Attention, FeedForward, MaskedAttention


def _fingerprint(spline):
    return ([(p.pattern, p.conditions, tuple(p.witness.pairs)) for p in spline.pieces],
            [(u.conditions, u.reason) for u in spline.undecided])


def _digest(spline) -> str:
    pieces, undecided = _fingerprint(spline)
    return hashlib.sha256((repr(pieces) + repr(undecided)).encode()).hexdigest()[:16]


def test_the_recursion_limit_is_left_alone(monkeypatch):
    def refuse(limit):
        raise AssertionError("the compiler changed the process-wide recursion limit")

    monkeypatch.setattr(sys, "setrecursionlimit", refuse)
    s = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]]), n=2, progress=False)
    assert s.complete and len(s) == 2      # one wall, x_0·x_1 = 0; the diagonal scores are squares


def test_more_relu_entries_than_the_recursion_limit():
    # 21,000 hidden units σ(k·x) (k = 1, 2, 3): after the first split every entry's sign is
    # known, so the walk goes 21,000 entries deep on each of the two branches
    width = 21_000
    w1 = [[(k % 3) + 1 for k in range(width)]]
    w2 = [[1] for _ in range(width)]
    net = FeedForward(w1, None, w2, None)
    s = symattn.compile(net, n=1, progress=False, samples=64, guard=0)    # (the guard is tested elsewhere)
    assert s.complete and len(s) == 2
    x = symattn.input_symbol("x", 0, 0)
    assert {p.value[0, 0] for p in s.pieces} == {sum((k % 3) + 1 for k in range(width)) * x, 0}
    assert s([[sympy.Rational(-1, 3)]]) == sympy.Matrix([[0]])


def test_the_order_of_pieces_and_undecided_cases_is_deterministic():
    # an incomplete compile (a region budget) exposes the exploration order in ``undecided``
    from symattn.compiler.casesplit import Budget

    model = Attention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]])
    first = symattn.compile(model, n=3, budget=Budget(regions=7), progress=False)
    second = symattn.compile(model, n=3, budget=Budget(regions=7), progress=False)
    assert not first.complete and len(first) == 7 and first.undecided
    assert _fingerprint(first) == _fingerprint(second)
    # the same pieces, witnesses and undecided systems as the recursive walk it replaced; the
    # undecided systems in branch order (positive side first), however the walk reached them
    assert _digest(first) == "e0aa74c664f73455"
    assert [u.conditions for u in first.undecided] == sorted(
        (u.conditions for u in first.undecided), key=lambda c: tuple(-s for _, s in c))
    masked = symattn.compile(MaskedAttention([[1, 0], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, 1]]), n=3,
                             progress=False)
    assert masked.complete and len(masked) == 8


def test_a_subclass_may_prune_a_branch_by_returning_none():
    """``_branch_points`` returning None drops the branch (the benchmark baseline decides branches so)."""
    from symattn.compiler.casesplit import CaseSplitter
    from symattn.compiler.pipeline import spline_frame
    from symattn.nn import FeedForward
    from symattn.semialg.pool import SamplePool

    class PositiveOnly(CaseSplitter):
        def _branch_points(self, conditions, st, inside):
            return None if conditions[-1][1] < 0 else super()._branch_points(conditions, st, inside)

    graph = FeedForward([[1, -1]], None, [[1], [1]], None).trace(n=1)
    _, _, ring, inputs = spline_frame(graph, {})
    result = PositiveOnly(ring, [], SamplePool.random(ring, 64, seed=0), progress=False).run(graph, inputs)
    assert [leaf.region.conditions[0][1] for leaf in result.pieces] == [1]   # x > 0 kept, x < 0 pruned
    assert not result.undecided
