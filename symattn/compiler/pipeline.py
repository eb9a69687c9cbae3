"""``compile``: model → graph → checked graph → case split → :class:`Spline`.

Each stage is a named function; this module only strings them together.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from typing import Any, Mapping, Sequence

import sympy

from ..errors import InputError, NotASplineError, ResourceError
from ..graph import nodes as N
from ..graph.graph import ExpressionGraph
from ..interpret.matrix_rules import SMOOTH_HINTS, irrational_scale_hint
from ..nn.trace import trace
from ..semialg.oracle import ASCENT, Oracle
from ..spline import Piece, PieceSource, Spline
from .casesplit import Budget, CaseSplitter
from .coverage import GUARD_POINTS, coverage_guard
from ..semialg.pool import SamplePool
from .resources import default_samples, estimate_cost, fitting_tokens, plan_pool
from .frame import spline_frame
from .seeded import QuestionSeeded, oracle_passes
from .parallel import check_executor, split_on

__all__ = ["compile", "compile_graph", "relu_entries", "kept_relu_entries", "default_oracles", "check_spline_ops", "default_samples", "spline_frame"]

#: The oracle passes over the branches no pool point lies in, cheapest first.
#: The first pass asks every one of them the questions that cost milliseconds:
#: the exact proofs that need no nonlinear solver (syntactic, linear
#: arithmetic, the monomial relaxation, inertia, factored cases) and two short
#: line searches.  The second searches for witnesses in earnest (lines,
#: samples, the margin ascent at 48 short starts and, when that fails, at 400
#: long ones), then runs yices 2 and z3 side by side for 0.25 s, one per
#: core (a model becomes an exact witness; yices finds most of the thin
#: nonempty branches here, in tens of milliseconds).  Only then the whole
#: decision portfolio (z3, yices 2 and cvc5, whichever are installed) at 1 s,
#: at 4 s and at 15 s, the 1 s pass after a wider ascent (1000 starts, about
#: 0.4 s).  The wide ascents find thin regions of attention scores that 48
#: short starts miss one time in ten or more, at a fraction of a solver call's
#: cost.  A long call is made only for what every engine left
#: open at the shorter limits.  The sum-of-squares search (when cvxpy is
#: installed) runs in the 1 s pass only: it is deterministic, so a search that
#: failed there fails again.  Each pass finishes its whole queue before the
#: next starts, so a hard system cannot starve the others.
WIDE_ASCENT = (400, 300)
WIDER_ASCENT = (1000, 300)
ORACLE_PASSES = (
    dict(z3_timeouts=(), samples=0, line_budget=(2, 2), ascent=False),
    dict(z3_timeouts=(0.25,), portfolio=("yices", "z3"), sos=False, ascent=(ASCENT, WIDE_ASCENT)),
    dict(z3_timeouts=(1.0,), samples=0, line_budget=(2, 2), ascent=WIDER_ASCENT, portfolio=True),
    dict(z3_timeouts=(4.0,), samples=0, line_budget=(2, 2), ascent=False, portfolio=True, sos=False),
    dict(z3_timeouts=(15.0,), samples=0, line_budget=(2, 2), ascent=False, portfolio=True, sos=False),
)


def check_spline_ops(graph: ExpressionGraph) -> None:
    """Raise :class:`NotASplineError` at the first node that is not piecewise polynomial.

    Smooth operations are reported before irrational scales: they are the
    more fundamental obstacle.
    """
    for v in graph.order:
        a = graph.attrs(v)
        if a[N.OP] in SMOOTH_HINTS:
            raise NotASplineError(v, a[N.OP], a[N.PATH], SMOOTH_HINTS[a[N.OP]])
    for v in graph.order:
        a = graph.attrs(v)
        if a[N.OP] == N.SCALE and not a[N.FACTOR].is_Rational:
            raise NotASplineError(v, a[N.OP], a[N.PATH], irrational_scale_hint(a[N.FACTOR]))


def relu_entries(graph: ExpressionGraph) -> int:
    """How many scalar ReLUs the graph has."""
    return sum(graph.attrs(v)[N.SHAPE][0] * graph.attrs(v)[N.SHAPE][1] for v in graph.nodes_with_op(N.RELU))


def kept_relu_entries(graph: ExpressionGraph) -> int:
    """The scalar ReLUs a mask does not remove (a masked entry is the constant 0: no wall).

    >>> from symattn.nn import MaskedAttention
    >>> g = MaskedAttention([[1]], [[1]], [[1]]).trace(n=3)
    >>> relu_entries(g), kept_relu_entries(g)           # causal: 6 of the 9 scores are kept
    (9, 6)
    """
    total = 0
    for v in graph.nodes_with_op(N.RELU):
        rows, cols = graph.attrs(v)[N.SHAPE]
        arg = graph.attrs(graph.attrs(v)[N.INPUTS][0])
        if arg[N.OP] == N.MASK_OP and arg[N.FILL] == 0:
            total += sum(sum(1 for keep in row if keep) for row in arg[N.MASK])
        else:
            total += rows * cols
    return total


def default_oracles(ring, seed: int = 0) -> list[QuestionSeeded]:
    """One oracle per pass of :data:`ORACLE_PASSES`, each asking every question afresh
    (:class:`~symattn.compiler.seeded.QuestionSeeded`): an answer does not depend on the
    questions asked before it, so subtrees can be searched in any order, anywhere."""
    return oracle_passes(ring, seed, ORACLE_PASSES)


def compile_graph(graph: ExpressionGraph, *, budget: Budget | float | None = None,
                  progress: bool | None = None, substitution: Mapping[sympy.Symbol, Any] | None = None,
                  samples: int | None = None, seed: int = 0, oracle: Oracle | Sequence[Oracle] | None = None,
                  guard: int = GUARD_POINTS, executor: Executor | None = None, workers: int | None = None,
                  checkpoint: str | os.PathLike | None = None):
    """Case-split a traced graph into its exact :class:`~symattn.spline.Spline`.

    ``substitution`` maps input variables to affine expressions in new
    variables (or constants) and parameters to exact values.  ``oracle``
    (one, or a list asked in turn) replaces :func:`default_oracles`.  ``guard``
    fresh exact points check a complete result
    (:func:`~symattn.compiler.coverage.coverage_guard`; 0 turns it off).
    ``executor`` (any :class:`concurrent.futures.Executor`) or ``workers``
    (a local pool of that many processes) runs the case split by subtrees
    (:mod:`symattn.compiler.parallel`), with the same result; ``checkpoint``
    is a file to resume an interrupted compile from (also in process).
    """
    check_executor(executor, workers)
    by_tasks = executor is not None or workers is not None or checkpoint is not None
    if by_tasks and oracle is not None:
        raise InputError("oracle", "a compile by tasks uses the default oracle passes; an oracle object "
                                   "cannot be sent to a worker (drop executor=, workers= and checkpoint=)")
    graph.lint()
    check_spline_ops(graph)
    budget = Budget.of(budget)
    substitution = dict(substitution or {})
    # the memory is estimated before anything large is allocated: the pool is
    # scaled to fit, and a graph that cannot fit raises ResourceError
    samples = plan_pool(estimate_cost(graph, substitution), samples, budget.memory)
    params = {p: sympy.Rational(substitution[p]) for p in graph.parameters if p in substitution}
    variables, parameters, ring, inputs = spline_frame(graph, substitution)
    if by_tasks:
        result = split_on(executor, graph, substitution, samples=samples, seed=seed, passes=ORACLE_PASSES,
                          budget=budget, workers=workers, checkpoint=checkpoint, progress=progress)
    else:
        pool = SamplePool.random(ring, samples, seed=seed)
        if oracle is None:
            oracles = default_oracles(ring, seed)
        else:
            oracles = list(oracle) if isinstance(oracle, (list, tuple)) else [oracle]
        splitter = CaseSplitter(ring, oracles, pool, budget, progress, params=params)
        result = splitter.run(graph, inputs)
    source = PieceSource(graph, ring, inputs, params)
    pieces = tuple(Piece(leaf.region, pattern=leaf.pattern, source=source) for leaf in result.pieces)
    spline = Spline(graph=graph, ring=ring, variables=variables, parameters=parameters, pieces=pieces,
                    complete=not result.undecided, undecided=tuple(result.undecided),
                    symbolic_inputs=inputs, substitution=substitution, stats=dict(result.stats, samples=samples),
                    emptiness=tuple(result.pruned))
    return coverage_guard(spline, guard, seed)


def compile(model, n: int | None = None, m: int | None = None, budget: Budget | float | None = None,
            progress: bool | None = None, *, executor: Executor | None = None, workers: int | None = None,
            checkpoint: str | os.PathLike | None = None, **options):
    """The exact spline of a ReLU model (see :class:`~symattn.spline.Spline`).

    ``budget`` is seconds or a :class:`Budget` (seconds and/or regions);
    when it runs out the partial spline comes back with ``complete=False``.
    ``progress`` shows a status line (default: only in a terminal or notebook).
    A model too large for the memory limit raises
    :class:`~symattn.errors.ResourceError` saying which token counts fit.
    ``workers=k`` runs the case split on k local processes, ``executor=`` on
    any :class:`concurrent.futures.Executor` (a Dask cluster:
    ``distributed.Client(...).get_executor()``); the spline is the same.
    ``checkpoint=PATH`` keeps the state in a file, so that a compile stopped
    by its budget or Ctrl-C resumes there (:mod:`symattn.compiler.parallel`).

    >>> from symattn.nn import Attention
    >>> s = compile(Attention([[1]], [[1]], [[1]]), n=2)   # scores x_i x_j: one wall x_0 x_1 = 0
    >>> len(s), s.complete, s.degree
    (2, True, 3)
    >>> compile(Attention([[1]], [[1]], [[1]]), n=2, workers=2).pieces == s.pieces
    True
    """
    options.update(executor=executor, workers=workers, checkpoint=checkpoint)
    if isinstance(model, ExpressionGraph):
        return compile_graph(model, budget=budget, progress=progress, **options)
    graph = trace(model, n=n, m=m)
    try:
        return compile_graph(graph, budget=budget, progress=progress, **options)
    except ResourceError as e:
        if options.get("samples") is not None:
            raise
        counts = {name: graph.input_shape(name)[0] for name in graph.inputs}
        fits = fitting_tokens(model, counts, Budget.of(budget).memory)
        raise ResourceError(f"{type(model).__name__} at " + ", ".join(
            f"{'m' if k == 'y' else 'n'}={v}" for k, v in counts.items()), f"{e.reason}; {fits}",
            needed=e.needed, limit=e.limit) from None
