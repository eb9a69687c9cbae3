"""The shared table of models and inputs, and an independent numpy reference.

Every test that runs a model "on every case" takes its models from ``CASES``:
the interpreter tests now, the compile and realize tests later.  A case is a
small frozen record:

* ``name``: a readable id (used as the pytest id);
* ``build()``: a factory returning a *fresh* model (modules cache their
  traces, so tests that mutate graphs must not share models);
* ``n`` / ``m``: encoder tokens (rows of ``x`` and ``z``) / decoder tokens
  (rows of ``y``), ``m`` is None when the model has no ``y`` input;
* ``inputs(rng)``: random exact inputs, a dict ``{name: rows of Fractions}``
  in the order of the model's call, drawn from a seeded ``random.Random``;
* ``tags``: what the case contains (see ``TAGS``), so tests can select.

The numpy reference at the bottom (:func:`reference`) is written straight
from MATH.md §2–3 and the docstrings of ``symattn/nn/blocks.py``; it reads the
modules' (already exact) weights but never touches the graph or the
interpreters.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import sympy

from symattn.errors import NotASplineError, ShapeError, UnsupportedOperationError, WeightError
from symattn.nn import (
    Attention,
    CrossAttention,
    Decoder,
    DecoderBlock,
    Encoder,
    EncoderBlock,
    FeedForward,
    LayerNorm,
    Linear,
    MaskedAttention,
    MultiHeadAttention,
    Transformer,
)

__all__ = [
    "Case", "CASES", "Unsupported", "UNSUPPORTED", "HEAD", "module_paths", "CASES_BY_NAME", "TAGS", "cases_with", "cases_without",
    "rand_matrix", "rand_row", "rand_inputs", "rational_inputs",
    "reference", "to_float", "as_float_array", "substitution", "assert_close",
]

#: tags a case may carry
TAGS = frozenset({
    "relu",          # contains a ReLU (FFN or attention)
    "attention",     # contains an attention head
    "softmax",       # contains softmax attention (a smoothed spline; exact output has exp)
    "softplus",      # contains a softplus (exact output has log/exp)
    "layernorm",     # contains a layer norm (not a spline; exact output has sqrt)
    "algebraic",     # an irrational exact constant (scale sqrt(2))
    "causal",        # contains causally masked self-attention
    "mask",          # contains a mask (causal or explicit)
    "bias",          # has biases
    "cross",         # contains cross attention
    "multihead",     # contains a MultiHeadAttention
    "block",         # an encoder/decoder block or a stack of them
    "homogeneous3",  # bias-free self-attention: alpha(tX) = t^3 alpha(X)
})

# Exact numbers used for weights: small integers and simple fractions.
_ENTRIES = (
    -2, -1, -1, 0, 1, 1, 2, 3,
    Fraction(1, 2), Fraction(-1, 2), Fraction(1, 3), Fraction(-3, 4), Fraction(5, 4),
)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], Any]
    n: int
    m: int | None
    inputs: Callable[[random.Random], dict[str, list[list[Fraction]]]]
    tags: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        unknown = set(self.tags) - TAGS
        if unknown:
            raise ValueError(f"{self.name}: unknown tags {sorted(unknown)}")

    @property
    def spline(self) -> bool:
        """True when the model is piecewise polynomial (no softmax, softplus, layer norm)."""
        return not (self.tags & {"softmax", "softplus", "layernorm"})

    @property
    def rational(self) -> bool:
        """True when exact outputs at rational inputs are rational numbers."""
        return self.spline and "algebraic" not in self.tags

    def trace(self, model=None):
        model = self.build() if model is None else model
        return model.trace(n=self.n, m=self.m)

    def __repr__(self) -> str:  # short pytest ids / messages
        return f"Case({self.name})"


# ---------------------------------------------------------------------------
# random exact weights and inputs
# ---------------------------------------------------------------------------

def _rng(name: str) -> random.Random:
    """A generator seeded from the case name: weights are fixed per case."""
    return random.Random(zlib.crc32(name.encode()))


def rand_matrix(rng: random.Random, rows: int, cols: int, entries=_ENTRIES) -> list[list[Any]]:
    return [[rng.choice(entries) for _ in range(cols)] for _ in range(rows)]


def rand_row(rng: random.Random, length: int, entries=_ENTRIES) -> list[Any]:
    return [rng.choice(entries) for _ in range(length)]


def rand_inputs(rng: random.Random, shapes: dict[str, tuple[int, int]]) -> dict[str, list[list[Fraction]]]:
    """Random rationals p/q with |p| ≤ 9, 1 ≤ q ≤ 5, one matrix per input."""
    return {
        name: [[Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(c)] for _ in range(r)]
        for name, (r, c) in shapes.items()
    }


def rational_inputs(**shapes: tuple[int, int]) -> Callable[[random.Random], dict]:
    """``rational_inputs(x=(2, 3))``: a case's input generator (keyword order = call order)."""
    return lambda rng: rand_inputs(rng, shapes)


