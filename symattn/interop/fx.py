"""torch.fx import: a ``forward`` built from supported ops becomes expression-graph nodes.

The module is traced symbolically (``torch.fx``), then the fx graph is run
once on an example input by an fx interpreter that does two things per node:
it computes the real PyTorch value (which gives every shape, and the value of
everything that does not depend on the input: masks built from constants,
weight transposes, shape queries), and, for nodes that depend on the input,
adds the matching symattn node through a
:class:`~symattn.graph.builder.GraphBuilder`.  Constants become exact
weights where they meet the data (:mod:`.convert`), so a constant
sub-computation is taken exactly as PyTorch computed it in its own dtype.
The result is a :class:`~symattn.interop.graph_model.GraphModel` for the
example's token count.

Tensors on the data path are token matrices: shape (n, p), or (1, n, p) for
a batch of one; the last two dimensions are the matrix.  Supported:

* ``@`` / ``matmul``, ``F.linear``, ``nn.Linear``;
* ``relu`` (``F.relu``, ``torch.relu``, ``.relu()``, ``nn.ReLU``,
  ``clamp(min=0)``), ``softmax`` over the last dimension (``nn.Softmax``);
* ``transpose``/``.t()``/``.T``/``.mT``/``permute`` swapping the last two
  dimensions; ``cat`` along either of them;
* ``+`` and ``-`` of token matrices, biases and constants; ``*`` and ``/``
  by a constant; unary ``-``;
* ``masked_fill`` with a constant mask (any constant fill, ``-inf``
  before softmax); ``layer_norm`` / ``nn.LayerNorm`` over the features;
* dropout in eval mode, ``nn.Identity``, ``contiguous``, ``clone``, dtype
  casts, reshapes that keep the matrix, shape queries;
* the layers :func:`~symattn.interop.torch_in.from_torch` knows, as
  sub-modules (``nn.MultiheadAttention`` with the same tensor for query,
  key and value is self-attention, otherwise cross-attention).

Anything else raises :class:`~symattn.errors.UnsupportedOperationError`
naming the fx node and its source line.

>>> import torch
>>> class Abs(torch.nn.Module):
...     def forward(self, x):
...         return torch.relu(x) + torch.relu(-x)
>>> from symattn.interop import from_torch
>>> model = from_torch(Abs(), n=2, features=1)
>>> model([[-3], ["1/2"]])
Matrix([
[  3],
[1/2]])
"""

from __future__ import annotations

import inspect
import operator
import re
from typing import Any, Callable

import sympy
import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from ..errors import ShapeError, SymattnError, UnsupportedOperationError
from ..graph.builder import GraphBuilder
from .fx_modules import MODULES
from .fx_ops import FUNCTIONS, METHODS
from .fx_values import SHAPE_ONLY, Const, Data, Unmodelled, Unsupported, matrix_dims
from .graph_model import GraphModel

__all__ = ["import_fx", "source_line"]


_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)\n\s+(.*)')


def source_line(node: torch.fx.Node) -> str:
    """``file:line `code``` of the user code that created ``node`` (not torch's own frames)."""
    for file, line, _, code in _FRAME.findall(node.stack_trace or ""):
        if "/torch/" not in file:
            return f"{file}:{line} `{code.strip()}`"
    return "unknown source line"


def _target_name(node: torch.fx.Node) -> str:
    t = node.target
    return t if isinstance(t, str) else getattr(t, "__name__", repr(t))


