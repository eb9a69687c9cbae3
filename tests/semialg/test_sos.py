"""Sum-of-squares emptiness certificates: only an exactly checked identity with a PSD Gram matrix passes."""

from __future__ import annotations

import json
import random
import sys
from fractions import Fraction

import pytest
import sympy

from symattn.semialg import sos
from symattn.semialg.certificates import Emptiness, certify, check
from symattn.semialg.oracle import Infeasible, Oracle
from symattn.semialg.poly import polynomial_ring
from symattn.semialg.sos import SOSCertificate, check_sos, find_sos, is_psd, search

x, y, z = sympy.symbols("sos_x sos_y sos_z")
R = polynomial_ring((x, y, z))
X, Y, Z = R.gens
ONE, EX, EY, EZ = (0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)

# two quadratic forms with G1 + G2 = −(x − y)² − z² ⪯ 0 (the S-lemma case); the cross term x·y
# keeps the monomial relaxation (Farkas) from seeing it
A = X**2 - Y**2 + X * Z
S_LEMMA = ((A, 1), (-(X - Y)**2 - Z**2 - A, 1))
S_LEMMA_CERT = SOSCertificate(((0,), (1,)), (Fraction(1), Fraction(1)), (EX, EY, EZ),
                              ((1, -1, 0), (-1, 1, 0), (0, 0, 1)))

# the disc x² + y² < 1 and the half-plane x > 2: 1 + (1 − x² − y²) + 2(x − 2) + (x − 1)² + y² + 1 ≡ 0
DISC = ((X**2 + Y**2 - 1, -1), (X - 2, 1))
DISC_CERT = SOSCertificate(((), (0,), (1,)), (Fraction(1), Fraction(1), Fraction(2)), (ONE, EX, EY),
                           ((2, -1, 0), (-1, 1, 0), (0, 0, 1)))

# x > 0, y > 0, x·y < −x²: the product of the first two cancels x·y, x·y + (−x·y − x²) = −x²
PRODUCT = ((X, 1), (Y, 1), (X * Y + X**2, -1))


def _holds(conditions, point) -> bool:
    return all(s * g(*point) > 0 for g, s in conditions)


# -- the exact check (no cvxpy) -------------------------------------------------------------
def test_the_s_lemma_certificate_by_hand():
    assert check_sos(S_LEMMA, S_LEMMA_CERT)
    # Σ λ_k G_k ⪯ 0 is the Gram matrix condition: −(G1 + G2) has the PSD matrix [[1, −1, 0], [−1, 1, 0], [0, 0, 1]]
    assert is_psd(S_LEMMA_CERT.gram) and not is_psd([[-1, 1, 0], [1, -1, 0], [0, 0, -1]])
    wrong_c = SOSCertificate(S_LEMMA_CERT.products, (Fraction(1), Fraction(2)), S_LEMMA_CERT.basis,
                             S_LEMMA_CERT.gram)
    assert not check_sos(S_LEMMA, wrong_c)                       # G1 + 2 G2 + (x − y)² + z² ≢ 0
    # a single form alone is indefinite: no multiple of it is ⪯ 0, whatever Q says
    assert not check_sos(S_LEMMA[:1], SOSCertificate(((0,),), (Fraction(1),), S_LEMMA_CERT.basis,
                                                      ((-1, 0, Fraction(-1, 2)), (0, 1, 0), (Fraction(-1, 2), 0, 0))))


def test_a_non_homogeneous_certificate_with_the_constant_term():
    assert check_sos(DISC, DISC_CERT)
    assert DISC_CERT.products[0] == () and DISC_CERT.multipliers[0] == 1       # the empty product 1
    without_one = SOSCertificate(DISC_CERT.products[1:], DISC_CERT.multipliers[1:], DISC_CERT.basis,
                                 DISC_CERT.gram)
    assert not check_sos(DISC, without_one)                      # the constant no longer cancels
    # with the constant moved into the square instead, it checks again
    moved = SOSCertificate(without_one.products, without_one.multipliers, DISC_CERT.basis,
                           ((3, -1, 0), (-1, 1, 0), (0, 0, 1)))
    assert check_sos(DISC, moved)


