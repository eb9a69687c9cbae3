"""``simplify``: shorter, still exact descriptions, each step justified (factoring, implied conditions, rows)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy

import symattn
from symattn.compiler.simplify import simplify_condition
from symattn.nn import FeedForward, MaskedAttention
from symattn.semialg.poly import evaluate, polynomial_ring

x, y, a = sympy.symbols("x y a", real=True)
R = polynomial_ring((x, y), (a,))
X, Y, A = R.gens


@pytest.mark.parametrize("g,s,want", [
    (A * X**2, 1, (A, 1)),                      # an even factor drops out
    (X**3 + X, 1, (X, 1)),                      # x (x^2 + 1): the positive factor drops out
    (-(X**3 + X), 1, (X, -1)),
    (-3 * (X**2 + Y**2 + 1) * (X - Y), -1, (X - Y, 1)),
    ((X - 1)**3 * Y, 1, ((X - 1) * Y, 1)),      # an odd power keeps its sign
    (X**2 * Y**2, 1, None),                     # holds off the null set xy = 0
])
def test_conditions_lose_their_even_and_definite_factors(g, s, want):
    got, notes = simplify_condition(g, s)
    if want is None:
        assert got is None and "null set" in notes[0]
    else:
        h, t = got
        assert (h == want[0] and t == want[1]) or (h == -want[0] and t == -want[1])


def test_a_simplified_condition_has_the_same_sign_off_the_null_set():
    """An independent check at exact random points: the sign of s*g equals the new condition's sign."""
    rng = random.Random(4)
    factors = [X - Y, X + 2, Y**2 + 1, A, X * Y - 1, X**2 + Y**2 + 3]
    for _ in range(40):
        g = R.one * rng.choice([-2, -1, 1, 3])
        for f in rng.sample(factors, 3):
            g *= f ** rng.randint(1, 3)
        s = rng.choice([1, -1])
        try:
            got, _ = simplify_condition(g, s)
        except ValueError:        # s*g > 0 holds nowhere: no point may satisfy it
            got = "nowhere"
        for _ in range(15):
            point = (Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(3))
            point = tuple(point)
            value = evaluate(g, point)
            if value == 0:
                continue
            holds = s * value > 0
            if got == "nowhere":
                assert not holds
            elif got is None:
                assert holds
            else:
                h, t = got
                assert holds == (t * evaluate(h, point) > 0)


def test_a_condition_that_holds_nowhere_is_refused():
    with pytest.raises(ValueError, match="holds nowhere"):
        simplify_condition(-(X**2) - 1, 1)


def test_causal_attention_entry_that_is_one_polynomial_prints_as_one_formula():
    s = symattn.compile(MaskedAttention([[1]], [[1]], [[1]]), n=3)
    t = s.simplify()
    rows = t.simplified.entries[0, 0]
    assert len(rows) == 1 and rows[0].where is None
    tex = symattn.to_latex(t)
    assert r"f_{0,0} = x_{0,0}^{3}\\" in tex
    assert r"x_{0,0} x_{1,0} > 0" in tex and "x_{0,0}^{2} > 0" not in tex
    assert any("null set" in note for note in t.simplified.notes)
    assert symattn.prove_equal(s, t).proved


def test_a_union_of_two_pieces_prints_as_the_product_that_separates_them():
    """Causal attention, n=3: f[1,0] is x0^2 x1 + x1^3 on two pieces that differ by the signs of
    x0 x2 and x1 x2; together they are x0 x1 > 0 (off the null set x2 = 0), proved by the oracle."""
    s = symattn.compile(MaskedAttention([[1]], [[1]], [[1]]), n=3)
    rows = s.simplify().simplified.entries[1, 0]
    x00, x10 = (symattn.input_symbol("x", i, 0) for i in (0, 1))
    for row in rows:
        assert len(row.pieces) == 2 and len(row.where) == 1 and len(row.where[0]) == 1
        (g, sign), = row.where[0]
        assert sympy.expand(g.as_expr() - x00 * x10) == 0 or sympy.expand(g.as_expr() + x00 * x10) == 0
        for k in row.pieces:             # every member's witness is inside the printed region
            w = dict(s.pieces[k].witness)
            assert sign * g.as_expr().xreplace(w) > 0


def test_implied_conditions_are_dropped_and_a_zero_budget_keeps_them():
    ffn = FeedForward([[1, 1, 1]], [0, -1, -2], [[1], [1], [1]], None)     # walls x = 0, 1, 2
    s = symattn.compile(ffn, n=1)
    t = s.simplify()
    assert max(len(p.region.conditions) for p in t.pieces) <= 2      # x > 2 needs one wall, not three
    assert sum(len(p.region.conditions) for p in t.pieces) < sum(len(p.region.conditions) for p in s.pieces)
    kept = s.simplify(budget=0)
    assert kept.simplified.exhausted
    assert symattn.prove_equal(s, t).proved and symattn.prove_equal(s, kept).proved
    for k in range(-12, 13):            # the same function, exactly, on a grid with the walls
        point = [[Fraction(k, 4)]]
        assert t(point) == s(point) == ffn(point)


