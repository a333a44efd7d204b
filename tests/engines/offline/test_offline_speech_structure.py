"""Speech verbs whose reported content the parse hides, found as misses on PolNeAR train
and checked here on short texts written for the test: a reported clause parsed as the
verb's object, two clauses before the cue, a cue set into the clause it reports ('But,
X added, ...', 'As X noted, ...', 'Asked ..., he said, "..."'), and a participle after
a refusal ('declined to comment, saying ...')."""

from __future__ import annotations

import pytest
from attributions import by_cue


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("Ortiz says the drop in turnout that pundits lament also hurts the party even more.",
         "says", "the drop in turnout that pundits lament also hurts the party even more"),
        ("The mayor told the story of a nurse who worked through the storm.", "told",
         "the story of a nurse who worked through the storm"),
        ("The reporter asked a question that the senator would not answer.", "asked",
         "a question that the senator would not answer"),
    ],
    ids=["clause parsed as object", "story told", "question asked"],
)
def test_an_object_holding_a_finite_verb_is_what_was_said(
    text: str, cue: str, content: str
) -> None:
    found = by_cue(text)
    assert cue in found
    assert found[cue].text(text) == content


def test_an_object_without_a_clause_is_no_statement() -> None:
    assert "said" not in by_cue("The priest said a prayer for the victims.")


def test_of_two_clauses_before_the_cue_the_nearer_is_reported() -> None:
    text = 'Ortiz grumbled about the endless meetings: "Nothing ever gets decided," she said.'
    assert by_cue(text)["said"].text(text) == '"Nothing ever gets decided,"'


def test_a_cue_set_into_a_clause_is_not_that_clause_s_content() -> None:
    text = "But, Lee added, she would not back the plan."
    found = by_cue(text)
    assert found["added"].text(text) == "she would not back the plan"
    assert "back" not in found


def test_a_quotation_after_a_set_in_cue_is_reported_with_its_opening() -> None:
    text = 'Even so, he added, "the plan needs more work."'
    assert by_cue(text)["added"].text(text) == text


def test_a_question_asked_before_a_set_in_cue_keeps_its_own_cue() -> None:
    text = 'Asked whether the vote was a mistake, he said, "We moved too fast."'
    found = by_cue(text)
    assert found["said"].text(text) == '"We moved too fast."'
    assert found["Asked"].text(text) == "whether the vote was a mistake"


def test_as_x_noted_reports_the_clause_it_modifies() -> None:
    text = "As the report noted, the mayor has never visited the harbor."
    assert by_cue(text)["noted"].text(text) == "the mayor has never visited the harbor"


def test_a_clause_after_another_conjunction_is_no_report() -> None:
    text = "After the paper noted the error, the governor resigned."
    assert by_cue(text)["noted"].text(text) == "the error"


def test_a_participle_after_a_refusal_is_said() -> None:
    text = "The agency declined to release the files, saying the inquiry is still open."
    assert by_cue(text)["saying"].text(text) == "the inquiry is still open"
