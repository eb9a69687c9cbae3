"""The ``symattn`` command.

* ``symattn demo [--out DIR]``: the main job on the built-in default model:
  trace, evaluate, compile, then write ``.json``, ``.tex`` and ``.png``
  files into ``./symattn-demo/`` (and, with :mod:`symattn.realize`, build
  the hat function's encoder and prove it);
* ``symattn compile MODEL.json [--n N] [--m M] [--latex F] [--plot F] [--json F] [--budget S] [--memory MiB]``;
* ``symattn info MODEL.json``: the model, its weights and its graph;
* ``symattn realize CERT.json [--json F] [--latex F]``: an encoder from a
  max–min certificate, with its proof.

Exit status: 0 on success; 3 when a compile is incomplete (the files are
still written and say so) or a proof does not go through; 2 on bad input,
with a one-line message and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from .errors import InputError, SymattnError

__all__ = ["main", "EXIT_OK", "EXIT_BAD_INPUT", "EXIT_INCOMPLETE"]

EXIT_OK, EXIT_BAD_INPUT, EXIT_INCOMPLETE = 0, 2, 3


class BadInput(SymattnError):
    """A command-line argument that cannot be used (a file that cannot be written, a bad option)."""


# -- shared steps -----------------------------------------------------------------
def _shown(path: Path) -> str:
    """``path`` relative to the current directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _write(path: Path, what: str, action) -> None:
    """Run ``action(path)`` (which writes the file), then report it at once: the report is the progress."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        action(path)
    except OSError as e:
        raise BadInput(f"cannot write {path}: {e.strerror or e}") from None
    print(f"  {_shown(path)}: {what}", flush=True)


def _summary(spline, show: int) -> str:
    from .export.latex import latex_options

    with latex_options(max_pieces=show):
        return str(spline)


def _budget(args: argparse.Namespace):
    """The compile's :class:`~symattn.Budget` from ``--budget`` (seconds) and ``--memory`` (MiB)."""
    from .compiler import Budget

    memory = None if args.memory is None else int(args.memory * 2**20)
    return Budget(seconds=args.budget, memory=memory)


def _compile(model, budget, progress, n: int | None = None, m: int | None = None):
    """Compile a model (or a traced graph); a model too large says which token counts fit."""
    from .compiler import compile

    return compile(model, n=n, m=m, budget=budget, progress=progress)


def _incomplete_note(spline) -> str:
    return (f"INCOMPLETE: {len(spline.undecided)} sign systems were not decided; "
            "the pieces listed need not cover the input space, and the files say so")


def _plane_of(spline, plane: str | None, origin: str | None):
    """(origin, directions) for a picture: a plane through ``origin`` along two variables."""
    names = [str(v) for v in spline.variables]
    if plane is None:
        if len(names) <= 2:
            return None, None
        chosen = names[:2]
    else:
        chosen = [p.strip() for p in plane.split(",")]
        unknown = [c for c in chosen if c not in names]
        if unknown or len(chosen) not in (1, 2):
            raise BadInput(f"--plane takes one or two of the variables {', '.join(names)}; got {plane!r}")
    try:
        point = json.loads(origin) if origin else {}
    except json.JSONDecodeError as e:
        raise BadInput(f"--origin is a JSON object such as '{{\"x[0,1]\": \"1/2\"}}': {e}") from None
    if not isinstance(point, dict):
        raise BadInput("--origin is a JSON object such as '{\"x[0,1]\": \"1/2\"}'")
    return point, [{c: 1} for c in chosen]


# -- demo ---------------------------------------------------------------------------
def _demo(args: argparse.Namespace) -> int:
    import sympy

    from .export.document import export_latex
    from .export.model_file import save_model
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
    spline = _compile(graph, _budget(args), args.progress)
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

    out = Path(args.out)
    print(f"\nwriting files into {_shown(out)}/")
    plane = [{"x[0,0]": 1}, {"x[1,0]": 1}]
    line = [{"x[0,0]": 1, "x[1,1]": "1/2"}]
    _write(out / "model.json", "the model file: architecture and exact weights",
           lambda p: save_model(model, p, n=2))
    _write(out / "spline.json", "the spline: regions, witnesses, pieces (Spline.from_json re-checks them)",
           spline.to_json)
    _write(out / "spline.tex", "a LaTeX document of the spline (pdflatex spline.tex)",
           lambda p: export_latex(spline, p, title="The spline of symattn's default model"))
    _write(out / "model.tex", "a LaTeX document of the model's weights", lambda p: export_latex(model, p))
    _write(out / "regions.png", "the regions on the plane X + s·e(x[0,0]) + t·e(x[1,0])",
           lambda p: spline.plot(DEFAULT_INPUT, plane, extent=(-3, 3)).savefig(p, dpi=110, bbox_inches="tight"))
    _write(out / "line.png", "the spline along X + t·(e(x[0,0]) + e(x[1,1])/2), knots at exact roots",
           lambda p: spline.plot(DEFAULT_INPUT, line, extent=(-3, 3)).savefig(p, dpi=110, bbox_inches="tight"))
    _write(out / "graph.png", "the expression graph", lambda p: graph.draw().savefig(p, dpi=110, bbox_inches="tight"))
    status = EXIT_OK if spline.complete else EXIT_INCOMPLETE
    realized = _demo_realize(out)
    return status if realized else EXIT_INCOMPLETE


