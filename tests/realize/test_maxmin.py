"""MaxMin: exact evaluation, forms, printing, immutability and the lattice algebra.

Oracles: sympy's own evaluation of Max/Min expressions, Python's max/min over
exact Fractions, and float evaluation with numpy.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
import sympy

from symattn.errors import SymattnError
from symattn.realize import CertificateInputError, MaxMin

x, y, z = sympy.symbols("x y z")


def rational(rng: random.Random) -> Fraction:
    return Fraction(rng.randint(-40, 40), rng.randint(1, 9))


def sympy_value(expr: sympy.Expr, point: dict) -> sympy.Rational:
    """sympy evaluates Max/Min itself once the arguments are numbers."""
    return sympy.sympify(expr).xreplace({k: sympy.Rational(v.numerator, v.denominator) for k, v in point.items()})


RANDOM_TERMS = [
    [[x**2 - y, 3 * x * y + 1, "1/2"], [y**3 - x], [x - y, 2 * y**2 - 5, x * y * y]],
    [[x + y], [x - y], [-x + 2 * y, 7]],
    [[x**4 - 3 * x * y**2 + sympy.Rational(2, 3)]],
]


@pytest.mark.parametrize("terms", RANDOM_TERMS)
def test_exact_value_matches_sympy_max_min_and_floats(terms, rng):
    mm = MaxMin(terms, [x, y])
    expr = mm.as_expr()
    lam = sympy.lambdify((x, y), sympy.Max(*[sympy.Min(*g) for g in mm.terms]), "numpy")
    for _ in range(60):
        a, b = rational(rng), rational(rng)
        exact = mm(a, b)
        assert exact == sympy_value(expr, {x: a, y: b})
        assert exact == max(min(sympy.sympify(t).subs({x: a, y: b}) for t in g) for g in terms)
        assert np.isclose(float(exact), lam(float(a), float(b)), rtol=1e-9, atol=1e-9)
    assert mm({x: 1, y: 2}) == mm([1, 2]) == mm(1, 2) == mm("1", "2")


def test_degree_shape_and_distinct_terms():
    mm = MaxMin([[x**2 * y, 1], [x, 1]], [x, y])
    assert mm.degree == 3
    assert mm.shape == (2, 2)
    assert [p.as_expr() for p in mm.polynomials] == [x**2 * y, 1, x]


def test_printing_follows_sympys_protocol():
    mm = MaxMin([[0], [x + 1, 1 - x]], [x])
    assert str(mm) == "max(0, min(x + 1, 1 - x))"
    assert sympy.latex(mm) == r"\max\left(0, \min\left(x + 1, 1 - x\right)\right)"
    # nested in a sympy container, children go through the same printer
    assert sympy.latex(sympy.Tuple(sympy.Symbol("a"))) and r"\min" in sympy.latex([mm])
    assert mm._repr_latex_().startswith("$") and r"\max" in mm._repr_latex_()
    assert str(MaxMin([[x**2]], [x])) == "x**2"
    assert sympy.latex(MaxMin([[x, y]], [x, y])) == r"\min\left(x, y\right)"


def test_as_expr_is_an_unevaluated_max_of_mins():
    expr = MaxMin([[0], [x + 1, 1 - x]], [x]).as_expr()
    assert isinstance(expr, sympy.Max)
    assert any(isinstance(a, sympy.Min) for a in expr.args)
    assert expr.subs(x, sympy.Rational(1, 2)) == sympy.Rational(1, 2)


def test_immutable_hashable_and_structural_equality():
    a = MaxMin([[x + 1, 1 - x]], [x])
    b = MaxMin([["x + 1", "1 - x"]], [x])
    assert a == b and hash(a) == hash(b)
    assert a != MaxMin([[1 - x, x + 1]], [x])
    with pytest.raises(AttributeError):
        a.groups = ()
    assert len({a, b}) == 1


def test_simplified_drops_repeats_and_dominated_groups(rng):
    mm = MaxMin([[x, y, x], [x, y, 1], [x, y], [y**2]], [x, y])
    s = mm.simplified()
    assert s.terms == ((x, y), (y**2,))
    for _ in range(40):
        pt = (rational(rng), rational(rng))
        assert s(*pt) == mm(*pt)


@pytest.mark.parametrize("expr", [
    sympy.Max(0, sympy.Min(x + 1, 1 - x)),
    abs(x) - sympy.Max(x, y),
    -sympy.Max(x, 2 * y, sympy.Min(x, y**2)),
    3 * sympy.Min(x, y) + sympy.Max(x * y, 1) - sympy.Rational(1, 2),
    sympy.Min(sympy.Max(x, y), sympy.Max(-x, y - 1), x + y),
])
def test_from_expr_agrees_with_sympy(expr, rng):
    mm = MaxMin.from_expr(expr, [x, y])
    for _ in range(40):
        a, b = rational(rng), rational(rng)
        assert mm(a, b) == sympy_value(expr, {x: a, y: b})


def test_lattice_operations(rng):
    f = MaxMin([[x], [-x]], [x, y])          # |x|
    g = MaxMin([[y, 2]], [x, y])             # min(y, 2)
    cases = {
        "sum": (f + g, lambda a, b: abs(a) + min(b, 2)),
        "shift": (f + (x * y), lambda a, b: abs(a) + a * b),
        "scale": (Fraction(3, 2) * f, lambda a, b: Fraction(3, 2) * abs(a)),
        "neg": (-g, lambda a, b: -min(b, 2)),
        "diff": (f - g, lambda a, b: abs(a) - min(b, 2)),
        "max": (MaxMin.maximum(f, g), lambda a, b: max(abs(a), min(b, 2))),
        "min": (MaxMin.minimum(f, g), lambda a, b: min(abs(a), min(b, 2))),
    }
    for name, (h, want) in cases.items():
        for _ in range(25):
            a, b = rational(rng), rational(rng)
            assert h(a, b) == want(a, b), name


@pytest.mark.parametrize("terms, variables, fragment", [
    ([], [x], "non-empty"),
    ([[]], [x], "non-empty"),
    ([[x + z]], [x], "not among the variables"),
    ([[0.5 * x]], [x], "non-rational"),
    ([[1 / x]], [x], "not a polynomial"),
    ([[sympy.sqrt(2) * x]], [x], "not in the rationals"),
    ([[x]], [x, x], "repeated variable"),
])
def test_bad_terms_raise_a_certificate_input_error(terms, variables, fragment):
    with pytest.raises(CertificateInputError) as err:
        MaxMin(terms, variables)
    assert fragment in str(err.value)
    assert isinstance(err.value, SymattnError)
    assert "MaxMin" in str(err.value)


def test_scaling_by_a_negative_constant_is_refused():
    with pytest.raises(CertificateInputError, match="use -f"):
        MaxMin([[x]], [x]) * -2
