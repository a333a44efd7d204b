"""Sources, by class of error: labels of named speakers, pronouns and titles that point
back, spokespeople of named bodies, counted people. Each article is written for its
test."""

from __future__ import annotations

from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.schema import ArticleBrief, Claim


def brief(text: str) -> ArticleBrief:
    return OfflineEngine().brief(text)


def source_of(result: ArticleBrief, claim: Claim) -> str:
    return next(s.label for s in result.sources if s.id == claim.source_id)


def claim_with(result: ArticleBrief, words: str) -> Claim:
    return next(c for c in result.claims if words in c.statement)


def test_a_named_speaker_is_labelled_by_the_name_not_a_job_description() -> None:
    result = brief("Transit Board Chairman Omar Liddell said fares would rise in March. "
                   "Liddell said the board had no choice.")
    assert [s.label for s in result.sources] == ["Omar Liddell"]


def test_a_pronoun_speaker_is_not_someone_named_inside_a_quotation() -> None:
    result = brief('Mayor Ruth Okafor spoke to reporters on Monday. "The city cannot wait '
                   'for Victor Lund," she said.')
    assert source_of(result, claim_with(result, "cannot wait")) == "Ruth Okafor"


def test_a_pronoun_speaker_is_the_subject_not_a_person_after_a_preposition() -> None:
    result = brief("Mayor Ruth Okafor spoke on Monday after meeting with Governor Victor Lund. "
                   "She said the bridge would be repaired by May.")
    assert source_of(result, claim_with(result, "bridge")) == "Ruth Okafor"


def test_a_title_that_points_back_is_the_person_named_with_it() -> None:
    result = brief("Rep. Nora Feld introduced the water bill on Monday. Senator Paul Amis "
                   "opposed it. The bill would cap prices, the Ohio congresswoman said.")
    claim = claim_with(result, "cap prices")
    assert source_of(result, claim) == "Rep. Nora Feld"
    assert not any("congresswoman" in s.label for s in result.sources)


def test_a_spokesperson_of_a_named_body_is_on_the_record() -> None:
    result = brief("Flights resumed on Sunday, according to an FAA spokeswoman. A company "
                   "spokesman said the airline would add flights.")
    assert [(s.label, s.anonymous) for s in result.sources] == [
        ("an FAA spokeswoman", False), ("A company spokesman", True),
    ]


def test_counted_people_are_an_anonymous_source() -> None:
    result = brief("A number of lawmakers said the bill would fail.")
    [source] = result.sources
    assert (source.label, source.anonymous) == ("A number of lawmakers", True)
