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
from ..semialg.certificates import Emptiness
from ..semialg.oracle import Feasible, Infeasible, Oracle
from ..semialg.poly import PolyElement, PolyRing, normalize_condition
from ..semialg.region import Condition, Region, UndecidedCase
from ..interpret.matrix_rules import PolyRules
from ..semialg.pool import SamplePool
from .limits import MemoryWatch, check_limits, seconds_of

_DEFER = object()  # a branch no pool point lies in: it waits for the oracles

__all__ = ["Budget", "CaseSplitter", "SplitResult", "LeafPiece", "branch_order"]


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
    """The regions found, the sign systems left undecided, and those proven empty (with the reason)."""

    pieces: list[LeafPiece] = field(default_factory=list)
    undecided: list[UndecidedCase] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    pruned: list[Emptiness] = field(default_factory=list)


@dataclass(frozen=True)
class _State:
    conditions: tuple[Condition, ...]
    decided: Mapping[PolyElement, int]
    idx: np.ndarray  # pool points satisfying every condition (never empty)
    pattern: tuple[int, ...]


@dataclass(frozen=True)
class _Entry:
    """A task of the walk: decide entry ``e`` of the ReLU node ``order[k]`` on the region ``st``.

    ``entries`` are the node's input entries row by row; ``out`` and ``pat``
    hold the values and signs of the entries before ``e``; ``env`` the
    values of the nodes evaluated so far (shared, never mutated after the split).
    """

    k: int
    env: dict
    st: _State
    entries: tuple
    e: int
    out: tuple
    pat: tuple
    cols: int


@dataclass(frozen=True)
class _Branch:
    """A task of the walk: the side ``h·sh > 0`` of the split of ``task``'s entry
    (``g = t·h``; ``signs`` are the signs of ``h`` at the region's pool points)."""

    task: _Entry
    h: PolyElement
    t: int
    sh: int
    signs: np.ndarray = field(compare=False)


@dataclass(frozen=True)
class _Deferred:
    """Enters a deferred ``branch`` once an oracle witnessed it (``found``: the witness's pool index)."""

    splitter: "CaseSplitter"
    branch: _Branch
    conditions: tuple

    def __call__(self, found: np.ndarray) -> None:
        self.splitter._explore(self.splitter._enter(self.branch, self.conditions, found))


