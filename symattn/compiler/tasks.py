"""The plain-data format of a distributed compile: a job, its tasks, their results.

Everything that crosses to a worker is JSON-able data of exact strings and
small integers, never pickled symattn objects:

* a **job** (:func:`job_data`) holds what every task of one compile shares:
  the graph (:mod:`symattn.graph.serial`), the substitution, the size and
  seed of the sample pool and the options of the oracle passes.  Its key
  (:func:`job_key`) is a hash of it.  A worker keeps the jobs it has seen
  (graph, ring, pool) in a per-process cache under that key, so the graph
  travels once per worker: a task carries only the key, and a worker that
  does not know it answers ``{"missing": key}``; the task is then sent once
  more with the job attached;
* a **task** (:func:`task_data`) is a list of prefixes
  (:class:`~symattn.compiler.subtree.Prefix`), a time slice for them all,
  and what is left of the compile's budget;
* a **result** (:func:`run_task`) lists the pieces (pattern, witness,
  conditions), the sign systems proven empty or left undecided (each with
  its prefix), the frontier of prefixes the slice left open, and the
  positions of the task's prefixes it did not reach (``untouched``).
  Polynomials are written once per result, in a table of exact terms.

>>> from symattn.nn import Attention
>>> import json
>>> g = Attention([[1]], [[1]], [[1]]).trace(n=2)
>>> job = job_data(g, {}, samples=256, seed=0, passes=[dict(z3_timeouts=[0.5])])
>>> task = task_data(job_key(job), [Prefix()], seconds=None, budget=None)
>>> json.loads(json.dumps(task)) == task
True
>>> list(run_task(task))                               # this process has not seen the job yet
['missing']
>>> result = run_task(task, job)
>>> [pattern for pattern, _, _ in result["pieces"]], result["frontier"]
([[1, 1, 1, 1], [1, -1, -1, 1]], [])
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, OrderedDict
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np
import sympy
from sympy.polys.domains import QQ

from ..graph.serial import graph_from_data, graph_to_data
from ..semialg.certificates import Emptiness
from ..semialg.pool import SamplePool
from ..semialg.poly import PolyElement, PolyRing
from ..semialg.region import Condition, Region, UndecidedCase, Witness
from .casesplit import Budget, LeafPiece
from .frame import spline_frame
from .seeded import oracle_passes
from .subtree import Prefix, ReplayCache, SubtreeSplitter

__all__ = ["job_data", "job_key", "task_data", "run_task", "JobContext", "decode_conditions", "DecodedResult", "PolyTable"]


def job_data(graph, substitution: Mapping[sympy.Symbol, Any], *, samples: int, seed: int,
             passes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What every task of one compile shares, as JSON-able data (tuples become lists)."""
    return {"graph": graph_to_data(graph),
            "substitution": [[sympy.srepr(k), sympy.srepr(sympy.sympify(v))] for k, v in substitution.items()],
            "samples": int(samples), "seed": int(seed),
            "passes": json.loads(json.dumps([dict(p) for p in passes]))}


def job_key(job: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(job, sort_keys=True).encode()).hexdigest()


def task_data(key: str, prefixes: Sequence[Prefix], *, seconds: float | None,
              budget: Budget | None, walk: bool = False) -> dict[str, Any]:
    """A task: explore the subtrees at ``prefixes`` for at most ``seconds`` of new work in all;
    ``walk``: only the walk the sample pool witnesses, every question comes back as a prefix.

    The budget's seconds are also written as the wall-clock time they end at (``ends``, seconds
    since the epoch): a task may wait in the executor's queue, and must not start its budget afresh
    when it runs.  A worker keeps to the earlier of the two."""
    b = budget or Budget()
    return {"job": key, "prefixes": [p.to_data() for p in prefixes], "slice": seconds, "walk": walk,
            "budget": {"seconds": b.seconds, "regions": b.regions, "memory": b.memory,
                       "ends": None if b.seconds is None else time.time() + b.seconds}}


class _SignCache(SamplePool):
    """The job's sample pool, remembering a wall's signs at every point of it once they were asked at a
    large share of them: each replay starts at the root, where every task asks about the same walls."""

    KEEP = 64

    def __init__(self, pool: SamplePool) -> None:
        self.__dict__.update(pool.__dict__)     # the same points, shared, not copied
        self._full: OrderedDict[PolyElement, np.ndarray] = OrderedDict()

    def signs(self, g: PolyElement, idx: np.ndarray) -> np.ndarray:
        n = len(self.Z)
        full = self._full.get(g)
        if full is None:
            if 4 * len(idx) < n:
                return super().signs(g, idx)
            full = self._full[g] = super().signs(g, np.arange(n))
            if len(self._full) > self.KEEP:
                self._full.popitem(last=False)
        else:
            self._full.move_to_end(g)
        main = idx < n
        if main.all():
            return full[idx]
        out = np.empty(len(idx), dtype=np.int8)
        out[main] = full[idx[main]]
        out[~main] = super().signs(g, idx[~main])
        return out


