"""The sample pool: exact signs on the main block and on added points of any size;
every sign checked against Fraction arithmetic."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import sympy

from symattn.semialg.poly import evaluate_fractions, polynomial_ring
from symattn.semialg.pool import SamplePool
from symattn.semialg.region import Witness

a, b, c = sympy.symbols("pool_a pool_b pool_c")
R = polynomial_ring((a, b, c))
A, B, C = R.gens
POLYS = [A * B - C, A**3 - 2 * B * C + 1, (A + B + C)**2 - 3, 7 * A * B * C - B**3 + A]


def fraction_sign(g, point) -> int:
    v = evaluate_fractions(g, point)
    return (v > 0) - (v < 0)


def test_added_points_keep_their_indices_and_exact_signs_through_growth():
    pool = SamplePool.random(R, 64, seed=3)
    rng = random.Random(5)
    points = []
    for k in range(300):          # the added block doubles several times
        big = 10 ** rng.choice((1, 5, 30))                 # numerators far past int64 too
        nums = [rng.randint(-big, big) for _ in range(3)]
        points.append((nums, rng.randint(1, big)))
    first = pool.add_points(points[:5])
    rest = pool.add_points(points[5:])
    idx = np.concatenate([first, rest])
    assert idx.tolist() == list(range(64, 364)) and pool.size == 364
    for g in POLYS:
        signs = pool.signs(g, np.concatenate([np.arange(64), idx]))
        for k, s in enumerate(signs):
            nums, d = pool.witness(k).int_point(R)
            assert s == fraction_sign(g, [Fraction(n, d) for n in nums]), (g, k)
    nums, d = points[17]
    assert pool.witness(int(idx[17])).int_point(R) == Witness.from_fractions(
        R, [Fraction(n, d) for n in nums]).int_point(R)
