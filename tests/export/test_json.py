"""Model, spline, certificate and realization files: exact round trips and named errors."""

from __future__ import annotations

import json
import random

import pytest
import sympy
from sympy import Rational

import symattn
from symattn import Budget, input_symbol
from symattn.export import ModelFileError, load_model, model_from_dict, model_to_dict, save_model
from symattn.export.spline_file import spline_to_dict
from symattn.nn import Attention, Encoder, EncoderBlock, FeedForward, MaskedAttention, MultiHeadAttention

from cases import CASES


def through_json(doc):
    return json.loads(json.dumps(doc))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_module_round_trips(case):
    """Same module after the file, and the same exact outputs (an independent check of the weights)."""
    model = case.build()
    back = model_from_dict(through_json(model_to_dict(model, n=case.n, m=case.m)))
    assert back.model == model and (back.n, back.m) == (case.n, case.m)
    inputs = case.inputs(random.Random(7))
    assert back.model(*inputs.values()) == model(*inputs.values())


def test_model_file_on_disk_and_toml(tmp_path):
    model = FeedForward([[1, -1]], ["1/2", 0], [[1], ["-3/4"]], None)
    path = save_model(model, tmp_path / "m.json", n=3)
    text = path.read_text()
    assert '"1/2"' in text and "[1, -1]" in text           # exact strings, one row per line
    assert load_model(path) == model and load_model(path).file_tokens == {"n": 3, "m": None}
    toml = tmp_path / "m.toml"
    toml.write_text('format = "symattn-model"\nversion = 1\nn = 2\n[model]\ntype = "FeedForward"\n'
                    'W1 = [[1, -1]]\nb1 = ["1/2", 0]\nW2 = [[1], ["-3/4"]]\n')
    assert load_model(toml) == model and load_model(toml).file_tokens["n"] == 2


def test_parameters_keep_their_assumptions():
    q = sympy.Symbol("q", positive=True)
    model = Attention([[q, 2 * q + Rational(1, 3)]], [[1, 0]], [[1]])
    doc = through_json(model_to_dict(model))
    assert doc["parameters"] == {"q": {"positive": True}}
    assert model_from_dict(doc).model == model


def _encoder_doc():
    block = EncoderBlock(Attention([[1, 0, 2], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]], [[1, 0], [0, 1]]),
                         FeedForward([[1, 0], [0, 1]], [0, 1], [[1, 0], [0, 1]], None))
    return through_json(model_to_dict(Encoder([block, block]), n=2))


@pytest.mark.parametrize("edit, path, reason", [
    (lambda d: d["model"]["blocks"][1]["attention"]["Q"][0].__setitem__(2, "x[0,2]"),
     "model.blocks[1].attention.Q[0][2]", "'x[0,2]' is an input variable's name"),
    (lambda d: d["model"]["blocks"][1]["attention"]["Q"][0].__setitem__(2, 0.5),
     "model.blocks[1].attention.Q[0][2]", "floating-point"),
    (lambda d: d["model"]["blocks"][0]["attention"]["Q"][0].__setitem__(0, "1/0"),
     "model.blocks[0].attention.Q[0][0]", "division is only by a nonzero number"),
    (lambda d: d["model"]["blocks"][0]["attention"]["K"][1].append(3),
     "model.blocks[0].attention.K", "equal length"),
    (lambda d: d["model"]["blocks"][0]["feedforward"].pop("W1"), "model.blocks[0].feedforward.W1", "missing"),
    (lambda d: d["model"]["blocks"][0].__setitem__("type", "Decoderblock"), "model.blocks[0].type", "is not one of"),
    (lambda d: d["model"]["blocks"][0]["attention"].__setitem__("colour", 1), "model.blocks[0].attention",
     "unknown field 'colour'"),
    (lambda d: d["model"]["blocks"][0]["attention"].__setitem__("V", [[1, 0], [0, 1], [0, 0]]),
     "model.blocks[0].attention", "Q, K, V must share the input width"),
    (lambda d: d["model"]["blocks"][0]["attention"].__setitem__("activation", "gelu"),
     "model.blocks[0].attention.activation", "'gelu' is not one of"),
    (lambda d: d.__setitem__("format", "symattn-spline"), "format", "expected 'symattn-model'"),
    (lambda d: d.__setitem__("n", 0), "n", "at least 1"),
    (lambda d: d["model"]["blocks"][0]["attention"]["Q"][0].__setitem__(0, "__import__('os').getcwd()"),
     "model.blocks[0].attention.Q[0][0]", "not allowed"),
])
def test_malformed_model_names_the_field(edit, path, reason):
    doc = _encoder_doc()
    edit(doc)
    with pytest.raises(ModelFileError) as info:
        model_from_dict(doc)
    assert info.value.path == path and reason in info.value.reason
    assert str(info.value).startswith(f"{path}: ")
    assert isinstance(info.value, symattn.SymattnError)


