"""The SMT-LIB writer and the portfolio: exact witnesses, named proofs, caught wrong answers."""
from __future__ import annotations

import random
import shlex
import sys
import time
from fractions import Fraction

import pytest
import sympy

from symattn.semialg import Feasible, Infeasible, Oracle, polynomial_ring
from symattn.semialg.portfolio import PROCEDURES, Portfolio, Procedure, satisfies
from symattn.semialg.smtlib import model_candidates, parse, read, write

# x^2 + y^2 < 1, x*y > 2/5: a thin lens, nonempty but far from the axes
LENS = [([(1, ((0, 2),)), (1, ((1, 2),)), (-1, ())], -1), ([(5, ((0, 1), (1, 1))), (-2, ())], 1)]
# x*y > 1, x + y < 0, x > 0: empty (then y > 1/x > 0)
EMPTY = [([(1, ((0, 1), (1, 1))), (-1, ())], 1), ([(1, ((0, 1),)), (1, ((1, 1),))], -1), ([(1, ((0, 1),))], 1)]


def sympy_value(terms, point):
    """The polynomial at the point, by sympy (independent of the portfolio's evaluator)."""
    xs = sympy.symbols("x0:3")
    expr = sum(c * sympy.Mul(*[xs[i] ** e for i, e in mon]) for c, mon in terms)
    return sympy.sympify(expr).subs({xs[i]: sympy.Rational(v.numerator, v.denominator) for i, v in enumerate(point)})


def assert_witness(system, verdict):
    assert verdict.status == "sat", verdict
    for terms, sign in system:
        assert sign * sympy_value(terms, verdict.witness) > 0


def fake(name: str, script: str, trusted: bool = False) -> Procedure:
    """A procedure that prints what ``script`` prints, whatever the file says."""
    return Procedure(name, lambda path, seconds: [sys.executable, "-c", script], lambda: True, trusted)


# ---------------------------------------------------------------------------
# SMT-LIB
# ---------------------------------------------------------------------------
def test_write_read_round_trip_on_random_systems():
    rng = random.Random(3)
    for _ in range(30):
        system = []
        for _ in range(rng.randint(1, 4)):
            mons = {tuple((i, rng.randint(1, 3)) for i in sorted(rng.sample(range(4), rng.randint(0, 2))))
                    for _ in range(rng.randint(1, 4))}
            system.append(([(rng.choice([-7, -1, 2, 5]), m) for m in sorted(mons)], rng.choice([1, -1])))
        ngens, back = read(write(system, 4))
        assert [(sorted(t), s) for t, s in back] == [(sorted(t), s) for t, s in system]


def test_models_of_every_dialect_become_rational_candidates():
    z3_text = "((x0 (root-obj (+ (^ x 2) (- 3)) 1)) (x1 (/ (- 1.0) 3.0)))"   # -sqrt(3), -1/3
    cvc5_text = "((x0 (_ real_algebraic_number <1*x^2 + (-3), (-7/4, -3/2)>)) (x1 (/ (- 1) 3)))"
    yices_text = "((x0 -1.732051)\n (x1 (/ (- 1) 3)))"
    for text in (z3_text, cvc5_text, yices_text):
        points = list(model_candidates(parse(text)[0], 3))
        assert all(p[1] == Fraction(-1, 3) and p[2] is None for p in points)
        assert abs(points[-1][0] ** 2 - 3) < Fraction(1, 10 ** 5)
        assert points[-1][0] < 0
    fine = list(model_candidates(parse(z3_text)[0], 2))[-1][0]
    assert abs(fine * fine - 3) < Fraction(1, 2 ** 120)      # exact bisection to 2^-128


# ---------------------------------------------------------------------------
# the portfolio with z3 (always installed)
# ---------------------------------------------------------------------------
def test_z3_sat_comes_with_an_exact_witness_and_unsat_names_z3():
    p = Portfolio(["z3"], cross_check=0)
    assert_witness(LENS, p.check(LENS, 2, timeout=10))
    v = p.check(EMPTY, 2, timeout=10)
    assert v.status == "unsat" and v.proved_by == ("z3",) and not v.confirmed
    assert "not cross-checked" in v.reason()


def late_z3(delay: float) -> Procedure:
    """z3, started ``delay`` seconds late (so a fake answers first)."""
    real = PROCEDURES["z3"]
    return Procedure("z3", lambda path, seconds: ["sh", "-c", f"sleep {delay}; exec {shlex.join(real.argv(path, seconds))}"],
                     real.available, trusted=False)