def test_planted_wrong_certificates_are_refused():
    quartic = ((-(X**4) - Y**4, 1),)
    basis = ((2, 0, 0), (1, 1, 0), (0, 2, 0))                    # x², x·y, y²
    good = SOSCertificate(((0,),), (Fraction(1),), basis, ((1, 0, 0), (0, 0, 0), (0, 0, 1)))
    assert check_sos(quartic, good)
    # the same identity (2·1 − 2 on x²y²), but Q is indefinite: (x² + y²)² − 2(xy)² is not zᵀQz with Q ⪰ 0
    indefinite = SOSCertificate(((0,),), (Fraction(1),), basis, ((1, 0, 1), (0, -2, 0), (1, 0, 1)))
    assert not is_psd(indefinite.gram) and not check_sos(quartic, indefinite)
    bad = [
        SOSCertificate(((0,),), (Fraction(-1),), basis, good.gram),                       # negative c
        SOSCertificate(((0,),), (Fraction(0),), basis, ((0,) * 3,) * 3),                  # c = 0, Q = 0
        SOSCertificate(((1,),), (Fraction(1),), basis, good.gram),                        # no condition 1
        SOSCertificate(((0, 0),), (Fraction(1),), basis, good.gram),                      # a repeated factor
        SOSCertificate(((0,),), (Fraction(1),), basis, ((1, 1, 0), (0, 0, 0), (0, 0, 1))),  # not symmetric
        SOSCertificate(((0,),), (Fraction(1),), basis[:2], good.gram),                    # wrong shape
    ]
    assert not any(check_sos(quartic, c) for c in bad)


def test_exact_psd_against_an_independent_construction():
    # B Bᵀ is PSD and singular (rank 2 in 3 rows); subtracting a small multiple of v vᵀ for v in
    # its kernel makes vᵀ Q v < 0 exactly
    rng = random.Random(3)
    for _ in range(30):
        B = [[rng.randint(-3, 3) for _ in range(2)] for _ in range(3)]
        Q = [[sum(B[i][k] * B[j][k] for k in range(2)) for j in range(3)] for i in range(3)]
        assert is_psd(Q)
        v = [B[1][0] * B[2][1] - B[2][0] * B[1][1], B[2][0] * B[0][1] - B[0][0] * B[2][1],
             B[0][0] * B[1][1] - B[1][0] * B[0][1]]                 # the cross product of B's columns
        if any(v):
            assert not is_psd([[Q[i][j] - Fraction(v[i] * v[j], 10**6) for j in range(3)] for i in range(3)])
    assert not is_psd([[0, 1], [1, 1]]) and is_psd([[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_without_cvxpy_the_search_is_not_available(monkeypatch):
    monkeypatch.setitem(sys.modules, "cvxpy", None)                 # import cvxpy now raises ImportError
    assert not sos.available()
    assert find_sos(S_LEMMA).status == "not available" and find_sos(S_LEMMA).certificate is None
    assert search(S_LEMMA).status == "not available"
    assert not Oracle(R, portfolio=["z3"]).sos
    record = certify(Emptiness(S_LEMMA, "portfolio: emptiness proved by z3"))
    assert record.procedure == "solver" and not check(record)
    assert check(Emptiness(S_LEMMA, "sos: ...", "sos", sos=S_LEMMA_CERT))   # the check needs no solver


# -- the search (cvxpy) ---------------------------------------------------------------------
@pytest.fixture
def cvxpy():
    return pytest.importorskip("cvxpy")


def test_the_search_finds_the_s_lemma_combination(cvxpy):
    found = find_sos(S_LEMMA, 1)
    assert found.status == "found" and check_sos(S_LEMMA, found.certificate)
    c = dict(zip(found.certificate.products, found.certificate.multipliers))
    assert c[(0,)] == c[(1,)] > 0                      # G1 + G2 is the only combination ⪯ 0


def test_the_search_on_a_non_homogeneous_system(cvxpy):
    found = find_sos(DISC, 1)
    assert found.status == "found" and check_sos(DISC, found.certificate)
    assert ONE in found.certificate.basis               # the square carries a constant


def test_a_product_of_two_conditions_is_needed(cvxpy):
    assert not _holds(PRODUCT, (1, 1, 0))
    assert find_sos(PRODUCT, 1).status == "none"
    found = find_sos(PRODUCT, 2)
    assert found.status == "found" and check_sos(PRODUCT, found.certificate)
    assert found.certificate.degree == 2 and (0, 1) in found.certificate.products


def test_a_nonempty_system_gets_no_certificate(cvxpy):
    for system, witness in [(((X**2 + Y**2 - 1, -1), (X, 1)), (Fraction(1, 2), 0, 0)),
                            (((X**2 - Y**2, 1), (X * Y, 1), (Y * Z - X**2, -1)), (2, 1, 1))]:
        assert _holds(system, witness)
        for degree in (1, 2):
            assert find_sos(system, degree).status == "none"


def test_sizes_beyond_the_limit_are_refused(cvxpy):
    assert find_sos(S_LEMMA, 1, max_gram=2).status == "too large"
    assert find_sos(S_LEMMA, 1, max_gram=3).status == "found"


def test_the_oracle_proves_it_in_portfolio_passes_and_the_record_certifies(cvxpy):
    plain = Oracle(R, samples=0, ascent=False, line_budget=(2, 2))
    assert not plain.sos and not plain.decide(S_LEMMA).reason.startswith("sos")
    oracle = Oracle(R, portfolio=["z3"], samples=0, ascent=False, line_budget=(2, 2))
    answer = oracle.decide(S_LEMMA)
    assert isinstance(answer, Infeasible) and answer.reason.startswith("sos: ")
    record = certify(Emptiness(S_LEMMA, answer.reason))
    assert record.procedure == "sos" and record.checkable and check(record)
    assert not check(Emptiness(S_LEMMA, answer.reason, "sos"))       # no certificate, no proof


def test_sos_records_round_trip_through_the_spline_file_and_a_tampered_one_is_refused(cvxpy):
    import symattn
    from symattn.export.reader import ModelFileError
    from symattn.nn import Attention

    spline = symattn.compile(Attention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]]), n=3,
                             progress=False)
    doc = json.loads(spline.to_json())
    records = [e for e in doc["emptiness"] if e["procedure"] == "sos"]
    assert records                                       # solver records that became checkable
    back = symattn.Spline.from_json(json.dumps(doc))
    read = [e for e in back.emptiness if e.procedure == "sos"]
    assert len(read) == len(records) and all(check(e) for e in read)
    k = doc["emptiness"].index(records[0])
    tampered = json.loads(json.dumps(doc))
    tampered["emptiness"][k]["sos"]["multipliers"][0] = "1/2"
    with pytest.raises(ModelFileError, match="sos certificate does not prove"):
        symattn.Spline.from_json(json.dumps(tampered))
    tampered = json.loads(json.dumps(doc))
    tampered["emptiness"][k]["sos"]["gram"][0][0] = "-1"
    with pytest.raises(ModelFileError, match="sos certificate does not prove"):
        symattn.Spline.from_json(json.dumps(tampered))


