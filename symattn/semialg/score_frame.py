"""Score frames: the symmetry of one score matrix removes a token's coordinates.

Scores without bias are ``S_ab = x_a^T M x_b`` for the tokens ``x_a`` of one
input matrix X (rows ``X[a,0], ..., X[a,p-1]``), p = 2 or 3.  Split
``M = B + C`` into symmetric and skew parts.  A linear map L with
``L^T M L = M`` changes no score, so it maps the region of any sign pattern
of the scores onto itself, token by token (``x_a -> L x_a`` for every a).

**The frame.** For p = 3 and C != 0, let c span the kernel of C, assume
``beta = B(c, c) != 0`` and let ``e_1, e_2`` be a B-orthogonal basis of the
plane ``c^perp = {y : B(c, y) = 0}`` (exact Gram-Schmidt), ``e_3 = c``.  In
the coordinates u of ``E = [e_1 e_2 e_3]``

    E^T M E = diag(alpha_1, alpha_2, beta) + gamma J,   J(u, v) = u_1 v_2 - u_2 v_1,

since the skew part has kernel ``e_3``.  For p = 2 the frame is a
B-orthogonal basis of the plane itself, with no ``e_3``.

**Claim.** Every linear map L that fixes ``e_3`` and acts on the plane with
determinant 1 preserving ``q = alpha_1 u_1^2 + alpha_2 u_2^2`` (rotations when
q is definite, boosts and -1 when it is not) preserves both forms, so it
changes no score.  Such maps move the plane part ``y != 0`` of a token to
``t e`` with ``t > 0``, for any e of the same type: every e when q is
definite, every e with ``sign q(e) = sign q(y)`` when q is indefinite (its
group acts transitively on the rays of each sign of q, and -1 swaps the two
halves).  Scaling the token by ``1/t > 0`` keeps every score's sign.  So
a nonempty (open) region contains a point whose token ``a`` is
``E(e + s e_3)``: one free coordinate s instead of three (none for p = 2).
Zero and null plane parts form a null set, which an open set never fills.

The case list is one system (q definite), or two (q indefinite), one when a
diagonal score forces the type: ``B(x_a, x_a) = q(y) + beta s^2``, so
``S_aa < 0`` with ``beta > 0`` forces ``q(y) < 0`` and ``S_aa > 0`` with
``beta < 0`` forces ``q(y) > 0``.  The region is empty iff every case is.

Only conditions that are exactly score forms of X enter; the others are
dropped, which keeps emptiness sound (a subset's emptiness is the whole's)
but then a case's witness is not one of the whole system.

Example: ``M = [[1, 2], [0, -1]]`` (p = 2, q indefinite) and tokens with
``S_00 > 0 > S_01``.  The frame is ``E = [[1, -1], [0, 1]]`` with
``E^T M E = [[1, 1], [-1, -2]]``; token 0 may be taken as ``E (1, 0) = (1, 0)``,
which leaves ``1 > 0`` and ``u_10 + u_11 < 0`` in the frame coordinates u of
token 1.

>>> from sympy import Symbol
>>> from symattn.semialg.poly import polynomial_ring
>>> R = polynomial_ring([Symbol(f"X[{a},{c}]") for a in range(2) for c in range(2)]); g = R.gens
>>> S01 = g[0]*g[2] + 2*g[0]*g[3] - g[1]*g[3]
>>> frame = score_frame(R, [(g[0]**2 + 2*g[0]*g[1] - g[1]**2, 1), (S01, -1)])
>>> len(frame.cases), frame.cases[0]
(1, [(1, 1), (X[1,0] + X[1,1], -1)])
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Sequence

from .inertia import score_form, format_matrix, pad_matrix, tokens
from .poly import PolyElement, PolyRing

__all__ = ["ScoreFrame", "score_frame"]

_Matrix = list[list[Fraction]]


@dataclass(frozen=True)
class ScoreFrame:
    """The reduced systems of :func:`score_frame` and how to read them.

    ``cases``: systems in the same ring, the token's generators replaced (all
    but ``X[a, 2]`` for p = 3, which plays s; none for p = 2).  ``complete``:
    every condition entered, so a case's witness maps back by :meth:`lift`.
    """
    cases: list[list[tuple[PolyElement, int]]]
    statement: str
    complete: bool
    frame: tuple[tuple[Fraction, ...], ...]         # E, columns e_1, e_2 (, e_3)
    token: tuple[str, int]
    directions: tuple[tuple[Fraction, ...], ...]    # e per case, in frame coordinates
    gens: dict[tuple[str, int, int], int]           # (X, a, c) -> generator index

    def lift(self, case: int, values: Sequence[Fraction]) -> list[Fraction]:
        """A point of the original system from a point of case ``case`` (exact)."""
        out = [Fraction(v) for v in values]
        name, a0 = self.token
        p = len(self.frame)
        rows = {}
        for (nm, a, c), i in self.gens.items():
            if nm == name:
                rows.setdefault(a, [Fraction(0)] * p)[c] = out[i]
        for a, u in rows.items():
            if a == a0:
                u = list(self.directions[case]) + ([u[2]] if p == 3 else [])
            x = [sum(self.frame[r][k] * u[k] for k in range(p)) for r in range(p)]
            for c in range(p):
                out[self.gens[(name, a, c)]] = x[c]
        return out


def _matmul(A: _Matrix, B: _Matrix) -> _Matrix:
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))] for i in range(len(A))]


def _transpose(A: _Matrix) -> _Matrix:
    return [list(r) for r in zip(*A)]


def _proportional(A: _Matrix, ref: Optional[_Matrix]) -> tuple[bool, _Matrix]:
    """(whether A is a multiple of ref, the reference to keep): ref None takes A's."""
    flat = [v for r in A for v in r]
    if not any(flat):
        return True, ref
    if ref is None:
        return True, A
    ref_flat = [v for r in ref for v in r]
    k = next(i for i, v in enumerate(ref_flat) if v)
    lam = flat[k] / ref_flat[k]
    return all(v == lam * w for v, w in zip(flat, ref_flat)), ref