class JobContext:
    """A job rebuilt in this process: the graph, its ring and symbolic inputs, the pool, the passes."""

    def __init__(self, job: Mapping[str, Any]) -> None:
        self.graph = graph_from_data(job["graph"])
        substitution = {sympy.sympify(k): sympy.sympify(v) for k, v in job["substitution"]}
        self.params = {p: sympy.Rational(substitution[p]) for p in self.graph.parameters if p in substitution}
        _, _, self.ring, self.inputs = spline_frame(self.graph, substitution)
        self.pool = _SignCache(SamplePool.random(self.ring, job["samples"], seed=job["seed"]))
        self.seed, self.passes = job["seed"], job["passes"]
        self.replays = ReplayCache()
        # one set of passes for every task: each question is asked afresh anyway, and the passes share
        # what costs to build but decides nothing (z3 contexts, sign facts), as in one process
        self.oracles = oracle_passes(self.ring, self.seed, self.passes)

    def explore(self, prefix: Prefix, seconds: float | None, budget: Budget, walk: bool = False) -> SubtreeSplitter:
        self.pool.clear_added()             # oracle witnesses of earlier tasks: no state refers to them
        before = [Counter(o.stats) for o in self.oracles]
        split = SubtreeSplitter(self.ring, self.oracles, self.pool, budget, self.params, prefix=prefix,
                                slice_seconds=seconds, walk_only=walk, replays=self.replays)
        split.run(self.graph, self.inputs)
        asked: Counter[str] = Counter()
        for oracle, old in zip(self.oracles, before):
            asked.update(Counter(oracle.stats) - old)
        split.result.stats["oracle"] = dict(asked)      # this subtree's questions only
        return split


#: the jobs this process has rebuilt, by key (a worker serves one compile at a time, so a few suffice)
_JOBS: dict[str, JobContext] = {}
_KEEP = 4


def context(key: str, job: Mapping[str, Any] | None) -> JobContext | None:
    found = _JOBS.get(key)
    if found is None and job is not None:
        if job_key(job) != key:
            raise ValueError("the job attached to a task is not the one its key names")
        while len(_JOBS) >= _KEEP:
            del _JOBS[next(iter(_JOBS))]
        found = _JOBS[key] = JobContext(job)
    return found


