"""symattn: exact splines from ReLU transformers, and ReLU encoders from splines.

>>> import symattn
>>> from symattn.nn import Attention
>>> symattn.trace(Attention([[1]], [[1]], [[1]]), n=2).shape
(2, 1)
"""

from . import nn
from .errors import (
    EvaluationError,
    GraphLintError,
    NotASplineError,
    ShapeError,
    SymattnError,
    UnsupportedOperationError,
    WeightError,
)
from .graph import ExpressionGraph, input_symbol, trace
from .interpret import ExactInterpreter, FloatInterpreter, ReLU, SymbolicInterpreter
from .weights import exact_matrix, exact_scalar
from .compiler import Budget, UndecidedCase, compile
from .spline import MergedPiece, Piece, PointPiece, SoundnessError, Spline
from .semialg import Region, Witness

__version__ = "0.1.0"

__all__ = [
    "nn", "trace", "compile", "Budget", "Spline", "Piece", "PointPiece", "MergedPiece",
    "Region", "Witness", "UndecidedCase", "SoundnessError", "ExpressionGraph", "input_symbol",
    "ExactInterpreter", "FloatInterpreter", "SymbolicInterpreter", "ReLU",
    "exact_matrix", "exact_scalar",
    "SymattnError", "WeightError", "ShapeError", "NotASplineError", "EvaluationError",
    "GraphLintError", "UnsupportedOperationError",
]

from .export import ModelFileError, Printable, export_latex, load_model, save_model, to_latex
from .interop import from_torch, to_torch
from .realize import (
    CPWL, CertificateInputError, Check, DiscontinuityError, MaxMin, NoCertificateError, Proof,
    Realization, UnivariateSpline, certificate, realize,
)

__all__ += [
    "Printable", "ModelFileError", "export_latex", "to_latex", "load_model", "save_model",
    "from_torch", "to_torch",
    "MaxMin", "UnivariateSpline", "CPWL", "certificate", "realize", "Realization", "Proof", "Check",
    "NoCertificateError", "DiscontinuityError", "CertificateInputError",
]
