"""Showing results to people: LaTeX, Jupyter, pictures, model files.

* :mod:`.formats_graph`, :mod:`.formats_nn`, :mod:`.formats_spline`,
  :mod:`.formats_realize`, :mod:`.formats_proofs`: how each result type prints, registered for the
  :class:`~symattn.printable.Printable` protocol when this package is imported;
* :mod:`.latex`, :mod:`.document`: formulas and standalone documents;
* :mod:`.model_file`, :mod:`.spline_file`: the JSON model and spline files;
* :mod:`.plot`, :mod:`.draw`: region maps, line plots, graph drawings.

The formatters are imported here, so ``import symattn`` registers them; the
heavier parts (documents, files, pictures) are imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..printable import Printable
from . import formats_graph, formats_nn, formats_proofs, formats_realize, formats_spline  # noqa: F401  (registers the formatters)

__all__ = [
    "Printable", "to_latex", "latex_options", "export_latex", "latex_document",
    "ModelFileError", "model_to_dict", "model_from_dict", "save_model", "load_model", "read_model",
    "spline_to_json", "spline_from_json", "save_spline", "load_spline",
    "plot_spline", "draw_graph",
]

_LAZY = {
    "to_latex": ".latex", "latex_options": ".latex",
    "export_latex": ".document", "latex_document": ".document",
    "ModelFileError": ".reader",
    "model_to_dict": ".model_file", "model_from_dict": ".model_file",
    "save_model": ".model_file", "load_model": ".model_file", "read_model": ".model_file",
    "spline_to_json": ".spline_file", "spline_from_json": ".spline_file",
    "save_spline": ".spline_file", "load_spline": ".spline_file",
    "plot_spline": ".plot", "draw_graph": ".draw",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)
