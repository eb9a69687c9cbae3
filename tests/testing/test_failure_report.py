"""What a failing exact test shows in pytest: the test's own frame, then the claim, both sides and the point."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_failed_assertion_hides_internal_frames_and_ends_with_the_counterexample(tmp_path):
    test = tmp_path / "test_user.py"
    test.write_text(textwrap.dedent("""
        from symattn.nn import FeedForward
        from symattn.testing import assert_spline_equal

        def test_twice_is_not_once():
            relu = FeedForward([[1]], None, [[1]], None)
            assert_spline_equal(relu, FeedForward([[1]], None, [[2]], None), n=1)
    """))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    out = run.stdout
    assert run.returncode == 1 and "1 failed" in out
    assert "symattn/proofs/" not in out and "symattn/testing/" not in out     # internal frames hidden
    assert "test_user.py" in out and "assert_spline_equal(relu" in out
    report = out[out.index("ProofError"):]
    assert "a: the model FeedForward on 1 token(s)" in report and "counterexample: x[0,0] = " in report
    assert "a is x[0,0] there" in report and "b is 2*x[0,0] there" in report
    last = [line for line in report.splitlines() if line.startswith("E ")][-1]
    assert "LaTeX: x_{0,0} = " in last and r"\neq" in last
