"""The ``symattn`` command.

``symattn demo`` runs the main job on the built-in default model.
Exit status: 0 on success, 2 on bad input (one line, no traceback),
3 when a compile is incomplete.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .errors import SymattnError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    import sympy

    from .compiler import compile
    from .models import DEFAULT_INPUT, default_model

    model = default_model()
    graph = model.trace(n=2)
    graph.lint()
    print("symattn demo: the default model is one encoder block")
    print("  Y = X + σ(X Q Kᵀ Xᵀ) X V,  out = Y + σ(Y W1 + 1 b1ᵀ) W2   (n = 2 tokens, p = 2 features)")
    print()
    print(graph)
    print()
    X = sympy.Matrix(DEFAULT_INPUT)
    print(f"exact output at X = {X.tolist()}: {model(X).tolist()}")
    print()
    spline = compile(model, n=2, budget=args.budget)
    print(f"compiled: {len(spline)} regions, degree {spline.degree}, "
          f"{'complete (every other sign pattern proven empty)' if spline.complete else 'INCOMPLETE'}, "
          f"{len(spline.undecided)} undecided, {len(spline.merge())} distinct pieces, "
          f"{spline.stats['seconds']:.2f} s")
    for k, piece in enumerate(spline.pieces[: args.show]):
        print(f"\nregion {k}: {piece.region.as_relational()}")
        print(f"  witness: {{{', '.join(f'{s}: {v}' for s, v in piece.witness.items())}}}")
        for i in range(piece.value.rows):
            print(f"  out[{i}] = {list(piece.value.row(i))}")
    if len(spline) > args.show:
        print(f"\n... and {len(spline) - args.show} more regions")
    at = spline.piece_at(X)
    print(f"\nthe spline at X: {spline(X).tolist()} (region {spline.pieces.index(at.piece) if at.piece else 'on a wall'})")
    return 0 if spline.complete else 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symattn", description="Exact splines from ReLU transformers.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the main job on the built-in default model")
    demo.add_argument("--budget", type=float, default=None, help="compile time limit in seconds")
    demo.add_argument("--show", type=int, default=3, help="how many regions to print")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SymattnError as e:
        print(f"symattn: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