def _demo_realize(out: Path) -> bool:
    """With symattn.realize: the hat function as an encoder, and its proof. True when proved (or skipped)."""
    try:
        from .realize import MaxMin, realize
    except ImportError:
        return True
    import sympy

    from .export.document import export_latex
    from .export.realize_file import realization_to_json

    x = sympy.Symbol("x")
    hat = MaxMin([[0], [x + 1, 1 - x]], [x])
    print(f"\nrealising the hat function f(x) = {hat} as an encoder")
    realization = realize(hat)
    print(realization.describe())
    proof = realization.verify()
    print(proof.summary())
    _write(out / "hat.json", "the hat function's encoder: certificate and exact weights",
           lambda p: realization_to_json(realization, p))
    _write(out / "hat.tex", "a LaTeX document of the encoder's weights and the proof",
           lambda p: export_latex([realization, proof], p))
    return bool(proof.proved)


# -- compile / info ------------------------------------------------------------------
def _load(path: str):
    from .export.model_file import read_model

    return read_model(path)


def _tokens(doc, n: int | None, m: int | None) -> tuple[int | None, int | None]:
    """The token counts: the command line's, else the file's."""
    return (n if n is not None else doc.n), (m if m is not None else doc.m)


def _missing_tokens(doc, n: int | None, m: int | None) -> bool:
    """True when the model needs a token count that neither the command line nor the file gives."""
    names = set(doc.model.input_names)
    return (n is None and bool(names & {"x", "z"})) or (m is None and "y" in names)


def _traced(doc, n: int | None, m: int | None):
    n, m = _tokens(doc, n, m)
    try:
        return doc.model.trace(n=n, m=m)
    except (ValueError, TypeError) as e:
        hint = " (give --n/--m or put \"n\"/\"m\" in the model file)" if _missing_tokens(doc, n, m) else ""
        raise BadInput(f"{e}{hint}") from None


def _compile_command(args: argparse.Namespace) -> int:
    from .export.document import export_latex

    doc = _load(args.model)
    graph = _traced(doc, args.n, args.m)
    spline = _compile(doc.model, _budget(args), args.progress, *_tokens(doc, args.n, args.m))
    print(_summary(spline, args.show))
    if args.json or args.latex or args.plot:
        print("writing:")
    if args.json:
        _write(Path(args.json), "the spline (JSON)", spline.to_json)
    if args.latex:
        _write(Path(args.latex), "a LaTeX document of the spline", lambda p: export_latex(spline, p))
    if args.plot:
        origin, directions = _plane_of(spline, args.plane, args.origin)
        what = "the spline along a line" if len(directions or spline.variables) == 1 else "the region map"
        _write(Path(args.plot), what, lambda p: spline.plot(origin, directions).savefig(p, dpi=110, bbox_inches="tight"))
    if not spline.complete:
        print(_incomplete_note(spline))
        return EXIT_INCOMPLETE
    return EXIT_OK


def _relu_count(total: int, kept: int) -> str:
    return f"{total} ReLU entries" + (f" ({kept} kept by the mask)" if kept < total else "")


def _info(args: argparse.Namespace) -> int:
    from .compiler.pipeline import kept_relu_entries, relu_entries

    doc = _load(args.model)
    print(f"{args.model}: {type(doc.model).__name__}"
          + (f", parameters {', '.join(map(str, doc.model.parameters))}" if doc.model.parameters else ""))
    print(doc.model)
    n, m = _tokens(doc, args.n, args.m)
    if _missing_tokens(doc, n, m):
        print("\n(no token count: give --n/--m, or \"n\"/\"m\" in the file, to see the traced graph)")
        return EXIT_OK
    graph = _traced(doc, n, m)
    graph.lint()
    print(f"\ntraced with n={n}" + (f", m={m}" if m is not None else "")
          + f": {len(graph)} nodes, {_relu_count(relu_entries(graph), kept_relu_entries(graph))}, "
          f"{len(graph.variables)} variables")
    print(graph)
    return EXIT_OK


