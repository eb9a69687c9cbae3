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


def test_the_files_name_the_models_generators():
    """The oracle row of the corpus bench rebuilds each system over the model's own generator
    names (read from the file's comment), so that token-reading layers apply."""
    from benchmarks.corpus import recorded_names, ring_conditions

    index = json.loads((CORPUS / "index.json").read_text())
    for entry in index:
        text = (CORPUS / entry["file"]).read_text()
        ngens, system = read(text)
        names = recorded_names(text, ngens)
        assert len(names) == ngens and len(set(names)) == ngens
        if entry["file"].startswith("relu_attention3"):
            assert names == [f"x[{a},{c}]" for a in range(3) for c in range(3)][:ngens]
            conds = ring_conditions(ngens, system, names)
            assert [str(g) for g in conds[0][0].ring.gens] == names
    assert recorded_names("(check-sat)\n", 2) == ["x0", "x1"]
