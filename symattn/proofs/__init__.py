"""Exact proofs about splines: equality, degree, continuity, order of smoothness.

Every function returns a :class:`~symattn.checks.Proof` (what was
checked, how, and whether that is complete) or raises :class:`ProofError`
with an exact counterexample.

* :func:`prove_equal`: two models, splines, certificates or realizations
  are the same function, region against overlapping region;
* :func:`degree_bound`, :func:`prove_degree`: degrees from a rule table
  over the graph, attained on a piece through a rational point;
* :func:`prove_continuous`: the pieces agree on every wall;
* :func:`smoothness`: the exact order C^k across every wall and overall.

>>> import sympy
>>> from symattn.realize import UnivariateSpline
>>> x = sympy.Symbol("x")
>>> smoothness(UnivariateSpline([0], [0, x**3], x)).claim
'the spline is C^2 and not C^3'
"""

from .continuity import prove_continuous
from .degree import DegreeProof, degree_bound, prove_degree
from .equality import prove_equal
from .errors import ProofError, ProofInputError
from .smoothness import SmoothnessProof, WallOrder, smoothness

__all__ = ["prove_equal", "degree_bound", "prove_degree", "prove_continuous", "smoothness", "ProofError",
           "ProofInputError", "DegreeProof", "SmoothnessProof", "WallOrder"]
