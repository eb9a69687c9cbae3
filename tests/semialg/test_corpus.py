"""The corpus of hard systems in ``benchmarks/corpus``: small, indexed, and readable."""
from __future__ import annotations

import json
from pathlib import Path

from symattn.semialg.smtlib import read, write

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus"


def test_every_indexed_system_reads_back_as_written():
    index = json.loads((CORPUS / "index.json").read_text())
    assert 0 < len(index) <= 40
    assert {e["file"] for e in index} == {p.name for p in CORPUS.glob("*.smt2")}
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 400_000
    for entry in index:
        text = (CORPUS / entry["file"]).read_text()
        ngens, system = read(text)
        assert len(system) == entry["conditions"] and ngens <= entry["variables"]
        assert read(write(system, entry["variables"]))[1] == system
