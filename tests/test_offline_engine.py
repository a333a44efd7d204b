"""The offline engine end to end: the seed article and short texts written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.api import summarize
from summarizer.engines.offline.pipeline import OfflineEngine, statement_from
from summarizer.engines.offline.sources import _without_marks
from summarizer.errors import InputError
from summarizer.schema import ArticleBrief

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a632362f40734eb3.txt"

ANONYMOUS = {
    "sources familiar with the matter": None,
    "one source familiar with the discussion": 1,
    "several sources": None,
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


def test_seed_back_references_join_the_earlier_source(seed_brief: ArticleBrief) -> None:
    by_label = {s.label: s for s in seed_brief.sources}
    # "sources said" and "the sources noted" are no new sources: they point back.
    assert "sources said" not in by_label
    assert "sources" in [e.text for e in by_label["several sources"].evidence]
    assert "the sources" in [e.text for e in by_label["two sources familiar with the situation"]
                             .evidence]


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
    # "did not elaborate on specific plans" asks for the plans themselves.
    assert any(set(q.based_on) & unknown_ids and q.question == "What are Trump’s specific plans?"
               for q in questions)


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


# --------------------------------------------------------------------------- #
# Sources: back-references, anonymity, labels
# --------------------------------------------------------------------------- #


def _source_of(brief: ArticleBrief, words: str) -> str | None:
    claim = next(c for c in brief.claims if words in c.statement)
    return claim.source_id


def test_bare_plural_points_back_to_the_earlier_description() -> None:
    text = ("Officials familiar with the talks said the deal was close. "
            "Later that day, officials said the vote would be delayed.")
    brief = OfflineEngine().brief(text)
    assert [s.label for s in brief.sources] == ["Officials familiar with the talks"]
    assert _source_of(brief, "deal was close") == _source_of(brief, "vote would be delayed")


def test_definite_description_with_the_same_noun_points_back() -> None:
    text = ("Three aides of the mayor said the budget was late. "
            "The aides said the council would vote on Friday.")
    brief = OfflineEngine().brief(text)
    assert len(brief.sources) == 1
    assert brief.sources[0].count == 3
    assert [e.text for e in brief.sources[0].evidence] == ["Three aides of the mayor", "The aides"]


def test_a_plural_does_not_point_back_to_a_single_source() -> None:
    text = ("One official said the talks had stalled. "
            "Officials said the next round would start in May.")
    brief = OfflineEngine().brief(text)
    assert len(brief.sources) == 2
    assert _source_of(brief, "talks had stalled") != _source_of(brief, "next round")


@pytest.mark.parametrize("text, label", [
    ("Many lawmakers say the program needs an overhaul.", "Many lawmakers"),
    ("His lawyer said the senator would not testify.", "His lawyer"),
    ("Foreign policy analysts said the region matters more than ever.",
     "Foreign policy analysts"),
])
def test_descriptions_of_people_that_name_nobody_are_anonymous(text: str, label: str) -> None:
    brief = OfflineEngine().brief(text)
    source = next(s for s in brief.sources if s.label == label)
    assert source.anonymous


def test_aides_of_a_named_person_are_not_that_person() -> None:
    text = ("Senator Mitch Parker met the president on Monday. "
            "Parker aides acknowledged that the talks had stalled.")
    brief = OfflineEngine().brief(text)
    source = next(s for s in brief.sources if s.label == "Parker aides")
    assert source.anonymous and source.party_id is None


def test_relative_clause_is_not_part_of_the_source_and_who_means_the_person() -> None:
    text = ('"It was not a convincing argument," said one Democrat familiar with the '
            'discussion, who added that the White House seemed rattled by the opposition.')
    brief = OfflineEngine().brief(text)
    assert [(s.label, s.anonymous, s.count) for s in brief.sources] == [
        ("one Democrat familiar with the discussion", True, 1)]
    assert _source_of(brief, "rattled") == brief.sources[0].id


def test_source_span_drops_stray_quote_marks_and_line_breaks() -> None:
    text = '"\n\nSchiff said'
    assert _without_marks(text, (0, 9)) == (3, 9)
    assert _without_marks("Schiff", (0, 6)) == (0, 6)


# --------------------------------------------------------------------------- #
# Parties: minor mentions and name fragments are left out
# --------------------------------------------------------------------------- #


def test_passing_mentions_and_name_fragments_are_not_parties() -> None:
    text = ("Senator Jane Doe said the bill would pass. She spoke at the Brookings "
            "Institution on Monday. Secretary of State John Kerry met Doe on Tuesday. "
            "Republican senators said the bill would fail.")
    names = {p.name for p in OfflineEngine().brief(text).parties}
    assert "Senator Jane Doe" in names
    assert "Secretary of State John Kerry" in names or "John Kerry" in names
    assert not names & {"the Brookings Institution", "Brookings Institution", "State",
                        "Republican"}


# --------------------------------------------------------------------------- #
# Unknowns
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("text, evidence", [
    ("The company has yet to decide on a buyer.", "has yet to decide on a buyer"),
    ("It remains to be seen whether the truce will hold.",
     "It remains to be seen whether the truce will hold"),
    ("Smith could not be reached for comment.", "could not be reached for comment"),
    ("The ministry gave no details about the plan.", "gave no details about the plan"),
    ("The case against Mr. Quiros is pending.", "The case against Mr. Quiros is pending"),
    ("The claim could not be independently verified.",
     "could not be independently verified"),
])
def test_more_ways_an_article_says_something_is_not_known(text: str, evidence: str) -> None:
    brief = OfflineEngine().brief(text)
    assert [u.evidence[0].text for u in brief.unknowns] == [evidence]


@pytest.mark.parametrize("text", [
    "Police said he refused to keep his hands up.",
    "The foundation received $26 million in previously undisclosed payments.",
])
def test_acts_and_things_now_disclosed_are_not_unknowns(text: str) -> None:
    assert OfflineEngine().brief(text).unknowns == []


# --------------------------------------------------------------------------- #
# Open questions
# --------------------------------------------------------------------------- #


def _questions(text: str) -> list[str]:
    return [q.question for q in OfflineEngine().brief(text).open_questions]


def test_question_from_a_call_to_act() -> None:
    questions = _questions("Senator Jane Doe urged the administration to impose sanctions "
                           "on Russia, her office said.")
    assert "Will the administration impose sanctions on Russia, as Senator Jane Doe urges?" \
        in questions


def test_question_from_a_decision_still_being_weighed() -> None:
    questions = _questions("The White House is considering a proposal to keep a base in "
                           "Afghanistan, officials said.")
    assert "Will the White House approve a proposal to keep a base in Afghanistan?" in questions


def test_question_for_a_claim_resting_only_on_unnamed_informants() -> None:
    questions = _questions("The minister will resign next week, two officials familiar "
                           "with the talks said.")
    assert questions == ["Can anyone confirm on the record that the minister will resign next "
                         "week, which rests only on two officials familiar with the talks?"]


def test_question_for_a_party_the_claims_are_about_who_is_not_heard() -> None:
    questions = _questions("Acme Corp hid the losses from investors for two years, "
                           "according to the regulator Jane Roe.")
    assert "Has Acme Corp responded to the claim that Acme Corp hid the losses from " \
        "investors for two years?" in questions


@pytest.mark.parametrize("text, expected", [
    ("The ministry gave no details about the plan.",
     "What are the details about the plan that the ministry did not give?"),
    ("The case against Mr. Quiros is pending.",
     "How and when will the case against Mr. Quiros be resolved?"),
    ("The company has yet to decide on a buyer.", "Will the company decide on a buyer, and when?"),
])
def test_questions_from_unknowns_ask_for_what_is_missing(text: str, expected: str) -> None:
    assert _questions(text) == [expected]


def test_a_compound_like_well_known_is_not_an_unknown() -> None:
    text = "The traffic jams weren't well-known among the public until months later."
    assert OfflineEngine().brief(text).unknowns == []
