"""Cues and quotation continuations PolNeAR train showed missed, each on a short text
written for the test: verbs tuned on train ("issued", "listed"), verbs that are cues
only with a reported clause ("charged that") or an infinitive ("would like to"), verbs
whose object is a thing ("found a way"), and a quotation continued after a cue's
sentence that names a show or runs on."""

from __future__ import annotations

import pytest
from attributions import by_cue

from summarizer.engines.offline.attribution import Attribution


def pieces(item: Attribution, text: str) -> list[str]:
    return [piece.of(text) for piece in item.content]


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The mayor listed three reasons for the delay.", "listed",
         "three reasons for the delay"),
        ("The agency issued a warning about the storm.", "issued", "a warning about the storm"),
        ("The senator charged that the agency had hidden the report.", "charged",
         "the agency had hidden the report"),
        ("The governor would like to cut taxes next year.", "like", "to cut taxes next year"),
    ],
)
def test_cues_tuned_on_train(text: str, cue: str, content: str) -> None:
    found = by_cue(text)
    assert cue in found
    assert found[cue].text(text) == content


def test_a_framed_verb_without_its_frame_is_no_cue() -> None:
    assert by_cue("The senator charged the phone overnight.") == {}
    assert by_cue("The governor would like a sandwich.") == {}


@pytest.mark.parametrize(("text", "cue"), [
    ("The mayor found a new job in the city.", "found"),
    ("The senator wrote a book about the war.", "wrote"),
])
def test_a_thing_found_or_written_is_not_a_stance(text: str, cue: str) -> None:
    assert cue not in by_cue(text)


@pytest.mark.parametrize("text", [
    '"We will win," she said on "Good Morning America." "The voters are with us."',
    '"We will win," she said Monday on NBC\'s "Meet the Press." "The voters are with us."',
    ('"We will win," said Ann Lee, a historian at the state university who has studied '
     'elections and campaigns for most of her career in three countries.'
     ' "The voters are with us."'),
    '"We will win," said Ann Lee, who teaches history.\n\n"The voters are with us."',
], ids=["show", "show after running text", "long speech sentence", "next paragraph"])
def test_a_quotation_continues_after_its_cues_sentence(text: str) -> None:
    assert pieces(by_cue(text)["said"], text) == ['"We will win,"', '"The voters are with us."']


@pytest.mark.parametrize("text", [
    ('"We will win," said Ann Lee, who teaches history. The polls closed at nine.'
     '\n\n"The voters are with us."'),
    '"We will win," said Ann Lee\n\nPhoto by the staff.\n\n"The voters are with us."',
], ids=["second sentence", "caption"])
def test_narration_between_stops_the_continuation(text: str) -> None:
    assert pieces(by_cue(text)["said"], text) == ['"We will win,"']
