"""Attribution forms the other tests left unexercised (found by mutation testing), each on
a short text written for the test: paragraphs and quotations over line breaks, what the
parser hangs on a cue after its clause, 'call for', stances of pronoun possessors and
cues that report the same words twice."""

from __future__ import annotations

import pytest
from hand_parses import hand_parsed

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import Attribution, _Extractor, extract
from summarizer.engines.offline.cues import char_interval


def found(text: str) -> list[Attribution]:
    return extract(nlp.parse(text))


def by_cue(text: str) -> dict[str, Attribution]:
    items = found(text)
    cues = {item.cue.of(text): item for item in items}
    assert len(cues) == len(items), [item.cue.of(text) for item in items]
    return cues


def pieces(item: Attribution, text: str) -> list[str]:
    return [piece.of(text) for piece in item.content]


def source(item: Attribution, text: str) -> str | None:
    return None if item.source is None else item.source.of(text)


# -- quotations over paragraphs ------------------------------------------------- #


@pytest.mark.parametrize("indent", ["", "  "])
def test_a_quotation_over_two_paragraphs_is_one_direct_statement_in_two_pieces(
    indent: str,
) -> None:
    text = f'"We will fight it in court.\n\n{indent}"The plan is a disaster," the mayor said.'
    (item,) = found(text)
    assert pieces(item, text) == ['"We will fight it in court.', '"The plan is a disaster,"']
    assert (source(item, text), item.direct) == ("the mayor", True)


def test_a_paraphrase_whose_quotation_runs_into_the_next_paragraph_stops_at_the_break() -> None:
    text = 'The mayor said the plan was "a disaster for the city.\n\n"We will fight it in court."'
    (item,) = found(text)
    assert pieces(item, text) == ['the plan was "a disaster for the city.']
    assert (source(item, text), item.direct) == ("The mayor", False)


@pytest.mark.parametrize("cue", ["the mayor said", "according to the mayor"])
def test_said_content_after_a_quoted_paragraph_is_the_cues_own_line(cue: str) -> None:
    text = f'"We will fight it in court.\n\n"The plan is a disaster" for the city, {cue}.'
    (item,) = found(text)
    assert pieces(item, text) == ['"The plan is a disaster" for the city']
    assert (source(item, text), item.direct) == ("the mayor", False)


def test_content_around_a_cue_in_mid_line_stays_on_that_line() -> None:
    text = '"We will fight it in court.\n\n"The plan," according to the mayor, "is a disaster."'
    (item,) = found(text)
    assert item.cue.of(text) == "according to"
    assert source(item, text) == "the mayor"
    (piece,) = pieces(item, text)
    assert "is a disaster" in piece and "fight it in court" not in piece


# -- what the parser hangs on the cue after its clause ------------------------ #


def test_a_coordinated_narrative_clause_is_not_the_speakers_content() -> None:
    text = "Reyes said the plant would close, and the workers went home."
    (item,) = found(text)
    assert (item.text(text), source(item, text)) == ("the plant would close", "Reyes")


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        ("For his part, the senator said he would be honored to serve should the "
         "opportunity present itself.", "said", "the senator",
         "he would be honored to serve should the opportunity present itself"),
        ("The campaign knew it was possible, though not likely, that she could lose Ohio.",
         "knew", "The campaign", "it was possible, though not likely, that she could lose Ohio"),
        ("The sheriff learned how the gangs think and how they operate, how they move money "
         "across the border.", "learned", "The sheriff",
         "how the gangs think and how they operate, how they move money across the border"),
    ],
)
def test_a_clause_split_by_the_parser_is_reported_whole(text: str, cue: str, speaker: str,
                                                         content: str) -> None:
    (item,) = found(text)
    assert (item.cue.of(text), source(item, text), item.text(text)) == (cue, speaker, content)


