"""Where a noun phrase that a cue reports ends, found as misses on PolNeAR train and
checked here on short texts written for the test: an aside set off by a comma after the
object (a relative clause, a description of who it is) and a clause that tells when the
act was are not what was judged."""

from __future__ import annotations

import pytest
from attributions import contents


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The governor praised the new budget, which the council passed last week.",
         "praised", "the new budget"),
        ("The senator criticized Jones, a former governor of the state.",
         "criticized", "Jones"),
        ("She referred to Jane Doe, her chief adviser at the time.", "referred", "Jane Doe"),
        ("The senator voiced her support for the new bill, which would raise taxes on fuel.",
         "support for", "the new bill"),
    ],
    ids=["relative clause", "description", "preposition object", "nominal cue"],
)
def test_an_aside_after_the_object_is_left_out(text: str, cue: str, content: str) -> None:
    assert contents(text)[cue] == content


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # A name after a comma says which one; a list goes on after its first item.
        ("The mayor thanked her deputy, Jane Doe.", "thanked", "her deputy, Jane Doe"),
        ("The senator praised the farmers, the teachers and the nurses.",
         "praised", "the farmers, the teachers and the nurses"),
        # Inside a reported clause a description is part of what was said.
        ("The mayor said she opposed Jones, a former governor.",
         "said", "she opposed Jones, a former governor"),
        # So it is inside a verb of the object: the plan is to hire that former governor.
        ("The senator praised the plan to hire Jones, a former governor.",
         "praised", "the plan to hire Jones, a former governor"),
    ],
    ids=["name", "list", "clause", "verb in the object"],
)
def test_what_is_no_aside_stays(text: str, cue: str, content: str) -> None:
    assert contents(text)[cue] == content


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The senator praised the new law after it passed the House.",
         "praised", "the new law"),
        ("The senator backed the bill when it came to a vote.", "backed", "the bill"),
        ("The senator spoke about the budget when she visited the school.",
         "spoke", "the budget"),
    ],
    ids=["after", "when", "preposition object"],
)
def test_a_clause_of_when_the_act_was_is_left_out(text: str, cue: str, content: str) -> None:
    assert contents(text)[cue] == content


def test_a_clause_of_why_stays_with_the_object() -> None:
    text = "The mayor criticized the plan because it cost too much."
    assert contents(text)["criticized"] == "the plan because it cost too much"
