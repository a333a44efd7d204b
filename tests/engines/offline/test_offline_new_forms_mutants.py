"""The attribution forms added in round 2, pinned rule by rule (mutation testing found the
gaps): 'in a poll', quotation marks of mixed kinds, the quotation a cue's sentence leaves
behind, 'according to' inside another cue's content and a speaker's second act after the
reported clause. Each case is a short text written for the test, or a parse fixed by hand
where the parser would not reach the rule."""

from __future__ import annotations

import pytest
from hand_parses import hand_parsed
from spacy.tokens import Doc

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import (
    Attribution,
    _Extractor,
    extract,
)
from summarizer.engines.offline.bounds import without_according
from summarizer.engines.offline.cues import char_interval
from summarizer.engines.offline.quotes import Quotes, quotations
from summarizer.spans import CharInterval


def found(text: str) -> list[Attribution]:
    return extract(nlp.parse(text))


def described(item: Attribution, text: str) -> tuple[str, str, str | None, bool]:
    """Cue, content, source and whether it is a quotation, as text."""
    return (item.cue.of(text), item.text(text),
            None if item.source is None else item.source.of(text), item.direct)


def quoted(text: str) -> list[str]:
    return [span.of(text) for span in quotations(text)]


# -- "in a poll" ------------------------------------------------------------- #


@pytest.mark.parametrize("poll", ["poll", "survey", "Poll"])
def test_a_poll_a_sentence_opens_with_is_the_source_of_the_rest(poll: str) -> None:
    text = f"In the latest {poll}, Trump leads Biden by eight points."
    (item,) = found(text)
    assert described(item, text) == (
        "In", "Trump leads Biden by eight points", f"the latest {poll}", False)
    assert item.source_head == 3


@pytest.mark.parametrize("text", [
    "In the city, Trump leads Biden by eight points.",  # a place is no poll
    "Trump gained ground after the latest poll.",  # a time, not a source
    "Trump gained ground on the latest poll.",
])
def test_a_preposition_other_than_in_a_poll_attributes_nothing(text: str) -> None:
    assert found(text) == []


def test_a_poll_sentence_with_a_cue_of_its_own_is_reported_by_that_cue() -> None:
    text = "In the latest poll, voters said the economy was weak."
    (item,) = found(text)
    assert described(item, text) == ("said", "the economy was weak", "voters", False)


# -- quotation marks of mixed kinds --------------------------------------------- #


@pytest.mark.parametrize(("text", "quotation"), [
    ('He said “No," and left.', '“No,"'),  # a curly quotation, a straight close
    ('He said "No,” and left.', '"No,”'),  # and the other way round
    ('She said “I said "no” to them," twice.', '“I said "no”'),  # a straight mark that opens
    ("He said ''A b” c'' and left.", "''A b” c''"),  # two single marks close only their kind
])
def test_what_closes_a_quotation(text: str, quotation: str) -> None:
    assert quoted(text) == [quotation]


@pytest.mark.parametrize(("text", "quotations_found"), [
    ('It is 5 " long and "big".', ['"big"']),  # a mark between spaces opens nothing
    ('a 5"x7" print', []),  # marks after a word: inches, no quotation
    ('"Yes," she said.', ['"Yes,"']),
])
def test_what_opens_a_straight_quotation(text: str, quotations_found: list[str]) -> None:
    assert quoted(text) == quotations_found


# -- the quotation before a cue's sentence --------------------------------------- #

QUOTE = '"We will win."'


@pytest.mark.parametrize(("gap", "left"), [
    (" ", True), ("", True), (" , ", True),  # at most three characters on the same line
    ("  , ", False), ("\n", False), (" \n", False),
])
def test_the_quotation_left_before_a_cue_sentence(gap: str, left: bool) -> None:
    text = f"{QUOTE}{gap}She said it."
    expected = CharInterval(0, len(QUOTE)) if left else None
    assert Quotes(text).before(len(QUOTE) + len(gap)) == expected


def test_no_quotation_before_the_first_one_and_the_nearest_of_two() -> None:
    text = f'"A b c." {QUOTE} She said it.'
    quotes = Quotes(text)
    assert quotes.before(0) is None
    second = text.index(QUOTE)
    assert quotes.before(second + len(QUOTE) + 1) == CharInterval(second, second + len(QUOTE))
    assert quotes.before(second - 1) == CharInterval(0, 8)


# -- "according to" inside another cue's content ------------------------------- #


def test_according_to_is_cut_from_another_cues_content_and_nothing_else() -> None:
    text = "He said he was going to win, according to witnesses."
    cues = {item.cue.of(text): item.text(text) for item in found(text)}
    assert cues == {"said": "he was going to win",
                    "according to": "He said he was going to win"}


@pytest.mark.parametrize(("text", "kept"), [
    ("it was a lie according to", "it was a lie"),
    ("it was a lie , according", "it was a lie , according"),  # no "to": nothing cut
    ("it was a lie going to", "it was a lie going to"),
])
def test_without_according_at_the_end_of_a_text(text: str, kept: str) -> None:
    tokens = without_according(list(nlp.parse(text)))
    assert " ".join(t.text for t in tokens) == kept


# -- the speaker's second act after the reported clause ---------------------------- #


Row = tuple[str, int, str, str, str, str]