def branch_order(record) -> tuple[int, ...]:
    """The sort key of an undecided or pruned sign system: its condition signs, positive first.

    Two branches of the walk share their conditions up to the split where
    they part, and there they have the same polynomial with opposite signs,
    so the key orders records by the tree, whichever order they were decided in.
    """
    return tuple(-s for _, s in record.conditions)


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
        self._walk(0, {}, root)
        self._retry_deferred()
        # timing decides which branches were deferred: sort for a deterministic order
        self.result.pieces.sort(key=lambda leaf: tuple(-s for s in leaf.pattern))
        for records in (self.result.undecided, self.result.pruned):
            records.sort(key=branch_order)
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
        """Explore every branch below position ``k`` of the graph order, depth first.

        The walk is iterative: an explicit stack of tasks replaces the
        recursion through every ReLU entry, so its depth is not bounded by
        Python's recursion limit.  The stack holds :class:`_Entry` tasks (go
        on deciding a ReLU node's entries) and :class:`_Branch` tasks (try one
        side of a split); pushing the negative side below the positive one
        gives the order of a recursive walk, positive branch first.
        """
        task = self._advance(k, env, st)
        if task is not None:
            self._explore(task)

    def _advance(self, k: int, env: dict, st: _State) -> "_Entry | None":
        """Evaluate nodes from position ``k`` up to the next ReLU node (its first entry
        is the next task); after the last ReLU nothing can split, so the region is
        complete there (its polynomials are computed on demand) and None is returned."""
        order = self.graph.order
        while k < self.stop:
            v = order[k]
            a = self.graph.attrs(v)
            if a[N.OP] == N.RELU:
                x = env[a[N.INPUTS][0]]
                return _Entry(k, env, st, tuple(g for row in x for g in row), 0, (), (), len(x[0]))
            env[v] = self.eval_node(self.graph, v, env, self.inputs)
            k += 1
        self._leaf(st)
        return None

    def _finish_node(self, task: "_Entry") -> "_Entry | None":
        """Every entry of the ReLU node is decided: store its value and move on."""
        env2 = dict(task.env)
        out, cols = task.out, task.cols
        env2[self.graph.order[task.k]] = tuple(out[i:i + cols] for i in range(0, len(out), cols))
        return self._advance(task.k + 1, env2, replace(task.st, pattern=task.st.pattern + task.pat))

    def _decide_entries(self, task: "_Entry") -> "_Entry | tuple[_Branch, _Branch]":
        """Decide entries without a split (constants, known walls) from ``task.e`` on.

        Returns the task with every entry decided, or the two branches of the
        first entry that splits (negative side first, for the stack).
        """
        out, pat, e, st = list(task.out), list(task.pat), task.e, task.st
        while e < len(task.entries):
            g = task.entries[e]
            if g.is_ground:
                c = g.LC if g else 0
                s = (c > 0) - (c < 0)
            else:
                h, t = normalize_condition(g, 1)  # g > 0  <=>  t·h > 0
                known = st.decided.get(h)
                if known is None:
                    at = replace(task, e=e, out=tuple(out), pat=tuple(pat))
                    signs = self.pool.signs(h, st.idx)
                    return (_Branch(at, h, t, -t, signs), _Branch(at, h, t, t, signs))  # g > 0 first
                s = known * t
            out.append(g if s > 0 else self.zero)
            pat.append(s)
            e += 1
        return replace(task, e=e, out=tuple(out), pat=tuple(pat))

    def _try_branch(self, branch: "_Branch", stack: list) -> None:
        """One side ``h·sh > 0`` of a split: out of budget, deferred to the oracles, or entered."""
        task, h, sh = branch.task, branch.h, branch.sh
        st = task.st
        conditions = st.conditions + ((h, sh),)
        if self._out_of_budget():
            self._unexplored(branch, conditions, None, "not explored: budget exhausted")
            return
        sub = self._branch_points(conditions, st, branch.signs == sh)
        if sub is _DEFER:
            self._defer(branch, conditions, 0)
        elif sub is not None:           # None: a subclass proved the branch empty
            stack.append(self._enter(branch, conditions, sub))

    def _enter(self, branch: "_Branch", conditions: tuple[Condition, ...], sub: np.ndarray) -> "_Entry":
        """The task that goes on past the split of ``branch``, in the region of ``conditions``
        whose pool points are ``sub``."""
        task, h, sh = branch.task, branch.h, branch.sh
        g, s, st = task.entries[task.e], sh * branch.t, task.st
        return replace(task, st=_State(conditions, {**st.decided, h: sh}, sub, st.pattern), e=task.e + 1,
                       out=task.out + (g if s > 0 else self.zero,), pat=task.pat + (s,))

    def _defer(self, branch: "_Branch", conditions: tuple[Condition, ...], stage: int) -> None:
        """Queue a branch no pool point lies in for the oracle ``stage``."""
        self.queues[stage].append((conditions, branch.task.st, _Deferred(self, branch, conditions)))

    def _unexplored(self, branch: "_Branch", conditions: tuple[Condition, ...], stage: int | None,
                    reason: str) -> None:
        """A branch the budget leaves untried (``stage`` None) or unasked by oracle ``stage``: recorded
        as undecided.  A subclass that resumes the walk later keeps ``branch`` instead."""
        self.result.undecided.append(UndecidedCase(conditions, reason))

    def _explore(self, task: "_Entry") -> None:
        """Explore one entered branch completely (used when an oracle witnesses a deferred one)."""
        stack: list[_Entry | _Branch] = [task]
        while stack:
            task = stack.pop()
            if task is None:
                continue
            if isinstance(task, _Branch):
                self._try_branch(task, stack)
                continue
            split = self._decide_entries(task)
            if isinstance(split, _Entry):
                stack.append(self._finish_node(split))
            else:
                stack.extend(split)

    def _branch_points(self, conditions: tuple[Condition, ...], st: _State, inside: np.ndarray):
        """The pool points of the branch, ``_DEFER`` when none lies in it (or ``None``, from a
        subclass that decides branches itself, for an empty one).

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
                self._unexplored(enter.branch, conditions, stage, "not decided: budget exhausted")
                continue
            hint = self.pool.witness(int(st.idx[0]))
            answer = self.oracles[stage].decide(conditions, hint=hint, deadline=self.deadline)
            if isinstance(answer, Feasible):
                enter(np.array([self.pool.add(answer.witness)]))
            elif isinstance(answer, Infeasible):
                self.result.pruned.append(Emptiness(conditions, answer.reason))
            elif stage + 1 < len(self.oracles):
                self._escalate(conditions, st, enter, stage + 1)
            else:
                self.result.undecided.append(UndecidedCase(conditions, answer.reason))

    def _escalate(self, conditions: tuple[Condition, ...], st: _State, enter: _Deferred, stage: int) -> None:
        """A branch oracle ``stage - 1`` left undecided waits for oracle ``stage``."""
        self.queues[stage].append((conditions, st, enter))

    def _leaf(self, st: _State) -> None:
        region = Region(st.conditions, self.pool.witness(int(st.idx[0])))
        self.result.pieces.append(LeafPiece(region, st.pattern))
        self.progress.update(len(self.result.pieces), len(self.result.undecided), time.monotonic() - self.start)