def _attn(rng, p, d, q, *, cls=Attention, p_kv=None, biases=False, **kw):
    p_kv = p if p_kv is None else p_kv
    extra = {}
    if biases:
        extra = dict(bq=rand_row(rng, d), bk=rand_row(rng, d), bv=rand_row(rng, q))
    return cls(Q=rand_matrix(rng, p, d), K=rand_matrix(rng, p_kv, d), V=rand_matrix(rng, p_kv, q), **extra, **kw)


def _ffn(rng, p, h, q, *, biases=True, **kw):
    b1 = rand_row(rng, h) if biases else None
    b2 = rand_row(rng, q) if biases else None
    return FeedForward(rand_matrix(rng, p, h), b1, rand_matrix(rng, h, q), b2, **kw)


def _ln(rng, p, eps="1/8"):
    gamma = [rng.choice([1, 2, Fraction(1, 2), Fraction(3, 2)]) for _ in range(p)]
    return LayerNorm(eps=eps, gamma=gamma, beta=rand_row(rng, p))


# ---------------------------------------------------------------------------
# factories, one per case
# ---------------------------------------------------------------------------

def _linear():
    r = _rng("linear")
    return Linear(rand_matrix(r, 3, 2), rand_row(r, 2))


def _linear_nobias():
    return Linear(np.array([[1, -2], [0, 3], [2, 1]]))  # a numpy int array


def _ffn_relu():
    return _ffn(_rng("ffn_relu"), 2, 3, 2)


def _ffn_relu_nobias():
    return _ffn(_rng("ffn_relu_nobias"), 3, 4, 1, biases=False)


def _ffn_identity():
    return _ffn(_rng("ffn_identity"), 2, 3, 2, activation="identity")


def _ffn_softplus():
    return _ffn(_rng("ffn_softplus"), 2, 2, 2, activation="softplus", beta=2)


def _attn_relu():
    return _attn(_rng("attn_relu"), 2, 2, 2)


def _attn_relu_biases():
    return _attn(_rng("attn_relu_biases"), 2, 2, 2, biases=True)


def _attn_scale_half():
    return _attn(_rng("attn_scale_half"), 2, 1, 2, scale="1/2")


def _attn_scale_sqrt2():
    return _attn(_rng("attn_scale_sqrt2"), 2, 2, 1, scale=sympy.sqrt(2))


def _attn_causal():
    return _attn(_rng("attn_causal"), 2, 2, 2, cls=MaskedAttention)


def _attn_explicit_mask():
    mask = np.array([[True, False, True], [False, True, False], [True, True, False]])
    return _attn(_rng("attn_explicit_mask"), 2, 2, 2, mask=mask)


def _attn_softmax():
    return _attn(_rng("attn_softmax"), 2, 2, 2, activation="softmax", scale="1/2")


def _attn_softmax_causal():
    return _attn(_rng("attn_softmax_causal"), 2, 2, 2, cls=MaskedAttention, activation="softmax")


def _attn_softplus_masked():
    return _attn(_rng("attn_softplus_masked"), 2, 2, 1, activation="softplus", beta="3/2",
                 mask=[[1, 1, 0], [0, 1, 1], [1, 0, 1]])


def _cross_attn():
    # decoder side p = 2, encoder side p' = 3
    return _attn(_rng("cross_attn"), 2, 2, 2, cls=CrossAttention, p_kv=3)


def _cross_attn_biases():
    return _attn(_rng("cross_attn_biases"), 2, 1, 2, cls=CrossAttention, p_kv=2, biases=True)


def _heads(r, count=2, p=2, d=2, q=1, **kw):
    return [_attn(r, p, d, q, **kw) for _ in range(count)]


def _mha_concat():
    return MultiHeadAttention(_heads(_rng("mha_concat")))


