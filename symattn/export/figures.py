"""Matplotlib figures that show themselves in Jupyter and need no pyplot.

A :class:`Picture` is a plain ``matplotlib.figure.Figure`` on an Agg
canvas (so it works headless and leaves pyplot's global state alone) with a
``_repr_png_`` (so a notebook cell that returns it shows it, once).

>>> fig = new_figure(figsize=(2, 2))
>>> fig.add_subplot().plot([0, 1], [0, 1])[0].get_xdata().tolist()
[0, 1]
>>> fig._repr_png_()[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import io
from typing import Any

try:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError("symattn's pictures need matplotlib (pip install 'symattn[plot]')") from e

__all__ = ["Picture", "new_figure"]


class Picture(Figure):
    """A Figure that renders as PNG in Jupyter (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def new_figure(**kwargs: Any) -> Picture:
    """A new :class:`Picture` on an Agg canvas; ``kwargs`` go to ``Figure``."""
    fig = Picture(**kwargs)
    FigureCanvasAgg(fig)
    return fig
