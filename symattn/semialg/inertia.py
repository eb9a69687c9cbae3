"""Exact inertia arguments for attention scores.

An attention layer without bias has scores ``S_ab = x_a^T M x_b`` with
``M = Q K^T`` and tokens ``x_a`` (row a of an input matrix ``X``, generators
``X[a,0], ..., X[a,p-1]``).  Only the symmetric part ``B = (M + M^T)/2``
enters the diagonal, ``S_aa = B(x_a, x_a)``; off the diagonal
``B(x_a, x_b) = (S_ab + S_ba)/2``, so its sign is known whenever the two
scores have one sign (or M is symmetric).  Strict sign conditions on such
forms can be empty for reasons a solver does not see but linear algebra
does.

**Inertia.** *(Sylvester)* Exact symmetric elimination (rational LDL^T with
a congruence step for a zero pivot) gives ``B = P^T D P`` with P invertible
and D diagonal; the numbers (n+, n-, n0) of positive, negative and zero
entries of D do not depend on the elimination.

**Claim 1 (semidefinite).** If n- = 0 then ``B(x, x) = sum d_k u_k^2 >= 0``
with ``u = P x``, so a condition ``B(x_a, x_a) < 0`` is empty.  The mirror
n+ = 0 forbids ``B(x_a, x_a) > 0``.

**Claim 2 (one negative direction).** Let n- = 1 (any n+, n0), and scale u so
``B(x, y) = -u_0 v_0 + sum_{k in +} u_k v_k`` (u = Px, v = Py).  Call x
*timelike* when ``B(x, x) < 0``; then ``u_0^2 > |u_+|^2 >= 0``, so ``u_0 != 0``,
and its *nappe label* is ``e(x) = sign(u_0)``.  For timelike x and y, the
reverse Cauchy-Schwarz inequality holds strictly:
``|sum u_k v_k| <= |u_+| |v_+| < |u_0| |v_0|``, hence

    sign B(x, y) = -e(x) e(y).

So if every token of a set T is timelike and the signs ``sigma_ab`` of
``B(x_a, x_b)`` are known for some pairs in T, labels ``e_a = +-1`` with
``e_a e_b = -sigma_ab`` must exist: the signed graph on T has no cycle
whose product of ``-sigma`` is -1.  When it has one, the pattern is empty.
The mirror, n+ = 1 with tokens where ``B(x_a, x_a) > 0``, is Claim 2 for -B:
there ``sign B(x_a, x_b) = +e_a e_b``.  Degenerate inertia (n0 > 0) changes
nothing in either argument.

Example: M = diag(1, -1) (inertia (1, 1, 0)), three tokens with every
``S_aa < 0`` and every ``S_ab > 0``: the labels would need ``e_a e_b = -1``
for the three pairs of a triangle, impossible.

>>> from sympy import Symbol
>>> from symattn.semialg.poly import polynomial_ring
>>> R = polynomial_ring([Symbol(f"X[{a},{c}]") for a in range(3) for c in range(2)]); g = R.gens
>>> t = [(g[0], g[1]), (g[2], g[3]), (g[4], g[5])]
>>> S = lambda a, b: t[a][0] * t[b][0] - t[a][1] * t[b][1]
>>> conds = [(S(a, a), -1) for a in range(3)] + [(S(a, b), 1) for a in range(3) for b in range(a + 1, 3)]
>>> print(score_inertia(R, conds))     # doctest: +ELLIPSIS
the symmetric part B = [[1, 0], [0, -1]] of the scores of X has inertia (1, 1, 0); ...
>>> score_inertia(R, conds[:5]) is None      # drop one pair: a labelling exists
True
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Optional, Sequence

from .poly import PolyElement, PolyRing, ring_variables
from ..rationals import to_fraction

__all__ = ["score_inertia", "inertia", "tokens", "score_form", "pad_matrix", "format_matrix"]

_ENTRY = re.compile(r"^(.+)\[(\d+),(\d+)\]$")
_Matrix = tuple[tuple[Fraction, ...], ...]


def tokens(ring: PolyRing) -> dict[int, tuple[str, int, int]]:
    """Generator index -> (matrix name, token row, feature column) for names like ``X[a,c]``."""
    out = {}
    for k, v in enumerate(ring_variables(ring)):
        m = _ENTRY.match(v.name)
        if m:
            out[k] = (m.group(1), int(m.group(2)), int(m.group(3)))
    return out


def inertia(B: Sequence[Sequence[Fraction]]) -> tuple[int, int, int]:
    """(n+, n-, n0) of a symmetric rational matrix, by exact symmetric elimination.

    >>> inertia([[0, 1], [1, 0]]), inertia([[1, 2], [2, 4]]), inertia([[2, 1, 0], [1, 2, 0], [0, 0, -3]])
    ((1, 1, 0), (1, 0, 1), (2, 1, 0))
    """
    A = [[Fraction(v) for v in row] for row in B]
    n = len(A)
    pos = neg = 0
    active = list(range(n))
    while active:
        i = next((k for k in active if A[k][k] != 0), None)
        if i is None:
            pair = next(((k, l) for k in active for l in active if A[k][l] != 0), None)
            if pair is None:
                break                                 # the rest is the zero form
            k, l = pair                              # congruence x_k <- x_k + x_l: diagonal 2 A[k][l]
            for r in range(n):
                A[k][r] += A[l][r]
            for r in range(n):
                A[r][k] += A[r][l]
            i = k
        d = A[i][i]
        pos, neg = pos + (d > 0), neg + (d < 0)
        active.remove(i)
        for r in active:
            f = A[r][i] / d
            if f:
                for c in active:
                    A[r][c] -= f * A[i][c]
        for r in active:
            A[r][i] = A[i][r] = Fraction(0)
    return pos, neg, n - pos - neg


def score_form(g: PolyElement, where: dict[int, tuple[str, int, int]]):
    """``(matrix name, a, b, N)`` with ``g = x_a^T N x_b`` exactly (a <= b; N symmetric when a == b), or None."""
    entries: dict[tuple[int, int], Fraction] = {}
    blocks: set[tuple[str, int]] = set()
    for mon, c in g.items():
        idx = [i for i, e in enumerate(mon) for _ in range(e)]
        if len(idx) != 2 or any(i not in where for i in idx):
            return None
        (n1, r1, c1), (n2, r2, c2) = where[idx[0]], where[idx[1]]
        if n1 != n2:
            return None
        if (r1, c1) > (r2, c2):
            r1, c1, r2, c2 = r2, c2, r1, c1
        blocks.update(((n1, r1), (n2, r2)))
        entries[(r1, c1, r2, c2)] = to_fraction(c)
    if not blocks or len(blocks) > 2:
        return None
    name = next(iter(blocks))[0]
    rows = sorted(r for _, r in blocks)
    a, b = rows[0], rows[-1]
    p = 1 + max(max(c1, c2) for (_, c1, _, c2) in entries)
    N = [[Fraction(0)] * p for _ in range(p)]
    for (r1, c1, r2, c2), v in entries.items():
        if a == b:                                   # x_c x_d with c <= d: split evenly
            if c1 == c2:
                N[c1][c1] = v
            else:
                N[c1][c2] = N[c2][c1] = v / 2
        else:
            if r1 != a or r2 != b:
                return None                          # a monomial inside one token
            N[c1][c2] = v
    return name, a, b, N


def pad_matrix(N, p: int) -> _Matrix:
    """N as a p x p matrix, zeros added where a form uses fewer features."""
    q = len(N)
    return tuple(tuple(N[r][c] if r < q and c < q else Fraction(0) for c in range(p)) for r in range(p))


def _canonical(N: _Matrix) -> tuple[_Matrix, int]:
    """``(B, f)`` with ``N = lam * B``, sign(lam) = f, B's first nonzero entry 1."""
    first = next(v for row in N for v in row if v)
    return tuple(tuple(v / first for v in row) for row in N), (1 if first > 0 else -1)


