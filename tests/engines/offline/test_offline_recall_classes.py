"""Attribution classes PolNeAR train showed missed or mangled (issue 12), each on a short
text written for the test: participles and "when asked" after a cue, "called" with its
circumstances, "according to" at a clause's end, speech acts coordinated with the
clause, mixed quotation marks, a quotation the cue's sentence leaves behind, and the
framed cues "see X as Y", "feel Y" and "in a poll"."""

from __future__ import annotations

import pytest
from hand_parses import hand_parsed

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import Attribution, _Extractor, extract
from summarizer.engines.offline.cues import char_interval
from summarizer.engines.offline.quotes import quotations


def by_cue(text: str) -> dict[str, Attribution]:
    items = extract(nlp.parse(text))
    cues = {item.cue.of(text): item for item in items}
    assert len(cues) == len(items), [item.cue.of(text) for item in items]
    return cues


def source(item: Attribution, text: str) -> str | None:
    return None if item.source is None else item.source.of(text)


def reported(text: str) -> dict[str, tuple[str | None, str]]:
    """Cue -> (source, content) for every attribution of the text."""
    return {cue: (source(item, text), item.text(text)) for cue, item in by_cue(text).items()}


# -- what follows the cue's clause --------------------------------------------- #


def test_a_participle_after_the_cue_does_not_report_the_clause_before_it() -> None:
    text = "The river rose overnight, the agency said, warning of floods in the valley."
    found = reported(text)
    assert found["said"] == ("the agency", "The river rose overnight")
    assert "the agency said" not in found["warning"][1]
    assert "floods" in found["warning"][1]


def test_when_asked_after_the_cue_is_no_attribution() -> None:
    text = "Taxes will rise next year, the mayor said, when asked about the budget."
    assert reported(text) == {"said": ("the mayor", "Taxes will rise next year")}


def test_according_to_at_the_end_is_a_cue_not_content() -> None:
    text = "He said it was a lie, according to witnesses."
    found = reported(text)
    assert found["said"] == ("He", "it was a lie")
    assert found["according to"] == ("witnesses", "He said it was a lie")


# -- "called" and where or when it was said ----------------------------------------- #


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The group called the ruling a disgrace in a statement on Monday.",
         "the ruling a disgrace"),
        ("The union called in a statement for higher wages.", "higher wages"),
        ("The union called for higher wages in a statement on Monday.", "higher wages"),
        ("The union called on the council to reject the plan.",
         "the council to reject the plan"),
    ],
)
def test_called_reports_the_demand_not_where_or_when(text: str, content: str) -> None:
    (item,) = extract(nlp.parse(text))
    assert (item.cue.of(text), item.text(text)) == ("called", content)


def test_a_stance_takes_the_as_of_its_object() -> None:
    text = "Critics have attacked the program as a violation of free market principles."
    assert reported(text) == {
        "attacked": ("Critics", "the program as a violation of free market principles")}


# -- speech acts around the clause ---------------------------------------------------- #


def test_a_speech_act_coordinated_with_the_clause_is_not_its_content() -> None:
    text = ("Ginsburg said that she did not want to think about it and predicted that "
            "Clinton will win.")
    found = reported(text)
    assert found["said"] == ("Ginsburg", "she did not want to think about it")
    assert found["predicted"][1] == "Clinton will win"


def test_speech_after_a_refusal_it_is_coordinated_with_is_reported() -> None:
    text = "The chairman declined to name the delegates but said one was a Trump supporter."
    assert reported(text) == {"said": ("The chairman", "one was a Trump supporter")}


def test_a_refusal_still_withholds_what_it_refuses() -> None:
    assert extract(nlp.parse("Senator Ruiz did not say whether she would back the bill.")) == []


def test_of_two_clauses_the_cue_reports_the_one_after_it() -> None:
    """'Few would admit it, but Murphy says he was lost', as parsers often hang it: both
    clauses on the cue."""
    doc = hand_parsed([("Few", 1, "nsubj", "PRON", "few"), ("would", 2, "aux", "AUX", "would"),
                       ("admit", 7, "ccomp", "VERB", "admit"), ("it", 2, "dobj", "PRON", "it"),
                       (",", 7, "punct", "PUNCT", ","), ("but", 7, "cc", "CCONJ", "but"),
                       ("Murphy", 7, "nsubj", "PROPN", "Murphy"),
                       ("says", 7, "ROOT", "VERB", "say"), ("he", 9, "nsubj", "PRON", "he"),
                       ("was", 7, "ccomp", "AUX", "be"), ("lost", 9, "acomp", "ADJ", "lost"),
                       (".", 7, "punct", "PUNCT", ".")])  # fmt: skip
    content = _Extractor(doc).clause_content(doc[7])
    assert content is not None
    interval = char_interval(content)
    assert interval is not None and interval.of(doc.text) == "he was lost"


