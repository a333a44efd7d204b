"""Sources: named and anonymous, back-references, outlets, counts and reasons."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer.engines.offline.pipeline import Analysis, OfflineEngine
from summarizer.engines.offline.sources import without_marks
from summarizer.schema import ArticleBrief
from summarizer.spans import CharInterval

ANONYMOUS = {
    "sources familiar with the matter": None,
    "one source familiar with the discussion": 1,
    "several sources": None,
    "two sources familiar with the situation": 2,
    "one source familiar with the calls": 1,
}


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


def test_pronoun_source_resolves_to_the_named_person() -> None:
    text = "Governor Tom Reyes visited the plant on Monday. He said the plant would close."
    brief = OfflineEngine().brief(text)
    [claim] = [c for c in brief.claims if c.source_id]
    source = next(s for s in brief.sources if s.id == claim.source_id)
    party = next(p for p in brief.parties if p.id == source.party_id)
    assert party.name == "Governor Tom Reyes"
    assert claim.statement == "The plant would close."


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
    assert without_marks(text, CharInterval(0, 9)) == CharInterval(3, 9)
    assert without_marks("Schiff", CharInterval(0, 6)) == CharInterval(0, 6)


# --------------------------------------------------------------------------- #
# The source table, step by step
# --------------------------------------------------------------------------- #


def test_an_outlet_that_relays_a_statement_is_a_source_of_its_own(
    analysed: Callable[[str], Analysis],
) -> None:
    state = analysed("Governor Tom Reyes told the Washington Post that the plant would close.")
    labels = [s.label for s in state.sources]
    assert labels == ["Governor Tom Reyes", "the Washington Post"]
    reyes, post = state.sources
    assert reyes.party_id is not None and not reyes.anonymous
    assert not post.anonymous and post.party_id is None  # only a relay, not an actor


def test_a_stated_reason_for_anonymity_goes_with_the_count(
    analysed: Callable[[str], Analysis],
) -> None:
    state = analysed("Two officials said the talks had stalled. The officials requested "
                     "anonymity to discuss the sensitive talks.")
    [source] = state.sources
    assert (source.label, source.anonymous, source.count) == ("Two officials", True, 2)
    assert source.anonymity_reason == "to discuss the sensitive talks"


def test_a_speaker_that_resolves_to_nobody_is_kept_as_written(
    analysed: Callable[[str], Analysis],
) -> None:
    state = analysed("They said the deal was dead.")
    [source] = state.sources
    assert source.label == "They"
    assert [e.text for e in source.evidence] == ["They"]
    assert state.table.of_attribution == {0: 0}


def test_every_attribution_with_a_speaker_has_a_source(
    analysed: Callable[[str], Analysis], seed_text: str,
) -> None:
    state = analysed(seed_text)
    with_speaker = {n for n, item in enumerate(state.attributions) if item.source is not None}
    assert set(state.table.of_attribution) == with_speaker
    assert len(state.sources) == len(state.table.drafts)
    for source in state.sources:
        assert all(e.text == seed_text[e.start : e.end] for e in source.evidence)