def test_a_certificate_on_the_boundary_of_the_cone_is_found(cvxpy):
    # two tokens' attention scores (random_block4_00 of the corpus): every certificate has a
    # singular Gram matrix, so the margin is 0 and the smallest-trace point is rounded instead
    a, b, c, d = sympy.symbols("sos_a sos_b sos_c sos_d")
    x0, x1, x2, x3 = polynomial_ring((a, b, c, d)).gens
    system = ((x0**2 - 2 * x1**2 + x0 * x1, -1), (x0 * x2 - 2 * x0 * x3 + 3 * x1 * x2 - 2 * x1 * x3, 1),
              (x0 * x2 - 2 * x1 * x2 + 3 * x0 * x3 - 2 * x1 * x3, 1), (x2**2 - 2 * x3**2 + x2 * x3, 1))
    found = search(system, (1, 2))
    assert found.status == "found" and check_sos(system, found.certificate)
    assert not is_psd([[q - (i == j) * Fraction(1, 10**9) for j, q in enumerate(row)]
                       for i, row in enumerate(found.certificate.gram)])          # Q is singular



def _solved_in_child(_) -> bool:
    import cvxpy as cp
    import numpy as np
    q = cp.Variable((20, 20), PSD=True)          # large enough for clarabel to use its thread pool
    problem = cp.Problem(cp.Minimize(cp.trace(np.diag(np.arange(1.0, 21.0)) @ q)), [cp.trace(q) == 1])
    return sos._run(cp, problem, 10.0) and abs(problem.value - 1) < 1e-6


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_the_sdp_solves_in_a_process_forked_after_one_here(cvxpy):
    # a solver thread pool started here must not deadlock a forked worker (workers=k after an in-process compile)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    assert _solved_in_child(None)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        assert pool.submit(_solved_in_child, None).result(timeout=60)
    finally:
        for p in list(pool._processes.values()):
            p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
