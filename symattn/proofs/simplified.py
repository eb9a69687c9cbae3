r"""A spline and its simplification are the same function: the simplification's justification, re-checked.

:meth:`~symattn.spline.Spline.simplify` keeps every piece (same pattern,
same polynomials) and replaces its region by a larger one; it records the
original regions and every emptiness it relied on.  This module re-checks
that record without trusting it:

1. **pieces**: piece k of both splines has the same polynomial matrix;
2. **regions**: the conditions of piece k are recomputed from the original
   region by factoring (:func:`~symattn.compiler.simplify.normalized`:
   exact algebra), then each recorded drop is replayed: the record's system
   must be exactly the conditions kept at that moment plus the opposite of
   the dropped one, and it must be empty.  Each step grows the region by a
   null set only (the zero set of a factor, or of the dropped condition's
   polynomial), so the new region equals the old one off a null set;
3. **rows** (what prints): the rows of each output entry partition the
   pieces by their value; every member lies inside a part of its row (one
   of its conditions, or the product of two, per condition of the part),
   and every part is a member's own conditions or meets no non-member (nor,
   for an incomplete original, an undecided sign system): they clash, or
   the recorded overlap is empty.  A part's union then equals its row's
   pieces off a null set, because the original pieces (and the undecided
   systems) cover the space off walls.

Each emptiness is re-checked exactly: a syntactic, Farkas or inertia
certificate is checked without a solver
(:func:`~symattn.semialg.certificates.check`); a record that rests on a
solver is decided anew by the oracle.  With a complete original, the two
splines agree off a closed null set, and both are continuous, so everywhere.
Nothing here asks about overlaps of unrelated regions, which is what makes
it fast on large splines.

>>> import symattn
>>> from symattn.nn import MaskedAttention
>>> s = symattn.compile(MaskedAttention([[1]], [[1]], [[1]]), n=3)
>>> proof = prove_simplification(s, s.simplify())
>>> proof.proved, [c.name for c in proof.checks][1:4]
(True, ['same pieces, same polynomials', 'regions equal off null sets', 'rows describe their pieces'])
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from ..checks import Check, Proof
from ..compiler.simplify import normalized
from ..compiler.unions import Literals
from ..semialg.certificates import Emptiness, check
from ..semialg.oracle import Infeasible, Oracle
from ..latex_names import real_space

__all__ = ["is_simplification", "prove_simplification", "RECHECK_SECONDS"]

#: seconds for deciding anew one emptiness that rests on a solver
RECHECK_SECONDS = 5.0


class _Mismatch(Exception):
    """The record does not describe the simplification it came with."""


def is_simplification(original: Any, simple: Any) -> bool:
    """``simple`` came from ``original.simplify()`` (its record names ``original``'s regions)."""
    from ..spline import Spline

    return (isinstance(original, Spline) and isinstance(simple, Spline) and simple.simplified is not None
            and len(simple.simplified.origin) == len(original.pieces) == len(simple.pieces)
            and simple.simplified.origin == original.regions)


class _Rechecker:
    """Re-checks emptiness records and counts how."""

    def __init__(self, ring) -> None:
        # a fresh oracle: its memory starts empty, so nothing the simplification was told is reused
        self.oracle = Oracle(ring, samples=0, line_budget=(0, 0), ascent=False)
        self.how: Counter[str] = Counter()

    def __call__(self, record: Emptiness) -> bool | None:
        """True when re-checked empty, None when the re-check is undecided."""
        if check(record):
            self.how[f"{record.procedure} certificate"] += 1
            return True
        answer = self.oracle.decide(record.conditions, deadline=time.monotonic() + RECHECK_SECONDS)
        if isinstance(answer, Infeasible):
            self.how["decided anew"] += 1
            return True
        self.how["undecided"] += 1
        return None


def _regions(original, simple, recheck: _Rechecker) -> tuple[bool, list]:
    """Replay each piece's chain; (all re-checked, the normalised conditions of every original piece)."""
    decided, literals = True, []
    for k, (old, new, proofs) in enumerate(zip(original.pieces, simple.pieces, simple.simplified.dropped)):
        current = list(normalized(old.region)[0])
        literals.append(Literals(tuple(current)))
        for record in proofs:
            (g, s), others = record.conditions[0], record.conditions[1:]
            if (g, -s) not in current or set(others) != set(current) - {(g, -s)} or len(others) != len(current) - 1:
                raise _Mismatch(f"piece {k}: a recorded drop does not match the conditions kept")
            decided = bool(recheck(record)) and decided
            current.remove((g, -s))
        if tuple(current) != new.region.conditions:
            raise _Mismatch(f"piece {k}: the replayed conditions are not the piece's")
    return decided, literals


def _rows(simple, literals: list, recheck: _Rechecker) -> bool:
    decided, count = True, len(simple.pieces)
    others = list(enumerate(literals)) + [(-1 - k, Literals(normalized(case.conditions)[0]))
                                          for k, case in enumerate(simple.undecided)]
    for (i, j), rows in simple.simplified.entries.items():
        seen = sorted(k for row in rows for k in row.pieces)
        if seen != list(range(count)):
            raise _Mismatch(f"entry ({i}, {j}): the rows do not partition the pieces")
        for row in rows:
            if any(simple.pieces[k].polys[i][j] != row.value for k in row.pieces):
                raise _Mismatch(f"entry ({i}, {j}): a row's value is not its pieces' value")
            if row.where is None:
                if len(row.pieces) != count:
                    raise _Mismatch(f"entry ({i}, {j}): a row 'everywhere' misses pieces")
                continue
            members = set(row.pieces)
            for k in row.pieces:
                if not any(all(literals[k].implies(c) for c in part) for part in row.where):
                    raise _Mismatch(f"entry ({i}, {j}): piece {k} lies in no part of its row")
            proofs = list(row.proofs) + [()] * (len(row.where) - len(row.proofs))
            for part, records in zip(row.where, proofs):
                if any(set(part) == set(literals[k].conditions) for k in row.pieces):
                    continue                      # a member's own region: inside the row by definition
                by_system = {frozenset(r.conditions): r for r in records}
                for n, other in others:
                    if n in members or any(other.refutes(c) for c in part):
                        continue
                    record = by_system.get(frozenset(tuple(part) + other.conditions))
                    if record is None:
                        what = f"piece {n}" if n >= 0 else f"undecided system {-1 - n}"
                        raise _Mismatch(f"entry ({i}, {j}): no proof that a part misses {what}")
                    decided = bool(recheck(record)) and decided
    return decided


def prove_simplification(original, simple, claim: str | None = None) -> Proof:
    """Prove ``original`` and ``simple = original.simplify()`` equal from the simplification's record.

    Raises ``ValueError`` when ``simple`` is not a simplification of
    ``original`` or its record does not describe it (then only
    :func:`~symattn.proofs.prove_equal`'s overlap search can decide).
    """
    if not is_simplification(original, simple):
        raise ValueError("the second spline is not a simplification of the first")
    t0 = time.perf_counter()
    claim = claim or f"a spline = its simplification on {real_space(len(original.variables))}"
    method = "the simplification's record, re-checked"
    recheck = _Rechecker(original.ring)
    try:
        if any(a.polys != b.polys for a, b in zip(original.pieces, simple.pieces)):
            raise _Mismatch("a piece's polynomials changed")
        regions_ok, literals = _regions(original, simple, recheck)
        regions_how = dict(recheck.how)
        rows_ok = _rows(simple, literals, recheck)
    except _Mismatch as exc:
        raise ValueError(f"the simplification's record does not describe it: {exc}") from None
    rows_how = {k: v - regions_how.get(k, 0) for k, v in recheck.how.items() if v - regions_how.get(k, 0)}
    drops = sum(map(len, simple.simplified.dropped))

    def said(how: dict) -> str:
        return ", ".join(f"{v} by {k}" for k, v in sorted(how.items())) or "none needed"

    cover = (Check.passed("a: the original spline", "complete compile",
                          f"{len(original.pieces)} regions, proven to cover up to walls") if original.complete else
             Check.undecided("a: the original spline", "complete compile", "the compile is incomplete"))
    checks = [
        cover,
        Check.passed("same pieces, same polynomials", "exact comparison", f"{len(simple.pieces)} pieces"),
        (Check.passed if regions_ok else Check.undecided)(
            "regions equal off null sets", method,
            f"factoring recomputed; {drops} dropped conditions, their emptiness: {said(regions_how)}"),
        (Check.passed if rows_ok else Check.undecided)(
            "rows describe their pieces", method,
            f"{sum(len(r) for r in simple.simplified.entries.values())} rows; parts clash with other pieces or "
            f"their overlaps are empty: {said(rows_how)}"),
    ]
    stats = dict(regions=len(simple.pieces), rechecks=dict(recheck.how), proof_seconds=time.perf_counter() - t0)
    return Proof(claim, tuple(checks), complete=original.complete, stats=stats)
