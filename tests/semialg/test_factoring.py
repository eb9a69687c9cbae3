"""Sign systems split along irreducible factors: the cases partition the set, and the oracle and the
certificates use them soundly (checked against exact evaluation at random rational points)."""

from __future__ import annotations

import random
from fractions import Fraction

import sympy
from hypothesis import given, settings, strategies as st

from symattn.semialg.certificates import Emptiness, certify, check
from symattn.semialg.factoring import factor_condition, factor_system
from symattn.semialg.oracle import Feasible, Infeasible, Oracle
from symattn.semialg.poly import evaluate_fractions, polynomial_ring

x, y, z, w = sympy.symbols("fac_x fac_y fac_z fac_w")
R = polynomial_ring((x, y, z, w))
X, Y, Z, W = R.gens


def sign(v: Fraction) -> int:
    return (v > 0) - (v < 0)


def holds(conditions, point) -> bool:
    return all(sign(evaluate_fractions(g, point)) == s for g, s in conditions)


def random_linear(rng: random.Random):
    return sum((rng.randint(-2, 2) * v for v in (X, Y, Z, W)), R(rng.randint(-2, 2)))


def random_factor(rng: random.Random):
    """A linear form, a square of one, a sum of squares, or a random quadric (mostly irreducible)."""
    kind = rng.randrange(4)
    f = random_linear(rng)
    if kind == 1:
        return f**2
    if kind == 2:
        return f**2 + 1
    if kind == 3:
        return f * random_linear(rng) + rng.randint(-2, 2) * X * Z
    return f


def random_system(seed: int, conditions: int = 4):
    rng = random.Random(seed)
    system = []
    for _ in range(conditions):
        g = R(rng.choice((1, -1, 2, -3)))
        for _ in range(rng.randint(1, 3)):
            g *= random_factor(rng)
        if not g.is_ground:
            system.append((g, rng.choice((1, -1))))
    return system


def random_points(seed: int, count: int):
    rng = random.Random(seed)
    return [[Fraction(rng.randint(-40, 40), rng.randint(1, 9)) for _ in range(4)] for _ in range(count)]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_the_cases_partition_the_set_off_the_factors_zero_sets(seed):
    """At every exact point where no factor vanishes, the original system holds iff exactly one case does."""
    system = random_system(seed)
    factored = factor_system(system)
    cases = list(factored.cases())
    zeros = [f for f in factored.atoms] + [f for f, _, _ in factored.dropped]
    for point in random_points(seed, 60):
        if any(evaluate_fractions(f, point) == 0 for f in zeros):
            continue
        inside = [holds(case, point) for case in cases]
        assert sum(inside) <= 1                                   # disjoint
        assert holds(system, point) == (sum(inside) == 1)          # and covering


def test_a_factor_condition_keeps_only_what_decides_the_sign():
    f = factor_condition(-3 * (X - Y)**2 * (X + Z) * (Y**2 + 1) * (X**2 + W**2), 1)
    assert f.sign == -1 and [str(p.as_expr()) for p in f.factors] == ["fac_x + fac_z"]
    reasons = sorted(why for _, _, why in f.dropped)
    assert reasons == ["even multiplicity: positive off its zero set, a null set",
                       "positive everywhere", "positive off its zero set, a null set"]
    assert not f.exact and factor_condition(X * Y, 1).exact


def test_a_rank_one_score_pattern_is_empty_by_linear_cases_and_the_certificate_checks():
    # a = x + y, b = z − w, c = x − 2w: a > 0 (the last condition), so b, c > 0 (the first two),
    # so y + 1 < 0 (the third), so (y + 1)·a < 0, against the fourth.  Each sign case of the
    # factors is a linear program (plus an irrelevant cubic)
    system = [((X + Y) * (Z - W), 1), ((X + Y) * (X - 2 * W), 1), ((X - 2 * W) * (Z - W) * (Y + 1), -1),
              ((Y + 1) * (X + Y), 1), ((X + Y) * (W**2 + 1), 1), (X * X * Z + Y, 1)]
    oracle = Oracle(R, samples=0, line_budget=(0, 0), ascent=False, relaxation=False)
    decision = oracle.decide(system)
    assert isinstance(decision, Infeasible) and decision.reason.startswith("factor:")
    record = certify(Emptiness(tuple(system), decision.reason))
    assert record.procedure == "factors" and check(record)
    # sampling never finds a point, as it must not
    assert not any(holds(system, p) for p in random_points(1, 3000))


def test_a_nonempty_factored_system_gets_a_checked_witness():
    system = [((X + Y) * (Z - W), 1), ((X - Y)**2 * (X + 2 * Z), -1), ((Z - W) * (X - 3), 1), (Y - 5, 1)]
    oracle = Oracle(R, samples=0, line_budget=(0, 0), ascent=False)
    decision = oracle.decide(system)
    assert isinstance(decision, Feasible)
    point = [Fraction(decision.witness[v]) for v in (x, y, z, w)]
    assert holds(system, point)


def test_a_forged_factors_certificate_fails_the_check():
    system = ((X * Y, 1), (X, 1), (Y - 1, 1))                   # x = 1, y = 2 lies in it
    assert holds(system, [Fraction(1), Fraction(2), Fraction(0), Fraction(0)])
    assert not check(Emptiness(system, "forged", "factors"))
