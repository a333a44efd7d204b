"""Direct quotations the extractor missed on PolNeAR train, checked here on sentences
written for the test: a quotation claimed by a cue a sentence away, a word of the
quotation parsed as a second subject of its cue, verbs outside the lexicon set right
against a quotation ('"A," Lee fumed', 'Lee interjected: "A"', 'Lee released this
statement: "A"', 'as Lee put it, "A"'), and a quotation the parser hung on the speaker."""

from __future__ import annotations

import pytest
from attributions import by_cue, source_of

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import extract


def test_a_quotation_claimed_by_two_cues_goes_to_the_nearer() -> None:
    text = 'The coach was praised in the press. "We will win the final," Lee told reporters.'
    found = by_cue(text)
    assert "praised" not in found
    assert found["told"].text(text) == '"We will win the final,"'
    assert source_of(found["told"], text) == "Lee"


def test_a_word_of_the_quotation_parsed_as_a_subject_is_not_the_speaker() -> None:
    text = '"Happy Fourth of July!," she tweeted.'
    found = by_cue(text)["tweeted"]
    assert found.text(text) == '"Happy Fourth of July!,"'
    assert source_of(found, text) == "she"


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ('"If they cared about this, they would have called me," Lee fumed on Tuesday.',
         "fumed", '"If they cared about this, they would have called me,"', "Lee"),
        ('Lee interjected: "So you agree with me?"', "interjected",
         '"So you agree with me?"', "Lee"),
        ('The mayor released this statement: "We will rebuild the bridge."', "released",
         '"We will rebuild the bridge."', "The mayor"),
        ('As Ortiz put it, "Nobody wins a trade war."', "put", '"Nobody wins a trade war."',
         "Ortiz"),
    ],
    ids=["quotation then subject and verb", "verb and colon", "clause ending in a colon",
         "clause ending in a comma"],
)
def test_a_verb_outside_the_lexicon_right_against_a_quotation_reports_it(
    text: str, cue: str, content: str, source: str
) -> None:
    found = by_cue(text)[cue]
    assert found.text(text) == content
    assert found.direct
    assert source_of(found, text) == source


@pytest.mark.parametrize(
    "text",
    [
        '"We lost," Lee baked a cake.',
        '"The Wire" was on, Lee slept on the couch.',
        'Lee is promoting his new book, "Quiet Rivers," this week.',
        'Lee waited "patiently" for the bus.',
        '“We will win the county.” Lee fumed.',
    ],
    ids=["verb with an object", "quotation closing no clause", "title after a noun",
         "quotation not after a comma or colon", "quotation closing a sentence"],
)
def test_a_verb_outside_the_lexicon_near_a_quotation_in_no_frame_reports_nothing(
    text: str,
) -> None:
    assert not extract(nlp.parse(text))


def test_a_quotation_hung_on_the_speaker_is_what_the_cue_reports() -> None:
    text = ("“That’s a fair question, because they are proud and principled,” Ortiz, 58,"
            " told CNN Friday when asked about reports that her donors would not fund Lee"
            " if she quits.")
    found = by_cue(text)["told"]
    assert found.text(text) == "“That’s a fair question, because they are proud and principled,”"
    assert source_of(found, text) == "Ortiz"


def test_a_speaker_holds_no_quotation_mark_of_what_was_said() -> None:
    text = '"That is a fair point, because they are very committed," Ortiz, 54, told NBC.'
    assert source_of(by_cue(text)["told"], text) == "Ortiz"
