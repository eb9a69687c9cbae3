"""Differential tests: random models of every component, at random rational points, against a Fraction reference.

The reference (``tests/fraction_reference.py``) is written from MATH.md in
plain Fractions; the package's exact interpreter and, for the small models,
the compiled spline must agree with it exactly.  ``make
test`` runs a slice of a few hundred pairs; ``make soak`` (``SYMATTN_SOAK=1``)
runs more than 10⁴ and prints the count.
"""

from __future__ import annotations

import os
import random
from fractions import Fraction

import pytest

import symattn
from fraction_reference import KINDS, as_fractions, evaluate, more_points, random_case
from symattn.nn import Attention, CrossAttention, EncoderBlock, FeedForward, MaskedAttention

SOAK = os.environ.get("SYMATTN_SOAK") == "1"
MODELS_PER_KIND = 200 if SOAK else 6          # 11 kinds × models × points
POINTS_PER_MODEL = 5
COMPILED_PER_KIND = 12 if SOAK else 1         # small models also compiled, for the spline path
COMPILABLE = ("Linear", "FeedForward", "Attention", "MaskedAttention", "CrossAttention")

F = Fraction


# -- the reference itself, on values worked out by hand -------------------------------------------
@pytest.mark.parametrize("model, inputs, expected", [
    (Attention([[1]], [[1]], [[1]]), ([[F(1)], [F(-2)]],), [[F(1)], [F(-8)]]),       # Σ_j σ(x_i x_j) x_j
    (MaskedAttention([[1]], [[1]], [[1]]), ([[F(1)], [F(2)]],), [[F(1)], [F(10)]]),  # row 0 sees itself
    (Attention([[1]], [[1]], [[1]], scale=-1), ([[F(1)], [F(-2)]],), [[F(-4)], [F(2)]]),  # σ(-x_i x_j)
    (CrossAttention([[1]], [[1]], [[1]]), ([[F(2)]], [[F(1)], [F(-1)]]), [[F(2)]]),
    (FeedForward([[1, -1]], None, [[1], [1]], None), ([[F(-7, 2)]],), [[F(7, 2)]]),  # |x|
    (EncoderBlock(Attention([[1]], [[1]], [[1]]), FeedForward([[1]], [0], [[1]], [0])),
     ([[F(1)], [F(-1)]],), [[F(4)], [F(-2)]]),                                       # Y = [2, -2]; Y + σ(Y)
    (Attention([[1]], [[1]], [[1]], mask=[[True, False], [False, True]]), ([[F(1, 2)], [F(3)]],),
     [[F(1, 8)], [F(27)]]),                                                           # only the diagonal
])
def test_the_reference_on_worked_examples(model, inputs, expected):
    assert evaluate(model, *inputs) == expected


def test_random_models_cover_every_component_with_masks_and_biases():
    seen_masks, seen_biases = set(), False
    for kind in KINDS:
        for seed in range(MODELS_PER_KIND):
            model, _ = random_case(kind, seed)
            for head in _heads(model):
                seen_masks.add("none" if head.mask is None else "causal" if head.mask == "causal" else "matrix")
                seen_biases |= head.bq is not None
    assert seen_masks == {"none", "causal", "matrix"} and seen_biases


def _heads(module):
    if hasattr(module, "Q"):
        yield module
    for name in ("heads", "blocks"):
        for child in getattr(module, name, ()):
            yield from _heads(child)
    for name in ("attention", "self_attention", "cross_attention", "encoder", "decoder"):
        if getattr(module, name, None) is not None:
            yield from _heads(getattr(module, name))


# -- the differential run ---------------------------------------------------------------------------
def _exact(result) -> list[list[Fraction]]:
    return as_fractions(result)


def _compiled(kind: str, model, inputs):
    """The spline of a small model (None when it is too large for a quick, complete compile)."""
    graph = model.trace(**({"n": len(inputs[0])} if len(inputs) == 1 else {"m": len(inputs[0]), "n": len(inputs[1])}))
    relu = sum(graph.attrs(v)["shape"][0] * graph.attrs(v)["shape"][1] for v in graph.nodes_with_op("relu"))
    if len(graph.variables) > 4 or relu > 6:
        return None
    spline = symattn.compile(graph, budget=5, progress=False)
    return spline if spline.complete else None


def test_every_component_agrees_with_the_fraction_reference():
    pairs, models, spline_pairs, mismatches = 0, 0, 0, []
    for kind in KINDS:
        compiled = 0
        for seed in range(MODELS_PER_KIND):
            model, inputs = random_case(kind, seed)
            rng = random.Random(f"points:{kind}:{seed}")
            points = [inputs] + [more_points(rng, inputs) for _ in range(POINTS_PER_MODEL - 1)]
            spline = None
            if kind in COMPILABLE and compiled < COMPILED_PER_KIND:
                spline = _compiled(kind, model, inputs)
                compiled += spline is not None
            models += 1
            for X in points:
                expected = evaluate(model, *X)
                pairs += 1
                if _exact(model(*X)) != expected:
                    mismatches.append((kind, seed, X, "exact"))
                if spline is not None:
                    spline_pairs += 1
                    if _exact(spline(*X)) != expected:
                        mismatches.append((kind, seed, X, "spline"))
    print(f"\ndifferential: {pairs} (model, point) pairs over {models} random models of {len(KINDS)} "
          f"components, {spline_pairs} of them also through compiled splines: {len(mismatches)} mismatches")
    assert not mismatches, mismatches[:3]
    assert pairs == len(KINDS) * MODELS_PER_KIND * POINTS_PER_MODEL and spline_pairs > 0
    if SOAK:
        assert pairs >= 10_000
