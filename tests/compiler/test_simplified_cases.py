"""``simplify`` on every complete model of the shared case table and on the default model.

For each model the simplified spline is checked against mathematics, not
against itself:

* ``prove_equal(s, s.simplify())`` proves (from the simplification's record,
  every emptiness re-checked);
* the printed description (the rows of every output entry) is evaluated at
  dense exact random points: exactly one row holds off the walls, and its
  polynomial is the value of the Fraction reference written from MATH.md;
* every row's region is the union of its pieces off a null set: at the same
  points, inside the row's parts exactly when inside one of its pieces;
* every recorded emptiness is re-checked (its certificate, or a fresh oracle)
  and no sampled point lies in a system recorded as empty.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

import symattn
from cases import CASES_BY_NAME
from fraction_reference import evaluate as reference
from symattn.models import default_model
from symattn.semialg.certificates import check
from symattn.semialg.oracle import Infeasible, Oracle
from symattn.semialg.poly import evaluate_fractions

#: the cases of tests/compiler/test_compile.py that compile complete
COMPLETE = ["linear", "linear_nobias", "ffn_relu", "ffn_relu_nobias", "ffn_identity", "attn_relu",
            "attn_scale_half", "attn_causal", "attn_explicit_mask", "cross_attn", "cross_attn_biases",
            "mha_concat", "mha_wo", "mha_wo_bias", "mha_cross"]
#: compile, simplify and proof take longer than 15 s together on a 2-core machine
LONG = {"attn_relu", "attn_scale_half", "ffn_relu", "mha_wo_bias", "mha_cross"}
POINTS = 60


def _models():
    for name in COMPLETE:
        case = CASES_BY_NAME[name]
        yield pytest.param((name, case.build, case.n, case.m), id=name,
                           marks=[pytest.mark.slow] if name in LONG else [])
    yield pytest.param(("default_model", default_model, 2, None), id="default_model")


@pytest.fixture(scope="module", params=list(_models()))
def simplified(request):
    name, build, n, m = request.param
    model = build()
    spline = symattn.compile(model, n=n, m=m, progress=False)
    assert spline.complete, f"{name} is in the table of complete compiles"
    return model, spline, spline.simplify(budget=60)


def _points(model, spline, count):
    """Exact random inputs in the model's call order and the same point in the spline's variables."""
    rng = random.Random(len(spline) * 31 + len(spline.variables))
    for _ in range(count):
        inputs = [[[Fraction(rng.randint(-40, 40), rng.randint(1, 9)) for _ in range(cols)] for _ in range(rows)]
                  for rows, cols in (spline.graph.input_shape(name) for name in model.input_names)]
        symbols = [s for name in model.input_names for row in spline.symbol_matrix(name) for s in row]
        flat = [v for matrix in inputs for row in matrix for v in row]
        yield inputs, tuple(dict(zip(symbols, flat))[s] for s in spline.ring.symbols)


def _holds(conditions, values) -> bool | None:
    """True/False for a point off the conditions' walls, None on a wall."""
    signs = [s * evaluate_fractions(g, values) for g, s in conditions]
    if any(v == 0 for v in signs):
        return None
    return all(v > 0 for v in signs)


def test_the_simplification_is_proved_equal(simplified):
    _, spline, simple = simplified
    proof = symattn.prove_equal(spline, simple)
    assert proof.proved, proof.summary()
    assert any("record" in c.method for c in proof.checks)


def test_printed_rows_are_the_reference_at_dense_exact_points(simplified):
    model, spline, simple = simplified
    walls = {g for p in spline.pieces for g, _ in p.conditions}
    walls |= {g for rows in simple.simplified.entries.values() for row in rows for part in row.where or ()
              for g, _ in part}
    checked = 0
    for inputs, values in _points(model, spline, POINTS):
        if any(evaluate_fractions(g, values) == 0 for g in walls):
            continue
        want = reference(model, *inputs)
        for (i, j), rows in simple.simplified.entries.items():
            holding = [row for row in rows if row.where is None or any(_holds(part, values) for part in row.where)]
            assert len(holding) == 1, f"entry ({i}, {j}): {len(holding)} rows hold at {values}"
            assert evaluate_fractions(holding[0].value, values) == want[i][j]
            inside_pieces = any(_holds(spline.pieces[k].conditions, values) for k in holding[0].pieces)
            assert inside_pieces, "the row's region holds where none of its pieces does"
        checked += 1
    assert checked >= POINTS // 2


def test_every_recorded_emptiness_is_rechecked_and_no_point_lies_in_it(simplified):
    model, spline, simple = simplified
    records = [r for proofs in simple.simplified.dropped for r in proofs]
    records += [r for rows in simple.simplified.entries.values() for row in rows for part in row.proofs for r in part]
    fresh = Oracle(spline.ring, samples=0, line_budget=(0, 0), ascent=False)
    for record in records[:100]:
        assert check(record) or isinstance(fresh.decide(record.conditions), Infeasible), record
    points = [values for _, values in _points(model, spline, 20)]
    for record in records:
        assert not any(_holds(record.conditions, values) for values in points)
