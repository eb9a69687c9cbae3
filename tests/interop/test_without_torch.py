"""What must hold without PyTorch: importing symattn never imports it."""

from __future__ import annotations

import subprocess
import sys


def test_importing_symattn_does_not_import_torch():
    code = ("import sys, symattn, symattn.interop; from symattn.interop import from_torch, to_torch, Sequential; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_bridge_modules_need_no_torch():
    from symattn.interop import GraphModel, Identity, ReLU, Sequential
    from symattn.nn import Linear

    net = Sequential([Linear([[1, -1]]), ReLU(), Linear([[1], [1]])])
    assert net([["-5/2"]]).tolist() == [[sympy_rational("5/2")]]
    assert GraphModel(net.trace(n=1))([[3]]).tolist() == [[3]]
    assert Identity(features=1)([[7]]).tolist() == [[7]]


def sympy_rational(text: str):
    import sympy

    return sympy.Rational(text)