def test_a_planted_wrong_unsat_is_caught_by_the_cross_check():
    liar = fake("liar", "print('unsat')")            # untrusted, answers before z3
    v = Portfolio([liar, late_z3(0.5)], cross_check=5.0).check(LENS, 2, timeout=10)
    assert_witness(LENS, v)                          # z3's model, checked exactly, wins
    assert [(o.name, o.answer) for o in v.outcomes] == [("liar", "unsat"), ("z3", "sat")]
    assert v.note == "refutes the unsat of liar"
    # without a cross-check the lie would stand: the window is what catches it
    v = Portfolio([liar, late_z3(2.0)], cross_check=0).check(LENS, 2, timeout=10)
    assert v.status == "unsat" and v.proved_by == ("liar",) and not v.confirmed


def test_a_sat_claim_without_a_witness_blocks_unsat():
    wrong_model = fake("bad-model", "print('sat'); print('((x0 0) (x1 0))')")
    v = Portfolio([wrong_model, "z3"], cross_check=5.0).check(EMPTY, 2, timeout=10)
    assert v.status == "unknown" and "disagree" in v.note
    assert v.hints == tuple(tuple([Fraction(0), Fraction(0)]) for _ in v.hints)


def test_crashes_garbage_and_hangs_are_unknown_and_hangs_are_stopped():
    for script in ("import sys; sys.exit(3)", "print('(error oops)')", "print('sat'); print('((x0 (')"):
        v = Portfolio([fake("f", script)]).check(LENS, 2, timeout=5)
        assert v.status == "unknown" and v.witness is None
    t = time.monotonic()
    v = Portfolio([fake("sleeper", "import time; time.sleep(60)")]).check(LENS, 2, timeout=0.5)
    assert v.status == "unknown" and time.monotonic() - t < 5
    assert v.outcomes[0].answer == "stopped"


def test_a_correct_fake_sat_is_accepted_only_with_its_exact_model():
    good = fake("good", "print('sat'); print('((x0 (/ 7 10)) (x1 (/ 7 10)))')")   # 49/50 < 1, 49/100 > 2/5
    v = Portfolio([good]).check(LENS, 2, timeout=5)
    assert v.witness == (Fraction(7, 10), Fraction(7, 10))
    assert satisfies(LENS, v.witness) and not satisfies(LENS, (Fraction(1), Fraction(1)))


# ---------------------------------------------------------------------------
# the optional procedures
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["yices", "cvc5"])
def test_optional_procedures_decide_and_are_trusted(name):
    if not PROCEDURES[name].available():
        pytest.skip(f"{name} is not installed (extra 'solvers')")
    p = Portfolio([name])
    assert_witness(LENS, p.check(LENS, 2, timeout=20))
    v = p.check(EMPTY, 2, timeout=20)
    assert v.status == "unsat" and v.proved_by == (name,) and v.confirmed


def test_algebraic_models_are_rounded_and_rechecked():
    # 0 < x^2 - 2 < 10^-9 with x > 0: every model is irrational-looking, a rational one exists
    system = [([(1, ((0, 2),)), (-2, ())], 1), ([(10 ** 9, ((0, 2),)), (-2 * 10 ** 9 - 1, ())], -1),
              ([(1, ((0, 1),))], 1)]
    for name in ("z3", "yices", "cvc5"):
        if PROCEDURES[name].available():
            v = Portfolio([name]).check(system, 1, timeout=20)
            if v.status == "sat":
                assert 2 < v.witness[0] ** 2 < 2 + Fraction(1, 10 ** 9)
            else:
                assert v.status == "unknown" and v.hints


# ---------------------------------------------------------------------------
# the oracle on the portfolio
# ---------------------------------------------------------------------------
def test_oracle_on_the_portfolio_names_the_procedures():
    x, y = sympy.symbols("x y")
    R = polynomial_ring((x, y))
    X, Y = R.gens
    o = Oracle(R, portfolio=True, samples=0, line_budget=(0, 0), ascent=False, relaxation=False,
               z3_timeouts=(10.0,), homogeneous=False)
    empty = [(X * Y - 1, 1), (X + Y, -1), (X**3 + Y**3 + X, 1)]   # both negative, so x^3 + y^3 + x < 0
    res = o.decide(empty)
    assert isinstance(res, Infeasible) and res.reason.startswith("portfolio: emptiness proved by")
    lens = [(X**2 + Y**2 - 1, -1), (5 * X * Y - 2, 1)]
    res = o.decide(lens)
    assert isinstance(res, Feasible)
    assert all(s * g.as_expr().subs(dict(res.witness)) > 0 for g, s in lens)
