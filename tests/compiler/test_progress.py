"""The progress bar: tqdm.auto when asked (a widget in notebooks), nothing when disabled."""

from __future__ import annotations

import symattn
from symattn.nn import FeedForward

FFN = FeedForward([[1, -1, 2]], [0, 1, -1], [[1], [1], [1]], None)     # 4 regions on the line


def test_progress_shows_the_final_count_on_stderr(capsys):
    spline = symattn.compile(FFN, n=1, progress=True)
    err = capsys.readouterr().err
    assert "compiling" in err and f"{len(spline)} regions" in err and "undecided=0" in err


def test_no_progress_prints_nothing(capsys):
    symattn.compile(FFN, n=1, progress=False)
    assert capsys.readouterr().err == ""
