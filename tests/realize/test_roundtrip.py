"""Every named target: realized, compiled back, proved equal, and checked at rational points.

Oracles: the target's own exact evaluation (max–min over Fractions, the
spline's pieces, the original network's forward pass), the numpy reference
forward pass of the built modules (tests/cases.py), and the compiled spline
of the original network region by region.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy

import symattn
from cases import reference
from symattn.realize import MaxMin, Proof, UnivariateSpline, certificate, realize
from symattn.realize.examples import EXAMPLES

from .conftest import built_example

x, y = sympy.symbols("x y")
SECONDS = 60.0          # the per-case limit; the measured times are far lower


def rational(rng: random.Random, spread: int = 5) -> Fraction:
    q = rng.choice((1, 2, 3, 5, 7, 16))
    return Fraction(rng.randint(-spread * q, spread * q), q)


def target_value(target, point):
    if isinstance(target, symattn.Spline):
        return target([list(point)])[0, 0]
    return target(*point)


@pytest.fixture(params=sorted(EXAMPLES))
def realized(request):
    c = built_example(request.param)
    return c.name, c.target, c.realization, c.proof, c.realize_seconds, c.verify_seconds


def test_round_trip_proves_equality(realized):
    name, target, r, proof, realize_s, verify_s = realized
    assert isinstance(proof, Proof)
    assert proof.complete and proof.proved, proof.summary()
    assert [c.name for c in proof.checks] == ["compile", "equal on every region", "random rational points"]
    assert realize_s + verify_s < SECONDS


def test_exact_values_at_rational_points(realized, rng):
    name, target, r, proof, _, _ = realized
    n = len(r.variables)
    for _ in range(25):
        pt = [rational(rng) for _ in range(n)]
        assert r(pt) == target_value(target, pt), (name, pt)


def test_float_reference_forward_pass_agrees(realized, rng):
    """The numpy forward pass of MATH.md §2 (tests/cases.py) on the built modules, independent of symattn."""
    name, target, r, _, _, _ = realized
    n = len(r.variables)
    for _ in range(10):
        pt = [rational(rng, 3) for _ in range(n)]
        X = np.array([[float(v) for v in pt]])
        out = reference(r.readout_layer, reference(r.encoder, reference(r.embed_layer, X)))
        assert np.isclose(out[0, 0], float(target_value(target, pt)), rtol=1e-9, atol=1e-7)


def test_the_stages_compose_to_the_model(realized, rng):
    _, _, r, _, _, _ = realized
    pt = [rational(rng) for _ in r.variables]
    assert r.readout(r.encoder(r.embed(pt))) == r(pt)
    assert r.embed(pt).shape == (1, r.sizes.width)


# -- the sizes and the depth formula ---------------------------------------------------
EXPECTED_SIZES = {      # (blocks, heads, product layers): depth = ⌈log₃ deg⌉ + ⌈log₂ J⌉ + ⌈log₂ I⌉ − overlap
    "hat": (2, 0, 0), "abs": (1, 0, 0), "xy": (1, 2, 1), "quartic": (2, 9, 2),
    "three_quadratics": (2, 4, 1), "cubic_spline": (2, 4, 2),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_sizes_of_the_named_constructions(name):
    r = realize(EXAMPLES[name]())
    assert (r.sizes.blocks, r.sizes.heads, r.sizes.product_layers) == EXPECTED_SIZES[name]


def ceil_log(base: int, n: int) -> int:
    return 0 if n <= 1 else math.ceil(math.log(n, base) - 1e-12)


@pytest.mark.parametrize("degree, fan_in, groups", [(1, 2, 2), (2, 3, 2), (4, 2, 3), (9, 5, 3), (10, 1, 1),
                                                    (27, 4, 5), (3, 8, 1)])
def test_depth_grows_logarithmically(degree, fan_in, groups):
    rng = random.Random(degree * 100 + fan_in * 10 + groups)
    terms = [[sum(rng.randint(-3, 3) * x**k for k in range(degree)) + x**degree + j
              for j in range(fan_in)] for _ in range(groups)]
    r = realize(MaxMin(terms, [x]))
    P, F = ceil_log(3, degree), ceil_log(2, fan_in) + ceil_log(2, groups)
    assert r.sizes.product_layers == P
    assert r.sizes.blocks == (P + max(F - 1, 0) if P else max(F, 1))
    for _ in range(5):
        v = rational(rng, 2)
        assert r(v) == MaxMin(terms, [x])(v)


# -- the constructed modules ---------------------------------------------------------
def test_hat_is_two_blocks_with_attention_off():
    r = realize(EXAMPLES["hat"]())
    assert len(r.encoder.blocks) == 2
    for blk in r.encoder.blocks:
        att = blk.attention
        assert att.Q.is_zero_matrix and att.K.is_zero_matrix and att.V.is_zero_matrix
    assert r([sympy.Rational(1, 3)]) == sympy.Rational(2, 3)


def test_weights_are_exact_matrices_and_the_model_traces():
    r = realize(EXAMPLES["quartic"]())
    head = r.encoder.blocks[0].attention.heads[0]
    for m in (head.Q, head.K, head.V, r.encoder.blocks[0].attention.W_O, r.embed_layer.W, r.embed_layer.b):
        assert isinstance(m, sympy.MatrixBase) and all(e.is_Rational for e in m)
    assert any(not e.is_Integer for e in r.encoder.blocks[0].attention.W_O)      # the 1/4 of polarisation
    graph = r.model.trace(n=1)
    graph.lint()
    paths = {graph.attrs(v)["path"] for v in graph.order}
    assert "embed" in paths and "readout" in paths
    assert any(p.startswith("encoder.1.attn.head") for p in paths)
    assert "x^2" in r.slots and "x*y" in r.slots
    text = r.describe()
    assert "block 0" in text and "+((x) + (y))^2/4 * [1]" in text


def test_describe_says_what_each_unit_computes():
    text = realize(EXAMPLES["hat"]()).describe()
    assert "g1.0 <- min(g1.0, g1.1)" in text and "g0.0 <- max(g0.0, g1.0)" in text
    assert "readout: g0.0" in text


# -- the CPWL spline of a network, region for region ------------------------------------
def test_ffn_spline_realized_equals_the_original_region_for_region(ffn_case, rng):
    original, ffn, r = ffn_case.spline, ffn_case.ffn, ffn_case.realization
    assert isinstance(r.source, symattn.Spline) and r.source is original
    assert ffn_case.proof.proved, ffn_case.proof.summary()          # verify() compares with the source
    assert {frozenset(g) for g in r.certificate.groups} == {frozenset(g) for g in certificate(original).groups}
    compiled = r.compile()
    assert compiled.complete and compiled.degree == 1 and len(compiled) >= len(original)
    # every region of the realization lies in one region of the original, with the same polynomial
    for piece in compiled.pieces:
        w = piece.witness
        pt = [w[s] for s in compiled.variables]
        there = original.piece_at([pt])
        assert there.piece is not None and there.piece.polys == piece.polys
    for _ in range(30):
        pt = [rational(rng), rational(rng)]
        assert r(pt) == ffn([pt])[0, 0]


# -- the proof refuses wrong or unexamined claims -----------------------------------------
def test_a_wrong_target_is_refuted_with_an_exact_counterexample():
    r = realize(EXAMPLES["hat"]())
    other = MaxMin([[0], [x + 1, 1 - x, sympy.Rational(1, 2)]], [x])         # clipped at 1/2
    proof = r.verify(against=other)
    assert proof.refuted and not proof.proved and not bool(proof)
    point = dict(proof.failures[0].counterexample)
    assert r(point[x]) != other(point[x])


def test_a_wrong_spline_target_is_refuted():
    r = realize(UnivariateSpline([0], [0, x**2], x))
    proof = r.verify(against=UnivariateSpline([0], [0, x**2 + x], x))
    assert proof.refuted
    (k, v), = proof.failures[0].counterexample
    assert v > 0                                   # they differ only right of the knot


def test_an_incomplete_compile_is_never_proved():
    r = realize(EXAMPLES["three_quadratics"]())
    proof = r.verify(budget=symattn.Budget(regions=1))
    assert not proof.complete and not proof.proved
    assert proof.checks[0].status == "undecided"
    assert "UNDECIDED" in proof.summary() or "INCOMPLETE" in proof.summary()


# -- other inputs and bad input ----------------------------------------------------------
def test_a_cpwl_given_by_cells_is_realized_and_proved(rng):
    from symattn.realize import CPWL

    hat = CPWL([[x < -1], [x > -1, x < 0], [x > 0, x < 1], [x > 1]], [0, x + 1, 1 - x, 0], [x])
    r = realize(hat)
    assert r.source is hat and r.verify().proved
    for _ in range(20):
        v = rational(rng)
        assert r(v) == max(0, min(v + 1, 1 - v))
    # min(y, 0) with the half-plane y < 0 cut in two: the encoder's region y < 0 meets two cells
    split = CPWL([[y < 0, x < 0], [y < 0, x > 0], [y > 0]], [y, y, 0], [x, y])
    proof = realize(split).verify()
    assert proof.proved and "cover" in proof.checks[1].details


def test_realize_and_verify_refuse_what_they_cannot_handle():
    from symattn.realize import CertificateInputError

    with pytest.raises(CertificateInputError, match="realize"):
        realize(x**2)
    r = realize(EXAMPLES["abs"]())
    with pytest.raises(CertificateInputError, match="2 variables"):
        r.verify(against=MaxMin([[x * y]], [x, y]))
    with pytest.raises(CertificateInputError, match="expected 1 values"):
        r(1, 2)
    matrix_valued = symattn.compile(symattn.nn.FeedForward([[1, -1]], None, [[1, 0], [0, 1]], None), n=1,
                                    progress=False)
    with pytest.raises(CertificateInputError, match="entry"):
        realize(matrix_valued)
