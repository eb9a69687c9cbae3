"""symattn: exact splines from ReLU transformers, and ReLU encoders from splines.

The public API, by stage:

* modules and tracing: :mod:`symattn.nn`, :func:`trace`, :class:`ExpressionGraph`;
* evaluation: :class:`ExactInterpreter`, :class:`FloatInterpreter`, :class:`SymbolicInterpreter`;
* the spline: :func:`compile` → :class:`Spline` of :class:`Piece` (a :class:`Region`
  with an exact :class:`Witness`, and polynomials);
* the converse: :class:`MaxMin`, :func:`certificate`, :func:`realize` → :class:`Realization`,
  whose ``verify()`` returns a :class:`Proof`;
* proofs: :func:`prove_equal`, :func:`degree_bound`, :func:`prove_degree`,
  :func:`prove_continuous`, :func:`smoothness`; smoothing: :func:`smooth`, :func:`softplus_bound`;
  pytest helpers in :mod:`symattn.testing` (a plugin registered on install);
* reading and writing: :func:`to_latex`, :func:`export_latex`, :func:`load_model`,
  :func:`save_model`; PyTorch: :func:`from_torch`, :func:`to_torch` (torch is imported
  only when they are called).

>>> import symattn
>>> from symattn.nn import Attention
>>> symattn.trace(Attention([[1]], [[1]], [[1]]), n=2).shape
(2, 1)
"""

from . import nn, proofs, smoothing
from .compiler import Budget, compile
from .errors import (
    EvaluationError,
    GraphLintError,
    NotASplineError,
    ShapeError,
    SymattnError,
    UnsupportedOperationError,
    WeightError,
)
from .printable import Printable
from .export import ModelFileError, export_latex, load_model, save_model, to_latex
from .graph import ExpressionGraph, input_symbol
from .nn import trace
from .interop import from_torch, to_torch
from .interpret import ExactInterpreter, FloatInterpreter, ReLU, SymbolicInterpreter
from .realize import (
    CPWL,
    CertificateInputError,
    Check,
    DiscontinuityError,
    MaxMin,
    NoCertificateError,
    Proof,
    Realization,
    UnivariateSpline,
    certificate,
    realize,
)
from .proofs import ProofError, degree_bound, prove_continuous, prove_degree, prove_equal, smoothness
from .semialg import Region, UndecidedCase, Witness
from .smoothing import smooth, softplus_bound
from .spline import MergedPiece, Piece, PointPiece, SoundnessError, Spline
from .weights import exact_matrix, exact_scalar

__version__ = "0.1.0"

__all__ = [
    # modules, graph, interpreters
    "nn", "trace", "ExpressionGraph", "input_symbol",
    "ExactInterpreter", "FloatInterpreter", "SymbolicInterpreter", "ReLU",
    "exact_matrix", "exact_scalar",
    # the spline
    "compile", "Budget", "Spline", "Piece", "PointPiece", "MergedPiece", "Region", "Witness",
    "UndecidedCase",
    # the converse
    "MaxMin", "UnivariateSpline", "CPWL", "certificate", "realize", "Realization", "Proof", "Check",
    # proofs and smoothing
    "proofs", "smoothing", "prove_equal", "degree_bound", "prove_degree", "prove_continuous",
    "smoothness", "smooth", "softplus_bound",
    # reading, writing, PyTorch
    "Printable", "to_latex", "export_latex", "load_model", "save_model", "from_torch", "to_torch",
    # errors
    "SymattnError", "WeightError", "ShapeError", "NotASplineError", "EvaluationError",
    "GraphLintError", "UnsupportedOperationError", "SoundnessError", "ModelFileError",
    "NoCertificateError", "DiscontinuityError", "CertificateInputError", "ProofError",
]
