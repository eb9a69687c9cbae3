"""Vectorised float sampling that *proposes* rational witness candidates.

Floats never decide anything here: a sampled point is rounded to a nearby
simple rational and then checked exactly with :class:`IntPoly` arithmetic.
The sampler's other use is to give the line search a good starting point
(the sample satisfying the most conditions).

Example: for 9 bilinear attention scores in 9 variables, one batch of 512
Gaussian points finds most of the ~500 nonempty sign patterns outright.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional, Sequence

import numpy as np

from .linesearch import IntPoint, LineSearch, simplest_between
from .poly import IntPoly, to_int_point

__all__ = ["FloatEvaluator", "propose"]


class FloatEvaluator:
    """Evaluates many IntPolys at many float points: ``values(X) -> (N, m)``."""

    def __init__(self, polys: Sequence[IntPoly]):
        monos: dict[tuple, int] = {}
        entries = []
        for k, p in enumerate(polys):
            for c, mon, _ in p.terms:
                j = monos.setdefault(mon, len(monos))
                entries.append((j, k, float(c) * (1.0 if p.scale > 0 else -1.0)))
        self.monos = list(monos)
        C = np.zeros((len(self.monos), len(polys)))
        for j, k, c in entries:
            C[j, k] += c
        self.C = C
        self.absC = np.abs(C)

    def values(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values of every polynomial (sign-corrected) and the sum of |terms| (a scale)."""
        N = X.shape[0]
        Mon = np.empty((N, len(self.monos)))
        with np.errstate(over="ignore", invalid="ignore"):
            for j, mon in enumerate(self.monos):
                col = np.ones(N)
                for i, e in mon:
                    col = col * (X[:, i] if e == 1 else X[:, i] ** e)
                Mon[:, j] = col
            return Mon @ self.C, np.abs(Mon) @ self.absC


def _round_point(x: np.ndarray, used: Sequence[int], ngens: int, rel: float) -> Optional[IntPoint]:
    scale = float(np.max(np.abs(x[list(used)]))) if len(used) else 1.0
    if not np.isfinite(scale) or scale == 0:
        return None
    vals = [Fraction(0)] * ngens
    for i in used:
        xi = float(x[i])
        delta = rel * scale
        vals[i] = simplest_between(Fraction(xi - delta), Fraction(xi + delta))
    return to_int_point(vals)


def propose(ls: LineSearch, ev: FloatEvaluator, rng: np.random.Generator,
            centre: Optional[Sequence[float]], n: int = 512
            ) -> tuple[Optional[IntPoint], Optional[IntPoint]]:
    """``(witness or None, best starting point)`` from ``n`` float samples.

    Samples are Gaussian around ``centre`` at several radii (or around the
    origin at several scales); the best sample is rounded to simple
    rationals, coarse first, and checked exactly.
    """
    used = ls.used
    ngens = ls.ngens
    X = np.zeros((n, ngens))
    k = len(used)
    Z = rng.standard_normal((n, k))
    if centre is not None:
        c = np.asarray(centre, dtype=float)[used]
        radius = 1.0 + float(np.max(np.abs(c))) if k else 1.0
        radii = np.repeat([1e-3, 1e-2, 1e-1, 1.0], -(-n // 4))[:n] * radius
        X[:, used] = c + Z * radii[:, None]
    else:
        radii = np.repeat([1.0, 10.0, 0.1, 100.0], -(-n // 4))[:n]
        X[:, used] = Z * radii[:, None]
    V, A = ev.values(X)
    targets = np.asarray(ls.targets, dtype=float)
    margin = V * targets / np.maximum(A, 1e-300)        # relative, sign-corrected
    margin = np.where(np.isfinite(margin), margin, -np.inf)
    sat = (margin > 1e-12).sum(axis=1)
    worst = margin.min(axis=1)
    order = np.lexsort((-worst, -sat))                   # most satisfied, then widest
    m = len(ls.targets)
    best_start = None
    for idx in order[:4]:
        if sat[idx] < m:
            break
        for rel in (1e-1, 1e-2, 1e-4, 1e-8):
            pt = _round_point(X[idx], used, ngens, rel * max(1e-12, min(1.0, float(worst[idx]))))
            if pt is not None and ls.is_witness(pt):
                return pt, pt
    i0 = order[0]
    best_start = _round_point(X[i0], used, ngens, 1e-3)
    return None, best_start
