"""Spline inputs and their max–min certificates.

Oracles: the spline's own piecewise evaluation, the original network's exact
forward pass, and hand-checked boundary points of discontinuous inputs.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy

import symattn
from symattn.errors import SymattnError
from symattn.nn import Attention, Encoder, EncoderBlock, FeedForward
from symattn.realize import (CPWL, CertificateInputError, DiscontinuityError, MaxMin, NoCertificateError,
                             UnivariateSpline, certificate, realize)
from symattn.realize.certificates import line_sign
from symattn.realize.examples import cubic_spline
from symattn.semialg.convert import ring_of

x, y = sympy.symbols("x y")


def rational(rng: random.Random, spread: int = 6) -> Fraction:
    q = rng.randint(1, 9)
    return Fraction(rng.randint(-spread * q, spread * q), q)


# -- univariate splines ----------------------------------------------------------
def test_univariate_spline_evaluates_piece_by_piece(rng):
    s = cubic_spline()
    for _ in range(100):
        v = rational(rng)
        k = sum(1 for t in s.knots if v > t)
        assert s(v) == sympy.sympify(s.pieces[k].as_expr()).subs(x, v)
    assert s.degree == 3 and s.knots == (-1, 0, 2)


def test_truncated_power_form_reproduces_the_spline(rng):
    s = cubic_spline()
    p0, terms = s.truncated_powers()
    for _ in range(60):
        v = rational(rng)
        value = p0.as_expr().subs(x, v) + sum(
            b * max(v - t, 0) ** (e + 1) for t, bs in terms for e, b in enumerate(bs))
        assert value == s(v)


def test_a_jump_is_a_discontinuity_error_at_the_knot():
    with pytest.raises(DiscontinuityError) as err:
        UnivariateSpline([0, 2], [x, x**2 - x, 5], x)
    e = err.value
    assert e.point == {x: 2} and e.pieces == (1, 2) and e.values == (2, 5)
    assert isinstance(e, SymattnError) and "UnivariateSpline" in str(e)


@pytest.mark.parametrize("knots, pieces, fragment", [
    ([1, 0], [0, 0, 0], "strictly increasing"),
    ([0], [x], "need 2 pieces"),
    ([0], [x, x * y], "not among the variables"),
])
def test_bad_univariate_input(knots, pieces, fragment):
    with pytest.raises(CertificateInputError, match=fragment):
        UnivariateSpline(knots, pieces, x)


def test_line_sign_is_exact():
    X, = ring_of((x,)).gens
    assert line_sign((X - 1) ** 2 * (X**2 + 3)) == 1
    assert line_sign(-(X**2) - 1) == -1
    assert line_sign((X - 1) * (X + 1)) == 0
    assert line_sign(X**3) == 0
    assert line_sign(ring_of((x,)).zero) == 1


def test_univariate_certificate_equals_the_spline(rng):
    s = cubic_spline()
    mm = certificate(s)
    assert isinstance(mm, MaxMin) and mm.variables == (x,)
    for _ in range(200):
        v = rational(rng, 8)
        assert mm(v) == s(v)
    for t in s.knots:
        assert mm(t) == s(t)


def test_one_signed_jumps_need_no_degree_raise(rng):
    s = UnivariateSpline([0, 1], [0, (x**2 + 1) * x, (x**2 + 1) * x + 3 * (x - 1)], x)  # c = x^2+1, 3
    mm = certificate(s)
    assert mm.degree == 3 and mm.shape == (4, 1)      # max(0, u c_1) + max(0, u c_2): no (c ± 1)^2 terms
    for _ in range(40):
        v = rational(rng)
        assert mm(v) == s(v)
    assert str(certificate(UnivariateSpline([0], [0, -3 * x], x))) == "min(0, -3*x)"


# -- CPWL ------------------------------------------------------------------------
def test_cpwl_from_cells_and_its_certificate(rng):
    # f = min(y, 0); the half-plane y < 0 is given as two cells
    f = CPWL([[y < 0, x < 0], [y < 0, x > 0], [y > 0]], [y, y, 0], [x, y])
    mm = certificate(f)
    for _ in range(80):
        a, b = rational(rng), rational(rng)
        assert mm(a, b) == min(b, 0) == f(a, b)


def test_cpwl_discontinuity_gives_an_exact_boundary_point():
    with pytest.raises(DiscontinuityError) as err:
        CPWL([[x + y < 1], [x + y > 1]], [x, 2 - y], [x, y])
    e = err.value
    a, b = e.point[x], e.point[y]
    assert a + b == 1                       # on the common wall
    assert e.values == (a, 2 - b) and e.values[0] != e.values[1]


@pytest.mark.parametrize("cells, pieces, fragment", [
    ([[x**2 + y < 1], [x**2 + y > 1]], [0, 0], "curved"),
    ([[x < 0, x > 1]], [0], "empty"),
    ([[x < 0]], [x * y], "not affine"),
    ([[x < 0], [x > 0]], [0], "one piece per cell"),
    ([[sympy.Eq(x, 0)]], [0], "not an inequality"),
])
def test_bad_cpwl_input(cells, pieces, fragment):
    with pytest.raises(CertificateInputError, match=fragment):
        CPWL(cells, pieces, [x, y])


def test_cpwl_certificate_of_a_generic_ffn_equals_the_network(ffn_case, rng):
    ffn, spline, mm = ffn_case.ffn, ffn_case.spline, ffn_case.certificate
    assert mm.degree == 1
    pieces = {p.polys[0][0] for p in spline.pieces}
    assert all(t in pieces for g in mm.groups for t in g)      # only the network's own pieces
    for _ in range(150):
        pt = [rational(rng, 5), rational(rng, 5)]
        assert mm(pt) == ffn([pt])[0, 0]


def test_unshrunk_certificate_also_equals_the_network(ffn_case, rng):
    from symattn.realize.certificates import cpwl_certificate

    ffn, small = ffn_case.ffn, ffn_case.certificate
    full = cpwl_certificate(CPWL.from_spline(ffn_case.spline), shrink=False)
    assert sum(map(len, small.groups)) < sum(map(len, full.groups))
    for _ in range(60):
        pt = [rational(rng, 5), rational(rng, 5)]
        assert full(pt) == small(pt) == ffn([pt])[0, 0]


# -- what has no certificate -----------------------------------------------------
def test_curved_walls_in_three_variables_have_no_certificate():
    attn = Attention(Q=[[1], [0], [1]], K=[[1], [-1], [0]], V=[[1], [2], [-1]])
    spline = symattn.compile(attn, n=1, progress=False)   # wall (x0 + x2)(x0 - x1) = 0 in R^3
    assert len(spline.variables) == 3 and spline.complete
    with pytest.raises(NoCertificateError) as err:
        certificate(spline)
    msg = str(err.value)
    assert "Pierce–Birkhoff" in msg and "unproven" in msg and "MaxMin" in msg
    with pytest.raises(NoCertificateError):
        realize(spline)


def test_curved_walls_in_two_variables_explain_that_pb_holds_but_is_not_constructive():
    attn = Attention(Q=[[1], [1]], K=[[1], [-1]], V=[[1], [0]])
    with pytest.raises(NoCertificateError, match="proven for N ≤ 2"):
        certificate(symattn.compile(attn, n=1, progress=False))


def test_one_variable_spline_with_an_irrational_knot_has_no_certificate():
    blk = EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], [-1], [[1]], None))
    spline = symattn.compile(blk, n=1, progress=False)     # knot at the real root of x^3 + x - 1
    with pytest.raises(NoCertificateError, match="irrational"):
        certificate(spline)


def test_one_variable_spline_with_rational_knots_becomes_a_univariate_spline(rng):
    off = Attention([[0]], [[0]], [[0]])
    model = Encoder([EncoderBlock(off, FeedForward([[1]], [-1], [[1]], None)),      # v = x + σ(x − 1)
                     EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[0]], [0], [[0]], None))])
    spline = symattn.compile(model, n=1, progress=False)                            # v + v^3
    mm = certificate(spline)
    for _ in range(60):
        v = rational(rng)
        assert mm(v) == model([[v]])[0, 0]


def test_other_objects_have_no_certificate():
    with pytest.raises(NoCertificateError, match="MaxMin"):
        certificate(x**2)