def _mha_wo():
    r = _rng("mha_wo")
    return MultiHeadAttention(_heads(r, 2, q=2), W_O=rand_matrix(r, 4, 2))


def _mha_wo_bias():
    r = _rng("mha_wo_bias")
    heads = [_attn(r, 2, 2, 1), _attn(r, 2, 1, 2, scale="1/2")]
    return MultiHeadAttention(heads, W_O=rand_matrix(r, 3, 2), b_O=rand_row(r, 2))


def _mha_cross():
    r = _rng("mha_cross")
    heads = [_attn(r, 2, 1, 1, cls=CrossAttention, p_kv=2) for _ in range(2)]
    return MultiHeadAttention(heads, W_O=rand_matrix(r, 2, 2))


def _layernorm():
    return _ln(_rng("layernorm"), 3)


def _encoder_block():
    r = _rng("encoder_block")
    return EncoderBlock(_attn(r, 2, 2, 2), _ffn(r, 2, 3, 2))


def _encoder_block_mha():
    r = _rng("encoder_block_mha")
    mha = MultiHeadAttention(_heads(r, 2, q=1), W_O=rand_matrix(r, 2, 2))
    return EncoderBlock(mha, _ffn(r, 2, 2, 2))


def _encoder_block_postnorm():
    r = _rng("encoder_block_postnorm")
    return EncoderBlock(_attn(r, 3, 2, 3), _ffn(r, 3, 2, 3), norm=(_ln(r, 3), _ln(r, 3)))


def _encoder_block_prenorm():
    r = _rng("encoder_block_prenorm")
    return EncoderBlock(_attn(r, 3, 2, 3), _ffn(r, 3, 2, 3), norm=LayerNorm(eps="1/4"), norm_first=True)


def _encoder_2blocks():
    r = _rng("encoder_2blocks")
    return Encoder([EncoderBlock(_attn(r, 2, 1, 2), _ffn(r, 2, 2, 2)),
                    EncoderBlock(_attn(r, 2, 1, 2), _ffn(r, 2, 2, 2))])


def _decoder_block(name="decoder_block"):
    r = _rng(name)
    return DecoderBlock(
        _attn(r, 2, 2, 2, cls=MaskedAttention),
        _attn(r, 2, 1, 2, cls=CrossAttention, p_kv=2),
        _ffn(r, 2, 2, 2),
    )


def _decoder_1block():
    return Decoder([_decoder_block("decoder_1block")])


def _decoder_postnorm():
    r = _rng("decoder_postnorm")
    blk = DecoderBlock(
        _attn(r, 2, 1, 2, cls=MaskedAttention),
        _attn(r, 2, 1, 2, cls=CrossAttention, p_kv=2),
        _ffn(r, 2, 2, 2),
        norm=LayerNorm(eps="1/2"),
    )
    return Decoder([blk])


def _transformer():
    r = _rng("transformer")
    enc_mha = MultiHeadAttention(_heads(r, 2, q=1), W_O=rand_matrix(r, 2, 2), b_O=rand_row(r, 2))
    encoder = Encoder([EncoderBlock(enc_mha, _ffn(r, 2, 2, 2))])
    self_mha = MultiHeadAttention(_heads(r, 2, d=1, q=1, cls=MaskedAttention), W_O=rand_matrix(r, 2, 2))
    cross = MultiHeadAttention([_attn(r, 2, 1, 1, cls=CrossAttention) for _ in range(2)])
    decoder = Decoder([DecoderBlock(self_mha, cross, _ffn(r, 2, 2, 2))])
    return Transformer(encoder, decoder, final=Linear(rand_matrix(r, 2, 3), rand_row(r, 3)))


def _C(name, build, n, m, shapes, *tags):
    return Case(name, build, n, m, rational_inputs(**shapes), frozenset(tags))


