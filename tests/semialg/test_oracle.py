"""The layered oracle: sound proofs of emptiness, exact witnesses, honest Undecided."""
from __future__ import annotations

import itertools
import random
import time
from math import comb

import numpy as np
import pytest
import sympy
from sympy import Rational

from symattn.semialg import (Feasible, Infeasible, Oracle, Region, Undecided,
                             polynomial_ring)

x, y, z, a = sympy.symbols("x y z a")
R2 = polynomial_ring((x, y))
X, Y = R2.gens


def assert_witness(conds, res):
    """A Feasible answer must satisfy every condition exactly (checked independently)."""
    assert isinstance(res, Feasible), res
    for g, s in conds:
        v = g.as_expr().subs(dict(res.witness))      # sympy, independent of IntPoly
        assert v.is_Rational and s * v > 0, (g, s, v)
    Region(tuple(conds), res.witness)                  # and the Region accepts it


@pytest.mark.parametrize("conds, layer", [
    ([(X, 1), (X, -1)], "syntactic"),
    ([(2 * X, 1), (-3 * X, 1)], "syntactic"),            # -3x > 0 is x < 0
    ([(X**2 + Y**2, -1)], "syntactic"),
    ([(-(X - Y) ** 2, 1)], "syntactic"),                 # PSD Gram matrix
    ([(X**2 + X + 1, -1), (Y, 1)], "syntactic"),
    ([(X * Y, 1), (X, 1), (Y, -1)], "syntactic"),
    ([(R2(0), 1)], "syntactic"),
    ([(R2(-2), 1), (X, 1)], "syntactic"),
    ([(X + Y - 1, 1), (X, -1), (Y, -1)], "lra"),
    ([(X + Y, 1), (X - Y, 1), (X, -1)], "lra"),
    ([(X**2 + Y**2 - 1, -1), (X * Y - 1, 1)], "nlsat"),  # 2|xy| <= x^2 + y^2 < 1
    ([(X**2 - Y, 1), (Y - 2 * X + 1, 1), (Y, 1), (X - 1, 1), (X - 2, -1), (X**3 - Y, -1)], None),
])
def test_known_empty_systems_are_proven_empty(conds, layer):
    o = Oracle(R2, z3_timeouts=(0.5, 5.0))
    res = o.decide(conds)
    if layer is None:
        # x^2 - y > 0 > 1 - 2x + y ... i.e. 2x - 1 < y < x^2: (x-1)^2 < 0: empty
        assert isinstance(res, Infeasible), res
    else:
        assert isinstance(res, Infeasible) and res.reason.startswith(layer), res
    assert o.stats[res.reason.split(":")[0]] == 1


def test_thin_region_is_found_with_an_exact_witness():
    conds = [(X, 1), (1000 * X - 1, -1), (Y - X**2, 1), (Y - X**2 - Rational(1, 10**6), -1)]
    res = Oracle(R2).decide(conds)
    assert_witness(conds, res)
    wx, wy = res.witness[x], res.witness[y]
    assert 0 < wx < Rational(1, 1000) and wx**2 < wy < wx**2 + Rational(1, 10**6)


def test_thinner_region_needs_the_solver_or_line_and_still_is_exact():
    e = Rational(1, 10**12)
    conds = [(Y - X**3 + X, 1), (Y - X**3 + X - e, -1), (X - 2, 1), (X - 3, -1)]
    res = Oracle(R2).decide(conds)
    assert_witness(conds, res)


def test_hint_is_used_and_witnesses_are_memoised():
    o = Oracle(R2)
    conds = [(X * Y - 1, 1), (X + Y, -1)]
    assert o.decide(conds, hint={x: -2, y: -2}).layer == "hint"
    first = o.decide([(X - 5, 1), (Y, 1)])
    assert isinstance(first, Feasible)
    again = o.decide([(2 * Y, 1), (X - 5, 1)])        # same set, other order and scaling
    assert isinstance(again, Feasible) and again.layer == "memo"
    assert again.witness == first.witness
    # a known infeasible set makes every superset infeasible
    assert isinstance(o.decide([(X + Y - 1, 1), (X, -1), (Y, -1)]), Infeasible)
    sup = o.decide([(X, -1), (Y, -1), (X + Y - 1, 1), (X * Y * Y - 7, 1)])
    assert isinstance(sup, Infeasible) and sup.reason.startswith("memo")


def test_zaslavsky_count_of_generic_lines():
    rng = random.Random(7)
    m = 5
    while True:
        L = [(rng.randint(-9, 9), rng.randint(-9, 9), rng.randint(-9, 9)) for _ in range(m)]
        # general position: no two parallel, no three concurrent, no degenerate line
        ok = all(a * e - b * d != 0 for (a, b, _), (d, e, _) in itertools.combinations(L, 2))
        ok = ok and all(sympy.Matrix([l1, l2, l3]).det() != 0
                        for l1, l2, l3 in itertools.combinations(L, 3))
        if ok:
            break
    lines = [p * X + q * Y + r for p, q, r in L]
    o = Oracle(R2)
    results = [o.decide(list(zip(lines, signs))) for signs in itertools.product((1, -1), repeat=m)]
    assert not any(isinstance(r, Undecided) for r in results)
    feasible = [r for r in results if isinstance(r, Feasible)]
    assert len(feasible) == 1 + m + comb(m, 2)
    for signs, r in zip(itertools.product((1, -1), repeat=m), results):
        if isinstance(r, Feasible):
            assert_witness(list(zip(lines, signs)), r)


def _random_quadric(R, rng, n):
    g = R.gens
    return sum(rng.randint(-3, 3) * g[i] * g[j] for i in range(n) for j in range(i, n))


