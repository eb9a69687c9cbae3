"""The exception classes of symattn.

Every error that bad input can cause is a :class:`SymattnError`; each names
the module path (``encoder.1.attn.head0``) or graph node where it arose.
"""

from __future__ import annotations

__all__ = [
    "SymattnError",
    "WeightError",
    "ShapeError",
    "UnsupportedOperationError",
    "NotASplineError",
    "EvaluationError",
    "GraphLintError",
    "InputError",
    "ResourceError",
    "RealizeError",
    "CertificateInputError",
    "CheckpointError",
]


class SymattnError(Exception):
    """Base class of every error symattn raises on purpose."""


class WeightError(SymattnError, ValueError):
    """A weight entry is not an exact real number (NaN, inf, complex, junk).

    ``path`` is the module path plus the weight's name, ``index`` the entry.
    """

    def __init__(self, path: str, index: tuple[int, ...] | None, reason: str):
        self.path, self.index, self.reason = path, index, reason
        where = path if index is None else f"{path}{list(index)}"
        super().__init__(f"{where}: {reason}")


class ShapeError(SymattnError, ValueError):
    """Two shapes do not fit together; names the module path and both shapes."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path or '<model>'}: {message}")


class UnsupportedOperationError(SymattnError):
    """An operation symattn does not model (for example GELU)."""


class NotASplineError(SymattnError):
    """The graph contains an operation that is not piecewise polynomial."""

    def __init__(self, node: int, op: str, path: str, hint: str = ""):
        self.node, self.op, self.path = node, op, path
        msg = f"node {node} ({op}) at {path or '<model>'} is not piecewise polynomial"
        super().__init__(msg + (f"; {hint}" if hint else ""))


class EvaluationError(SymattnError):
    """An interpreter rule failed; carries the node, its op and module path."""

    def __init__(self, node: int, op: str, path: str, cause: BaseException):
        self.node, self.op, self.path, self.cause = node, op, path, cause
        super().__init__(
            f"while evaluating node {node} ({op}) at {path or '<model>'}: "
            f"{type(cause).__name__}: {cause}"
        )


class GraphLintError(SymattnError):
    """The expression graph violates its schema (see :mod:`symattn.graph.nodes`)."""


class InputError(SymattnError, ValueError):
    """An argument is malformed; ``where`` names the argument and field, ``reason`` what is wrong."""

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(f"{where}: {reason}")


class ResourceError(InputError):
    """A computation that would not fit, refused before anything large is allocated.

    ``where`` names what is too large (the model and its token counts),
    ``needed`` and ``limit`` are the estimate and the limit in the same unit,
    and the message says what fits.

    >>> raise ResourceError("Attention at n=3000", "needs about 216 GiB, the limit is 1 GiB; n <= 200 fits",
    ...                     needed=216 * 2**30, limit=2**30)
    Traceback (most recent call last):
    ...
    symattn.errors.ResourceError: Attention at n=3000: needs about 216 GiB, the limit is 1 GiB; n <= 200 fits
    """

    def __init__(self, where: str, reason: str, needed: int | None = None, limit: int | None = None):
        self.needed, self.limit = needed, limit
        super().__init__(where, reason)


class RealizeError(SymattnError):
    """Base class of the errors raised while certifying or realizing a spline."""


class CertificateInputError(RealizeError, InputError):
    """A spline, certificate or polynomial given to :mod:`symattn.realize` is malformed.

    ``where`` names the class and field (``CPWL.cells[2]``), ``reason`` what
    was wrong with it.  Raised by the polynomial conversions of
    :mod:`symattn.semialg.convert`, the one door user expressions come in by.
    """


class CheckpointError(InputError):
    """A compile's checkpoint file cannot be resumed from: unreadable, of another compile, or a claim
    in it (a witness, a sign pattern) that does not check.  ``where`` names the file and field."""
