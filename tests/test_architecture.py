"""Imports run one way: every file imports only its own layer or the ones below.

The imports are read with ``ast`` (inside functions too), so a lazy import
counts like any other.  The only exceptions are the one-line convenience
delegations named in ``DELEGATIONS`` (``spline.plot()`` and friends), which
import their implementation from a higher layer when called.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symattn"

#: bottom to top; a file may import its own layer and the ones below
LAYERS = (
    ("foundation", {"errors", "rationals", "weights", "printable", "latex_names"}),
    ("semialg", {"semialg"}),
    ("graph", {"graph"}),
    ("nn", {"nn"}),
    ("interpret", {"interpret"}),
    ("spline", {"spline"}),
    ("compiler", {"compiler"}),
    ("checks", {"checks"}),
    ("procedures", {"proofs", "realize", "smoothing"}),
    ("export", {"export"}),
    ("front", {"interop", "testing", "cli", "models", "paper", "__init__", "__main__"}),
)
CORE = {"semialg", "graph", "nn", "interpret", "compiler"}
ABOVE_CORE = {"export", "realize", "proofs", "interop", "testing", "cli"}

#: (file module, enclosing function) -> the module it may import lazily
DELEGATIONS = {
    ("symattn.graph.graph", "ExpressionGraph.draw"): "symattn.export.draw",
    ("symattn.nn.base", "Module.evaluate"): "symattn.interpret",
    ("symattn.nn.base", "Module.symbolic"): "symattn.interpret",
    ("symattn.spline", "Spline.restrict"): "symattn.compiler.restrict",
    ("symattn.spline", "Spline.simplify"): "symattn.compiler.simplify",
    ("symattn.spline", "Spline.to_json"): "symattn.export.spline_file",
    ("symattn.spline", "Spline.from_json"): "symattn.export.spline_file",
    ("symattn.spline", "Spline.plot"): "symattn.export.plot",
    ("symattn.spline", "Spline._repr_html_"): "symattn.export.html",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for rank, (_, names) in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _targets(module: str, is_package: bool, node: ast.AST) -> list[str]:
    """The symattn modules an import statement loads (a package means its ``__init__``)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = module.split(".") if is_package else module.split(".")[:-1]
        if node.level:
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix for a in node.names]
    out = []
    for name in names:
        if name.split(".")[0] != "symattn":
            continue
        while name not in MODULES and "." in name:
            name = name.rsplit(".", 1)[0]
        out.append(name)
    return out


def imports() -> list[tuple[str, str, str | None, int]]:
    """``(importer, imported, enclosing function qualname, line)`` for every import in the package."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"

        def visit(node: ast.AST, scope: tuple[str, ...]) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    where = ".".join(scope) or None
                    for target in _targets(module, is_package, child):
                        if target != module:
                            found.append((module, target, where, child.lineno))
                inner = scope + (child.name,) if isinstance(
                    child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else scope
                visit(child, inner)

        visit(tree, ())
    return found


IMPORTS = imports()


def is_delegation(importer: str, target: str, where: str | None) -> bool:
    return DELEGATIONS.get((importer, where)) == target


def test_the_reader_sees_imports_inside_functions():
    lazy = [(a, b, w) for a, b, w, _ in IMPORTS if w is not None]
    assert ("symattn.spline", "symattn.export.plot", "Spline.plot") in lazy
    assert all(w.count(".") <= 3 for _, _, w in lazy)


def test_no_import_cycle_between_files():
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    graph.add_edges_from((a, b) for a, b, w, _ in IMPORTS if not is_delegation(a, b, w))
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("importer", sorted(MODULES))
def test_imports_go_down_the_layers(importer):
    own = layer_of(importer)
    upward = [f"line {line}: {target} ({LAYERS[layer_of(target)][0]})"
              for a, target, where, line in IMPORTS
              if a == importer and layer_of(target) > own and not is_delegation(a, target, where)]
    assert not upward, f"{importer} ({LAYERS[own][0]}) imports upward: {upward}"


def test_the_core_never_imports_the_layers_above_it():
    bad = [(a, b, line) for a, b, where, line in IMPORTS
           if a.split(".")[1:2] and a.split(".")[1] in CORE and b.split(".")[1:2]
           and b.split(".")[1] in ABOVE_CORE and not is_delegation(a, b, where)]
    assert not bad


def test_every_delegation_is_still_there_and_one_line():
    """An exemption that names nothing, or that grew logic, is a hole in the rule."""
    for (module, qualname), target in DELEGATIONS.items():
        assert (module, target, qualname) in {(a, b, w) for a, b, w, _ in IMPORTS}, (module, qualname)
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        cls, name = qualname.split(".")
        method = next(f for c in tree.body if isinstance(c, ast.ClassDef) and c.name == cls
                      for f in c.body if isinstance(f, ast.FunctionDef) and f.name == name)
        body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        assert len(body) == 2 and isinstance(body[0], (ast.Import, ast.ImportFrom)) \
            and isinstance(body[1], ast.Return), f"{qualname} should import and return, nothing more"


def test_the_printing_protocol_imports_nothing_of_symattn():
    assert not [b for a, b, _, _ in IMPORTS if a == "symattn.printable"]
