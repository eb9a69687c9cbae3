"""A spline file's ``complete`` is a claim: loaded as *claimed*, refused by every proof, re-proved on request."""

from __future__ import annotations

import json
import warnings

import pytest

import symattn
from symattn.compiler.casesplit import Budget
from symattn.compiler.reprove import ClaimNotReproved, ClaimRefuted
from symattn.nn import Attention, FeedForward
from symattn.proofs import ProofInputError, prove_continuous, prove_degree, prove_equal, smoothness
from symattn.spline import SoundnessError
from symattn.testing import assert_continuous, assert_degree, assert_smoothness, assert_spline_equal

MODEL = Attention([[1]], [[1]], [[1]])       # n = 2: scores x_i x_j, one wall x_0 x_1 = 0


@pytest.fixture(scope="module")
def honest():
    spline = symattn.compile(MODEL, n=2, progress=False)
    assert spline.complete and len(spline) == 2
    return spline


def _tampered(spline, keep) -> tuple[str, list]:
    doc = json.loads(spline.to_json())
    dropped = [p for k, p in enumerate(doc["pieces"]) if k not in keep]
    doc["pieces"] = [p for k, p in enumerate(doc["pieces"]) if k in keep]
    return json.dumps(doc), dropped


PROOFS = [
    ("prove_equal", lambda t: prove_equal(t, MODEL, n=2)),
    ("prove_continuous", prove_continuous),
    ("smoothness", smoothness),
    ("prove_degree", lambda t: prove_degree(MODEL, 3, n=2, spline=t)),
    ("assert_spline_equal", lambda t: assert_spline_equal(t, MODEL, n=2)),
    ("assert_continuous", assert_continuous),
    ("assert_smoothness", lambda t: assert_smoothness(t, 0)),
    ("assert_degree", lambda t: assert_degree(MODEL, 3, n=2, spline=t)),
]


@pytest.mark.parametrize("keep", [(0,), ()], ids=["one piece deleted", "no pieces"])
@pytest.mark.parametrize("name, claim", PROOFS, ids=[p[0] for p in PROOFS])
def test_no_proof_builds_on_a_tampered_file(honest, keep, name, claim):
    text, _ = _tampered(honest, keep)
    t = symattn.Spline.from_json(text)
    assert t.completeness == "claimed" and not t.complete and t.claimed_complete
    with pytest.raises(ProofInputError, match=r"verify=True"):       # before: PROVED (equality, C^0, C^∞)
        claim(t)


@pytest.mark.parametrize("name, claim", PROOFS, ids=[p[0] for p in PROOFS])
def test_an_honest_file_is_claimed_until_re_proved(honest, name, claim):
    text = honest.to_json()
    with pytest.raises(ProofInputError, match=r"claims it is complete"):
        claim(symattn.Spline.from_json(text))
    proved = symattn.Spline.from_json(text, verify=True)
    assert proved.completeness == "proved" and proved.complete and not proved.claimed_complete
    assert [p.polys for p in proved.pieces] == [p.polys for p in honest.pieces]
    assert claim(proved).proved


def test_verify_refutes_a_deleted_piece_and_names_its_witness(honest):
    text, dropped = _tampered(honest, (0,))
    with pytest.raises(ClaimRefuted) as info:
        symattn.Spline.from_json(text, verify=True)
    witness = dict(honest.pieces[1].witness)
    assert {str(k): str(v) for k, v in witness.items()} == dropped[0]["witness"]
    assert "not listed" in str(info.value) and str(witness) in str(info.value)
    # at the witness of the region the file left out, the guard refutes the claim
    t = symattn.Spline.from_json(text)
    with pytest.raises(SoundnessError, match="whose file claims it complete"):
        t.piece_at(witness)
    with pytest.raises(ClaimRefuted):
        symattn.Spline.from_json(_tampered(honest, ())[0], verify=True)


def test_a_budget_too_small_keeps_the_claim_and_warns(honest, tmp_path):
    path = tmp_path / "s.json"
    honest.to_json(path)
    with pytest.warns(ClaimNotReproved, match="undecided"):
        t = symattn.Spline.from_json(path, verify=True, budget=Budget(regions=0))
    assert t.completeness == "claimed"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert symattn.Spline.from_json(path, verify=True).completeness == "proved"


def test_the_file_writes_the_claim_back_and_an_incomplete_file_stays_incomplete():
    net = FeedForward([[1, -1]], None, [[1], [1]], None)
    claimed = symattn.Spline.from_json(symattn.compile(net, n=1).to_json())
    assert json.loads(claimed.to_json())["complete"] is True           # a claim stays a claim, not more
    assert repr(claimed).endswith("claimed complete (not re-proved)>")
    partial = symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]), n=2,
                              budget=Budget(regions=1), progress=False)
    back = symattn.Spline.from_json(partial.to_json(), verify=True)
    assert back.completeness == "incomplete" and len(back.undecided) == len(partial.undecided)


def test_realize_refuses_a_claimed_spline_too():
    from symattn.errors import CertificateInputError

    net = FeedForward([[1, -1]], [0, 1], [[1], [-2]], None)          # σ(x) − 2σ(1 − x): degree 1
    text = symattn.compile(net, n=1).to_json()
    with pytest.raises(CertificateInputError, match="verify=True"):
        symattn.certificate(symattn.Spline.from_json(text))
    assert symattn.realize(symattn.Spline.from_json(text, verify=True)).verify().proved