CASES: list[Case] = [
    _C("linear", _linear, 2, None, {"x": (2, 3)}, "bias"),
    _C("linear_nobias", _linear_nobias, 3, None, {"x": (3, 3)}),
    _C("ffn_relu", _ffn_relu, 3, None, {"x": (3, 2)}, "relu", "bias"),
    _C("ffn_relu_nobias", _ffn_relu_nobias, 2, None, {"x": (2, 3)}, "relu"),
    _C("ffn_identity", _ffn_identity, 2, None, {"x": (2, 2)}, "bias"),
    _C("ffn_softplus", _ffn_softplus, 2, None, {"x": (2, 2)}, "softplus", "bias"),
    _C("attn_relu", _attn_relu, 3, None, {"x": (3, 2)}, "relu", "attention", "homogeneous3"),
    _C("attn_relu_biases", _attn_relu_biases, 3, None, {"x": (3, 2)}, "relu", "attention", "bias"),
    _C("attn_scale_half", _attn_scale_half, 3, None, {"x": (3, 2)}, "relu", "attention", "homogeneous3"),
    _C("attn_scale_sqrt2", _attn_scale_sqrt2, 2, None, {"x": (2, 2)},
       "relu", "attention", "algebraic", "homogeneous3"),
    _C("attn_causal", _attn_causal, 3, None, {"x": (3, 2)},
       "relu", "attention", "mask", "causal", "homogeneous3"),
    _C("attn_explicit_mask", _attn_explicit_mask, 3, None, {"x": (3, 2)},
       "relu", "attention", "mask", "homogeneous3"),
    _C("attn_softmax", _attn_softmax, 3, None, {"x": (3, 2)}, "softmax", "attention"),
    _C("attn_softmax_causal", _attn_softmax_causal, 3, None, {"x": (3, 2)},
       "softmax", "attention", "mask", "causal"),
    _C("attn_softplus_masked", _attn_softplus_masked, 3, None, {"x": (3, 2)}, "softplus", "attention", "mask"),
    _C("cross_attn", _cross_attn, 3, 2, {"y": (2, 2), "z": (3, 3)}, "relu", "attention", "cross"),
    _C("cross_attn_biases", _cross_attn_biases, 2, 2, {"y": (2, 2), "z": (2, 2)},
       "relu", "attention", "cross", "bias"),
    _C("mha_concat", _mha_concat, 2, None, {"x": (2, 2)}, "relu", "attention", "multihead", "homogeneous3"),
    _C("mha_wo", _mha_wo, 2, None, {"x": (2, 2)}, "relu", "attention", "multihead", "homogeneous3"),
    _C("mha_wo_bias", _mha_wo_bias, 2, None, {"x": (2, 2)}, "relu", "attention", "multihead", "bias"),
    _C("mha_cross", _mha_cross, 2, 2, {"y": (2, 2), "z": (2, 2)}, "relu", "attention", "multihead", "cross"),
    _C("layernorm", _layernorm, 2, None, {"x": (2, 3)}, "layernorm", "bias"),
    _C("encoder_block", _encoder_block, 2, None, {"x": (2, 2)}, "relu", "attention", "block", "bias"),
    _C("encoder_block_mha", _encoder_block_mha, 2, None, {"x": (2, 2)},
       "relu", "attention", "block", "multihead", "bias"),
    _C("encoder_block_postnorm", _encoder_block_postnorm, 2, None, {"x": (2, 3)},
       "relu", "attention", "block", "layernorm", "bias"),
    _C("encoder_block_prenorm", _encoder_block_prenorm, 2, None, {"x": (2, 3)},
       "relu", "attention", "block", "layernorm", "bias"),
    _C("encoder_2blocks", _encoder_2blocks, 2, None, {"x": (2, 2)}, "relu", "attention", "block", "bias"),
    _C("decoder_block", _decoder_block, 2, 3, {"y": (3, 2), "z": (2, 2)},
       "relu", "attention", "block", "cross", "mask", "causal", "bias"),
    _C("decoder_1block", _decoder_1block, 2, 3, {"y": (3, 2), "z": (2, 2)},
       "relu", "attention", "block", "cross", "mask", "causal", "bias"),
    _C("decoder_postnorm", _decoder_postnorm, 2, 2, {"y": (2, 2), "z": (2, 2)},
       "relu", "attention", "block", "cross", "mask", "causal", "layernorm", "bias"),
    _C("transformer", _transformer, 2, 2, {"x": (2, 2), "y": (2, 2)},
       "relu", "attention", "block", "cross", "mask", "causal", "multihead", "bias"),
]

CASES_BY_NAME: dict[str, Case] = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "case names must be unique"


# ---------------------------------------------------------------------------
# unsupported cases: each with the error its stage documents
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Unsupported:
    """A model (or a model that cannot be built) and the documented error of ``stage``.

    ``stage`` is ``"build"`` (constructing the module raises) or ``"compile"``
    (it evaluates, but is no spline); ``match`` is a regular expression the
    message must contain, ``op`` the op a :class:`NotASplineError` names.
    """

    name: str
    build: Callable[[], Any]
    stage: str
    error: type
    match: str
    n: int = 2
    m: int | None = None
    op: str | None = None


