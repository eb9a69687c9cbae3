"""torch.fx rules for tensor operations: each adds the matching symattn nodes.

A rule takes ``(replay, node, real, *args, **kwargs)``: the walker, the fx
node, PyTorch's value there, and the node's arguments with data-path values
as :class:`~.fx_values.Data` and constant tensors as :class:`~.fx_values.Const`.
It returns the new :class:`~.fx_values.Data`, or raises
:class:`~.fx_values.Unsupported` with the reason.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any, Callable

import sympy
import torch
import torch.nn.functional as F

from .fx_values import SHAPE_ONLY, Const, Data, Unmodelled, Unsupported, last_two, matrix_dims

__all__ = ["FUNCTIONS", "METHODS"]


def _constant(value: Any, what: str) -> Const:
    if not isinstance(value, Const):
        raise Unsupported(f"{what} must be a constant tensor (a weight), not computed from the input")
    return value


def _same(r, node, real, x, *args, **kwargs):
    return r.require(x, "the argument")


def _shape_only(r, node, real, *args, **kwargs):
    return SHAPE_ONLY


def _matmul(r, node, real, a, b):
    if not isinstance(a, Data) and not isinstance(b, Data):
        raise Unsupported("a product of constants")
    return r.data(real, r.b.matmul(r.operand(a, node), r.operand(b, node), r.path(node)))


def _linear(r, node, real, x, weight, bias=None):
    x = r.require(x, "the input of linear")
    weight = _constant(weight, "the weight of linear")
    bias = None if bias is None else _constant(bias, "the bias of linear")
    W = r.reader.matrix(weight.value, weight.name).T  # PyTorch computes x @ weight.T
    out = r.b.matmul(x.node, r.b.weight(W, r.path(node)), r.path(node))
    if bias is not None:
        out = r.b.bias(out, r.reader.matrix(bias.value, bias.name), r.path(node))
    return r.data(real, out)


def _add(r, node, real, a, b, alpha=1):
    if alpha != 1:
        b = _scaled(r, node, b, alpha)
    if not isinstance(a, Data):
        a, b = b, a
    path = r.path(node)
    if isinstance(b, Data):
        return r.data(real, r.b.add(a.node, b.node, path))
    if isinstance(b, Const) and (b.value.dim() == 1 or (b.value.dim() >= 2 and b.value.shape[-2] == 1)) \
            and b.value.shape[-1] == a.shape[-1]:  # a bias row, added to every token
        return r.data(real, r.b.bias(a.node, r.reader.matrix(b.value.reshape(-1), b.name), path))
    return r.data(real, r.b.add(a.node, r.operand(b, node, like=Data(a.node, real.shape)), path))


def _scaled(r, node, value, factor):
    if isinstance(value, Data):
        return Data(r.b.scale(value.node, r.scalar(factor, node), r.path(node)), value.shape)
    if isinstance(value, Const):
        return Const(value.value * factor, value.name)
    return value * factor


def _sub(r, node, real, a, b, alpha=1):
    return _add(r, node, real, a, b, alpha=-alpha)


def _rsub(r, node, real, a, b, alpha=1):  # torch.rsub(a, b) = b - alpha * a
    return _sub(r, node, real, b, a, alpha)


def _mul(r, node, real, a, b):
    if not isinstance(a, Data):
        a, b = b, a
    a = r.require(a, "a factor")
    return r.data(real, r.b.scale(a.node, r.scalar(b, node), r.path(node)))


def _div(r, node, real, a, b, rounding_mode=None):
    a = r.require(a, "the dividend")
    if rounding_mode is not None:
        raise Unsupported(f"division with rounding_mode={rounding_mode!r} is not modelled")
    c = r.scalar(b, node)
    if c == 0:
        raise Unsupported("division by zero")
    return r.data(real, r.b.scale(a.node, 1 / c, r.path(node)))


def _neg(r, node, real, x):
    return r.data(real, r.b.scale(r.require(x, "the argument").node, -1, r.path(node)))


def _relu(r, node, real, x, inplace=False):
    return r.data(real, r.b.relu(r.require(x, "the argument").node, r.path(node)))


def _clamp(r, node, real, x, min=None, max=None):
    if max is not None or min is None or isinstance(min, (Data, Const)) or min != 0:
        raise Unsupported("only clamp(min=0), which is relu, is modelled")
    return _relu(r, node, real, x)


def softmax_rule(r, node, real, x, dim=None, dtype=None, _stacklevel=3):
    x = r.require(x, "the argument")
    if dim is None or dim % len(x.shape) != len(x.shape) - 1:
        raise Unsupported(f"softmax over dim={dim}; only the last dimension (each query's row) is modelled")
    return r.data(real, r.b.softmax(x.node, r.path(node)))


def _transpose(r, node, real, x, dim0=-2, dim1=-1):
    x = r.require(x, "the argument")
    rank = len(x.shape)
    dims = last_two((dim0, dim1), rank)
    if len(dims) == 1:
        return x
    if dims != {rank - 2, rank - 1}:
        raise Unsupported(f"transpose({dim0}, {dim1}) of a tensor of rank {rank}; only the last two "
                          "dimensions (tokens and features) may be swapped")
    return r.data(real, r.b.transpose(x.node, r.path(node)))


def _t(r, node, real, x):
    return _transpose(r, node, real, x)


def _permute(r, node, real, x, *dims):
    x = r.require(x, "the argument")
    dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    rank = len(x.shape)
    dims = tuple(d % rank for d in dims)
    keep = tuple(range(rank))
    if dims == keep:
        return x
    if dims == keep[:-2] + (rank - 1, rank - 2):
        return r.data(real, r.b.transpose(x.node, r.path(node)))
    raise Unsupported(f"permute{dims}; only swapping the last two dimensions is modelled")


def _getattr(r, node, real, x, name):
    if name in ("T", "mT"):
        return _transpose(r, node, real, x)
    if name in ("shape", "dtype", "device", "ndim"):
        return SHAPE_ONLY
    raise Unsupported(f"the attribute {name!r} of a token matrix")


def _getitem(r, node, real, x, index):
    if isinstance(x, tuple):  # the outputs of a module such as nn.MultiheadAttention
        item = x[index]
        if not isinstance(item, Data):
            return Unmodelled(f"output {index} of this module (the attention weights) is not modelled")
        return item
    if isinstance(x, Data) and index == 0 and len(x.shape) > 2 and x.shape[0] == 1:
        return r.data(real, x.node)  # dropping a batch of one
    raise Unsupported(f"indexing a token matrix with {index!r}; only dropping a batch of one (x[0]) is modelled")


def _same_matrix(r, node, real, x, *args, **kwargs):
    """view/reshape/squeeze/unsqueeze/flatten/casts: allowed when the token matrix is unchanged."""
    x = r.require(x, "the argument")
    if not isinstance(real, torch.Tensor) or not real.is_floating_point():
        raise Unsupported("only casts to floating point are modelled")
    if matrix_dims(real.shape, "the result") != matrix_dims(x.shape, "the argument"):
        raise Unsupported(f"reshaping {tuple(x.shape)} to {tuple(real.shape)} changes the token matrix")
    return r.data(real, x.node)


def _masked_fill(r, node, real, x, mask, value):
    x = r.require(x, "the filled tensor")
    if not isinstance(mask, Const):
        raise Unsupported("masked_fill with a mask computed from the input (only constant masks are modelled)")
    removed = torch.broadcast_to(mask.value.to(torch.bool), x.shape)
    while removed.dim() > 2:
        removed = removed[0]
    keep = tuple(tuple(not bool(v) for v in row) for row in removed)
    path = r.path(node)
    if isinstance(value, Data):
        raise Unsupported("masked_fill with a value computed from the input is not modelled")
    fill = value.value if isinstance(value, Const) else value
    if isinstance(fill, torch.Tensor):
        fill = fill.item()
    if fill == float("-inf"):
        return r.data(real, r.b.mask(x.node, keep, -sympy.oo, path))
    masked = r.b.mask(x.node, keep, 0, path)
    c = r.reader.number(fill, f"{r.root}.{node.name}")
    if c == 0:
        return r.data(real, masked)
    filler = sympy.ImmutableMatrix(len(keep), len(keep[0]), lambda i, j: 0 if keep[i][j] else c)
    return r.data(real, r.b.add(masked, r.b.weight(filler, path), path))


def layer_norm_node(r, node, x: Data, eps, weight=None, bias=None) -> int:
    path = r.path(node)
    if r.reader.drop_norms:
        r.reader.note(f"drop_norms: the layer norm at fx node {node.name} ({path or 'forward'}) is dropped, "
                      "so this is not the PyTorch function")
        return x.node
    eps = r.reader.number(eps, f"{r.root}.{node.name}.eps")
    if weight is None:
        return r.b.layernorm(x.node, eps, path)
    weight = _constant(weight, "the layer norm's weight")
    gamma = r.reader.matrix(weight.value, weight.name)
    beta = gamma * 0 if bias is None else r.reader.matrix(_constant(bias, "the layer norm's bias").value, bias.name)
    return r.b.layernorm(x.node, eps, path, r.b.weight(gamma, path), r.b.weight(beta, path))


def _layer_norm(r, node, real, x, normalized_shape, weight=None, bias=None, eps=1e-5):
    x = r.require(x, "the argument")
    if tuple(normalized_shape) != (x.shape[-1],):
        raise Unsupported(f"layer_norm over {tuple(normalized_shape)}; only the feature dimension is modelled")
    return r.data(real, layer_norm_node(r, node, x, eps, weight, bias))


def _cat(r, node, real, tensors, dim=0):
    rank = len(real.shape)
    axis = {rank - 1: 1, rank - 2: 0}.get(dim % rank)
    if axis is None:
        raise Unsupported(f"cat along dim={dim}; only tokens (-2) or features (-1) are modelled")
    parts = [r.operand(t, node) for t in tensors]
    return r.data(real, r.b.concat(parts, axis, r.path(node)))


def dropout_rule(r, node, real, x, p=0.5, training=True, inplace=False):
    if training and p > 0:
        raise Unsupported(f"dropout(p={p}) in training mode; call .eval() first")
    return r.require(x, "the argument")


FUNCTIONS: dict[Any, Callable[..., Any]] = {
    operator.matmul: _matmul, torch.matmul: _matmul,
    F.linear: _linear,
    operator.add: _add, torch.add: _add, operator.sub: _sub, torch.sub: _sub, torch.rsub: _rsub,
    operator.mul: _mul, torch.mul: _mul, operator.truediv: _div, torch.div: _div,
    operator.neg: _neg, torch.neg: _neg,
    F.relu: _relu, torch.relu: _relu, torch.clamp: _clamp,
    F.softmax: softmax_rule, torch.softmax: softmax_rule,
    torch.transpose: _transpose, torch.t: _t, torch.permute: _permute,
    builtins.getattr: _getattr, operator.getitem: _getitem,
    torch.masked_fill: _masked_fill, F.layer_norm: _layer_norm,
    torch.cat: _cat, torch.concat: _cat, torch.concatenate: _cat,
    F.dropout: dropout_rule,
}

METHODS: dict[str, Callable[..., Any]] = {
    "matmul": _matmul, "add": _add, "sub": _sub, "mul": _mul, "div": _div, "neg": _neg,
    "relu": _relu, "clamp": _clamp, "softmax": softmax_rule,
    "transpose": _transpose, "t": _t, "permute": _permute,
    "masked_fill": _masked_fill,
    "size": _shape_only, "dim": _shape_only,
    "contiguous": _same, "clone": _same,
    "view": _same_matrix, "reshape": _same_matrix, "squeeze": _same_matrix, "unsqueeze": _same_matrix,
    "flatten": _same_matrix, "float": _same_matrix, "double": _same_matrix, "to": _same_matrix,
    "type_as": _same_matrix,
}
