"""Scheduling monomials into attention layers: degree 3^L after L layers.

Given the monomials a construction needs (over some *base* features, each
readable from a given attention layer on), :func:`plan_products` picks for
each one a factorisation into features of lower layers and returns the
heads of every layer (see :mod:`.blocks` for the two head gadgets):

* **square** m = s²·t: one head with score s² and value t; used whenever
  some s, t of degree ≤ 3^(L−1) exist (always for one variable);
* **polarised** m = a·b·t: two heads, scores (a ± b)².

A monomial of degree d whose features are readable from layer s is made in
layer s + ⌈log₃ d⌉ − 1, the fewest possible; its factors are scheduled the
same way, recursively, and get their own slots.

>>> from .program import Layout
>>> lay = Layout(); x, y, one = lay.add("x"), lay.add("y"), lay.add("1")
>>> out = lay.add("out")
>>> heads = plan_products([(x, 1, "x"), (y, 1, "y")], one, {(3, 1): Vec({out: 1})}, lay)
>>> sorted(heads), [h.note for h in heads[2]]          # x^3 y = x^2 · (x y), with x y made in layer 1
([1, 2], ['(x)^2 * [x*y]'])
>>> [h.note for h in heads[1]]                        # x y = ((x + y)^2 - (x - y)^2)/4
['+((x) + (y))^2/4 * [1]', '-((x) - (y))^2/4 * [1]']
"""

from __future__ import annotations

from typing import Mapping, Sequence

from .blocks import polarized_heads, square_head
from .program import Head, Layout, Vec

__all__ = ["plan_products", "ceil_log3", "monomial_name"]

Monomial = tuple[int, ...]


def ceil_log3(d: int) -> int:
    """⌈log₃ d⌉ for d ≥ 1, in integers.

    >>> [ceil_log3(d) for d in (1, 2, 3, 4, 9, 10, 27, 28)]
    [0, 1, 1, 2, 2, 3, 3, 4]
    """
    k, p = 0, 1
    while p < d:
        k, p = k + 1, p * 3
    return k


def monomial_name(m: Monomial, names: Sequence[str]) -> str:
    parts = [names[i] if e == 1 else f"{names[i]}^{e}" for i, e in enumerate(m) if e]
    return "*".join(parts) or "1"


def _factor(alpha: Monomial, cap: int):
    """("sq", s, t) with alpha = 2s + t, or ("pol", a, b, t) with alpha = a + b + t; parts of degree ≤ cap."""
    beta = [a // 2 for a in alpha]
    while sum(beta) > cap:
        k = max(range(len(beta)), key=lambda i: beta[i])
        beta[k] -= 1
    gamma = tuple(a - 2 * b for a, b in zip(alpha, beta))
    if sum(beta) >= 1 and sum(gamma) <= cap:
        return ("sq", tuple(beta), gamma)
    occurrences = [i for i, e in enumerate(alpha) for _ in range(e)]
    parts = [occurrences[:cap], occurrences[cap:2 * cap], occurrences[2 * cap:]]
    mono = lambda occ: tuple(occ.count(i) for i in range(len(alpha)))   # noqa: E731
    return ("pol", mono(parts[0]), mono(parts[1]), mono(parts[2]))


def plan_products(base: Sequence[tuple[int, int, str]], one: int, wanted: Mapping[Monomial, Vec],
                  layout: Layout) -> dict[int, list[Head]]:
    """Heads per attention layer (1-based) that add ``wanted[m]``-weighted copies of each monomial m.

    ``base``: (slot, first layer that can read it, name) per base feature;
    monomials are exponent tuples over ``base``.  ``one``: the constant slot.
    ``wanted[m]`` maps destination slots to coefficients.  Factors that are
    not base features get new slots in ``layout``.
    """
    names = [name for _, _, name in base]
    start = [first for _, first, _ in base]
    width = len(base)

    def layer_of(m: Monomial) -> int:
        s = max(start[i] for i, e in enumerate(m) if e)
        return s + ceil_log3(sum(m)) - 1

    routes: dict[Monomial, Vec] = {m: v for m, v in wanted.items() if sum(m) >= 2}
    plan: dict[Monomial, tuple] = {}
    slot_of: dict[Monomial, int] = {(0,) * width: one}
    for i, (slot, _, _) in enumerate(base):
        slot_of[tuple(int(k == i) for k in range(width))] = slot
    todo = sorted(routes, key=sum, reverse=True)
    while todo:
        m = todo.pop(0)
        if m in plan:
            continue
        L = layer_of(m)
        s = max(start[i] for i, e in enumerate(m) if e)
        plan[m] = _factor(m, 3 ** (L - s))
        for f in plan[m][1:]:
            if f not in slot_of:
                slot_of[f] = layout.add(monomial_name(f, names))
                routes.setdefault(f, Vec())
                todo.append(f)
        todo.sort(key=sum, reverse=True)
    for m, slot in slot_of.items():
        if m in routes:
            routes[m] = routes[m] + Vec({slot: 1})
    # group by score: one head (or pair) per score, one value column per t
    groups: dict[tuple, dict[Vec, Vec]] = {}
    for m, how in plan.items():
        key = (layer_of(m),) + ((how[0], how[1]) if how[0] == "sq" else (how[0], how[1], how[2]))
        t = Vec({slot_of[how[-1]]: 1})
        cols = groups.setdefault(key, {})
        cols[t] = cols.get(t, Vec()) + routes[m]
    heads: dict[int, list[Head]] = {}
    for key, cols in groups.items():
        layer, kind = key[0], key[1]
        values = ", ".join(sorted(layout.names[next(iter(dict(t.items())))] for t in cols))
        if kind == "sq":
            s = key[2]
            heads.setdefault(layer, []).append(
                square_head(Vec({slot_of[s]: 1}), cols, f"({monomial_name(s, names)})^2 * [{values}]"))
        else:
            a, b = key[2], key[3]
            heads.setdefault(layer, []).extend(polarized_heads(
                Vec({slot_of[a]: 1}), Vec({slot_of[b]: 1}), cols,
                (monomial_name(a, names), monomial_name(b, names), values)))
    return heads
