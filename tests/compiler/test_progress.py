"""The progress bar: tqdm.auto when asked (a widget in notebooks), nothing when disabled or quick."""

from __future__ import annotations

import symattn
from symattn.compiler.casesplit import _Progress
from symattn.nn import FeedForward

FFN = FeedForward([[1, -1, 2]], [0, 1, -1], [[1], [1], [1]], None)     # 4 regions on the line


def test_progress_shows_the_final_count_on_stderr(capsys, monkeypatch):
    monkeypatch.setattr(_Progress, "DELAY", 0)
    spline = symattn.compile(FFN, n=1, progress=True)
    err = capsys.readouterr().err
    assert "compiling" in err and f"{len(spline)} regions" in err and "undecided=0" in err


def test_a_quick_compile_shows_no_bar(capsys):
    symattn.compile(FFN, n=1, progress=True)
    assert "compiling" not in capsys.readouterr().err


def test_no_progress_prints_nothing(capsys, monkeypatch):
    monkeypatch.setattr(_Progress, "DELAY", 0)
    symattn.compile(FFN, n=1, progress=False)
    assert capsys.readouterr().err == ""
    symattn.compile(FFN, n=1)            # the default: not a terminal, not a Jupyter kernel
    assert capsys.readouterr().err == ""