def test_adjacent_parts_merge_exactly_and_the_result_is_the_same_set_off_walls():
    """merge_adjacent against dense exact sampling: a point off every wall is in the union before
    exactly when it is in the union after."""
    import itertools
    import random as rnd

    from symattn.compiler.simplify import merge_adjacent
    from symattn.semialg.region import check_conditions

    walls = [X, Y, X - Y + 1]
    parts = [tuple(zip(walls, signs)) for signs in itertools.product((1, -1), repeat=3)
             if signs != (-1, -1, 1) and signs != (1, -1, -1)]
    merged = merge_adjacent(parts)
    assert len(merged) < len(parts) and sum(map(len, merged)) < sum(map(len, parts))
    rng = rnd.Random(8)
    for _ in range(300):
        point = {x: sympy.Rational(rng.randint(-40, 40), 7), y: sympy.Rational(rng.randint(-40, 40), 9),
                 a: 0}
        if any(w.as_expr().xreplace(point) == 0 for w in walls):
            continue
        before = any(check_conditions(p, point) is None for p in parts)
        after = any(check_conditions(p, point) is None for p in merged)
        assert before == after


def _causal():
    s = symattn.compile(MaskedAttention([[1]], [[1]], [[1]]), n=3)
    return s, s.simplify()


def test_a_tampered_simplification_is_not_proved_from_its_record():
    """The record is re-checked, not trusted: a row widened to everywhere, or a drop whose system does not
    match the conditions kept, makes prove_simplification refuse."""
    from dataclasses import replace

    from symattn.proofs.simplified import prove_simplification

    s, t = _causal()
    assert prove_simplification(s, t).proved
    rows = t.simplified.entries[1, 0]
    wide = replace(rows[0], where=((),))
    entries = dict(t.simplified.entries)
    entries[1, 0] = (wide,) + rows[1:]
    with pytest.raises(ValueError, match="no proof that a part misses"):
        prove_simplification(s, replace(t, simplified=replace(t.simplified, entries=entries)))
    k = next(k for k, d in enumerate(t.simplified.dropped) if d)
    record = t.simplified.dropped[k][0]
    bad = replace(record, conditions=record.conditions[:1])
    dropped = tuple((bad,) + d[1:] if i == k else d for i, d in enumerate(t.simplified.dropped))
    with pytest.raises(ValueError, match="does not match"):
        prove_simplification(s, replace(t, simplified=replace(t.simplified, dropped=dropped)))


def test_printed_polynomials_expand_back_to_the_computed_ones():
    """Named walls and factored forms are rewritings: at random, every printed form expands to its polynomial."""
    from symattn.export.subexpressions import Naming

    rng = random.Random(11)
    p, q, r, u = sympy.symbols("p q r u")
    ring = polynomial_ring((p, q, r, u))
    P, Q, Rr, U = ring.gens
    walls = [P * U - Q * Rr, P * Rr + Q * U]
    naming = Naming.of([walls[0], walls[0] * P, walls[1], walls[1] * (Q - 1)])
    assert [g for _, g in naming.definitions] == walls
    for _ in range(30):
        g = ring.zero
        for w in walls:
            g += w * sum((rng.randint(-3, 3) * v for v in ring.gens), ring.zero)
        g += sum((rng.randint(-3, 3) * v for v in ring.gens), ring(rng.randint(-2, 2)))
        if not g:
            continue
        printed = naming.expr(g)
        assert sympy.expand(naming.expand(printed) - g.as_expr()) == 0
        assert sympy.count_ops(printed) <= sympy.count_ops(g.as_expr())


def test_the_union_of_a_row_is_shown_to_meet_no_other_piece():
    """Causal attention, n=3, entry (2, 0): each row's region contains its piece and every other piece
    clashes with it or has a recorded empty overlap (checked here directly, by exact sampling)."""
    s, t = _causal()
    rng = random.Random(5)
    for _ in range(200):
        point = {v: sympy.Rational(rng.randint(-30, 30), rng.randint(1, 7)) for v in s.variables}
        if any(v == 0 for v in point.values()):
            continue
        for (i, j), rows in t.simplified.entries.items():
            inside = [row for row in rows if row.where is None
                      or any(all(sg * g.as_expr().xreplace(point) > 0 for g, sg in part) for part in row.where)]
            assert len(inside) == 1
            assert any(s.pieces[k].region.contains(point) for k in inside[0].pieces)
