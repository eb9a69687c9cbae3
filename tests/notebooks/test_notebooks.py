"""The notebooks in notebooks/ run top to bottom in a real Jupyter kernel; each ends with assertions.

They are committed without outputs, so a diff shows only what a person wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

FOLDER = Path(__file__).resolve().parents[2] / "notebooks"
#: every notebook in the folder is checked for outputs
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
#: the notebooks run here (others are run by the tests of the part they show)
GUIDES = [FOLDER / name for name in (
    "01-attention-is-a-cubic-spline.ipynb", "02-from-spline-to-encoder.ipynb", "03-exporting-to-latex.ipynb",
    "05-the-paper-checked.ipynb")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip the outputs"


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path):
    if "encoder" in path.stem:
        pytest.importorskip("symattn.realize")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()      # raises CellExecutionError, with the cell and traceback, if an assertion fails
    last = nb.cells[-1]
    assert last.cell_type == "code" and "assert" in last.source
    assert not any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
