"""The guide "Attention is a smoothed cubic spline" runs top to bottom; its last cell asserts the results.

The runner is the notebook suite's own (tests/notebooks), which also checks that every notebook is
committed without outputs.
"""

from __future__ import annotations

from pathlib import Path

from notebooks import test_notebooks as runner      # tests/notebooks: skips there without nbclient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04-smoothing.ipynb"


def test_the_smoothing_guide_runs(tmp_path):
    assert NOTEBOOK in runner.NOTEBOOKS            # so its outputs are checked to be stripped
    runner.test_notebook_runs(NOTEBOOK, tmp_path)
