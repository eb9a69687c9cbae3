"""The pytest plugin: fixtures, one registration whatever loads it, and the pytest11 entry point."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import sympy

import symattn.testing.plugin as plugin

ROOT = Path(__file__).resolve().parents[2]


def test_rational_points_are_exact_and_seeded_by_the_test(rational_points, symattn_seed, request):
    assert symattn_seed == plugin.seed_for(request.node.nodeid)
    points = rational_points(2, 3, count=4, spread=2)
    assert len(points) == 4 and all(p.shape == (2, 3) for p in points)
    assert all(isinstance(v, sympy.Rational) and abs(v) <= 2 for p in points for v in p)
    assert len({tuple(p) for p in points}) == 4


def test_the_same_test_gets_the_same_points(rational_points, request):
    """A second generator seeded like the fixture's replays its draws."""
    import random

    first = rational_points(1, 2, count=3)
    rng = random.Random(plugin.seed_for(request.node.nodeid))
    replay = []
    for _ in range(3):
        row = []
        for _ in range(2):
            q = rng.choice((1, 2, 3, 4, 5, 7, 8, 16))
            row.append(sympy.Rational(rng.randint(-3 * q, 3 * q), q))
        replay.append(sympy.Matrix([row]))
    assert first == replay


def test_the_plugin_is_registered_exactly_once(request):
    manager = request.config.pluginmanager
    assert [p for p in manager.get_plugins() if p is plugin] == [plugin]
    assert plugin.register(request.config) is False            # a second registration is a no-op


def _run_pytest(tmp_path: Path, conftest: str | None, entry_point: bool) -> subprocess.CompletedProcess:
    """pytest in a fresh directory, with the symattn plugin as an installed pytest11 entry point or not."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_uses_plugin.py").write_text(textwrap.dedent("""
        import sys
        import sympy

        def test_points(rational_points, request):
            (point,) = rational_points(2, 2)
            assert all(isinstance(v, sympy.Rational) for v in point)
            module = sys.modules["symattn.testing.plugin"]
            assert [p for p in request.config.pluginmanager.get_plugins() if p is module] == [module]
    """))
    if conftest is not None:
        (project / "conftest.py").write_text(conftest)
    paths = [str(ROOT)]
    if entry_point:
        dist = tmp_path / "site" / "symattn_plugin_check-0.dist-info"
        dist.mkdir(parents=True)
        (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: symattn-plugin-check\nVersion: 0\n")
        (dist / "entry_points.txt").write_text("[pytest11]\nsymattn = symattn.testing.plugin\n")
        paths.insert(0, str(tmp_path / "site"))
    env = {"PYTHONPATH": ":".join(paths), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    if not entry_point:  # as if symattn were not installed, even where it is
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(project)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)


REGISTER = "from symattn.testing.plugin import register\n\ndef pytest_configure(config):\n    register(config)\n"


def test_the_entry_point_alone_provides_the_fixtures(tmp_path):
    out = _run_pytest(tmp_path, None, entry_point=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "exact proofs plugin" in out.stdout                   # the report header


def test_a_conftest_registration_next_to_the_entry_point_is_not_a_second_one(tmp_path):
    out = _run_pytest(tmp_path, REGISTER, entry_point=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_conftest_registration_works_without_the_entry_point(tmp_path):
    out = _run_pytest(tmp_path, REGISTER, entry_point=False)
    assert out.returncode == 0, out.stdout + out.stderr
    bare = tmp_path / "bare"
    bare.mkdir()
    out = _run_pytest(bare, None, entry_point=False)                 # neither: the fixture is missing
    assert out.returncode != 0 and "fixture 'rational_points' not found" in out.stdout
