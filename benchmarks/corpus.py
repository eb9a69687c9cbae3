"""The corpus of hard sign systems: export it, and measure every procedure on it.

``python -m benchmarks.corpus export [--seconds S] [--sources NAME ...]``
compiles the benchmark models (all of :data:`SOURCES`, or the named ones)
with a short budget and writes the systems they leave undecided to
``benchmarks/corpus/`` (one SMT-LIB 2 file each, plus ``index.json``); the
files of the sources not named stay as they are.

``python -m benchmarks.corpus [--timeout T] [--procedures NAME ...]`` runs
each installed procedure alone, then the portfolio, on every file (or only
the named ones: solvers, ``portfolio``, ``sos``, ``oracle``), and prints per procedure
how many systems it decides (sat with an exact witness, or unsat) and the
median and maximum time of the decided ones.  A sat answer counts only when
its model passes the exact check.  ``sos`` (when cvxpy is installed) is the
sum-of-squares search with products of one, then two conditions
(:mod:`symattn.semialg.sos`): it decides only unsat, and only by a
certificate checked exactly.  ``oracle`` is the compile's own oracle passes
in turn (every structural layer, the witness search, then the portfolio),
given the file's generator names so that the layers that read tokens
(inertia, score frames) apply.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent / "corpus"

#: (name, model builder, its arguments, tokens n (and m), systems kept at most)
SOURCES = (
    ("relu_attention3", "relu_attention", (3,), 3, 20),
    ("encoder_block2", "encoder_block", (2, 4), 2, 20),
    ("random_block1", "random_block", (1,), 2, 5),
    ("random_block4", "random_block", (4,), 2, 5),
    ("transformer", "random_transformer", (), (1, 1), 1),
)


def export(seconds: float, only: tuple[str, ...] = ()) -> None:
    from benchmarks import models
    from symattn.compiler.casesplit import Budget
    from symattn.compiler.pipeline import compile_graph
    from symattn.semialg.poly import compile_poly
    from symattn.semialg.smtlib import write

    HERE.mkdir(exist_ok=True)
    chosen = [src for src in SOURCES if not only or src[0] in only]
    index = []
    if only and (HERE / "index.json").exists():
        index = [e for e in json.loads((HERE / "index.json").read_text())
                 if not any(e["file"].startswith(f"{src[0]}_") for src in chosen)]
    for name, *_ in chosen:
        for old in HERE.glob(f"{name}_*.smt2"):
            old.unlink()
    for name, builder, args, n, keep in chosen:
        n, m = n if isinstance(n, tuple) else (n, None)
        graph = getattr(models, builder)(*args).trace(n=n, m=m)
        spline = compile_graph(graph, budget=Budget(seconds=seconds), progress=False)
        names = [str(g) for g in spline.ring.gens]
        cases = sorted(spline.undecided, key=lambda u: (len(u.conditions), str(u.conditions)))
        for k, case in enumerate(cases[:keep]):
            system = []
            for g, s in case.conditions:
                ip = compile_poly(g)
                system.append(([(c, mon) for c, mon, _ in ip.terms], s if ip.scale > 0 else -s))
            file = f"{name}_{k:02d}.smt2"
            comment = (f"{builder}{args} at n={n}, undecided after a {seconds:g} s compile: {case.reason}\n"
                       + ", ".join(f"x{i} = {v}" for i, v in enumerate(names)))
            (HERE / file).write_text(write(system, len(names), comment=comment))
            index.append(dict(file=file, model=f"{builder}{args}", tokens=n, variables=len(names),
                              conditions=len(system), reason=case.reason))
        print(f"{name}: {len(spline)} regions, {len(spline.undecided)} undecided, kept {min(keep, len(cases))}",
              file=sys.stderr)
    index.sort(key=lambda e: e["file"])
    (HERE / "index.json").write_text(json.dumps(index, indent=1) + "\n")


def recorded_names(text: str, ngens: int) -> list[str]:
    """The model's generator names from an exported file's comment (``; x0 = X[0,0], x1 = ...``),
    or ``x0 .. x<ngens-1>`` when it names none."""
    import re

    for line in text.splitlines():
        if line.startswith("; x0 = "):
            found = dict(re.findall(r"x(\d+) = (.+?)(?=, x\d+ = |$)", line[2:]))
            if len(found) == ngens:
                return [found[str(i)] for i in range(ngens)]
    return [f"x{i}" for i in range(ngens)]


def ring_conditions(ngens: int, system, names: Sequence[str] = ()) -> list:
    """An SMT-LIB system (integer term lists over ``x0 .. x<ngens-1>``) as ring conditions, in a
    ring whose generators carry ``names`` (the model's, so that structure layers see the tokens)."""
    import sympy

    from symattn.semialg.poly import polynomial_ring

    R = polynomial_ring([sympy.Symbol(v) for v in names] if names else sympy.symbols(f"x0:{ngens}"))
    out = []
    for terms, sign in system:
        g = R.zero
        for c, mon in terms:
            e = [0] * ngens
            for i, k in mon:
                e[i] = k
            g += R.from_dict({tuple(e): c})
        out.append((g, sign))
    return out


def _sos_status(ngens: int, system, timeout: float) -> str:
    from symattn.semialg.sos import search

    return "unsat" if search(ring_conditions(ngens, system), (1, 2), timeout=timeout).certificate else "unknown"


def _oracle_status(ngens: int, system, names, timeout: float) -> str:
    """The compile's oracle passes (every layer, then the portfolio) in turn, within ``timeout``."""
    from symattn.compiler.pipeline import default_oracles
    from symattn.semialg.oracle import Feasible, Infeasible

    conds = ring_conditions(ngens, system, names)
    deadline = time.monotonic() + timeout
    for oracle in default_oracles(conds[0][0].ring):
        r = oracle.decide(conds, deadline=deadline)
        if isinstance(r, (Feasible, Infeasible)):
            return "sat" if isinstance(r, Feasible) else "unsat"
        if time.monotonic() > deadline:
            break
    return "unknown"


def measure(timeout: float, only: tuple[str, ...] = ()) -> list[dict]:
    from symattn.semialg.portfolio import Portfolio, available_procedures
    from symattn.semialg.smtlib import read
    from symattn.semialg.sos import available as sos_available

    index = json.loads((HERE / "index.json").read_text())
    texts = [(HERE / e["file"]).read_text() for e in index]
    systems = [read(t) for t in texts]
    names = [recorded_names(t, ngens) for t, (ngens, _) in zip(texts, systems)]
    rows = []
    labels = [(p, [p]) for p in available_procedures()] + [("portfolio", None)]
    labels += [("sos", "sos")] if sos_available() else []
    labels += [("oracle", "oracle")]
    for label, procs in [(label, procs) for label, procs in labels if not only or label in only]:
        portfolio = Portfolio(procs, cross_check=0 if procs else 1.0) if procs not in ("sos", "oracle") else None
        times, sat, unsat = [], 0, 0
        for (ngens, system), named in zip(systems, names):
            t = time.perf_counter()
            if procs == "oracle":
                status = _oracle_status(ngens, system, named, timeout)
            elif procs == "sos":
                status = _sos_status(ngens, system, timeout)
            else:
                status = portfolio.check(system, ngens, timeout=timeout).status
            if status != "unknown":
                times.append(time.perf_counter() - t)
            sat += status == "sat"
            unsat += status == "unsat"
        decided = times
        rows.append(dict(procedure=label, systems=len(systems), decided=sat + unsat, sat=sat, unsat=unsat,
                         median_s=statistics.median(decided) if decided else None,
                         max_s=max(decided) if decided else None))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.corpus")
    ap.add_argument("command", nargs="?", default="measure", choices=("measure", "export"))
    ap.add_argument("--seconds", type=float, default=20.0, help="compile budget for export")
    ap.add_argument("--sources", nargs="*", default=(), choices=[src[0] for src in SOURCES],
                    help="export only these sources")
    ap.add_argument("--timeout", type=float, default=10.0, help="time limit per system and procedure")
    ap.add_argument("--procedures", nargs="*", default=(),
                    help="measure only these (installed solvers, portfolio, sos, oracle)")
    args = ap.parse_args(argv)
    if args.command == "export":
        export(args.seconds, tuple(args.sources))
        return 0
    rows = measure(args.timeout, tuple(args.procedures))
    if not rows:
        print("none of the named procedures is installed", file=sys.stderr)
        return 1
    header = ["procedure", "systems", "decided", "sat", "unsat", "median s", "max s"]
    table = [[r["procedure"], r["systems"], r["decided"], r["sat"], r["unsat"],
              "-" if r["median_s"] is None else f"{r['median_s']:.2f}",
              "-" if r["max_s"] is None else f"{r['max_s']:.2f}"] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table)]
    print(f"corpus: {rows[0]['systems']} systems, at most {args.timeout:g} s per system and procedure; "
          "median and max over the decided ones")
    for row in [header] + table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
