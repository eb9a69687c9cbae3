"""The case split on any :class:`concurrent.futures.Executor`: a process pool, or a Dask cluster.

The search tree is cut into subtrees at sign-pattern prefixes
(:mod:`symattn.compiler.subtree`), and each task (:mod:`symattn.compiler.tasks`,
plain data) explores a few of them for one time slice.  What a slice leaves
open comes back as new prefixes and is queued again, so a deep subtree is
split as often as it needs and no worker idles while one runs.  The first
tasks get short slices, which fans the root out over the workers quickly.
Open prefixes are taken cheapest first, as the serial walk takes them:
every branch the sample pool may witness before any question, and the
questions of one oracle pass before the next (a task asks a question only
at the pass it was given, and hands it back for the next).  Only a worker
that would otherwise idle takes the next kind of work early.

**The same answer.**  Every question an oracle is asked is seeded from the
question itself (:mod:`symattn.compiler.seeded`) and every subtree is
replayed exactly, so which worker explores what, and when, does not enter
the result: the pieces are sorted by pattern and the records by branch
(:func:`~symattn.compiler.casesplit.branch_order`), as in one process.  When
the budget does not run out, the spline equals the serial one (pieces,
witnesses, conditions, records, order) whenever each question gets the same
answer in both runs, which fails only where a solver's time limit decides
the answer (a heavily loaded machine can time a question out that an idle
one decides).  Without that guarantee one thing still holds: a complete
spline has exactly the regions the serial one has, since both are sound.
Witnesses found by one task are deliberately *not* handed to other tasks:
that would make a region's witness depend on timing.

**Faults.**  A task is pure, so a task whose worker died is simply run
again (Dask does this itself; a standard-library pool breaks when one of
its processes dies, and is then replaced, and the tasks in flight are
rerun).  A task lost :data:`MAX_TRIES` times leaves its prefixes undecided,
never dropped.  When the budget runs out or Ctrl-C arrives, the tasks not
yet started are cancelled and the unexplored prefixes go to ``undecided``
(the spline is incomplete); with ``checkpoint=PATH`` the state is also
written there, and a later compile with the same path resumes from it
(:mod:`symattn.compiler.checkpoint`).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import sympy

from ..errors import InputError
from ..semialg.region import Condition, UndecidedCase
from .casesplit import Budget, SplitResult, _Progress, branch_order
from .checkpoint import Checkpoint
from .frame import spline_frame
from .subtree import Prefix
from .tasks import DecodedResult, job_data, job_key, run_task, task_data

__all__ = ["split_on", "local_pool", "check_executor", "InProcessExecutor", "SLICE", "FIRST_SLICE", "MAX_TRIES"]

#: seconds of new work per task once every worker has some; the first tasks get FIRST_SLICE
SLICE = 5.0
FIRST_SLICE = 0.25
#: the most prefixes one task takes (short ones are batched, so that a task is worth shipping)
MAX_BATCH = 32
#: how many pieces the driver decodes between two looks at its tasks
DECODE_CHUNK = 500
#: how often a task whose worker was lost is run again before its prefixes are left undecided
MAX_TRIES = 3


def check_executor(executor: Any, workers: Any) -> None:
    """Refuse a malformed ``executor=`` or ``workers=`` with :class:`InputError` naming the argument."""
    if executor is not None and workers is not None:
        raise InputError("workers", "give executor= or workers=, not both")
    if executor is not None and not isinstance(executor, Executor):
        raise InputError("executor", f"a concurrent.futures.Executor (a ProcessPoolExecutor, or "
                                     f"distributed.Client(...).get_executor()), got {type(executor).__name__}")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise InputError("workers", f"a whole number of processes ≥ 1, got {workers!r}")


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A standard-library pool of ``workers`` processes.

    Forked where the platform can (the workers start at once, with symattn
    imported, and a script needs no ``if __name__ == "__main__"`` guard);
    elsewhere the platform's default start method.
    """
    fork = "fork" in multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork" if fork else None))


