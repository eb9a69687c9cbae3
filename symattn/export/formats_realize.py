r"""How the objects of :mod:`symattn.realize` print: realizations, proofs, certificates.

* :class:`~symattn.realize.Realization`: what it realizes, its sizes and its
  modules (embedding, encoder, readout with their exact weights);
* :class:`~symattn.realize.Proof`: the verdict and every check;
* :class:`~symattn.realize.MaxMin` prints itself; in a document it is laid
  out one ``min`` group per line.

A class opts in to ``sympy.latex``/``str`` through these functions by
inheriting :class:`~symattn.printable.Printable`; documents
(:func:`~symattn.export.document.export_latex`) use them either way.

>>> from sympy.printing.latex import LatexPrinter
>>> from symattn.realize import Check, Proof
>>> proof = Proof("1 + 1 = 2", (Check.passed("arithmetic", "exact", "2 == 2"),))
>>> print(proof_latex(proof, LatexPrinter()))
\begin{aligned}[t]
&\textbf{PROVED}\text{: 1 + 1 = 2}\\
&\quad [\text{passed}]\ \text{arithmetic (exact): 2 == 2}
\end{aligned}
"""

from __future__ import annotations

from ..realize import MaxMin, Proof, Realization
from ..nn.sequential import Sequential
from .formats_nn import Anatomy, anatomy
from .latex import lines_block, text
from ..latex_names import indexed_names
from ..printable import LATEX, TEXT, formatter

__all__ = ["proof_latex", "realization_latex", "maxmin_lines"]


@anatomy.register
def _(m: Sequential) -> Anatomy:
    parts = tuple((f"M_{{\\text{{{name}}}}}", f"M[{name}]", name, module) for name, module in zip(m.names, m.modules))
    chain_t = " \\circ ".join(f"M_{{\\text{{{name}}}}}" for name in reversed(m.names))
    chain_p = " ∘ ".join(f"M[{name}]" for name in reversed(m.names))
    return Anatomy(f"\\text{{out}} = {chain_t}(X)", f"out = {chain_p}(X)", (), parts)


def _check_line(check, printer) -> str:
    how = f" ({check.method})" if check.method else ""
    line = f"\\quad [\\text{{{check.status}}}]\\ {text(check.name + how + (': ' + check.details if check.details else ''))}"
    if check.counterexample:
        point = ",\\ ".join(f"{printer._print(k)} = {printer._print(v)}" for k, v in check.counterexample)
        line += f";\\ \\text{{counterexample }} {point}"
    return line


@formatter(Proof, LATEX)
def proof_latex(proof: Proof, printer) -> str:
    return lines_block([f"\\textbf{{{proof.verdict}}}{text(': ' + proof.claim)}"]
                       + [_check_line(c, printer) for c in proof.checks])


@formatter(Proof, TEXT)
def proof_text(proof: Proof, printer) -> str:
    return proof.summary()


def _sizes(r: Realization) -> str:
    s = r.sizes
    return (f"{s.blocks} blocks, {s.heads} attention heads, token width {s.width}, "
            f"{s.hidden} hidden units")


@formatter(Realization, LATEX)
def realization_latex(r: Realization, printer) -> str:
    with indexed_names(printer, r.variables):
        lines = [f"\\text{{realization ({r.construction}) of }} f = {printer._print(r.source)}",
                 text(_sizes(r))]
        if r.certificate is not None and r.certificate is not r.source:
            lines.append(f"\\text{{certificate: }} f = {printer._print(r.certificate)}")
        lines.append(f"\\text{{model: }} {printer._print(r.model)}")
        return lines_block(lines)


@formatter(Realization, TEXT)
def realization_text(r: Realization, printer) -> str:
    return r.describe()


def maxmin_lines(m: MaxMin, printer) -> list[str]:
    r"""``f = \max(`` then one ``\min`` group per line, for an ``align*``."""
    groups = []
    for g in m.terms:
        inner = ", ".join(printer._print(t) for t in g)
        groups.append(inner if len(g) == 1 else f"\\min\\left({inner}\\right)")
    if len(groups) == 1:
        return [f"f &= {groups[0]}"]
    return ["f &= \\max\\bigl(" + groups[0] + ","] + [f"&\\qquad {g}," for g in groups[1:-1]] + [
        f"&\\qquad {groups[-1]}\\bigr)"]