def _no_spline(case: Case, op: str, match: str) -> Unsupported:
    return Unsupported(case.name, case.build, "compile", NotASplineError, match, case.n, case.m, op)


UNSUPPORTED: list[Unsupported] = [
    _no_spline(CASES_BY_NAME["ffn_softplus"], "softplus", r"\(softplus\).*smooth"),
    _no_spline(CASES_BY_NAME["attn_scale_sqrt2"], "scale", r"sqrt\(2\) is irrational"),
    _no_spline(CASES_BY_NAME["attn_softmax"], "softmax", r"\(softmax\).*symbolic"),
    _no_spline(CASES_BY_NAME["attn_softmax_causal"], "softmax", r"\(softmax\)"),
    _no_spline(CASES_BY_NAME["attn_softplus_masked"], "softplus", r"\(softplus\)"),
    _no_spline(CASES_BY_NAME["layernorm"], "layernorm", r"\(layernorm\).*square root"),
    _no_spline(CASES_BY_NAME["encoder_block_postnorm"], "layernorm", r"at norm1 .*square root"),
    _no_spline(CASES_BY_NAME["encoder_block_prenorm"], "layernorm", r"at norm1 .*square root"),
    _no_spline(CASES_BY_NAME["decoder_postnorm"], "layernorm", r"\(layernorm\)"),
    Unsupported("gelu", lambda: FeedForward([[1]], None, [[1]], None, activation="gelu"), "build",
                UnsupportedOperationError, r"activation 'gelu' is not supported"),
    Unsupported("nan_weight", lambda: Linear([[float("nan")]]), "build", WeightError, r"Linear.W\[0, 0\]: NaN"),
    Unsupported("complex_weight", lambda: Attention([[1j]], [[1]], [[1]]), "build", WeightError, r"complex"),
    Unsupported("q_k_widths", lambda: Attention([[1, 0]], [[1]], [[1]]), "build", ShapeError, r"Q"),
]


#: the weights of one small head, for tests that build heads by hand
HEAD = dict(Q=[[1, 0], [2, 1]], K=[[0, 1], [1, -1]], V=[[1], [-1]])


def module_paths(graph, op: str | None = None) -> set[str]:
    """The module paths of a traced graph's nodes (of one op, if given)."""
    return {graph.attrs(v)["path"] for v in graph.order if op is None or graph.op(v) == op}


def cases_with(*tags: str) -> list[Case]:
    return [c for c in CASES if set(tags) <= c.tags]


def cases_without(*tags: str) -> list[Case]:
    return [c for c in CASES if not (set(tags) & c.tags)]


# ---------------------------------------------------------------------------
# the independent numpy reference (MATH.md §2-3, nn/blocks.py docstrings)
# ---------------------------------------------------------------------------

def to_float(value) -> float:
    """An exact sympy number (or Fraction) as a float."""
    return float(sympy.N(value, 30)) if isinstance(value, sympy.Basic) else float(value)


def as_float_array(matrix) -> np.ndarray:
    """A sympy matrix / nested list of exact numbers as a float64 array."""
    if isinstance(matrix, sympy.MatrixBase):
        matrix = matrix.tolist()
    return np.array([[to_float(v) for v in row] for row in matrix], dtype=np.float64)


def _f(m) -> np.ndarray | None:
    return None if m is None else as_float_array(m)


def _affine(X, W, b) -> np.ndarray:
    out = X @ _f(W)
    return out if b is None else out + _f(b)  # b is a 1×q row: broadcast = 1 bᵀ


def _act(name: str, s: np.ndarray, beta) -> np.ndarray:
    if name == "relu":
        return np.maximum(s, 0.0)
    if name == "identity":
        return s
    if name == "softplus":
        bt = to_float(beta)
        return np.log1p(np.exp(bt * s)) / bt
    raise AssertionError(name)


def _keep(head, rows: int, cols: int) -> np.ndarray:
    """The boolean matrix of kept (i, j) entries."""
    if head.mask is None:
        return np.ones((rows, cols), dtype=bool)
    if isinstance(head.mask, str):
        assert head.mask == "causal"
        return np.array([[j <= i for j in range(cols)] for i in range(rows)], dtype=bool)
    return np.array(head.mask, dtype=bool)


