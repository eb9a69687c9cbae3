"""Spline files carry one emptiness record per pruned sign system; checkable ones are re-checked on load."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import symattn
from symattn.export.reader import ModelFileError
from symattn.nn import Attention, FeedForward
from symattn.semialg.poly import compile_poly

FFN = FeedForward([[1, -1, 2], [2, 1, "-1/2"]], [0, 1, "-1/2"], [[1], [-1], [2]], [0])
ATTENTION = Attention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]])


@pytest.fixture(scope="module")
def ffn():
    spline = symattn.compile(FFN, n=1, progress=False)
    return spline, json.loads(spline.to_json())


@pytest.fixture(scope="module")
def attention():
    spline = symattn.compile(ATTENTION, n=3, progress=False)
    assert spline.complete and len(spline) == 40
    return spline, json.loads(spline.to_json())


def _satisfies(witness, conditions, ring) -> bool:
    nums, d = witness.int_point(ring)
    return all(compile_poly(g).sign_at(nums, d) == s for g, s in conditions)


def test_every_pruned_system_is_recorded_and_none_holds_a_listed_witness(attention):
    spline, doc = attention
    procedures = Counter(e["procedure"] for e in doc["emptiness"])
    # with cvxpy installed, sum-of-squares certificates turn some solver records checkable
    assert procedures["syntactic"] == 49 and procedures["solver"] + procedures["sos"] == 20
    assert set(procedures) <= {"syntactic", "solver", "sos"}
    # a solver record names the solver (z3 nlsat, or the portfolio), directly or in the factored
    # cases it decided
    assert all("nlsat" in e["reason"] or "portfolio" in e["reason"]
               for e in doc["emptiness"] if e["procedure"] in ("solver", "sos"))
    back = symattn.Spline.from_json(json.dumps(doc))
    assert len(back.emptiness) == len(spline.emptiness) == 69
    # independent sanity: an empty system holds no point, in particular no listed witness
    for record in back.emptiness:
        assert not any(_satisfies(p.witness, record.conditions, back.ring) for p in back.pieces)


def test_verify_prunes_by_checked_certificates_and_re_decides_the_rest(attention):
    spline, doc = attention
    proved = symattn.Spline.from_json(json.dumps(doc), verify=True)
    assert proved.completeness == "proved"
    oracle = proved.stats["reproved"]["oracle"]
    assert oracle["certificate-syntactic"] == 49            # settled by the file, checked exactly
    assert oracle.get("certificate-farkas", 0) == 0
    sos = sum(e["procedure"] == "sos" for e in doc["emptiness"])
    assert oracle.get("certificate-sos", 0) == sos
    # the solver's claims are asked again (by nlsat, on the system or on its factored cases)
    assert oracle.get("nlsat", 0) + oracle.get("factor", 0) >= 20 - sos


def test_a_farkas_record_is_checked_on_load(ffn):
    _, doc = ffn
    (record,) = [e for e in doc["emptiness"] if e["procedure"] == "farkas"]
    assert symattn.Spline.from_json(json.dumps(doc)).emptiness[0].checkable
    tampered = json.loads(json.dumps(doc))
    k = tampered["emptiness"].index(record)
    tampered["emptiness"][k]["multipliers"] = ["1"] + ["0"] * (len(record["multipliers"]) - 1)
    with pytest.raises(ModelFileError, match=rf"emptiness\[{k}\]: the farkas certificate does not prove"):
        symattn.Spline.from_json(json.dumps(tampered))


def test_a_syntactic_record_that_refutes_nothing_is_refused(attention):
    _, doc = attention
    tampered = json.loads(json.dumps(doc))
    k = next(k for k, e in enumerate(tampered["emptiness"]) if e["procedure"] == "syntactic")
    tampered["emptiness"][k]["conditions"] = tampered["pieces"][0]["conditions"]   # a non-empty region
    with pytest.raises(ModelFileError, match=rf"emptiness\[{k}\]: the syntactic certificate"):
        symattn.Spline.from_json(json.dumps(tampered))
    tampered["emptiness"][k]["procedure"] = "trust me"
    with pytest.raises(ModelFileError, match=rf"emptiness\[{k}\]\.procedure: one of syntactic, farkas, inertia, factors, sos, solver"):
        symattn.Spline.from_json(json.dumps(tampered))


def test_a_file_without_records_still_loads_and_verifies(ffn):
    spline, doc = ffn
    older = {k: v for k, v in doc.items() if k != "emptiness"}
    back = symattn.Spline.from_json(json.dumps(older))
    assert back.completeness == "claimed" and back.emptiness == ()
    proved = symattn.Spline.from_json(json.dumps(older), verify=True)
    assert proved.completeness == "proved" and [p.pattern for p in proved.pieces] == [p.pattern for p in spline.pieces]
    assert "certificate-farkas" not in proved.stats["reproved"]["oracle"]
