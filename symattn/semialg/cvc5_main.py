"""``python cvc5_main.py FILE MILLISECONDS``: cvc5 on an SMT-LIB 2 file.

The PyPI wheel of cvc5 ships the Python API but no command-line binary; this
runner is the binary the portfolio starts in its own process.  It prints what
the solver prints (``sat``, then the ``get-value`` answer; or ``unsat`` /
``unknown``), using cylindrical algebraic coverings (``nl-cov``), cvc5's
complete procedure for nonlinear real arithmetic.
"""
from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    import cvc5

    path, ms = argv[0], int(argv[1])
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("produce-models", "true")
    solver.setOption("nl-cov", "true")
    solver.setOption("tlimit-per", str(max(1, ms)))
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    with open(path, encoding="utf-8") as fh:
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, fh.read(), path)
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        out = cmd.invoke(solver, symbols)
        if out:
            sys.stdout.write(out if out.endswith("\n") else out + "\n")
            sys.stdout.flush()
            if out.strip() in ("unsat", "unknown"):
                break
    return 0


if __name__ == "__main__":      # pragma: no cover - run as a separate process
    sys.exit(main(sys.argv[1:]))