def test_a_participle_quoting_after_the_clause_is_an_attribution_of_its_own() -> None:
    text = ("Kasich says that if he spent the day in Ohio he would be yelling at voters "
            "saying “Hey, vote for me.”")
    items = by_cue(text)
    assert set(items) == {"says", "saying"}
    says, saying = items["says"], items["saying"]
    assert says.text(text) == "if he spent the day in Ohio he would be yelling at voters"
    assert (source(says, text), says.direct) == ("Kasich", False)
    assert (saying.text(text), saying.direct) == ("“Hey, vote for me.”", True)


# -- "call for", participles that cite ---------------------------------------- #


def test_call_for_reports_the_whole_demand() -> None:
    text = "The union called for higher wages for nurses."
    (item,) = found(text)
    assert (item.cue.of(text), item.text(text)) == ("called", "higher wages for nurses")
    assert source(item, text) == "The union"


def test_a_citing_participle_reports_what_is_cited_not_the_sentence_before_it() -> None:
    text = "Activists called for a boycott of the company, citing its labor record."
    items = by_cue(text)
    assert items["citing"].text(text) == "its labor record"
    assert source(items["citing"], text) == "Activists"
    assert items["called"].text(text) == "a boycott of the company"


# -- stances of possessors that are no speakers ----------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "The two bills differ in their support for tax cuts.",  # "their": the bills
        "The new taxes were unpopular, and they drew criticism of the governor.",
        "The new tax was unpopular, and it drew criticism of the governor.",
    ],
)
def test_a_stance_noun_held_by_a_thing_attributes_nothing(text: str) -> None:
    assert found(text) == []


# -- one statement reported by two cues ------------------------------------------- #


def test_a_quotation_two_cues_introduce_is_reported_once() -> None:
    text = ("When he returned, he began by saying, “I do not think that it is necessary for "
            "him to go to jail.” The mayor denied the report.")
    items = found(text)
    quoted = [item for item in items if item.direct]
    assert len(quoted) == 1
    assert quoted[0].text(text) == ("“I do not think that it is necessary for him to go "
                                    "to jail.”")
    assert source(quoted[0], text) == "he"
    # The statement after the duplicate is still reported.
    assert [(item.cue.of(text), item.text(text)) for item in items if not item.direct] == [
        ("denied", "the report")]


# -- "Y, X said" when the parser hangs the cue on the clause it reports ------------ #


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        # "as she said": the cue is an adverbial clause of what it reports
        ("Her father grew up in this town, as she said at the outset.", "said", "she",
         "Her father grew up in this town"),
        ("The bridge was never safe, as the engineer warned in 2019.", "warned",
         "the engineer", "The bridge was never safe"),
        # the cue set between the statement and a clause of narration
        ("Prices will rise, economists say, and wages will lag.", "say", "economists",
         "Prices will rise"),
        ("Stay calm, he said, when a protester seemed to stumble.", "said", "he", "Stay calm"),
    ],
)
def test_the_statement_before_a_cue_hung_on_it_is_the_content(text: str, cue: str,
                                                                speaker: str,
                                                                content: str) -> None:
    item = by_cue(text)[cue]
    assert (source(item, text), item.text(text)) == (speaker, content)


def test_narration_after_the_cue_is_no_attribution_of_the_statement() -> None:
    text = "We are not going anywhere, she said as the crowd cheered."
    assert [(item.cue.of(text), item.text(text)) for item in found(text)] == [
        ("said", "We are not going anywhere")]


# -- short objects, prepositions, headlines ------------------------------------ #


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        # a three-letter object is still what the stance is about
        ("The senator praised Lee.", "praised", "The senator", "Lee"),
        ("The governor endorsed Kim on Monday.", "endorsed", "The governor", "Kim"),
        # a judging verb's object and what it is blamed for
        ("The council blamed the mayor for the deficit.", "blamed", "The council",
         "the mayor for the deficit"),
        # the preposition that brings in the content, past the ones that do not
        ("The senator talked with reporters about the economy.", "talked", "The senator",
         "the economy"),
        ("The union called in Boston for higher wages.", "called", "The union",
         "higher wages"),
        # a gerund after the preposition
        ("The senator talked about leaving the party.", "talked", "The senator",
         "leaving the party"),
    ],
)
def test_object_and_preposition_content(text: str, cue: str, speaker: str,
                                        content: str) -> None:
    (item,) = found(text)
    assert (item.cue.of(text), source(item, text), item.text(text)) == (cue, speaker, content)


