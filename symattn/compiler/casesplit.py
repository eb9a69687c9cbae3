"""The case-splitting interpreter: polynomial values, a branching ReLU rule.

Values are tuple matrices of exact polynomials (sympy ``PolyElement`` over
QQ, parameters as extra generators).  Every op but ReLU is a polynomial
rule from :class:`~symattn.interpret.matrix_rules.PolyRules`.  At a ReLU
node each entry g is decided in turn, on the current region:

1. g constant: no split;
2. g a positive or negative multiple of a wall already decided on this
   branch: no split, the sign follows;
3. otherwise split into ``g > 0`` (value g) and ``g < 0`` (value 0).  A
   branch is entered only with an exact witness.  First the branches that
   hold a point of the sample pool (:class:`~symattn.semialg.pool.SamplePool`)
   are explored; a branch that holds none waits in a queue.  The queues then
   go to the oracles, a quick one and then a thorough one: a verified
   witness enters the branch, a proof of emptiness prunes it, and what no
   oracle decides is recorded in ``undecided`` (so the result is
   incomplete), never dropped silently.

The walk is depth first in graph order, positive branch first; the pieces
are sorted by their sign pattern at the end, so the output order does not
depend on timing.  Branches share every value computed before
the split.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..graph import nodes as N
from ..graph.graph import ExpressionGraph
from ..semialg.oracle import Feasible, Infeasible, Oracle
from ..semialg.poly import PolyElement, PolyRing, normalize_condition
from ..semialg.region import Condition, Region, UndecidedCase
from ..interpret.matrix_rules import PolyRules
from ..semialg.pool import SamplePool
from .limits import MemoryWatch, check_limits, seconds_of

_DEFER = object()  # a branch no pool point lies in: it waits for the oracles

__all__ = ["Budget", "CaseSplitter", "SplitResult", "LeafPiece"]


@dataclass(frozen=True)
class Budget:
    """Limits of a compile: wall-clock ``seconds``, number of ``regions`` and ``memory`` in bytes.

    When any of them runs out the compile stops and returns what it found,
    flagged incomplete, with the unexplored branches in ``undecided``.
    ``memory`` (default :data:`~symattn.compiler.limits.MEMORY_LIMIT`) is
    checked against an estimate before the compile starts and against the
    growth of resident memory while it runs.  Seconds and regions are ≥ 0
    (0 stops at once), memory ≥ 1; anything else is an
    :class:`~symattn.errors.InputError`.

    >>> Budget.of(-5)
    Traceback (most recent call last):
    ...
    symattn.errors.InputError: budget: seconds must be a number ≥ 0, got -5.0
    """

    seconds: float | None = None
    regions: int | None = None
    memory: int | None = None

    def __post_init__(self) -> None:
        check_limits(self.seconds, self.regions, self.memory)

    @classmethod
    def of(cls, budget: "Budget | float | int | None") -> "Budget":
        if budget is None or isinstance(budget, Budget):
            return budget or cls()
        return cls(seconds=seconds_of(budget))


@dataclass(frozen=True)
class LeafPiece:
    """A region and its ReLU sign pattern; the pattern determines the polynomials."""

    region: Region
    pattern: tuple[int, ...]


@dataclass
class SplitResult:
    pieces: list[LeafPiece] = field(default_factory=list)
    undecided: list[UndecidedCase] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _State:
    conditions: tuple[Condition, ...]
    decided: Mapping[PolyElement, int]
    idx: np.ndarray  # pool points satisfying every condition (never empty)
    pattern: tuple[int, ...]


def _in_jupyter() -> bool:
    """A Jupyter kernel is running this code (not merely importable)."""
    if "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _Progress:
    """A progress bar (``tqdm.auto``: a widget in Jupyter, a bar in a terminal), shown only there.

    ``enabled=None`` shows it when stderr is a terminal or a Jupyter kernel runs, and
    only for a compile that takes longer than :attr:`DELAY` seconds.
    """

    DELAY = 0.5

    def __init__(self, enabled: bool | None) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty() or _in_jupyter()
        self.enabled, self.bar = enabled, None
        self.shown = False

    def update(self, regions: int, undecided: int, elapsed: float, final: bool = False) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm.auto import tqdm

            self.bar = tqdm(desc="compiling", unit=" regions", leave=True, dynamic_ncols=True, delay=self.DELAY)
            self.shown = True
        self.bar.n = regions
        self.bar.set_postfix(undecided=undecided, refresh=False)
        if final:
            if elapsed >= self.DELAY:
                self.bar.refresh()
            self.bar.close()
        else:
            self.bar.update(0)  # tqdm redraws at most every mininterval seconds


class CaseSplitter(PolyRules):
    """Run a graph on polynomial inputs, splitting at every undecided ReLU entry."""

    def __init__(self, ring: PolyRing, oracles: Sequence[Oracle], pool: SamplePool,
                 budget: Budget | None = None, progress: bool | None = None,
                 params: Mapping | None = None) -> None:
        """``oracles`` are asked in turn: a branch the k-th leaves undecided waits for the next."""
        self.ring, self.pool = ring, pool
        self.oracles = list(oracles)
        self.zero = ring.zero
        self.budget = budget or Budget()
        self.params = dict(params or {})
        self.progress = _Progress(progress)

    # -- the search --------------------------------------------------------
    def run(self, graph: ExpressionGraph, inputs: Mapping[str, Any]) -> SplitResult:
        self.graph, self.inputs = graph, dict(inputs)
        relus = [k for k, v in enumerate(graph.order) if graph.op(v) == N.RELU]
        self.stop = relus[-1] + 1 if relus else 0
        self.result = SplitResult()
        self.start = time.monotonic()
        self.deadline = None if self.budget.seconds is None else self.start + self.budget.seconds
        self.memory = MemoryWatch(self.budget.memory)
        self.exhausted = False
        self.queues: list[deque[tuple[tuple[Condition, ...], _State, Callable]]] = [deque() for _ in self.oracles]
        root = _State((), {}, self.pool.all(), ())
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20000))
        try:
            self._walk(0, {}, root)
            self._retry_deferred()
        finally:
            sys.setrecursionlimit(limit)
        # timing decides which branches were deferred: sort for a deterministic order
        self.result.pieces.sort(key=lambda leaf: tuple(-s for s in leaf.pattern))
        elapsed = time.monotonic() - self.start
        self.progress.update(len(self.result.pieces), len(self.result.undecided), elapsed, final=self.progress.shown)
        oracle_stats: dict[str, int] = {}
        for oracle in self.oracles:
            for layer, count in oracle.stats.items():
                oracle_stats[layer] = oracle_stats.get(layer, 0) + count
        self.result.stats.update(seconds=elapsed, exhausted=self.exhausted, oracle=oracle_stats)
        return self.result

    def _out_of_budget(self) -> bool:
        if not self.exhausted:
            b = self.budget
            if b.regions is not None and len(self.result.pieces) >= b.regions:
                self.exhausted = True
            elif self.deadline is not None and time.monotonic() > self.deadline:
                self.exhausted = True
            elif self.memory.exceeded():
                self.exhausted = True
        return self.exhausted

    def _walk(self, k: int, env: dict, st: _State) -> None:
        """Evaluate nodes from position ``k``; after the last ReLU nothing can split,
        so the region is complete there (its polynomials are computed on demand)."""
        order = self.graph.order
        while k < self.stop:
            v = order[k]
            a = self.graph.attrs(v)
            if a[N.OP] == N.RELU:
                x = env[a[N.INPUTS][0]]
                entries = [g for row in x for g in row]
                self._relu(k, env, st, entries, 0, (), (), len(x[0]))
                return
            env[v] = self.eval_node(self.graph, v, env, self.inputs)
            k += 1
        self._leaf(st)

    def _relu(self, k: int, env: dict, st: _State, entries: list, e: int,
              out: tuple, pat: tuple, cols: int) -> None:
        """Decide entry ``e`` of the ReLU node ``order[k]``; ``out``/``pat`` hold earlier entries."""
        if e == len(entries):
            env2 = dict(env)
            env2[self.graph.order[k]] = tuple(out[i:i + cols] for i in range(0, len(out), cols))
            self._walk(k + 1, env2, replace(st, pattern=st.pattern + pat))
            return
        g = entries[e]
        if g.is_ground:
            c = g.LC if g else 0
            s = (c > 0) - (c < 0)
            self._relu(k, env, st, entries, e + 1, out + (g if s > 0 else self.zero,), pat + (s,), cols)
            return
        h, t = normalize_condition(g, 1)  # g > 0  <=>  t·h > 0
        known = st.decided.get(h)
        if known is not None:
            s = known * t
            self._relu(k, env, st, entries, e + 1, out + (g if s > 0 else self.zero,), pat + (s,), cols)
            return
        signs = self.pool.signs(h, st.idx)
        for sh in (t, -t):  # the branch g > 0 first
            cond = (h, sh)
            conditions = st.conditions + (cond,)
            if self._out_of_budget():
                self.result.undecided.append(UndecidedCase(conditions, "not explored: budget exhausted"))
                continue
            def enter(sub, conditions=conditions, sh=sh):
                child = _State(conditions, {**st.decided, h: sh}, sub, st.pattern)
                self._relu(k, env, child, entries, e + 1, out + (g if sh * t > 0 else self.zero,),
                           pat + (sh * t,), cols)

            sub = self._branch_points(conditions, st, signs == sh)
            if sub is _DEFER:
                self.queues[0].append((conditions, st, enter))
            elif sub is not None:
                enter(sub)

    def _branch_points(self, conditions: tuple[Condition, ...], st: _State, inside: np.ndarray):
        """The pool points of the branch, or ``_DEFER`` when none lies in it.

        A branch without a pool point waits in a queue: every branch the pool
        witnesses is explored first, then the oracles take the queues.
        """
        sub = st.idx[inside]
        return sub if len(sub) else _DEFER

    def _retry_deferred(self) -> None:
        """The deferred branches, cheapest oracle first.

        A branch an oracle leaves undecided waits for the next one, after every
        other question at this level (so one hard branch cannot starve the
        rest); entering a branch may defer new ones, which join the first queue.  What no oracle decides, or what the
        budget leaves unasked, is recorded in ``undecided``.
        """
        while True:
            stage = next((k for k, q in enumerate(self.queues) if q), None)
            if stage is None:
                return
            conditions, st, enter = self.queues[stage].popleft()
            if self._out_of_budget():
                self.result.undecided.append(UndecidedCase(conditions, "not decided: budget exhausted"))
                continue
            hint = self.pool.witness(int(st.idx[0]))
            answer = self.oracles[stage].decide(conditions, hint=hint, deadline=self.deadline)
            if isinstance(answer, Feasible):
                enter(np.array([self.pool.add(answer.witness)]))
            elif isinstance(answer, Infeasible):
                continue
            elif stage + 1 < len(self.oracles):
                self.queues[stage + 1].append((conditions, st, enter))
            else:
                self.result.undecided.append(UndecidedCase(conditions, answer.reason))

    def _leaf(self, st: _State) -> None:
        region = Region(st.conditions, self.pool.witness(int(st.idx[0])))
        self.result.pieces.append(LeafPiece(region, st.pattern))
        self.progress.update(len(self.result.pieces), len(self.result.undecided), time.monotonic() - self.start)
