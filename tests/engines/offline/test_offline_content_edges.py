"""Where a reported clause or object stops: the speaker's next act, a clause set
against what was said and a side effect stay out; a second clause the parser hung on
the cue stays in. Each sentence is written for the test."""

from __future__ import annotations

import pytest
from attributions import contents

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import extract


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Officials fear that the bridge is unsafe and warn that repairs will take years.",
         {"fear": "the bridge is unsafe", "warn": "repairs will take years"}),
        ("The governor says the budget was balanced and called for a new audit.",
         {"says": "the budget was balanced", "called": "a new audit"}),
    ],
)
def test_conjunct_reporting_on_its_own_is_a_second_act(text: str, found: dict[str, str]) -> None:
    assert contents(text) == found


def test_conjunct_without_a_that_clause_stays_in_the_content() -> None:
    text = "Officials fear the bridge is unsafe and warn of long repairs."
    assert contents(text)["fear"] == "the bridge is unsafe and warn of long repairs"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The senator said the deal was weak, while her colleagues praised it as a "
         "breakthrough.", "said", "the deal was weak"),
        ("The chairman insisted the company was healthy, even as its shares fell sharply.",
         "insisted", "the company was healthy"),
        ("The minister said the tax would fall, whereas the treasury expected it to rise.",
         "said", "the tax would fall"),
        ("The council said the budget was tight, although it did not cut any jobs.",
         "said", "the budget was tight"),
    ],
)
def test_contrast_clause_ends_the_content(text: str, cue: str, content: str) -> None:
    assert contents(text)[cue] == content


def test_plain_as_clause_stays_in_the_content() -> None:
    text = "The chairman insisted the company was healthy as its new products sold well."
    assert contents(text)["insisted"] == "the company was healthy as its new products sold well"


def test_contrast_clause_after_an_object_stays_out() -> None:
    text = "The senator praised the bill, although it failed in the House."
    assert contents(text)["praised"] == "the bill"


def test_participle_after_a_comma_is_a_side_effect() -> None:
    text = "The mayor endorsed the candidate, drawing criticism from her own party."
    assert contents(text) == {"endorsed": "the candidate"}


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The coach said the team played well, but the referees made several mistakes.",
         "the team played well, but the referees made several mistakes"),
        ("The lawyer said that the client was innocent, and the evidence proved it.",
         "the client was innocent, and the evidence proved it"),
    ],
)
def test_second_clause_hung_on_the_cue_goes_on(text: str, content: str) -> None:
    assert contents(text)["said"] == content


def test_and_clause_after_a_clause_without_that_stays_out() -> None:
    text = "The coach said the team played well, and the fans cheered."
    assert contents(text)["said"] == "the team played well"


def test_second_clause_with_a_cue_stays_its_own() -> None:
    text = ("The coach said the team played well, but the owner claimed that the referees "
            "were unfair.")
    assert contents(text) == {"said": "the team played well",
                               "claimed": "the referees were unfair"}


@pytest.mark.parametrize(
    ("text", "cue", "content", "other"),
    [
        ("The union urged its members to vote and signaled support for the strike.",
         "urged", "to vote", ("signaled", "support for the strike")),
        ("The group asked voters to stay home and praised the boycott.",
         "asked", "to stay home", ("praised", "the boycott")),
    ],
)
def test_conjunct_in_another_form_than_the_infinitive_is_a_second_act(
    text: str, cue: str, content: str, other: tuple[str, str]
) -> None:
    found = contents(text)
    assert found[cue] == content
    assert found[other[0]] == other[1]


def test_conjunct_in_another_form_than_the_modal_is_a_second_act() -> None:
    text = "The senator said he will run again and refuses to answer questions about his health."
    assert contents(text)["said"] == "he will run again"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The union urged its members to vote and march on Friday.",
         "urged", "to vote and march on Friday"),
        ("The senator said he will run again and answer every question.",
         "said", "he will run again and answer every question"),
    ],
)
def test_conjunct_sharing_the_infinitive_or_modal_stays_in(
    text: str, cue: str, content: str
) -> None:
    assert contents(text)[cue] == content


def test_the_speakers_next_act_has_the_speaker_as_its_source() -> None:
    text = "She said the plan is working and predicted a win."
    found = {item.cue.of(text): item for item in extract(nlp.parse(text))}
    assert found["said"].text(text) == "the plan is working"
    predicted = found["predicted"]
    assert predicted.source is not None and predicted.source.of(text) == "She"
