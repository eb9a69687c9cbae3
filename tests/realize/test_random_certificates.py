"""Random max–min certificates: the built encoder equals them exactly (property-based).

Oracle: the certificate's own exact evaluation, max over groups of min over terms.
"""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symattn.realize import MaxMin, realize

x, y = sympy.symbols("x y")
SETTINGS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

coefficient = st.fractions(min_value=-3, max_value=3, max_denominator=3)
point = st.fractions(min_value=-4, max_value=4, max_denominator=7)


@st.composite
def polynomials(draw, variables, max_degree):
    monomials = [(i, j) for i in range(max_degree + 1) for j in range(max_degree + 1 - i)
                 if len(variables) == 2 or j == 0]
    chosen = draw(st.lists(st.sampled_from(monomials), min_size=1, max_size=4, unique=True))
    total = sympy.Integer(0)
    for i, j in chosen:
        c = draw(coefficient)
        total += sympy.Rational(c.numerator, c.denominator) * variables[0] ** i * (variables[1] ** j if j else 1)
    return total


@st.composite
def certificates(draw, variables, max_degree):
    groups = draw(st.integers(1, 3))
    return MaxMin([[draw(polynomials(variables, max_degree)) for _ in range(draw(st.integers(1, 3)))]
                   for _ in range(groups)], variables)


@SETTINGS
@given(certificates((x, y), 4), st.lists(st.tuples(point, point), min_size=3, max_size=3))
def test_encoder_equals_certificate_at_rational_points(mm, points):
    r = realize(mm)
    for a, b in points:
        assert r(a, b) == mm(a, b)


@settings(max_examples=8, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(certificates((x,), 3))
def test_round_trip_proves_random_univariate_certificates(mm):
    proof = realize(mm).verify(points=8)
    assert proof.proved, proof.summary()
