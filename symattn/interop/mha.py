"""``nn.MultiheadAttention`` as a symattn :class:`~symattn.nn.MultiHeadAttention`.

PyTorch computes ``q = query @ W_q.T + b_q`` (likewise k, v), splits the E
columns into h heads of ``head_dim = E / h``, and for head i takes
``softmax(q_i k_iᵀ / √head_dim) v_i``; the heads are concatenated and
``out_proj`` applied.  So head i is ``Attention(Q=W_q[rows of i].T,
K=W_k[rows of i].T, V=W_v[rows of i].T, bq, bk, bv, scale=1/√head_dim)``
and the output map is ``W_O = out_proj.weight.T``, ``b_O = out_proj.bias``.
The scale stays an exact algebraic constant (``sqrt(2)/4`` for
``head_dim = 8``).

Three layouts, by how the module is called:

* ``"self"``: ``mha(x, x, x)``, one input X (n×E);
* ``"cross"``: ``mha(y, z, z)``, decoder tokens Y (m×E) attend to Z (n×kdim),
  as in ``TransformerDecoderLayer``;
* ``"split"``: ``mha(y, key, value)`` with different key and value tensors
  (always so when ``kdim != vdim``): the symattn model takes
  ``Z = [key | value]`` (n×(kdim+vdim)), with K padded by zero rows for the
  value columns and V by zero rows for the key columns, which is exact.
"""

from __future__ import annotations

from typing import Any

import sympy
import torch

from ..errors import UnsupportedOperationError
from ..nn import Attention, CrossAttention, MultiHeadAttention
from ..weights import Rationalize
from .convert import exact_tensor

__all__ = ["convert_mha"]


def _projections(mha: torch.nn.MultiheadAttention, path: str, rationalize: Rationalize):
    """W_q, W_k, W_v (as stored by PyTorch: out × in) and their biases (rows or None)."""
    E = mha.embed_dim
    if mha._qkv_same_embed_dim:
        W = exact_tensor(mha.in_proj_weight, f"{path}.in_proj_weight", rationalize)
        weights = (W[0:E, :], W[E:2 * E, :], W[2 * E:3 * E, :])
    else:
        weights = tuple(exact_tensor(getattr(mha, f"{c}_proj_weight"), f"{path}.{c}_proj_weight", rationalize)
                        for c in "qkv")
    if mha.in_proj_bias is None:
        return weights, (None, None, None)
    b = exact_tensor(mha.in_proj_bias, f"{path}.in_proj_bias", rationalize)
    return weights, (b[:, 0:E], b[:, E:2 * E], b[:, 2 * E:3 * E])


def _check_supported(mha: torch.nn.MultiheadAttention, path: str) -> None:
    if mha.bias_k is not None or mha.bias_v is not None:
        raise UnsupportedOperationError(
            f"{path}: add_bias_kv=True appends a learned key/value token; symattn does not model it")
    if mha.add_zero_attn:
        raise UnsupportedOperationError(
            f"{path}: add_zero_attn=True appends a zero key/value token; symattn does not model it")


def default_scale(mha: torch.nn.MultiheadAttention) -> sympy.Expr:
    """PyTorch's score scale 1/√head_dim, exactly."""
    return 1 / sympy.sqrt(mha.head_dim)


def convert_mha(mha: torch.nn.MultiheadAttention, path: str, *, layout: str = "self", activation: str = "softmax",
                scale: Any = None, mask: Any = None, rationalize: Rationalize = None) -> MultiHeadAttention:
    """The exact :class:`MultiHeadAttention` of ``mha`` (layouts in the module docstring).

    ``activation="relu"`` swaps softmax for ReLU: a *different* model (ReLU
    attention with the same weights), which is a spline.  ``scale`` replaces
    1/√head_dim (an irrational scale cannot be compiled; ReLU moves no wall
    under a positive scale, so ``scale=1`` changes only the output size).
    ``mask`` is a symattn mask (True = kept), see :mod:`.masks`.

    >>> mha = torch.nn.MultiheadAttention(4, 2, bias=False)
    >>> sa = convert_mha(mha, "mha")
    >>> len(sa.heads), sa.heads[0].Q.shape, sa.heads[0].scale, sa.W_O.shape
    (2, (4, 2), sqrt(2)/2, (4, 4))
    """
    _check_supported(mha, path)
    if layout not in ("self", "cross", "split"):
        raise ValueError(f"layout is 'self', 'cross' or 'split', not {layout!r}")
    if layout == "self" and not mha._qkv_same_embed_dim:
        raise UnsupportedOperationError(f"{path}: kdim/vdim differ from embed_dim, so this is not self-attention")
    if layout == "cross" and mha.kdim != mha.vdim:
        layout = "split"
    (Wq, Wk, Wv), (bq, bk, bv) = _projections(mha, path, rationalize)
    scale = default_scale(mha) if scale is None else scale  # checked (algebraic allowed) by Attention
    d = mha.head_dim
    heads = []
    for i in range(mha.num_heads):
        cols = slice(i * d, (i + 1) * d)
        Q, K, V = Wq[cols, :].T, Wk[cols, :].T, Wv[cols, :].T
        if layout == "split":
            K = sympy.Matrix.vstack(K, sympy.zeros(mha.vdim, d))
            V = sympy.Matrix.vstack(sympy.zeros(mha.kdim, d), V)
        head = Attention if layout == "self" else CrossAttention
        heads.append(head(Q, K, V, activation=activation, mask=mask, scale=scale,
                          bq=None if bq is None else bq[:, cols], bk=None if bk is None else bk[:, cols],
                          bv=None if bv is None else bv[:, cols], rationalize=rationalize))
    out = mha.out_proj
    W_O = exact_tensor(out.weight, f"{path}.out_proj.weight", rationalize).T
    b_O = None if out.bias is None else exact_tensor(out.bias, f"{path}.out_proj.bias", rationalize)
    return MultiHeadAttention(heads, W_O=W_O, b_O=b_O)
