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
