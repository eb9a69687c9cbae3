"""Run one benchmark case in this process and print one JSON line.

The baseline runs after symattn in the same process; the peak memory is
read before the baseline starts.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time

from benchmarks import models
from benchmarks.baseline import BaselineSplitter
from symattn import compile
from symattn.compiler.casesplit import Budget
from symattn.compiler.pipeline import compile_graph
from symattn.compiler.pool import SamplePool
from symattn.semialg.poly import polynomial_ring

CASES = {
    "ffn_2_8": (lambda: models.generic_ffn(2, 8), 1, 60.0),
    "attention_n3_p2": (lambda: models.relu_attention(2), 3, 60.0),
    "attention_n3_p3": (lambda: models.relu_attention(3), 3, 60.0),
    "attention_n4_p3": (lambda: models.relu_attention(3), 4, 60.0),
    "encoder_block_n2_p2": (lambda: models.encoder_block(2, 4), 2, 60.0),
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_compile(name: str, seconds: float | None) -> dict:
    build, n, cap = CASES[name]
    graph = build().trace(n=n)
    budget = Budget(seconds=seconds or cap)
    t = time.perf_counter()
    spline = compile_graph(graph, budget=budget, progress=False)
    ours = time.perf_counter() - t
    row = dict(case=name, regions=len(spline), complete=spline.complete, undecided=len(spline.undecided),
               seconds=ours, peak_mb=peak_mb())
    ring = spline.ring
    splitter = BaselineSplitter(ring, SamplePool.random(ring, 1), Budget(seconds=cap))
    inputs = spline.symbolic_inputs
    t = time.perf_counter()
    base = splitter.run(graph, inputs)
    row.update(base_regions=len(base.pieces), base_undecided=len(base.undecided),
               base_complete=not base.undecided, base_seconds=time.perf_counter() - t)
    return row


def run_realize(example: str) -> dict:
    """Realize a named target (symattn.realize.examples), compile it back and prove it equal."""
    from symattn.realize.examples import bench_row

    row = bench_row(example)
    return dict(case=row["case"], regions=row["regions"], complete=row["complete"],
                undecided=0 if row["complete"] else None, seconds=row["realize_seconds"] + row["verify_seconds"],
                peak_mb=peak_mb(), base_regions=None, base_complete=None, base_seconds=None, base_undecided=None,
                proved=row["proved"],
                note=(f"{row['blocks']} blocks, {row['heads']} heads, width {row['width']}, {row['hidden']} units; "
                      f"realize {row['realize_seconds']:.2f} s + verify {row['verify_seconds']:.2f} s"))


def run_piece_at() -> dict:
    from symattn.interpret import ExactInterpreter
    from symattn.spline import Spline

    model = models.encoder(4, 4)
    graph = model.trace(n=4)
    spline = compile_graph(graph, budget=Budget(regions=0), progress=False)
    rng = random.Random(1)
    points = [models.random_point(rng, 4, 4) for _ in range(20)]
    t = time.perf_counter()
    for X in points:
        spline.piece_at(X)
    ours = (time.perf_counter() - t) / len(points)
    t = time.perf_counter()
    for X in points[:5]:
        ExactInterpreter().run(graph, {"x": X})
    base = (time.perf_counter() - t) / 5
    return dict(case="piece_at_encoder4_n4_p4", regions=None, complete=None, undecided=None,
                seconds=ours, peak_mb=peak_mb(), base_seconds=base, base_regions=None,
                base_complete=None, base_undecided=None, note="per query; baseline: sympy exact interpreter")


if __name__ == "__main__":
    name = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else None
    if name == "piece_at":
        row = run_piece_at()
    elif name.startswith("realize_"):
        row = run_realize(name[len("realize_"):])
    else:
        row = run_compile(name, seconds)
    print(json.dumps(row))
