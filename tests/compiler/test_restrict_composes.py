"""Restricting twice is restricting once by the composite substitution; fixed parameters stay fixed."""

from __future__ import annotations

import sympy

import symattn
from symattn.nn import Attention

x = {(i, j): symattn.input_symbol("x", i, j) for i in range(2) for j in range(2)}
MODEL = Attention([[1, 0], [0, 1]], [[1, 0], [0, -1]], [[1], [1]])
q = sympy.Symbol("q", positive=True)


def test_two_substitutions_compose():
    s = symattn.compile(MODEL, n=2, progress=False)
    twice = s.restrict({x[0, 0]: 1}).restrict({x[0, 1]: 2})
    assert twice.variables == (x[1, 0], x[1, 1])          # before: (x[0,0], x[1,0], x[1,1])
    assert twice.substitution == {x[0, 0]: 1, x[0, 1]: 2}
    once = s.restrict({x[0, 0]: 1, x[0, 1]: 2})
    assert [(p.region, p.polys) for p in twice.pieces] == [(p.region, p.polys) for p in once.pieces]
    for a, b in [(3, -1), ("1/2", "5/3"), (-2, "-7/4")]:
        assert twice({x[1, 0]: a, x[1, 1]: b}) == MODEL([[1, 2], [a, b]])


def test_a_line_then_a_point_on_it():
    s = symattn.compile(MODEL, n=2, progress=False)
    t = sympy.Symbol("t[0]", real=True)
    line = s.restrict(origin={x[0, 0]: 1, x[1, 1]: -1}, directions=[{x[0, 1]: 1, x[1, 0]: 2}])
    assert line.variables == (t,)
    point = line.restrict({t: sympy.Rational(1, 3)})
    assert point.variables == () and len(point) == 1
    assert point({})[0, 0] == MODEL([[1, "1/3"], ["2/3", -1]])[0, 0]


def test_a_fixed_parameter_stays_fixed():
    model = Attention([[q, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]])
    s = symattn.compile(model, n=2, progress=False)
    fixed = s.restrict({q: 3}).restrict({x[0, 0]: 1})
    assert fixed.parameters == () and fixed.variables == (x[0, 1], x[1, 0], x[1, 1])
    three = Attention([[3, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]])
    for rows in ([[1, 2], [-1, "1/2"]], [[1, -3], [2, 5]]):
        assert fixed({x[0, 1]: rows[0][1], x[1, 0]: rows[1][0], x[1, 1]: rows[1][1]}) == three(rows)
