"""``prove_equal``: two splines are the same function, region against overlapping region.

Both sides become :class:`~symattn.proofs.forms.Form` s (models are
compiled).  The argument:

1. each side's regions are proven to cover the space up to walls (a
   complete compile, or a decided tiling);
2. for every region A of ``a`` and every region B of ``b`` whose
   polynomials differ from A's, the intersection A ∩ B is proven empty.

When one side is the other's :meth:`~symattn.spline.Spline.simplify`, step 2
is replaced by re-checking the simplification's own record
(:mod:`symattn.proofs.simplified`): the same conclusion, from the emptiness
proofs the simplification used, without asking about unrelated overlaps.

Then a = b on the intersection of two open dense sets, which is dense, and
both are continuous, so a = b everywhere.

The regions of ``b`` are arranged as a tree of their conditions (a compiled
spline's conditions are the root-to-leaf paths of its case split).  For a
region A the tree is walked from the root: a subtree whose pieces all carry
A's polynomials is skipped without a question, and a branch is entered only
when the oracle (:func:`symattn.semialg.decide.emptiness`, the compiler's
layered :class:`~symattn.semialg.oracle.Oracle`) gives an exact witness of
A ∩ (conditions so far), which is the hint for the next question.  So the
work follows the overlaps where the values differ, not all pairs.

A non-empty overlap with different polynomials is a counterexample: its
witness, or a nearby rational point where the two polynomials differ (a
nonzero polynomial cannot vanish on an open set).  Both objects are
evaluated there independently (the exact interpreter for models), and
:class:`~symattn.proofs.errors.ProofError` is raised.  An undecided overlap
leaves the proof incomplete; it is never taken as empty.

>>> from symattn.nn import Attention, FeedForward
>>> relu_abs = FeedForward([[1, -1]], None, [[1], [1]], None)          # σ(x) + σ(−x)
>>> twice = FeedForward([[2, -2]], None, [["1/2"], ["1/2"]], None)      # same function
>>> proof = prove_equal(relu_abs, twice, n=1)
>>> proof.proved, proof.verdict
(True, 'PROVED')
>>> prove_equal(relu_abs, FeedForward([[1, -1]], None, [[1], [2]], None), n=1)    # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symattn.proofs.errors.ProofError: ... is false (a = ..., b = ...) at (x[0,0] = ...): ... != ...; there a is -x[0,0] and b is -2*x[0,0]; ...
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..semialg.decide import Feasible, Infeasible, emptiness
from ..checks import Check, Proof
from ..semialg.poly import evaluate
from ..latex_names import real_space
from .errors import ProofError
from .forms import Form, FormPiece, aligned, as_form
from .points import point_where_nonzero, random_points

__all__ = ["prove_equal"]


@dataclass
class _Node:
    """A node of the condition tree: its children by condition, the pieces ending here,
    and the distinct polynomial matrices of every piece below."""

    children: dict = field(default_factory=dict)
    leaves: list = field(default_factory=list)
    values: set = field(default_factory=set)


def condition_tree(pieces: tuple[FormPiece, ...]) -> _Node:
    root = _Node()
    for k, piece in enumerate(pieces):
        node = root
        node.values.add(piece.polys)
        for c in piece.conditions:
            node = node.children.setdefault(c, _Node())
            node.values.add(piece.polys)
        node.leaves.append(k)
    return root


@dataclass
class _Scan:
    """The overlaps of one side's regions with the other's, where the values differ."""

    form: Form
    tree: _Node
    questions: int = 0
    skipped: int = 0
    undecided: list = field(default_factory=list)

    def differing(self, piece: FormPiece):
        """Yield ``(index of b's piece, witness of the overlap)`` for overlaps with other values."""
        own = piece.polys
        stack = [(self.tree, (), piece.witness)]
        while stack:
            node, prefix, hint = stack.pop()
            if node.values == {own}:
                self.skipped += 1
                continue
            for k in node.leaves:
                if self.form.pieces[k].polys != own:
                    yield k, hint
            for c, child in reversed(node.children.items()):
                if child.values == {own}:
                    self.skipped += 1
                    continue
                path = prefix + (c,)
                self.questions += 1
                answer = emptiness(self.form.ring, piece.conditions + path, hint=hint)
                if isinstance(answer, Feasible):
                    stack.append((child, path, answer.witness))
                elif not isinstance(answer, Infeasible):
                    self.undecided.append((piece, path, answer.reason))


def _differing_point(conditions, P, Q, witness) -> dict | None:
    """An exact point of the (open, non-empty) overlap where the matrices P and Q differ."""
    ring = P[0][0].ring
    diffs = [p - q for row_p, row_q in zip(P, Q) for p, q in zip(row_p, row_q) if p != q]
    for d in diffs:
        if evaluate(d, witness) != 0:
            return dict(witness)
    for d in diffs:
        point = point_where_nonzero(conditions, d, witness)
        if point is not None:
            return point
    for d in diffs:
        for sign in (1, -1):
            answer = emptiness(ring, tuple(conditions) + ((d, sign),), hint=witness)
            if isinstance(answer, Feasible):
                return dict(answer.witness)
    return None


def _value(matrix: sympy.MatrixBase):
    return matrix[0, 0] if matrix.shape == (1, 1) else sympy.ImmutableMatrix(matrix)


def prove_equal(a: Any, b: Any, *, n: int | None = None, m: int | None = None, budget: Any = None,
                points: int = 8, seed: int = 0, executor: Any = None, workers: int | None = None) -> Proof:
    """Prove that ``a`` and ``b`` are the same function, or raise :class:`ProofError` with a point.

    ``a`` and ``b`` are any two of: a model, a :class:`~symattn.spline.Spline`,
    a :class:`~symattn.realize.MaxMin`, a :class:`~symattn.realize.Realization`
    (and univariate splines, CPWLs, lists of pieces: see
    :func:`~symattn.proofs.forms.as_form`).  ``n``/``m``/``budget`` are passed
    to :func:`symattn.compile` for models, and so are ``executor`` and ``workers``
    (their case splits on a process pool or cluster).  Variables are matched by name, or
    by position when the names differ (the claim says so).  ``points``
    seeded random rational points are also compared exactly.
    """
    t0 = time.perf_counter()
    scale = dict(executor=executor, workers=workers)
    fa = as_form(a, n=n, m=m, budget=budget, where="a", **scale)
    fb, note = aligned(fa, as_form(b, n=n, m=m, budget=budget, where="b", **scale))
    if fa.shape != fb.shape:
        from .errors import ProofInputError

        raise ProofInputError("b", f"is {fb.shape[0]}×{fb.shape[1]}-valued, a is {fa.shape[0]}×{fa.shape[1]}")
    t1 = time.perf_counter()
    claim = f"{fa.source} = {fb.source} on {real_space(fa.ring.ngens)}" + (f" ({note})" if note else "")
    own = _simplification_proof(a, b, claim)
    if own is not None:
        checks = list(own.checks)
        checks.append(_points_check(claim, checks, fa, fb, points, seed))
        return Proof(claim, tuple(checks), complete=own.complete, stats=dict(own.stats, compile_seconds=t1 - t0))
    scan = _Scan(fb, condition_tree(fb.pieces))
    checks = [fa.cover_check("a"), fb.cover_check("b")]
    method = "condition tree of b, exact overlaps (oracle: hint, syntactic, LRA, nlsat)"
    examined = 0
    for piece in fa.pieces:
        for k, witness in scan.differing(piece):
            examined += 1
            other = fb.pieces[k]
            conditions = piece.conditions + other.conditions
            point = _differing_point(conditions, piece.polys, other.polys, witness)
            if point is None:
                scan.undecided.append((piece, other.conditions, "the polynomials differ on a non-empty overlap, "
                                                                "but no exact point was found"))
                continue
            _refute(claim, checks, fa, fb, point, "equal on every overlap", method,
                    f"a region of a meets region {k} of b with other values", (piece.polys, other.polys))
    stats = dict(regions_a=len(fa.pieces), regions_b=len(fb.pieces), questions=scan.questions,
                 skipped=scan.skipped, overlaps_with_other_values=examined, compile_seconds=t1 - t0,
                 proof_seconds=time.perf_counter() - t1)
    detail = (f"{len(fa.pieces)} × {len(fb.pieces)} regions: {scan.questions} overlap questions, "
              f"{scan.skipped} subtrees with equal values skipped")
    if scan.undecided:
        _, path, reason = scan.undecided[0]
        checks.append(Check.undecided("equal on every overlap", method,
                                      f"{detail}; {len(scan.undecided)} overlaps undecided, first: {reason}"))
    else:
        checks.append(Check.passed("equal on every overlap", method, detail))
    checks.append(_points_check(claim, checks, fa, fb, points, seed))
    return Proof(claim, tuple(checks), complete=fa.complete and fb.complete, stats=stats)


def _simplification_proof(a: Any, b: Any, claim: str) -> Proof | None:
    """When one side is the other's :meth:`~symattn.spline.Spline.simplify`: the proof from its record
    (:mod:`symattn.proofs.simplified`), or None when the record does not describe it."""
    from .simplified import is_simplification, prove_simplification

    for original, simple in ((a, b), (b, a)):
        if is_simplification(original, simple):
            try:
                return prove_simplification(original, simple, claim)
            except ValueError:
                return None
    return None


def _refute(claim: str, checks: list, fa: Form, fb: Form, point: dict, name: str, method: str,
            detail: str, polys: tuple | None = None) -> None:
    """Evaluate both sides at ``point`` independently and raise the :class:`ProofError`.

    The error names both sides, the first output entry that differs and, when
    the pieces are known (``polys``), the two polynomials of that entry there.
    """
    va, vb = _value(fa.evaluate(point)), _value(fb.evaluate(point))
    if va == vb:        # the pieces disagree but the objects agree: a compiled piece is wrong
        raise RuntimeError(f"internal error: the pieces differ at {point} but both sides evaluate to {va}")
    ma, mb = (v if isinstance(v, sympy.MatrixBase) else sympy.Matrix([[v]]) for v in (va, vb))
    i, j = next((i, j) for i in range(ma.rows) for j in range(ma.cols) if ma[i, j] != mb[i, j])
    polynomials = None if polys is None else tuple(p[i][j].as_expr() for p in polys)
    entry = None if ma.shape == (1, 1) else (i, j)
    check = Check.failed(name, method, f"{detail}: a = {va}, b = {vb}", point)
    proof = Proof(claim, tuple(checks) + (check,), complete=False)
    raise ProofError(claim, point, (va, vb), detail, proof, sides=(fa.source, fb.source), entry=entry,
                     polynomials=polynomials)


def _points_check(claim: str, checks: list, fa: Form, fb: Form, count: int, seed: int) -> Check:
    """Both objects evaluated exactly and independently at seeded random rational points."""
    from .errors import ProofInputError

    name, method = "random rational points", "independent exact evaluation of both sides"
    compared = 0
    for point in random_points(fa.symbols, count, seed):
        try:
            va, vb = fa.evaluate(point), fb.evaluate(point)
        except ProofInputError:          # user pieces are not evaluated on their walls
            continue
        compared += 1
        if va != vb:
            _refute(claim, checks, fa, fb, point, name, method, "a random point")
    return Check.passed(name, method, f"{compared} points agree")
