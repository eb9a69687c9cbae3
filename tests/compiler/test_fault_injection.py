"""Fault injection: a back end that calls one non-empty branch empty is caught by the coverage guard."""

from __future__ import annotations

import warnings

import pytest

import symattn
from symattn.compiler.coverage import CoverageWarning
from symattn.compiler.pipeline import compile_graph
from symattn.nn import Attention, FeedForward, MaskedAttention
from symattn.semialg.oracle import Feasible, Infeasible, Oracle
from symattn.semialg.poly import compile_poly


class LyingOracle:
    """The real oracle, except that its ``lie``-th "nonempty" answer becomes a false "empty"."""

    def __init__(self, ring, lie: int) -> None:
        self.honest, self.lie, self.seen, self.victim = Oracle(ring), lie, 0, None
        self.stats = self.honest.stats

    def decide(self, conditions, **options):
        answer = self.honest.decide(conditions, **options)
        if isinstance(answer, Feasible):
            self.seen += 1
            if self.seen == self.lie:
                self.victim = (tuple(conditions), answer.witness)
                return Infeasible("fault: injected, this branch is not empty")
        return answer


MODELS = {
    "|x| and a bias": (FeedForward([[1, -1, 2], [2, 1, "-1/2"]], [0, 1, "-1/2"], [[1], [-1], [2]], [0]), 1),
    "attention n=2": (Attention([[1, 0], [0, 1]], [[1, 0], [0, -1]], [[1], [1]]), 2),
    "causal attention n=3": (MaskedAttention([[1, 0], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, 1]]), 3),
}


def _compile(name, oracle_of=None, guard=64):
    model, n = MODELS[name]
    graph = model.trace(n=n)
    ring = symattn.compile(model, n=n, progress=False).ring
    oracle = oracle_of(ring) if oracle_of else None
    # a tiny sample pool: most branches go to the oracle, so a lie can remove a region
    return compile_graph(graph, samples=2, oracle=oracle, guard=guard, progress=False), oracle


def _injected(name):
    truth, _ = _compile(name, lambda ring: Oracle(ring))
    honest = LyingOracle(truth.ring, lie=0)
    _compile(name, lambda ring: honest)
    return truth, range(1, honest.seen + 1)


@pytest.mark.parametrize("name", MODELS)
def test_every_injected_fault_is_caught(name):
    truth, lies = _injected(name)
    assert truth.complete and len(lies) >= 1
    caught = 0
    for lie in lies:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            spline, oracle = _compile(name, lambda ring: LyingOracle(ring, lie))
        conditions, witness = oracle.victim
        assert all(compile_poly(g).sign_at(*witness.int_point(spline.ring)) == s for g, s in conditions)
        missing = {p.pattern for p in truth.pieces} - {p.pattern for p in spline.pieces}
        assert missing                                   # the lie removed at least one real region
        assert not spline.complete, f"fault {lie} of {name} was reported complete"
        assert any(issubclass(w.category, CoverageWarning) for w in seen)
        named = [u for u in spline.undecided if u.reason.startswith("coverage guard")]
        assert named and all("the point {" in u.reason for u in named)
        # every region the guard names is one of the regions the lie removed, with its own conditions
        truth_regions = {p.pattern: set(p.conditions) for p in truth.pieces}
        assert any(set(u.conditions) == truth_regions[pat] for u in named for pat in missing)
        caught += 1
    assert caught == len(lies)


def test_an_honest_compile_passes_the_guard_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spline = symattn.compile(MODELS["causal attention n=3"][0], n=3, progress=False)
    assert spline.complete and spline.stats["coverage"] == {"points": 64, "outside": 0}


def test_without_the_guard_the_lie_goes_unnoticed():
    # the guard is what catches the fault: turned off, the false "complete" stands
    spline, _ = _compile("attention n=2", lambda ring: LyingOracle(ring, 1), guard=0)
    truth, _ = _compile("attention n=2")
    assert spline.complete and len(spline) < len(truth)


def test_the_guard_takes_fewer_points_when_a_forward_pass_is_costly():
    from symattn.compiler.coverage import guard_points

    assert guard_points(MODELS["causal attention n=3"][0].trace(n=3)) == 64
    wide = FeedForward([[1] * 12_500], None, [[1]] * 12_500, None).trace(n=1)   # 25,000 products a pass
    assert guard_points(wide) == 20
    assert guard_points(FeedForward([[1] * 12_500], None, [[1]] * 12_500, None).trace(n=4), work=10) == 8