class PolyTable:
    """Polynomials written once per result: ``[[exponents, "p/q"], ...]`` each, conditions by index."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self._index: dict[PolyElement, int] = {}

    def conditions(self, conditions: Sequence[Condition]) -> list[list[int]]:
        out = []
        for h, s in conditions:
            k = self._index.get(h)
            if k is None:
                k = self._index[h] = len(self.rows)
                self.rows.append([[list(m), str(c)] for m, c in h.terms()])
            out.append([k, s])
        return out


def decode_conditions(ring: PolyRing, rows: Sequence, cache: dict[int, PolyElement], data) -> tuple[Condition, ...]:
    """The conditions a :class:`PolyTable` wrote, as polynomials of ``ring`` (``cache``: per table)."""
    out = []
    for k, s in data:
        h = cache.get(k)
        if h is None:
            terms = {tuple(m): QQ(Fraction(c).numerator, Fraction(c).denominator) for m, c in rows[k]}
            h = cache[k] = ring.from_dict(terms)
        out.append((h, int(s)))
    return tuple(out)


def run_task(task: Mapping[str, Any], job: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Explore a task's prefixes (the function a worker runs); pure: the same task gives the same result.

    Returns ``{"missing": key}`` when this process does not hold the job and
    none is attached.  Otherwise the result (see the module docstring), with
    ``seconds`` of work per prefix and the worker's ``pid`` (informative).
    """
    ctx = context(task["job"], job)
    if ctx is None:
        return {"missing": task["job"]}
    b = task["budget"]
    seconds = b["seconds"]
    if seconds is not None and b.get("ends") is not None:
        seconds = max(0.0, min(seconds, b["ends"] - time.time()))
    budget = Budget(seconds=seconds, regions=b["regions"], memory=b["memory"])
    start = time.monotonic()
    deadline = None if budget.seconds is None else start + budget.seconds
    table = PolyTable()
    slice_end = None if task["slice"] is None else start + task["slice"]
    out: dict[str, Any] = {"pieces": [], "pruned": [], "undecided": [], "frontier": [], "seconds": [],
                           "untouched": [], "oracle": {}, "exhausted": False, "pid": os.getpid()}
    for k, data in enumerate(task["prefixes"]):
        t0 = time.monotonic()
        if slice_end is not None and t0 > slice_end:     # the task's slice is spent: the rest go back as they are
            out["untouched"] = list(range(k, len(task["prefixes"])))
            break
        prefix = Prefix.from_data(data)
        left = None if deadline is None else max(0.0, deadline - t0)
        split = ctx.explore(prefix, None if slice_end is None else slice_end - t0,
                            Budget(seconds=left, regions=budget.regions, memory=budget.memory), task.get("walk", False))
        res = split.result
        for leaf in res.pieces:
            out["pieces"].append([list(leaf.pattern), [str(v) for v in leaf.region.witness.values()],
                                  table.conditions(leaf.region.conditions)])
        for key, records in (("pruned", res.pruned), ("undecided", res.undecided)):
            for r in records:
                origin = split.asked.get(r.conditions)
                out[key].append([table.conditions(r.conditions), r.reason,
                                 None if origin is None else origin.to_data()])
        for p, conditions in split.frontier:
            out["frontier"].append([p.to_data(), table.conditions(conditions)])
        for layer, count in res.stats.get("oracle", {}).items():
            out["oracle"][layer] = out["oracle"].get(layer, 0) + count
        out["exhausted"] |= bool(res.stats.get("exhausted"))
        out["seconds"].append(time.monotonic() - t0)
        if budget.regions is not None:
            budget = Budget(seconds=budget.seconds, regions=max(0, budget.regions - len(res.pieces)),
                            memory=budget.memory)
    out["polys"] = table.rows
    return out


def _region_checked_by_the_worker(conditions: tuple[Condition, ...], witness: Witness) -> Region:
    """The :class:`Region` a worker built, and so checked exactly, rebuilt without checking it again:
    the check costs as much as finding the region, and would make the driver the bottleneck.
    (A checkpoint file is not a worker: its pieces are re-proved, :mod:`.checkpoint`.)"""
    region = object.__new__(Region)
    object.__setattr__(region, "conditions", conditions)
    object.__setattr__(region, "witness", witness)
    return region


class DecodedResult:
    """A result of :func:`run_task` in the objects of ``ring``: the records (each with its prefix,
    or None) and the frontier at once, the pieces (:class:`LeafPiece`) on demand, a few at a time
    (:meth:`pieces`): a walk's result holds thousands, and the driver has tasks to hand out first."""

    def __init__(self, ring: PolyRing, result: Mapping[str, Any]) -> None:
        self.ring, self.rows, self._cache = ring, result["polys"], {}
        self._raw = result["pieces"]
        self._next = 0
        origin = lambda data: None if data is None else Prefix.from_data(data)   # noqa: E731
        self.pruned = [(Emptiness(self._conditions(c), reason), origin(p)) for c, reason, p in result["pruned"]]
        self.undecided = [(UndecidedCase(self._conditions(c), reason), origin(p))
                          for c, reason, p in result["undecided"]]
        self.frontier = [(Prefix.from_data(p), self._conditions(c)) for p, c in result["frontier"]]

    def _conditions(self, data) -> tuple[Condition, ...]:
        return decode_conditions(self.ring, self.rows, self._cache, data)

    @property
    def count(self) -> int:
        """How many pieces the result holds."""
        return len(self._raw)

    @property
    def left(self) -> int:
        """How many pieces :meth:`pieces` has not handed out yet."""
        return len(self._raw) - self._next

    def pieces(self, limit: int | None = None) -> list[LeafPiece]:
        """The next ``limit`` pieces (None: all that are left)."""
        end = len(self._raw) if limit is None else min(len(self._raw), self._next + limit)
        out = [LeafPiece(_region_checked_by_the_worker(self._conditions(c), Witness.from_fractions(
            self.ring, [_fraction(v) for v in w])), tuple(pattern)) for pattern, w, c in self._raw[self._next:end]]
        self._next = end
        return out


def _fraction(text: str) -> Fraction:
    """``"p/q"`` or ``"p"`` as a Fraction (what ``str`` of a Fraction writes; faster than parsing it generally)."""
    num, _, den = text.partition("/")
    return Fraction(int(num), int(den) if den else 1)
