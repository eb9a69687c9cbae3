"""PyTorch attention masks to symattn masks.

PyTorch and symattn read a boolean mask in opposite ways:

* PyTorch's boolean ``attn_mask`` / ``key_padding_mask``: True means the
  position is **not** allowed to attend;
* symattn's ``mask``: True means the entry is **kept**.

A float mask is *added* to the scores in PyTorch; one whose entries are all
0 or −inf is a mask (−inf removed), anything else is a bias on the scores,
which symattn does not model.

>>> import torch
>>> keep_mask(torch.tensor([[False, True], [False, False]]), None, "mha")
((True, False), (True, True))
>>> keep_mask("causal", None, "mha")
'causal'
>>> keep_mask(None, torch.tensor([[False, True]]), "mha", rows=2)
((True, False), (True, False))
"""

from __future__ import annotations

from typing import Any

import torch

from ..errors import ShapeError, UnsupportedOperationError
from ..nn import causal_mask

__all__ = ["keep_mask", "removed_entries"]


def removed_entries(mask: torch.Tensor, path: str) -> torch.Tensor:
    """A boolean tensor, True where PyTorch's mask removes the entry."""
    mask = mask.detach().cpu()
    if mask.dtype == torch.bool:
        return mask
    if not mask.is_floating_point():
        raise UnsupportedOperationError(f"{path}: a mask is boolean or float (0 / -inf), not {mask.dtype}")
    removed = torch.isneginf(mask)
    if bool(((mask != 0) & ~removed).any()):
        raise UnsupportedOperationError(
            f"{path}: this float mask has finite nonzero entries, so it is an additive bias on the "
            "scores rather than a mask; only 0 (kept) and -inf (removed) are modelled")
    return removed


def _squeeze_batch(mask: torch.Tensor, dims: int, path: str, what: str) -> torch.Tensor:
    while mask.dim() > dims and mask.shape[0] == 1:
        mask = mask[0]
    if mask.dim() != dims:
        raise ShapeError(path, f"{what} of shape {tuple(mask.shape)}: symattn models one sequence "
                         f"(a batch of 1, one mask for every head)")
    return mask


def keep_mask(attn_mask: Any, key_padding_mask: Any, path: str, rows: int | None = None):
    """The symattn mask (True = kept) for PyTorch's ``attn_mask`` and ``key_padding_mask``.

    ``attn_mask`` is None, ``"causal"`` or a tensor of shape (L, S);
    ``key_padding_mask`` is None or a tensor of shape (S,) or (1, S).  With
    only a key padding mask, ``rows`` (the number of queries L) is needed.
    """
    if attn_mask is None and key_padding_mask is None:
        return None
    if isinstance(attn_mask, str):
        if attn_mask != "causal":
            raise ValueError(f"{path}: attn_mask is None, 'causal' or a tensor, not {attn_mask!r}")
        if key_padding_mask is None:
            return "causal"
        cols = _squeeze_batch(key_padding_mask, 1, path, "key_padding_mask").shape[0]
        removed = ~torch.tensor(causal_mask(rows if rows is not None else cols, cols))
    elif attn_mask is not None:
        removed = _squeeze_batch(removed_entries(attn_mask, path), 2, path, "attn_mask")
    else:
        if rows is None:
            raise ValueError(f"{path}: a key padding mask alone needs the number of query tokens (n= or m=)")
        cols = _squeeze_batch(key_padding_mask, 1, path, "key_padding_mask").shape[0]
        removed = torch.zeros(rows, cols, dtype=torch.bool)
    if key_padding_mask is not None:
        padding = _squeeze_batch(removed_entries(key_padding_mask, path), 1, path, "key_padding_mask")
        if padding.shape[0] != removed.shape[1]:
            raise ShapeError(path, f"key_padding_mask has {padding.shape[0]} keys, attn_mask {removed.shape[1]}")
        removed = removed | padding[None, :]
    return tuple(tuple(not bool(v) for v in row) for row in removed)