def test_shape_errors_name_the_module():
    doc = _encoder_doc()
    doc["model"]["blocks"][0]["feedforward"]["W2"] = [[1, 0]]
    with pytest.raises(ModelFileError, match=r"^model\.blocks\[0\]\.feedforward: FeedForward: .*W1 is 2×2"):
        model_from_dict(doc)


def test_floats_by_the_declared_rule():
    doc = _encoder_doc()
    doc["model"]["blocks"][0]["attention"]["Q"][0][0] = 0.1
    doc["rationalize"] = "decimal"
    assert model_from_dict(doc).model.blocks[0].attention.Q[0, 0] == Rational(1, 10)


def test_unreadable_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ModelFileError, match="bad.json: <document>: not valid JSON"):
        load_model(bad)
    with pytest.raises(ModelFileError, match="cannot read the file"):
        load_model(tmp_path / "missing.json")


# -- splines ------------------------------------------------------------------------------
def same_spline(a, b) -> bool:
    claim = lambda s: s.completeness != "incomplete"  # noqa: E731 - a file's "complete" loads as a claim
    return (a.variables == b.variables and a.parameters == b.parameters and claim(a) == claim(b)
            and [(p.region, p.region.witness, p.polys, p.pattern) for p in a.pieces]
            == [(p.region, p.region.witness, p.polys, p.pattern) for p in b.pieces]
            and a.undecided == b.undecided and a.substitution == b.substitution)


q = sympy.Symbol("q", positive=True)


@pytest.mark.parametrize("make", [
    lambda: symattn.compile(FeedForward([[1, -1, 2], [2, 1, "-1/2"]], [0, 1, "-1/2"], [[1], [-1], [2]], [0]), n=1),
    lambda: symattn.compile(Attention([[q]], [[1]], [["1/2"]]), n=2),
    lambda: symattn.compile(MultiHeadAttention([MaskedAttention([[1]], [[1]], [[1]], scale="1/2"),
                                                Attention([[1]], [["-1/3"]], [[2]], bq=[1])], W_O=[[1], [1]]), n=2),
    lambda: symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]), n=2,
                            budget=Budget(regions=1)),
    lambda: symattn.compile(Attention([[1, 0], [0, 1]], [[1, 0], [0, -1]], [[1], [1]]), n=2).restrict(
        origin={input_symbol("x", 0, 1): 1}, directions=[{input_symbol("x", 0, 0): 1, input_symbol("x", 1, 1): "1/2"}]),
    lambda: symattn.compile(Attention([[q]], [[1]], [[1]]), n=2).restrict({q: 3}),
], ids=["ffn", "parameter", "multihead", "incomplete", "restricted", "fixed-parameter"])
def test_spline_round_trips_exactly(make, tmp_path):
    spline = make()
    text = spline.to_json()
    back = symattn.Spline.from_json(text)
    assert same_spline(back, spline)
    assert back.to_json() == text                                   # a fixed point
    path = tmp_path / "s.json"
    spline.to_json(path)
    assert same_spline(symattn.Spline.from_json(path), spline)
    witness = dict(spline.pieces[0].witness)
    assert back(witness) == spline(witness)


