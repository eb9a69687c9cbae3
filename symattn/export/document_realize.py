r"""Document bodies for :mod:`symattn.realize`: certificates, realizations, proofs.

>>> import sympy
>>> from symattn.realize import MaxMin
>>> from symattn.export.document import latex_document
>>> x = sympy.Symbol("x")
>>> print(latex_document(MaxMin([[0], [x + 1, 1 - x]], [x]), standalone=False))
\section*{A max--min certificate}
<BLANKLINE>
The function is a maximum of minima of polynomials in $x$ (Pierce--Birkhoff form).
<BLANKLINE>
\begin{align*}
f &= \max\bigl(0,\\
&\qquad \min\left(x + 1, 1 - x\right)\bigr)
\end{align*}
"""

from __future__ import annotations

from sympy.printing.latex import LatexPrinter

from ..realize import MaxMin, Proof, Realization
from .bodies import document_body
from .formats_realize import maxmin_lines
from .latex import escape
from ..latex_names import indexed_names

__all__ = []


@document_body.register
def _(m: MaxMin, printer: LatexPrinter) -> list[str]:
    with indexed_names(printer, m.variables):
        names = ", ".join(printer._print(v) for v in m.variables)
        return ["\\section*{A max--min certificate}",
                f"The function is a maximum of minima of polynomials in ${names}$ (Pierce--Birkhoff form).",
                "\\begin{align*}\n" + "\\\\\n".join(maxmin_lines(m, printer)) + "\n\\end{align*}"]


@document_body.register
def _(r: Realization, printer: LatexPrinter) -> list[str]:
    with indexed_names(printer, r.variables):
        s = r.sizes
        out = [f"\\section*{{An encoder realising $f$ ({escape(r.construction)} construction)}}",
               f"The target is\n\\[\nf = {printer._print(r.source)}\n\\]",
               f"The encoder has {s.blocks} blocks, {s.heads} attention heads switched on, token width "
               f"{s.width} and {s.hidden} hidden units. Its input is one token $X = ({', '.join(printer._print(v) for v in r.variables)})$; "
               "the embedding places it in the slots below and the readout reads one slot."]
        if r.certificate is not None and r.certificate is not r.source:
            out.append("It is built from the max--min certificate\n\\begin{align*}\n"
                       + "\\\\\n".join(maxmin_lines(r.certificate, printer)) + "\n\\end{align*}")
        out.append("What each slot holds, and what each block computes:\n\\begin{itemize}\n"
                   + "\n".join(f"\\item {escape(line.strip())}" for line in r.describe().splitlines()[1:])
                   + "\n\\end{itemize}")
        out += document_body(r.model, printer)
        return out


@document_body.register
def _(proof: Proof, printer: LatexPrinter) -> list[str]:
    items = []
    for c in proof.checks:
        how = f" ({c.method})" if c.method else ""
        line = f"\\item \\textbf{{{c.status}}}: {escape(c.name + how)}" + (f": {escape(c.details)}" if c.details else "")
        if c.counterexample:
            line += "; counterexample $" + ",\\ ".join(
                f"{printer._print(k)} = {printer._print(v)}" for k, v in c.counterexample) + "$"
        items.append(line)
    return [f"\\section*{{Proof: {escape(proof.verdict)}}}", f"Claim: {escape(proof.claim)}.",
            "\\begin{itemize}\n" + "\n".join(items or ["\\item (no checks)"]) + "\n\\end{itemize}"]
