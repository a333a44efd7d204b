"""Shared fixtures: the scripted OpenAI-compatible server and the seed article."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from ci_skips import pytest_configure, pytest_runtest_makereport
from fakes import FakeEngine
from hypothesis import settings
from scripted_server import ScriptedServer

from summarizer import engines

# In CI property tests replay a fixed set of examples, so a landing is never decided by
# chance; locally they explore new random examples on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# With CI=true a skip fails the run unless the test is marked allowed_skip (ci_skips.py).
__all__ = ["pytest_configure", "pytest_runtest_makereport"]

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "seeds" / "000_a632362f40734eb3.txt"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted OpenAI-compatible server on 127.0.0.1, stopped after the test."""
    scripted = ScriptedServer().start()
    try:
        yield scripted
    finally:
        scripted.stop()


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> type[FakeEngine]:
    """Every engine created in this test (llm, offline or auto) is a ``FakeEngine``."""
    for name in engines.ENGINES:
        monkeypatch.setitem(engines.ENGINES, name, "fakes:FakeEngine")
    monkeypatch.setattr(FakeEngine, "calls", 0)
    return FakeEngine


@pytest.fixture
def seed_article() -> str:
    return SEED_PATH.read_text(encoding="utf-8")