def _multiple(N: _Matrix, B: _Matrix) -> Optional[Fraction]:
    """``lam`` with ``N = lam * B`` (lam may be 0), or None."""
    lam = None
    for rn, rb in zip(N, B):
        for vn, vb in zip(rn, rb):
            if vb:
                r = vn / vb
                if lam is None:
                    lam = r
                elif r != lam:
                    return None
            elif vn:
                return None
    return lam if lam is not None else Fraction(0)


def _pair_sign(terms: list[tuple[_Matrix, int]], B: _Matrix) -> Optional[int]:
    """The sign of ``x_a^T B x_b`` forced by conditions ``s * x_a^T N x_b > 0``, or None.

    One condition forces it when ``N = lam B``; two when ``s1 N1 + mu s2 N2 =
    lam B`` with ``mu > 0`` (e.g. ``S_ab`` and ``S_ba`` of one sign).
    """
    for N, s in terms:
        lam = _multiple(N, B)
        if lam:
            return s * (1 if lam > 0 else -1)
    for k, (N1, s1) in enumerate(terms):
        for N2, s2 in terms[k + 1:]:
            flat1 = [s1 * v for row in N1 for v in row]
            flat2 = [s2 * v for row in N2 for v in row]
            flatb = [v for row in B for v in row]
            # solve mu * flat2 - lam * flatb = -flat1 from two independent entries
            sol = None
            for i in range(len(flatb)):
                for j in range(i + 1, len(flatb)):
                    det = -flat2[i] * flatb[j] + flat2[j] * flatb[i]
                    if det:
                        mu = (flat1[i] * flatb[j] - flat1[j] * flatb[i]) / det
                        lam = (flat2[i] * (-flat1[j]) - flat2[j] * (-flat1[i])) / det
                        sol = (mu, lam)
                        break
                if sol:
                    break
            if sol is None:
                continue
            mu, lam = sol
            if mu > 0 and lam and all(a + mu * b == lam * c for a, b, c in zip(flat1, flat2, flatb)):
                return 1 if lam > 0 else -1
    return None


