"""z3 as an exact back end: QF_LRA (linear) and QF_NRA (nlsat) checks.

Polynomials arrive as integer term lists ``[(c, ((i, e), ...)), ...]`` (see
:class:`~symattn.semialg.poly.IntPoly`) and become z3 terms with exact
integer coefficients.  Results:

* ``("sat", values)`` -- ``values`` yields rational approximations of the
  model (exact for rational models, ever finer for algebraic ones); the
  caller must still check them exactly;
* ``("unsat", core)`` -- a proof of emptiness (``core`` lists indices of an
  infeasible subset when z3 reports one, else all indices);
* ``("unknown", reason)`` -- timeout, resource limit, interruption, error.

Each backend owns a private ``z3.Context`` so a watchdog can interrupt it
without touching other z3 users.
"""
from __future__ import annotations

import threading
import time
from fractions import Fraction
from typing import Iterator, Optional, Sequence

import z3

#: z3 resource units granted per second of time limit, in process and in the
#: portfolio's z3.  The count per second varies a lot between problems, so the
#: wall-clock limit stays as the hard stop; when the rlimit fires first the
#: verdict is independent of machine load.
RLIMIT_PER_SECOND = 500_000

__all__ = ["Z3Backend"]

Terms = Sequence[tuple[int, tuple[tuple[int, int], ...]]]


class Z3Backend:
    def __init__(self, ngens: int):
        self.ngens = ngens
        self._reset()

    def _reset(self) -> None:
        self.ctx = z3.Context()
        self.vars = [z3.Real(f"x{i}", self.ctx) for i in range(self.ngens)]
        self._cache: dict[tuple, z3.ArithRef] = {}

    # ------------------------------------------------------------------
    def expr(self, terms: Terms) -> z3.ArithRef:
        key = tuple(terms)
        e = self._cache.get(key)
        if e is not None:
            return e
        ctx, xs = self.ctx, self.vars
        parts = []
        for c, mon in terms:
            factors = []
            for i, k in mon:
                factors.extend([xs[i]] * k)
            if not factors:
                parts.append(z3.RealVal(c, ctx))
                continue
            mono = factors[0] if len(factors) == 1 else z3.Product(*factors)
            parts.append(mono if c == 1 else z3.RealVal(c, ctx) * mono)
        if not parts:
            e = z3.RealVal(0, ctx)
        elif len(parts) == 1:
            e = parts[0]
        else:
            e = z3.Sum(*parts)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = e
        return e

    def atom(self, terms: Terms, sign: int) -> z3.BoolRef:
        e = self.expr(terms)
        zero = z3.RealVal(0, self.ctx)
        return e > zero if sign > 0 else e < zero

    # ------------------------------------------------------------------
    def check(self, conditions: Sequence[tuple[Terms, int]], *, logic: str,
              timeout: float, deadline: Optional[float] = None,
              want_core: bool = False, nonneg: Sequence[int] = ()):
        """Decide the conjunction of ``sign * poly > 0``; see the module docstring."""
        now = time.monotonic()
        if deadline is not None:
            timeout = min(timeout, deadline - now)
        if timeout <= 0:
            return ("unknown", "deadline reached before z3 call")
        ms = max(1, int(timeout * 1000))       # z3: timeout 0 would mean "none"
        try:
            s = z3.SolverFor(logic, ctx=self.ctx)
            s.set("timeout", ms)
            s.set("rlimit", max(1, int(RLIMIT_PER_SECOND * timeout)))   # per check, not cumulative
            atoms = [self.atom(t, sg) for t, sg in conditions]
            if want_core:
                marks = [z3.Bool(f"c{k}", self.ctx) for k in range(len(atoms))]
                for b, a in zip(marks, atoms):
                    s.add(z3.Implies(b, a))
            else:
                s.add(*atoms)
            zero = z3.RealVal(0, self.ctx)
            for j in nonneg:
                s.add(self.vars[j] >= zero)
            # watchdog: z3 honours "timeout" but an interrupt is a hard stop
            fired = []
            ctx, xs = self.ctx, self.vars

            def stop():
                fired.append(True)
                ctx.interrupt()
            timer = threading.Timer(timeout + 0.25, stop)
            timer.daemon = True
            timer.start()
            try:
                res = s.check(*marks) if want_core else s.check()
            finally:
                timer.cancel()
                if fired:          # the context may keep the cancel flag: start afresh
                    self._reset()
        except z3.Z3Exception as exc:              # pragma: no cover - defensive
            return ("unknown", f"z3 error: {exc}")
        if res == z3.sat:
            return ("sat", self._model_values(s.model(), xs))
        if res == z3.unsat:
            if want_core:
                names = {str(b): k for k, b in enumerate(marks)}
                core = sorted(names[str(b)] for b in s.unsat_core())
                return ("unsat", core)
            return ("unsat", list(range(len(conditions))))
        reason = s.reason_unknown() or "unknown"
        elapsed = time.monotonic() - now
        return ("unknown", f"z3 {logic} {reason} after {elapsed:.2f}s")

    @staticmethod
    def _model_values(model, xs) -> Iterator[list[Optional[Fraction]]]:
        """Rational approximations of the model, coarse to fine (exact when rational)."""
        vals = [model.eval(x, model_completion=True) for x in xs]
        exact = all(not z3.is_algebraic_value(v) for v in vals)

        def gen():
            for prec in ((0,) if exact else (8, 16, 32, 64, 128)):
                out = []
                for v in vals:
                    if z3.is_algebraic_value(v):
                        v = v.approx(prec)
                    if z3.is_rational_value(v):
                        out.append(Fraction(v.as_fraction()))
                    else:                          # pragma: no cover
                        out.append(None)
                yield out
        return gen()