@pytest.mark.parametrize(
    "text",
    ["The senator spoke of the Rocky Mountains.",  # a place: where, not what
     "The mayor spoke on the Golden Gate Bridge.",  # a building: where, not what
     "The vote was counted twice, according"],  # a text cut off after "according"
)
def test_no_statement_and_no_failure(text: str) -> None:
    assert found(text) == []


def test_a_stance_noun_takes_its_own_preposition_past_another() -> None:
    text = "The mayor’s support among voters for the plan was clear."
    (item,) = found(text)
    cue = item.cue.of(text)
    assert cue.startswith("support") and cue.endswith("for")
    assert (source(item, text), item.text(text)) == ("The mayor’s", "the plan")


def test_a_headline_statement_keeps_a_last_word_ending_in_x() -> None:
    text = "Miller: We Will Never Fund SpaceX"
    (item,) = found(text)
    assert (source(item, text), item.text(text)) == ("Miller", "We Will Never Fund SpaceX")


def test_a_quotation_of_two_sentences_before_its_cue_is_one_direct_statement() -> None:
    # The parser hangs "said" on the "say" inside the quotation.
    text = "“We did nothing wrong. No one else can say that,” she said."
    (item,) = found(text)
    assert (item.text(text), source(item, text), item.direct) == (
        "“We did nothing wrong. No one else can say that,”", "she", True)


def test_a_participle_before_the_main_clause_reports_its_own_object() -> None:
    text = "Warning of floods, the mayor closed the bridge."
    (item,) = found(text)
    assert (item.cue.of(text), source(item, text), item.text(text)) == (
        "Warning", "the mayor", "floods")


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "quotation"),
    [
        ("Reyes added: “No way.”", "added", "Reyes", "“No way.”"),
        ("The mayor replied “Never.”", "replied", "The mayor", "“Never.”"),  # no colon
        # the quotation, not the place the words were written
        ("Reyes wrote on Twitter: “A great day for the city!”", "wrote", "Reyes",
         "“A great day for the city!”"),
    ],
)
def test_a_quotation_with_no_clause_in_it_is_the_content_of_its_cue(
    text: str, cue: str, speaker: str, quotation: str
) -> None:
    (item,) = found(text)
    assert (item.cue.of(text), source(item, text)) == (cue, speaker)
    assert (item.text(text), item.direct) == (quotation, True)


@pytest.mark.parametrize("space", [" ", "\n", "\u00a0", "\t", "\r\n"])
def test_a_quotation_resumed_after_the_cue_sentence_continues_whatever_the_space(
    space: str,
) -> None:
    # A no-break space (scraped pages) or a CRLF line end is still only a space.
    text = f'"The plan is a disaster," the mayor said.{space}"We will fight it in court."'
    (item,) = found(text)
    assert pieces(item, text) == ['"The plan is a disaster,"', '"We will fight it in court."']
    assert (source(item, text), item.direct) == ("the mayor", True)


@pytest.mark.parametrize("blank", ["\n\n", "\r\n\r\n", "\n \n"])
def test_a_quotation_after_a_blank_line_is_not_the_cue_sentences_continuation(
    blank: str,
) -> None:
    text = (f'"The plan is a disaster," the mayor said. The council met.{blank}'
            '"We will fight it in court."')  # fmt: skip
    items = found(text)
    assert [pieces(item, text) for item in items] == [['"The plan is a disaster,"']]


# -- what the parser hangs on a cue's conjunction ---------------------------------- #


