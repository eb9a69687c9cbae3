"""Shape rules per op, shared by the tracer (which raises ShapeError) and lint."""

from __future__ import annotations

from typing import Sequence

from ..errors import ShapeError
from . import nodes as N

Shape = tuple[int, int]


def _fmt(s: Shape) -> str:
    return f"{s[0]}×{s[1]}"


def infer_shape(op: str, shapes: Sequence[Shape], attrs: dict, path: str) -> Shape:
    """The output shape of ``op`` on inputs of ``shapes``; ShapeError if they do not fit."""
    if op == N.INPUT or op == N.WEIGHT:
        return tuple(attrs[N.SHAPE])
    if op == N.MATMUL:
        (a, b), (c, d) = shapes
        if b != c:
            raise ShapeError(path, f"cannot multiply {_fmt((a, b))} by {_fmt((c, d))}")
        return (a, d)
    if op == N.ADD:
        if shapes[0] != shapes[1]:
            raise ShapeError(path, f"cannot add {_fmt(shapes[0])} and {_fmt(shapes[1])}")
        return tuple(shapes[0])
    if op == N.TRANSPOSE:
        return (shapes[0][1], shapes[0][0])
    if op == N.MASK_OP:
        mask = attrs[N.MASK]
        mshape = (len(mask), len(mask[0]) if mask else 0)
        if mshape != tuple(shapes[0]):
            raise ShapeError(path, f"mask of shape {_fmt(mshape)} on scores of shape {_fmt(shapes[0])}")
        return tuple(shapes[0])
    if op in (N.SCALE, N.RELU, N.SOFTMAX, N.SOFTPLUS):
        return tuple(shapes[0])
    if op == N.CONCAT:
        axis = attrs[N.AXIS]
        other = 1 - axis
        if len({s[other] for s in shapes}) != 1:
            raise ShapeError(path, "cannot concatenate " + ", ".join(map(_fmt, shapes)) + f" along axis {axis}")
        total = sum(s[axis] for s in shapes)
        return (total, shapes[0][1]) if axis == 0 else (shapes[0][0], total)
    if op == N.LAYERNORM:
        rows, cols = shapes[0]
        for s in shapes[1:]:
            if tuple(s) != (1, cols):
                raise ShapeError(path, f"layer norm gain/bias of shape {_fmt(s)} for {cols} features")
        return (rows, cols)
    raise ShapeError(path, f"unknown op {op!r}")

