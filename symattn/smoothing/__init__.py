"""The smoothed spline (MATH.md §3): ReLU replaced by softmax or SoftPlus, and how far that moves it.

>>> import sympy
>>> from symattn.nn import FeedForward
>>> relu = FeedForward([[1, -1]], None, [[1], [1]], None)            # |x|
>>> soft = smooth(relu, "softplus", beta=100)
>>> X = [["1/3"]]
>>> error = abs(sympy.N(soft(X)[0, 0] - relu(X)[0, 0], 50))
>>> bool(error <= sympy.N(softplus_bound(relu, X, 100)[0, 0], 50))
True
"""

from .bound import EPSILON, deviation_polynomials, softplus_bound
from .intervals import enclose
from .swap import SmoothingError, smooth

__all__ = ["smooth", "softplus_bound", "deviation_polynomials", "enclose", "EPSILON", "SmoothingError"]
