"""Where a content span ends: the object's complements belong to it, a reported clause
goes on over a conjunct with its own subject, and when it was said stays out. Each
sentence is written for the test."""

from __future__ import annotations

import pytest
from attributions import contents


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # Any stance verb's object keeps its preposition, not only "accused X of Y".
        ("The mayor thanked the volunteers for their hard work.",
         "thanked", "the volunteers for their hard work"),
        ("A new survey shows the senator with a narrow lead over her rival.",
         "shows", "the senator with a narrow lead over her rival"),
        # An adverbial clause after the object, with no cue in it.
        ("The mayor criticized the plan because it cost too much.",
         "criticized", "the plan because it cost too much"),
    ],
)
def test_object_keeps_its_complements(text: str, cue: str, content: str) -> None:
    assert contents(text)[cue] == content


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The senator praised the new law after the vote.", "praised", "the new law"),
        ("The mayor criticized the plan in a statement on Monday.", "criticized", "the plan"),
    ],
)
def test_object_leaves_out_when_and_where(text: str, cue: str, content: str) -> None:
    assert contents(text)[cue] == content


def test_clause_with_a_cue_after_object_stays_its_own() -> None:
    text = "The mayor criticized the plan, although she admitted that it had some merit."
    assert contents(text) == {"criticized": "the plan", "admitted": "it had some merit"}


def test_preposition_object_keeps_its_complements() -> None:
    text = "The coach referred to the striker as the best player in the league."
    assert contents(text)["referred"] == "the striker as the best player in the league"


def test_infinitive_content_keeps_the_clause_after_it() -> None:
    text = "The governor sought to calm his party as the vote drew near."
    assert contents(text)["sought"] == "to calm his party as the vote drew near"


def test_reported_clause_goes_on_over_a_that_conjunct() -> None:
    text = "The union leader said the talks were slow, but that a deal was still possible."
    assert contents(text)["said"] == "the talks were slow, but that a deal was still possible"


@pytest.mark.parametrize(
    ("text", "said", "cue", "content"),
    [
        ("The minister said the plan was costly, and she added that the treasury could "
         "not afford it.", "the plan was costly", "added", "the treasury could not afford it"),
        ("The union leader said the talks were slow, but that she believed a deal was near.",
         "the talks were slow", "believed", "a deal was near"),
        # A conjunct with a subject but no "that" is narration, not more of what was said.
        ("The minister said the plan was costly, and the workers went home.",
         "the plan was costly", None, None),
    ],
)
def test_conjunct_with_a_cue_is_a_second_statement(text: str, said: str, cue: str | None,
                                                   content: str | None) -> None:
    expected = {"said": said} | ({cue: content} if cue and content else {})
    assert contents(text) == expected