def _capacity(executor: Executor) -> int:
    """How many tasks the executor runs at once (a guess where it does not say)."""
    known = getattr(executor, "_max_workers", None)
    if known:
        return int(known)
    client = getattr(executor, "_client", None)       # distributed's ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:                               # pragma: no cover - a client without workers yet
            pass
    return os.cpu_count() or 1


def _lost_worker(error: BaseException) -> bool:
    """The task died with its worker (not an error of the task itself)."""
    return isinstance(error, (BrokenExecutor, EOFError, ConnectionError)) or type(error).__name__ == "KilledWorker"


@dataclass
class _Open:
    """A prefix waiting to be explored, with its conditions (for the record if it never is)."""

    prefix: Prefix
    conditions: tuple[Condition, ...]
    tries: int = 0
    parent: int | None = None      # the task whose frontier it came from


class _Queue:
    """The open prefixes, cheapest first, as the serial walk takes them: every branch not yet tried
    (the walk, which the sample pool witnesses) before any question, and the questions of oracle
    pass k before those of pass k + 1; first in, first out within each."""

    def __init__(self) -> None:
        self.ranks: dict[int, deque[_Open]] = {}

    @staticmethod
    def _rank(o: _Open) -> int:
        return -1 if o.prefix.stage is None else o.prefix.stage

    def extend(self, items: Iterable[_Open]) -> None:
        for o in items:
            self.ranks.setdefault(self._rank(o), deque()).append(o)

    def extendleft(self, items: Iterable[_Open]) -> None:
        for o in reversed(list(items)):
            self.ranks.setdefault(self._rank(o), deque()).appendleft(o)

    def cheapest(self) -> int:
        return min(r for r, q in self.ranks.items() if q)

    def waiting(self) -> int:
        """How many prefixes of the cheapest rank wait (what the next tasks are cut from)."""
        return len(self.ranks[self.cheapest()])

    def take(self, size: int) -> list[_Open]:
        """Up to ``size`` prefixes of the cheapest rank (one task gets one kind of work)."""
        q = self.ranks[self.cheapest()]
        return [q.popleft() for _ in range(min(size, len(q)))]

    def __len__(self) -> int:
        return sum(len(q) for q in self.ranks.values())

    def __iter__(self):
        for rank in sorted(self.ranks):
            yield from self.ranks[rank]


class _Merged:
    """The results that came back, decoded into the ring of the driver."""

    def __init__(self, ring, saved: Checkpoint | None) -> None:
        self.ring, self.saved = ring, saved
        self.result = SplitResult()
        self.oracle: dict[str, int] = {}
        self.durations: list[float] = []
        self.log: list[tuple[int, list[int], float, int]] = []
        self.pids: set[int] = set()
        self.exhausted = False
        self.pieces = 0                           # pieces merged, decoded or not
        self.pending: deque = deque()             # results whose pieces are not decoded yet

    def add(self, raw: Mapping[str, Any], task: int, items: Sequence[_Open]) -> list[_Open]:
        """Merge a task's result; returns its frontier.  Its pieces are decoded later
        (:meth:`decode`).  The task log (id, parent tasks, seconds of work, pieces) is what
        :mod:`benchmarks.scaling` schedules on simulated workers."""
        decoded = DecodedResult(self.ring, raw)
        parents = sorted({o.parent for o in items if o.parent is not None})
        self.log.append((task, parents, sum(raw["seconds"]), decoded.count))
        self.pieces += decoded.count
        if decoded.count:
            self.pending.append(decoded)
        self.result.pruned.extend(r for r, _ in decoded.pruned)
        self.result.undecided.extend(r for r, _ in decoded.undecided)
        if self.saved is not None:
            self.saved.record(raw)
        for layer, count in raw["oracle"].items():
            self.oracle[layer] = self.oracle.get(layer, 0) + count
        self.durations.extend(raw["seconds"])
        self.pids.add(raw["pid"])
        self.exhausted |= raw["exhausted"]
        return [_Open(p, c, parent=task) for p, c in decoded.frontier]

    def decode(self, limit: int | None = None) -> None:
        """Decode up to ``limit`` of the pieces that came back (None: all of them)."""
        while self.pending and (limit is None or limit > 0):
            decoded = self.pending[0]
            pieces = decoded.pieces(limit)
            self.result.pieces.extend(pieces)
            if limit is not None:
                limit -= len(pieces)
            if not decoded.left:
                self.pending.popleft()


