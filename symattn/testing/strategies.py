"""Hypothesis strategies: small models with exact weights, and exact rational points.

>>> from hypothesis import given, settings
>>> @settings(max_examples=5, deadline=None)
... @given(small_models())
... def check(case):
...     model, n = case
...     assert model.trace(n=n).shape[0] == n
>>> check()
"""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import strategies as st

from ..nn import Attention, EncoderBlock, FeedForward, MaskedAttention, MultiHeadAttention

__all__ = ["rationals", "matrices", "rows", "feedforwards", "attentions", "encoder_blocks", "small_models",
           "points_for"]


def rationals(max_numerator: int = 3, denominators=(1, 2, 3, 4)) -> st.SearchStrategy[sympy.Rational]:
    """Exact rationals a/q with |a| ≤ max_numerator and q from ``denominators``."""
    return st.builds(lambda a, q: sympy.Rational(Fraction(a, q)),
                     st.integers(-max_numerator, max_numerator), st.sampled_from(tuple(denominators)))


def matrices(r: int, c: int, elements: st.SearchStrategy | None = None) -> st.SearchStrategy[sympy.Matrix]:
    """``r × c`` sympy matrices of exact entries (default :func:`rationals`)."""
    elements = rationals() if elements is None else elements
    return st.lists(elements, min_size=r * c, max_size=r * c).map(lambda v: sympy.Matrix(r, c, v))


def rows(c: int, elements: st.SearchStrategy | None = None) -> st.SearchStrategy[list]:
    """A bias row of length ``c``."""
    return st.lists(rationals() if elements is None else elements, min_size=c, max_size=c)


@st.composite
def feedforwards(draw, p: int, q: int | None = None, max_hidden: int = 3, biases: bool = True) -> FeedForward:
    """A ReLU feed-forward layer p → h → q with exact weights (h ≤ ``max_hidden``)."""
    q = p if q is None else q
    h = draw(st.integers(1, max_hidden))
    b1 = draw(st.none() | rows(h)) if biases else None
    b2 = draw(st.none() | rows(q)) if biases else None
    return FeedForward(draw(matrices(p, h)), b1, draw(matrices(h, q)), b2)


@st.composite
def attentions(draw, p: int, max_d: int = 2, masked: bool = True) -> Attention:
    """A ReLU self-attention head on p features (causally masked sometimes)."""
    d = draw(st.integers(1, max_d))
    cls = draw(st.sampled_from((Attention, MaskedAttention))) if masked else Attention
    return cls(draw(matrices(p, d)), draw(matrices(p, d)), draw(matrices(p, p)))


@st.composite
def encoder_blocks(draw, p: int) -> EncoderBlock:
    """An encoder block with one or two heads (summed by an exact W_O) and a feed-forward layer."""
    heads = draw(st.lists(attentions(p), min_size=1, max_size=2))
    attention = heads[0] if len(heads) == 1 else MultiHeadAttention(heads, W_O=draw(matrices(2 * p, p)))
    return EncoderBlock(attention, draw(feedforwards(p, max_hidden=2)))


@st.composite
def small_models(draw, max_variables: int = 3):
    """``(model, n)``: a feed-forward layer, an attention head or an encoder block, and its token count,
    with at most ``max_variables`` input variables (n·p)."""
    kind = draw(st.sampled_from(("feedforward", "attention", "block")))
    p = draw(st.integers(1, 2 if max_variables >= 2 else 1))
    n = draw(st.integers(1, max(1, max_variables // p)))
    if kind == "feedforward":
        return draw(feedforwards(p, draw(st.integers(1, 2)))), n
    if kind == "attention":
        return draw(attentions(p)), n
    return draw(encoder_blocks(p)), n


def points_for(model, n: int | None = None, m: int | None = None, spread: int = 3) -> st.SearchStrategy[tuple]:
    """Exact inputs for ``model`` (one matrix per input, in call order), as a tuple."""
    graph = model.trace(n=n, m=m)
    elements = rationals(spread * 4, (1, 2, 4))
    return st.tuples(*[matrices(*graph.input_shape(name), elements) for name in graph.inputs])