@pytest.mark.parametrize("n, m, seed, dependent", [(4, 5, 4, False), (5, 5, 1, True),
                                                   (6, 5, 2, True), (4, 4, 3, True)])
def test_homogeneous_quadric_patterns_against_float_sampling(n, m, seed, dependent):
    """All 2^m sign patterns of random quadratic forms.  With ``dependent`` the last
    form is q0 + 2 q1, which empties every pattern with q0, q1 > 0 > q_last (and the
    reverse); random forms in 4 variables also give patterns only nlsat can refute.
    z3 runs under wall-clock timeouts, so a loaded machine may leave a pattern
    Undecided: tolerated (at most 2), but never a wrong verdict."""
    rng = random.Random(seed)
    syms = sympy.symbols(f"u0:{n}")
    R = polynomial_ring(syms)
    quads = [_random_quadric(R, rng, n) for _ in range(m)]
    if dependent:
        quads[-1] = quads[0] + 2 * quads[1]
    min_infeasible = 1
    o = Oracle(R, seed=seed)
    # dense float sampling of the sphere: patterns seen with a clear margin exist
    S = np.random.default_rng(seed).standard_normal((60000, n))
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    V = _float_values(quads, S)
    clear = np.abs(V) > 1e-6 * np.abs(V).max()
    counts = {"F": 0, "I": 0, "U": 0}
    for signs in itertools.product((1, -1), repeat=m):
        conds = list(zip(quads, signs))
        res = o.decide(conds)
        if isinstance(res, Undecided):
            counts["U"] += 1
            continue
        hit = np.all((V * np.array(signs) > 0) & clear, axis=1).any()
        if isinstance(res, Feasible):
            assert_witness(conds, res)
            counts["F"] += 1
        else:
            assert not hit, f"float point satisfies an 'infeasible' pattern {signs}: {res}"
            counts["I"] += 1
    assert counts["F"] > 0 and counts["I"] >= min_infeasible and counts["U"] <= 2, counts


def _float_values(quads, S):
    cols = []
    for q in quads:
        v = np.zeros(S.shape[0])
        for mon, c in q.items():
            t = np.full(S.shape[0], float(c))
            for i, e in enumerate(mon):
                if e:
                    t *= S[:, i] ** e
            v += t
        cols.append(v)
    return np.stack(cols, axis=1)


def test_dehomogenisation_never_contradicts_the_plain_problem():
    rng = random.Random(3)
    syms = sympy.symbols("v0:4")
    R = polynomial_ring(syms)
    g = R.gens
    for trial in range(6):
        quads = [_random_quadric(R, rng, 4) for _ in range(3)] + [g[0] + rng.randint(-2, 2) * g[1]]
        signs = [rng.choice((1, -1)) for _ in quads]
        conds = list(zip(quads, signs))
        kw = dict(samples=0, ascent=False, line_budget=(0, 0), relaxation=False)
        d1 = Oracle(R, homogeneous=None, **kw).decide(conds)
        d2 = Oracle(R, homogeneous=False, **kw).decide(conds)
        assert not (isinstance(d1, Feasible) and isinstance(d2, Infeasible))
        assert not (isinstance(d1, Infeasible) and isinstance(d2, Feasible))
        for d in (d1, d2):
            if isinstance(d, Feasible):
                assert_witness(conds, d)


def test_parameters_are_coordinates_too():
    R = polynomial_ring((x, y), (a,))
    X_, Y_, A = R.gens
    conds = [(A * X_ - Y_, 1), (A, 1), (X_, -1), (Y_, 1)]    # a x > y > 0 with a > 0, x < 0: empty
    res = Oracle(R).decide(conds)
    assert isinstance(res, Infeasible), res
    conds = [(A * X_ - Y_, 1), (A, -1), (X_, -1), (Y_, 1)]
    assert_witness(conds, Oracle(R).decide(conds))


def _hard_attention_pattern():
    """3 tokens, 3 features, s_ij = x_i^T M x_j; all 9 conditions are needed for emptiness
    (every 8-subset is nonempty) and z3 nlsat does not finish within seconds."""
    syms = sympy.symbols("t0:9")
    R = polynomial_ring(syms)
    G = R.gens
    M = [[3, 3, -3], [-3, -3, -1], [3, -2, 2]]
    T = [G[0:3], G[3:6], G[6:9]]
    S = [sum(M[p][q] * T[i][p] * T[j][q] for p in range(3) for q in range(3))
         for i in range(3) for j in range(3)]
    return R, list(zip(S, [1, 1, 1, 1, 1, -1, -1, 1, 1]))


def test_tiny_timeout_on_a_hard_instance_is_undecided_not_infeasible():
    R, conds = _hard_attention_pattern()
    o = Oracle(R, z3_timeouts=(0.01,))
    t = time.monotonic()
    res = o.decide(conds)
    assert isinstance(res, Undecided), res
    assert time.monotonic() - t < 5
    assert o.stats["undecided"] == 1


def test_past_deadline_is_undecided_promptly():
    o = Oracle(R2)
    conds = [(X**2 + Y**2 - 1, -1), (X * Y - 1, 1)]
    t = time.monotonic()
    res = o.decide(conds, deadline=t - 1)
    assert isinstance(res, Undecided) and "deadline" in res.reason
    assert time.monotonic() - t < 0.5
    # given time, the same problem is proven empty
    assert isinstance(o.decide(conds), Infeasible)


def test_wrong_ring_is_rejected():
    R3 = polynomial_ring((x, y, z))
    with pytest.raises(ValueError):
        Oracle(R2).decide([(R3.gens[2], 1)])


def test_no_conditions_is_the_whole_space():
    res = Oracle(R2).decide([])
    assert isinstance(res, Feasible) and set(res.witness) == {x, y}
