"""prove_equal: equal models proven equal region by region; a planted difference found where it was planted."""

from __future__ import annotations

import sympy
import pytest

import symattn
from symattn.nn import Attention, FeedForward, MultiHeadAttention
from symattn.proofs import ProofError, ProofInputError, prove_equal
from symattn.realize import MaxMin, UnivariateSpline, realize

HEAD1 = dict(Q=[[1, 0], [0, 1]], K=[[1, 1], [0, 1]], V=[[1, 0], [0, 1]])
HEAD2 = dict(Q=[[0, 1], [1, 0]], K=[[1, 0], [-1, 1]], V=[[1, 2], [0, 1]])
W_O = sympy.Matrix([[1, 0], [0, 2], [1, 1], [-1, 0]])


def explicit_wo() -> MultiHeadAttention:
    return MultiHeadAttention([Attention(**HEAD1), Attention(**HEAD2)], W_O=W_O)


def folded_wo() -> MultiHeadAttention:
    """W_O folded into each head's V; the heads' outputs are then summed by stacked identities."""
    v1 = sympy.Matrix(HEAD1["V"]) * W_O[0:2, :]
    v2 = sympy.Matrix(HEAD2["V"]) * W_O[2:4, :]
    heads = [Attention(HEAD1["Q"], HEAD1["K"], v1), Attention(HEAD2["Q"], HEAD2["K"], v2)]
    return MultiHeadAttention(heads, W_O=[[1, 0], [0, 1], [1, 0], [0, 1]])


@pytest.mark.parametrize("n", [1, 2])
def test_folded_and_explicit_output_maps_are_proven_equal(n):
    a, b = explicit_wo(), folded_wo()
    assert a.W_O != b.W_O and a.heads[0].V != b.heads[0].V          # built differently
    proof = prove_equal(a, b, n=n)
    assert proof.proved and proof.verdict == "PROVED"
    assert [c.status for c in proof.checks] == ["passed"] * 4
    assert proof.stats["regions_a"] == len(symattn.compile(a, n=n, progress=False))


BASE = FeedForward([[1, -1, 0], [0, 0, 1]], [0, 0, 0], [[1], [1], [1]], None)          # |x0| + σ(x1)
# the same plus a hat in x0 + x1 supported on the strip 1/4 < x0 + x1 < 3/4
PLANTED = FeedForward([[1, -1, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1]], [0, 0, 0, "-1/4", "-1/2", "-3/4"],
                      [[1], [1], [1], [1], [-2], [1]], None)


def test_planted_difference_is_found_inside_its_region():
    with pytest.raises(ProofError) as info:
        prove_equal(BASE, PLANTED, n=1)
    err = info.value
    x0, x1 = (symattn.input_symbol("x", 0, j) for j in range(2))
    point = err.point
    assert sympy.Rational(1, 4) < point[x0] + point[x1] < sympy.Rational(3, 4)     # inside the planted strip
    X = [[point[x0], point[x1]]]
    assert err.values == (BASE(X)[0, 0], PLANTED(X)[0, 0])                          # independent evaluation
    assert err.values[0] != err.values[1]
    assert err.proof.refuted and not err.proof.proved
    assert err.proof.failures[0].counterexample == tuple(point.items())


def test_a_realization_is_proven_equal_to_its_certificate():
    x = sympy.Symbol("x")
    hat = MaxMin([[0], [x + 1, 1 - x]], [x])
    proof = prove_equal(realize(hat), hat)
    assert proof.proved


def test_maxmin_against_a_network_matches_variables_by_position():
    x = sympy.Symbol("x")
    proof = prove_equal(MaxMin([[x], [-x]], [x]), FeedForward([[1, -1]], None, [[1], [1]], None), n=1)
    assert proof.proved and "matched by position" in proof.claim


def test_univariate_spline_against_a_network():
    x = sympy.Symbol("x")
    spline = UnivariateSpline([0, 1], [0, x, 2 * x - 1], x)          # σ(x) + σ(x − 1)
    net = FeedForward([[1, 1]], [0, -1], [[1], [1]], None)
    assert prove_equal(spline, net, n=1).proved
    with pytest.raises(ProofError) as info:
        prove_equal(UnivariateSpline([0, 1], [0, x, 3 * x - 2], x), net, n=1)
    assert info.value.point[x] > 1                                    # only the last interval differs


def test_an_incomplete_compile_is_never_proved():
    proof = prove_equal(explicit_wo(), folded_wo(), n=2, budget=symattn.Budget(regions=3))
    assert not proof.proved and not proof.complete and proof.verdict != "PROVED"
    assert proof.checks[0].status == "undecided" and "incomplete" in proof.checks[0].details


def test_bad_inputs_name_the_argument():
    with pytest.raises(ProofInputError, match="^a: .*needs n="):
        prove_equal(explicit_wo(), folded_wo())
    with pytest.raises(ProofInputError, match="^b: is 1×1-valued"):
        prove_equal(explicit_wo(), FeedForward([[1], [1]], None, [[1]], None), n=1)
    x, y, z = sympy.symbols("x y z")
    with pytest.raises(ProofInputError, match="cannot be matched"):
        prove_equal(MaxMin([[x]], [x]), MaxMin([[y + z]], [y, z]))
    with pytest.raises(ProofInputError, match=r"^b: pieces 0 and 1 overlap around \(x = .*\) with different"):
        prove_equal(MaxMin([[x]], [x]), [(x < 1, x), (x > 0, 0)])
    with pytest.raises(ProofInputError, match=r"^b: no piece contains the open set around \(x = "):
        prove_equal(MaxMin([[x]], [x]), [(x < 0, x), (x > 1, x)])


def test_constant_certificates_and_unused_variables():
    x, y = sympy.symbols("x y")
    assert prove_equal(MaxMin([[0], [1]], [x]), MaxMin([[1]], [x])).proved            # no wall at all
    assert prove_equal(MaxMin([[x]], [x, y]), MaxMin([[x], [x - 1]], [x, y])).proved   # y unused
    with pytest.raises(ProofError) as info:
        prove_equal(MaxMin([[0], [1]], [x]), MaxMin([[2]], [x]))
    assert info.value.values == (1, 2)
