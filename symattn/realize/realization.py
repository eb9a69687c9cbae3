"""``Realization``: the encoder built for a target, its embedding and readout, its sizes.

The whole pipeline is one module, ``realization.model``
(``Sequential([embed_layer, encoder, readout_layer])``, paths ``embed``,
``encoder.<block>…`` and ``readout``), so it traces, evaluates and
compiles like any model.  Its input is one token: X = [[x_1, …, x_N]], the
variables of the target in order.

>>> import sympy
>>> from symattn.realize import MaxMin, realize
>>> x, y = sympy.symbols("x y")
>>> r = realize(MaxMin([[x * y]], [x, y]))
>>> r(2, "1/3"), r.sizes
(2/3, Sizes(blocks=1, heads=2, width=4, hidden=0, product_layers=1, min_levels=0, max_levels=0))
>>> r.embed([2, "1/3"])                      # slots x, y, 1, g0.0 (the affine part of x*y is 0)
Matrix([[2, 1/3, 1, 0]])
>>> r.encoder.blocks[0].attention.heads[0].Q.T        # score (x + y)^2
Matrix([[1, 1, 0, 0]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy

from ..nn import Encoder, Linear
from .errors import CertificateInputError
from .program import Assembled, Program
from ..nn.sequential import Sequential
from ..printable import Printable

__all__ = ["Realization", "Sizes"]


@dataclass(frozen=True)
class Sizes:
    """Blocks, attention heads switched on, token width, FFN hidden units switched on,
    attention layers used for products, and the min and max levels of the tree."""

    blocks: int
    heads: int
    width: int
    hidden: int
    product_layers: int
    min_levels: int
    max_levels: int

    @classmethod
    def of(cls, program: Program, product_layers: int, min_levels: int, max_levels: int) -> "Sizes":
        return cls(blocks=max(1, len(program.blocks)), heads=sum(len(b.heads) for b in program.blocks),
                   width=program.width, hidden=sum(len(b.units) for b in program.blocks),
                   product_layers=product_layers, min_levels=min_levels, max_levels=max_levels)


@dataclass(frozen=True, eq=False)
class Realization(Printable):
    """An exact encoder equal to ``source`` (prove it with :meth:`verify`).

    ``source``: what was realized (a MaxMin, a spline); ``certificate``: the
    max–min form the construction used (None for the truncated-power
    construction of a univariate spline); ``construction``: which one.
    """

    source: Any
    certificate: Any
    variables: tuple[sympy.Symbol, ...]
    program: Program
    modules: Assembled
    sizes: Sizes
    construction: str

    # -- the modules -------------------------------------------------------
    @property
    def encoder(self) -> Encoder:
        return self.modules.encoder

    @property
    def embed_layer(self) -> Linear:
        """x ↦ token: the affine placement (a ``Linear`` with bias)."""
        return self.modules.embedding

    @property
    def readout_layer(self) -> Linear:
        """token ↦ output: reads the output slot (a ``Linear``)."""
        return self.modules.readout

    @property
    def model(self) -> Sequential:
        """embed → encoder → readout as one traceable module."""
        cached = self.__dict__.get("_model")
        if cached is None:
            cached = self.modules.model
            object.__setattr__(self, "_model", cached)
        return cached

    @property
    def slots(self) -> tuple[str, ...]:
        """The names of the token's features, in order."""
        return self.program.slots

    # -- evaluation --------------------------------------------------------
    def _row(self, args: Sequence[Any]) -> list[list[Any]]:
        pt = args[0] if len(args) == 1 and isinstance(args[0], (Mapping, list, tuple)) else args
        if isinstance(pt, Mapping):
            by_name = {str(k): v for k, v in pt.items()}
            try:
                pt = [by_name[str(v)] for v in self.variables]
            except KeyError as exc:
                raise CertificateInputError("Realization(point)", f"no value for {exc.args[0]}") from None
        pt = list(pt)
        if len(pt) != len(self.variables):
            raise CertificateInputError("Realization(point)",
                                        f"expected {len(self.variables)} values for {self.variables}, got {len(pt)}")
        return [pt]

    def embed(self, *x: Any) -> sympy.Matrix:
        """The token (1 × width) for the point x."""
        return self.embed_layer(self._row(x))

    def readout(self, Y: Any) -> sympy.Rational:
        """The output read from a token matrix Y (1 × width)."""
        return self.readout_layer(Y)[0, 0]

    def __call__(self, *x: Any) -> sympy.Rational:
        """Exact value of embed → encoder → readout at x (the exact interpreter)."""
        return self.model(self._row(x))[0, 0]

    # -- proof -------------------------------------------------------------
    def compile(self, budget: Any = None):
        """The spline of embed → encoder → readout (:func:`symattn.compile`), cached when unbudgeted.

        See :func:`~symattn.realize.verify.compile_realization` for the options used.
        """
        from .verify import compile_realization

        if budget is not None:
            return compile_realization(self, budget)
        cached = self.__dict__.get("_spline")
        if cached is None:
            cached = compile_realization(self, None)
            object.__setattr__(self, "_spline", cached)
        return cached

    def verify(self, against: Any = None, *, points: int = 32, seed: int = 0, budget: Any = None):
        """Compile the pipeline back and prove it equal to ``against`` (default: ``source``).

        Returns a :class:`~symattn.checks.Proof`; see :mod:`.verify`.
        """
        from .verify import verify_realization

        return verify_realization(self, self.source if against is None else against,
                                  points=points, seed=seed, budget=budget)

    # -- explanation -------------------------------------------------------
    def describe(self) -> str:
        """What every slot holds, and what every head and unit computes, block by block."""
        names = self.slots
        lines = [f"{self.construction} realization: {self.sizes}",
                 "slots: " + ", ".join(f"{k}:{n}" for k, n in enumerate(names))]
        emb = []
        inputs = len(self.variables) + 1        # x_1 … x_N and the constant slot are placed as named
        for k, name in enumerate(names[inputs:], start=inputs):
            value = sum((self.program.embed[i][k] * v for i, v in enumerate(self.variables)),
                        self.program.bias[k])
            if value != 0:
                emb.append(f"{name} = {value}")
        lines.append(f"embed: {', '.join(map(str, self.variables))}, 1" + "".join(f"; {e}" for e in emb))

        def sends(route) -> str:
            return ", ".join(f"{names[k]}" if c == 1 else f"{c}*{names[k]}" for k, c in route.items())

        for b, blk in enumerate(self.program.blocks):
            att = "; ".join(f"{h.note} -> {' | '.join(sends(r) for r in h.routes)}" for h in blk.heads) or "off"
            ffn = "; ".join(u.note for u in blk.units) or "off"
            lines.append(f"block {b}: attention: {att}")
            lines.append(f"         ffn: {ffn}")
        lines.append(f"readout: {names[self.program.output]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        s = self.sizes
        return (f"<Realization ({self.construction}) of {type(self.source).__name__} in {len(self.variables)} "
                f"variable(s): {s.blocks} blocks, {s.heads} heads, width {s.width}, {s.hidden} hidden units>")

