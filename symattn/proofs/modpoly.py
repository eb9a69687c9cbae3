"""Univariate polynomials modulo a prime, multiplied by packing into one big integer.

Used only to compute the *degree* of a piece along a line
(:mod:`symattn.proofs.degree`): the degree of a reduction mod p is at most
the degree over QQ, so it gives sound lower bounds.  Multiplication is
Kronecker substitution: the coefficients (each < p) become fixed-width
slots of one Python integer, the integers are multiplied (Karatsuba in
CPython), and the slots are read back and reduced.  That is fast for the
degree-729 polynomials of a six-block encoder, where a dictionary-based
product is quadratic in pure Python.

>>> p = 2**61 - 1
>>> t = ModPoly.variable(p)
>>> f = (t + ModPoly.constant(1, p)) * (t + ModPoly.constant(p - 1, p))   # (t + 1)(t - 1)
>>> f.coeffs, f.degree()
((2305843009213693950, 0, 1), 2)
>>> bool(ModPoly.constant(0, p)), (f + f * ModPoly.constant(p - 1, p)).degree()
(False, -1)
"""

from __future__ import annotations

__all__ = ["ModPoly"]


class ModPoly:
    """An immutable polynomial in t with coefficients in Z/pZ, lowest degree first."""

    __slots__ = ("coeffs", "p")

    def __init__(self, coeffs, p: int):
        coeffs = [c % p for c in coeffs]
        while coeffs and coeffs[-1] == 0:
            coeffs.pop()
        self.coeffs, self.p = tuple(coeffs), p

    @classmethod
    def constant(cls, c: int, p: int) -> "ModPoly":
        return cls((c,), p)

    @classmethod
    def variable(cls, p: int) -> "ModPoly":
        return cls((0, 1), p)

    def degree(self) -> int:
        """−1 for the zero polynomial."""
        return len(self.coeffs) - 1

    def __bool__(self) -> bool:
        return bool(self.coeffs)

    def __add__(self, other: "ModPoly") -> "ModPoly":
        a, b = self.coeffs, other.coeffs
        if len(a) < len(b):
            a, b = b, a
        return ModPoly([x + y for x, y in zip(a, b)] + list(a[len(b):]), self.p)

    def __mul__(self, other: "ModPoly") -> "ModPoly":
        a, b = self.coeffs, other.coeffs
        if not a or not b:
            return ModPoly((), self.p)
        if len(a) == 1 or len(b) == 1:
            c, rest = (a[0], b) if len(a) == 1 else (b[0], a)
            return ModPoly([c * x for x in rest], self.p)
        bits = 2 * self.p.bit_length() + min(len(a), len(b)).bit_length() + 1
        width = (bits + 7) // 8
        pack = lambda cs: int.from_bytes(b"".join(c.to_bytes(width, "little") for c in cs), "little")  # noqa: E731
        product = (pack(a) * pack(b)).to_bytes(width * (len(a) + len(b)), "little")
        return ModPoly([int.from_bytes(product[k:k + width], "little")
                        for k in range(0, width * (len(a) + len(b) - 1), width)], self.p)

    def __eq__(self, other) -> bool:
        return isinstance(other, ModPoly) and (self.coeffs, self.p) == (other.coeffs, other.p)

    def __hash__(self) -> int:
        return hash((self.coeffs, self.p))

    def __repr__(self) -> str:
        return f"ModPoly({list(self.coeffs)}, {self.p})"
