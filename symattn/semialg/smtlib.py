"""SMT-LIB 2 for strict sign systems: write a problem, read it back, read models.

A system is a list of ``(terms, sign)`` with integer term lists
``[(c, ((i, e), ...)), ...]`` (as in :mod:`symattn.semialg.z3backend`),
meaning ``sign * sum(c * prod x_i**e) > 0``; generator ``i`` is the SMT
constant ``x<i>``.  Models come back as s-expressions in each solver's own
dialect (z3 ``root-obj``, cvc5 ``real_algebraic_number``, yices decimals for
irrational values); :func:`model_candidates` turns them into rational
*candidates*, coarse to fine, that the caller must still check exactly.

Example
-------
>>> text = write([([(1, ((0, 2),)), (-2, ())], 1), ([(1, ((0, 1), (1, 1)))], -1)], 2)
>>> print(text.splitlines()[3])
(assert (> (+ (* x0 x0) (- 2)) 0))
>>> read(text)[1] == [([(1, ((0, 2),)), (-2, ())], 1), ([(1, ((0, 1), (1, 1)))], -1)]
True
>>> values = parse("((x0 (root-obj (+ (^ x 2) (- 2)) 2)) (x1 (/ 1 3)))")[0]
>>> r, third = next(model_candidates(values, 2))    # the second root of x^2 - 2, to 2^-8
>>> abs(r - Fraction(14142136, 10**7)) < Fraction(1, 2**8), third
(True, Fraction(1, 3))
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Iterator, Optional, Sequence, Union

__all__ = ["write", "read", "parse", "model_candidates", "Terms", "System"]

Terms = Sequence[tuple[int, tuple[tuple[int, int], ...]]]
System = Sequence[tuple[Terms, int]]
SExpr = Union[str, list]

#: widths 2^-k of the rational approximations of an algebraic value
PRECISIONS = (8, 16, 32, 64, 128)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
def _integer(c: int) -> str:
    return str(c) if c >= 0 else f"(- {-c})"


def _term(c: int, mon: tuple[tuple[int, int], ...]) -> str:
    factors = [f"x{i}" for i, e in mon for _ in range(e)]
    if not factors:
        return _integer(c)
    if c != 1:
        factors.insert(0, _integer(c))
    return factors[0] if len(factors) == 1 else f"(* {' '.join(factors)})"


def _polynomial(terms: Terms) -> str:
    parts = [_term(c, mon) for c, mon in terms if c]
    if not parts:
        return "0"
    return parts[0] if len(parts) == 1 else f"(+ {' '.join(parts)})"


def write(system: System, ngens: int, *, logic: str = "QF_NRA", options: Sequence[str] = (),
          comment: str = "", get_values: bool = True) -> str:
    """The SMT-LIB 2 script asserting every ``sign * poly > 0``, then ``check-sat``.

    ``options`` are extra lines placed before the declarations (solver
    options such as ``(set-option :rlimit 1000)``); ``get_values`` asks for
    the values of every generator the system uses after a ``sat``.
    """
    used = sorted({i for terms, _ in system for _, mon in terms for i, _ in mon}) or [0]
    if max(used) >= ngens:
        raise ValueError(f"generator x{max(used)} out of range for {ngens} generators")
    lines = [f"; {line}" for line in comment.splitlines()]
    lines.append(f"(set-logic {logic})")
    lines.extend(options)
    lines.extend(f"(declare-fun x{i} () Real)" for i in used)
    for terms, sign in system:
        lines.append(f"(assert ({'>' if sign > 0 else '<'} {_polynomial(terms)} 0))")
    lines.append("(check-sat)")
    if get_values:
        lines.append(f"(get-value ({' '.join(f'x{i}' for i in used)}))")
    lines.append("(exit)")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# s-expressions
# --------------------------------------------------------------------------
_TOKEN = re.compile(r'\s+|;[^\n]*|\(|\)|\|[^|]*\||"(?:[^"]|"")*"|[^\s()|";]+')
_RAN = re.compile(r"\(_\s+real_algebraic_number\s+<([^,>]*),\s*\(([^,]*),\s*([^)]*)\)>\s*\)")


def parse(text: str) -> list[SExpr]:
    """All s-expressions of ``text``: atoms as strings, lists as lists.

    cvc5's ``(_ real_algebraic_number <poly, (lo, hi)>)`` becomes
    ``["real_algebraic_number", poly, lo, hi]`` with the polynomial as text.
    """
    text = _RAN.sub(lambda m: '(real_algebraic_number "{}" {} {})'.format(
        m.group(1).strip(), m.group(2).strip(), m.group(3).strip()), text)
    stack: list[list] = [[]]
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok[0].isspace() or tok[0] == ";":
            continue
        if tok == "(":
            stack.append([])
        elif tok == ")":
            if len(stack) == 1:
                raise ValueError("unbalanced ')' in SMT-LIB text")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise ValueError("unbalanced '(' in SMT-LIB text")
    return stack[0]


# --------------------------------------------------------------------------
# reading problems back (the subset :func:`write` produces)
# --------------------------------------------------------------------------
_Poly = dict  # monomial (sorted ((i, e), ...)) -> Fraction


def _mul(p: _Poly, q: _Poly) -> _Poly:
    out: _Poly = {}
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            exps = dict(m1)
            for i, e in m2:
                exps[i] = exps.get(i, 0) + e
            m = tuple(sorted(exps.items()))
            out[m] = out.get(m, 0) + c1 * c2
    return {m: c for m, c in out.items() if c}


def _poly_of(e: SExpr, var) -> _Poly:
    """The polynomial of an arithmetic s-expression; ``var`` maps a symbol to its index."""
    if isinstance(e, str):
        i = var(e)
        if i is not None:
            return {((i, 1),): Fraction(1)}
        return {(): Fraction(e)} if Fraction(e) else {}
    op, args = e[0], [_poly_of(a, var) for a in e[1:]]
    if op == "+":
        out: _Poly = {}
        for a in args:
            for m, c in a.items():
                out[m] = out.get(m, 0) + c
        return {m: c for m, c in out.items() if c}
    if op == "-":
        neg = {m: -c for m, c in args[-1].items()} if len(args) == 1 else None
        if neg is not None:
            return neg
        return _poly_of(["+", e[1]] + [["*", "-1", a] for a in e[2:]], var)
    if op == "*":
        out = {(): Fraction(1)}
        for a in args:
            out = _mul(out, a)
        return out
    if op == "/" and len(args) == 2 and set(args[1]) <= {()} and args[1]:
        d = args[1][()]
        return {m: c / d for m, c in args[0].items()}
    if op == "^" and len(args) == 2 and set(args[1]) <= {()}:
        out = {(): Fraction(1)}
        for _ in range(int(args[1].get((), 0))):
            out = _mul(out, args[0])
        return out
    raise ValueError(f"unsupported SMT-LIB term {e!r}")


def read(text: str) -> tuple[int, list[tuple[list[tuple[int, tuple]], int]]]:
    """``(ngens, system)`` of a script asserting strict sign conditions (as :func:`write` makes).

    Each condition comes back primitive with integer coefficients, in the
    monomial order of the file.
    """
    system = []
    ngens = 0

    def var(s: str):
        return int(s[1:]) if re.fullmatch(r"x\d+", s) else None

    for cmd in parse(text):
        if cmd[0] == "declare-fun":
            ngens = max(ngens, var(cmd[1]) + 1)
        elif cmd[0] == "assert":
            rel, lhs, rhs = cmd[1]
            if rel not in (">", "<") or rhs != "0":
                raise ValueError(f"not a strict sign condition: {cmd!r}")
            poly = _poly_of(lhs, var)
            den = 1
            for c in poly.values():
                den = den * c.denominator // _gcd(den, c.denominator)
            system.append(([(int(c * den), m) for m, c in poly.items()], 1 if rel == ">" else -1))
    return ngens, system


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return abs(a)


# --------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------
def _sign(coeffs: Sequence[Fraction], x: Fraction) -> int:
    v = Fraction(0)
    for c in reversed(coeffs):
        v = v * x + c
    return (v > 0) - (v < 0)


def _bisect(coeffs: Sequence[Fraction], lo: Fraction, hi: Fraction) -> Iterator[Fraction]:
    """Midpoints of the isolating interval ``(lo, hi)``, halved exactly, one per precision."""
    s_lo = _sign(coeffs, lo)
    for k in PRECISIONS:
        while hi - lo > Fraction(1, 2 ** k):
            mid = (lo + hi) / 2
            s = _sign(coeffs, mid)
            if s == 0:
                lo = hi = mid
                break
            if s == s_lo:
                lo = mid
            else:
                hi = mid
        yield (lo + hi) / 2


def _root_obj(poly: SExpr, index: int) -> Iterator[Fraction]:
    """z3's ``(root-obj p k)``: the k-th real root (from 1) of p in ``x``."""
    import sympy
    p = _poly_of(poly, lambda s: 0 if s == "x" else None)
    deg = max((m[0][1] if m else 0) for m in p)
    coeffs = [Fraction(0)] * (deg + 1)
    for m, c in p.items():
        coeffs[m[0][1] if m else 0] = c
    sp = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in reversed(coeffs)],
                    sympy.Symbol("x"))
    (lo, hi), _ = sp.intervals()[index - 1]
    if lo == hi:
        return iter([Fraction(int(lo.p), int(lo.q))] * len(PRECISIONS))
    return _bisect(coeffs, Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q)))


