"""The PyTorch bridge's doctests need PyTorch: skipped without it, except under CI=true.

(pytest reads this file; the package never imports it.)
"""

from __future__ import annotations

import os

#: the modules that import torch when imported
TORCH_MODULES = ["convert.py", "fx.py", "fx_modules.py", "fx_ops.py", "fx_values.py", "masks.py", "mha.py",
                 "torch_in.py", "torch_out.py"]

try:
    import torch  # noqa: F401
except ImportError:
    if os.environ.get("CI") != "true":  # CI installs PyTorch; a missing torch must fail there
        collect_ignore = TORCH_MODULES

        def pytest_terminal_summary(terminalreporter) -> None:
            terminalreporter.write_line(
                "symattn.interop: the doctests of " + ", ".join(TORCH_MODULES)
                + " were skipped: PyTorch is not installed (pip install 'symattn[torch]')")
