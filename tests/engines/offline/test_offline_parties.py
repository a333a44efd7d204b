"""Parties: the actors of the story, one entry each with every name it goes by."""

from __future__ import annotations

from collections.abc import Callable

from summarizer.engines.offline import nlp
from summarizer.engines.offline.parties import (
    clean_name,
    collect,
    last_person,
    listed,
    party_at,
    to_parties,
)
from summarizer.engines.offline.pipeline import Analysis, OfflineEngine
from summarizer.schema import ArticleBrief, Party
from summarizer.spans import CharInterval


def parties_of(text: str) -> list[Party]:
    return to_parties(collect(nlp.parse(text)))


def listed_names(state: Analysis) -> list[str]:
    return [p.name for p in listed(state.parties, state.mentions, state.sources)]


def test_seed_parties_merge_aliases_and_leave_out_places(seed_brief: ArticleBrief) -> None:
    names = {p.name: p for p in seed_brief.parties}
    assert names["President-elect Donald Trump"].aliases == ["Donald Trump", "Trump"]
    assert names["President-elect Donald Trump"].kind == "person"
    assert "Florida" not in names
    assert "Europe" not in names
    assert len([p for p in seed_brief.parties if "Trump" in p.name]) == 1


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
# Through the public functions, on short texts
# --------------------------------------------------------------------------- #


def test_one_entry_per_person_with_the_fullest_name_and_the_others_as_aliases() -> None:
    parties = parties_of("President Joe Biden met Chancellor Olaf Scholz in Berlin on "
                         "Friday. Biden said the alliance was strong.")
    biden = [p for p in parties if "Biden" in p.name]
    assert len(biden) == 1
    assert biden[0].name == "President Joe Biden"
    assert biden[0].aliases == ["Joe Biden", "Biden"]  # the name without its title too
    assert biden[0].kind == "person"
    assert [p.id for p in parties] == [f"p{n}" for n in range(1, len(parties) + 1)]


def test_a_country_that_acts_is_a_party_and_a_mere_location_is_not() -> None:
    names = {p.name: p.kind for p in parties_of(
        "Russia retains territory in eastern Ukraine, officials said. "
        "The talks were held in Geneva.")}
    assert names.get("Russia") == "country"
    assert "Ukraine" not in names
    assert "Geneva" not in names


def test_a_text_naming_only_places_has_no_parties() -> None:
    assert parties_of("The ceremony took place in Paris, France, on a sunny afternoon.") == []


def test_kinds_of_bodies() -> None:
    kinds = {p.name: p.kind for p in parties_of(
        "The Justice Department sued Google on Tuesday. "
        "The New York Times sued OpenAI in December.")}
    assert kinds["The Justice Department"] == "government"
    assert kinds["Google"] == "organization"
    assert kinds["The New York Times"] == "media"  # an outlet acting in the story


def test_an_outlet_that_only_relays_is_listed_as_a_source_not_a_party(
    analysed: Callable[[str], Analysis],
) -> None:
    state = analysed("Governor Tom Reyes told Reuters that the plant would close.")
    assert "Reuters" not in listed_names(state)
    assert "Reuters" in [s.label for s in state.sources]
    assert "Governor Tom Reyes" in listed_names(state)


def test_a_party_a_source_speaks_for_is_listed(analysed: Callable[[str], Analysis]) -> None:
    state = analysed("The budget will pass next week, Mayor Ann Lee said.")
    assert listed_names(state) == ["Mayor Ann Lee"]
    assert state.sources[0].party_id == state.parties[0].id


def test_where_a_party_is_named_and_who_was_named_last() -> None:
    text = "Mayor Ann Lee met Governor Tom Reyes on Monday. He said the plant would close."
    groups = collect(nlp.parse(text))
    names = [max(g.names, key=len) for g in groups]
    reyes = names.index("Governor Tom Reyes")
    [mention] = groups[reyes].ranges
    assert mention.of(text) == "Governor Tom Reyes"
    assert party_at(groups, CharInterval(0, text.index(" on Monday"))) == names.index(
        "Mayor Ann Lee")  # the first party named inside the stretch
    assert party_at(groups, CharInterval(text.index("He"), len(text))) is None
    assert last_person(groups, text.index("He")) == (reyes, mention)
    assert last_person(groups, 0) is None
    # Inside Reyes's name: the mention has started there, but it has not ended.
    inside = mention.start + 1
    assert last_person(groups, inside, whole=False) == (reyes, mention)
    before = last_person(groups, inside)
    assert before is not None and before[0] == names.index("Mayor Ann Lee")


def test_clean_name_drops_a_possessive_and_space() -> None:
    assert clean_name(" Trump’s") == "Trump"
    assert clean_name("Reyes'") == "Reyes"
    assert clean_name("Jane Doe") == "Jane Doe"