def split_on(executor: Executor | None, graph, substitution: Mapping[sympy.Symbol, Any], *, samples: int,
             seed: int, passes: Sequence[Mapping[str, Any]], budget: Budget, workers: int | None = None,
             checkpoint: str | os.PathLike | None = None, progress: bool | None = None,
             slice_seconds: float | None = None, run: Callable = run_task) -> SplitResult:
    """The case split of ``graph`` by tasks on ``executor`` (or a pool of ``workers`` processes made
    here, and shut down at the end); see the module docstring.  ``run`` is the task function
    (:func:`~symattn.compiler.tasks.run_task`; a stand-in that fails on purpose tests the retries).
    ``slice_seconds`` defaults to :data:`SLICE`."""
    ring = spline_frame(graph, substitution)[2]
    job = job_data(graph, substitution, samples=samples, seed=seed, passes=passes)
    key = job_key(job)
    saved = Checkpoint(checkpoint, key, job) if checkpoint is not None else None
    merged = _Merged(ring, saved)
    open_ = _Queue()
    if saved is not None and saved.exists():
        pieces, pruned = saved.load()
        merged.result.pieces.extend(pieces)
        merged.pieces += len(pieces)
        merged.result.pruned.extend(pruned)
        open_.extend(_Open(p, c) for p, c in saved.reopened)
        merged.result.stats["resumed"] = dict(pieces=len(pieces), emptiness=len(pruned), reopened=len(saved.reopened))
    else:
        open_.extend([_Open(Prefix(), ())])
    own = workers is not None
    pool = local_pool(workers) if own else executor or InProcessExecutor()
    capacity = _capacity(pool)
    bar = _Progress(progress)
    start = time.monotonic()
    deadline = None if budget.seconds is None else start + budget.seconds
    running: dict[Future, tuple[dict, list[_Open], int]] = {}
    interrupted = stopped = False
    tasks = sent = lost = 0

    def left() -> Budget:
        seconds = None if deadline is None else max(0.0, deadline - time.monotonic())
        regions = None if budget.regions is None else max(0, budget.regions - merged.pieces)
        return Budget(seconds=seconds, regions=regions, memory=budget.memory)

    def out_of_budget() -> bool:
        b = left()
        return (b.seconds is not None and b.seconds <= 0) or b.regions == 0 or merged.exhausted

    def submit(items: list[_Open], task: dict | None = None, tid: int | None = None,
               with_job: bool = False) -> None:
        nonlocal tasks, pool, own
        if task is None:
            fanning = len(open_) + len(running) < capacity
            task = task_data(key, [o.prefix for o in items], budget=left(), walk=not items[0].prefix.tried,
                             seconds=FIRST_SLICE if fanning else SLICE if slice_seconds is None else slice_seconds)
            tid, tasks = tasks, tasks + 1
        try:
            try:
                future = pool.submit(run, task, job if with_job else None)
            except BrokenExecutor:          # a pool broken by a dead process: a fresh one of the same size
                pool, own = _replace(pool, own, capacity), True
                future = pool.submit(run, task, job if with_job else None)
        except BaseException:               # Ctrl-C inside an in-process task: its prefixes stay open
            open_.extendleft(items)
            raise
        running[future] = (task, items, tid)

    try:
        while open_ or running:
            if out_of_budget():
                stopped = True
                break
            # the serial order, cheapest first: no question while the walk may still grow, and no
            # question of pass k + 1 while pass k has some under way; but a worker with nothing of
            # those to do takes the next kind of work rather than idle
            while open_ and len(running) < 2 * capacity and (len(running) < capacity or open_.cheapest() <= min(
                    (_Queue._rank(o) for _, items, _ in running.values() for o in items[:1]), default=99)):
                size = max(1, min(MAX_BATCH, math.ceil(open_.waiting() / (2 * capacity))))
                submit(open_.take(size))
            # the pieces that came back are decoded while the workers are busy, a chunk at a time
            done, _ = wait(list(running), timeout=0 if merged.pending else 0.5, return_when=FIRST_COMPLETED)
            if not done and merged.pending:
                merged.decode(DECODE_CHUNK)
            for future in done:
                task, items, tid = running.pop(future)
                try:
                    raw = future.result()
                except BaseException as error:                  # noqa: BLE001 - sorted out just below
                    if not _lost_worker(error):
                        raise
                    lost += 1
                    _retry(items, open_, merged, str(error) or type(error).__name__)
                    continue
                if "missing" in raw:                            # a worker without the job: send it along
                    sent += 1
                    submit(items, task, tid, with_job=True)
                    continue
                open_.extend([items[k] for k in raw["untouched"]] + merged.add(raw, tid, items))
            if saved is not None:
                saved.write([o.prefix for o in open_] + [o.prefix for _, items, _ in running.values() for o in items])
            bar.update(merged.pieces, len(open_) + len(running), time.monotonic() - start)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for future, (_, items, _) in list(running.items()):
            if interrupted or future.cancel():
                open_.extendleft(items)
                running.pop(future)
        for future in list(running):                            # out of budget: they stop at it themselves
            task, items, tid = running.pop(future)
            try:
                raw = future.result()
            except BaseException:                               # noqa: BLE001 - lost at the very end
                raw = {"missing": None}
            if "missing" in raw:
                open_.extendleft(items)
            else:
                open_.extend([items[k] for k in raw["untouched"]] + merged.add(raw, tid, items))
        if own:
            pool.shutdown(wait=not interrupted, cancel_futures=True)
    merged.decode()
    reason = "interrupted" if interrupted else "budget exhausted"
    for o in open_:
        merged.result.undecided.append(UndecidedCase(o.conditions, ("not decided: " if o.prefix.tried else
                                                                    "not explored: ") + reason))
    result = merged.result
    result.pieces.sort(key=lambda leaf: tuple(-s for s in leaf.pattern))
    for records in (result.undecided, result.pruned):
        records.sort(key=branch_order)
    if saved is not None:
        saved.write([o.prefix for o in open_], force=True)
    bar.update(len(result.pieces), len(result.undecided), time.monotonic() - start, final=bar.shown)
    result.stats.update(seconds=time.monotonic() - start, exhausted=stopped or merged.exhausted or bool(open_),
                        interrupted=interrupted, oracle=merged.oracle, tasks=tasks, task_seconds=merged.durations, task_log=merged.log,
                        workers=len(merged.pids), job_sent=sent, job_bytes=len(json.dumps(job)), lost=lost,
                        frontier=[o.prefix.to_data() for o in open_])
    return result


class InProcessExecutor(Executor):
    """Runs each task in this process when it is submitted (a compile with a checkpoint and no workers)."""

    _max_workers = 1

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except KeyboardInterrupt:
            raise
        except BaseException as error:          # noqa: BLE001 - handed to the caller through the future
            future.set_exception(error)
        return future


def _replace(pool: Executor, own: bool, capacity: int) -> Executor:
    """A broken standard-library pool, replaced by a fresh one of the same size (ours from now on)."""
    if own:
        pool.shutdown(wait=False, cancel_futures=True)
    return local_pool(capacity)


def _retry(items: list[_Open], open_: _Queue, merged: _Merged, why: str) -> None:
    """Queue the prefixes of a lost task again, or record them undecided after :data:`MAX_TRIES`."""
    for o in items:
        o.tries += 1
        if o.tries < MAX_TRIES:
            open_.extendleft([o])
        else:
            merged.result.undecided.append(UndecidedCase(o.conditions, f"not explored: its worker was lost "
                                                                       f"{o.tries} times ({why})"))
