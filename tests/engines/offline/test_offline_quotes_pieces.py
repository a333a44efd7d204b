"""Quotations whose content the extractor cut short, found as partial matches on PolNeAR
train and checked here on short texts written for the test: a clause before the cue that
quotes only some of its words, continued by a quotation after the cue; a quoted word right
after the cue that the sentence runs on from ('portray "illegal" immigrants as criminals'),
a word of the object and not all of it; and a quotation no one else said, right after the
stop or colon that ends the reported words ('She says A. "B."'), which goes on with them."""

from __future__ import annotations

import pytest
from attributions import by_cue, contents


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Yet the mayor is also a “safe pair of hands,” Lee said. “Voters want that now.”",
         ["Yet the mayor is also a “safe pair of hands,”", "“Voters want that now.”"]),
        ('"Crowds were cheering" before the vote, she said. "It felt like a party."',
         ['"Crowds were cheering" before the vote', '"It felt like a party."']),
    ],
    ids=["ends in a quotation", "opens with a quotation"],
)
def test_a_partly_quoted_clause_is_continued_by_the_quotation_after_its_cue(
    text: str, pieces: list[str]
) -> None:
    found = by_cue(text)["said"]
    assert [piece.of(text) for piece in found.content] == pieces
    assert not found.direct  # the words before the cue are not all quoted


def test_a_clause_without_quotation_is_not_continued_by_one() -> None:
    text = 'The mayor is a safe pair of hands, Lee said. "Voters want that now," Kim added.'
    found = by_cue(text)["said"]
    assert [piece.of(text) for piece in found.content] == ["The mayor is a safe pair of hands"]


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The governor continued to portray “reckless” spending as the main threat.",
         "portray", "“reckless” spending as the main threat"),
        ("The company admitted “a few cases” where the rules were not followed.",
         "admitted", "“a few cases” where the rules were not followed"),
        # The quotation's last character decides, whatever comes before it or what it is.
        ('Critics portray "Plan B" supporters as naive.',
         "portray", '"Plan B" supporters as naive'),
        ('Critics portray "Plan X" supporters as naive.',
         "portray", '"Plan X" supporters as naive'),
    ],
    ids=["quoted modifier", "quoted head", "last word one letter", "last letter X"],
)
def test_a_quoted_word_the_object_runs_on_from_takes_the_whole_object(
    text: str, cue: str, content: str
) -> None:
    assert contents(text)[cue] == content


def test_a_quotation_closed_by_its_own_stop_stays_the_content() -> None:
    text = "The senator shouted “Shame on you!” at the crowd."
    assert contents(text)["shouted"] == "“Shame on you!”"


@pytest.mark.parametrize(
    ("text", "cue", "pieces"),
    [
        ('Ms. Ruiz says workers should get paid leave. "It is their health; they harm no one."',
         "says", ["workers should get paid leave", '"It is their health; they harm no one."']),
        ('He wrongly suggested the judge was from abroad: "The judge, we believe, is foreign."',
         "suggested",
         ["the judge was from abroad", '"The judge, we believe, is foreign."']),
    ],
    ids=["after a stop", "after a colon"],
)
def test_a_quotation_no_one_said_goes_on_with_the_reported_words_before_it(
    text: str, cue: str, pieces: list[str]
) -> None:
    found = by_cue(text)[cue]
    assert [piece.of(text) for piece in found.content] == pieces


@pytest.mark.parametrize(
    "text",
    [
        'Ms. Ruiz says workers should get paid leave. "It is about time," her colleague added.',
        'Ms. Ruiz says workers should get paid leave.\n\n"It is about time."',
    ],
    ids=["said by another", "next paragraph"],
)
def test_a_quotation_said_by_another_or_a_paragraph_apart_does_not_go_on(text: str) -> None:
    assert contents(text)["says"] == "workers should get paid leave"
