"""torch.fx rules for the sub-modules :func:`~symattn.interop.from_torch` knows.

fx keeps ``torch.nn`` layers as calls; each rule reads the layer with the
importer's :class:`~symattn.interop.torch_in.Reader` (with the masks of this
call) and builds it into the graph.
"""

from __future__ import annotations

from typing import Any, Callable

from torch import nn

from .fx_ops import dropout_rule, layer_norm_node, softmax_rule
from .fx_values import Const, Data, Unsupported
from .masks import keep_mask

__all__ = ["MODULES"]


def _module(r, node) -> nn.Module:
    return r.module.get_submodule(node.target)


def _batch_first(mod: nn.Module) -> bool:
    if isinstance(mod, nn.TransformerEncoder):
        mod = mod.layers[0]
    return (mod if isinstance(mod, nn.MultiheadAttention) else mod.self_attn).batch_first


def _checked_layout(mod: nn.Module, x: Data) -> None:
    if len(x.shape) == 3 and not _batch_first(mod):
        raise Unsupported(f"{type(mod).__name__} with batch_first=False reads a 3-D tensor as "
                          "(tokens, batch, features); pass (1, n, p) to a batch_first module or an unbatched (n, p)")


def _read_and_build(r, node, real, x, *args, **kwargs):
    x = r.require(x, "the input")
    model = r.reader.read(_module(r, node), f"{r.root}.{node.target}")
    return r.data(real, model.build(r.b, (x.node,), r.path(node)))


def _softmax_module(r, node, real, x):
    return softmax_rule(r, node, real, x, dim=_module(r, node).dim)


def _dropout_module(r, node, real, x):
    mod = _module(r, node)
    return dropout_rule(r, node, real, x, p=mod.p, training=mod.training)


def _layer_norm_module(r, node, real, x):
    x = r.require(x, "the input")
    ln = _module(r, node)
    if tuple(ln.normalized_shape) != (x.shape[-1],):
        raise Unsupported(f"LayerNorm over {tuple(ln.normalized_shape)}; only the feature dimension is modelled")
    name = f"{r.root}.{node.target}"
    weight = None if ln.weight is None else Const(ln.weight, f"{name}.weight")
    bias = None if ln.bias is None else Const(ln.bias, f"{name}.bias")
    return r.data(real, layer_norm_node(r, node, x, ln.eps, weight, bias))


def _mask_arg(value: Any) -> Any:
    if isinstance(value, Data):
        raise Unsupported("an attention mask computed from the input is not modelled")
    return value.value if isinstance(value, Const) else value


def _multihead_attention(r, node, real, query, key, value, key_padding_mask=None, need_weights=True,
                         attn_mask=None, average_attn_weights=True, is_causal=False):
    mha = _module(r, node)
    q, k, v = (r.require(t, "query, key and value") for t in (query, key, value))
    for t in (q, k, v):
        _checked_layout(mha, t)
    layout = "self" if q.node == k.node == v.node and mha._qkv_same_embed_dim else (
        "cross" if k.node == v.node and mha.kdim == mha.vdim else "split")
    mask = keep_mask(_mask_arg(attn_mask), _mask_arg(key_padding_mask), f"{r.root}.{node.target}",
                     rows=q.shape[-2])
    model = r.reader.attention(mha, f"{r.root}.{node.target}", layout, mask)
    path = r.path(node)
    if layout == "self":
        out = model.build(r.b, (q.node,), path)
    else:
        z = k.node if layout == "cross" else r.b.concat([k.node, v.node], 1, path)
        out = model.build(r.b, (q.node, z), path)
    return (Data(out, real[0].shape), None)


def _encoder_stack(r, node, real, src, mask=None, src_key_padding_mask=None, is_causal=None):
    return _encoder_layer(r, node, real, src, mask, src_key_padding_mask)


def _encoder_layer(r, node, real, src, src_mask=None, src_key_padding_mask=None, is_causal=None):
    """``nn.TransformerEncoderLayer``, and ``nn.TransformerEncoder`` through :func:`_encoder_stack`."""
    layer = _module(r, node)
    x = r.require(src, "the input")
    _checked_layout(layer, x)
    reader = r.reader.derive(attn_mask=_mask_arg(src_mask), key_padding_mask=_mask_arg(src_key_padding_mask),
                             n=x.shape[-2])
    block = reader.read(layer, f"{r.root}.{node.target}")
    return r.data(real, block.build(r.b, (x.node,), r.path(node)))


def _decoder_layer(r, node, real, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                   memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
    layer = _module(r, node)
    y, z = r.require(tgt, "tgt"), r.require(memory, "memory")
    for t in (y, z):
        _checked_layout(layer, t)
    reader = r.reader.derive(attn_mask=_mask_arg(tgt_mask), key_padding_mask=_mask_arg(tgt_key_padding_mask),
                             memory_mask=_mask_arg(memory_mask),
                             memory_key_padding_mask=_mask_arg(memory_key_padding_mask), m=y.shape[-2])
    block = reader.read(layer, f"{r.root}.{node.target}")
    return r.data(real, block.build(r.b, (y.node, z.node), r.path(node)))


MODULES: dict[type, Callable[..., Any]] = {
    nn.Linear: _read_and_build, nn.ReLU: _read_and_build, nn.Identity: _read_and_build,
    nn.Dropout: _dropout_module, nn.Softmax: _softmax_module, nn.LayerNorm: _layer_norm_module,
    nn.MultiheadAttention: _multihead_attention,
    nn.TransformerEncoderLayer: _encoder_layer, nn.TransformerEncoder: _encoder_stack,
    nn.TransformerDecoderLayer: _decoder_layer,
}
