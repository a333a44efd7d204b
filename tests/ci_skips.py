"""In CI a skipped test is a failed test, unless it is marked ``allowed_skip``.

CI installs every optional dependency and sets their ``SUMMARIZER_REQUIRE_*`` flags, so
a skip there means something is missing that should not be. A test that cannot run in
CI for a reason CI cannot fix says so with ``@pytest.mark.allowed_skip("why")``.
The hooks are imported by tests/conftest.py (and load with ``-p ci_skips``).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

MARKER = "allowed_skip"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(reason): a skip CI accepts, saying why the test cannot run there"
    )


def _reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not in_ci():
        return
    if item.get_closest_marker(MARKER) is not None:
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI: {_reason(report)}\n"
        "CI must run every test: install what it needs (and set its SUMMARIZER_REQUIRE_* "
        f"flag), or mark it @pytest.mark.{MARKER}('why it cannot run in CI')."
    )
