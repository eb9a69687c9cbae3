r"""The claims of "Attention is a smoothed cubic spline" (Lai, Lim, Liu, 2024), checked on concrete instances.

:func:`paper_claims` runs symattn's own procedures on small exact models and
returns one :class:`ClaimCheck` per claim: the claim as the paper states it,
the instance it was checked on, the method, the verdict and what was found.
Nothing is typed in: every verdict is computed when the function runs (it
takes a few seconds), and a claim that a procedure cannot settle is
reported ``UNDECIDED``, never ``PROVED``.  The instances prove the claims
*for those instances*; the paper's theorems are about all weights.

``symattn paper`` prints the table, ``symattn paper --latex F`` writes it as
a LaTeX ``tabular``; the notebook ``05-the-paper-checked.ipynb`` shows it.

>>> rows = paper_claims(only=("feed-forward",))
>>> rows[0].verdict, rows[0].instance
('PROVED', 'FeedForward ℝ¹ˣ² → ℝ¹ˣ¹, 3 hidden units (the walls are lines)')
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import sympy

from .compiler import compile
from .errors import InputError
from .nn import (Attention, CrossAttention, Decoder, DecoderBlock, Encoder, EncoderBlock, FeedForward, MaskedAttention,
                 Transformer)
from .proofs import prove_continuous, prove_degree, smoothness
from .realize import CPWL, MaxMin, UnivariateSpline, realize
from .smoothing import EPSILON, deviation_polynomials, enclose, smooth, softplus_bound
from .smoothing.intervals import interval, interval_precision

from mpmath import iv

__all__ = ["ClaimCheck", "paper_claims", "paper_table", "paper_latex", "CLAIMS"]

PROVED, REFUTED, UNDECIDED = "PROVED", "REFUTED", "UNDECIDED"


@dataclass(frozen=True)
class ClaimCheck:
    """One row: ``claim`` (the paper's statement), ``instance``, ``method``, ``verdict``, ``found``, ``seconds``."""

    key: str
    claim: str
    instance: str
    method: str
    verdict: str
    found: str
    seconds: float


def _verdict(*proofs) -> str:
    """REFUTED when a proof is refuted; PROVED when every proof (or completeness flag) holds; else UNDECIDED.

    An incomplete compile is undecided, never a refutation.
    """
    if any(getattr(p, "refuted", False) for p in proofs):
        return REFUTED
    return PROVED if all(bool(p) for p in proofs) else UNDECIDED


# -- the instances (exact, small, fixed) -------------------------------------------
_Q = [[2, -1], [1, 1]]
_K = [[1, 0], [-1, 2]]
_V = [[1, 2], [0, -1]]


def _spline_claim(model, n: int, d: int, instance: str, note: str = "") -> tuple[str, str, str, str]:
    """A complete compile, degree ``d`` proved (bound and a rational line), continuity proved."""
    spline = compile(model, n=n, progress=False)
    degree = prove_degree(spline, d)
    continuous = prove_continuous(spline)
    return (instance, "complete compile; prove_degree (upper bound and a rational line); prove_continuous",
            _verdict(spline.complete, degree, continuous),
            f"{len(spline)} regions{note}, complete={spline.complete}, degree {spline.degree}; "
            f"{degree.verdict} degree {d}; {continuous.verdict} continuous")


def _attention():
    return _spline_claim(Attention(_Q, _K, _V), 3, 3, "Attention ℝ³ˣ² → ℝ³ˣ², Q, K, V of rank 2")


def _masked():
    return _spline_claim(MaskedAttention([[1]], [[1]], [[1]]), 3, 3, "causal MaskedAttention ℝ³ˣ¹ → ℝ³ˣ¹")


def _cross():
    model = CrossAttention([[1, 1]], [[1, 2]], [[2]])
    spline = compile(model, n=2, m=1, progress=False)
    ys = [v for v in spline.variables if str(v).startswith("y")]
    zs = [v for v in spline.variables if str(v).startswith("z")]
    in_y = max(sympy.Poly(p.value[0, 0], *ys).total_degree() for p in spline.pieces)
    in_z = max(sympy.Poly(p.value[0, 0], *zs).total_degree() for p in spline.pieces)
    degree = prove_degree(spline, 3)
    ok = spline.complete and in_y == 1 and in_z == 2 and bool(degree)
    return ("CrossAttention, Y ∈ R^{1×1} (decoder), Z ∈ R^{2×1} (encoder)",
            "complete compile; exact degrees of every piece in Y and in Z; prove_degree",
            PROVED if ok else (REFUTED if spline.complete and (in_y > 1 or in_z > 2) else UNDECIDED),
            f"{len(spline)} regions; degree {in_y} in Y, {in_z} in Z, {spline.degree} jointly")


def _feedforward():
    model = FeedForward([[1, -1, 2], [2, 1, -1]], [0, 1, -1], [[1], [-1], [2]], None)
    return _spline_claim(model, 1, 1, "FeedForward ℝ¹ˣ² → ℝ¹ˣ¹, 3 hidden units (the walls are lines)",
                         " (Zaslavsky: 1 + 3 + 3 = 7)")


def _cube_block():
    return EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], None, [[0]], None))


