"""Checkpoints of a compile that runs by tasks: what is done, what is open, and resuming from it.

The file is JSON, written atomically (a temporary file renamed over the
old one) at most every :data:`EVERY` seconds and when the compile ends::

    {"format": "symattn-checkpoint", "version": 1,
     "job": "<sha-256 of the job>",                 # graph, substitution, pool, oracle passes
     "done": [{"pieces": [[pattern, witness], ...],
               "pruned": [[prefix, reason], ...],   # sign systems proven empty
               "undecided": [[prefix, reason], ...]}, ...],
     "open": [prefix, ...]}                          # explored by no finished task

No polynomial is stored: everything is recomputed from the model.  What
the file says is a claim, and resuming re-proves it or asks again:

* a piece is walked along its pattern with every ReLU sign checked at its
  witness, exactly; the region is rebuilt from the model (a witness that
  fails refuses the file with :class:`~symattn.errors.CheckpointError`);
* an emptiness record is replayed from its prefix to its sign system, and
  kept when a certificate for it checks exactly without a solver
  (:mod:`symattn.semialg.certificates`: syntactic, Farkas, inertia);
  one that rests on a solver's "unsat", and every undecided one, is asked
  again;
* an open prefix is replayed (its witness checked) and explored.

So a resumed compile gives the spline an uninterrupted one gives.
"""

from __future__ import annotations

import json
import os
import time
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import CheckpointError, InputError
from ..interpret.walkers import PatternPolys
from ..semialg.certificates import CHECKABLE, Emptiness, certify, check
from ..semialg.poly import compile_poly, to_int_point
from ..semialg.region import Condition, Region, Witness
from .casesplit import Budget, LeafPiece
from .subtree import Prefix
from .tasks import JobContext

__all__ = ["Checkpoint", "FORMAT", "VERSION", "EVERY"]

FORMAT = "symattn-checkpoint"
VERSION = 1
#: the least seconds between two writes while the compile runs
EVERY = 5.0


class _SignsChecked(PatternPolys):
    """The walk along a pattern that checks each ReLU sign at an exact point."""

    def __init__(self, ring, pattern, params, point) -> None:
        super().__init__(ring, pattern, params)
        self.point, self.wrong = point, None

    def record(self, g, s: int) -> None:
        sign = ((g.LC > 0) - (g.LC < 0) if g else 0) if g.is_ground else compile_poly(g).sign_at(*self.point)
        if sign != s and self.wrong is None:
            self.wrong = self.position - 1
        super().record(g, s)


