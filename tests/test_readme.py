"""The README's examples run as written (doctest)."""

from __future__ import annotations

import doctest
import importlib.util
import os
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples(tmp_path, monkeypatch):
    if importlib.util.find_spec("torch") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("torch is missing under CI=true; .ci/run installs it")
        pytest.skip("the README's PyTorch examples need torch (pip install 'symattn[torch]')")
    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(str(README), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10
    assert result.failed == 0


def test_readme_pytest_example_runs_with_the_plugin(tmp_path):
    """The "Proofs in your tests" example, run by pytest with the installed plugin."""
    import re
    import subprocess
    import sys

    text = README.read_text()
    block = re.search(r"```python\n(# test_my_model\.py\n.*?)```", text, re.S).group(1)
    (tmp_path / "test_my_model.py").write_text(block)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert "3 passed" in out.stdout, out.stdout + out.stderr