class _Replay(torch.fx.Interpreter):
    """Runs the fx graph in PyTorch and builds the symattn graph of the data path."""

    def __init__(self, gm: torch.fx.GraphModule, reader, root: str) -> None:
        super().__init__(gm)
        self.extra_traceback = False  # our errors name the node and source line themselves
        self.reader, self.root = reader, root
        self.b = GraphBuilder()
        self.sym: dict[torch.fx.Node, Any] = {}
        self.result: int | None = None

    # -- the walk ------------------------------------------------------------
    def run_node(self, node: torch.fx.Node) -> Any:
        try:
            real = super().run_node(node)
        except SymattnError:
            raise
        except Exception as e:  # noqa: BLE001 - re-raised with the node
            raise ShapeError(self.root, f"running the module on the example input failed at fx node "
                             f"{node.name!r} ({source_line(node)}): {type(e).__name__}: {e}; pass example= "
                             "with the input layout the module expects") from e
        try:
            self._symbolic(node, real)
        except Unsupported as e:
            raise UnsupportedOperationError(
                f"fx node {node.name!r} ({node.op} {_target_name(node)}) at {source_line(node)}: {e}") from None
        return real

    def _symbolic(self, node: torch.fx.Node, real: Any) -> None:
        if node.op == "placeholder":
            if not self.b.inputs:  # the first placeholder is the token matrix
                self.sym[node] = Data(self.b.input("x", matrix_dims(real.shape, "the input")), real.shape)
            return
        if node.op == "output":
            out = self._value(node.args[0])
            if isinstance(out, Unmodelled):
                raise Unsupported(out.reason)
            if not isinstance(out, Data):
                raise Unsupported("the output must be one tensor computed from the input")
            self.result = out.node
            return
        if not any(u in self.sym for u in node.all_input_nodes):
            return  # a constant: its real value is used where it meets the data
        args = torch.fx.node.map_aggregate(node.args, self._value)
        kwargs = torch.fx.node.map_aggregate(node.kwargs, self._value)
        unused = [a for a in (*args, *kwargs.values()) if isinstance(a, Unmodelled)]
        if unused:
            raise Unsupported(unused[0].reason)
        result = self._rule(node)(self, node, real, *args, **kwargs)
        if result is not SHAPE_ONLY:
            if isinstance(result, Data):
                matrix_dims(result.shape, "the result")
            self.sym[node] = result

    def _value(self, arg: Any) -> Any:
        if not isinstance(arg, torch.fx.Node):
            return arg
        if arg in self.sym:
            return self.sym[arg]
        value = self.env[arg]
        if isinstance(value, torch.Tensor):
            name = arg.target if arg.op == "get_attr" else arg.name
            return Const(value, f"{self.root}.{name}")
        return value

    def _rule(self, node: torch.fx.Node) -> Callable[..., Any]:
        if node.op == "call_function":
            rule = FUNCTIONS.get(node.target)
        elif node.op == "call_method":
            rule = METHODS.get(node.target)
        elif node.op == "call_module":
            rule = MODULES.get(type(self.module.get_submodule(node.target)))
        else:
            rule = None
        if rule is None:
            raise Unsupported("this operation has no exact counterpart in symattn (supported: matmul, linear, "
                              "relu, softmax, transpose, add/sub, mul/div by a constant, masked_fill, "
                              "layer_norm, cat, and the layers from_torch knows)")
        return rule

    def path(self, node: torch.fx.Node) -> str:
        if node.op == "call_module":
            return node.target
        stack = node.meta.get("nn_module_stack") or {}
        return next(reversed(stack), "") if stack else ""

    # -- operands --------------------------------------------------------------
    def operand(self, value: Any, node: torch.fx.Node, like: Data | None = None) -> int:
        """A graph node for a data value or a constant (converted exactly; scalars fill ``like``'s shape)."""
        if isinstance(value, Data):
            return value.node
        if isinstance(value, Const) and value.value.dim() >= 2:
            return self.b.weight(self.reader.matrix(value.value, value.name), self.path(node))
        if like is None:
            raise Unsupported(f"cannot use the constant {value!r} here")
        tensor = value.value if isinstance(value, Const) else torch.tensor(value, dtype=torch.float64)  # a Python float is a double
        full = torch.broadcast_to(tensor, like.shape)
        name = value.name if isinstance(value, Const) else f"{self.root}.{node.name}"
        return self.b.weight(self.reader.matrix(full, name), self.path(node))

    def scalar(self, value: Any, node: torch.fx.Node) -> sympy.Expr:
        """An exact scalar from a number or a constant tensor whose entries are all equal."""
        if isinstance(value, Data):
            raise Unsupported("an entrywise product of two token-dependent tensors is not modelled")
        if isinstance(value, Const):
            flat = value.value.reshape(-1)
            if flat.numel() == 0 or not bool((flat == flat[0]).all()):
                raise Unsupported("multiplying by a non-constant tensor entrywise is not modelled")
            return self.reader.number(flat[0], value.name)
        return self.reader.number(value, f"{self.root}.{node.name}")

    def data(self, real: torch.Tensor, graph_node: int) -> Data:
        """The data value of a new graph node; ``real`` is PyTorch's value there (for its shape)."""
        return Data(graph_node, real.shape)

    def require(self, value: Any, what: str) -> Data:
        if not isinstance(value, Data):
            raise Unsupported(f"{what} must be computed from the input")
        return value


