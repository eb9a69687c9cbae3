"""The exceptions of :mod:`symattn.realize`; all are :class:`~symattn.errors.SymattnError`."""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..errors import SymattnError

__all__ = ["RealizeError", "CertificateInputError", "DiscontinuityError", "NoCertificateError"]


class RealizeError(SymattnError):
    """Base class of the errors raised while certifying or realizing a spline."""


class CertificateInputError(RealizeError, ValueError):
    """A spline or certificate given to :mod:`symattn.realize` is malformed.

    ``where`` names the class and field (``CPWL.cells[2]``), ``reason`` what
    was wrong with it.
    """

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(f"{where}: {reason}")


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
