"""``to_torch``: any symattn model as a float64 ``torch.nn.Module``.

The exported module walks the model's expression graph with
:class:`TorchInterpreter`, a rule table whose values are torch tensors, so
everything that traces (module trees, :class:`~symattn.interop.GraphModel`,
imported models, constructed encoders) exports the same way.  Exact weights
become the nearest float64; an algebraic scale such as ``sqrt(2)/4`` is
evaluated once.

Inputs are (n, p) token matrices or batches (B, n, p); every op broadcasts
over the batch.  A module model is traced for each token count it meets; an
:class:`~symattn.graph.ExpressionGraph` has fixed token counts.  The weights
are constants on the CPU (no trainable parameters).

>>> import torch
>>> from symattn.nn import Attention
>>> net = to_torch(Attention([[1]], [[1]], [[1]]))
>>> net(torch.tensor([[1.0], [-2.0]]))                    # row i: Σ_j σ(x_i x_j) x_j
tensor([[ 1.],
        [-8.]], dtype=torch.float64)
>>> net(torch.tensor([[[1.0], [-2.0]], [[0.5], [1.0]]])).shape   # a batch of two
torch.Size([2, 2, 1])
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy
import torch
import torch.nn.functional as F

from ..graph import nodes as N
from ..graph.graph import ExpressionGraph
from ..interpret.base import Interpreter
from ..nn.base import Module

__all__ = ["to_torch", "TorchInterpreter", "SymattnTorchModule"]

DTYPE = torch.float64


def _float(value: sympy.Expr, params: Mapping, where: str) -> float:
    value = sympy.sympify(sympy.sympify(value).xreplace(params))
    if not value.is_number:
        raise ValueError(f"{where}: {value} has the parameters {sorted(map(str, value.free_symbols))}; pass params=")
    return float(value)


def prepare(graph: ExpressionGraph, params: Mapping | None = None) -> dict[int, Any]:
    """Per node, the float64 constants its rule needs: weights, scales, masks, betas, eps."""
    params = {sympy.sympify(k): sympy.sympify(v) for k, v in (params or {}).items()}
    out: dict[int, Any] = {}
    for v in graph.order:
        a = graph.attrs(v)
        where = f"node {v} ({a[N.OP]}) at {a[N.PATH] or '<model>'}"
        op = a[N.OP]
        if op == N.WEIGHT:
            m = a[N.VALUE]
            out[v] = torch.tensor([[_float(m[i, j], params, where) for j in range(m.cols)] for i in range(m.rows)],
                                  dtype=DTYPE).reshape(m.rows, m.cols)
        elif op == N.SCALE:
            out[v] = _float(a[N.FACTOR], params, where)
        elif op == N.SOFTPLUS:
            out[v] = _float(a[N.BETA], params, where)
        elif op == N.LAYERNORM:
            out[v] = _float(a[N.EPS], params, where)
        elif op == N.MASK_OP:
            fill = -float("inf") if a[N.FILL] == -sympy.oo else _float(a[N.FILL], params, where)
            out[v] = (torch.tensor(a[N.MASK], dtype=torch.bool), fill)
    return out


def _broadcast(parts):
    batch = torch.broadcast_shapes(*(p.shape[:-2] for p in parts))
    return [p.expand(*batch, *p.shape[-2:]) for p in parts]


class TorchInterpreter(Interpreter):
    """The graph's semantics over float64 torch tensors (leading batch dimensions broadcast).

    ``constants`` comes from :func:`prepare`.
    """

    def __init__(self, constants: Mapping[int, Any]) -> None:
        self.constants = constants

    def load_input(self, attrs, value):
        t = torch.as_tensor(value, dtype=DTYPE)
        if t.dim() < 2 or tuple(t.shape[-2:]) != tuple(attrs[N.SHAPE]):
            rows, cols = attrs[N.SHAPE]
            raise ValueError(f"input {attrs[N.NAME]} has shape {tuple(t.shape)}, expected ({rows}, {cols}) "
                             f"or (batch, {rows}, {cols})")
        return t

    def rule_weight(self, a):
        return self.constants[self.node]

    def rule_matmul(self, a, x, y):
        return x @ y

    def rule_add(self, a, x, y):
        return x + y

    def rule_transpose(self, a, x):
        return x.transpose(-2, -1)

    def rule_scale(self, a, x):
        return self.constants[self.node] * x

    def rule_mask(self, a, x):
        keep, fill = self.constants[self.node]
        return torch.where(keep, x, torch.full_like(x, fill))

    def rule_relu(self, a, x):
        return torch.relu(x)

    def rule_softmax(self, a, x):
        return torch.softmax(x, dim=-1)

    def rule_softplus(self, a, x):
        beta = self.constants[self.node]
        return torch.logaddexp(torch.zeros_like(x), beta * x) / beta

    def rule_concat(self, a, *parts):
        return torch.cat(_broadcast(parts), dim=-1 if a[N.AXIS] == 1 else -2)

    def rule_layernorm(self, a, x, gamma=None, beta=None):
        out = F.layer_norm(x, (x.shape[-1],), eps=self.constants[self.node])
        return out if gamma is None else out * gamma + beta


class SymattnTorchModule(torch.nn.Module):
    """A symattn model (or expression graph) as a float64 ``nn.Module``; see :func:`to_torch`."""

    def __init__(self, model: Module | ExpressionGraph, params: Mapping | None = None) -> None:
        super().__init__()
        self.symattn_model = model
        self.params = dict(params or {})
        self._prepared: dict[tuple, tuple[ExpressionGraph, dict]] = {}
        names = tuple(model.inputs) if isinstance(model, ExpressionGraph) else tuple(model.input_names)
        self.input_names = names

    def graph_for(self, rows: Mapping[str, int]) -> tuple[ExpressionGraph, dict]:
        key = tuple(sorted(rows.items()))
        if key not in self._prepared:
            model = self.symattn_model
            if isinstance(model, ExpressionGraph):
                graph = model
                for name, r in rows.items():
                    if graph.input_shape(name)[0] != r:
                        raise ValueError(f"this graph takes {graph.input_shape(name)[0]} tokens of {name}, not {r}")
            else:
                graph = model.trace(n=rows.get("x", rows.get("z")), m=rows.get("y"))
            self._prepared[key] = (graph, prepare(graph, self.params))
        return self._prepared[key]

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        if len(inputs) != len(self.input_names):
            raise TypeError(f"the model takes {len(self.input_names)} input(s) "
                            f"({', '.join(n.upper() for n in self.input_names)}), got {len(inputs)}")
        tensors = {name: torch.as_tensor(x, dtype=DTYPE) for name, x in zip(self.input_names, inputs)}
        graph, constants = self.graph_for({name: int(t.shape[-2]) for name, t in tensors.items()})
        return TorchInterpreter(constants).run(graph, tensors)

    def extra_repr(self) -> str:
        model = self.symattn_model
        what = repr(model) if isinstance(model, ExpressionGraph) else type(model).__name__
        return f"{what}, inputs ({', '.join(self.input_names)}), float64"


def to_torch(model: Any, *, params: Mapping | None = None) -> SymattnTorchModule:
    """A float64 ``torch.nn.Module`` computing ``model``'s forward pass.

    ``model`` is any symattn module, an :class:`ExpressionGraph`, or an
    object with a ``model`` attribute holding one, such as a
    :class:`~symattn.realize.Realization` (embed → encoder → readout, one
    token of the target's variables).  ``params`` gives values to symbolic parameters.  The
    module is called like the model: ``net(X)``, ``net(Y, Z)``, ``net(X, Y)``.
    """
    if not isinstance(model, (Module, ExpressionGraph)) and isinstance(getattr(model, "model", None),
                                                                      (Module, ExpressionGraph)):
        model = model.model
    if not isinstance(model, (Module, ExpressionGraph)):
        raise TypeError(f"to_torch expects a symattn module or expression graph, got {type(model).__name__}")
    return SymattnTorchModule(model, params=params)
