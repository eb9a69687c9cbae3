"""``make bench``: one table, symattn against the plain z3 baseline in the same run.

Each case runs in a fresh process (so peak memory is per case); inside it
symattn runs first, then the baseline.  ``python -m benchmarks CASE ...``
runs only the named cases; ``--seconds S`` changes the compile budget.
The case ``corpus`` runs :mod:`benchmarks.corpus` (every decision procedure
and the portfolio on the corpus of hard systems) and prints its own table;
the case ``scaling`` runs :mod:`benchmarks.scaling` (1 process, 2 processes
and a Dask LocalCluster, and simulated scaling) and prints its tables.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from benchmarks.models import RANDOM_SEEDS
from benchmarks.run_case import CASES
from symattn.realize.examples import EXAMPLES as REALIZE_EXAMPLES

REALIZE_CASES = [f"realize_{name}" for name in REALIZE_EXAMPLES]

TARGETS = {
    "ffn_2_8": "37 regions, complete, < 0.5 s",
    "attention_n3_p2": "complete, < 2 s",
    "attention_n3_p3": "complete, 0 undecided, < 60 s",
    "attention_n4_p3": ">= 20,000 witnessed regions in 60 s, < 2 GB",
    "encoder_block_n2_p2": "complete, < 30 s",
    **{f"random_block_s{s}": "complete, < 60 s" for s in RANDOM_SEEDS},
    **{f"random_attention_n3_p3_s{s}": "complete, < 30 s" for s in RANDOM_SEEDS},
    "transformer_n1_m1": "complete",
    "transformer_n2_m1": "complete",
    "piece_at": "< 100 ms per query",
    **{case: "proved, < 60 s (realize + verify)" for case in REALIZE_CASES},
    "prove_equal": "proved, fewer questions than all pairs",
    "degree_bound": "< 1 s, 729 attained",
}


def _fmt(v, digits=2):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("cases", nargs="*",
                    default=list(CASES) + ["piece_at", "prove_equal", "degree_bound"] + REALIZE_CASES
                    + ["corpus", "scaling"])
    ap.add_argument("--seconds", type=float, default=None, help="compile budget per case")
    args = ap.parse_args()
    corpus, scaling = "corpus" in args.cases, "scaling" in args.cases
    args.cases = [c for c in args.cases if c not in ("corpus", "scaling")]
    header = ["case", "regions", "complete", "undecided", "seconds", "peak MB",
              "base regions", "base complete", "base s", "ratio", "target", "note"]
    rows = []
    for name in args.cases:
        cmd = [sys.executable, "-m", "benchmarks.run_case", name]
        if args.seconds:
            cmd.append(str(args.seconds))
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            rows.append([name, "error"] + [""] * (len(header) - 2))
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        if "proved" in r:                 # a proof: the verdict, and the speed-up when there is a baseline
            ratio = ("proved" if r["proved"] else "NOT proved") + (
                f", {r['base_seconds'] / r['seconds']:.0f}x faster" if r.get("base_seconds") else "")
        elif r["base_regions"] is None and r["regions"] is not None:
            ratio = "-"
        elif r["regions"] is None or (r["complete"] and r["base_complete"]):
            ratio = f"{r['base_seconds'] / r['seconds']:.1f}x faster"
        else:
            ratio = f"{r['regions'] / max(1, r['base_regions']):.1f}x regions"
        rows.append([r["case"], _fmt(r["regions"]), _fmt(r["complete"]), _fmt(r["undecided"]),
                     _fmt(r["seconds"], 3), _fmt(r["peak_mb"], 0), _fmt(r["base_regions"]),
                     _fmt(r["base_complete"]), _fmt(r["base_seconds"], 3), ratio, TARGETS.get(name, ""),
                     r.get("note", "")])
        print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    if corpus:
        print()
        sys.stdout.flush()
        subprocess.run([sys.executable, "-m", "benchmarks.corpus"], check=False)
    if scaling:
        print()
        sys.stdout.flush()
        extra = ["--seconds", str(args.seconds)] if args.seconds else []
        subprocess.run([sys.executable, "-m", "benchmarks.scaling", *extra], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
