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
        if not np.isfinite(xi):
            return None
        delta = rel * scale
        lo, hi = Fraction(xi - delta), Fraction(xi + delta)
        vals[i] = simplest_between(lo, hi) if lo < hi else Fraction(xi)
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


class _Ascent:
    """Float gradient ascent on the soft minimum of normalised margins.

    ``h_k(x) = t_k g_k(x) / (|c_k| rho(x)^d_k)`` with ``rho = sqrt(1 + |x|^2)``
    is scale-aware for homogeneous and inhomogeneous polynomials alike; the
    ascent pushes start points into the interior of the region, where
    rounding to rationals is easy.  Only proposes points.
    """

    def __init__(self, polys: Sequence[IntPoly], targets: Sequence[int], used: Sequence[int]):
        self.used = list(used)
        pos = {g: k for k, g in enumerate(self.used)}
        n = len(self.used)
        monos: dict[tuple, int] = {}
        entries = []
        for k, p in enumerate(polys):
            sgn = (1.0 if p.scale > 0 else -1.0) * targets[k]
            norm = float(np.sqrt(sum(float(c) ** 2 for c, _, _ in p.terms))) or 1.0
            for c, mon, _ in p.terms:
                key = tuple((pos[i], e) for i, e in mon)
                j = monos.setdefault(key, len(monos))
                entries.append((j, k, sgn * float(c) / norm))
        self.monos = list(monos)
        C = np.zeros((len(self.monos), len(polys)))
        for j, k, c in entries:
            C[j, k] += c
        self.C = C
        self.deg = np.array([p.degree for p in polys], dtype=float)
        # derivative monomials: d/dx_i of mono j = e * mono(j with e-1)
        dmonos: dict[tuple, int] = {}
        self.dentries = []          # (j, i, e, dj)
        for j, mon in enumerate(self.monos):
            for i, e in mon:
                dm = tuple((a, b - 1 if a == i else b) for a, b in mon if not (a == i and b == 1))
                dj = dmonos.setdefault(dm, len(dmonos))
                self.dentries.append((j, i, float(e), dj))
        self.dmonos = list(dmonos)
        self.n = n

    @staticmethod
    def _eval(monos, X):
        out = np.empty((X.shape[0], len(monos)))
        for j, mon in enumerate(monos):
            col = np.ones(X.shape[0])
            for i, e in mon:
                col = col * (X[:, i] if e == 1 else X[:, i] ** e)
            out[:, j] = col
        return out

    def margins_and_grad(self, X, beta):
        N = X.shape[0]
        Mon = self._eval(self.monos, X)
        G = Mon @ self.C                                   # (N, m)
        r2 = 1.0 + (X * X).sum(axis=1)                     # rho^2
        rd = r2[:, None] ** (self.deg[None, :] / 2)
        H = G / rd
        hmin = H.min(axis=1, keepdims=True)
        W = np.exp(-beta * (H - hmin))
        W /= W.sum(axis=1, keepdims=True)
        # d/dX of sum_k W_k H_k with W fixed
        dMon = self._eval(self.dmonos, X)
        coefW = (W / rd) @ self.C.T                         # (N, K): sum_k W_k C_jk / rho^dk
        grad = np.zeros((N, self.n))
        for j, i, e, dj in self.dentries:
            grad[:, i] += e * coefW[:, j] * dMon[:, dj]
        radial = (W * H * self.deg[None, :]).sum(axis=1) / r2
        grad -= radial[:, None] * X
        return H.min(axis=1), grad

    def run(self, X0: np.ndarray, iters: int = 60) -> tuple[np.ndarray, np.ndarray]:
        X = X0[:, self.used].copy()
        scale = 1.0 + np.sqrt((X * X).sum(axis=1, keepdims=True))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for it in range(iters):
                beta = 10.0 + 4.0 * it
                hmin, grad = self.margins_and_grad(X, beta)
                gn = np.sqrt((grad * grad).sum(axis=1, keepdims=True))
                step = 0.05 * scale / np.maximum(gn, 1e-300)
                step = np.where(np.isfinite(step), step, 0.0)
                X = X + step * grad * (0.97 ** it)
            hmin, _ = self.margins_and_grad(X, 50.0)
        return X, hmin


def ascend(ls: LineSearch, rng: np.random.Generator, starts: Optional[np.ndarray],
           centre: Optional[Sequence[float]], n: int = 48, iters: int = 60
           ) -> Optional[IntPoint]:
    """Witness proposal by soft-min margin ascent from ``n`` starts, checked exactly."""
    used = ls.used
    if not used:
        return None
    asc = _Ascent(ls.polys, ls.targets, used)
    ngens = ls.ngens
    X0 = np.zeros((n, ngens))
    X0[:, used] = rng.standard_normal((n, len(used)))
    if centre is not None:
        c = np.asarray(centre, dtype=float)
        X0[: n // 2] = c + X0[: n // 2] * 0.1 * (1.0 + float(np.max(np.abs(c[used]))))
    if starts is not None and len(starts):
        k = min(len(starts), n // 2)
        X0[n - k:] = starts[:k]
    X, hmin = asc.run(X0, iters)
    order = np.argsort(-np.where(np.isfinite(hmin), hmin, -np.inf))
    for idx in order[:3]:
        if not hmin[idx] > 0:
            break
        full = np.zeros(ngens)
        full[used] = X[idx]
        for rel in (1e-2, 1e-4, 1e-7, 1e-10):
            pt = _round_point(full, used, ngens, rel * min(1.0, float(hmin[idx])))
            if pt is not None and ls.is_witness(pt):
                return pt
    return None
