r"""Exact assertions for test suites, a pytest plugin and hypothesis strategies.

Each helper proves its claim with :mod:`symattn.proofs` and returns the
:class:`~symattn.checks.Proof`.  A false claim raises
:class:`~symattn.proofs.ProofError` (an ``AssertionError``) whose message
shows the counterexample exactly and as LaTeX; a claim that could not be
decided (an incomplete compile, an undecided region) raises a plain
``AssertionError`` with the proof's summary, never a silent pass.

>>> import sympy
>>> from symattn.nn import FeedForward
>>> x = sympy.Symbol("x")
>>> relu = FeedForward([[1]], None, [[1]], None)
>>> assert_spline_equal(relu, [(x < 0, 0), (x > 0, x)], n=1).proved
True
>>> assert_spline_equal(relu, [(x < 0, 0), (x > 0, 2 * x)], n=1)    # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symattn.proofs.errors.ProofError: the model FeedForward on 1 token(s) = 2 given pieces on ℝ¹ (...) is false
  a: the model FeedForward on 1 token(s)
  b: 2 given pieces
  (a region of a meets region 1 of b with other values)
REFUTED: ...
counterexample: x[0,0] = ...
  a = ...
  b = ...
  a is x[0,0] there
  b is 2*x[0,0] there
  LaTeX: x_{0,0} = ... \neq ...

The pytest plugin (:mod:`symattn.testing.plugin`, registered through the
``pytest11`` entry point) adds the fixtures ``rational_points`` and
``symattn_seed``; :mod:`symattn.testing.strategies` has hypothesis
strategies for small exact models and rational points.
"""

from __future__ import annotations

from typing import Any

from ..proofs import ProofError, prove_continuous, prove_degree, prove_equal, smoothness

__all__ = ["assert_spline_equal", "assert_realises", "assert_degree", "assert_continuous", "assert_smoothness",
           "explain"]


def explain(err: ProofError) -> str:
    """The multi-line failure message: the claim and its sides, the proof, then the exact counterexample and its LaTeX."""
    lines = [f"{err.claim} is false"]
    if err.sides is not None:
        lines += [f"  {label}: {side}" for label, side in zip(err.labels, err.sides)]
    if err.detail:
        lines.append(f"  ({err.detail})")
    if err.proof is not None:
        lines.append(err.proof.summary())
    if err.point is not None:
        lines.append("counterexample: " + ", ".join(f"{k} = {v}" for k, v in err.point.items()))
    if len(err.values) == 2:
        lines += [f"  {label} = {value}" for label, value in zip(err.labels, err.values)]
    if err.polynomials is not None:
        where = "" if err.entry is None else f" in entry {err.entry}"
        lines += [f"  {label} is {poly} there{where}" for label, poly in zip(err.labels, err.polynomials)]
    latex = err.latex()
    if latex:
        lines.append(f"  LaTeX: {latex}")
    return "\n".join(lines)


def _decided(proof, what: str):
    __tracebackhide__ = True
    if not proof.proved:
        raise AssertionError(f"symattn could not prove that {what}:\n{proof.summary()}")
    return proof


def _run(claim, *args, **kwargs):
    """Run a proof; a refutation is re-raised from here, without symattn's internal frames."""
    __tracebackhide__ = True
    try:
        return claim(*args, **kwargs)
    except ProofError as err:
        err.args = (explain(err),)
        failure = err
    raise failure.with_traceback(None)


def assert_spline_equal(a: Any, b: Any, **options: Any):
    """``a`` and ``b`` are the same function (:func:`~symattn.proofs.prove_equal`; options go there)."""
    __tracebackhide__ = True
    return _decided(_run(prove_equal, a, b, **options), "the two are equal")


def assert_realises(model: Any, target: Any, **options: Any):
    """``model`` (a module, with ``n=``, or a Realization) computes ``target`` exactly."""
    __tracebackhide__ = True
    return _decided(_run(prove_equal, model, target, **options), "the model realises the target")


def assert_degree(model: Any, degree: int, **options: Any):
    """Every piece has degree ≤ ``degree`` and one has exactly ``degree`` (:func:`~symattn.proofs.prove_degree`)."""
    __tracebackhide__ = True
    return _decided(_run(prove_degree, model, degree, **options), f"the degree is {degree}")


def assert_continuous(spline: Any, **options: Any):
    """The pieces agree on every wall (:func:`~symattn.proofs.prove_continuous`)."""
    __tracebackhide__ = True
    return _decided(_run(prove_continuous, spline, **options), "the pieces are continuous")


def assert_smoothness(spline: Any, order: int, **options: Any):
    """The spline is C^order and not C^(order+1) (:func:`~symattn.proofs.smoothness`)."""
    __tracebackhide__ = True
    proof = smoothness(spline, **options)
    if not proof.proved:
        raise AssertionError(f"symattn could not decide the smoothness:\n{proof.summary()}")
    if proof.order != order:
        walls = "\n".join("  " + w.line() for w in proof.walls if w.order is not None and w.order < order)
        raise AssertionError(f"expected C^{order} exactly, but {proof.claim}\n{walls}\n{proof.summary()}")
    return proof
