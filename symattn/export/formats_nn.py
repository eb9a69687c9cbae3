r"""How the modules of :mod:`symattn.nn` print: their formula, weights and parts.

Each module type has one :func:`anatomy`: the formula it computes (LaTeX
and plain text), its exact weights and its sub-modules.  The LaTeX and
text printers, and the document export (one section per module path), are
all built from it.

>>> import sympy
>>> from symattn.nn import FeedForward
>>> ffn = FeedForward([[1, -1]], None, [[1], [1]], None)
>>> print(sympy.latex(ffn))
\begin{aligned}[t]
&\mathrm{FeedForward}\colon \varphi(X) = \sigma\left(X W_{1}\right) W_{2}\\
&\quad W_{1} = \left[\begin{matrix}1 & -1\end{matrix}\right],\ W_{2} = \left[\begin{matrix}1\\1\end{matrix}\right]
\end{aligned}
>>> print(ffn)
FeedForward: φ(X) = σ(X W1) W2
  W1 = [[1, -1]]
  W2 = [[1], [1]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any, Iterator

import sympy

from ..nn import (Attention, CrossAttention, Decoder, DecoderBlock, Encoder, EncoderBlock, FeedForward,
                  LayerNorm, Linear, MultiHeadAttention, Transformer)
from ..nn.base import Module, join
from .latex import lines_block, visual_width, options
from ..printable import LATEX, TEXT, formatter

__all__ = ["Anatomy", "anatomy", "walk_modules", "weight_tex", "fill_items"]


@dataclass(frozen=True)
class Anatomy:
    """What a module computes: ``tex`` / ``plain`` formula, weights and parts.

    ``weights`` holds ``(latex name, text name, value)``; ``parts`` holds
    ``(latex symbol, text symbol, path segment, module)``.
    """

    tex: str
    plain: str
    weights: tuple[tuple[str, str, Any], ...] = ()
    parts: tuple[tuple[str, str, str, Module], ...] = field(default=())


def _bias(tex: str, plain: str, bias) -> tuple[str, str]:
    return ("", "") if bias is None else (f" + \\mathbf{{1}} {tex}^{{\\top}}", f" + 1 {plain}ᵀ")


def _weights(module, names: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str, Any], ...]:
    """``(attribute, latex name, text name)`` triples to (latex, text, value), skipping None."""
    return tuple((tex, plain, getattr(module, attr)) for attr, tex, plain in names
                 if getattr(module, attr) is not None)


def _activation(activation: str) -> tuple[str, str]:
    if activation == "relu":
        return r"\sigma", "σ"
    if activation == "softmax":
        return r"\operatorname{softmax}", "softmax"
    if activation == "softplus":
        return r"\operatorname{softplus}_{\beta}", "softplus_β"
    return "", ""


def _beta(m) -> tuple[tuple[str, str, Any], ...]:
    """The softplus sharpness, listed with the weights when it is used."""
    return ((r"\beta", "β", m.beta),) if m.activation == "softplus" else ()


@singledispatch
def anatomy(module: Module) -> Anatomy:
    """The formula, weights and sub-modules of ``module``."""
    name = type(module).__name__
    return Anatomy(f"\\mathrm{{{name}}}", name)


@anatomy.register
def _(m: Linear) -> Anatomy:
    bt, bp = _bias("b", "b", m.b)
    return Anatomy(f"X \\mapsto X W{bt}", f"X ↦ X W{bp}", _weights(m, (("W", "W", "W"), ("b", "b", "b"))))


@anatomy.register
def _(m: FeedForward) -> Anatomy:
    act_t, act_p = _activation(m.activation)
    b1t, b1p = _bias("b_{1}", "b1", m.b1)
    b2t, b2p = _bias("b_{2}", "b2", m.b2)
    weights = _weights(m, (("W1", "W_{1}", "W1"), ("b1", "b_{1}", "b1"), ("W2", "W_{2}", "W2"), ("b2", "b_{2}", "b2")))
    weights += _beta(m)
    return Anatomy(f"\\varphi(X) = {act_t}\\left(X W_{{1}}{b1t}\\right) W_{{2}}{b2t}",
                   f"φ(X) = {act_p}(X W1{b1p}) W2{b2p}", weights)


@anatomy.register(Attention)
@anatomy.register(CrossAttention)
def _(m) -> Anatomy:
    cross = isinstance(m, CrossAttention)
    q_in, kv_in = ("Y", "Z") if cross else ("X", "X")
    act_t, act_p = _activation(m.activation)
    scale_t, scale_p = ("", "") if m.scale == 1 else ("c\\, ", "c·")

    def proj(src: str, W: str, bias) -> tuple[str, str]:
        if bias is None:
            return f"{src} {W}", f"{src} {W}"
        return f"\\left({src} {W} + \\mathbf{{1}} b_{{{W.lower()}}}^{{\\top}}\\right)", f"({src} {W} + 1 b{W.lower()}ᵀ)"

    (qt, qp), (kt, kp), (vt, vp) = proj(q_in, "Q", m.bq), proj(kv_in, "K", m.bk), proj(kv_in, "V", m.bv)
    mask_t, mask_p = "", ""
    if m.mask is not None:
        mask_t, mask_p = (r" \odot M_{\text{causal}}", " ⊙ M_causal") if m.mask == "causal" else (r" \odot M", " ⊙ M")
    head_t = r"\beta(Y, Z)" if cross else r"\alpha(X)"
    head_p = "β(Y, Z)" if cross else "α(X)"
    weights = _weights(m, (("Q", "Q", "Q"), ("K", "K", "K"), ("V", "V", "V"),
                           ("bq", "b_{q}", "bq"), ("bk", "b_{k}", "bk"), ("bv", "b_{v}", "bv")))
    if m.mask is not None and m.mask != "causal":
        weights += (("M", "M", sympy.ImmutableMatrix([[int(v) for v in row] for row in m.mask])),)
    if m.scale != 1:
        weights += (("c", "c", m.scale),)
    weights += _beta(m)
    # (X K)ᵀ is Kᵀ Xᵀ; biased keys keep the bracket
    kt_T = f"{kt}^{{\\top}}" if m.bk is not None else f"K^{{\\top}} {kv_in}^{{\\top}}"
    kp_T = f"{kp}ᵀ" if m.bk is not None else f"Kᵀ {kv_in}ᵀ"
    return Anatomy(f"{head_t} = {act_t}\\left({scale_t}{qt} {kt_T}{mask_t}\\right) {vt}",
                   f"{head_p} = {act_p}({scale_p}{qp} {kp_T}{mask_p}) {vp}", weights)


@anatomy.register
def _(m: MultiHeadAttention) -> Anatomy:
    h = len(m.heads)
    bt, bp = _bias("b_{O}", "bO", m.b_O)
    out_t, out_p = (f" W_{{O}}{bt}", f" W_O{bp}") if m.W_O is not None else ("", "")
    parts = tuple((f"H_{{{k}}}", f"H{k}", f"head{k}", head) for k, head in enumerate(m.heads))
    return Anatomy(f"\\left[H_{{0}} \\mid \\cdots \\mid H_{{{h - 1}}}\\right]{out_t}" if h > 1 else f"H_{{0}}{out_t}",
                   f"[H0 | ... | H{h - 1}]{out_p}" if h > 1 else f"H0{out_p}",
                   _weights(m, (("W_O", "W_{O}", "W_O"), ("b_O", "b_{O}", "b_O"))), parts)


@anatomy.register
def _(m: LayerNorm) -> Anatomy:
    affine_t, affine_p = (r" \odot \gamma + \beta", " ⊙ γ + β") if m.gamma is not None else ("", "")
    return Anatomy(f"\\operatorname{{LN}}(r) = \\frac{{r - \\bar r}}{{\\sqrt{{\\operatorname{{var}}(r) + \\varepsilon}}}}{affine_t}",
                   f"LN(r) = (r - mean r) / sqrt(var r + ε){affine_p}",
                   _weights(m, (("eps", r"\varepsilon", "ε"), ("gamma", r"\gamma", "γ"), ("beta", r"\beta", "β"))))


def _norm_parts(norms, first: bool) -> tuple[tuple[str, str, str, Module], ...]:
    return tuple((f"N_{{{k + 1}}}", f"N{k + 1}", f"norm{k + 1}", n) for k, n in enumerate(norms) if n is not None)


def _norm_note(norms, first: bool) -> tuple[str, str]:
    if all(n is None for n in norms):
        return "", ""
    where = "pre-norm" if first else "post-norm"
    return f",\\ \\text{{with layer norms ({where})}}", f", with layer norms ({where})"


@anatomy.register
def _(m: EncoderBlock) -> Anatomy:
    nt, np_ = _norm_note(m.norm, m.norm_first)
    parts = (("A", "A", "attn", m.attention), (r"\varphi", "φ", "ffn", m.feedforward)) + _norm_parts(m.norm, m.norm_first)
    return Anatomy(f"Y = X + A(X),\\ \\text{{out}} = Y + \\varphi(Y){nt}", f"Y = X + A(X); out = Y + φ(Y){np_}",
                   (), parts)


@anatomy.register
def _(m: DecoderBlock) -> Anatomy:
    nt, np_ = _norm_note(m.norm, m.norm_first)
    parts = (("A", "A", "self_attn", m.self_attention), ("C", "C", "cross_attn", m.cross_attention),
             (r"\varphi", "φ", "ffn", m.feedforward)) + _norm_parts(m.norm, m.norm_first)
    return Anatomy(f"Y_{{1}} = Y + A(Y),\\ Y_{{2}} = Y_{{1}} + C(Y_{{1}}, Z),\\ \\text{{out}} = Y_{{2}} + \\varphi(Y_{{2}}){nt}",
                   f"Y1 = Y + A(Y); Y2 = Y1 + C(Y1, Z); out = Y2 + φ(Y2){np_}", (), parts)


def _block_parts(blocks) -> tuple:
    """Block k of a stack is written B_k, at module path ``k``."""
    return tuple((f"B_{{{k}}}", f"B{k}", str(k), blk) for k, blk in enumerate(blocks))


@anatomy.register
def _(m: Encoder) -> Anatomy:
    L = len(m.blocks)
    parts = _block_parts(m.blocks)
    if L == 1:
        return Anatomy(r"\text{out} = B_{0}(X)", "out = B0(X)", (), parts)
    return Anatomy(f"\\text{{out}} = B_{{{L - 1}}} \\circ \\cdots \\circ B_{{0}}(X)",
                   f"out = B{L - 1} ∘ ... ∘ B0(X)", (), parts)


@anatomy.register
def _(m: Decoder) -> Anatomy:
    L = len(m.blocks)
    parts = _block_parts(m.blocks)
    return Anatomy(f"Y_{{k+1}} = B_{{k}}(Y_{{k}}, Z),\\ k = 0, \\dots, {L - 1}",
                   f"Y_(k+1) = B_k(Y_k, Z), k = 0..{L - 1}", (), parts)


@anatomy.register
def _(m: Transformer) -> Anatomy:
    parts = (("E", "E", "encoder", m.encoder), ("D", "D", "decoder", m.decoder))
    if m.final is None:
        return Anatomy(r"\text{out} = D(Y, E(X))", "out = D(Y, E(X))", (), parts)
    parts += (("F", "F", "final", m.final),)
    return Anatomy(r"\text{out} = F(D(Y, E(X)))", "out = F(D(Y, E(X)))", (), parts)


def walk_modules(module: Module, path: str = "") -> Iterator[tuple[str, Module]]:
    """Every module of the tree with its path (``attn``, ``encoder.0.ffn``), root first."""
    yield path, module
    for _, _, segment, child in anatomy(module).parts:
        yield from walk_modules(child, join(path, segment))


def weight_tex(printer, name: str, value: Any) -> str:
    """``name = value`` with the value printed by the printer (matrices bracketed)."""
    return f"{name} = {printer._print(value)}"


def fill_items(items: list[str], sep: str) -> list[str]:
    """``items`` joined by ``sep`` into lines of the options' width."""
    lines, current = [], ""
    for item in items:
        candidate = f"{current}{sep}{item}" if current else item
        if current and visual_width(candidate) > options().width:
            lines.append(current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


@formatter(Module, LATEX)
def module_latex(module: Module, printer) -> str:
    a = anatomy(module)
    lines = [f"\\mathrm{{{type(module).__name__}}}\\colon {a.tex}"]
    weights = [weight_tex(printer, name, value) for name, _, value in a.weights]
    lines += [f"\\quad {line}" for line in fill_items(weights, r",\ ")]
    lines += [f"\\quad {symbol} = {printer._print(child)}" for symbol, _, _, child in a.parts]
    return lines_block(lines)


@formatter(Module, TEXT)
def module_text(module: Module, printer) -> str:
    a = anatomy(module)
    lines = [f"{type(module).__name__}: {a.plain}"]
    lines += [f"  {name} = {_plain_value(printer, value)}" for _, name, value in a.weights]
    for _, symbol, _, child in a.parts:
        child_lines = printer._print(child).split("\n")
        lines.append(f"  {symbol} = {child_lines[0]}")
        lines += ["  " + line for line in child_lines[1:]]
    return "\n".join(lines)


def _plain_value(printer, value: Any) -> str:
    """Matrices on one line, as nested lists."""
    if isinstance(value, sympy.MatrixBase):
        return printer._print(value.tolist())
    return printer._print(value)
