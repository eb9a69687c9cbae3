"""``from_torch``: a PyTorch module as an exact symattn model.

Known layers map one to one onto symattn modules; anything else is traced
with torch.fx (:mod:`symattn.interop.fx`).

==================================  =============================================
PyTorch                             symattn
==================================  =============================================
``nn.Linear``                       :class:`~symattn.nn.Linear` (``W = weight.T``)
``nn.ReLU`` / ``nn.Identity``,      :class:`~symattn.nn.sequential.ReLU` /
``nn.Dropout`` (eval)               :class:`~symattn.nn.sequential.Identity`
``nn.Sequential``                   :class:`~symattn.nn.sequential.Sequential`
``nn.LayerNorm`` (last dim)         :class:`~symattn.nn.LayerNorm`
``nn.MultiheadAttention``           :class:`~symattn.nn.MultiHeadAttention` (see :mod:`.mha`)
``nn.TransformerEncoderLayer``      :class:`~symattn.nn.EncoderBlock` (relu FFN, both ``norm_first``)
``nn.TransformerDecoderLayer``      :class:`~symattn.nn.DecoderBlock`, called ``model(Y, Z)``
``nn.TransformerEncoder``           :class:`~symattn.nn.Encoder` (+ its final norm)
==================================  =============================================

Conventions:

* **Weights** become the exact binary rationals of the stored floats
  (float32 included); ``rationalize=`` applies the rules of
  :mod:`symattn.weights`.  NaN or inf raises
  :class:`~symattn.errors.WeightError` naming the parameter, such as
  ``TransformerEncoderLayer.self_attn.in_proj_weight[3, 0]``.
* **One sequence.**  A symattn model acts on one n×p token matrix.  A
  batched PyTorch module is read as its function on a batch of one: for
  ``batch_first=True`` the tensor (1, n, p), otherwise (n, 1, p), is the
  n×p matrix.  :func:`~symattn.interop.to_torch` goes back and accepts a
  batch dimension.
* **Eval semantics.**  Dropout is the identity; a module with active
  dropout (training mode, p > 0) is refused: call ``.eval()`` first.
* **Softmax stays softmax** (scale 1/√head_dim kept exact): a smooth model
  that every interpreter evaluates and ``symattn.compile`` refuses with
  :class:`~symattn.errors.NotASplineError`.  ``activation="relu"`` swaps in
  ReLU attention: a *different* model with the same weights, and a spline.
  ``scale=`` replaces 1/√head_dim (compile needs a rational scale).
* **Layer norms** become layer-norm nodes (evaluated, not compiled);
  ``drop_norms=True`` removes them for spline analysis and says so in the
  model's ``description``.
* **Masks** are given to ``from_torch`` in PyTorch's convention:
  ``attn_mask`` (MHA ``attn_mask``, encoder ``src_mask``, decoder
  ``tgt_mask``) and ``key_padding_mask`` for self-attention,
  ``memory_mask`` and ``memory_key_padding_mask`` for the decoder's cross
  attention.  A boolean mask's True means *not allowed*; a float mask holds
  0 and -inf; ``"causal"`` is the subsequent mask.  See :mod:`.masks`.

>>> import torch
>>> from fractions import Fraction
>>> lin = torch.nn.Linear(2, 1)
>>> with torch.no_grad():
...     _ = lin.weight.copy_(torch.tensor([[0.5, -1.0]])); _ = lin.bias.fill_(0.1)
>>> model = from_torch(torch.nn.Sequential(lin, torch.nn.ReLU()))
>>> model
<ImportedModel from nn.Sequential as Sequential; weights are the exact binary rationals of the stored float32 values>
>>> model([[4, 1]])          # σ(0.5·4 − 1 + 0.1), with 0.1 the float32 nearest 1/10
Matrix([[147639501/134217728]])
>>> Fraction(147639501, 134217728) == 1 + Fraction(torch.tensor(0.1).item())
True
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import torch
from torch import nn

from ..errors import UnsupportedOperationError
from ..nn import DecoderBlock, Encoder, EncoderBlock, FeedForward, LayerNorm, Linear
from ..nn.base import Module
from ..weights import Rationalize
from .convert import exact_number, exact_tensor
from .imported import ImportedModel
from .masks import keep_mask
from .mha import convert_mha
from ..nn.sequential import Identity, ReLU, Sequential

__all__ = ["from_torch", "Reader"]


def _dropout_p(module: nn.Module) -> float:
    if isinstance(module, nn.Dropout):
        return module.p
    if isinstance(module, nn.MultiheadAttention):
        return module.dropout
    return 0.0


def _check_eval(module: nn.Module, root: str) -> None:
    """Refuse active dropout: symattn reads the deterministic eval-mode function."""
    for name, sub in module.named_modules():
        p = _dropout_p(sub)
        if sub.training and p > 0:
            where = ".".join(filter(None, (root, name)))
            raise UnsupportedOperationError(
                f"{where}: dropout p={p} is active in training mode; call .eval() first "
                "(symattn reads the deterministic eval-mode function)")


class Reader:
    """Reads PyTorch modules into symattn modules with one set of options; collects notes.

    ``read(module, path)`` dispatches on the module's type (:attr:`KNOWN`);
    ``path`` names the module in error messages (``Sequential.0.weight``).
    """

    def __init__(self, *, n: int | None = None, m: int | None = None, features: int | None = None,
                 activation: str | None = None, scale: Any = None, drop_norms: bool = False,
                 rationalize: Rationalize = None, attn_mask: Any = None, key_padding_mask: Any = None,
                 memory_mask: Any = None, memory_key_padding_mask: Any = None) -> None:
        self.n, self.m, self.features = n, m, features
        self.activation, self.scale, self.drop_norms, self.rationalize = activation, scale, drop_norms, rationalize
        self.attn_mask, self.key_padding_mask = attn_mask, key_padding_mask
        self.memory_mask, self.memory_key_padding_mask = memory_mask, memory_key_padding_mask
        self.notes: list[str] = []

    # -- helpers -----------------------------------------------------------
    def derive(self, **changes: Any) -> "Reader":
        """The same reader with some options changed (masks of one call); notes are shared."""
        other = copy.copy(self)
        other.__dict__.update(changes)
        return other

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def matrix(self, tensor: torch.Tensor, path: str):
        return exact_tensor(tensor, path, self.rationalize)

    def number(self, value: Any, path: str):
        return exact_number(value, path, self.rationalize)

    def knows(self, module: nn.Module) -> bool:
        """Whether ``read`` maps the module (and all its parts) directly."""
        if isinstance(module, nn.Sequential):
            return all(self.knows(child) for child in module)
        return type(module) in self.KNOWN

    def read(self, module: nn.Module, path: str) -> Module:
        reader = self.KNOWN.get(type(module))
        if reader is None:
            raise UnsupportedOperationError(f"{path}: no direct reading of {type(module).__name__}")
        return reader(self, module, path)

    # -- one method per known module ---------------------------------------
    def linear(self, lin: nn.Linear, path: str) -> Linear:
        W = self.matrix(lin.weight, f"{path}.weight").T  # PyTorch computes x @ weight.T
        b = None if lin.bias is None else self.matrix(lin.bias, f"{path}.bias")
        return Linear(W, b)

    def relu(self, module: nn.Module, path: str) -> ReLU:
        return ReLU(features=self.features)

    def identity(self, module: nn.Module, path: str) -> Identity:
        if isinstance(module, nn.Dropout):
            self.note("eval semantics: dropout is the identity")
        return Identity(features=self.features)

    def sequential(self, seq: nn.Sequential, path: str) -> Sequential:
        children = list(seq.named_children())
        return Sequential([self.read(child, f"{path}.{name}") for name, child in children],
                          names=[name for name, _ in children])

    def layer_norm(self, ln: nn.LayerNorm, path: str) -> LayerNorm | None:
        if len(ln.normalized_shape) != 1:
            raise UnsupportedOperationError(
                f"{path}: normalized_shape {tuple(ln.normalized_shape)}; only the feature dimension is modelled")
        if self.drop_norms:
            return None
        gamma = None if ln.weight is None else self.matrix(ln.weight, f"{path}.weight")
        beta = None if ln.bias is None else self.matrix(ln.bias, f"{path}.bias")
        if gamma is not None and beta is None:  # LayerNorm(bias=False)
            beta = gamma * 0
        return LayerNorm(self.number(ln.eps, f"{path}.eps"), gamma, beta)

    def standalone_layer_norm(self, ln: nn.LayerNorm, path: str) -> Module:
        norm = self.layer_norm(ln, path)
        if norm is None:
            self.note(f"drop_norms: the layer norm {path} is dropped, so this is not the PyTorch function")
            return Identity(features=self.features or ln.normalized_shape[0])
        return norm

    def attention(self, mha: nn.MultiheadAttention, path: str, layout: str, mask: Any) -> Module:
        activation = self.activation or "softmax"
        self.note("one sequence: PyTorch's batch of one, (1, n, E) with batch_first or (n, 1, E) without, "
                  "is the n×E token matrix")
        if activation == "softmax":
            self.note("softmax attention with the exact scale 1/√head_dim: a smooth model, not a spline "
                      "(compile refuses it; pass activation='relu' for ReLU attention)")
        else:
            self.note(f"activation={activation!r}: {activation} attention in place of PyTorch's softmax, "
                      "a different model with the same weights")
        return convert_mha(mha, path, layout=layout, activation=activation, scale=self.scale, mask=mask,
                           rationalize=self.rationalize)

    def multihead_attention(self, mha: nn.MultiheadAttention, path: str) -> Module:
        layout = "self" if mha._qkv_same_embed_dim else "split"
        if layout == "split":
            self.note("kdim/vdim differ from embed_dim: called as model(query, [key | value])")
        rows = self.n if layout == "self" else self.m
        return self.attention(mha, path, layout, keep_mask(self.attn_mask, self.key_padding_mask, path, rows))

    def feedforward(self, layer: nn.Module, path: str) -> FeedForward:
        act = layer.activation
        if not (act is torch.nn.functional.relu or isinstance(act, nn.ReLU)):
            name = getattr(act, "__name__", type(act).__name__)
            raise UnsupportedOperationError(
                f"{path}.activation: {name} has no exact counterpart; only relu feed-forward layers are read")
        first, second = self.linear(layer.linear1, f"{path}.linear1"), self.linear(layer.linear2, f"{path}.linear2")
        return FeedForward(first.W, first.b, second.W, second.b)

    def _norms(self, layer: nn.Module, path: str, names: tuple[str, ...]):
        norms = tuple(self.layer_norm(getattr(layer, k), f"{path}.{k}") for k in names)
        if self.drop_norms:
            self.note(f"drop_norms: the layer norms {', '.join(f'{path}.{k}' for k in names)} are dropped, "
                      "so this is not the PyTorch function but the spline part of it")
            return None
        return norms

    def encoder_layer(self, layer: nn.TransformerEncoderLayer, path: str) -> EncoderBlock:
        attn = self.attention(layer.self_attn, f"{path}.self_attn", "self",
                              keep_mask(self.attn_mask, self.key_padding_mask, path, self.n))
        return EncoderBlock(attn, self.feedforward(layer, path), norm=self._norms(layer, path, ("norm1", "norm2")),
                            norm_first=layer.norm_first)

    def decoder_layer(self, layer: nn.TransformerDecoderLayer, path: str) -> DecoderBlock:
        self_attn = self.attention(layer.self_attn, f"{path}.self_attn", "self",
                                   keep_mask(self.attn_mask, self.key_padding_mask, path, self.m))
        cross = self.attention(layer.multihead_attn, f"{path}.multihead_attn", "cross",
                               keep_mask(self.memory_mask, self.memory_key_padding_mask, path, self.m))
        return DecoderBlock(self_attn, cross, self.feedforward(layer, path),
                            norm=self._norms(layer, path, ("norm1", "norm2", "norm3")), norm_first=layer.norm_first)

    def encoder(self, enc: nn.TransformerEncoder, path: str) -> Module:
        blocks = Encoder([self.read(layer, f"{path}.layers.{i}") for i, layer in enumerate(enc.layers)])
        if enc.norm is None:
            return blocks
        final = self.standalone_layer_norm(enc.norm, f"{path}.norm")
        return Sequential([blocks, final])

    KNOWN: dict[type, Callable[["Reader", Any, str], Module]] = {
        nn.Linear: linear,
        nn.ReLU: relu,
        nn.Identity: identity,
        nn.Dropout: identity,
        nn.Sequential: sequential,
        nn.LayerNorm: standalone_layer_norm,
        nn.MultiheadAttention: multihead_attention,
        nn.TransformerEncoderLayer: encoder_layer,
        nn.TransformerDecoderLayer: decoder_layer,
        nn.TransformerEncoder: encoder,
    }


def from_torch(module: nn.Module, n: int | None = None, m: int | None = None, *, features: int | None = None,
               example: Any = None, activation: str | None = None, scale: Any = None, drop_norms: bool = False,
               rationalize: Rationalize = None, attn_mask: Any = None, key_padding_mask: Any = None,
               memory_mask: Any = None, memory_key_padding_mask: Any = None) -> ImportedModel:
    """The exact symattn model of ``module`` (conventions in the module docstring).

    ``n`` / ``m`` are the numbers of encoder / decoder tokens: needed for
    modules traced by torch.fx (or pass ``example=``, an input tensor whose
    shape, (n, p) or (1, n, p), fixes the layout) and for a key padding mask
    alone.  ``features`` is the input width when nothing else fixes it
    (a bare ``nn.ReLU``, or an fx-traced module whose input width is not
    read from its first layer).

    The result is an :class:`ImportedModel`: callable on exact inputs,
    traceable, compilable when it is a spline; ``.model`` is the symattn
    module and ``.description`` says how it relates to ``module``.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"from_torch expects a torch.nn.Module, got {type(module).__name__}")
    root = type(module).__name__
    _check_eval(module, root)
    reader = Reader(n=n, m=m, features=features, activation=activation, scale=scale, drop_norms=drop_norms,
                    rationalize=rationalize, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                    memory_mask=memory_mask, memory_key_padding_mask=memory_key_padding_mask)
    if rationalize is None:
        dtypes = sorted({str(p.dtype).removeprefix("torch.") for p in module.parameters()}) or ["float"]
        reader.note(f"weights are the exact binary rationals of the stored {'/'.join(dtypes)} values")
    else:
        reader.note(f"weights rationalized with rationalize={rationalize!r}")
    if reader.knows(module):
        model = reader.read(module, root)
        source = f"nn.{root}" if type(module).__module__.startswith("torch.nn") else root
    else:
        from .fx import import_fx

        model = import_fx(module, reader, root, example=example)
        source = f"{root} (traced by torch.fx)"
    return ImportedModel(model, source=source, notes=tuple(reader.notes))
