"""Exact witness search by crossing walls along rational lines.

Restricted to a line ``x = (nums + u*d)/D`` every condition polynomial is a
univariate integer polynomial ``q_k(u)``.  Its real roots cut the line into
cells on which every sign is constant; one rational per cell (the simplest
rational strictly inside) is scored by how many conditions hold there, and
the search moves greedily to the best cell.  Root locations come from
floats (fast) or from exact isolating intervals (sympy); *either way the
signs at the chosen rational are computed exactly*, so floats only propose.

Example: the thin region 0 < x < 1/1000, x^2 < y < x^2 + 10^-6 is found by a
handful of lines (see ``tests/semialg/test_oracle.py``).
"""
from __future__ import annotations

import math
import random
import time
from fractions import Fraction
from math import floor, gcd
from typing import Optional, Sequence

import numpy as np
from sympy.polys.domains import ZZ
from sympy.polys.rootisolation import dup_isolate_real_roots_list

from .poly import IntPoly
from ..rationals import to_fraction

__all__ = ["simplest_between", "LineSearch", "IntPoint"]

IntPoint = tuple[tuple[int, ...], int]   # (numerators, common denominator D > 0)


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational of least denominator (then least |numerator|) in the open (lo, hi).

    >>> simplest_between(Fraction(1, 3), Fraction(1, 2))
    Fraction(2, 5)
    >>> simplest_between(Fraction(-7, 2), Fraction(5))
    Fraction(0, 1)
    """
    if not lo < hi:
        raise ValueError(f"empty interval ({lo}, {hi})")
    if lo < 0 < hi:
        return Fraction(0)
    if hi <= 0:
        return -simplest_between(-hi, -lo)
    fl = floor(lo)
    if fl + 1 < hi:
        return Fraction(fl + 1)
    # fl <= lo < hi <= fl + 1: x = fl + 1/y with y in (1/(hi-fl), 1/(lo-fl))
    ylo = 1 / (hi - fl)
    if lo == fl:
        return fl + 1 / Fraction(floor(ylo) + 1)
    return fl + 1 / simplest_between(ylo, 1 / (lo - fl))


def _eval_sign(coeffs: Sequence[int], a: int, b: int) -> int:
    """Sign of sum c_j (a/b)^j for b > 0 (exact, Horner on b^deg * q(a/b))."""
    n = len(coeffs) - 1
    s = 0
    bp = 1
    # b^deg q(a/b) = sum c_j a^j b^(n-j); Horner in a with b-powers
    for j in range(n, -1, -1):
        s = s * a + coeffs[j] * bp
        bp *= b
    # the loop above computes sum c_j a^j b^(n-j) exactly:
    # after step j the partial sum is sum_{i>=j} c_i a^(i-j) b^(n-i)
    return (s > 0) - (s < 0)


def _float_roots(c: Sequence[int]) -> tuple[list[float], bool]:
    """Approximate real roots of sum c_j u^j; flag True when they look unreliable."""
    try:
        return _float_roots_unsafe(c)
    except (OverflowError, ZeroDivisionError):
        return [], True


def _float_roots_unsafe(c: Sequence[int]) -> tuple[list[float], bool]:
    n = len(c) - 1
    if n <= 0:
        return [], False
    if n == 1:
        return [-c[0] / c[1]], False
    if n == 2:
        a, b, cc = c[2], c[1], c[0]
        disc = b * b - 4 * a * cc             # exact integer
        if disc < 0:
            return [], False
        if disc == 0:
            return [-b / (2 * a)], False
        sq = math.isqrt(disc)
        r = sq if sq * sq == disc else _fsqrt(disc)
        q = -(b + r) / 2 if b >= 0 else -(b - r) / 2
        roots = [q / a] if q else []
        if q:
            roots.append(cc / q)
        else:
            roots = [0.0, -b / a]
        roots.sort()
        close = abs(roots[1] - roots[0]) <= 1e-9 * (1 + abs(roots[0]))
        return roots, close
    M = max(abs(v) for v in c)
    fc = [v / M for v in reversed(c)]          # int / int true division: no overflow
    try:
        rts = np.roots(fc)
    except (np.linalg.LinAlgError, ValueError):
        return [], True
    real = []
    suspicious = False
    for r in rts:
        scale = 1.0 + abs(r.real)
        if abs(r.imag) <= 1e-9 * scale:
            real.append(float(r.real))
        elif abs(r.imag) <= 1e-5 * scale:
            suspicious = True
    if not all(math.isfinite(v) for v in real):
        return [], True
    real.sort()
    return real, suspicious


def _fsqrt(n: int) -> float:
    try:
        return math.sqrt(n)
    except OverflowError:
        k = n.bit_length() // 2 - 500
        return math.sqrt(n >> (2 * k)) * 2.0 ** k


class LineSearch:
    """Greedy wall-crossing search for an exact point satisfying strict conditions.

    ``polys[k]`` must satisfy ``sign(polys[k]) == targets[k]``
    (targets already account for the sign of each IntPoly's scale).
    """

    def __init__(self, polys: Sequence[IntPoly], targets: Sequence[int], rng: random.Random):
        self.polys = list(polys)
        self.targets = list(targets)
        self.rng = rng
        self.ngens = polys[0].ngens if polys else 0
        used = sorted({i for p in polys for _, mon, _ in p.terms for i, _ in mon})
        self.used = used or list(range(self.ngens))
        self.lines = 0
        self.exact_lines = 0

    # ------------------------------------------------------------------
    def satisfied(self, pt: IntPoint) -> list[bool]:
        nums, D = pt
        return [p.sign_at(nums, D) == t for p, t in zip(self.polys, self.targets)]

    def score(self, pt: IntPoint) -> int:
        return sum(self.satisfied(pt))

    def is_witness(self, pt: IntPoint) -> bool:
        nums, D = pt
        for p, t in zip(self.polys, self.targets):
            if p.sign_at(nums, D) != t:
                return False
        return True

    # ------------------------------------------------------------------
    def _cells(self, qs: list[list[int]], exact: bool) -> list[Fraction]:
        """One rational per cell of the root arrangement of the ``qs`` on the u-line."""
        nonconst = [q for q in qs if len(q) > 1]
        if not nonconst:
            return [Fraction(0)]
        if not exact:
            roots: list[float] = []
            for q in nonconst:
                r, bad = _float_roots(q)
                if bad:
                    return self._cells(qs, True)
                roots.extend(r)
            roots.sort()
            out = []
            if not roots:
                return [Fraction(0)]
            out.append(Fraction(math.floor(roots[0]) - 1))
            for a, b in zip(roots, roots[1:]):
                gap = b - a
                if gap == 0:
                    continue          # a common root (or one floats cannot split)
                if gap <= 1e-9 * (1 + abs(a) + abs(b)):
                    return self._cells(qs, True)   # too close for floats: isolate exactly
                out.append(simplest_between(Fraction(a + gap / 4), Fraction(b - gap / 4)))
            out.append(Fraction(math.ceil(roots[-1]) + 1))
            return out
        self.exact_lines += 1
        ivs = dup_isolate_real_roots_list([list(reversed(q)) for q in nonconst], ZZ, strict=True)
        if not ivs:
            return [Fraction(0)]
        bounds = [(to_fraction(a), to_fraction(b)) for (a, b), _ in ivs]
        bounds.sort()
        out = [Fraction(math.floor(bounds[0][0]) - 1)]
        for (_, b1), (a2, _) in zip(bounds, bounds[1:]):
            if b1 < a2:
                out.append(simplest_between(b1, a2))
        out.append(Fraction(math.ceil(bounds[-1][1]) + 1))
        return out

    def best_on_line(self, pt: IntPoint, direction: Sequence[int], exact: bool = False
                     ) -> tuple[IntPoint, int]:
        """Best cell point on the line through ``pt`` along ``direction`` and its score."""
        self.lines += 1
        nums, D = pt
        qs = [p.restrict(nums, D, direction) for p in self.polys]
        cands = self._cells(qs, exact)
        best_u, best_s = None, -1
        m = len(qs)
        for u in cands:
            a, b = u.numerator, u.denominator
            s = 0
            for q, t in zip(qs, self.targets):
                if _eval_sign(q, a, b) == t:
                    s += 1
            if s > best_s or (s == best_s and abs(u) < abs(best_u)):
                best_u, best_s = u, s
                if s == m:
                    break
        a, b = best_u.numerator, best_u.denominator
        newnums = [b * n + a * d for n, d in zip(nums, direction)]
        newD = b * D
        g = newD
        for v in newnums:
            g = gcd(g, v)
            if g == 1:
                break
        if g > 1:
            newnums = [v // g for v in newnums]
            newD //= g
        return (tuple(newnums), newD), best_s

    # ------------------------------------------------------------------
    def _direction(self, pt: IntPoint, sat: list[bool], k: int) -> list[int]:
        rng = self.rng
        n = self.ngens
        choice = k % 4
        if choice in (0, 2):
            bad = [i for i, ok in enumerate(sat) if not ok]
            if bad:
                i = rng.choice(bad)
                nums, D = pt
                xf = [v / D for v in nums]
                grad = self.polys[i].float_gradient(xf)
                gmax = max(abs(v) for v in grad)
                if gmax > 0 and math.isfinite(gmax):
                    scale = 16.0 / gmax * self.targets[i] * (1 if self.polys[i].scale > 0 else -1)
                    d = [int(round(v * scale)) for v in grad]
                    if choice == 2:       # perturbed gradient: escapes degenerate lines
                        d = [v + rng.randint(-2, 2) for v in d]
                    if any(d):
                        return d
        if choice == 1:
            d = [0] * n
            d[rng.choice(self.used)] = 1
            return d
        d = [0] * n
        while not any(d):
            for i in self.used:
                d[i] = rng.randint(-3, 3)
        return d

    def search(self, start: IntPoint, max_lines: int, deadline: Optional[float] = None
               ) -> Optional[IntPoint]:
        """Walk from ``start`` for at most ``max_lines`` lines; an exact witness or None."""
        pt = start
        sat = self.satisfied(pt)
        score = sum(sat)
        m = len(self.polys)
        if score == m:
            return pt
        for k in range(max_lines):
            if deadline is not None and time.monotonic() > deadline:
                return None
            d = self._direction(pt, sat, k)
            new, s = self.best_on_line(pt, d)
            if s >= score:
                pt, score = new, s
                if s == m:
                    if self.is_witness(pt):
                        return pt
                    raise AssertionError("line search scored a non-witness")  # pragma: no cover
                sat = self.satisfied(pt)
        return None

    def random_point(self, spread: int = 4) -> IntPoint:
        rng = self.rng
        D = rng.choice((1, 1, 2, 3, 4, 5, 7))
        nums = [0] * self.ngens
        for i in self.used:
            nums[i] = rng.randint(-spread * D, spread * D)
        return tuple(nums), D
