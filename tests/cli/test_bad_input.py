"""Bad command lines and files: exit status 2, one line naming the argument or field and the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import symattn
from symattn.cli import main
from symattn.export import save_model
from symattn.nn import Attention, FeedForward

ATTENTION = {"type": "Attention", "Q": [[1]], "K": [[1]], "V": [[1]]}


def model_file(where: Path, name: str = "model.json", **top) -> Path:
    doc = {"format": "symattn-model", "version": 1, **top}
    doc.setdefault("model", ATTENTION)
    path = where / name
    path.write_text(json.dumps(doc))
    return path


def refused(capsys, *argv: str) -> str:
    """Run the command in-process; it must exit 2 with one line on stderr and nothing on stdout."""
    try:
        status = main(list(argv))
    except SystemExit as e:          # argparse's refusals
        status = e.code
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("argv, message", [
    (("--budget", "-5"), "argument --budget: seconds must be a number ≥ 0, got -5.0"),
    (("--budget", "nan"), "argument --budget: seconds must be a number ≥ 0, got nan"),
    (("--budget", "soon"), "argument --budget: is seconds (a number ≥ 0) or a Budget, got 'soon'"),
    (("--n", "0"), "argument --n: must be a positive whole number, got '0'"),
    (("--n", "-3"), "argument --n: must be a positive whole number, got '-3'"),
    (("--show", "two"), "argument --show: must be a positive whole number, got 'two'"),
    (("--memory", "0"), "argument --memory: is a memory limit in MiB, a positive number, got '0'"),
    (("--memory", "lots"), "argument --memory: is a memory limit in MiB, a positive number, got 'lots'"),
])
def test_meaningless_numbers_on_the_command_line_are_refused(tmp_path, capsys, argv, message):
    path = model_file(tmp_path, n=2)
    assert message in refused(capsys, "compile", str(path), *argv)


def test_a_compile_too_large_for_memory_is_one_line_saying_what_fits(tmp_path, capsys):
    path = model_file(tmp_path, n=2)
    line = refused(capsys, "compile", str(path), "--n", "3000", "--budget", "20")
    assert line.startswith("symattn: error: Attention at n=3000: its 18,012,001 polynomial entries")
    assert line.endswith("n ≤ 389 fits")


def test_the_memory_limit_is_the_one_given(tmp_path, capsys):
    path = model_file(tmp_path, n=40)
    line = refused(capsys, "compile", str(path), "--memory", "1")
    # (2n² + 4n + 1)(8n + 400) + 256 · 24n bytes: 1,045,600 at n = 26, 1,131,160 at n = 27
    assert "the memory limit is 1 MiB" in line and line.endswith("n ≤ 26 fits")
    assert main(["compile", str(path), "--memory", "8", "--budget", "0"]) == 3     # fits: runs, stops at once
    capsys.readouterr()


def test_a_file_with_a_hundred_thousand_tokens_exits_2_without_growing(tmp_path):
    path = model_file(tmp_path, n=100_000)
    limit = 1 << 30                         # under the old code this was killed or raised MemoryError
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (%d, %d)); "
            "from symattn.cli import main; sys.exit(main(sys.argv[1:]))" % (3 * limit, 3 * limit))
    result = subprocess.run([sys.executable, "-c", code, "compile", str(path), "--budget", "20"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "Attention at n=100000" in lines[0] and "n ≤ 389 fits" in lines[0]


def test_the_token_hint_appears_only_when_the_count_is_missing(tmp_path, capsys):
    mismatch = {"type": "EncoderBlock",
                "attention": {"type": "Attention", "Q": [[1, 0], [0, 1]], "K": [[1, 0], [0, 1]], "V": [[1], [1]]},
                "feedforward": {"type": "FeedForward", "W1": [[1]], "W2": [[1]]}}
    with_n = model_file(tmp_path, "with_n.json", n=2, model=mismatch)
    line = refused(capsys, "compile", str(with_n))
    assert line == ("symattn: error: <model>: EncoderBlock residual Y = X + attn(X) cannot add 2×2 and 2×1: "
                    "the sub-layer gives 1 features, the residual needs 2")
    without_n = model_file(tmp_path, "without_n.json")
    line = refused(capsys, "compile", str(without_n))
    assert "give --n/--m or put \"n\"/\"m\" in the model file" in line


def test_each_kind_of_file_given_to_the_wrong_command_says_what_it_is(tmp_path, capsys):
    model = save_model(Attention([[1]], [[1]], [[1]]), tmp_path / "model.json", n=2)
    spline = tmp_path / "spline.json"
    symattn.compile(Attention([[1]], [[1]], [[1]]), n=2).to_json(spline)
    line = refused(capsys, "compile", str(spline))
    assert "format: this is a spline file ('symattn-spline'), read by Spline.from_json; " \
           "expected 'symattn-model', a model file" in line
    line = refused(capsys, "info", str(spline))
    assert "this is a spline file" in line
    line = refused(capsys, "realize", str(model))
    assert "format: this is a model file ('symattn-model'), read by `symattn compile`" in line
    assert "expected 'symattn-certificate', a max–min certificate file, read by `symattn realize`" in line
    assert "unknown field" not in line


def test_a_module_error_in_a_file_is_named_once(tmp_path, capsys):
    bad = model_file(tmp_path, n=2, model={"type": "Attention", "Q": [[1, 0]], "K": [[1]], "V": [[1]]})
    line = refused(capsys, "compile", str(bad))
    assert line.endswith("model.json: model: Attention: Q is 1×2 but K is 1×1")


def test_an_undeclared_parameter_on_the_command_line(tmp_path, capsys):
    bad = model_file(tmp_path, n=1, model={"type": "Linear", "W": [["nan"]]})
    line = refused(capsys, "compile", str(bad))
    assert line.endswith("model.W[0][0]: 'nan' is NaN, not a number; a weight is an exact rational "
                         "such as '3/4' (or a polynomial in declared parameters)")


def test_a_good_file_still_compiles(tmp_path, capsys):
    path = save_model(FeedForward([[1, -1]], None, [[1], [1]], None), tmp_path / "abs.json", n=1)
    assert main(["compile", str(path), "--budget", "30"]) == 0
    assert "2 pieces" in capsys.readouterr().out
