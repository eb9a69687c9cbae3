"""Re-proving a spline's completeness: a spline file's ``complete`` is a claim, this makes it a proof.

:func:`reprove_complete` decides the case split of the spline's graph anew
(the same walk, the same oracles, within a budget) and compares: the
recompiled regions must be exactly the listed ones, by ReLU sign pattern.
Every sign system the case split enumerates is therefore decided again in
this process; nothing of the file is trusted but the model it names and
the emptiness certificates it carries, and those only after an exact
check: a branch whose sign system has a checked ``syntactic`` or
``farkas`` certificate (:mod:`symattn.semialg.certificates`) is pruned
without asking a solver; every other branch goes to the oracles as in a
compile.  ``stats["reproved"]`` counts what settled each branch.

>>> import symattn
>>> from symattn.nn import Attention
>>> s = symattn.compile(Attention([[1]], [[1]], [[1]]), n=2)
>>> claimed = symattn.Spline.from_json(s.to_json())
>>> claimed.completeness, reprove_complete(claimed).completeness
('claimed', 'proved')
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

from ..spline import SoundnessError, Spline
from .casesplit import Budget
from ..semialg.certificates import CertifiedEmptiness
from .pipeline import compile_graph, default_oracles

__all__ = ["reprove_complete", "ClaimNotReproved", "ClaimRefuted"]


class ClaimNotReproved(UserWarning):
    """The budget ran out before the completeness claim was re-proved; the spline stays *claimed*."""


class ClaimRefuted(SoundnessError):
    """Re-deciding the case split found a region the spline does not list: its completeness claim is false."""


def reprove_complete(spline: Spline, budget: Budget | float | None = None, **options: Any) -> Spline:
    """``spline`` with its completeness claim re-proved (``completeness == "proved"``).

    A spline that is proved or incomplete comes back unchanged.  When the
    recompile runs out of ``budget`` the spline stays claimed and a
    :class:`ClaimNotReproved` warning says so; when it finds a region that
    is not listed, :class:`ClaimRefuted` names its witness.  With
    ``workers=`` or ``executor=`` the recompile runs by tasks, and every
    branch is decided by the oracles (the file's certificates are checked
    when it is read, but not shipped to the workers).
    """
    if spline.completeness != "claimed":
        return spline
    by_tasks = any(options.get(k) is not None for k in ("workers", "executor", "checkpoint"))
    oracles = None if by_tasks else [CertifiedEmptiness(spline.emptiness), *default_oracles(spline.ring)]
    again = compile_graph(spline.graph, budget=budget, progress=False, substitution=spline.substitution,
                          oracle=oracles, **options)
    listed = {p.pattern for p in spline.pieces}
    missing = [p for p in again.pieces if p.pattern not in listed]
    if missing:
        raise ClaimRefuted(f"the spline claims to be complete, but {len(missing)} region(s) are not listed, "
                           f"one with the witness {dict(missing[0].witness)}")
    if not again.complete:
        warnings.warn(f"the completeness claim was not re-proved: {len(again.undecided)} sign systems stayed "
                      "undecided within the budget (give a larger budget=); the spline stays claimed complete",
                      ClaimNotReproved, stacklevel=2)
        return spline
    found = {p.pattern for p in again.pieces}
    if found != listed:  # a listed piece has a checked witness, so a sound compile finds it
        raise SoundnessError("a listed region with a checked witness was not found again")
    stats = dict(spline.stats, reproved=dict(again.stats))
    return replace(spline, complete=True, claimed_complete=False, stats=stats, emptiness=again.emptiness)
