"""``realize``: an encoder whose spline is a given max–min form or univariate spline.

**Layout.**  One token.  Its slots are, in order: the N inputs x_1 … x_N,
the constant ``1``, then the working slots of the construction.  The
embedding is the affine map placing x and 1 and the affine part of every
polynomial the construction needs; the readout reads one slot.

**From a max–min certificate** f = max_i min_j p_ij, with slot ``g{i}.{j}``
holding p_ij:

1. *products* (attention, ⌈log₃ deg⌉ blocks): the heads of
   :mod:`.products` add the monomials of degree ≥ 2 of every p_ij into its
   slot (and build the factor monomials needed later in slots of their own);
2. *min levels* (feed-forward, ⌈log₂ J⌉ levels): in each group, pairs of
   slots merge in place, ``g{i}.{0} ← min(g{i}.{0}, g{i}.{1})`` and so on;
3. *max levels* (⌈log₂ I⌉ levels): the group results merge the same way
   with max, ending in ``g0.0``, which the readout returns.

Before the slots are laid out, the certificate is simplified (repeated terms
and dominated groups go) and each group is ordered so that the first min
level compares pairs with few distinct walls: every compared pair a, b cuts
the input space along a = b, and fewer cuts mean fewer regions to prove.

The first feed-forward level runs in the last product block; every other
attention layer is switched off (zero weights: score 0, value 0).  The
hat function (MATH.md §4) is two blocks with attention off::

    embed    x ─┬─> [x]  [1]  [g0.0 = 0]  [g1.0 = x+1]  [g1.1 = 1−x]
    block 0  ffn:  g1.0 ← g1.0 − σ(g1.0 − g1.1)        = min(x+1, 1−x)
    block 1  ffn:  g0.0 ← g0.0 + σ(g1.0 − g0.0)        = max(0, min(x+1, 1−x))
    readout  g0.0

**From a univariate spline** (truncated powers, MATH.md §4)
f = p_0 + Σ_k Σ_e b_ke (x − t_k)_+^e: the first feed-forward layer makes
r_k = σ(x − t_k) (one unit per knot, which also adds b_k1·r_k to the output);
attention makes the monomials of p_0 from block 0 on and the powers r_k^e
from block 1 on (score r_k² or (r_k^a)², value 1 or r_k^b).

>>> import sympy
>>> x = sympy.Symbol("x")
>>> hat = realize(MaxMin([[0], [x + 1, 1 - x]], [x]))
>>> hat.sizes.blocks, hat.sizes.heads, hat(sympy.Rational(1, 3))
(2, 0, 2/3)
>>> cubic = realize(UnivariateSpline([0], [0, x**3], x))      # x_+^3
>>> cubic.sizes.blocks, cubic(-2), cubic(2)
(2, 0, 8)
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import sympy

from ..semialg.poly import PolyElement, is_constant, normalize_condition
from .blocks import max_unit, min_unit, relu_unit
from .certificates import certificate, spline_as_input
from .errors import CertificateInputError
from .inputs import CPWL, UnivariateSpline
from .maxmin import MaxMin
from .program import Block, Layout, Program, Unit, Vec
from .products import plan_products
from .realization import Realization, Sizes

__all__ = ["realize", "realize_maxmin", "realize_univariate"]


def realize(target: Any) -> Realization:
    """The :class:`Realization` of a :class:`MaxMin`, :class:`UnivariateSpline`, :class:`CPWL`
    or compiled scalar :class:`~symattn.spline.Spline`.

    Splines go through :func:`certificate` (or the truncated-power form when
    univariate); a spline without a constructive certificate raises
    :class:`~symattn.realize.errors.NoCertificateError`.  The realization
    remembers ``target`` as its ``source``: :meth:`Realization.verify`
    proves the encoder equal to it.
    """
    from ..spline import Spline

    if isinstance(target, MaxMin):
        return realize_maxmin(target)
    if isinstance(target, UnivariateSpline):
        return realize_univariate(target)
    if isinstance(target, CPWL):
        return realize_maxmin(certificate(target), source=target)
    if isinstance(target, Spline):
        form = spline_as_input(target)
        if isinstance(form, UnivariateSpline):
            return realize_univariate(form, source=target)
        return realize_maxmin(certificate(form), source=target)
    raise CertificateInputError(
        "realize(target)", f"expected a MaxMin, UnivariateSpline, CPWL or Spline, got {type(target).__name__}")


def _inputs(layout: Layout, variables) -> tuple[list[int], int]:
    xs = [layout.add(str(v)) for v in variables]
    return xs, layout.add("1")


def _place_affine(p: PolyElement, slot: int, embed: list[Vec], bias: Vec) -> Vec:
    """Add the affine part of ``p`` to the embedding rows of ``slot``; return the new bias."""
    for m, c in p.items():
        if sum(m) == 0:
            bias = bias + Vec({slot: c})
        elif sum(m) == 1:
            k = m.index(1)
            embed[k] = embed[k] + Vec({slot: c})
    return bias


def _tree_levels(groups: list[list[int]], names: list[str]) -> tuple[list[list[Unit]], int, int, int]:
    """Units per feed-forward level: balanced min trees in every group, then a max tree.

    Returns (levels, output slot, number of min levels, number of max levels).
    """
    levels: list[list[Unit]] = []

    def merge(nodes: list[int], unit, op: str, units: list[Unit]) -> list[int]:
        out = []
        for k in range(0, len(nodes) - 1, 2):
            a, b = nodes[k], nodes[k + 1]
            units.append(unit(a, b, f"{names[a]} <- {op}({names[a]}, {names[b]})"))
            out.append(a)
        return out + ([nodes[-1]] if len(nodes) % 2 else [])

    current = [list(g) for g in groups]
    n_min = 0
    while any(len(g) > 1 for g in current):
        units: list[Unit] = []
        current = [merge(g, min_unit, "min", units) for g in current]
        levels.append(units)
        n_min += 1
    roots = [g[0] for g in current]
    n_max = 0
    while len(roots) > 1:
        units = []
        roots = merge(roots, max_unit, "max", units)
        levels.append(units)
        n_max += 1
    return levels, roots[0], n_min, n_max


def _pairing_order(group: tuple[PolyElement, ...], freq: Counter, used: set) -> tuple[PolyElement, ...]:
    """The group reordered so the first min level compares pairs with few distinct walls.

    The compiled encoder is cut by the wall a − b = 0 of every compared pair;
    a constant difference cuts nothing, and a wall already cut costs no new
    region, so pairs are taken greedily: constant differences first, then
    walls used before, then walls many groups could share.
    """
    rest, order = list(group), []
    while len(rest) > 1:
        def score(pair):
            w = _wall(rest[pair[0]], rest[pair[1]])
            return (w is None, w in used, freq[w], -pair[0], -pair[1])
        i, j = max(itertools.combinations(range(len(rest)), 2), key=score)
        used.add(_wall(rest[i], rest[j]))
        order += [rest[i], rest[j]]
        rest = [p for k, p in enumerate(rest) if k not in (i, j)]
    return tuple(order + rest)


def _wall(a: PolyElement, b: PolyElement):
    """The normalised wall a − b = 0, or None when a − b is constant (no wall)."""
    d = a - b
    return None if is_constant(d) else normalize_condition(d, 1)[0]


def realize_maxmin(mm: MaxMin, source: Any = None) -> Realization:
    """The encoder of a max–min certificate (see the module docstring for the layout)."""
    cert = mm.simplified()
    freq = Counter(_wall(a, b) for g in cert.groups for a, b in itertools.combinations(g, 2))
    used: set = set()
    cert = MaxMin._of(tuple(_pairing_order(g, freq, used) for g in cert.groups), cert.variables)
    layout = Layout()
    xs, one = _inputs(layout, cert.variables)
    embed, bias = [Vec({x: 1}) for x in xs], Vec({one: 1})
    wanted: dict[tuple[int, ...], Vec] = {}          # monomial -> where it goes, with coefficients
    groups = []
    for i, group in enumerate(cert.groups):
        slots = [layout.add(f"g{i}.{j}") for j in range(len(group))]
        for slot, p in zip(slots, group):
            bias = _place_affine(p, slot, embed, bias)
            for m, c in p.items():
                if sum(m) >= 2:
                    wanted[m] = wanted.get(m, Vec()) + Vec({slot: c})
        groups.append(slots)
    heads = plan_products([(x, 1, str(v)) for x, v in zip(xs, cert.variables)], one, wanted, layout)
    levels, output, n_min, n_max = _tree_levels(groups, layout.names)
    product_layers = max(heads, default=0)
    blocks = [Block(heads=heads.get(k + 1, ())) for k in range(product_layers)]
    if blocks and levels:                 # the first level runs in the last product block
        blocks[-1] = Block(blocks[-1].heads, levels.pop(0))
    blocks += [Block(units=units) for units in levels]
    program = Program(layout, embed, bias, blocks, output)
    return Realization(source=mm if source is None else source, certificate=cert,
                       variables=cert.variables, program=program, modules=program.assemble(),
                       sizes=Sizes.of(program, product_layers, n_min, n_max), construction="max-min")


def realize_univariate(spline: UnivariateSpline, source: Any = None) -> Realization:
    """The encoder of p_0 + Σ_k Σ_e b_ke (x − t_k)_+^e (see the module docstring)."""
    layout = Layout()
    (x,), one = _inputs(layout, spline.variables)
    out = layout.add("out")
    p0, knots = spline.truncated_powers()
    knots = tuple((t, coeffs) for t, coeffs in knots if any(coeffs))      # a knot without a jump is no knot
    embed = [Vec({x: 1})]
    bias = _place_affine(p0, out, embed, Vec({one: 1}))
    relus = [layout.add(f"r{k}") for k in range(len(knots))]
    # monomials over the base features (x, r_0, r_1, …): x from attention layer 1, r_k from layer 2
    wanted = {(m[0],) + (0,) * len(knots): Vec({out: c}) for m, c in p0.items() if m[0] >= 2}
    units = []
    for k, ((t, coeffs), r) in enumerate(zip(knots, relus)):
        r_name = sympy.Symbol(f"r{k}")
        note = f"{r_name} = relu({spline.variable - t})" + (f"; out += {coeffs[0] * r_name}" if coeffs[0] else "")
        units.append(relu_unit(Vec({x: 1}), -t, Vec({r: 1, out: coeffs[0]}), note))
        for e, b in enumerate(coeffs[1:], start=2):
            if b:
                wanted[(0,) + tuple(e if j == k else 0 for j in range(len(knots)))] = Vec({out: b})
    base = [(x, 1, str(spline.variable))] + [(r, 2, f"r{k}") for k, r in enumerate(relus)]
    heads = plan_products(base, one, wanted, layout)
    blocks = [Block(heads=heads.get(k + 1, ())) for k in range(max([1] + list(heads)))]
    blocks[0] = Block(blocks[0].heads, units)
    program = Program(layout, embed, bias, blocks, out)
    return Realization(source=spline if source is None else source, certificate=None,
                       variables=spline.variables, program=program, modules=program.assemble(),
                       sizes=Sizes.of(program, len(heads), 0, 0), construction="truncated powers")
