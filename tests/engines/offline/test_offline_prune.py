"""Predictions that report nothing, pruned: classes found on PolNeAR train whose
predictions matched gold less than a third of the time, checked here on short texts
written for the test. A cue clause the parser hangs on the words before it reports
them only when punctuation sets it off ('Y, X said'), not when it is part of the
sentence ('I forgot she said it'); and a clause before the cue does not report across
a colon ('The odds are long: polls show him behind')."""

from __future__ import annotations

import pytest
from attributions import contents


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("I forgot she had said it.", "said"),
        ("Turnout was higher than most analysts had predicted.", "predicted"),
    ],
    ids=["object clause", "comparative"],
)
def test_a_cue_clause_inside_the_sentence_reports_nothing(text: str, cue: str) -> None:
    assert cue not in contents(text)


def test_a_subordinate_cue_clause_reports_its_object_not_the_main_clause() -> None:
    text = "Aides cheered as she announced the result."
    assert contents(text) == {"announced": "the result"}


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The plan will fail, the mayor said.", "The plan will fail"),
        ("That was what the mayor said.", "That was"),
    ],
    ids=["comma", "be"],
)
def test_a_cue_clause_set_off_by_a_comma_or_equated_by_be_still_reports(
    text: str, content: str
) -> None:
    assert contents(text) == {"said": content}


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The deal came together quickly: a ballot measure threatened a faster raise.",
         "threatened"),
        ("The council was divided: most members opposed the plan.", "opposed"),
    ],
    ids=["threatened", "opposed"],
)
def test_a_clause_before_a_colon_is_not_what_the_cue_after_it_reports(
    text: str, cue: str
) -> None:
    assert cue not in contents(text)


def test_a_colon_inside_the_quotation_does_not_part_it_from_its_cue() -> None:
    text = '"The result is clear: we won," she said.'
    assert contents(text) == {"said": '"The result is clear: we won,"'}
