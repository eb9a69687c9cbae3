"""A realization before it has weights: named slots, heads and ReLU units per block.

The constructions of :mod:`symattn.realize.construct` write a
:class:`Program`; :meth:`Program.assemble` turns it into exact modules.
Everything works on **one token** whose features are named *slots*
(:class:`Layout`).  A vector over slots is a :class:`Vec`.

* The embedding is affine: slot ``k`` starts as ``embed_k · x + bias_k``.
* A :class:`Head` computes σ((f·q)(f·k)) · (f·v_c) for each value column c
  (f: the block's input features) and adds it to the slots of ``routes[c]``
  with their coefficients.
* A :class:`Unit` computes σ(f·w + b) and adds it to the slots of ``route``.
* Block b is ``Y = X + Σ heads``, ``out = Y + Σ units`` (the residual
  structure of :class:`~symattn.nn.EncoderBlock`): slots only ever receive
  additions, so a result goes to a slot that is 0 or to one whose old value
  it updates in place (``a ← a − σ(a − b)`` is min(a, b)).

>>> lay = Layout(); x, one = lay.add("x"), lay.add("1")
>>> sq = Head(Vec({x: 1}), Vec({x: 1}), (Vec({one: 1}),), (Vec({lay.add("x^2"): 1}),), "x^2 = σ(x·x)·1")
>>> prog = Program(lay, embed=(Vec({x: 1}),), bias=Vec({one: 1}), blocks=[Block([sq], [])], output=2)
>>> enc = prog.assemble()
>>> enc.model([["-3"]])           # the slot 'x^2' is read out
Matrix([[9]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import sympy

from ..nn import Attention, Encoder, EncoderBlock, FeedForward, Linear, MultiHeadAttention
from ..nn.sequential import Sequential

__all__ = ["Vec", "Layout", "Head", "Unit", "Block", "Program", "Assembled"]


class Vec:
    """An immutable sparse vector over slots with exact rational entries.

    >>> v = Vec({0: 1, 2: "1/2"}) + Vec({2: "1/2"})
    >>> v, v.dense(4), (-v)[0]
    (Vec({0: 1, 2: 1}), [1, 0, 1, 0], -1)
    """

    __slots__ = ("_items",)

    def __init__(self, entries: Mapping[int, object] | Iterable[tuple[int, object]] = ()):
        items = entries.items() if isinstance(entries, Mapping) else entries
        acc: dict[int, sympy.Rational] = {}
        for k, c in items:
            acc[int(k)] = acc.get(int(k), sympy.Integer(0)) + sympy.Rational(c)
        object.__setattr__(self, "_items", tuple(sorted((k, c) for k, c in acc.items() if c != 0)))

    def __setattr__(self, name, value):
        raise AttributeError("Vec is immutable")

    def items(self):
        return self._items

    def __getitem__(self, k: int) -> sympy.Rational:
        return dict(self._items).get(k, sympy.Integer(0))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __add__(self, other: "Vec") -> "Vec":
        return Vec(self._items + other._items)

    def __neg__(self) -> "Vec":
        return self * -1

    def __sub__(self, other: "Vec") -> "Vec":
        return self + (-other)

    def __mul__(self, c) -> "Vec":
        return Vec((k, v * sympy.Rational(c)) for k, v in self._items)

    __rmul__ = __mul__

    def __eq__(self, other) -> bool:
        return isinstance(other, Vec) and self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def dense(self, width: int) -> list[sympy.Rational]:
        out = [sympy.Integer(0)] * width
        for k, c in self._items:
            out[k] = c
        return out

    def __repr__(self) -> str:
        return "Vec({" + ", ".join(f"{k}: {c}" for k, c in self._items) + "})"


class Layout:
    """Named feature slots of the token, allocated in order."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def add(self, name: str) -> int:
        self.names.append(name)
        return len(self.names) - 1

    @property
    def width(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Head:
    """σ((f·query)(f·key)) · (f·values[c]), added to the slots ``routes[c]``."""

    query: Vec
    key: Vec
    values: tuple[Vec, ...]
    routes: tuple[Vec, ...]
    note: str = ""


@dataclass(frozen=True)
class Unit:
    """σ(f·weights + bias), added to the slots ``route``."""

    weights: Vec
    bias: sympy.Rational
    route: Vec
    note: str = ""


@dataclass(frozen=True)
class Block:
    """The heads (attention sub-layer) and units (feed-forward sub-layer) of one encoder block."""

    heads: tuple[Head, ...] = ()
    units: tuple[Unit, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "heads", tuple(self.heads))
        object.__setattr__(self, "units", tuple(self.units))


@dataclass(frozen=True)
class Assembled:
    """The exact modules of a program."""

    embedding: Linear
    encoder: Encoder
    readout: Linear

    @property
    def model(self) -> Sequential:
        return Sequential([self.embedding, self.encoder, self.readout], names=["embed", "encoder", "readout"])


@dataclass(frozen=True)
class Program:
    """The slot names (or the :class:`Layout` that allocated them), ``embed`` (one :class:`Vec`
    per input: its placement), ``bias`` (the constant part), ``blocks`` and the ``output`` slot."""

    slots: tuple[str, ...]
    embed: tuple[Vec, ...]
    bias: Vec
    blocks: tuple[Block, ...]
    output: int

    def __post_init__(self) -> None:
        if isinstance(self.slots, Layout):
            object.__setattr__(self, "slots", tuple(self.slots.names))
        object.__setattr__(self, "embed", tuple(self.embed))
        object.__setattr__(self, "blocks", tuple(self.blocks) or (Block(),))

    @property
    def width(self) -> int:
        return len(self.slots)

    def assemble(self) -> Assembled:
        p = self.width
        col = lambda v: [[c] for c in v.dense(p)]           # noqa: E731
        embedding = Linear([v.dense(p) for v in self.embed], self.bias.dense(p))
        blocks = []
        for blk in self.blocks:
            if blk.heads:
                heads = [Attention(Q=col(h.query), K=col(h.key),
                                   V=[[v[k] for v in h.values] for k in range(p)]) for h in blk.heads]
                W_O = [r.dense(p) for h in blk.heads for r in h.routes]
                attention = MultiHeadAttention(heads, W_O=W_O)
            else:   # switched off: score 0, value 0
                attention = Attention(Q=[[0]] * p, K=[[0]] * p, V=[[0] * p for _ in range(p)])
            if blk.units:
                ffn = FeedForward([[u.weights[k] for u in blk.units] for k in range(p)],
                                  [u.bias for u in blk.units], [u.route.dense(p) for u in blk.units], None)
            else:
                ffn = FeedForward([[0]] * p, [0], [[0] * p], None)
            blocks.append(EncoderBlock(attention, ffn))
        readout = Linear([[1 if k == self.output else 0] for k in range(p)])
        return Assembled(embedding, Encoder(blocks), readout)
