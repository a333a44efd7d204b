"""The offline engine end to end: the seed article and short texts written for the test.

Each step has its own test file beside this one (attribution, quotes, sources,
parties, claims, unknowns, questions, wording); these tests see only the engine.
"""

from __future__ import annotations

import pytest

from summarizer.api import summarize
from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.errors import InputError
from summarizer.schema import ArticleBrief


def test_every_evidence_span_is_the_article_text(seed_brief: ArticleBrief, seed_text: str) -> None:
    assert seed_brief.evidence_items()
    assert seed_brief.ungrounded(seed_text) == []


def test_summary_is_the_lead(seed_brief: ArticleBrief) -> None:
    assert seed_brief.summary.startswith("President-elect Donald Trump spoke directly")
    assert len(seed_brief.summary.split()) <= 71


def test_ids_cross_reference(seed_brief: ArticleBrief) -> None:
    party_ids = {p.id for p in seed_brief.parties}
    source_ids = {s.id for s in seed_brief.sources}
    ids = party_ids | source_ids | {c.id for c in seed_brief.claims} | {
        u.id for u in seed_brief.unknowns}
    assert {s.party_id for s in seed_brief.sources if s.party_id} <= party_ids
    assert {c.source_id for c in seed_brief.claims if c.source_id} <= source_ids
    assert {i for q in seed_brief.open_questions for i in q.based_on} <= ids


def test_empty_article_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="empty"):
        OfflineEngine().brief("   \n")


def test_too_long_an_article_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="at most"):
        OfflineEngine().brief("word " * 40_000)


def test_api_uses_offline_engine_and_stamps_meta(seed_text: str) -> None:
    brief = summarize(seed_text, engine="offline")
    assert brief.meta.engine == "offline"
    assert brief.meta.article_chars == len(seed_text)


async def test_identify_names_the_engine_and_no_model_server() -> None:
    identity = await OfflineEngine().identify()
    assert identity.name == "offline"
    assert identity.prompt_version and identity.prompt_version.startswith("summarizer-")


async def test_abrief_matches_brief(seed_text: str, seed_brief: ArticleBrief) -> None:
    brief = await OfflineEngine().abrief(seed_text)
    assert [c.statement for c in brief.claims] == [c.statement for c in seed_brief.claims]


def test_brief_many_matches_brief(seed_text: str, seed_brief: ArticleBrief) -> None:
    other = "Miller said the budget would pass next week."
    briefs = OfflineEngine().brief_many([seed_text, other])
    assert [s.label for s in briefs[0].sources] == [s.label for s in seed_brief.sources]
    assert briefs[1].claims[0].statement == "The budget would pass next week."


# Property tests over drawn texts (any text; texts with attributions): tests/test_properties.py