def _frame(B: _Matrix, C: Optional[_Matrix], p: int) -> Optional[tuple[_Matrix, list[Fraction], Fraction]]:
    """``(E, q, beta)``: E's columns a B-orthogonal basis of c^perp (then c), q = B on them, beta =
    B(c, c); or None when degenerate."""
    def form(u, v):
        return sum(u[i] * B[i][j] * v[j] for i in range(p) for j in range(p))

    if p == 3:
        c = [C[2][1], C[0][2], C[1][0]]               # C y = c x y: the kernel of C
        beta = form(c, c)
        if beta == 0:
            return None
        Bc = [sum(B[i][j] * c[j] for j in range(3)) for i in range(3)]
        k = next(i for i in range(3) if Bc[i])        # c^perp: solve Bc . y = 0
        others = [i for i in range(3) if i != k]
        plane = []
        for i in others:
            y = [Fraction(0)] * 3
            y[i], y[k] = Bc[k], -Bc[i]
            plane.append(y)
    else:
        c, beta, plane = None, Fraction(0), [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
    candidates = [plane[0], plane[1], [a + b for a, b in zip(*plane)]]
    v1 = next((v for v in candidates if form(v, v)), None)
    if v1 is None:
        return None                                   # q = 0 on the plane
    other = plane[1] if v1 is plane[0] else plane[0]
    v2 = [b - form(v1, other) / form(v1, v1) * a for a, b in zip(v1, other)]
    if form(v2, v2) == 0:
        return None                                   # q degenerate: no such group
    cols = [v1, v2] + ([c] if c is not None else [])
    return [[cols[k][r] for k in range(p)] for r in range(p)], [form(v1, v1), form(v2, v2)], beta


def score_frame(ring: PolyRing, conditions: Sequence[tuple[PolyElement, int]]) -> Optional[ScoreFrame]:
    """The reduced case systems of the score symmetry (module docstring), or None.

    None when no input matrix has p = 2 or 3 columns with score forms that are
    all combinations of one symmetric B and one skew C (C != 0 for p = 3), or
    the frame is degenerate.
    """
    where = tokens(ring)
    if not where:
        return None
    width: dict[str, int] = {}
    for name, _, c in where.values():
        width[name] = max(width.get(name, 0), c + 1)
    forms: dict[str, list[tuple[int, int, _Matrix, int]]] = {}
    for g, s in conditions:
        f = score_form(g, where)
        if f is None:
            continue
        name, a, b, N = f
        forms.setdefault(name, []).append((a, b, [list(r) for r in pad_matrix(N, width[name])], s))
    present = set(where.values())
    best = None
    for name, fs in sorted(forms.items(), key=lambda kv: -len(kv[1])):
        p = width[name]
        rows = {a for nm, a, _ in where.values() if nm == name}
        if p not in (2, 3) or any((name, a, c) not in present for a in rows for c in range(p)):
            continue
        Bref = Cref = None
        ok = True
        for a, b, N, s in fs:
            T = _transpose(N)
            sym = [[(N[i][j] + T[i][j]) / 2 for j in range(p)] for i in range(p)]
            skew = [[(N[i][j] - T[i][j]) / 2 for j in range(p)] for i in range(p)]
            fit, Bref = _proportional(sym, Bref)
            ok = ok and fit
            if a != b:
                fit, Cref = _proportional(skew, Cref)
                ok = ok and fit
        if ok and Bref is not None and (Cref is not None or p == 2):
            best = name, p, Bref, Cref, fs
            break
    if best is None:
        return None
    name, p, B, C, fs = best
    dropped = len(conditions) - len(fs)              # not score forms of this matrix
    framed = _frame(B, C, p)
    if framed is None:
        return None
    E, q, beta = framed
    gens = {v: k for k, v in where.items()}
    ET = _transpose(E)
    counts: dict[int, int] = {}
    diag: dict[int, int] = {}
    for a, b, N, s in fs:
        counts[a] = counts.get(a, 0) + 1
        counts[b] = counts.get(b, 0) + 1
        if a == b:                                    # N = lam B: B(x_a, x_a) must have sign s * sign(lam)
            i, j = next((i, j) for i in range(p) for j in range(p) if B[i][j])
            diag[a] = s * (1 if N[i][j] / B[i][j] > 0 else -1)
    # the token: one whose diagonal score forces its plane type, else the most used one
    def forced(a):
        """The diagonal score fixes the sign of q on the plane part: B(x, x) = q(y) + beta s^2."""
        sg = diag.get(a)
        return sg is not None and (p == 2 or beta * sg < 0)
    a0 = max(counts, key=lambda a: (q[0] * q[1] > 0 or forced(a), counts[a], -a))
    unit = [Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]
    if q[0] * q[1] > 0:
        directions, why = [unit[0]], "q is definite, so its rotations move the plane part of a token to any ray"
    else:
        pos, neg = (unit[0], unit[1]) if q[0] > 0 else (unit[1], unit[0])
        if forced(a0):
            want = diag[a0]                           # = -sign(beta) when p = 3
            directions = [neg if want < 0 else pos]
            why = (f"q is indefinite and {name}[{a0}]^T B {name}[{a0}] {'<' if want < 0 else '>'} 0"
                   f"{f' with beta = {beta}' if p == 3 else ''} forces q {'<' if want < 0 else '>'} 0 "
                   f"on its plane part")
        else:
            directions = [pos, neg]
            why = "q is indefinite: one case for each sign of q on the token's plane part"
    R = ring.gens
    framed_forms = [(a, b, _matmul(_matmul(ET, N), E), s) for a, b, N, s in fs]
    cases = []
    for d in directions:
        def coords(a):
            if a == a0:
                return list(d) + ([R[gens[(name, a0, 2)]]] if p == 3 else [])
            return [R[gens[(name, a, c)]] for c in range(p)]
        system = []
        for a, b, Np, s in framed_forms:
            ua, ub = coords(a), coords(b)
            g = sum((Np[i][j] * ua[i] * ub[j] for i in range(p) for j in range(p) if Np[i][j]), ring.zero)
            system.append((ring(g), s))
        cases.append(system)
    Mf = _matmul(_matmul(ET, [[B[i][j] + (C[i][j] if C else 0) for j in range(p)] for i in range(p)]), E)
    frame_note = (f"the scores of {name} are combinations of one symmetric B and one skew C, M = B + C; in the frame E = {format_matrix(E)} "
                  f"(columns: a B-orthogonal basis of the plane {'c^perp, then c = kernel of C' if p == 3 else ''}) "
                  f"M becomes {format_matrix(Mf)}, and q = B on the plane has diagonal ({q[0]}, {q[1]}); {why}. "
                  f"Maps of determinant 1 on the plane that preserve q{', fixing c,' if p == 3 else ''} change no "
                  f"score, and scaling by t > 0 keeps every sign, so {name}[{a0}] = E(e"
                  f"{' + s c' if p == 3 else ''}) with e = {' or '.join('(' + ', '.join(map(str, e)) + ')' for e in directions)}"
                  f"{'' if not dropped else f' ({dropped} condition(s) that are not its score forms dropped)'}")
    return ScoreFrame(cases, frame_note, dropped == 0, tuple(tuple(r) for r in E), (name, a0),
                      tuple(tuple(e) for e in directions), gens)