class Checkpoint:
    """The checkpoint at ``path`` of the compile whose job is ``job`` (see the module docstring)."""

    def __init__(self, path: str | os.PathLike, key: str, job: Mapping[str, Any]) -> None:
        self.path, self.key, self.job = Path(path), key, job
        self.done: list[dict] = []
        self.reopened: list[tuple[Prefix, tuple[Condition, ...]]] = []
        self._written = 0.0
        self._ctx: JobContext | None = None

    def exists(self) -> bool:
        return self.path.exists()

    @property
    def ctx(self) -> JobContext:
        if self._ctx is None:
            self._ctx = JobContext(self.job)
        return self._ctx

    # -- writing ------------------------------------------------------------
    def record(self, raw: Mapping[str, Any]) -> None:
        """Keep a finished task's result, without its polynomials."""
        self.done.append({"pieces": [[p, w] for p, w, _ in raw["pieces"]],
                          "pruned": [[prefix, reason] for _, reason, prefix in raw["pruned"]],
                          "undecided": [[prefix, reason] for _, reason, prefix in raw["undecided"]]})

    def write(self, open_prefixes: Iterable[Prefix], force: bool = False) -> None:
        if not force and time.monotonic() - self._written < EVERY:
            return
        doc = {"format": FORMAT, "version": VERSION, "job": self.key, "done": self.done,
               "open": [p.to_data() for p in open_prefixes]}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(doc))
        os.replace(tmp, self.path)
        self._written = time.monotonic()

    # -- reading --------------------------------------------------------------
    def load(self) -> tuple[list[LeafPiece], list[Emptiness]]:
        """The re-proved pieces and emptiness records; what must be asked again goes to ``reopened``."""
        where = str(self.path)
        try:
            doc = json.loads(self.path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CheckpointError(where, f"not a readable checkpoint: {e}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise CheckpointError(where, f"not a {FORMAT} file of version {VERSION}")
        if doc.get("job") != self.key:
            raise CheckpointError(f"{where}: job", "written by a compile of another model, substitution, "
                                                   "sample pool or oracle passes")
        pieces: list[LeafPiece] = []
        pruned: list[Emptiness] = []
        for i, entry in enumerate(_list(doc, "done", where)):
            at = f"{where}: done[{i}]"
            for j, item in enumerate(_list(entry, "pieces", at)):
                pieces.append(self._piece(item, f"{at}.pieces[{j}]"))
            kept = []
            for j, item in enumerate(_list(entry, "pruned", at)):
                prefix, conditions = self._replay(_pair(item, f"{at}.pruned[{j}]")[0], f"{at}.pruned[{j}]")
                record = Emptiness(conditions, str(item[1]))
                proof = certify(record)
                if proof.procedure in CHECKABLE and check(proof):
                    pruned.append(record)
                    kept.append(item)
                else:
                    self.reopened.append((prefix, conditions))
            for j, item in enumerate(_list(entry, "undecided", at)):
                self.reopened.append(self._replay(_pair(item, f"{at}.undecided[{j}]")[0], f"{at}.undecided[{j}]"))
            # what is asked again is written again by the task that asks it, not twice
            self.done.append({"pieces": entry["pieces"], "pruned": kept, "undecided": []})
        for k, data in enumerate(_list(doc, "open", where)):
            self.reopened.append(self._replay(data, f"{where}: open[{k}]"))
        return pieces, pruned

    def _piece(self, item: Any, where: str) -> LeafPiece:
        pattern, witness = _pair(item, where)
        ctx = self.ctx
        try:
            values = [Fraction(c) for c in witness]
            if len(values) != ctx.ring.ngens or not all(s in (-1, 0, 1) for s in pattern):
                raise ValueError("wrong length or signs")
        except (TypeError, ValueError, ZeroDivisionError) as e:
            raise CheckpointError(where, f"a piece is [pattern of -1/0/1, witness of {ctx.ring.ngens} exact "
                                         f"rationals]: {e}") from None
        walker = _SignsChecked(ctx.ring, tuple(pattern), ctx.params, to_int_point(values))
        try:
            walker.run(ctx.graph, ctx.inputs)
        except (IndexError, InputError):
            raise CheckpointError(where, "the pattern is not one of the model's") from None
        if walker.wrong is not None or walker.walls or walker.position != len(pattern):
            raise CheckpointError(where, f"the model's ReLU signs at the witness are not the pattern "
                                         f"(position {walker.wrong})")
        return LeafPiece(Region(tuple(walker.conditions), Witness.from_fractions(ctx.ring, values)), tuple(pattern))

    def _replay(self, data: Any, where: str) -> tuple[Prefix, tuple[Condition, ...]]:
        """The prefix in the file, with its sign system recomputed by replaying it (witness checked)."""
        try:
            prefix = Prefix.from_data(data)
            if not prefix.signs:
                return prefix, ()
            split = self.ctx.explore(prefix, 0.0, Budget())      # no time: the replay, and nothing below
        except InputError as e:
            raise CheckpointError(where, str(e)) from None
        (found, conditions), = split.frontier
        return prefix, conditions


def _list(doc: Any, key: str, where: str) -> list:
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, list):
        raise CheckpointError(where, f"{key!r} must be a list")
    return value


def _pair(item: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(item, list) or len(item) != 2:
        raise CheckpointError(where, f"expected a pair, got {item!r}")
    return item[0], item[1]
