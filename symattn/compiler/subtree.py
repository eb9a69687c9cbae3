"""Subtrees of the case split: a walk that starts at a sign-pattern prefix and stops after a time slice.

A :class:`Prefix` names one branch of the case split's tree by the signs
the walk chose at the ReLU entries up to it, so it is plain data: a worker
process that has the graph replays those signs from the root, or from the
deepest state an earlier replay in that process reached (:class:`ReplayCache`),
with no question asked on the way, and explores the subtree below.
:class:`SubtreeSplitter` is the case split doing that; when its time slice
runs out, every branch it has not entered and every question it has not
asked comes back as a prefix of its own (the *frontier*), to be explored
by another task.

The replay rebuilds the walk's state exactly as the serial walk has it: the
pool points of the region are recomputed from the conditions, and where
the pool has none the prefix carries the witness an oracle found (checked
exactly before it is used).  With the oracles asking each question afresh
(:mod:`symattn.compiler.seeded`), a subtree explored from its prefix gives
the pieces, witnesses and records the serial walk gives for it.

>>> from symattn.nn import FeedForward
>>> from symattn.compiler.frame import spline_frame
>>> from symattn.semialg.pool import SamplePool
>>> from symattn.semialg.oracle import Oracle
>>> g = FeedForward([[1, -1]], [0, 1], [[1], [1]], None).trace(n=1)
>>> ring, inputs = spline_frame(g, {})[2:]
>>> def explore(prefix):
...     split = SubtreeSplitter(ring, [Oracle(ring)], SamplePool.random(ring, 64, seed=0), prefix=prefix)
...     return sorted(leaf.pattern for leaf in split.run(g, inputs).pieces)
>>> explore(Prefix())                       # the whole tree: σ(x) and σ(1 - x)
[(-1, 1), (1, -1), (1, 1)]
>>> explore(Prefix((1,))), explore(Prefix((-1,)))
([(1, -1), (1, 1)], [(-1, 1)])
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import InputError
from ..graph import nodes as N
from ..semialg.oracle import Oracle
from ..semialg.pool import SamplePool
from ..semialg.poly import PolyRing
from ..semialg.region import Condition, Witness
from .casesplit import Budget, CaseSplitter, SplitResult, _Branch, _Entry

__all__ = ["Prefix", "SubtreeSplitter", "ReplayCache", "SMALL_DEPTH"]

#: a branch within this many ReLU entries of the last one is finished by the task that reached it,
#: after its slice: at most 2^SMALL_DEPTH regions, cheaper than the replay another task would need
SMALL_DEPTH = 4


@dataclass(frozen=True)
class Prefix:
    """A subtree of the case split, as plain data.

    ``signs``: the signs (+1, -1, 0) of the ReLU entries in walk order, up to
    and including the split that starts the subtree (``()`` is the whole
    tree).  ``witness``: exact coordinates (``"p/q"`` strings, in the ring's
    generator order) of a point of the region *before* that split, when the
    sample pool has none (otherwise None: the pool's points are recomputed).
    ``stage``: None for a branch not yet tried (its pool points are looked
    at first), or ``k`` for a branch no pool point lies in, waiting for
    oracle pass ``k``.

    >>> p = Prefix((1, -1), ("1/2", "-3"), 1)
    >>> Prefix.from_data(p.to_data()) == p, p.to_data()
    (True, [[1, -1], ['1/2', '-3'], 1])
    """

    signs: tuple[int, ...] = ()
    witness: tuple[str, ...] | None = None
    stage: int | None = None

    def to_data(self) -> list:
        return [list(self.signs), None if self.witness is None else list(self.witness), self.stage]

    @classmethod
    def from_data(cls, data: Any) -> "Prefix":
        """The prefix :meth:`to_data` wrote; anything else raises :class:`InputError` naming the part."""
        if not isinstance(data, (list, tuple)) or len(data) != 3:
            raise InputError("prefix", f"a prefix is [signs, witness, stage], got {data!r}")
        signs, witness, stage = data
        if not isinstance(signs, (list, tuple)) or not set(map(type, signs)) <= {int} or not set(signs) <= {-1, 0, 1}:
            raise InputError("prefix.signs", f"signs are -1, 0 or 1, got {signs!r}")
        if witness is not None and (not isinstance(witness, (list, tuple))
                                    or not all(isinstance(c, str) for c in witness)):
            raise InputError("prefix.witness", f"a witness is a list of exact rational strings, got {witness!r}")
        if stage is not None and (not isinstance(stage, int) or isinstance(stage, bool) or stage < 0):
            raise InputError("prefix.stage", f"a stage is null or a whole number ≥ 0, got {stage!r}")
        return cls(tuple(signs), None if witness is None else tuple(witness), stage)

    @property
    def tried(self) -> bool:
        """The branch was tried: no pool point lies in it, and it waits for an oracle."""
        return self.stage is not None


class ReplayCache:
    """The states of the walk that replays in this process reached, by their sign prefix, so that
    the next replay starts at its deepest known ancestor instead of the root (the prefixes of one
    task, and of the tasks one worker runs, are mostly siblings).

    A state is what the walk holds just past a split: the values computed so far, the conditions
    and the pool points of the region; the walk never changes one after the split, so it can be
    shared.  Only states whose points are the pool's own are kept (an oracle's witness is added to
    the pool per task).  ``limit`` bounds the pool points held in all, least recently used out first.
    The cache belongs to one graph, pool and ring (:class:`~symattn.compiler.tasks.JobContext`).
    """

    def __init__(self, limit: int = 4_000_000) -> None:
        self.limit, self.points = limit, 0
        self._states: OrderedDict[tuple[int, ...], _Entry] = OrderedDict()

    def deepest(self, signs: tuple[int, ...]) -> "_Entry | None":
        """The state of the longest proper prefix of ``signs`` held, or None."""
        for length in range(len(signs) - 1, 0, -1):
            state = self._states.get(signs[:length])
            if state is not None:
                self._states.move_to_end(signs[:length])
                return state
        return None

    def keep(self, signs: tuple[int, ...], state: _Entry) -> None:
        if signs in self._states:
            self._states.move_to_end(signs)
            return
        self._states[signs] = state
        self.points += len(state.st.idx)
        while self.points > self.limit and self._states:
            _, old = self._states.popitem(last=False)
            self.points -= len(old.st.idx)

    def __len__(self) -> int:
        return len(self._states)


class SubtreeSplitter(CaseSplitter):
    """The case split of the subtree at ``prefix``, stopping after ``slice_seconds`` (None: never)
    of work below it; with ``walk_only`` it asks no oracle (its questions join the frontier), as the
    serial walk explores every branch the pool witnesses before it asks any question.

    ``frontier`` lists ``(prefix, conditions)`` of what the slice or the
    budget left open; ``asked`` maps the conditions of every branch sent to
    the oracles to its prefix, so a record can be traced back to its branch.
    """

    def __init__(self, ring: PolyRing, oracles: Sequence[Oracle], pool: SamplePool,
                 budget: Budget | None = None, params: Mapping | None = None, *,
                 prefix: Prefix = Prefix(), slice_seconds: float | None = None, walk_only: bool = False,
                 replays: "ReplayCache | None" = None) -> None:
        super().__init__(ring, oracles, pool, budget, progress=False, params=params)
        self.prefix, self.slice_seconds, self.walk_only = prefix, slice_seconds, walk_only
        self.replays = replays
        self._walked = False
        self._depth = -1              # the position of the branch being tried, while it is
        self.entries = 0
        self.frontier: list[tuple[Prefix, tuple[Condition, ...]]] = []
        self.asked: dict[tuple[Condition, ...], Prefix] = {}
        self.slice_end: float | None = None
        self._first_step = True

    def _begin_slice(self) -> None:
        """The slice runs from the end of the replay, and its first step (a branch tried or a
        question asked) is always taken: every task makes progress, however short its slice.
        A slice of 0 is the replay alone (the frontier is then the prefix itself)."""
        if self.slice_seconds is not None:
            self.slice_end = time.monotonic() + self.slice_seconds
        self._first_step = self.slice_seconds != 0

    # -- the hooks of the walk ----------------------------------------------
    def _out_of_budget(self) -> bool:
        # the slice stops new work only: a question under way keeps the compile's deadline
        first, self._first_step = self._first_step, False
        if self.walk_only and self._walked:
            return True
        if (not first and self.slice_end is not None and time.monotonic() > self.slice_end
                and self._depth < self.entries - SMALL_DEPTH):
            return True
        return super()._out_of_budget()

    def _try_branch(self, branch: _Branch, stack: list) -> None:
        # a branch this close to the last ReLU entry is a small subtree: finishing it here costs
        # less than replaying it elsewhere
        self._depth = len(branch.task.st.pattern) + len(branch.task.pat)
        try:
            super()._try_branch(branch, stack)
        finally:
            self._depth = -1

    def _unexplored(self, branch: _Branch, conditions, stage: int | None, reason: str) -> None:
        self.frontier.append((self.prefix_of(branch, stage), conditions))

    def _escalate(self, conditions, st, enter, stage: int) -> None:
        # a question goes no further than the stage its task was given: the next stage waits until
        # every task has asked its questions at this one, as the serial compile asks pass k of every
        # branch before pass k + 1 of any
        if stage > (self.prefix.stage or 0):
            self.frontier.append((self.prefix_of(enter.branch, stage), conditions))
        else:
            super()._escalate(conditions, st, enter, stage)

    def _defer(self, branch: _Branch, conditions, stage: int) -> None:
        self.asked.setdefault(conditions, self.prefix_of(branch, None))
        super()._defer(branch, conditions, stage)

    def prefix_of(self, branch: _Branch, stage: int | None) -> Prefix:
        """The prefix of one side of a split: the signs so far, and the region's witness unless the pool has one."""
        task = branch.task
        first = int(task.st.idx[0])
        witness = None
        if first >= len(self.pool.Z):               # the region's point came from an oracle
            witness = tuple(str(v) for v in self.pool.witness(first).values())
        return Prefix(task.st.pattern + task.pat + (branch.sh * branch.t,), witness, stage)

    # -- the replay ------------------------------------------------------------
    def _walk(self, k: int, env: dict, st) -> None:
        """Start at the prefix: follow its signs from the root, then explore the subtree below."""
        graph = self.graph
        self.entries = sum(r * c for r, c in (graph.attrs(v)[N.SHAPE] for v in graph.nodes_with_op(N.RELU)))
        try:
            self._replay_and_walk(k, env, st)
        finally:
            self._walked = True

    def _replay_and_walk(self, k: int, env: dict, st) -> None:
        signs = self.prefix.signs
        if not signs:
            self._begin_slice()
            return super()._walk(k, env, st)
        task = self.replays.deepest(signs) if self.replays is not None else None
        if task is None:
            task = self._advance(k, env, st)
        witness: np.ndarray | None = None
        while True:
            if task is None:
                raise InputError("prefix.signs", f"{len(signs)} signs, more than the model's walk has")
            split = self._decide_entries(task)
            if isinstance(split, _Entry):
                task = self._finish_node(split)
                continue
            at = split[1].task
            done = at.st.pattern + at.pat
            if done != signs[:len(done)] or len(done) >= len(signs):
                raise InputError("prefix.signs", f"not the model's signs at position {len(done)}: "
                                 f"the model fixes {done[len(done) - 1:] or 'nothing'} there")
            branch = next((b for b in split if b.sh * b.t == signs[len(done)]), None)
            if branch is None:
                raise InputError("prefix.signs", f"position {len(done)} splits, so its sign is ±1, "
                                 f"got {signs[len(done)]}")
            conditions = at.st.conditions + ((branch.h, branch.sh),)
            if len(done) + 1 == len(signs):
                self._begin_slice()
                if self.prefix.tried:
                    self._defer(branch, conditions, self.prefix.stage)
                else:
                    self._explore(branch)
                return
            sub = at.st.idx[branch.signs == branch.sh]
            if not len(sub):
                if witness is None:
                    witness = self._prefix_witness(conditions)
                elif not self._satisfies(int(witness[0]), conditions[-1:]):
                    raise InputError("prefix.witness", "the witness fails a condition of the prefix")
                sub = witness
            task = self._enter(branch, conditions, sub)
            if self.replays is not None and witness is None:
                self.replays.keep(signs[:len(done) + 1], task)

    def _prefix_witness(self, conditions: tuple[Condition, ...]) -> np.ndarray:
        """The prefix's witness as a pool point, checked exactly against ``conditions``."""
        if self.prefix.witness is None:
            raise InputError("prefix.witness", "the pool has no point in the prefix's region and no witness is given")
        try:
            values = [Fraction(c) for c in self.prefix.witness]
        except (ValueError, ZeroDivisionError):
            raise InputError("prefix.witness", f"not exact rationals: {self.prefix.witness!r}") from None
        if len(values) != self.ring.ngens:
            raise InputError("prefix.witness", f"{len(values)} coordinates for {self.ring.ngens} variables")
        index = self.pool.add(Witness.from_fractions(self.ring, values))
        if not self._satisfies(index, conditions):
            raise InputError("prefix.witness", "the witness fails a condition of the prefix")
        return np.array([index])

    def _satisfies(self, index: int, conditions: Sequence[Condition]) -> bool:
        at = np.array([index])
        return all(int(self.pool.signs(h, at)[0]) == s for h, s in conditions)
