"""Two compiles of the same models in fresh processes, under different hash seeds, give the same spline.

Pieces, their conditions, witnesses, values and order, and the undecided
sign systems are written out as text in each process and compared exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r'''
import json, sympy, symattn
from symattn.models import default_model
from symattn.nn import DecoderBlock, CrossAttention, FeedForward, MaskedAttention

q = sympy.Symbol("q")
models = [
    ("default model", default_model(), dict(n=2)),
    ("masked attention", MaskedAttention([[1, 0], [0, 1]], [[1, 0], [1, 1]], [[1, 0], [0, 1]]), dict(n=3)),
    ("4 generic lines", FeedForward([[1, -1, 2, 1], [1, 1, -1, 3]], [0, 1, "1/2", -1], [[1], [1], [1], [1]], None),
     dict(n=1)),
    ("a parameter", FeedForward([[1, q]], [q, 1], [[1], [-1]], None), dict(n=1)),
    ("decoder block", DecoderBlock(MaskedAttention([[1]], [[1]], [[1]]), CrossAttention([[1]], [[1]], [[-1]]),
                                   FeedForward([[1]], ["1/2"], [[1]], None)), dict(n=1, m=2)),
]
out = []
for name, model, tokens in models:
    s = symattn.compile(model, progress=False, **tokens)
    out.append(dict(
        model=name, complete=s.complete,
        variables=[str(v) for v in s.variables], parameters=[str(p) for p in s.parameters],
        pieces=[dict(pattern=list(p.pattern),
                     conditions=[[str(g.as_expr()), sign] for g, sign in p.region.conditions],
                     witness=[[str(k), str(v)] for k, v in p.witness.items()],
                     value=[str(e) for e in p.value]) for p in s.pieces],
        undecided=[[[str(g.as_expr()), sign] for g, sign in u.conditions] for u in s.undecided]))
print(json.dumps(out))
'''


def compile_in_fresh_processes(seeds):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    runs = [subprocess.Popen([sys.executable, "-c", SCRIPT], env={**env, "PYTHONHASHSEED": seed},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in seeds]
    outputs = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        outputs.append(json.loads(stdout))
    return outputs


def test_compiles_in_fresh_processes_are_identical():
    first, second = compile_in_fresh_processes(["1", "4242"])
    assert [m["model"] for m in first] == ["default model", "masked attention", "4 generic lines", "a parameter",
                                           "decoder block"]
    for a, b in zip(first, second):
        assert a["complete"] and len(a["pieces"]) > 1, a["model"]
        assert a == b, a["model"]
    # and the pieces are listed in one documented order: by sign pattern, positive branch first
    for model in first:
        patterns = [tuple(-s for s in p["pattern"]) for p in model["pieces"]]
        assert patterns == sorted(patterns), model["model"]
