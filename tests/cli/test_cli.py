"""The ``symattn`` command, run as a subprocess: outputs, files and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import symattn
from symattn.export import load_model, save_model
from symattn.models import DEFAULT_INPUT, default_model
from symattn.nn import Attention, FeedForward


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symattn", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def default_spline():
    return symattn.compile(default_model(), n=2)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    where = tmp_path_factory.mktemp("demo")
    return where, run("demo", cwd=where)


def test_demo_prints_the_summary_and_names_its_folder(demo, default_spline):
    where, result = demo
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("symattn demo: the default model is one encoder block")
    assert f"compiled: {len(default_spline)} regions, degree 3, complete" in out
    exact = default_model()(sympy.Matrix(DEFAULT_INPUT)).tolist()      # the exact interpreter
    assert f"the spline at X: {exact}" in out and f": {exact}\n" in out       # and the exact output line
    assert "writing files into symattn-demo/" in out


def test_demo_files_are_exact(demo, default_spline):
    where, result = demo
    folder = where / "symattn-demo"
    for name in ("model.json", "spline.json", "spline.tex", "model.tex", "regions.png", "line.png", "graph.png"):
        assert (folder / name).stat().st_size > 0 and f"symattn-demo/{name}" in result.stdout, name
    assert load_model(folder / "model.json") == default_model()
    loaded = symattn.Spline.from_json(folder / "spline.json")
    assert [p.polys for p in loaded.pieces] == [p.polys for p in default_spline.pieces]
    assert loaded.completeness == "claimed"
    assert (folder / "regions.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / "spline.tex").read_text().startswith("\\documentclass")


def test_demo_realizes_the_hat_function(demo):
    pytest.importorskip("symattn.realize")
    where, result = demo
    assert "realising the hat function" in result.stdout and "PROVED: " in result.stdout
    from symattn.export.realize_file import realization_from_json

    hat = realization_from_json(where / "symattn-demo" / "hat.json")
    assert [hat(v) for v in (-2, "-1/2", 0, "1/2", 2)] == [0, sympy.Rational(1, 2), 1, sympy.Rational(1, 2), 0]


@pytest.fixture
def model_file(tmp_path):
    ffn = FeedForward([[1, -1, 2], [2, 1, "-1/2"]], [0, 1, "-1/2"], [[1], [-1], [2]], [0])
    return save_model(ffn, tmp_path / "ffn.json", n=1)


def test_compile_writes_what_it_is_asked(model_file, tmp_path):
    result = run("compile", model_file.name, "--json", "out/s.json", "--latex", "out/s.tex", "--plot", "out/s.png",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("spline f: ℝ¹ˣ² → ℝ¹ˣ¹, 7 pieces, degree 1, complete")
    assert "out/s.json" in result.stdout and (tmp_path / "out/s.png").exists()
    assert len(symattn.Spline.from_json(tmp_path / "out/s.json")) == 7
    assert "\\begin{cases}" in (tmp_path / "out/s.tex").read_text()


def test_incomplete_compile_exits_3_and_still_writes(tmp_path):
    model = Attention([[1, 0], [0, 1]], [[1, 0], [0, -1]], [[1, 0], [0, 1]])
    save_model(model, tmp_path / "attn.json", n=2)
    result = run("compile", "attn.json", "--budget", "0", "--json", "s.json", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "INCOMPLETE" in result.stdout
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["complete"] is False and doc["undecided"]


def test_info(model_file, tmp_path):
    result = run("info", model_file.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "FeedForward: φ(X) = σ(X W1 + 1 b1ᵀ) W2 + 1 b2ᵀ" in result.stdout
    assert "traced with n=1: " in result.stdout and "3 ReLU entries" in result.stdout


def test_bad_inputs_exit_2_with_one_line(model_file, tmp_path):
    assert "missing.json: <document>: cannot read the file" in one_line_error(run("compile", "missing.json", cwd=tmp_path))
    doc = json.loads(model_file.read_text())
    doc["model"]["W1"][1][2] = "1/2.5.6"
    (tmp_path / "field.json").write_text(json.dumps(doc))
    assert "field.json: model.W1[1][2]: " in one_line_error(run("compile", "field.json", cwd=tmp_path))
    assert "unrecognized arguments: --colour" in one_line_error(run("compile", "ffn.json", "--colour", cwd=tmp_path))


def test_more_bad_inputs_in_process(model_file, tmp_path, capsys, monkeypatch):
    """The same path as the subprocess runs (``main``), without paying for a new interpreter each time."""
    from symattn.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json").write_text("{\"format\": ")
    doc = json.loads(model_file.read_text())
    del doc["n"]
    (tmp_path / "no-n.json").write_text(json.dumps(doc))
    for argv, needle in ((["info", "broken.json"], "not valid JSON"), (["compile", "no-n.json"], "--n"),
                         (["compile", "ffn.json", "--plane", "x[9,9]", "--plot", "p.png"], "--plane takes")):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("symattn: error: ") and needle in err and "\n" not in err


def test_realize_command(tmp_path):
    realize = pytest.importorskip("symattn.realize")
    from symattn.export.realize_file import save_certificate

    x = sympy.Symbol("x")
    save_certificate(realize.MaxMin([[0], [x + 1, 1 - x]], [x]), tmp_path / "hat.json")
    result = run("realize", "hat.json", "--json", "r.json", "--latex", "r.tex", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "certificate: f = max(0, min(x + 1, 1 - x))" in result.stdout and "PROVED: " in result.stdout
    assert (tmp_path / "r.json").exists() and (tmp_path / "r.tex").read_text().startswith("\\documentclass")


def test_info_counts_the_relu_entries_a_mask_keeps(tmp_path, capsys):
    from symattn.cli import main
    from symattn.nn import MaskedAttention

    path = save_model(MaskedAttention([[1]], [[1]], [[1]]), tmp_path / "causal.json", n=4)
    assert main(["info", str(path)]) == 0
    assert "16 ReLU entries (10 kept by the mask)" in capsys.readouterr().out