@pytest.fixture(scope="module")
def ffn_doc():
    spline = symattn.compile(FeedForward([[1, -1, 2], [2, 1, "-1/2"]], [0, 1, "-1/2"], [[1], [-1], [2]], [0]), n=1)
    return through_json(spline_to_dict(spline))


@pytest.mark.parametrize("edit, path, reason", [
    (lambda d: d["pieces"][2].__setitem__("witness", d["pieces"][3]["witness"]), "pieces[2].witness",
     "witness violates"),
    (lambda d: d["pieces"][2]["value"][0].__setitem__(0, "x[0,0] + 1"), "pieces[2].value",
     "not the polynomials the model gives"),
    (lambda d: d["pieces"][2]["conditions"].pop(), "pieces[2].conditions", "not the conditions the model gives"),
    (lambda d: d["pieces"][1].__setitem__("pattern", d["pieces"][0]["pattern"]), "pieces[1].pattern", "different"),
    (lambda d: d["pieces"][0]["conditions"][0].__setitem__(1, 2), "pieces[0].conditions[0][1]", "1 (g > 0) or -1"),
    (lambda d: d.__setitem__("variables", ["x[0,1]", "x[0,0]"]), "variables", "expected"),
    (lambda d: d["undecided"].append({"conditions": [], "reason": "x"}), "complete", "not complete"),
    (lambda d: d["pieces"][0]["witness"].__setitem__("x[0,0]", "sqrt(2)"), "pieces[0].witness.x[0,0]", "not allowed"),
])
def test_tampered_spline_files_are_refused(ffn_doc, edit, path, reason):
    doc = json.loads(json.dumps(ffn_doc))
    edit(doc)
    from symattn.export.spline_file import spline_from_dict

    with pytest.raises(ModelFileError) as info:
        spline_from_dict(doc)
    assert info.value.path == path and reason in info.value.reason


# -- certificates and realizations ---------------------------------------------------------
def test_certificate_and_realization_round_trip(tmp_path):
    realize = pytest.importorskip("symattn.realize")
    from symattn.export.realize_file import (load_certificate, maxmin_to_dict, realization_from_json,
                                             realization_to_dict, realization_to_json, save_certificate)

    x, y = input_symbol("x", 0, 0), sympy.Symbol("y", positive=True)
    cert = realize.MaxMin([[0, x - y], [x + 1, Rational(1, 3) - x]], [x, y])
    assert load_certificate(save_certificate(cert, tmp_path / "c.json")) == cert
    built = realize.realize(cert)
    back = realization_from_json(realization_to_json(built))
    assert back.model == built.model and back.certificate == cert
    assert back(2, 5) == cert(2, 5)
    doc = through_json(realization_to_dict(built))
    doc["model"]["modules"][0]["W"][0][0] = 7
    with pytest.raises(ModelFileError, match="stored weights are not the construction's"):
        realization_from_json(json.dumps(doc))
    bad = maxmin_to_dict(cert)
    bad["max"][1][0] = "x[0,0] + z"
    from symattn.export.realize_file import maxmin_from_dict

    with pytest.raises(ModelFileError, match=r"^max\[1\]\[0\]: unknown symbol 'z'"):
        maxmin_from_dict(bad)


def test_a_loaded_module_compiles_with_the_files_token_count(tmp_path):
    model = FeedForward([[1, -1]], ["1/2", 0], [[1], ["-3/4"]], None)
    loaded = load_model(save_model(model, tmp_path / "m.json", n=3))
    assert loaded.trace().shape == (3, 1)                  # n from the file
    assert loaded.trace(n=2).shape == (2, 1)               # an explicit count wins
    assert symattn.compile(loaded).graph.shape == (3, 1)
    assert not hasattr(model, "file_tokens")               # the module built in Python is unchanged
