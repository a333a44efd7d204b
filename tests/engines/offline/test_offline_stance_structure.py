"""Stance verbs and nominal cues whose content or holder the parse hides, found as misses
on PolNeAR train and checked here on short texts written for the test: 'called for X to
Y' ('for' parsed as a mark), a passive judgement with its agent, the holder of a nominal
cue ('criticism from X', 'support among X', 'X were loud in their criticism'), a cue
that is the subject of 'is that ...', and a stance verb after 'the step of'."""

from __future__ import annotations

import pytest
from attributions import content_and_source


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The union has called for the minimum wage to be raised to fifteen dollars.",
         "called", "the minimum wage to be raised to fifteen dollars", "The union"),
        ("The mayor is pushing for the council to approve the budget.", "pushing",
         "the council to approve the budget", "The mayor"),
    ],
    ids=["called for", "pushing for"],
)
def test_a_clause_marked_by_for_is_what_was_called_for(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


def test_a_passive_judgement_is_held_by_its_agent() -> None:
    text = "The new tax plan was sharply criticized by several senators."
    assert content_and_source(text, "criticized") == ("The new tax plan", "several senators")


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        ("The plan has faced harsh criticism from farmers.", "The plan", "farmers"),
        ("The law has drawn criticism from civil rights groups.", "The law",
         "civil rights groups"),
    ],
    ids=["faced", "drawn"],
)
def test_criticism_drawn_from_a_group_is_on_the_subject(
    text: str, content: str, source: str
) -> None:
    assert content_and_source(text, "criticism") == (content, source)


def test_support_among_a_group_is_held_by_the_group() -> None:
    text = "The senator has strong support among rural voters."
    assert content_and_source(text, "support") == ("The senator", "rural voters")


def test_the_holder_named_after_a_nominal_cue_is_its_source() -> None:
    text = "The council heard a complaint from residents that the park was unsafe."
    assert content_and_source(text, "complaint") == ("the park was unsafe", "residents")


def test_their_criticism_is_held_by_a_named_clause_subject() -> None:
    text = "Senate Republicans were loud in their criticism of the new law."
    assert content_and_source(text, "criticism of") == ("the new law", "Senate Republicans")


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The senator's argument was that the bill would cost too much.", "argument",
         "the bill would cost too much", "The senator's"),
        ("The mayor's fear is that the plant will close.", "fear", "the plant will close",
         "The mayor's"),
    ],
    ids=["argument", "fear"],
)
def test_a_nominal_cue_reports_the_clause_it_is_the_subject_of(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


def test_a_new_nominal_cue_reports_its_that_clause() -> None:
    text = "The mayor's fear that the plant will close grew all week."
    assert content_and_source(text, "fear") == ("the plant will close", "The mayor's")


def test_a_stance_after_the_step_of_has_the_subject_of_the_step() -> None:
    text = "The campaign took the unusual step of criticizing the referee."
    assert content_and_source(text, "criticizing") == ("the referee", "The campaign")