def _attention(head, Xq: np.ndarray, Xkv: np.ndarray) -> np.ndarray:
    """act(c · (Xq Q + bq)(Xkv K + bk)ᵀ ⊙ mask)(Xkv V + bv), masked entries removed."""
    q = _affine(Xq, head.Q, head.bq)
    k = _affine(Xkv, head.K, head.bk)
    v = _affine(Xkv, head.V, head.bv)
    s = to_float(head.scale) * (q @ k.T)
    keep = _keep(head, *s.shape)
    out = np.zeros((Xq.shape[0], v.shape[1]))
    for i in range(s.shape[0]):
        js = np.flatnonzero(keep[i])
        if head.activation == "softmax":
            e = np.exp(s[i, js] - s[i, js].max())
            w = e / e.sum()
        else:
            w = _act(head.activation, s[i, js], head.beta)
        out[i] = w @ v[js]  # a removed entry is simply not in the sum
    return out


def _layernorm(ln, X: np.ndarray) -> np.ndarray:
    mean = X.mean(axis=1, keepdims=True)
    var = ((X - mean) ** 2).mean(axis=1, keepdims=True)  # population variance
    out = (X - mean) / np.sqrt(var + to_float(ln.eps))
    return out if ln.gamma is None else out * _f(ln.gamma) + _f(ln.beta)


def _residual(X, f, norm, norm_first):
    if norm is None:
        return X + f(X)
    if norm_first:
        return X + f(_layernorm(norm, X))
    return _layernorm(norm, X + f(X))


def reference(model, *inputs) -> np.ndarray:
    """The numpy forward pass of ``model`` on float inputs, in call order."""
    arrays = [as_float_array(a) if not isinstance(a, np.ndarray) else a.astype(np.float64) for a in inputs]
    return _ref(model, *arrays)


def _ref(model, *a) -> np.ndarray:
    if isinstance(model, Linear):
        return _affine(a[0], model.W, model.b)
    if isinstance(model, FeedForward):
        h = _act(model.activation, _affine(a[0], model.W1, model.b1), model.beta)
        return _affine(h, model.W2, model.b2)
    if isinstance(model, Attention):  # includes MaskedAttention
        return _attention(model, a[0], a[0])
    if isinstance(model, CrossAttention):  # (Y, Z): Y asks, Z answers
        return _attention(model, a[0], a[1])
    if isinstance(model, MultiHeadAttention):
        out = np.hstack([_ref(h, *a) for h in model.heads])
        return out if model.W_O is None else _affine(out, model.W_O, model.b_O)
    if isinstance(model, LayerNorm):
        return _layernorm(model, a[0])
    if isinstance(model, EncoderBlock):
        n1, n2 = model.norm
        y = _residual(a[0], lambda h: _ref(model.attention, h), n1, model.norm_first)
        return _residual(y, lambda h: _ref(model.feedforward, h), n2, model.norm_first)
    if isinstance(model, DecoderBlock):
        y, z = a
        n1, n2, n3 = model.norm
        y = _residual(y, lambda h: _ref(model.self_attention, h), n1, model.norm_first)
        y = _residual(y, lambda h: _ref(model.cross_attention, h, z), n2, model.norm_first)
        return _residual(y, lambda h: _ref(model.feedforward, h), n3, model.norm_first)
    if isinstance(model, Encoder):
        x = a[0]
        for blk in model.blocks:
            x = _ref(blk, x)
        return x
    if isinstance(model, Decoder):
        y, z = a
        for blk in model.blocks:
            y = _ref(blk, y, z)
        return y
    if isinstance(model, Transformer):
        x, y = a
        out = _ref(model.decoder, y, _ref(model.encoder, x))
        return out if model.final is None else _ref(model.final, out)
    raise TypeError(f"no reference for {type(model).__name__}")


def substitution(graph, inputs: dict) -> dict:
    """``{x[i,j]: value}`` for all of ``graph.variables``, from a dict of input matrices."""
    values = [
        v if isinstance(v, sympy.Basic) else sympy.Rational(Fraction(v).numerator, Fraction(v).denominator)
        for name in graph.inputs
        for row in inputs[name]
        for v in row
    ]
    assert len(values) == len(graph.variables)
    return dict(zip(graph.variables, values))


def assert_close(actual, expected, rtol: float = 1e-9) -> None:
    """Entrywise |a - e| ≤ rtol · (1 + max|e|): relative to the output's scale."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert np.all(np.isfinite(expected)), expected
    atol = rtol * (1.0 + float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
