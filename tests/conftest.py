"""Test configuration for the foundation tests.

The shared table of cases and the numpy reference live in ``tests/cases.py``
and are imported as ``from cases import ...``.  Make that work under every
pytest import mode (``prepend`` puts this directory on ``sys.path`` already;
``importlib`` does not).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