def _encoder_block():
    model = EncoderBlock(Attention([[1, 0], [1, -1]], [[0, 1], [1, 1]], [[1, "1/2"], [0, -1]]),
                         FeedForward([[1, -1], [1, 1]], [0, 1], [[1, 0], [0, 1]], None))
    return _spline_claim(model, 2, 3, "EncoderBlock (attention + FFN, residuals) on ℝ²ˣ²")


def _each(named: dict[str, Any]) -> tuple[str, str]:
    """The verdict of several proofs together, and each one's verdict by name."""
    return _verdict(*named.values()), "; ".join(f"{name}: {proof.verdict}" for name, proof in named.items())


def _stacks():
    named = {f"L={L}, degree {3 ** L}": prove_degree(Encoder([_cube_block()] * L), 3 ** L, n=1) for L in (1, 2, 3)}
    return ("Encoder of L blocks x ↦ x + x³ (one token), L = 1, 2, 3",
            "prove_degree: the max-plus rule table bounds, a rational line attains", *_each(named))


def _decoder_and_transformer():
    attn = dict(Q=[[1]], K=[[1]], V=[[1]])
    block = DecoderBlock(MaskedAttention(**attn), CrossAttention(**attn), FeedForward([[1]], [1], [[1]], None))
    dec = compile(block, n=1, m=2, progress=False)
    tf = Transformer(Encoder([EncoderBlock(Attention(**attn), FeedForward([[1]], None, [[-1]], None))]),
                     Decoder([block]))
    spline = compile(tf, n=1, m=1, progress=False)
    return ("DecoderBlock (m=2, n=1, p=1) and a 1-block Transformer (n=m=1, p=1)",
            "complete compiles",
            _verdict(dec.complete, spline.complete),
            f"decoder block: {len(dec)} regions, degree {dec.degree}, complete={dec.complete}; "
            f"transformer: {len(spline)} regions, degree {spline.degree}, complete={spline.complete}")


def _smoothed():
    model = Attention(_Q, _K, _V)
    X = [[1, "1/2"], [-1, 2]]
    exact = model(X)
    polys = deviation_polynomials(model, X)
    held = []
    for beta in (1, 10, 100, 1000):
        bound = softplus_bound(model, X, beta)
        enclosures = sum(enclose(smooth(model, "softplus", beta), X), [])
        ok = True
        with interval_precision(50):
            eps = iv.log(2) / beta              # log 2 / β enclosed rigorously
            for box, value, poly in zip(enclosures, exact, polys):
                limit = sum((interval(c) * eps ** k for (k,), c in sympy.Poly(poly, EPSILON).terms()),
                            interval(0))
                ok &= bool(abs(box - interval(value)).b <= limit.a)
        held.append((beta, ok, max(bound)))
    smooth_expr = smooth(model, "softmax").symbolic(n=2)
    analytic = not smooth_expr.atoms(sympy.Piecewise, sympy.Max, sympy.Min, sympy.Abs)
    ok = all(h for _, h, _ in held) and analytic
    return ("Attention with SoftPlus_β and with SoftMax in place of ReLU",
            "smooth(); the symbolic expression has no case split (exp, log, rational ops: C^∞); "
            "the exact SoftPlus bound checked by 50-digit interval arithmetic",
            PROVED if ok else REFUTED,
            "softmax/softplus expressions are analytic; |smooth − relu| ≤ bound at X for β = "
            + ", ".join(f"{b} (bound {sympy.N(m, 3)})" for b, _, m in held))


