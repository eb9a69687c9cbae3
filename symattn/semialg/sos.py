"""Sum-of-squares (Positivstellensatz) emptiness certificates: found by a semidefinite program, checked exactly.

**The certificate.** Let ``g_k = s_k p_k`` (k = 1..m) be the strict
conditions ``g_k > 0`` of a sign system, polynomials over QQ.  For a set
α ⊂ {1..m} write ``g^α = Π_{k∈α} g_k`` (the empty product is 1).  A
certificate of degree d is

* rational ``c_α ≥ 0``, not all zero, for products with ``|α| ≤ d``;
* a vector ``z`` of monomials and a rational positive semidefinite Gram
  matrix ``Q``,

such that, identically as polynomials,

    Σ_α c_α g^α + zᵀ Q z ≡ 0.

On the region every ``g^α > 0``, so ``Σ_α c_α g^α > 0`` there (the ``c_α``
are ≥ 0 and one is > 0), while ``zᵀ Q z ≥ 0`` everywhere (Q ⪰ 0): the sum
is > 0 on the region, yet it is the zero polynomial.  So the region is
empty.  The check (:func:`check_sos`) re-expands the identity with exact
rationals and tests ``Q ⪰ 0`` by rational LDLᵀ; no float enters it.

**Finding one.** The multipliers and the Gram matrix are the unknowns of a
semidefinite program (``cvxpy`` with ``clarabel``, else ``scs``; an
optional dependency): one linear equation per monomial, ``Σ c_α = 1``, and
``Q ⪰ t·I`` with the margin ``t`` maximised, so that the solution lies
inside the cone and survives rounding.  The float solution only proposes:
``c`` is rounded to small rationals (continued fractions), and ``Q`` is
then *computed* exactly by projecting the rounded Gram matrix onto the
affine space where the identity holds (Peyrl–Parrilo: for each monomial μ
the residual coefficient is spread evenly over the entries ``Q_ij`` with
``z_i z_j = μ``).  The result is a certificate only if :func:`check_sos`
accepts it.

**The monomials z.** If ``σ = zᵀQz = Σ q_i²`` then every ``q_i`` has its
Newton polytope inside half that of σ, and σ = −Σ c_α g^α has its Newton
polytope inside the hull of the products' supports.  So z needs only the
monomials whose doubled exponents lie within the per-variable and
total-degree bounds of those supports (a box containing half the hull).
When every condition is homogeneous, each homogeneous component of the
identity is itself a certificate, so products of one degree 2e are taken
at a time with z the monomials of degree e.  With quadratic forms
``g_k = xᵀ G_k x`` and d = 1 this is exactly the S-lemma test
"Σ λ_k G_k ⪯ 0 for some λ ≥ 0, λ ≠ 0".

Example: {x² + y² < 1, x > 1} (the disc and a half-plane touching it at
(1, 0)): ``(1 − x² − y²) + 2(x − 1) = −((x − 1)² + y²)``, so with
``z = (1, x, y)``

>>> from sympy import symbols
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> system = ((X**2 + Y**2 - 1, -1), (X - 1, 1))
>>> cert = SOSCertificate(products=((0,), (1,)), multipliers=(Fraction(1), Fraction(2)),
...                       basis=((0, 0), (1, 0), (0, 1)),
...                       gram=((1, -1, 0), (-1, 1, 0), (0, 0, 1)))
>>> check_sos(system, cert)
True
>>> check_sos(system, SOSCertificate(((0,), (1,)), (Fraction(1), Fraction(1)), cert.basis, cert.gram))
False
>>> is_psd([[1, -1], [-1, 1]]), is_psd([[0, 1], [1, 0]])
(True, False)

The homogeneous case: ``x² − 2y² > 0`` and ``y² − x² > 0`` are empty since
``2·(x² − 2y²) + 3·(y² − x²) = −x² − y²`` (Σ λ_k G_k ⪯ 0), and the search
finds such a combination (when cvxpy is installed):

>>> found = find_sos(((X**2 - 2*Y**2, 1), (Y**2 - X**2, 1)))
>>> found.status in ("found", "not available")
True
>>> found.certificate is None or check_sos(((X**2 - 2*Y**2, 1), (Y**2 - X**2, 1)), found.certificate)
True
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import time
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterator, Optional, Sequence

from .poly import PolyElement, psd_pivots
from .region import Condition
from ..rationals import to_fraction

__all__ = ["SOSCertificate", "SOSSearch", "check_sos", "find_sos", "search", "is_psd", "available",
           "MAX_GRAM", "QUICK_GRAM", "DENOMINATORS"]

#: a Gram matrix larger than this many rows is refused before anything is allocated
MAX_GRAM = 300
#: the limit where the search runs on its own initiative (the oracle layer, :func:`certify`): building
#: the program grows like the square of the Gram entries (a 156-row one takes cvxpy about 50 s)
QUICK_GRAM = 120
#: at most this many products g^α enter one program
MAX_PRODUCTS = 2000
#: the denominators tried, in turn, when rounding the solver's multipliers and Gram matrix
DENOMINATORS = (10**2, 10**4, 10**6)

Monomial = tuple[int, ...]


@dataclass(frozen=True)
class SOSCertificate:
    """``Σ_α c_α g^α + zᵀ Q z ≡ 0`` (see the module docstring).

    ``products``: the sets α as increasing tuples of condition positions
    (``()`` is the empty product 1); ``multipliers``: the ``c_α``;
    ``basis``: the monomials of z as exponent tuples over the ring's
    generators; ``gram``: Q, symmetric, one row per monomial of z.
    """

    products: tuple[tuple[int, ...], ...]
    multipliers: tuple[Fraction, ...]
    basis: tuple[Monomial, ...]
    gram: tuple[tuple[Fraction, ...], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "products", tuple(tuple(int(k) for k in a) for a in self.products))
        object.__setattr__(self, "multipliers", tuple(to_fraction(c) for c in self.multipliers))
        object.__setattr__(self, "basis", tuple(tuple(int(e) for e in m) for m in self.basis))
        object.__setattr__(self, "gram", tuple(tuple(to_fraction(q) for q in row) for row in self.gram))

    @property
    def degree(self) -> int:
        """The largest number of conditions multiplied together."""
        return max((len(a) for a, c in zip(self.products, self.multipliers) if c), default=0)


@dataclass(frozen=True)
class SOSSearch:
    """The outcome of :func:`find_sos`: ``status`` is ``"found"`` (with a ``certificate`` that
    :func:`check_sos` accepted), ``"none"`` (no certificate of this degree was found: this proves
    nothing), ``"not available"`` (cvxpy is not installed) or ``"too large"`` (refused by size)."""

    status: str
    certificate: Optional[SOSCertificate] = None
    detail: str = ""


# --------------------------------------------------------------------------
# the exact check
# --------------------------------------------------------------------------
def is_psd(matrix: Sequence[Sequence[Any]]) -> bool:
    """Whether a symmetric rational matrix is positive semidefinite, by exact LDLᵀ
    (:func:`~symattn.semialg.poly.psd_pivots`); a matrix that is not square and symmetric is not.

    >>> is_psd([[2, 1], [1, 1]]), is_psd([[1, 2], [2, 1]]), is_psd([[0, 0], [0, 3]]), is_psd([])
    (True, False, True, True)
    """
    A = [[to_fraction(v) for v in row] for row in matrix]
    n = len(A)
    if any(len(row) != n for row in A) or any(A[i][j] != A[j][i] for i in range(n) for j in range(i)):
        return False
    return psd_pivots(A) is not None


def _condition_polys(conditions: Sequence[Condition]) -> list[PolyElement]:
    return [g if s > 0 else -g for g, s in conditions]


def _product(polys: Sequence[PolyElement], alpha: Sequence[int], ring) -> PolyElement:
    out = ring.one
    for k in alpha:
        out = out * polys[k]
    return out


def check_sos(conditions: Sequence[Condition], certificate: SOSCertificate) -> bool:
    """Exact check of an SOS emptiness certificate for ``conditions`` (see the module docstring).

    The identity is expanded with exact rationals and Q is tested PSD by :func:`is_psd`.
    """
    if not conditions:
        return False
    ring = conditions[0][0].ring
    m, cert = len(conditions), certificate
    if len(cert.products) != len(cert.multipliers) or not cert.products:
        return False
    if any(c < 0 for c in cert.multipliers) or not any(cert.multipliers):
        return False
    for alpha in cert.products:
        if any(not 0 <= k < m for k in alpha) or any(a >= b for a, b in zip(alpha, alpha[1:])):
            return False
    N = len(cert.basis)
    if len(cert.gram) != N or any(len(row) != N for row in cert.gram):
        return False
    if any(len(mono) != ring.ngens or min(mono, default=0) < 0 for mono in cert.basis):
        return False
    polys = _condition_polys(conditions)
    total: dict[Monomial, Fraction] = {}
    for alpha, c in zip(cert.products, cert.multipliers):
        if c:
            for mono, coef in _product(polys, alpha, ring).items():
                total[mono] = total.get(mono, Fraction(0)) + c * to_fraction(coef)
    for i, zi in enumerate(cert.basis):
        for j, zj in enumerate(cert.basis):
            q = cert.gram[i][j]
            if q:
                mono = tuple(a + b for a, b in zip(zi, zj))
                total[mono] = total.get(mono, Fraction(0)) + q
    if any(total.values()):
        return False
    return is_psd(cert.gram)


# --------------------------------------------------------------------------
# the search
# --------------------------------------------------------------------------
def available() -> bool:
    """Whether the SDP search can run: cvxpy is installed (looked up, not imported: importing it
    takes about a second, paid only by the first search)."""
    try:
        return importlib.util.find_spec("cvxpy") is not None
    except (ImportError, ValueError):          # ValueError: blocked in sys.modules
        return False


def _cvxpy():
    try:
        return importlib.import_module("cvxpy")
    except ImportError:
        return None


def _basis(supports: Sequence[Monomial], ngens: int, limit: int) -> Optional[list[Monomial]]:
    """The monomials m with 2m inside the per-variable and total-degree bounds of ``supports``
    (None when there are more than ``limit``: counted, not allocated)."""
    lo = [min(s[i] for s in supports) for i in range(ngens)]
    hi = [max(s[i] for s in supports) for i in range(ngens)]
    dlo = min(sum(s) for s in supports)
    dhi = max(sum(s) for s in supports)
    lo = [(v + 1) // 2 for v in lo]
    hi = [v // 2 for v in hi]
    dlo, dhi = (dlo + 1) // 2, dhi // 2
    out: list[Monomial] = []

    def walk(i: int, prefix: list[int], total: int) -> bool:
        if i == ngens:
            if dlo <= total:
                out.append(tuple(prefix))
            return len(out) <= limit
        room = sum(lo[i + 1:])
        for e in range(lo[i], hi[i] + 1):
            if total + e + room > dhi:
                break
            prefix.append(e)
            ok = walk(i + 1, prefix, total + e)
            prefix.pop()
            if not ok:
                return False
        return True

    return out if walk(0, [], 0) else None


def _groups(polys: Sequence[PolyElement], degree: int) -> Iterator[list[tuple[tuple[int, ...], PolyElement]]]:
    """The products g^α with |α| ≤ degree, as one group, or by degree when all are homogeneous."""
    ring = polys[0].ring
    products = [(alpha, _product(polys, alpha, ring))
                for r in range(degree + 1) for alpha in itertools.combinations(range(len(polys)), r)]
    homogeneous = all(len({sum(mono) for mono in p.keys()}) == 1 for p in polys)
    if not homogeneous:
        yield products
        return
    by_degree: dict[int, list] = {}
    for alpha, p in products[1:]:              # the constant 1 alone certifies nothing here
        by_degree.setdefault(sum(next(iter(p.keys()))), []).append((alpha, p))
    for d in sorted(by_degree):
        # an odd degree leaves no square: a pure linear identity, the Farkas layer's business;
        # a group with no product of |α| = degree was already tried at a lower degree
        if d % 2 == 0 and any(len(a) == degree for a, _ in by_degree[d]):
            yield by_degree[d]


def find_sos(conditions: Sequence[Condition], degree: int = 1, *, timeout: float = 5.0,
             max_gram: int = MAX_GRAM, denominators: Sequence[int] = DENOMINATORS) -> SOSSearch:
    """Search an SOS certificate with products of at most ``degree`` conditions (see the module
    docstring); a found one has passed :func:`check_sos`.

    ``timeout``: solver seconds for all the semidefinite programs together (building a program
    is not counted: it is what :data:`QUICK_GRAM` bounds where nobody asked).  Sizes whose Gram matrix
    would have more than ``max_gram`` rows are refused (``"too large"``) before anything is built.

    >>> from sympy import symbols
    >>> from symattn.semialg.poly import polynomial_ring
    >>> u = symbols("u"); U = polynomial_ring((u,)).gens[0]
    >>> r = find_sos(((U**2 + 1, -1),))                     # u² + 1 < 0
    >>> r.status in ("found", "not available") and (r.certificate is None or r.certificate.degree == 1)
    True
    """
    conditions = tuple(conditions)
    if not conditions:
        return SOSSearch("none", detail="no conditions")
    cp = _cvxpy()
    if cp is None:
        return SOSSearch("not available", detail="cvxpy is not installed")
    polys = _condition_polys(conditions)
    ngens = polys[0].ring.ngens
    stop = time.monotonic() + timeout
    none = f"no certificate with products of at most {degree} conditions"
    too_large = False
    notes: list[str] = []
    for group in _groups(polys, degree):
        if len(group) > MAX_PRODUCTS:
            too_large = True
            continue
        supports = [mono for _, p in group for mono in p.keys()]
        basis = _basis(supports, ngens, max_gram)
        if basis is None:
            too_large = True
            continue
        remaining = stop - time.monotonic()
        if remaining <= 0:
            return SOSSearch("none", detail="time limit reached")
        cert, note = _solve(cp, conditions, group, basis, remaining, denominators)
        if cert is not None:
            return SOSSearch("found", cert, f"products of at most {degree} conditions, Gram {len(basis)}x{len(basis)}")
        notes.append(note)
    if too_large and not notes:
        return SOSSearch("too large", detail=f"the Gram matrix would exceed {max_gram} rows "
                                             f"(or more than {MAX_PRODUCTS} products)")
    return SOSSearch("none", detail=f"{none} ({'; '.join(notes)})" if notes else none)


def search(conditions: Sequence[Condition], degrees: Sequence[int] = (1, 2), *, timeout: float = 5.0,
           max_gram: int = MAX_GRAM) -> SOSSearch:
    """:func:`find_sos` at each degree in turn, sharing ``timeout``; the first found certificate,
    else the last outcome (stopping at the first ``"too large"`` or ``"not available"``).  Importing
    cvxpy (about a second, once per process) is not counted in ``timeout``."""
    if _cvxpy() is None:
        return SOSSearch("not available", detail="cvxpy is not installed")
    stop = time.monotonic() + timeout
    outcome = SOSSearch("none", detail="no degree tried")
    for d in degrees:
        remaining = stop - time.monotonic()
        if remaining <= 0:
            break
        outcome = find_sos(conditions, d, timeout=remaining, max_gram=max_gram)
        if outcome.status != "none":
            break
    return outcome


def _solve(cp, conditions, group, basis, timeout, denominators) -> tuple[Optional[SOSCertificate], str]:
    """One semidefinite program for the products in ``group`` on the monomials ``basis``, rounded
    and checked: ``(certificate or None, what the program said)``."""
    import numpy as np
    import scipy.sparse as sp

    N, P = len(basis), len(group)
    pairs: dict[Monomial, list[tuple[int, int]]] = {}
    for i, zi in enumerate(basis):
        for j, zj in enumerate(basis):
            pairs.setdefault(tuple(a + b for a, b in zip(zi, zj)), []).append((i, j))
    exact: dict[Monomial, dict[int, Fraction]] = {}        # monomial -> product -> coefficient
    for k, (_, p) in enumerate(group):
        for mono, coef in p.items():
            exact.setdefault(mono, {})[k] = to_fraction(coef)
    monos = list(dict.fromkeys(list(exact) + list(pairs)))
    row = {mono: r for r, mono in enumerate(monos)}
    ci, cj, cv = [], [], []
    for mono, coefs in exact.items():
        for k, v in coefs.items():
            ci.append(row[mono]); cj.append(k); cv.append(float(v))
    qi, qj = [], []
    for mono, entries in pairs.items():
        for i, j in entries:
            qi.append(row[mono]); qj.append(i + j * N)       # column-major vec(Q)
    Ac = sp.csr_matrix((cv, (ci, cj)), shape=(len(monos), P))
    c = cp.Variable(P, nonneg=True)
    if N:
        Aq = sp.csr_matrix((np.ones(len(qi)), (qi, qj)), shape=(len(monos), N * N))
        Q = cp.Variable((N, N), symmetric=True)
        t = cp.Variable()
        problem = cp.Problem(cp.Maximize(t), [Ac @ c + Aq @ cp.vec(Q, order="F") == 0, cp.sum(c) == 1,
                                              Q - t * np.eye(N) >> 0, t <= 1])
    else:                                  # no square fits: the products must cancel on their own
        problem = cp.Problem(cp.Maximize(0), [Ac @ c == 0, cp.sum(c) == 1])
    if not _run(cp, problem, timeout) or c.value is None:
        return None, f"{len(group)} products, Gram {N}x{N}: {problem.status}"
    note = f"{len(group)} products, Gram {N}x{N}: best margin {t.value:.3g}" if N else f"{len(group)} products"
    if N and (Q.value is None or t.value is None or t.value < -1e-6):
        return None, note
    cval = np.asarray(c.value, dtype=float)
    qval = np.asarray(Q.value, dtype=float) if N else np.zeros((0, 0))
    unrepresented = [mono for mono in exact if mono not in pairs]
    for D in denominators:
        cert = _round(conditions, group, basis, pairs, exact, unrepresented, cval, qval, D)
        if cert is not None:
            return cert, note
    if N and t.value < 1e-6:
        # no interior: every certificate has a singular Q.  The analytic centre of the optimal face
        # rounds badly; the smallest trace on it tends to a low-rank point with small denominators
        low = cp.Problem(cp.Minimize(cp.trace(Q)), [Ac @ c + Aq @ cp.vec(Q, order="F") == 0, cp.sum(c) == 1,
                                                    Q >> 0])
        if _run(cp, low, max(0.1, timeout / 2)) and c.value is not None and Q.value is not None:
            cval, qval = np.asarray(c.value, dtype=float), np.asarray(Q.value, dtype=float)
            for D in denominators:
                cert = _round(conditions, group, basis, pairs, exact, unrepresented, cval, qval, D)
                if cert is not None:
                    return cert, f"{note}, on the boundary (smallest trace)"
    return None, f"{note}, no rounding passed the exact check"


def _run(cp, problem, timeout: float) -> bool:
    """Solve with clarabel, else scs; False when neither gives a (nearly) optimal point."""
    installed = cp.installed_solvers()
    # one clarabel thread: its default thread pool, once started, deadlocks a process forked from this
    # one (a compile on workers=k after one in process); the systems are small, and the cores are busy
    for name, options in (("CLARABEL", {"time_limit": max(0.1, timeout), "max_threads": 1}),
                          ("SCS", {"time_limit_secs": max(0.1, timeout), "eps": 1e-9})):
        if name not in installed:
            continue
        try:
            with warnings.catch_warnings():          # "inaccurate" solutions are still only proposals
                warnings.simplefilter("ignore")
                problem.solve(solver=name, **options)
        except (cp.error.SolverError, ValueError, ArithmeticError):
            continue
        return problem.status in ("optimal", "optimal_inaccurate")
    return False


def _round(conditions, group, basis, pairs, exact, unrepresented, cval, qval, D) -> Optional[SOSCertificate]:
    """Round ``c`` to denominators ≤ D, make it satisfy the equations Q cannot absorb, then compute
    Q exactly by the Peyrl–Parrilo projection of the rounded Gram matrix; checked by :func:`check_sos`."""
    c = [max(Fraction(0), Fraction(float(v)).limit_denominator(D)) for v in cval]
    if unrepresented:
        c = _project(c, [[exact[mono].get(k, Fraction(0)) for k in range(len(c))] for mono in unrepresented])
        if c is None or any(v < 0 for v in c):
            return None
    if not any(c):
        return None
    N = len(basis)
    Q = [[Fraction(float(qval[i][j])).limit_denominator(D) for j in range(N)] for i in range(N)]
    Q = [[(Q[i][j] + Q[j][i]) / 2 for j in range(N)] for i in range(N)]
    for mono, entries in pairs.items():
        target = -sum((c[k] * v for k, v in exact.get(mono, {}).items()), Fraction(0))
        delta = (target - sum(Q[i][j] for i, j in entries)) / len(entries)
        if delta:
            for i, j in entries:           # the set is symmetric, so Q stays symmetric
                Q[i][j] += delta
    keep = [k for k, v in enumerate(c) if v]
    cert = SOSCertificate(tuple(group[k][0] for k in keep), tuple(c[k] for k in keep), tuple(basis),
                          tuple(tuple(r) for r in Q))
    return cert if check_sos(conditions, cert) else None


def _project(c: list[Fraction], rows: list[list[Fraction]]) -> Optional[list[Fraction]]:
    """The orthogonal projection of ``c`` onto ``{v : rows · v = 0}``, exactly."""
    basis: list[list[Fraction]] = []            # independent rows, Gram–Schmidt over QQ
    for r in rows:
        v = list(r)
        for b in basis:
            bb = sum(x * x for x in b)
            f = sum(x * y for x, y in zip(v, b)) / bb
            if f:
                v = [x - f * y for x, y in zip(v, b)]
        if any(v):
            basis.append(v)
    out = list(c)
    for b in basis:                             # orthogonal rows: subtract each component in turn
        f = sum(x * y for x, y in zip(out, b)) / sum(x * x for x in b)
        if f:
            out = [x - f * y for x, y in zip(out, b)]
    return out
