"""Model files: every value that is not an exact rational is refused, naming the field and the reason.

Parameters are declared under ``"parameters"``; nothing else becomes a symbol.
"""

from __future__ import annotations

import copy

import pytest
import sympy

from symattn.errors import WeightError
from symattn.export import load_model, read_model, save_model
from symattn.export.model_file import model_from_dict, model_to_dict
from symattn.export.reader import ModelFileError
from symattn.models import default_model
from symattn.nn import Attention, EncoderBlock, FeedForward, Linear
from symattn.weights import exact_scalar

BLOCK = {"format": "symattn-model", "version": 1, "n": 2,
         "model": {"type": "EncoderBlock",
                   "attention": {"type": "Attention", "Q": [[1, 0], [0, 1]], "K": [[1, 0], [0, 1]],
                                 "V": [[1, 0], [0, 1]]},
                   "feedforward": {"type": "FeedForward", "W1": [[1], [-1]], "b1": [0], "W2": [[1, 1]]}}}

#: where a bad string is put, and the field the error must name
PLACES = [
    (lambda d, v: d["model"]["attention"]["Q"][1].__setitem__(0, v), "model.attention.Q[1][0]"),
    (lambda d, v: d["model"]["feedforward"]["b1"].__setitem__(0, v), "model.feedforward.b1[0]"),
    (lambda d, v: d["model"]["attention"].__setitem__("beta", v), "model.attention.beta"),
]

#: the strings sympy would read as constants, and the words their refusal must use
CONSTANTS = [("nan", "is NaN, not a number"), ("NaN", "is NaN, not a number"),
             ("inf", "is infinite"), ("-inf", "is infinite"), ("Infinity", "is infinite"),
             ("oo", "is infinity (sympy's oo)"), ("-oo", "is infinity (sympy's oo)"),
             ("zoo", "is complex infinity"), ("I", "is the imaginary unit, not a real number"),
             ("3*I", "is the imaginary unit"), ("E", "is Euler's number e, which is irrational"),
             ("pi", "is π, which is irrational"), ("pi/2 + 1", "is π, which is irrational")]


def with_value(place, value, doc=BLOCK):
    doc = copy.deepcopy(doc)
    place(doc, value)
    return doc


def refusal(doc) -> ModelFileError:
    with pytest.raises(ModelFileError) as info:
        model_from_dict(doc, source="m.json")
    return info.value


@pytest.mark.parametrize("place, field", PLACES)
@pytest.mark.parametrize("text, reason", CONSTANTS)
def test_constants_are_refused_not_made_parameters(place, field, text, reason):
    error = refusal(with_value(place, text))
    assert error.path == field and reason in error.reason and error.source == "m.json"


@pytest.mark.parametrize("place, field", PLACES)
def test_a_square_root_is_refused_as_irrational(place, field):
    error = refusal(with_value(place, "sqrt(2)"))
    assert error.path == field
    assert error.reason == ("sqrt(2) is irrational, not allowed here: only an exact rational "
                            "(an attention scale may be a square root)")
    assert "calls other than" not in error.reason


def test_a_rational_square_root_is_its_exact_value():
    model = model_from_dict(with_value(PLACES[0][0], "sqrt(9/4)")).model
    assert model.attention.Q[1, 0] == sympy.Rational(3, 2)


def test_an_attention_scale_may_be_an_algebraic_square_root():
    doc = with_value(lambda d, v: d["model"]["attention"].__setitem__("scale", v), "sqrt(2)")
    assert model_from_dict(doc).model.attention.scale == sympy.sqrt(2)
    error = refusal(with_value(lambda d, v: d["model"]["attention"].__setitem__("scale", v), "pi"))
    assert error.path == "model.attention.scale" and "irrational" in error.reason


@pytest.mark.parametrize("text, reason", [
    ("0x10", "'0x10' is not a decimal number"),
    ("exp(1)", "'exp(1)': calls are not allowed"),
    ("__import__('os').getcwd()", "calls are not allowed"),
    ("1/0", "division is only by a nonzero number"),
    ("2**100", "exponents are integers from 0 to 64"),
    ("x[0,1]", "'x[0,1]' is an input variable's name"),
    ("", "is not a number or polynomial"),
])
def test_other_strings_that_are_no_exact_rational(text, reason):
    error = refusal(with_value(PLACES[0][0], text))
    assert error.path == PLACES[0][1] and reason in error.reason


def test_an_undeclared_name_is_refused_and_says_how_to_declare_it():
    error = refusal(with_value(PLACES[0][0], "2*q + 1/3"))
    assert error.path == "model.attention.Q[1][0]"
    assert error.reason == "'q' is not a declared parameter; declare it at the top of the file: \"parameters\": [\"q\"]"


@pytest.mark.parametrize("declared", [["q"], {"q": {}}, {"q": {"positive": True}}])
def test_a_declared_parameter_is_read(declared):
    doc = with_value(PLACES[0][0], "2*q + 1/3")
    doc["parameters"] = declared
    model = model_from_dict(doc).model
    (q,) = model.parameters
    assert q.name == "q" and model.attention.Q[1, 0] == 2 * q + sympy.Rational(1, 3)
    assert q.is_positive is (True if isinstance(declared, dict) and declared["q"] else None)


@pytest.mark.parametrize("declared, field, reason", [
    (["pi"], "parameters[0]", "'pi' is π, which is irrational; it cannot be a parameter's name"),
    ({"nan": {}}, "parameters.nan", "'nan' is NaN, not a number; it cannot be a parameter's name"),
    (["I"], "parameters[0]", "'I' is the imaginary unit"),
    (["x[0,1]"], "parameters[0]", "'x[0,1]' is not a name"),
    (["2q"], "parameters[0]", "'2q' is not a name"),
])
def test_a_constant_or_a_non_name_cannot_be_declared(declared, field, reason):
    doc = copy.deepcopy(BLOCK)
    doc["parameters"] = declared
    error = refusal(doc)
    assert error.path == field and reason in error.reason


def test_the_writer_declares_parameters_so_files_round_trip(tmp_path):
    a, b = sympy.Symbol("a"), sympy.Symbol("b", positive=True)
    model = EncoderBlock(Attention([[a, 0], [0, 1]], [[1, 0], [0, b]], [[1, 0], [0, 1]]),
                         FeedForward([[1], [-1]], [0], [[2 * a + sympy.Rational(1, 3), b * b]], None))
    path = save_model(model, tmp_path / "params.json", n=2)
    doc = read_model(path)
    assert doc.model == model and doc.n == 2 and load_model(path) == model
    assert model_to_dict(model, n=2)["parameters"] == {"a": {}, "b": {"positive": True}}


def test_files_without_symbols_still_read(tmp_path):
    path = save_model(default_model(), tmp_path / "default.json", n=2)
    assert "parameters" not in path.read_text()
    assert load_model(path) == default_model()
    toml = tmp_path / "lin.toml"
    toml.write_text('format = "symattn-model"\nversion = 1\nn = 1\n[model]\ntype = "Linear"\nW = [["3/4"]]\n')
    assert load_model(toml) == Linear([["3/4"]])


@pytest.mark.parametrize("text", ["nan", "inf", "oo", "zoo", "I", "E", "pi", "sqrt(2)"])
def test_the_python_api_refuses_the_same_strings(text):
    with pytest.raises(WeightError):
        exact_scalar(text)