def _ran(text: str, lo: str, hi: str) -> Iterator[Fraction]:
    """cvc5's ``real_algebraic_number <p, (lo, hi)>``: the root of p in that interval."""
    import sympy
    x = sympy.Symbol("x")
    sp = sympy.Poly(sympy.sympify(text.replace("^", "**"), locals={"x": x}), x)
    coeffs = [Fraction(int(c.p), int(c.q)) for c in reversed(sp.all_coeffs())]
    return _bisect(coeffs, Fraction(lo), Fraction(hi))


def _value(e: SExpr) -> Iterator[Optional[Fraction]]:
    """Rational approximations of one model value, one per precision (``None``: unreadable)."""
    try:
        if isinstance(e, list) and e and e[0] == "root-obj":
            return _root_obj(e[1], int(e[2]))
        if isinstance(e, list) and e and e[0] == "real_algebraic_number":
            return _ran(e[1].strip('"'), e[2], e[3])
        p = _poly_of(e, lambda s: None)
        return iter([p.get((), Fraction(0))] * len(PRECISIONS))
    except (ValueError, ArithmeticError, IndexError, TypeError):
        return iter([None] * len(PRECISIONS))


def model_candidates(values: SExpr, ngens: int) -> Iterator[list[Optional[Fraction]]]:
    """Candidate points from a ``get-value`` answer ``((x0 v0) (x1 v1) ...)``, coarse to fine.

    Generators the answer does not mention are ``None`` (free).  Every
    candidate is only a proposal: decimals and algebraic approximations are
    rounded, so the caller checks each one exactly.
    """
    streams: dict[int, Iterator[Optional[Fraction]]] = {}
    for pair in values if isinstance(values, list) else ():
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) \
                and re.fullmatch(r"x\d+", pair[0]) and int(pair[0][1:]) < ngens:
            streams[int(pair[0][1:])] = _value(pair[1])
    for _ in PRECISIONS:
        point: list[Optional[Fraction]] = [None] * ngens
        for i, s in streams.items():
            point[i] = next(s, None)
        yield point
