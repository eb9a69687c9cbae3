"""Oracles that adopt another's resources (z3 contexts, sign facts, affine cores) answer exactly as
fresh ones: same kind of answer, same reason, whatever was asked before."""

from __future__ import annotations

import random

import sympy

from symattn.semialg.oracle import Feasible, Infeasible, Oracle
from symattn.semialg.poly import normalize_condition, polynomial_ring

x, y, z = sympy.symbols("share_x share_y share_z")
R = polynomial_ring((x, y, z))
X, Y, Z = R.gens
OPTIONS = dict(z3_timeouts=(0.5,), samples=64, line_budget=(2, 2), ascent=False)


def random_system(rng: random.Random):
    """Affine walls from a small family (so infeasible cores recur), sometimes with a quadric."""
    walls = [X - 1, Y - 2, X + Y, X - Y - 3, Z + X, Z - 2 * Y + 1]
    system = [(g, rng.choice((1, -1))) for g in rng.sample(walls, rng.randint(2, 5))]
    if rng.random() < 0.5:
        system.append((X * Y - Z, rng.choice((1, -1))))
    return system


def test_adopted_resources_change_no_answer():
    rng = random.Random(4)
    questions = [random_system(rng) for _ in range(120)]
    shared = Oracle(R, seed=1, **OPTIONS)
    answered_by_the_store = 0
    for k, q in enumerate(questions):
        answered_by_the_store += shared._affine.contained_in(frozenset(normalize_condition(g, s) for g, s in q))
        fresh = Oracle(R, seed=k, **OPTIONS).decide(q)
        adopting = Oracle(R, seed=k, **OPTIONS)
        adopting.adopt(shared.resources())
        answer = adopting.decide(q)
        shared.adopt(adopting.resources())
        assert type(answer) is type(fresh), q
        if isinstance(fresh, Infeasible):
            assert answer.reason == fresh.reason, q
        if isinstance(fresh, Feasible):
            assert answer.witness == fresh.witness      # the same seed and question: the same search
    assert answered_by_the_store >= 5            # the store was used, and changed nothing
