"""Cue words the lexicon lacked, counted among PolNeAR train misses and each kept only when
at least half of what it adds matches: verbs of speech and stance ('rebutted', 'likened',
'underscored'), 'apologized for', a copula with an adjective of stance ('is confident
that', 'is eager to', 'was critical of') and nouns that report a clause ('the idea that').
Each checked here on a short text written for the test."""

from __future__ import annotations

import pytest
from attributions import by_cue, content_and_source


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The governor rebutted the claims of the opposition.", "rebutted",
         "the claims of the opposition", "The governor"),
        ("Senator Ruiz likened the tax plan to a bailout.", "likened",
         "the tax plan to a bailout", "Senator Ruiz"),
        # The tagger gives "lambasted" the lemma "lambast".
        ("The union lambasted the new contract on Friday.", "lambasted",
         "the new contract", "The union"),
        ("The mayor underscored that the budget was balanced.", "underscored",
         "the budget was balanced", "The mayor"),
        ("The judge ordered that the records be released.", "ordered",
         "the records be released", "The judge"),
        ("The senator apologized for his remarks about the farmers.", "apologized",
         "his remarks about the farmers", "The senator"),
    ],
)
def test_a_verb_of_speech_or_stance_reports_its_clause_or_object(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        ("The mayor is confident that the bridge will reopen in May.",
         "the bridge will reopen in May", "The mayor"),
        ("Local farmers are worried about the new water rules.", "the new water rules",
         "Local farmers"),
        ("The senator has been critical of the trade deal.", "the trade deal", "The senator"),
        ("The governor was eager to sign the bill.", "to sign the bill", "The governor"),
        ("The coach was pleased that the team had won the final.", "the team had won the final",
         "The coach"),
    ],
    ids=["confident that", "worried about", "critical of", "eager to", "pleased that"],
)
def test_a_copula_with_an_adjective_of_stance_reports_its_complement(
    text: str, content: str, source: str
) -> None:
    ((cue, item),) = by_cue(text).items()
    assert cue.split()[0] in ("is", "are", "was", "been")
    assert item.text(text) == content
    assert item.source is not None and item.source.of(text) == source


@pytest.mark.parametrize(
    "text",
    ["The old mayor was proud and tired after the long parade.",
     "The governor is in Ohio this week for the trade fair."],
)
def test_a_copula_without_a_stance_complement_reports_nothing(text: str) -> None:
    assert by_cue(text) == {}


def test_a_noun_of_stance_reports_its_that_clause() -> None:
    text = "The senator has long embraced the idea that the tax cut would pay for itself."
    assert content_and_source(text, "idea") == ("the tax cut would pay for itself",
                                                "The senator")
