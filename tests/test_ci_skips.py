"""With CI=true a skip fails the run unless the test is marked allowed_skip (ci_skips.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

PROBE = '''
import pytest

def test_skipped_in_the_body():
    pytest.skip("no corpus here")

@pytest.mark.skipif(True, reason="not on this system")
def test_skipped_by_a_mark():
    pass

@pytest.mark.allowed_skip("needs Windows")
def test_allowed():
    pytest.skip("Windows only")

@pytest.mark.xfail(reason="a known bug")
def test_expected_to_fail():
    assert False

def test_passing():
    assert True
'''


def run_probe(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(TESTS)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "ci_skips", "-p", "no:cacheprovider", "-rA",
         "-q", "test_probe.py"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_in_ci_an_unexpected_skip_fails_the_run(tmp_path: Path) -> None:
    result = run_probe(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    out = result.stdout
    assert "FAILED test_probe.py::test_skipped_in_the_body - skipped in CI: no corpus here" in out
    assert "test_probe.py::test_skipped_by_a_mark - skipped in CI: not on this system" in out
    assert "SKIPPED [1] test_probe.py:" in out and "Windows only" in out  # allowed
    assert "XFAIL test_probe.py::test_expected_to_fail" in out
    assert "PASSED test_probe.py::test_passing" in out


def test_outside_ci_skips_stay_skips(tmp_path: Path) -> None:
    result = run_probe(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped, 1 xfailed" in result.stdout
