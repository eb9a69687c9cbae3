"""Conditions with their even and sign-definite factors removed: step 1 of :mod:`symattn.compiler.simplify`.

``s·g > 0`` with ``g = c·∏ f_k^{e_k}`` over QQ holds, off the zero set of
``g`` (a null set), exactly where the product of the odd, not
sign-definite factors has the sign that ``c`` and the definite factors
leave.  So the condition can be replaced by that shorter one, and the
region grows by a null set only.

>>> import sympy
>>> from symattn.semialg.poly import polynomial_ring
>>> x, y = sympy.symbols("x y"); R = polynomial_ring((x, y)); X, Y = R.gens
>>> simplify_condition(X * Y**3 * (X**2 + 1), -1)[0]      # x y^3 (x^2 + 1) < 0 is x y < 0
(x*y, -1)
"""

from __future__ import annotations

from functools import lru_cache

from ..semialg.factoring import factor_condition
from ..semialg.poly import PolyElement, normalize_condition
from ..semialg.region import Condition

__all__ = ["show", "simplify_condition"]


@lru_cache(maxsize=8192)
def show(g: PolyElement, s: int) -> str:
    return f"{g.as_expr()} {'>' if s > 0 else '<'} 0"


@lru_cache(maxsize=8192)
def simplify_condition(g: PolyElement, s: int) -> tuple[Condition | None, tuple[str, ...]]:
    """``s·g > 0`` with even and sign-definite factors removed, and the notes saying why.

    ``None`` when nothing is left (the condition holds off a null set); a
    condition that holds nowhere is a ``ValueError`` (no witnessed region has it).

    >>> import sympy
    >>> from symattn.semialg.poly import polynomial_ring
    >>> x, a = sympy.symbols("x a", real=True)
    >>> R = polynomial_ring((x,), (a,)); X, A = R.gens
    >>> simplify_condition(A * X**2, 1)[0]
    (a, 1)
    >>> simplify_condition(-(X**3 + X), 1)[0]
    (x, -1)
    """
    factored = factor_condition(g, s)
    notes = []
    for f, e, why in factored.dropped:
        power = f"({f.as_expr()})^{e}" if e > 1 else str(f.as_expr())
        notes.append(f"{show(g, s)}: the factor {power} is dropped, {why}")
    if not factored.factors and factored.sign < 0:
        raise ValueError(f"{show(g, s)} holds nowhere: it cannot be a condition of a witnessed region")
    if not factored.factors:
        zeros = [f for f, _, why in factored.dropped if "null set" in why]
        where = " = 0 or ".join(str(f.as_expr()) for f in zeros) + " = 0" if zeros else "the empty set"
        return None, (f"{show(g, s)} dropped: it fails only on the null set {where}",)
    product = factored.factors[0]
    for f in factored.factors[1:]:
        product = product * f
    h, t = normalize_condition(product, factored.sign)
    if (h, t) == normalize_condition(g, s) and len(notes) == 0:
        return (g, s), ()
    return (h, t), tuple(notes)