def format_matrix(B: _Matrix) -> str:
    """``[[a, b], [c, d]]`` with exact entries, for emptiness records."""
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in B) + "]"


def _labelling_conflict(cone: Sequence[int], edges: dict[tuple[int, int], int]) -> Optional[list]:
    """Pairs whose required label products ``e_a e_b = edges[a, b]`` admit no labelling, or None."""
    parent = {a: a for a in cone}
    parity = {a: 1 for a in cone}                     # e_a = parity[a] * e_root

    def find(a):
        if parent[a] == a:
            return a, 1
        root, par = find(parent[a])
        parent[a], parity[a] = root, parity[a] * par
        return root, parity[a]

    used = []
    for (a, b), prod in sorted(edges.items()):
        used.append((a, b))
        (ra, pa), (rb, pb) = find(a), find(b)
        if ra == rb:
            if pa * pb != prod:
                return used
        else:
            parent[ra], parity[ra] = rb, pa * pb * prod
    return None


def score_inertia(ring: PolyRing, conditions: Sequence[tuple[PolyElement, int]]) -> Optional[str]:
    """Why the conditions are empty by an inertia argument (see the module docstring), or None.

    Only conditions that are exactly bilinear in two tokens of one input
    matrix (or a quadratic form in one token) are read; every other
    condition is ignored, which can only make the argument weaker.
    """
    where = tokens(ring)
    if not where:
        return None
    diagonal: dict[tuple[str, _Matrix], dict[int, int]] = {}    # (X, B) -> token -> sign of B(x_a, x_a)
    pairs: dict[tuple[str, int, int], list[tuple[_Matrix, int]]] = {}
    width: dict[str, int] = {}
    for _, (name, _, c) in where.items():
        width[name] = max(width.get(name, 0), c + 1)
    for g, s in conditions:
        form = score_form(g, where)
        if form is None:
            continue
        name, a, b, N = form
        N = pad_matrix(N, width[name])
        if a == b:
            B, f = _canonical(N)
            diagonal.setdefault((name, B), {})[a] = s * f
        else:
            pairs.setdefault((name, a, b), []).append((N, s))
    for (name, B), signs in diagonal.items():
        npos, nneg, nzero = inertia(B)
        head = f"the symmetric part B = {format_matrix(B)} of the scores of {name} has inertia ({npos}, {nneg}, {nzero})"
        for mirror, count in ((1, nneg), (-1, npos)):
            rel = "<" if mirror > 0 else ">"
            inside = sorted(a for a, sg in signs.items() if sg == -mirror)
            if count == 0 and inside:
                return (f"{head}, so B(x, x) {'>=' if mirror > 0 else '<='} 0 everywhere, "
                        f"but {name}[{inside[0]}]^T B {name}[{inside[0]}] {rel} 0 is required (Sylvester)")
            if count != 1 or len(inside) < 2:
                continue
            edges = {}
            for i, a in enumerate(inside):
                for b in inside[i + 1:]:
                    sg = _pair_sign(pairs.get((name, a, b), []), B)
                    if sg is not None:
                        edges[(a, b)] = -mirror * sg       # required e_a * e_b
            conflict = _labelling_conflict(inside, edges)
            if conflict is not None:
                which = ", ".join(f"B(x_{a}, x_{b}) {'>' if -mirror * edges[(a, b)] > 0 else '<'} 0"
                                  for a, b in conflict)
                cone = "timelike cone" if mirror > 0 else "timelike cone of -B"
                return (f"{head}; the scores x_a^T B x_a {rel} 0 put tokens {inside} of {name} in its {cone}, "
                        f"where sign B(x_a, x_b) = {'-' if mirror > 0 else '+'}e_a e_b for nappe labels e = +-1 "
                        f"(Sylvester's law and the reverse Cauchy-Schwarz inequality); no labelling fits {which}")
    return None
