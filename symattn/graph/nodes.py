"""The node schema of an :class:`~symattn.graph.ExpressionGraph`: one source of truth.

Every node of the underlying ``networkx.DiGraph`` is an integer id whose
attribute dict has the four common keys

===========  ==========================================================
``op``       the operation, one of the ``OPS`` below
``shape``    ``(rows, cols)`` of the matrix the node computes
``inputs``   ordered tuple of argument node ids (edges carry no order)
``path``     the module path that created it, e.g. ``encoder.1.attn.head0``
===========  ==========================================================

plus the op-specific attributes listed in ``ATTRIBUTES``.  Node ids increase
in creation order, and a node is created only after its inputs, so sorting
ids is a topological order.

Semantics of each op (``A``, ``B`` are the input matrices):

* ``input``: the matrix of input variables ``name[i,j]`` (``x``, ``y``, ``z``).
* ``weight``: a constant exact matrix ``value`` (rationals or polynomials in
  parameters).
* ``matmul``: ``A @ B``.    ``add``: ``A + B`` (equal shapes).
* ``transpose``: ``A.T``.  ``scale``: ``factor * A`` for an exact constant.
* ``mask``: entries ``(i, j)`` with ``mask[i][j]`` false replaced by ``fill``,
  which is ``0`` (before ReLU or identity: a removed entry contributes 0) or
  ``-oo`` (before softmax and softplus, whose limit at -oo is 0).
* ``relu``: entrywise ``max(0, a)``.  ``softplus``: entrywise
  ``log(1 + exp(beta a)) / beta``.  ``softmax``: row-wise softmax.
* ``concat``: ``[A | B | ...]`` along ``axis`` (1: columns, 0: rows).
* ``layernorm``: each row ``r`` becomes ``(r - mean) / sqrt(var + eps)``
  (population variance) times ``gamma`` plus ``beta``, where the optional
  2nd and 3rd inputs are 1×p rows ``gamma`` and ``beta``.
"""

from __future__ import annotations

OP = "op"
SHAPE = "shape"
INPUTS = "inputs"
PATH = "path"

# op-specific attributes
NAME = "name"  # input: variable letter
VALUE = "value"  # weight: ImmutableMatrix
FACTOR = "factor"  # scale: exact positive or negative constant
MASK = "mask"  # mask: tuple of tuples of bool, True = kept
FILL = "fill"  # mask: 0 or -oo (sympy)
BETA = "beta"  # softplus: exact positive constant
AXIS = "axis"  # concat: 0 or 1
EPS = "eps"  # layernorm: exact positive constant

INPUT = "input"
WEIGHT = "weight"
MATMUL = "matmul"
ADD = "add"
TRANSPOSE = "transpose"
SCALE = "scale"
MASK_OP = "mask"
RELU = "relu"
SOFTMAX = "softmax"
SOFTPLUS = "softplus"
CONCAT = "concat"
LAYERNORM = "layernorm"

#: op -> (allowed numbers of inputs, op-specific attribute names)
ATTRIBUTES: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    INPUT: ((0,), (NAME,)),
    WEIGHT: ((0,), (VALUE,)),
    MATMUL: ((2,), ()),
    ADD: ((2,), ()),
    TRANSPOSE: ((1,), ()),
    SCALE: ((1,), (FACTOR,)),
    MASK_OP: ((1,), (MASK, FILL)),
    RELU: ((1,), ()),
    SOFTMAX: ((1,), ()),
    SOFTPLUS: ((1,), (BETA,)),
    CONCAT: (tuple(range(1, 1025)), (AXIS,)),
    LAYERNORM: ((1, 3), (EPS,)),
}

OPS = frozenset(ATTRIBUTES)
COMMON = (OP, SHAPE, INPUTS, PATH)
#: ops whose output is a polynomial in their inputs (no case split needed)
POLYNOMIAL_OPS = frozenset({INPUT, WEIGHT, MATMUL, ADD, TRANSPOSE, SCALE, MASK_OP, CONCAT})
#: entrywise or row-wise activations
ACTIVATIONS = frozenset({RELU, SOFTMAX, SOFTPLUS})
