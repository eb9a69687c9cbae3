"""A residual whose sub-layer changes the width names the block, the residual and both shapes.

The path is the module path (empty, shown as ``<model>``, for the model itself); the message
names the block's class and the residual's formula.
"""

from __future__ import annotations

import pytest

from symattn.errors import ShapeError
from symattn.export.model_file import model_from_dict
from symattn.export.reader import ModelFileError
from symattn.nn import (Attention, CrossAttention, DecoderBlock, Encoder, EncoderBlock, FeedForward,
                        MaskedAttention)

I2 = [[1, 0], [0, 1]]
NARROW = Attention(I2, I2, [[1], [1]])                 # 2 features in, 1 out
SAME = Attention(I2, I2, I2)
FFN_1 = FeedForward([[1]], None, [[1]], None)
FFN_2_TO_1 = FeedForward(I2, None, [[1], [1]], None)


@pytest.mark.parametrize("model, n, m, path, message", [
    (EncoderBlock(NARROW, FFN_1), 2, None, "",
     "<model>: EncoderBlock residual Y = X + attn(X) cannot add 2×2 and 2×1: the sub-layer gives 1 features, "
     "the residual needs 2"),
    (EncoderBlock(SAME, FFN_2_TO_1), 3, None, "",
     "<model>: EncoderBlock residual Y + ffn(Y) cannot add 3×2 and 3×1: the sub-layer gives 1 features, "
     "the residual needs 2"),
    (Encoder([EncoderBlock(SAME, FeedForward(I2, None, I2, None)), EncoderBlock(NARROW, FFN_1)]), 2, None,
     "encoder.1", "encoder.1: EncoderBlock residual Y = X + attn(X) cannot add 2×2 and 2×1"),
    (DecoderBlock(MaskedAttention(I2, I2, I2), CrossAttention(I2, I2, [[1], [1]]), FFN_1), 2, 3,
     "", "<model>: DecoderBlock residual Y2 = Y1 + cross_attn(Y1, Z) cannot add 3×2 and 3×1"),
])
def test_a_residual_mismatch_names_the_block_and_the_residual(model, n, m, path, message):
    with pytest.raises(ShapeError) as info:
        model.trace(n=n, m=m)
    assert info.value.path == path and str(info.value).startswith(message)
    assert "cannot add" in str(info.value) and str(info.value).count("EncoderBlock") + str(info.value).count(
        "DecoderBlock") == 1


@pytest.mark.parametrize("model, reason", [
    ({"type": "Attention", "Q": [[1, 0]], "K": [[1]], "V": [[1]]}, "Attention: Q is 1×2 but K is 1×1"),
    ({"type": "Attention", "Q": [[1]], "K": [[1]], "V": [[1]], "scale": 0},
     "Attention.scale: must be a nonzero real constant, got 0"),
    ({"type": "Linear", "W": [[1]], "b": [1, 2]}, "Linear: W is 1×1 but b has length 2"),
])
def test_a_module_error_read_from_a_file_names_the_module_once(model, reason):
    with pytest.raises(ModelFileError) as info:
        model_from_dict({"format": "symattn-model", "version": 1, "model": model})
    assert (info.value.path, info.value.reason) == ("model", reason)
