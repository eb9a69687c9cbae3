"""What a compile will allocate, estimated from shapes before anything is allocated.

Three things grow with the model:

* the case split holds every entry of every graph node as an exact
  polynomial.  A sparse polynomial stores one exponent tuple per term, as
  long as the ring has generators, so a single entry costs at least
  ``8 · variables`` bytes plus the dictionary and coefficient around it.
  This is certain, whatever the model's walls;
* the walk down one branch keeps, for every entry that split, the values,
  signs and conditions decided so far.  How many entries split depends on
  the walls, so this is an estimate: on attention, where about half the
  entries split, about ``24 R²`` resident bytes for a ReLU node of R
  entries;
* the sample pool holds one integer per (point, variable).

:func:`plan_pool` refuses with :class:`~symattn.errors.ResourceError` a
graph whose polynomials and smallest pool cannot fit in the memory limit
(:attr:`Budget.memory <symattn.compiler.casesplit.Budget>`, default
:data:`~symattn.compiler.limits.MEMORY_LIMIT`), and otherwise scales the
pool to fit next to the whole estimate.  :func:`fitting_tokens` says how
many tokens do fit.  While the compile runs,
:class:`~symattn.compiler.limits.MemoryWatch` stops it (incomplete, like a
time budget) when resident memory has grown by more than the limit.

>>> from symattn.nn import Attention
>>> attention = Attention([[1]], [[1]], [[1]])
>>> cost = estimate_cost(attention.trace(n=60))
>>> cost.variables, cost.relu_entries, format_bytes(cost.held_bytes), format_bytes(cost.walk_bytes)
(60, 3600, '6.24 MiB', '304 MiB')
>>> plan_pool(cost), default_samples(cost.relu_entries)      # the pool scaled down to fit
(186413, 262144)
>>> plan_pool(estimate_cost(attention.trace(n=3000)))
Traceback (most recent call last):
...
symattn.errors.ResourceError: the graph of 3000×1 input(s): its 18,012,001 polynomial entries in 3,000 variables need at least 409 GiB and the memory limit is 1 GiB; use fewer tokens or raise the limit (Budget(memory=...), or --memory)
>>> fitting_tokens(attention, {"x": 3000})
'n ≤ 389 fits'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy

from ..errors import ResourceError
from ..graph import nodes as N
from .limits import MEMORY_LIMIT
from ..graph.graph import ExpressionGraph
from ..nn.base import Module
from ..nn.trace import trace

__all__ = ["MEMORY_LIMIT", "MIN_POOL", "Cost", "estimate_cost", "default_samples", "plan_pool",
           "fitting_tokens", "format_bytes"]

#: the smallest sample pool worth having; below it a compile is refused
MIN_POOL = 256

#: bytes per (point, variable) of the pool: the int64 numerators and the copies the sign evaluation makes
POOL_BYTES_PER_CELL = 24

#: at most this share of the memory limit goes to the sample pool
POOL_SHARE = 4

#: bytes of one single-term polynomial besides its exponent tuple (dictionary, tuple header, coefficient)
ENTRY_OVERHEAD = 400

#: bytes of the walk's frame per ReLU entry on the current branch
FRAME_BYTES = 400

#: bytes per (ReLU entry, level) the walk keeps along one branch (values, signs, conditions, walls)
BRANCH_BYTES = 24


@dataclass(frozen=True)
class Cost:
    """The sizes a compile of one graph depends on.

    ``variables`` is the number of ring generators (input variables and
    parameters that survive a substitution), ``entries`` the number of
    scalar entries over all graph nodes, ``relu_entries`` those of ReLU
    nodes and ``relu_squares`` the sum of the squares of the ReLU nodes'
    sizes; ``inputs`` the input shapes, for messages.
    """

    variables: int
    entries: int
    relu_entries: int
    relu_squares: int
    inputs: tuple[tuple[int, int], ...]

    @property
    def held_bytes(self) -> int:
        """A lower bound on the case split's memory: one single-term polynomial per entry."""
        return self.entries * (8 * max(self.variables, 1) + ENTRY_OVERHEAD)

    @property
    def walk_bytes(self) -> int:
        """An estimate of the case split's memory: the polynomials, and one branch walked to its end."""
        return self.held_bytes + BRANCH_BYTES * self.relu_squares + FRAME_BYTES * self.relu_entries

    def pool_bytes(self, points: int) -> int:
        """The memory of a pool of ``points`` points over these variables."""
        return points * max(self.variables, 1) * POOL_BYTES_PER_CELL

    def fits(self, limit: int) -> bool:
        """Whether the polynomials and the smallest pool fit in ``limit`` bytes."""
        return self.held_bytes + self.pool_bytes(MIN_POOL) <= limit

    def describe(self) -> str:
        shapes = ", ".join(f"{r}×{c}" for r, c in self.inputs)
        return f"the graph of {shapes} input(s)"


