"""Interpreters refuse inputs of the wrong shape with a ShapeError naming the input."""

from __future__ import annotations

import pytest

from cases import CASES, CASES_BY_NAME
from symattn import (
    ExactInterpreter,
    FloatInterpreter,
    ShapeError,
    SymattnError,
    nn,
)

ids = [c.name for c in CASES]


def test_inputs_of_the_wrong_shape():
    att = nn.Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]])
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(2, 2\)"):
        att([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(2, 2\)"):
        att.evaluate([[1, 2, 3], [4, 5, 6]], mode="float")
    g = att.trace(n=2)
    with pytest.raises(ShapeError, match=r"\(2, 2\).*\(3, 2\)") as info:
        ExactInterpreter().run(g, {"x": [[1, 2], [3, 4], [5, 6]]})
    assert "input X" in str(info.value)
    with pytest.raises(SymattnError):
        FloatInterpreter().run(g, {"x": [[1.0, 2.0, 3.0]]})
    with pytest.raises(TypeError, match="input"):
        att([[1, 2]], [[1, 2]])
    with pytest.raises(ShapeError, match="ragged"):
        att([[1, 2], [3]])
    tf = CASES_BY_NAME["transformer"].build()
    with pytest.raises(ShapeError, match="Y"):
        tf([[1, 2], [3, 4]], [[1, 2, 3]])
    with pytest.raises(TypeError):
        ExactInterpreter().run(g, {})


def test_float_interpreter_wrong_input_shape_is_a_shape_error():
    g = nn.Attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]]).trace(n=2)
    with pytest.raises(ShapeError):
        FloatInterpreter().run(g, {"x": [[1.0, 2.0, 3.0]]})
