"""Parties, by class of error: descriptions of bodies, jurisdictions, given names,
outlets' short forms, affiliations. Each article is written for its test."""

from __future__ import annotations

from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.schema import ArticleBrief


def brief(text: str) -> ArticleBrief:
    return OfflineEngine().brief(text)


def names_of(brief: ArticleBrief) -> list[set[str]]:
    return [{p.name, *p.aliases} for p in brief.parties]


def test_a_body_named_after_a_person_is_a_party_of_its_own() -> None:
    result = brief("Senator Ada Harlow opened her bid for governor on Tuesday. The Harlow "
                   "campaign said it had raised $2 million in a week.")
    campaign = [p for p in result.parties if "campaign" in p.name]
    assert [(p.name, p.kind) for p in campaign] == [("Harlow campaign", "organization")]
    person = next(p for p in result.parties if p.kind == "person")
    assert "campaign" not in " ".join([person.name, *person.aliases])


def test_a_body_known_by_its_jurisdiction_is_a_party() -> None:
    result = brief("The town council voted on Monday to close the library on Sundays. "
                   "The state Senate approved the budget on Friday.")
    by_name = {p.name: p.kind for p in result.parties}
    assert by_name.get("town council") == "government"
    assert by_name.get("state Senate") == "government"


def test_a_country_s_government_is_the_country_not_a_second_party() -> None:
    result = brief("Norway's government said on Monday it would raise fuel taxes next year.")
    assert [p.name for p in result.parties] == ["Norway"]


def test_an_administration_and_its_seat_are_one_actor() -> None:
    result = brief("The Biden administration announced new limits on drilling. The White "
                   "House said the rules would take effect in June.")
    together = [names for names in names_of(result)
                if "Biden administration" in names or "The White House" in names]
    assert len(together) == 1
    assert {"Biden administration", "The White House"} <= together[0]


def test_a_lone_given_name_is_the_person_it_begins() -> None:
    result = brief("Priya Raman opened the clinic in 2009. Priya said on Monday that it "
                   "would close next year.")
    assert [(p.name, p.kind, p.aliases) for p in result.parties] == [
        ("Priya Raman", "person", ["Priya"])
    ]
    [source] = result.sources
    assert source.label == "Priya Raman"


def test_an_outlet_s_short_form_is_the_same_outlet() -> None:
    result = brief("Mayor Dan Ortiz told the Springfield Post that the bridge would reopen "
                   "in May. The Post reported that repairs cost $3 million.")
    outlets = [p for p in result.parties if p.kind == "media"]
    assert len(outlets) == 1 and "Post" in outlets[0].aliases
    assert [s.label for s in result.sources] == ["Dan Ortiz", "the Springfield Post"]


def test_the_body_a_named_speaker_leads_is_a_party() -> None:
    result = brief('"Rents are too high," said Dana Reyes, president of the Riverside '
                   'Tenants Union.')
    assert any("Riverside Tenants Union" in p.name for p in result.parties)