def reported(doc: Doc, cue: int) -> str:
    content = _Extractor(doc).clause_content(doc[cue])
    assert content is not None
    interval = char_interval(content)
    assert interval is not None
    return interval.of(doc.text)


MAYOR_SAID: list[Row] = [
    ("The", 1, "det", "DET", "DT", "the"), ("mayor", 2, "nsubj", "NOUN", "NN", "mayor"),
    ("said", 2, "ROOT", "VERB", "VBD", "say"), ("she", 5, "nsubj", "PRON", "PRP", "she"),
    ("would", 5, "aux", "AUX", "MD", "will"), ("resign", 2, "ccomp", "VERB", "VB", "resign"),
    ("and", 5, "cc", "CCONJ", "CC", "and"),
]
STRIKE: list[Row] = [("a", 9, "det", "DET", "DT", "a"),
                     ("strike", 7, "dobj", "NOUN", "NN", "strike"),
                     (".", 2, "punct", "PUNCT", ".", ".")]


def test_a_cue_in_the_speakers_tense_after_the_clause_is_a_second_act() -> None:
    doc = hand_parsed([*MAYOR_SAID, ("predicted", 5, "conj", "VERB", "VBD", "predict"),
                       *STRIKE])
    assert reported(doc, 2) == "she would resign"


@pytest.mark.parametrize("second", [
    ("predict", 5, "conj", "VERB", "VB", "predict"),  # the clause's tense: its second half
    ("predicted", 5, "advcl", "VERB", "VBD", "predict"),  # no conjunct
    ("ended", 5, "conj", "VERB", "VBD", "end"),  # no cue
])
def test_what_is_no_second_act_stays_in_the_content(second: Row) -> None:
    doc = hand_parsed([*MAYOR_SAID, second, *STRIKE])
    assert reported(doc, 2) == f"she would resign and {second[0]} a strike"


def test_a_cue_with_a_subject_of_its_own_after_the_clause_is_content() -> None:
    rows = [*MAYOR_SAID, ("unions", 8, "nsubj", "NOUN", "NNS", "union"),
            ("predicted", 5, "conj", "VERB", "VBD", "predict"),
            ("a", 10, "det", "DET", "DT", "a"), ("strike", 8, "dobj", "NOUN", "NN", "strike"),
            (".", 2, "punct", "PUNCT", ".", ".")]
    assert reported(hand_parsed(rows), 2) == "she would resign and unions predicted a strike"


def test_speech_coordinated_after_a_refusal_is_not_withheld() -> None:
    text = "The chairman declined to name the buyer but said the plant would close."
    (item,) = found(text)
    assert described(item, text) == ("said", "the plant would close", "The chairman", False)


# -- which clause a cue reports ---------------------------------------------------- #


def test_of_two_clauses_on_a_cue_the_one_after_it_is_reported() -> None:
    # "Few would admit it, but Smith says he was lost", both clauses hung on "says"
    rows: list[Row] = [
        ("Few", 2, "nsubj", "PRON", "JJ", "few"), ("would", 2, "aux", "AUX", "MD", "will"),
        ("admit", 7, "ccomp", "VERB", "VB", "admit"), ("it", 2, "dobj", "PRON", "PRP", "it"),
        (",", 7, "punct", "PUNCT", ",", ","), ("but", 7, "cc", "CCONJ", "CC", "but"),
        ("Smith", 7, "nsubj", "PROPN", "NNP", "Smith"), ("says", 7, "ROOT", "VERB", "VBZ", "say"),
        ("he", 10, "nsubjpass", "PRON", "PRP", "he"), ("was", 10, "auxpass", "AUX", "VBD", "be"),
        ("lost", 7, "ccomp", "VERB", "VBN", "lose"), (".", 7, "punct", "PUNCT", ".", ".")]
    assert reported(hand_parsed(rows), 7) == "he was lost"


def test_a_cue_hung_on_the_clause_before_it_reports_that_clause() -> None:
    # "Prices will rise, Smith said." with "said" a ccomp of "rise"
    rows: list[Row] = [
        ("Prices", 2, "nsubj", "NOUN", "NNS", "price"), ("will", 2, "aux", "AUX", "MD", "will"),
        ("rise", 2, "ROOT", "VERB", "VB", "rise"), (",", 2, "punct", "PUNCT", ",", ","),
        ("Smith", 5, "nsubj", "PROPN", "NNP", "Smith"), ("said", 2, "ccomp", "VERB", "VBD", "say"),
        (".", 2, "punct", "PUNCT", ".", ".")]
    assert reported(hand_parsed(rows), 5) == "Prices will rise"


def test_a_quote_verb_after_its_quotation_reports_it() -> None:
    text = '"We will win the vote," she continued.'
    (item,) = found(text)
    assert described(item, text) == ("continued", '"We will win the vote,"', "she", True)


# -- what a stance verb's object takes in ---------------------------------------- #


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("Smith dismissed Jones as a populist.", "dismissed", "Jones as a populist"),  # "as"
    ("Smith denied the report yesterday.", "denied", "the report"),  # a time is no object
    ("Smith criticized the plan on Monday.", "criticized", "the plan"),  # nor a date
])
def test_what_a_stance_verbs_object_takes_in(text: str, cue: str, content: str) -> None:
    (item,) = found(text)
    assert described(item, text) == (cue, content, "Smith", False)
