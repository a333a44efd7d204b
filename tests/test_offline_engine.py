"""The offline engine end to end: the seed article and short texts written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.api import summarize
from summarizer.engines.offline import OfflineEngine, statement_from
from summarizer.errors import InputError
from summarizer.schema import ArticleBrief

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a632362f40734eb3.txt"

ANONYMOUS = {
    "sources familiar with the matter": None,
    "one source familiar with the discussion": 1,
    "several sources": None,
    "sources": None,
    "two sources familiar with the situation": 2,
    "one source familiar with the calls": 1,
}


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_brief(seed_text: str) -> ArticleBrief:
    return OfflineEngine().brief(seed_text)


def test_every_evidence_span_is_the_article_text(seed_brief: ArticleBrief, seed_text: str) -> None:
    assert seed_brief.evidence_items()
    assert seed_brief.ungrounded(seed_text) == []


def test_seed_anonymous_sources_with_counts(seed_brief: ArticleBrief) -> None:
    anonymous = {s.label: s for s in seed_brief.sources if s.anonymous}
    assert set(anonymous) == set(ANONYMOUS)
    assert {label: s.count for label, s in anonymous.items()} == ANONYMOUS


def test_seed_named_sources(seed_brief: ArticleBrief) -> None:
    parties = {p.id: p for p in seed_brief.parties}
    named = [s for s in seed_brief.sources if not s.anonymous]
    labels = {s.label for s in named}
    assert "the Washington Post" in labels
    by_party = {parties[s.party_id].name for s in named if s.party_id}
    assert {"Hungarian Prime Minister Viktor Orban", "President-elect Donald Trump"} <= by_party
    trump = next(s for s in named if s.party_id and "Trump" in parties[s.party_id].name)
    nbc_claim = [c for c in seed_brief.claims if c.source_id == trump.id
                 and "70 world leaders" in c.statement]
    assert len(nbc_claim) == 1


def test_seed_anonymity_reason(seed_brief: ArticleBrief) -> None:
    source = next(s for s in seed_brief.sources
                  if s.label == "one source familiar with the discussion")
    assert source.anonymity_reason == "to discuss the sensitive topic"


def test_seed_unknowns(seed_brief: ArticleBrief) -> None:
    evidence = [e.text for u in seed_brief.unknowns for e in u.evidence]
    assert any("did not elaborate on specific plans" in text for text in evidence)
    assert any(text.startswith("has not signed an agreement") for text in evidence)
    assert len(seed_brief.unknowns) == 2


def test_seed_parties_merge_aliases_and_leave_out_places(seed_brief: ArticleBrief) -> None:
    names = {p.name: p for p in seed_brief.parties}
    assert names["President-elect Donald Trump"].aliases == ["Trump"]
    assert names["President-elect Donald Trump"].kind == "person"
    assert "Florida" not in names
    assert "Europe" not in names
    assert len([p for p in seed_brief.parties if "Trump" in p.name]) == 1


def test_seed_claims_carry_sources_and_quote_kind(seed_brief: ArticleBrief) -> None:
    sources = {s.id: s for s in seed_brief.sources}
    quoted = [c for c in seed_brief.claims if c.attribution == "direct_quote"]
    assert any(sources[c.source_id].label == "one source familiar with the calls"
               for c in quoted if c.source_id)
    peace = next(c for c in seed_brief.claims if "importance of peace" in c.statement)
    assert peace.source_id is not None
    assert sources[peace.source_id].label == "several sources"
    assert peace.attribution == "paraphrase"


def test_seed_claims_ranked_with_the_lead_first(seed_brief: ArticleBrief, seed_text: str) -> None:
    first_sentence_end = seed_text.index("Washington Post.")
    assert seed_brief.claims[0].evidence[0].start < first_sentence_end
    assert [c.id for c in seed_brief.claims][:3] == ["c1", "c2", "c3"]


def test_seed_open_questions_follow_from_the_brief(seed_brief: ArticleBrief) -> None:
    questions = seed_brief.open_questions
    assert 2 <= len(questions) <= 6
    assert all(q.question.endswith("?") and q.based_on for q in questions)
    unknown_ids = {u.id for u in seed_brief.unknowns}
    assert any(set(q.based_on) & unknown_ids and "elaborate" in q.question for q in questions)


def test_summary_is_the_lead(seed_brief: ArticleBrief) -> None:
    assert seed_brief.summary.startswith("President-elect Donald Trump spoke directly")
    assert len(seed_brief.summary.split()) <= 71


def test_pronoun_source_resolves_to_the_named_person() -> None:
    text = "Governor Tom Reyes visited the plant on Monday. He said the plant would close."
    brief = OfflineEngine().brief(text)
    [claim] = [c for c in brief.claims if c.source_id]
    source = next(s for s in brief.sources if s.id == claim.source_id)
    party = next(p for p in brief.parties if p.id == source.party_id)
    assert party.name == "Governor Tom Reyes"
    assert claim.statement == "The plant would close."


def test_declined_to_comment_and_unclear_are_unknowns() -> None:
    text = ("The company declined to comment on the layoffs. "
            "It is unclear whether the factory will reopen.")
    brief = OfflineEngine().brief(text)
    evidence = [u.evidence[0].text for u in brief.unknowns]
    assert any(e.startswith("declined to comment") for e in evidence)
    assert any("whether the factory will reopen" in e for e in evidence)


def test_statement_stands_alone() -> None:
    assert statement_from("“that he will run again,”", "Reyes") == "Reyes will run again."
    assert statement_from("prices rose") == "Prices rose."


def test_empty_article_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="empty"):
        OfflineEngine().brief("   \n")


def test_api_uses_offline_engine_and_stamps_meta(seed_text: str) -> None:
    brief = summarize(seed_text, engine="offline")
    assert brief.meta.engine == "offline"
    assert brief.meta.article_chars == len(seed_text)


async def test_abrief_matches_brief(seed_text: str, seed_brief: ArticleBrief) -> None:
    brief = await OfflineEngine().abrief(seed_text)
    assert [c.statement for c in brief.claims] == [c.statement for c in seed_brief.claims]


def test_brief_many_matches_brief(seed_text: str, seed_brief: ArticleBrief) -> None:
    other = "Miller said the budget would pass next week."
    briefs = OfflineEngine().brief_many([seed_text, other])
    assert [s.label for s in briefs[0].sources] == [s.label for s in seed_brief.sources]
    assert briefs[1].claims[0].statement == "The budget would pass next week."


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab “”\"'.,:;\n\t-—Said he X")), max_size=80))
def test_any_text_gives_a_grounded_brief_or_a_clear_error(text: str) -> None:
    try:
        brief = OfflineEngine().brief(text)
    except InputError:
        assert not text.strip()
        return
    assert brief.ungrounded(text) == []
