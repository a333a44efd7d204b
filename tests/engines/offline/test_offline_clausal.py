"""Where a reported clause begins and ends, found as boundary misses on PolNeAR train
and checked here on short texts written for the test: the subject of 'seems to' and
'appears to', what goes on after a cue set into the clause it reports ('A, X said,
because B'), and a relative clause after a comma that closes what was said."""

from __future__ import annotations

import pytest
from attributions import content_and_source, contents


def test_the_subject_of_seem_is_part_of_what_seems() -> None:
    text = "Voters seemed to welcome the new tax plan."
    assert content_and_source(text, "seemed") == (
        "Voters seemed to welcome the new tax plan", "Voters")


def test_a_relative_pronoun_is_no_subject_of_what_seems() -> None:
    text = "The board, which seemed to waver, approved the plan."
    assert contents(text)["seemed"] == "to waver"


def test_the_subject_of_another_infinitive_cue_stays_out() -> None:
    assert contents("The senator wants to raise taxes.")["wants"] == "to raise taxes"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The costs are hard to predict, economists say, because there is little precedent.",
         "say", "The costs are hard to predict, economists say, because there is little "
         "precedent"),
        ("The deal will close soon, she said, despite the objections of several shareholders.",
         "said", "The deal will close soon, she said, despite the objections of several "
         "shareholders"),
    ],
    ids=["because", "despite"],
)
def test_what_follows_a_cue_set_into_its_clause_goes_on_with_it(
    text: str, cue: str, content: str
) -> None:
    assert contents(text)[cue] == content


def test_a_quotation_before_the_cue_ends_what_was_said() -> None:
    text = '"The plan is working as of late," the mayor says, dressed in a red suit.'
    assert contents(text)["says"] == '"The plan is working as of late,"'


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("She said she backs the bill, which passed in May.", "she backs the bill"),
        ("The mayor said the budget favors the suburbs, where most of his donors live.",
         "the budget favors the suburbs"),
    ],
    ids=["which", "where"],
)
def test_a_relative_clause_after_a_comma_closing_the_content_is_the_writers(
    text: str, content: str
) -> None:
    assert contents(text)["said"] == content


def test_a_relative_clause_without_a_comma_stays_in() -> None:
    text = "She said she backs the bill that passed in May."
    assert contents(text)["said"] == "she backs the bill that passed in May"