def estimate_cost(graph: ExpressionGraph, substitution: Mapping[sympy.Symbol, Any] | None = None) -> Cost:
    """The :class:`Cost` of compiling ``graph`` under ``substitution``, from shapes alone.

    Without a substitution no symbol is created, so this is cheap for any
    token count.
    """
    shapes = [graph.input_shape(name) for name in graph.inputs]
    entries = relu = squares = 0
    for v in graph.order:
        a = graph.attrs(v)
        size = a[N.SHAPE][0] * a[N.SHAPE][1]
        entries += size
        if a[N.OP] == N.RELU:
            relu, squares = relu + size, squares + size * size
    if substitution:
        kept = [s for s in graph.variables + graph.parameters if s not in substitution]
        new: set[sympy.Symbol] = set()
        for value in substitution.values():
            new |= getattr(sympy.sympify(value), "free_symbols", set())
        variables = len(set(kept) | new)
    else:
        variables = sum(r * c for r, c in shapes) + len(graph.parameters)
    return Cost(variables, entries, relu, squares, tuple(shapes))


def default_samples(entries: int) -> int:
    """Pool size wanted for ``entries`` ReLU entries: 2,048 to 262,144 points (before :func:`plan_pool`)."""
    return min(262_144, 2048 * 2 ** min(entries // 2, 7))


def format_bytes(count: int) -> str:
    """``count`` bytes in the largest binary unit that keeps the number ≥ 1 (``'1.5 MiB'``, ``'217 GiB'``)."""
    value, unit = float(count), "bytes"
    for name in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if value < 1024:
            break
        value, unit = value / 1024, name
    return f"{value:.3g} {unit}" if unit != "bytes" else f"{count} bytes"


def plan_pool(cost: Cost, samples: int | None = None, memory: int | None = None) -> int:
    """How many sample points to draw: ``samples`` (or the default), within ``memory`` bytes.

    The default pool is scaled down to what fits next to the case split's
    estimate (at most a quarter of the limit, at least :data:`MIN_POOL`
    points).  An explicit ``samples`` is never scaled: if it does not fit
    next to the polynomials it is refused, and so is a graph whose
    polynomials and smallest pool do not fit.
    """
    limit = MEMORY_LIMIT if memory is None else memory
    if not cost.fits(limit):
        raise ResourceError(
            cost.describe(),
            f"its {cost.entries:,} polynomial entries in {cost.variables:,} variables need at least "
            f"{format_bytes(cost.held_bytes)} and the memory limit is {format_bytes(limit)}; use fewer tokens "
            "or raise the limit (Budget(memory=...), or --memory)", needed=cost.held_bytes, limit=limit)
    if samples is not None:
        room = (limit - cost.held_bytes) // cost.pool_bytes(1)
        if samples > room:
            raise ResourceError(
                cost.describe(),
                f"a pool of {samples:,} points in {cost.variables:,} variables needs "
                f"{format_bytes(cost.pool_bytes(samples))}; at most {room:,} points fit in the memory limit "
                f"of {format_bytes(limit)}", needed=cost.pool_bytes(samples), limit=limit)
        return samples
    room = (limit - cost.walk_bytes) // cost.pool_bytes(1)
    share = limit // POOL_SHARE // cost.pool_bytes(1)
    return max(MIN_POOL, min(default_samples(cost.relu_entries), share, room))


def _fits(model: Module, counts: Mapping[str, int], memory: int) -> bool:
    return estimate_cost(trace(model, n=counts.get("n"), m=counts.get("m"))).fits(memory)


def fitting_tokens(model: Module, counts: Mapping[str, int], memory: int | None = None) -> str:
    """Which token counts fit, as a phrase: ``'n ≤ 389 fits'`` (the others held fixed).

    ``counts`` are the token counts of the refused trace, by input name
    (``x``/``z`` are counted by ``n``, ``y`` by ``m``).  Each count is
    searched by bisection with the others fixed; tracing is cheap, no
    polynomial is built.
    """
    limit = MEMORY_LIMIT if memory is None else memory
    tokens = {("m" if name == "y" else "n"): rows for name, rows in counts.items()}
    found = []
    for key, current in sorted(tokens.items()):
        if not _fits(model, {**tokens, key: 1}, limit):
            continue
        low, high = 1, current  # low fits, high does not
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if _fits(model, {**tokens, key: mid}, limit) else (low, mid)
        others = ", ".join(f"{k}={v}" for k, v in sorted(tokens.items()) if k != key)
        found.append(f"{key} ≤ {low} fits" + (f" with {others}" if others else ""))
    return "; ".join(found) if found else "no token count fits"