def _trace(module: nn.Module, root: str) -> torch.fx.GraphModule:
    params = list(inspect.signature(module.forward).parameters.values())
    if not params:
        raise UnsupportedOperationError(f"{root}.forward takes no input")
    extra = params[1:]
    required = [p.name for p in extra if p.default is inspect.Parameter.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if required:
        raise UnsupportedOperationError(
            f"{root}.forward takes the inputs {[params[0].name] + required}; the fx import reads one "
            "token matrix (other arguments need defaults, which are used)")
    concrete = {p.name: p.default for p in extra if p.default is not inspect.Parameter.empty}
    tracer = torch.fx.Tracer()
    tracer.record_stack_traces = True
    try:
        graph = tracer.trace(module, concrete_args=concrete or None)
    except Exception as e:  # noqa: BLE001 - fx's own errors say what it cannot trace
        raise UnsupportedOperationError(f"{root}: torch.fx cannot trace forward: {type(e).__name__}: {e}") from e
    return torch.fx.GraphModule(tracer.root, graph)


def _input_width(gm: torch.fx.GraphModule) -> int | None:
    """The feature count read from the first layer that consumes the input, if any."""
    x = next(n for n in gm.graph.nodes if n.op == "placeholder")
    for user in x.users:
        if user.op == "call_module":
            mod = gm.get_submodule(user.target)
            for attr in ("in_features", "embed_dim"):
                if hasattr(mod, attr):
                    return int(getattr(mod, attr))
            if isinstance(mod, nn.LayerNorm):
                return int(mod.normalized_shape[-1])
            if isinstance(mod, (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)):
                return int(mod.self_attn.embed_dim)
        other = [a for a in user.args if isinstance(a, torch.fx.Node) and a.op == "get_attr"]
        if user.target in (F.linear,) and other:
            return int(gm.get_parameter(other[0].target).shape[-1])
        if user.target in (operator.matmul, torch.matmul, "matmul") and user.args[0] is x and other:
            return int(_attr(gm, other[0].target).shape[-2])
    return None


def _attr(gm: torch.fx.GraphModule, target: str) -> torch.Tensor:
    value = gm
    for part in target.split("."):
        value = getattr(value, part)
    return value


def _default_example(module: nn.Module, gm: torch.fx.GraphModule, reader, root: str) -> torch.Tensor:
    if reader.n is None:
        raise ValueError(f"{root} is read by torch.fx: pass n= (the number of tokens) or example=")
    p = reader.features or _input_width(gm)
    if p is None:
        raise ValueError(f"{root}: the input width is not read from its first layer; pass features= or example=")
    dtype = next((t.dtype for t in module.parameters() if t.is_floating_point()), torch.float32)
    return torch.zeros(1, reader.n, p, dtype=dtype)


def import_fx(module: nn.Module, reader, root: str, example: Any = None) -> GraphModel:
    """Trace ``module`` with torch.fx and build its expression graph (see the module docstring).

    ``example`` is an input tensor of shape (n, p) or (1, n, p); by default
    zeros of shape (1, n, p) in the module's dtype.
    """
    gm = _trace(module, root)
    if example is None:
        example = _default_example(module, gm, reader, root)
    replay = _Replay(gm, reader, root)
    with torch.no_grad():
        replay.run(example)
    if replay.result is None:
        raise UnsupportedOperationError(f"{root}: forward returns nothing computed from the input")
    reader.note("one sequence: PyTorch's batch of one, (1, n, p) or (n, p), is the n×p token matrix")
    graph = replay.b.finish(replay.result)
    graph.lint()
    return GraphModel(graph)