def test_not_only_but_also_an_infinitive_is_the_second_half_of_the_content() -> None:
    text = ('The proof was a video clip from a rally with Smith and Jones, where the governor '
            'of Ohio said he was "not only here to do my job" but also to back his candidate.')
    items = found(text)
    assert [item.cue.of(text) for item in items] == ["said"]
    assert pieces(items[0], text) == [
        'he was "not only here to do my job" but also to back his candidate']
    assert source(items[0], text) == "the governor of Ohio"


def said_content(*rest: tuple[str, int, str, str, str]) -> str:
    """What "The mayor said she was here ..." reports, the rest hung as given."""
    doc = hand_parsed([("The", 1, "det", "DET", "the"), ("mayor", 2, "nsubj", "NOUN", "mayor"),
                       ("said", 2, "ROOT", "VERB", "say"), ("she", 4, "nsubj", "PRON", "she"),
                       ("was", 2, "ccomp", "AUX", "be"), ("here", 4, "advmod", "ADV", "here"),
                       *rest, (".", 2, "punct", "PUNCT", ".")])  # fmt: skip
    content = _Extractor(doc).clause_content(doc[2])
    assert content is not None
    interval = char_interval(content)
    assert interval is not None
    return interval.of(doc.text)


BUT = ("but", 2, "cc", "CCONJ", "but")


@pytest.mark.parametrize(
    ("rest", "reported"),
    [
        # "but also": "also" hangs on the cue's "but"; "left early" is a second act.
        ([BUT, ("also", 6, "advmod", "ADV", "also"), ("left", 2, "conj", "VERB", "leave"),
          ("early", 8, "advmod", "ADV", "early")], "she was here"),
        # an infinitive with no subject: the second half of what she said
        ([BUT, ("to", 8, "aux", "PART", "to"), ("back", 2, "conj", "VERB", "back"),
          ("Jones", 8, "dobj", "PROPN", "Jones")], "she was here but to back Jones"),
        # ... and what hangs on the cue after it still belongs to the content
        ([BUT, ("to", 8, "aux", "PART", "to"), ("back", 2, "conj", "VERB", "back"),
          ("Jones", 8, "dobj", "PROPN", "Jones"), ("in", 2, "prep", "ADP", "in"),
          ("May", 10, "pobj", "PROPN", "May")], "she was here but to back Jones in May"),
        # another auxiliary: a second act of the mayor's
        ([BUT, ("will", 8, "aux", "AUX", "will"), ("run", 2, "conj", "VERB", "run"),
          ("again", 8, "advmod", "ADV", "again")], "she was here"),
        # an infinitive with a subject of its own is no second half either
        ([BUT, ("him", 9, "nsubj", "PRON", "he"), ("to", 9, "aux", "PART", "to"),
          ("win", 2, "conj", "VERB", "win")], "she was here"),
        ([BUT, ("him", 9, "nsubjpass", "PRON", "he"), ("to", 9, "aux", "PART", "to"),
          ("win", 2, "conj", "VERB", "win")], "she was here"),
    ],
)
def test_what_hangs_on_a_cues_conjunction(rest: list[tuple[str, int, str, str, str]],
                                          reported: str) -> None:
    assert said_content(*rest) == reported


def test_a_stance_verbs_object_takes_its_complement_in() -> None:
    # "Voters see the plan becoming a burden": what they see is the plan becoming one.
    doc = hand_parsed([("Voters", 1, "nsubj", "NOUN", "voter"), ("see", 1, "ROOT", "VERB", "see"),
                       ("the", 3, "det", "DET", "the"), ("plan", 1, "dobj", "NOUN", "plan"),
                       ("becoming", 1, "xcomp", "VERB", "become"), ("a", 6, "det", "DET", "a"),
                       ("burden", 4, "attr", "NOUN", "burden"),
                       (".", 1, "punct", "PUNCT", ".")])  # fmt: skip
    content = _Extractor(doc).object_content(doc[1])
    assert content is not None
    assert sorted(t.i for t in content) == [2, 3, 4, 5, 6]
