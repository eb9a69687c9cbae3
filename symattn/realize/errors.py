"""The exceptions of :mod:`symattn.realize`; all are :class:`~symattn.errors.SymattnError`.

:class:`RealizeError` and :class:`CertificateInputError` live in :mod:`symattn.errors`, since the
polynomial conversions below :mod:`symattn.realize` raise them too.
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..errors import CertificateInputError, RealizeError

__all__ = ["RealizeError", "CertificateInputError", "DiscontinuityError", "NoCertificateError"]


class DiscontinuityError(RealizeError, ValueError):
    """Two adjacent pieces disagree: the input is not a spline (not continuous).

    ``point`` is an exact rational point (Symbol -> Rational) in the closures
    of both pieces (on their common boundary), ``pieces`` their indices and
    ``values`` the two different exact values there.
    """

    def __init__(self, where: str, point: Mapping[sympy.Symbol, Any], pieces: tuple[int, int],
                 values: tuple[sympy.Rational, sympy.Rational]):
        self.where = where
        self.point = dict(point)
        self.pieces = pieces
        self.values = values
        at = ", ".join(f"{s} = {v}" for s, v in self.point.items())
        super().__init__(
            f"{where}: pieces {pieces[0]} and {pieces[1]} disagree at ({at}), a point of both their "
            f"closures: {values[0]} != {values[1]}; a spline must be continuous")


class NoCertificateError(RealizeError):
    """No constructive theorem gives a max–min certificate for this input.

    Pass a :class:`~symattn.realize.MaxMin` certificate instead.
    """
