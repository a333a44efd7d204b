"""What a test does when something it needs is not on this machine.

It skips, saying why, unless ``SUMMARIZER_REQUIRE_<NAME>=1`` asks for it (CI sets one
for every optional dependency it installs): then the missing dependency is a failure.
Importable by name from any test folder (pytest's ``pythonpath = ["tests"]``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent


def required(name: str) -> bool:
    return os.environ.get(f"SUMMARIZER_REQUIRE_{name}") == "1"


def unavailable(name: str, reason: str) -> NoReturn:
    """Skip with ``reason``, or fail under ``SUMMARIZER_REQUIRE_<name>=1``."""
    if required(name):
        pytest.fail(f"{reason} (SUMMARIZER_REQUIRE_{name}=1)", pytrace=False)
    pytest.skip(f"{reason} (SUMMARIZER_REQUIRE_{name}=1 makes this a failure)")


def polnear_root() -> Path:
    """The PolNeAR corpus: ``$SUMMARIZER_POLNEAR``, else ``../shared/polnear``."""
    return Path(os.environ.get("SUMMARIZER_POLNEAR") or ROOT.parent / "shared" / "polnear")


def require_polnear(*parts: str) -> Path:
    """``polnear_root() / parts``, or skip (fail under SUMMARIZER_REQUIRE_POLNEAR=1)."""
    path = polnear_root().joinpath(*parts)
    if not path.exists():
        unavailable("POLNEAR", f"PolNeAR corpus not at {path} (set SUMMARIZER_POLNEAR)")
    return path