def _converse():
    x = sympy.Symbol("x", real=True)
    y = sympy.Symbol("y", real=True)
    targets = {
        "max–min (hat)": MaxMin([[0], [x + 1, 1 - x]], [x]),
        "univariate cubic spline": UnivariateSpline([0, 1], [0, x ** 3, 3 * x - 2], x),
        "CPWL on 2 cells": CPWL([[x - y > 0], [x - y < 0]], [x, y], [x, y]),
    }
    named = {name: realize(target).verify() for name, target in targets.items()}
    return ("Every spline with a max–min certificate is a ReLU encoder (under Pierce–Birkhoff)",
            "realize() builds exact weights; verify() compiles them back and proves equality region by region",
            *_each(named))


def _walls():
    spline = compile(Attention(_Q, _K, _V), n=2, progress=False)
    proof = smoothness(spline)
    verdict = PROVED if proof.proved and proof.order == 0 else (UNDECIDED if not proof.proved else REFUTED)
    return ("ReLU attention across its walls (the paper's \"cubic spline\" read as piecewise cubic and continuous)",
            "smoothness(): the exact order of contact of adjacent pieces on every wall",
            verdict,
            f"{proof.claim}: continuous but not C^1, so not a cubic spline in the classical C^2 sense; "
            "the paper's splines are C^0 piecewise polynomials (MATH.md §1), which this refines")


#: key -> (the paper's claim, the check)
CLAIMS: dict[str, tuple[str, Callable[[], tuple[str, str, str, str]]]] = {
    "attention": ("ReLU attention is a cubic spline", _attention),
    "masked": ("masked attention is a cubic spline", _masked),
    "cross": ("cross attention is a cubic spline: degree 1 in Y and 2 in Z", _cross),
    "feed-forward": ("a feed-forward layer is a linear spline", _feedforward),
    "encoder block": ("an encoder block is a spline of degree 3", _encoder_block),
    "stacks": ("L encoder blocks have degree ≤ 3^L, and 3^L is attained", _stacks),
    "decoder": ("a decoder block and a transformer are splines", _decoder_and_transformer),
    "smoothing": ("SoftPlus or SoftMax in place of ReLU give C^∞ functions (the smoothed spline)", _smoothed),
    "converse": ("the converse: splines are ReLU encoders", _converse),
    "walls": ("smoothness across walls", _walls),
}


def paper_claims(only: Sequence[str] | None = None) -> list[ClaimCheck]:
    """Check each claim now (or those named in ``only``, keys of :data:`CLAIMS`)."""
    keys = list(CLAIMS) if only is None else list(only)
    unknown = [k for k in keys if k not in CLAIMS]
    if unknown:
        raise InputError("paper claims", f"unknown claims {unknown}; choose from {list(CLAIMS)}")
    rows = []
    for key in keys:
        claim, check = CLAIMS[key]
        start = time.perf_counter()
        instance, method, verdict, found = check()
        rows.append(ClaimCheck(key, claim, instance, method, verdict, found, time.perf_counter() - start))
    return rows


def paper_table(rows: Sequence[ClaimCheck]) -> str:
    """The rows as plain text, one block per claim."""
    out = []
    for r in rows:
        out += [f"[{r.verdict}] {r.claim}", f"    instance: {r.instance}", f"    method:   {r.method}",
                f"    found:    {r.found} ({r.seconds:.1f} s)"]
    proved = sum(r.verdict == PROVED for r in rows)
    out.append(f"{proved} of {len(rows)} claims proved on their instances")
    return "\n".join(out)


def paper_latex(rows: Sequence[ClaimCheck]) -> str:
    """The rows as a LaTeX ``tabular`` (plain LaTeX: no packages beyond the article class)."""
    from .export.latex import escape

    lines = [r"\begin{tabular}{p{0.28\linewidth}p{0.28\linewidth}p{0.28\linewidth}l}",
             r"claim & instance & method & verdict \\ \hline"]
    for r in rows:
        lines.append(" & ".join(escape(s) for s in (r.claim, r.instance, r.method)) + f" & {r.verdict} \\\\")
    lines.append(r"\end{tabular}")
    return "\n".join(lines)
