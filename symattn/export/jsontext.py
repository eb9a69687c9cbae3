"""JSON text that people can read: objects indented, a vector (or a short mapping of numbers) on
one line, a matrix one row per line.

>>> print(dumps({"type": "Linear", "W": [[1, "1/2"], [0, -1]], "b": [0, 1], "at": {"x": "1/2"}}))
{
 "type": "Linear",
 "W": [
  [1, "1/2"],
  [0, -1]
 ],
 "b": [0, 1],
 "at": {"x": "1/2"}
}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["dumps"]


#: a mapping of scalars this short (as JSON) stays on one line
SHORT = 100


def _flat(value: Any) -> bool:
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) for v in value.values()) and len(json.dumps(value)) <= SHORT
    return True


def dumps(value: Any, indent: int = 1, _level: int = 0) -> str:
    """``value`` as JSON; lists of scalars stay on one line."""
    if _flat(value):
        return json.dumps(value, ensure_ascii=False)
    pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent, _level + 1)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + dumps(v, indent, _level + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def write_document(doc: Any, path: str | Path | None = None) -> str:
    """The JSON text of ``doc`` (one trailing newline); also written to ``path`` when given."""
    text = dumps(doc) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
