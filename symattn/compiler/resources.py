"""What a compile will allocate, estimated from shapes before anything is allocated.

Three things grow with the model:

* the case split holds every entry of every graph node as an exact
  polynomial.  A sparse polynomial stores one exponent tuple per term, as
  long as the ring has generators, so a single entry costs at least
  ``8 · variables`` bytes plus the dictionary and coefficient around it;
* the walk down one branch decides the entries of a ReLU node one at a
  time, and each level keeps the values and signs decided so far (two
  tuples of its depth, 8 bytes per entry and level) and, where the entry
  split, its conditions and decided walls.  Measured on attention, where
  about half the entries split, that is 16 bytes per entry and level, 24
  resident with the allocator's overhead: a ReLU node of R entries holds
  about ``24 R²`` bytes when its last entry is decided;
* the sample pool holds one integer per (point, variable).

:func:`plan_pool` turns those figures into a pool size that fits next to
the case split within the memory limit (:attr:`Budget.memory
<symattn.compiler.casesplit.Budget>`, default :data:`MEMORY_LIMIT`), and
refuses with :class:`~symattn.errors.ResourceError` when the case split
and the smallest pool do not fit.  :func:`fitting_tokens` then says how
many tokens do fit.

>>> from symattn.nn import Attention
>>> attention = Attention([[1]], [[1]], [[1]])
>>> cost = estimate_cost(attention.trace(n=60))
>>> cost.variables, cost.relu_entries, format_bytes(cost.walk_bytes)
(60, 3600, '304 MiB')
>>> plan_pool(cost), default_samples(cost.relu_entries)      # the pool scaled down to fit
(186413, 262144)
>>> plan_pool(estimate_cost(attention.trace(n=3000)))
Traceback (most recent call last):
...
symattn.errors.ResourceError: the graph of 3000×1 input(s): the case split needs about 1.73 PiB (18,012,001 polynomial entries in 3,000 variables, 9,000,000 ReLU entries) and the memory limit is 1 GiB; use fewer tokens or raise the limit (Budget(memory=...), or --memory)
>>> fitting_tokens(attention, {"x": 3000})
'n ≤ 81 fits'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy

from ..errors import ResourceError
from ..graph import nodes as N
from ..graph.graph import ExpressionGraph
from ..nn.base import Module
from ..nn.trace import trace

__all__ = ["MEMORY_LIMIT", "MIN_POOL", "Cost", "estimate_cost", "default_samples", "plan_pool",
           "fitting_tokens", "format_bytes"]

#: the default memory limit of one compile, in bytes
MEMORY_LIMIT = 1 << 30

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
    def walk_bytes(self) -> int:
        """The case split's memory: one single-term polynomial per entry, and one branch walked to its end."""
        return (self.entries * (8 * max(self.variables, 1) + ENTRY_OVERHEAD)
                + BRANCH_BYTES * self.relu_squares + FRAME_BYTES * self.relu_entries)

    def pool_bytes(self, points: int) -> int:
        """The memory of a pool of ``points`` points over these variables."""
        return points * max(self.variables, 1) * POOL_BYTES_PER_CELL

    def fits(self, limit: int) -> bool:
        """Whether the case split and the smallest pool fit in ``limit`` bytes."""
        return self.walk_bytes + self.pool_bytes(MIN_POOL) <= limit

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

    The default pool is scaled down to what fits next to the case split
    (at most a quarter of the limit, at least :data:`MIN_POOL` points).
    An explicit ``samples`` is never scaled: if it does not fit it is
    refused, and so is a graph whose case split alone does not fit.
    """
    limit = MEMORY_LIMIT if memory is None else memory
    walk = cost.walk_bytes
    if not cost.fits(limit):
        raise ResourceError(
            cost.describe(),
            f"the case split needs about {format_bytes(walk)} ({cost.entries:,} polynomial entries in "
            f"{cost.variables:,} variables, {cost.relu_entries:,} ReLU entries) and the memory limit is "
            f"{format_bytes(limit)}; use fewer tokens or raise the limit (Budget(memory=...), or --memory)",
            needed=walk, limit=limit)
    room = (limit - walk) // (cost.pool_bytes(1))
    if samples is not None:
        if samples > room:
            raise ResourceError(
                cost.describe(),
                f"a pool of {samples:,} points in {cost.variables:,} variables needs "
                f"{format_bytes(cost.pool_bytes(samples))}; at most {room:,} points fit in the memory limit "
                f"of {format_bytes(limit)}", needed=cost.pool_bytes(samples), limit=limit)
        return samples
    share = limit // POOL_SHARE // cost.pool_bytes(1)
    return max(MIN_POOL, min(default_samples(cost.relu_entries), share, room))


def _fits(model: Module, counts: Mapping[str, int], memory: int) -> bool:
    return estimate_cost(trace(model, n=counts.get("n"), m=counts.get("m"))).fits(memory)


def fitting_tokens(model: Module, counts: Mapping[str, int], memory: int | None = None) -> str:
    """Which token counts fit, as a phrase: ``'n ≤ 81 fits'`` (the others held fixed).

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
