"""Under hypothesis: random small exact models compile to splines that equal the exact interpreter."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symattn
from symattn.testing.strategies import points_for, small_models


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.data())
def test_compile_equals_the_exact_interpreter(data):
    """A budget of one second per compile keeps the run short; an incomplete spline is still checked:
    its listed pieces where a point falls in them, the exact forward pass elsewhere."""
    model, n = data.draw(small_models())
    spline = symattn.compile(model, n=n, budget=symattn.Budget(seconds=1), progress=False, samples=512)
    for inputs in (data.draw(points_for(model, n)) for _ in range(2)):
        assert spline(*inputs) == model(*inputs)
        at = spline.piece_at(*inputs)
        if spline.complete and 0 not in at.pattern:
            assert at.piece is not None          # a complete spline lists the region of every generic point
