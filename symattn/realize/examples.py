"""Named targets for realization, shared by the tests and the benchmarks.

Each builder returns a fresh target that :func:`~symattn.realize.realize`
accepts; :func:`bench_row` realizes one, proves it by round trip and
reports sizes and timings.

>>> sorted(EXAMPLES)
['abs', 'cubic_spline', 'ffn_cpwl', 'hat', 'quartic', 'three_quadratics', 'xy']
>>> print(hat())
max(0, min(x + 1, 1 - x))
"""

from __future__ import annotations

import random
import time
from types import SimpleNamespace
from typing import Any, Callable

import sympy

from ..nn import FeedForward
from .inputs import UnivariateSpline
from .maxmin import MaxMin

__all__ = ["EXAMPLES", "hat", "abs_value", "xy", "quartic", "three_quadratics", "cubic_spline", "ffn_cpwl",
           "generic_ffn", "bench_row"]

x, y = sympy.symbols("x y")


def hat() -> MaxMin:
    """max(0, min(x + 1, 1 − x)): two blocks, attention off (MATH.md §4)."""
    return MaxMin([[0], [x + 1, 1 - x]], [x])


def abs_value() -> MaxMin:
    """|x| = max(x, −x)."""
    return MaxMin([[x], [-x]], [x])


def xy() -> MaxMin:
    """x·y: one attention layer (two polarised heads)."""
    return MaxMin([[x * y]], [x, y])


def quartic() -> MaxMin:
    """A dense degree-4 polynomial in x, y: two product layers."""
    R = sympy.Rational
    p = (x**4 - 2 * x**3 * y + R(1, 3) * x**2 * y**2 + 5 * x * y**3 - y**4
         + x**3 - R(1, 2) * x**2 * y + 2 * y**3 + x * y - 3 * x + y - 1)
    return MaxMin([[p]], [x, y])


def three_quadratics() -> MaxMin:
    """max(min(q1, q2), q3) for three quadratics in x, y."""
    q1 = x**2 + y - 1
    q2 = 2 - x * y
    q3 = y**2 - x + sympy.Rational(1, 2)
    return MaxMin([[q1, q2], [q3]], [x, y])


def cubic_spline() -> UnivariateSpline:
    """A continuous cubic spline with knots −1, 0, 2 (built from its truncated-power form)."""
    pieces = [x**3 - 2 * x + 1]
    for t, c in ((-1, 2 * x**2 - x + 3), (0, -3 * x**2 + 1), (2, x**2 - x)):
        pieces.append(sympy.expand(pieces[-1] + (x - t) * c))
    return UnivariateSpline([-1, 0, 2], pieces, x)


def generic_ffn(hidden: int = 6, seed: int = 0) -> FeedForward:
    """A ReLU network R² → hidden → R with small integer weights, mixed-sign output weights,
    and hidden lines in general position.

    General position is checked exactly through Zaslavsky's count: the compiled
    spline has 1 + h + h(h−1)/2 regions (MATH.md §5); otherwise the next seed is tried.
    """
    from ..compiler import compile

    want = 1 + hidden + hidden * (hidden - 1) // 2
    while True:
        rng = random.Random(seed)
        W1 = [[rng.randint(-3, 3) for _ in range(hidden)] for _ in range(2)]
        b1 = [rng.randint(-3, 3) for _ in range(hidden)]
        W2 = [[rng.choice((-3, -2, -1, 1, 2, 3))] for _ in range(hidden)]
        ffn = FeedForward(W1, b1, W2, [rng.randint(-2, 2)])
        if len(compile(ffn, n=1, progress=False)) == want:
            return ffn
        seed += 1


def ffn_cpwl(hidden: int = 6, seed: int = 0):
    """The compiled spline (CPWL, degree 1) of :func:`generic_ffn`."""
    from ..compiler import compile

    return compile(generic_ffn(hidden, seed), n=1, progress=False)


EXAMPLES: dict[str, Callable[[], Any]] = {
    "hat": hat, "abs": abs_value, "xy": xy, "quartic": quartic, "three_quadratics": three_quadratics,
    "cubic_spline": cubic_spline, "ffn_cpwl": ffn_cpwl,
}


def realized_example(name: str) -> SimpleNamespace:
    """The named example realized and proved by round trip, with both timings.

    Fields: ``name``, ``target``, ``realization``, ``proof``,
    ``realize_seconds``, ``verify_seconds``.
    """
    from .construct import realize

    target = EXAMPLES[name]()
    t = time.perf_counter()
    r = realize(target)
    realize_s = time.perf_counter() - t
    t = time.perf_counter()
    proof = r.verify()
    return SimpleNamespace(name=name, target=target, realization=r, proof=proof,
                           realize_seconds=realize_s, verify_seconds=time.perf_counter() - t)


def bench_row(name: str) -> dict[str, Any]:
    """Realize the named example, prove it by round trip, and report sizes and seconds."""
    ex = realized_example(name)
    r, proof, realize_s, verify_s = ex.realization, ex.proof, ex.realize_seconds, ex.verify_seconds
    s = r.sizes
    return dict(case=f"realize_{name}", construction=r.construction, blocks=s.blocks, heads=s.heads,
                width=s.width, hidden=s.hidden, product_layers=s.product_layers,
                regions=proof.stats.get("regions"), complete=proof.complete, proved=proof.proved,
                realize_seconds=realize_s, verify_seconds=verify_s)
