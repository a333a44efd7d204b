"""Mistakes a reader of the offline brief noticed after round 2 of issue 12, each on a
short text written for the test."""

from __future__ import annotations

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import extract


def reported(text: str) -> list[tuple[str, str | None, str]]:
    """(cue, source, content) of every attribution of the text."""
    return [(item.cue.of(text), None if item.source is None else item.source.of(text),
             item.text(text)) for item in extract(nlp.parse(text))]


@pytest.mark.parametrize(("text", "source", "content"), [
    ("The mayor said the work went according to plan.",
     "The mayor", "the work went according to plan"),
    ("Everything went according to schedule, the company said on Monday.",
     "the company", "Everything went according to schedule"),
])
def test_according_to_a_bare_manner_noun_is_how_it_went_not_who_said_it(
        text: str, source: str, content: str) -> None:
    assert reported(text) == [("said", source, content)]


def test_according_to_a_named_plan_still_reports_what_the_plan_says() -> None:
    text = "According to the plan, troops will leave by May."
    assert reported(text) == [("According to", "the plan", "troops will leave by May")]


@pytest.mark.parametrize("kicker", ["Bombshell", "Breaking", "EXCLUSIVE", "Correction"])
def test_a_headline_kicker_is_no_speaker(kicker: str) -> None:
    assert reported(f"{kicker}: Mayor quits after two years in office\n\nThe mayor left.") == []


def test_a_name_before_a_headline_colon_is_still_the_speaker() -> None:
    text = "Graham: Trump is destroying the party\n\nThe senator spoke in Ohio."
    assert reported(text) == [(":", "Graham", "Trump is destroying the party")]


@pytest.mark.parametrize("text", [
    "The senator is expected to back the bill next week.",
    "The senator is said to have resigned on Friday.",
    "The senator is expected to say on Monday that the bill is dead.",
])
def test_the_subject_of_a_passive_report_is_not_its_source(text: str) -> None:
    assert reported(text) == []


def test_a_passive_report_with_an_agent_is_the_agents() -> None:
    text = "The senator was expected by aides to back the bill."
    assert reported(text) == [("expected", "aides", "to back the bill")]


def test_an_active_infinitive_keeps_its_subject_as_source() -> None:
    text = "The senator wants to back the bill."
    assert reported(text) == [("wants", "The senator", "to back the bill")]


@pytest.mark.parametrize(("text", "source"), [
    ('"The rules are unfair," said lawyers with the Clean Air Defense Project, a group in Ohio.',
     "lawyers with the Clean Air Defense Project"),
    ("Analysts at Goldman Sachs said the deal would close in May.", "Analysts at Goldman Sachs"),
    ('"It was a good day," Smith said with a smile.', "Smith"),
])
def test_a_source_keeps_the_organisation_it_speaks_for(text: str, source: str) -> None:
    [(_, found, _)] = reported(text)
    assert found == source


@pytest.mark.parametrize("text", ["That said, the plan may still fail.",
                                  "The mayor spoke. This said, the plan may still fail."])
def test_that_said_turns_the_writers_argument_and_reports_nothing(text: str) -> None:
    assert [cue for cue, _, _ in reported(text)] == []


def test_that_as_the_content_of_a_report_is_not_its_source() -> None:
    text = "That was what the mayor said, and the council agreed."
    assert [(cue, source) for cue, source, _ in reported(text)] == [("said", "the mayor")]


def test_a_speech_verb_describing_the_speaker_reports_nothing() -> None:
    text = '"We will win," said Maria Lopez, a senator who announced the bill in May.'
    assert reported(text) == [("said", "Maria Lopez", '"We will win,"')]


def _speech_line(length: int) -> str:
    """'"It is over," said Ann Lee, ... . "Nobody saw it coming."' with ``length``
    characters between "said" and the second quotation."""
    gap = " Ann Lee, a historian who studied elections"
    while len(gap) + 40 < length:
        gap += " and campaigns in many countries"
    digits = length - 2 - len(gap + " for  years")  # the year count makes it exact
    return f'"It is over," said{gap} for {"9" * digits} years. "Nobody saw it coming."'


@pytest.mark.parametrize(("length", "joined"), [(250, True), (251, False)])
def test_a_speech_sentence_of_up_to_250_characters_lets_the_quotation_continue(
        length: int, joined: bool) -> None:
    text = _speech_line(length)
    assert text.index('"Nobody') - text.index("said") - len("said") == length
    [(_, _, content)] = reported(text)
    assert content.endswith("coming.\"") is joined