# -- quotation marks ------------------------------------------------------------------ #


def test_a_curly_quotation_closed_by_a_straight_mark_ends_there() -> None:
    text = '“I disagree," said Smith. "The bill is bad."'
    assert [q.of(text) for q in quotations(text)] == ['“I disagree,"', '"The bill is bad."']
    (item,) = extract(nlp.parse(text))
    assert [piece.of(text) for piece in item.content] == ['“I disagree,"',
                                                          '"The bill is bad."']


def test_a_straight_mark_before_a_space_opens_no_quotation() -> None:
    text = 'He called it "unfair" and left, he said " twice. "We will be back."'
    assert [q.of(text) for q in quotations(text)] == ['"unfair"', '"We will be back."']


def test_a_quotation_left_in_the_sentence_before_a_bare_cue_is_its_content() -> None:
    text = "“We will appeal the ruling.” The mayor said."
    assert reported(text) == {"said": ("The mayor", "“We will appeal the ruling.”")}


def test_a_quotation_before_continued_is_its_content() -> None:
    text = "“We are going to win this state,” she continued. “Nobody can stop us.”"
    (item,) = extract(nlp.parse(text))
    assert (item.cue.of(text), source(item, text)) == ("continued", "she")
    assert [piece.of(text) for piece in item.content] == [
        "“We are going to win this state,”", "“Nobody can stop us.”"]


def test_a_quotation_a_paragraph_before_a_bare_cue_is_not_its_content() -> None:
    text = "“We will appeal the ruling.”\n\nThe mayor said."
    assert extract(nlp.parse(text)) == []


# -- framed cues --------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        ("Half of the voters see the mayor as too cautious.", "see", "Half of the voters",
         "the mayor as too cautious"),
        ("Many of her aides feel they have enough on their plates.", "feel",
         "Many of her aides", "they have enough on their plates"),
        ("In a new poll, the mayor leads by eight points.", "In", "a new poll",
         "the mayor leads by eight points"),
        ("The senator portrayed her rival as a danger to the state.", "portrayed",
         "The senator", "her rival as a danger to the state"),
        ("The governor compared the tax plan to a raid on the poor.", "compared",
         "The governor", "the tax plan to a raid on the poor"),
        ("Critics maintain that the bridge is unsafe.", "maintain", "Critics",
         "the bridge is unsafe"),
        ("The coach aims to win the title next year.", "aims", "The coach",
         "to win the title next year"),
    ],
)
def test_framed_cues(text: str, cue: str, speaker: str, content: str) -> None:
    assert reported(text) == {cue: (speaker, content)}


@pytest.mark.parametrize(
    "text",
    ["We will see a rise in prices next year.",
     "The mayor felt tired after the meeting.",
     "In the old town, the streets are narrow.",
     "The city maintains the park.",
     "The coach aims the camera at the crowd."],
)
def test_seeing_feeling_and_in_without_their_frame_report_nothing(text: str) -> None:
    assert extract(nlp.parse(text)) == []


def test_a_stance_noun_reports_its_that_clause() -> None:
    text = "The mayor's claim that the budget is balanced drew scorn from the council."
    assert reported(text) == {"claim": ("The mayor's", "the budget is balanced")}


def test_a_noun_that_reports_nothing_takes_no_that_clause() -> None:
    assert extract(nlp.parse("The fact that the park was sold angered residents.")) == []


# -- a name, a colon, a quotation ----------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "speaker"),
    [("The numbers moved fast - Acme Polling: “Every sample we took showed the same swing.”",
      "Acme Polling"),
     ("Her old line still works. Maria Lopez: “Every sample we took showed the same swing.”",
      "Maria Lopez")],
)
def test_a_name_a_colon_and_a_quotation_in_running_text(text: str, speaker: str) -> None:
    assert reported(text) == {":": (speaker, "“Every sample we took showed the same swing.”")}


def test_a_byline_before_a_colon_is_no_speaker() -> None:
    text = "Read the full story, by Ann Lee: “The mill closed its doors on Friday after a century.”"
    assert extract(nlp.parse(text)) == []


def test_the_name_before_the_colon_heads_the_source() -> None:
    text = "Her old line still works. Maria Lopez: “We will not back down on the bridge.”"
    doc = nlp.parse(text)
    (item,) = extract(doc)
    assert item.source_head is not None and doc[item.source_head].text == "Lopez"


def test_a_quotation_right_after_the_colon_is_the_content() -> None:
    text = "Her old line still works. Maria Lopez :“We will not back down on the bridge.”"
    assert reported(text) == {":": ("Maria Lopez", "“We will not back down on the bridge.”")}


@pytest.mark.parametrize("between", [", ", " later, "])
def test_a_colon_with_more_before_the_quotation_is_no_label(between: str) -> None:
    text = f"Her old line still works. Maria Lopez:{between}“We will not back down.”"
    assert extract(nlp.parse(text)) == []
