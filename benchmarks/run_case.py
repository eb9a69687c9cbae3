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
from symattn.semialg.pool import SamplePool
from symattn.semialg.poly import polynomial_ring

#: name -> (model builder, n, budget in seconds[, m]); the random-weight cases have no baseline
CASES = {
    "ffn_2_8": (lambda: models.generic_ffn(2, 8), 1, 60.0),
    "attention_n3_p2": (lambda: models.relu_attention(2), 3, 60.0),
    "attention_n3_p3": (lambda: models.relu_attention(3), 3, 60.0),
    "attention_n4_p3": (lambda: models.relu_attention(3), 4, 60.0),
    "encoder_block_n2_p2": (lambda: models.encoder_block(2, 4), 2, 60.0),
    **{f"random_block_s{s}": ((lambda s=s: models.random_block(s)), 2, 60.0) for s in models.RANDOM_SEEDS},
    **{f"random_attention_n3_p3_s{s}": ((lambda s=s: models.relu_attention(3, s)), 3, 30.0)
       for s in models.RANDOM_SEEDS},
    "transformer_n1_m1": (lambda: models.random_transformer(), 1, 120.0, 1),
    "transformer_n2_m1": (lambda: models.random_transformer(), 2, 120.0, 1),
}
BASELINE = ("ffn_2_8", "attention_n3_p2", "attention_n3_p3", "attention_n4_p3", "encoder_block_n2_p2")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_compile(name: str, seconds: float | None) -> dict:
    build, n, cap, *m = CASES[name]
    graph = build().trace(n=n, m=m[0] if m else None)
    budget = Budget(seconds=seconds or cap)
    t = time.perf_counter()
    spline = compile_graph(graph, budget=budget, progress=False)
    ours = time.perf_counter() - t
    row = dict(case=name, regions=len(spline), complete=spline.complete, undecided=len(spline.undecided),
               seconds=ours, peak_mb=peak_mb())
    if name not in BASELINE:
        undecided = [u for u in spline.undecided if "budget exhausted" not in u.reason]
        return dict(row, base_regions=None, base_undecided=None, base_complete=None, base_seconds=None,
                    note=f"{len(spline.undecided) - len(undecided)} unasked, {len(undecided)} asked and open")
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


def _rescaled_permuted(block):
    """The same block built differently: hidden units reversed, and σ(2z)/2 = σ(z) in each."""
    from symattn.nn import EncoderBlock, FeedForward

    f = block.feedforward
    order = list(range(f.W1.cols))[::-1]
    b1 = None if f.b1 is None else 2 * f.b1[:, order]
    return EncoderBlock(block.attention, FeedForward(2 * f.W1[:, order], b1, f.W2[order, :] / 2, f.b2))


def run_prove_equal() -> dict:
    """prove_equal on two 1-block encoders (n=2, p=2) built differently; baseline: every pair of
    regions with different polynomials sent to the same oracle, without the condition tree."""
    from symattn.nn import Encoder
    from symattn.proofs import prove_equal
    from symattn.proofs.forms import aligned, spline_form
    from symattn.semialg.decide import emptiness

    block = models.encoder_block(2, 2, seed=2)
    a, b = Encoder([block]), Encoder([_rescaled_permuted(block)])
    t = time.perf_counter()
    sa = compile_graph(a.trace(n=2), progress=False)
    sb = compile_graph(b.trace(n=2), progress=False)
    compiled = time.perf_counter() - t
    t = time.perf_counter()
    proof = prove_equal(sa, sb)
    ours = time.perf_counter() - t
    peak = peak_mb()
    fa = spline_form(sa, "a")
    fb, _ = aligned(fa, spline_form(sb, "b"))
    t = time.perf_counter()
    pairs = [(pa, pb) for pa in fa.pieces for pb in fb.pieces if pa.polys != pb.polys]
    for pa, pb in pairs:
        emptiness(fa.ring, pa.conditions + pb.conditions, hint=pa.witness)
    base = time.perf_counter() - t
    return dict(case="prove_equal_encoder1_n2_p2", regions=len(sa) + len(sb), complete=proof.complete,
                undecided=0 if proof.complete else None, seconds=ours, peak_mb=peak, base_seconds=base,
                base_regions=None, base_complete=None, base_undecided=None, proved=proof.proved,
                note=(f"{len(sa)} x {len(sb)} regions: {proof.stats['questions']} overlap questions, "
                      f"baseline {len(pairs)} pairs; compiles {compiled:.1f} s"))


def run_degree_bound() -> dict:
    """degree_bound on a 6-block encoder (n=4, p=4); baseline: piece_at + the lazily computed
    polynomial of that piece, on the largest prefix of blocks that finishes (2 blocks)."""
    from symattn.proofs import degree_bound, prove_degree

    model = models.encoder(6, 4)
    t = time.perf_counter()
    bound = degree_bound(model, n=4)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    attained = prove_degree(model, bound.degree, n=4, points=4)
    line = time.perf_counter() - t
    peak = peak_mb()
    graph = models.encoder(2, 4).trace(n=4)
    spline = compile_graph(graph, budget=Budget(regions=0), progress=False)
    X = models.random_point(random.Random(1), 4, 4)
    t = time.perf_counter()
    polys = spline.piece_at(X).polys
    lazy = max(max((sum(m) for m in g.monoms()), default=0) for row in polys for g in row)
    base = time.perf_counter() - t
    return dict(case="degree_bound_encoder6_n4_p4", regions=None, complete=None, undecided=None,
                seconds=ours, peak_mb=peak, base_seconds=base, base_regions=None, base_complete=None,
                base_undecided=None, proved=bound.proved and attained.proved,
                note=(f"degree {bound.degree} = 3^6, attained (a line through a rational point) in {line:.2f} s; "
                      f"baseline: lazy piece polynomial of 2 blocks only (degree {lazy})"))


if __name__ == "__main__":
    name = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else None
    if name == "piece_at":
        row = run_piece_at()
    elif name == "prove_equal":
        row = run_prove_equal()
    elif name == "degree_bound":
        row = run_degree_bound()
    elif name.startswith("realize_"):
        row = run_realize(name[len("realize_"):])
    else:
        row = run_compile(name, seconds)
    print(json.dumps(row))
