"""Emptiness certificates: a Farkas combination is checked exactly, and only a true one passes."""

from __future__ import annotations

import random
import sys
from fractions import Fraction

import pytest
import sympy

from symattn.semialg.certificates import (CertifiedEmptiness, Emptiness, certify, check, check_farkas,
                                          farkas_multipliers)
from symattn.semialg.oracle import Infeasible, Undecided
from symattn.semialg.sos import available as sos_available
from symattn.semialg.poly import polynomial_ring

x, y, z = sympy.symbols("cert_x cert_y cert_z")
R = polynomial_ring((x, y, z))
X, Y, Z = R.gens


def test_a_linear_system_and_its_combination():
    conditions = ((X - Y, 1), (Y - 1, 1), (X - 1, -1))        # x > y > 1 > x
    assert check_farkas(conditions, (1, 1, 1))                  # (x − y) + (y − 1) + (1 − x) = 0
    assert check_farkas(conditions, (2, 2, 2))
    assert not check_farkas(conditions, (1, 0, 1))              # leaves y − 1 + ... : not a constant
    assert not check_farkas(conditions, (1, 1, -1))             # a negative multiplier
    assert not check_farkas(conditions, (0, 0, 0))              # the empty combination proves nothing
    assert not check_farkas(conditions, (1, 1))                 # one multiplier per condition
    found = farkas_multipliers(conditions)
    assert found is not None and check_farkas(conditions, found)


def test_a_nonempty_system_has_no_certificate():
    conditions = ((X - Y, 1), (Y - 1, 1), (X - 3, -1))          # x = 2, y = 3/2 satisfies it
    assert farkas_multipliers(conditions) is None
    forged = Emptiness(conditions, "forged", "farkas", (Fraction(1), Fraction(1), Fraction(1)))
    assert not check(forged)                                    # (x − y) + (y − 1) + (3 − x) = 2 > 0
    assert not check(Emptiness(conditions, "forged", "syntactic"))


def test_even_monomials_may_be_left_over_with_a_nonpositive_sign():
    conditions = ((Y - X**2, 1), (Y, -1))                       # y > x² ≥ 0 > y
    record = certify(Emptiness(conditions, "relaxation: ..."))
    assert record.procedure == "farkas" and record.checkable and check(record)
    assert not check_farkas(((Y - X**2 + X, 1), (Y, -1)), (1, 1))   # an odd monomial x is left over


def test_the_procedures_are_named_honestly(monkeypatch):
    assert certify(Emptiness(((X**2 + Y**2 + 1, -1),), "syntactic: ...")).procedure == "syntactic"
    # x·y > 1 with x > 0 > y is empty, but no linear combination cancels x·y: without the
    # sum-of-squares search it rests on a solver
    system = ((X * Y - 1, 1), (X, 1), (Y, -1))
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "cvxpy", None)
        solver = certify(Emptiness(system, "nlsat: z3 QF_NRA proves emptiness"))
    assert solver.procedure == "solver" and not solver.checkable and not check(solver)
    assert solver.reason.startswith("nlsat")
    # the product of the last two does cancel it: (x·y − 1) + x·(−y) = −1
    if sos_available():
        found = certify(Emptiness(system, "nlsat: z3 QF_NRA proves emptiness"))
        assert found.procedure == "sos" and check(found) and found.sos.degree == 2


def test_random_linear_systems_agree_with_an_exact_point_search():
    # independent oracle: a system with a certificate has no point on a fine grid, and a system
    # with a grid point has no certificate
    rng = random.Random(12)
    certified = refuted = 0
    grid = [Fraction(i, 2) for i in range(-8, 9)]
    for _ in range(60):
        conds = tuple((rng.randint(-2, 2) * X + rng.randint(-2, 2) * Y + rng.randint(-3, 3), rng.choice((1, -1)))
                      for _ in range(3))
        conds = tuple((g, s) for g, s in conds if not g.is_ground) or ((X, 1),)
        point = next(((a, b) for a in grid for b in grid
                      if all(s * g(a, b, 0) > 0 for g, s in conds)), None)
        found = farkas_multipliers(conds)
        if found is not None:
            certified += 1
            assert point is None and check_farkas(conds, found)
        if point is not None:
            refuted += 1
            assert found is None
    assert certified >= 5 and refuted >= 5


def test_the_certificate_oracle_answers_only_from_checked_records():
    good = certify(Emptiness(((X - Y, 1), (Y - 1, 1), (X - 1, -1)), "lra"))
    forged = Emptiness(((X, 1), (Y, 1)), "forged", "farkas", (Fraction(1), Fraction(1)))
    solver = Emptiness(((X * Y - 1, 1), (X, 1), (Y, -1)), "nlsat", "solver")
    oracle = CertifiedEmptiness([good, forged, solver])
    assert isinstance(oracle.decide(tuple(reversed(good.conditions))), Infeasible)   # order does not matter
    assert isinstance(oracle.decide(forged.conditions), Undecided)
    assert isinstance(oracle.decide(solver.conditions), Undecided)
    assert oracle.stats == {"certificate-farkas": 1, "no certificate": 2}


@pytest.mark.parametrize("multipliers", [("1/2", "1/2", "1/2"), ("3", "3", "3")])
def test_scaling_a_certificate_keeps_it_valid(multipliers):
    conditions = ((X - Y, 1), (Y - 1, 1), (X - 1, -1))
    assert check_farkas(conditions, tuple(Fraction(m) for m in multipliers))


def test_an_inertia_emptiness_is_certified_and_rechecked_without_a_solver():
    """The Lorentz pattern (three timelike tokens, every pair positive) is recorded as ``inertia``;
    a forged inertia record on a non-empty pattern fails its check."""
    import itertools

    from symattn.semialg.certificates import CHECKABLE, Emptiness, certify, check

    R = polynomial_ring([sympy.Symbol(f"X[{a},{c}]") for a in range(3) for c in range(2)])
    tok = [R.gens[2 * a:2 * a + 2] for a in range(3)]

    def B(a, b):                                   # x0 y0 - x1 y1, inertia (1, 1)
        return tok[a][0] * tok[b][0] - tok[a][1] * tok[b][1]

    empty = tuple([(B(a, a), -1) for a in range(3)] + [(B(a, b), 1) for a, b in itertools.combinations(range(3), 2)])
    record = certify(Emptiness(empty, "inertia: ..."))
    assert record.procedure == "inertia" and "inertia" in CHECKABLE and record.checkable and check(record)
    one_nappe = tuple([(B(a, a), -1) for a in range(3)] + [(B(a, b), -1) for a, b in itertools.combinations(range(3), 2)])
    assert not check(Emptiness(one_nappe, "forged", procedure="inertia"))   # e.g. x = (0, 1), (1, 2), (1, 3)
