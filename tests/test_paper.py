"""``symattn paper``: the paper's claims, each computed by symattn's procedures, never typed in."""

from __future__ import annotations

import pytest

from symattn.cli import EXIT_BAD_INPUT, main
from symattn.errors import InputError
from symattn.paper import CLAIMS, PROVED, UNDECIDED, _verdict, paper_claims, paper_latex, paper_table


def test_each_claim_is_checked_and_proved_on_its_instance():
    rows = paper_claims()
    assert [r.key for r in rows] == list(CLAIMS)
    bad = [(r.key, r.verdict, r.found) for r in rows if r.verdict != PROVED]
    assert not bad
    walls = next(r for r in rows if r.key == "walls")
    assert "C^0 and not C^1" in walls.found            # the exact order, measured
    text = paper_table(rows)
    assert text.endswith(f"{len(rows)} of {len(rows)} claims proved on their instances")
    tex = paper_latex(rows)
    assert tex.startswith(r"\begin{tabular}") and tex.count(r"\\") == len(rows) + 1


def test_an_undecided_check_never_becomes_a_proof_or_a_refutation():
    class Open:
        refuted = False

        def __bool__(self):
            return False

    assert _verdict(True, Open()) == UNDECIDED
    assert _verdict(False) == UNDECIDED                 # an incomplete compile refutes nothing


def test_the_command_prints_the_table_and_writes_latex(tmp_path, capsys):
    out = tmp_path / "claims.tex"
    assert main(["paper", "--claim", "feed-forward", "--claim", "stacks", "--latex", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "[PROVED] a feed-forward layer is a linear spline" in printed and "L=3, degree 27: PROVED" in printed
    assert out.read_text().startswith(r"\begin{tabular}")
    assert main(["paper", "--claim", "no such claim"]) == EXIT_BAD_INPUT
    with pytest.raises(InputError, match="unknown claims \\['nope'\\]"):
        paper_claims(only=["nope"])