# -- paper ---------------------------------------------------------------------------
def _paper(args: argparse.Namespace) -> int:
    from .paper import PROVED, paper_claims, paper_latex, paper_table

    rows = paper_claims(only=args.claim or None)
    print(paper_table(rows))
    if args.latex:
        _write(Path(args.latex), "the table of claims", lambda path: path.write_text(paper_latex(rows) + "\n"))
    return EXIT_OK if all(r.verdict == PROVED for r in rows) else EXIT_INCOMPLETE


# -- realize -------------------------------------------------------------------------
def _realize_command(args: argparse.Namespace) -> int:
    from .export.document import export_latex
    from .export.realize_file import load_certificate, realization_to_json
    from .realize import realize

    certificate = load_certificate(args.certificate)
    print(f"certificate: f = {certificate}")
    realization = realize(certificate)
    print(realization.describe())
    proof = realization.verify()
    print(proof.summary())
    if args.json or args.latex:
        print("writing:")
    if args.json:
        _write(Path(args.json), "the realization (JSON: certificate and exact weights)",
               lambda p: realization_to_json(realization, p))
    if args.latex:
        _write(Path(args.latex), "a LaTeX document of the encoder and its proof",
               lambda p: export_latex([realization, proof], p))
    return EXIT_OK if proof.proved else EXIT_INCOMPLETE


# -- the parser --------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit status 2, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog.split()[0]} --help)\n")


def _seconds(text: str) -> float:
    """``--budget``: seconds, a number ≥ 0 (the check :class:`~symattn.Budget` makes)."""
    from .compiler.limits import check_limits, seconds_of

    try:
        check_limits(seconds_of(text), None, None)
    except InputError as e:
        raise argparse.ArgumentTypeError(e.reason) from None
    return float(text)


def _mebibytes(text: str) -> float:
    """``--memory``: a positive number of MiB."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 1 / 2**20:
        raise argparse.ArgumentTypeError(f"is a memory limit in MiB, a positive number, got {text!r}")
    return value


def _count(text: str) -> int:
    """``--n``, ``--m``, ``--show``: a positive whole number."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--budget", type=_seconds, default=None, help="compile time limit in seconds (a number ≥ 0)")
    p.add_argument("--memory", type=_mebibytes, default=None,
                   help="compile memory limit in MiB (default 1024); larger models are refused before they start")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show the compile status line (default: only in a terminal)")


def _realize_available() -> bool:
    try:
        import symattn.realize  # noqa: F401
    except ImportError:
        return False
    return True


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="symattn", description="Exact splines from ReLU transformers.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="run the main job on the built-in default model")
    _common(demo)
    demo.add_argument("--show", type=_count, default=3, help="how many regions to print")
    demo.add_argument("--out", default="symattn-demo", help="folder for the files (default: ./symattn-demo)")
    demo.set_defaults(run=_demo)

    comp = sub.add_parser("compile", help="compile a model file to its exact spline")
    comp.add_argument("model", help="model file (.json or .toml)")
    comp.add_argument("--n", type=_count, default=None, help="encoder tokens (overrides the file)")
    comp.add_argument("--m", type=_count, default=None, help="decoder tokens (overrides the file)")
    comp.add_argument("--json", metavar="F", help="write the spline as JSON")
    comp.add_argument("--latex", metavar="F", help="write a LaTeX document of the spline")
    comp.add_argument("--plot", metavar="F", help="write a picture (PNG, PDF or SVG by the name)")
    comp.add_argument("--plane", help="the picture's variables, e.g. 'x[0,0],x[1,0]' (default: the first two)")
    comp.add_argument("--origin", help="the picture's origin, a JSON object such as '{\"x[0,1]\": \"1/2\"}'")
    comp.add_argument("--show", type=_count, default=8, help="how many pieces to print")
    _common(comp)
    comp.set_defaults(run=_compile_command)

    info = sub.add_parser("info", help="describe a model file")
    info.add_argument("model", help="model file (.json or .toml)")
    info.add_argument("--n", type=_count, default=None, help="encoder tokens for the traced graph")
    info.add_argument("--m", type=_count, default=None, help="decoder tokens for the traced graph")
    info.set_defaults(run=_info)

    paper = sub.add_parser("paper", help="check the paper's claims on concrete instances, one table")
    paper.add_argument("--latex", metavar="F", help="write the table as a LaTeX tabular")
    paper.add_argument("--claim", action="append", help="check only this claim (repeatable)")
    paper.set_defaults(run=_paper)

    if _realize_available():
        real = sub.add_parser("realize", help="build an encoder from a max-min certificate file, and prove it")
        real.add_argument("certificate", help="certificate file (.json)")
        real.add_argument("--json", metavar="F", help="write the realisation as JSON")
        real.add_argument("--latex", metavar="F", help="write a LaTeX document of the encoder and its proof")
        real.set_defaults(run=_realize_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SymattnError as e:
        print(f"symattn: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
