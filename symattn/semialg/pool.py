"""A pool of exact rational sample points, evaluated in bulk with integer arithmetic.

The case split walks a tree of sign conditions.  Every node of that tree
keeps the indices of the pool points that satisfy its conditions; a branch
that still holds a point is nonempty *with an exact witness*, and no solver
is asked.  Only branches that lose every point go to the oracle.

Points are ``z / D`` with integer numerators ``z`` and a positive integer
``D``.  The sign of a polynomial ``g`` at ``z / D`` is the sign of the
integer ``D^deg · g(z / D)``, computed exactly: with numpy ``int64`` when a
bound on every term proves there is no overflow, and with Python integers
otherwise.  No float is ever used for a sign.

>>> from sympy import symbols
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y")
>>> R = polynomial_ring((x, y)); X, Y = R.gens
>>> pool = SamplePool.random(R, 500, seed=1)
>>> idx = pool.all()
>>> s = pool.signs(X * Y - 1, idx)
>>> bool(((s == 1) | (s == -1)).all())
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import numpy as np

from ..errors import InputError, ResourceError
from .poly import PolyElement, PolyRing, compile_poly
from .region import Witness

__all__ = ["SamplePool", "MAX_POOL_CELLS"]

_INT64_SAFE = 2**62

#: the most (point, variable) cells a pool may hold: 128 Mi int64 numerators, 1 GiB
MAX_POOL_CELLS = 1 << 27


class SamplePool:
    """Exact points ``Z[k] / D[k]`` over the generators of a ring."""

    def __init__(self, ring: PolyRing, Z: np.ndarray, D: np.ndarray) -> None:
        self.ring = ring
        self.Z = Z.astype(np.int64)
        self.D = D.astype(np.int64)
        self.bound = int(max(np.abs(self.Z).max(initial=1), self.D.max(initial=1)))
        # points added later (oracle witnesses), of any size: Python
        # integers in object arrays that grow by doubling, indices after the main block
        k = max(ring.ngens, 1)
        self._XZ = np.empty((16, k), dtype=object)
        self._XD = np.empty(16, dtype=object)
        self._added = 0
        self._xbound = 1

    @classmethod
    def random(cls, ring: PolyRing, count: int, seed: int = 0, base: int = 256,
               scales: Sequence[float] = (1.0, 1 / 8, 8.0)) -> "SamplePool":
        """``count`` Gaussian points at several scales, rounded to denominator ``base``.

        Floats only *propose* coordinates; each point is the exact rational
        ``round(g · scale · base) / base``.  A pool of more than
        :data:`MAX_POOL_CELLS` cells is refused with
        :class:`~symattn.errors.ResourceError` before it is allocated.

        >>> from sympy import symbols
        >>> from symattn.semialg.poly import polynomial_ring
        >>> SamplePool.random(polynomial_ring(symbols("a b")), 2**27)
        Traceback (most recent call last):
        ...
        symattn.errors.ResourceError: sample pool: 134,217,728 points in 2 variables are 268,435,456 numerators; at most 67,108,864 points fit (1 GiB)
        """
        k = ring.ngens
        if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 1:
            raise InputError("samples", f"a sample pool needs a positive whole number of points, got {count!r}")
        if count * max(k, 1) > MAX_POOL_CELLS:
            raise ResourceError("sample pool", f"{count:,} points in {k:,} variables are {count * k:,} numerators; "
                                f"at most {MAX_POOL_CELLS // max(k, 1):,} points fit (1 GiB)",
                                needed=8 * count * k, limit=8 * MAX_POOL_CELLS)
        rng = np.random.default_rng(seed)
        parts = np.array_split(np.arange(count), len(scales))
        Z = np.empty((count, k), dtype=np.int64)
        for scale, rows in zip(scales, parts):
            Z[rows] = np.rint(rng.standard_normal((len(rows), k)) * scale * base).astype(np.int64)
        return cls(ring, Z, np.full(count, base, dtype=np.int64))

    @property
    def size(self) -> int:
        return len(self.Z) + self._added

    def all(self) -> np.ndarray:
        return np.arange(self.size)

    def add(self, witness: Witness) -> int:
        """Add an exact point; returns its index."""
        return int(self.add_points([witness.int_point(self.ring)])[0])

    def add_points(self, points: Sequence[tuple[Sequence[int], int]]) -> np.ndarray:
        """Add exact points ``(numerators, D)`` (any size); returns their indices."""
        need = self._added + len(points)
        if need > len(self._XD):
            cap = max(need, 2 * len(self._XD))
            XZ, XD = np.empty((cap, self._XZ.shape[1]), dtype=object), np.empty(cap, dtype=object)
            XZ[:self._added], XD[:self._added] = self._XZ[:self._added], self._XD[:self._added]
            self._XZ, self._XD = XZ, XD
        for j, (nums, d) in enumerate(points, start=self._added):
            row = [int(v) for v in nums] or [0]
            self._XZ[j], self._XD[j] = row, int(d)
            self._xbound = max(self._xbound, int(d), *(abs(v) for v in row))
        start, self._added = self._added, need
        return np.arange(len(self.Z) + start, len(self.Z) + need)

    def clear_added(self) -> None:
        """Forget every added point (their indices are free again); the main block stays."""
        self._added, self._xbound = 0, 1

    def witness(self, index: int) -> Witness:
        """The exact point with this index."""
        if index < len(self.Z):
            z, d = self.Z[index].tolist(), int(self.D[index])
        else:
            j = index - len(self.Z)
            z, d = list(self._XZ[j]), int(self._XD[j])
        return Witness.from_fractions(self.ring, [Fraction(int(v), d) for v in z[:self.ring.ngens]])

    def signs(self, g: PolyElement, idx: np.ndarray) -> np.ndarray:
        """Exact signs (-1, 0, 1) of ``g`` at the points ``idx``, as an int8 array."""
        ip = compile_poly(g)
        out = np.empty(len(idx), dtype=np.int8)
        n_main = len(self.Z)
        main = idx < n_main
        if main.any():
            i = idx[main]
            out[main] = _signs(ip, self.Z[i], self.D[i], self.bound)
        if not main.all():
            j = idx[~main] - n_main
            out[~main] = _signs(ip, self._XZ[j], self._XD[j], self._xbound)
        return out


def _signs(ip, Z: np.ndarray, D: np.ndarray, bound: int) -> np.ndarray:
    """Exact signs of ``ip`` at the points ``Z[k] / D[k]``: int64 when ``bound`` (on every
    numerator and denominator) proves that no term overflows, Python integers otherwise."""
    n = len(D)
    if not ip.terms:
        return np.zeros(n, dtype=np.int8)
    deg = ip.degree
    total = sum(abs(c) for c, _, _ in ip.terms) * bound ** deg
    dtype = np.int64 if total < _INT64_SAFE else object
    Z, D = Z.astype(dtype), D.astype(dtype)
    powers: dict[tuple[int, int], np.ndarray] = {}
    dpow = [np.ones(n, dtype=dtype)]
    for _ in range(deg):
        dpow.append(dpow[-1] * D)
    acc = np.zeros(n, dtype=dtype)
    for c, mon, d in ip.terms:
        # D^deg · g(z / D): a term of degree d carries D^(deg - d); homogeneous g needs none
        term = dpow[deg - d] * int(c) if not ip.homogeneous else np.full(n, int(c), dtype=dtype)
        for i, e in mon:
            p = powers.get((i, e))
            if p is None:
                p = Z[:, i] ** e if e > 1 else Z[:, i]
                powers[(i, e)] = p
            term = term * p
        acc = acc + term
    s = np.sign(acc).astype(np.int8) if dtype is np.int64 else np.array(
        [(v > 0) - (v < 0) for v in acc], dtype=np.int8)
    return s if ip.scale > 0 else -s
