"""Fixtures for the offline engine's tests: the seed article, briefed once per session,
and a step-by-step analysis of any short text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.pipeline import Analysis, OfflineEngine, analyse
from summarizer.schema import ArticleBrief

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_a632362f40734eb3.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_brief(seed_text: str) -> ArticleBrief:
    return OfflineEngine().brief(seed_text)


@pytest.fixture(scope="session")
def analysed() -> Callable[[str], Analysis]:
    """Parse a text and run every step of the pipeline on it."""

    def run(text: str) -> Analysis:
        return analyse(nlp.parse(text))

    return run
