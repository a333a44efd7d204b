"""Known cues whose content or speaker the parse hides, found as misses on PolNeAR train
and checked here on short texts written for the test: a speech verb's that-clause hung
on a noun of where or to whom it was said, and a speaker the parser did not make the
subject of its cue."""

from __future__ import annotations

import pytest
from attributions import by_cue, content_and_source


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("Jones said in one of several posts on Twitter that the bridge would close next week.",
         "said", "the bridge would close next week", "Jones"),
        ("The mayor told the crowd at a rally in Ohio that taxes would fall.", "told",
         "taxes would fall", "The mayor"),
    ],
    ids=["said in a post that", "told the crowd at a rally that"],
)
def test_a_that_clause_hung_on_a_circumstance_is_what_was_said(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


def test_a_relative_clause_on_an_object_is_not_what_was_written() -> None:
    assert "wrote" not in by_cue("He wrote a letter that the board never read.")


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("Alarmed by the unrest in Nevada, Senator Jane Roe, the minority leader, said that "
         "she spoke with the governor on Tuesday.", "said",
         "she spoke with the governor on Tuesday", "Senator Jane Roe"),
        ("At Pine Hills, where a round costs two hundred dollars, Jay Doe, the club's "
         "president and general manager, suggested that its rivals had been badly run.",
         "suggested", "its rivals had been badly run", "Jay Doe"),
    ],
    ids=["conjoined to a place", "apposed to a place"],
)
def test_a_name_just_before_a_cue_without_subject_is_its_speaker(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


def test_an_imperative_cue_has_no_speaker_before_it() -> None:
    assert "Think" not in by_cue("Think they will win the seat?")
