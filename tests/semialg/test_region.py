"""Regions exist only with an exactly verified witness."""
from __future__ import annotations

import pytest
import sympy
from sympy import Rational

from symattn.semialg.poly import polynomial_ring
from symattn.semialg.region import Region, Witness, check_conditions

x, y = sympy.symbols("x y")
R = polynomial_ring((x, y))
X, Y = R.gens


def test_region_accepts_a_good_witness_and_tests_membership_exactly():
    r = Region(((Y - X**2, 1), (Y - X**2 - Rational(1, 10**6), -1)),
               {x: Rational(1, 2), y: Rational(1, 4) + Rational(1, 10**7)})
    assert r.contains({x: Rational(1, 2), y: Rational(1, 4) + Rational(1, 10**7)})
    assert not r.contains({x: Rational(1, 2), y: Rational(1, 4)})            # on the wall
    assert not r.contains({x: 0, y: Rational(1, 10**6)})                     # on the other wall
    assert r.contains({x: 0, y: Rational(1, 10**6) - Rational(1, 10**12)})


def test_region_refuses_a_bad_witness():
    with pytest.raises(ValueError, match="violates"):
        Region(((X, 1),), {x: 0, y: 5})                   # boundary is not inside
    with pytest.raises(ValueError, match="violates"):
        Region(((X * Y, 1), (X, -1)), {x: -1, y: 1})
    with pytest.raises(ValueError, match="violates"):
        Region.checked([(X - Rational(1, 3), 1)], {x: Rational(1, 3), y: 0})
    with pytest.raises(ValueError, match="no value"):
        Region(((X, 1),), {x: 1})
    with pytest.raises(ValueError):
        Region(((X, 0),), {x: 1, y: 1})
    with pytest.raises(TypeError):
        Region(((X, 1),), {x: 0.5, y: 1})                 # floats are not exact witnesses


def test_region_is_immutable_hashable_and_compares_by_conditions():
    a = Region(((X, 1),), {x: 1, y: 0})
    b = Region(((X, 1),), {x: 2, y: 7})
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1
    with pytest.raises(Exception):
        a.conditions = ()
    w = a.witness
    assert dict(w) == {x: 1, y: 0} and w[x] == 1
    with pytest.raises(TypeError):
        w[x] = 3
    with pytest.raises(AttributeError):
        w.foo = 3
    assert hash(w) == hash(Witness({x: 1, y: 0}))


def test_relational_and_symbols():
    r = Region(((X * Y, 1), (X, -1)), {x: -1, y: Rational(-1, 2)})
    assert r.as_relational() == sympy.And(x * y > 0, x < 0)
    assert r.symbols == (x, y)
    assert Region.whole(R).as_relational() == sympy.true
    assert Region.whole(R).contains({x: 5, y: -3})


def test_refine_and_rings_must_agree():
    r = Region.whole(R).refine([(X, 1)], {x: 1, y: 0})
    assert r.conditions == ((X, 1),)
    S = polynomial_ring((x, y, sympy.Symbol("z")))
    with pytest.raises(ValueError, match="different"):
        Region(((X, 1), (S.gens[1], 1)), {x: 1, y: 1, sympy.Symbol("z"): 1})


def test_check_conditions_names_the_violated_one():
    conds = ((X, 1), (Y, -1), (X + Y, 1))
    assert check_conditions(conds, {x: 2, y: -1}) is None
    assert check_conditions(conds, {x: 1, y: -1}) == 2
