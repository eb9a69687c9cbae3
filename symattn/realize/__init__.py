"""From splines to encoders: max–min certificates, exact constructions, round-trip proofs.

MATH.md §4.  :func:`certificate` writes a spline as f = max_i min_j p_ij
where a constructive theorem gives one; :func:`realize` builds an encoder
with exact weights computing it; :meth:`Realization.verify` compiles the
encoder back and proves it equal to the target, region by region.

>>> import sympy
>>> from symattn.realize import MaxMin, realize
>>> x = sympy.Symbol("x")
>>> hat = realize(MaxMin.from_expr(sympy.Max(0, sympy.Min(x + 1, 1 - x))))
>>> hat.sizes.blocks, hat(0)
(2, 1)
>>> hat.verify().proved
True
"""

from .certificates import certificate
from .construct import realize
from .errors import CertificateInputError, DiscontinuityError, NoCertificateError, RealizeError
from .inputs import CPWL, Cell, UnivariateSpline
from .maxmin import MaxMin
from ..checks import Check, Proof
from .realization import Realization, Sizes
from ..nn.sequential import Sequential

__all__ = [
    "MaxMin", "UnivariateSpline", "CPWL", "Cell", "certificate", "realize", "Realization", "Sizes",
    "Sequential", "Proof", "Check", "RealizeError", "CertificateInputError", "DiscontinuityError",
    "NoCertificateError",
]
