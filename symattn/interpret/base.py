"""The graph walker shared by every interpreter.

An interpreter is a rule table: a method ``rule_<op>(self, attrs, *args)``
per op (see :mod:`symattn.graph.nodes`), where ``attrs`` is the node's
attribute dict and ``args`` the values of its inputs.  :meth:`Interpreter.run`
walks the graph in topological order; an exception inside a rule is
re-raised as :class:`~symattn.errors.EvaluationError` naming the node, its
op and its module path.  A new semantics is a new rule table, not a new
traversal (compare torch.fx's ``Interpreter.run_node``).
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Mapping

from ..errors import EvaluationError, SymattnError
from ..graph import nodes as N
from ..graph.graph import ExpressionGraph

__all__ = ["Interpreter"]


class Interpreter:
    """Evaluate an :class:`ExpressionGraph` with one rule per op."""

    rules: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        table = dict(getattr(cls, "rules", {}))
        for name in dir(cls):
            if name.startswith("rule_"):
                table[name[len("rule_"):]] = getattr(cls, name)
        cls.rules = table

    def missing_rule(self, graph: ExpressionGraph, node: int) -> Any:
        """Called for an op without a rule; subclasses raise their own error."""
        a = graph.attrs(node)
        raise EvaluationError(node, a[N.OP], a[N.PATH], NotImplementedError(f"{type(self).__name__} has no rule"))

    def load_input(self, attrs: dict, value: Any) -> Any:
        return value

    def eval_node(self, graph: ExpressionGraph, node: int, env: Mapping[int, Any], inputs: Mapping[str, Any]) -> Any:
        a = graph.attrs(node)
        op = a[N.OP]
        rule = self.rules.get(op)
        self.node = node  # rules that raise their own errors name it
        if rule is None:
            return self.missing_rule(graph, node)
        try:
            if op == N.INPUT:
                return self.load_input(a, inputs[a[N.NAME]])
            return rule(self, a, *(env[u] for u in a[N.INPUTS]))
        except SymattnError:
            raise
        except Exception as e:  # noqa: BLE001 - re-raised with its location
            raise EvaluationError(node, op, a[N.PATH], e) from e

    def run(self, graph: ExpressionGraph, inputs: Mapping[str, Any] | None = None) -> Any:
        """Evaluate every node in topological order and return the output's value."""
        inputs = dict(inputs or {})
        missing = set(graph.inputs) - set(inputs)
        if missing:
            inputs.update(self.default_inputs(graph, missing))
        env: dict[int, Any] = {}
        for v in graph.order:
            env[v] = self.eval_node(graph, v, env, inputs)
        return self.finish(env[graph.output])

    def default_inputs(self, graph: ExpressionGraph, names) -> dict[str, Any]:
        raise TypeError(f"{type(self).__name__} needs values for the inputs {sorted(names)}")

    def finish(self, value: Any) -> Any:
        return value

    def rule_input(self, attrs, *args):  # handled by load_input; present for the table
        raise AssertionError("unreachable")
