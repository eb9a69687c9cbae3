"""The compile on 1 process, 2 processes and a Dask LocalCluster of 2 workers, and simulated scaling.

``python -m benchmarks.scaling [--seconds S] [--no-cluster]`` (``make bench`` runs it last):

1. **identical**: ReLU attention n=3, p=3, which completes, compiled in one
   process, on ``workers=2`` and on the cluster; the outputs are compared
   (regions: pattern and conditions; witnesses; the empty sign systems);
2. **throughput**: ReLU attention n=4, p=3 and an encoder block (n=2, p=2)
   with a budget of S seconds (default 60): regions per second, oracle
   questions answered per second, and their speed-ups against one process
   (at a budget, most regions come from the walk the sample pool witnesses,
   which every run finishes; what the extra workers buy shows in the questions);
3. **simulated scaling**: the tasks a 2-process run actually ran (their
   measured seconds of work, and which task's frontier each came from)
   are scheduled on k simulated workers, greedily, a task starting once the
   tasks it came from have finished; the speed-up at k is the one-worker
   time over the k-worker makespan.  The bound that holds it back is named:
   the longest chain of tasks (each waits for the one whose frontier it
   is), or the total work over k.  With more workers a real run would cut
   the tree finer than the 2-process run did, so this is a lower estimate
   for work-bound cases and an honest one for chain-bound ones.
"""

from __future__ import annotations

import argparse
import heapq
import sys
import time

import symattn
from benchmarks.models import encoder_block, relu_attention


def _regions(spline):
    return [(p.pattern, p.conditions) for p in spline.pieces]


def _witnesses(spline):
    return [tuple(p.witness.pairs) for p in spline.pieces]


def compare(a, b) -> str:
    """``yes`` when regions, witnesses and empty systems all agree; otherwise what does."""
    same_regions = _regions(a) == _regions(b)
    wa, wb = _witnesses(a), _witnesses(b)
    same_w = sum(x == y for x, y in zip(wa, wb)) if same_regions else 0
    same_empty = [e.conditions for e in a.emptiness] == [e.conditions for e in b.emptiness]
    if same_regions and same_w == len(wa) and same_empty:
        return "yes"
    return (f"regions {'yes' if same_regions else 'NO'}, witnesses {same_w}/{len(wa)}, "
            f"empty systems {'yes' if same_empty else 'NO'}")


def run(model, n, seconds, **options):
    t = time.perf_counter()
    spline = symattn.compile(model, n=n, budget=seconds, progress=False, **options)
    return spline, time.perf_counter() - t


def simulate(log, k: int) -> float:
    """Makespan of the task log on ``k`` workers (greedy list scheduling in order of readiness)."""
    finish: dict[int, float] = {}
    free = [0.0] * k
    pending = sorted(log, key=lambda t: t[0])
    for tid, parents, work, _ in pending:       # a parent always has a smaller id than its children
        ready = max((finish[p] for p in parents), default=0.0)
        start = max(ready, heapq.heappop(free))
        finish[tid] = start + work
        heapq.heappush(free, finish[tid])
    return max(finish.values(), default=0.0)


def chain(log) -> float:
    """The longest chain of tasks, each waiting for the ones whose frontier it is."""
    longest: dict[int, float] = {}
    for tid, parents, work, _ in sorted(log, key=lambda t: t[0]):
        longest[tid] = work + max((longest[p] for p in parents), default=0.0)
    return max(longest.values(), default=0.0)


def table(header, rows) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
    print(flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scaling")
    ap.add_argument("--seconds", type=float, default=60.0, help="the budget of the throughput runs")
    ap.add_argument("--no-cluster", action="store_true", help="skip the Dask LocalCluster")
    args = ap.parse_args()
    configs = [("1 process", {}), ("2 processes", {"workers": 2})]
    cluster = client = None
    if not args.no_cluster:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            print("dask[distributed] is not installed: no LocalCluster rows (pip install 'symattn[dask]')\n")
        else:
            cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster)
            configs.append(("LocalCluster, 2 workers", {"executor": client.get_executor()}))
    logs = {}
    try:
        rows = []
        base = None
        for name, options in configs:
            spline, s = run(relu_attention(3), 3, None, **options)
            base = base or (spline, s)
            rows.append([name, len(spline), "yes" if spline.complete else "no", f"{s:.1f}",
                         f"{base[1] / s:.2f}x", compare(base[0], spline)])
            if name == "2 processes":
                logs["attention n=3, p=3 (complete)"] = spline.stats["task_log"]
        print("ReLU attention n=3, p=3, compiled to completion:")
        table(["run", "regions", "complete", "s", "speed-up", "identical to 1 process"], rows)
        for label, model, n in (("ReLU attention n=4, p=3", relu_attention(3), 4),
                                ("encoder block n=2, p=2", encoder_block(2), 2)):
            rows, base = [], None
            for name, options in configs:
                spline, s = run(model, n, args.seconds, **options)
                rate = len(spline) / s
                asked = sum(spline.stats.get("oracle", {}).values()) / s
                base = base or (rate, asked)
                rows.append([name, len(spline), len(spline.undecided), f"{s:.1f}", f"{rate:.1f}",
                             f"{rate / base[0]:.2f}x", f"{asked:.1f}", f"{asked / base[1]:.2f}x" if base[1] else "-",
                             spline.stats.get("tasks", "-")])
                if name == "2 processes":
                    logs[f"{label}, {args.seconds:.0f} s"] = spline.stats["task_log"]
            print(f"{label}, budget {args.seconds:.0f} s:")
            table(["run", "regions", "undecided", "s", "regions/s", "speed-up", "questions/s", "speed-up",
                   "tasks"], rows)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    rows = []
    for label, log in logs.items():
        work = sum(t[2] for t in log)
        one = simulate(log, 1)
        longest = chain(log)
        cells = []
        for k in (2, 8, 64, 512):
            span = simulate(log, k)
            cells.append(f"{one / span:.1f}x")
        bound = "longest chain" if longest >= work / 512 else "work / k"
        rows.append([label, len(log), f"{work:.1f}", f"{max(t[2] for t in log):.2f}", f"{longest:.1f}",
                     *cells, f"{work / longest:.1f}x ({bound})"])
    print("Simulated scaling (the 2-process runs' tasks on k workers):")
    table(["tasks of", "tasks", "work s", "longest task s", "longest chain s", "k=2", "k=8", "k=64", "k=512",
           "limit"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
