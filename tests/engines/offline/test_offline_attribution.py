"""Attribution forms news uses, each on a short text written for the test."""

from __future__ import annotations

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import MAX_PIECES, Attribution, extract


def found(text: str) -> list[Attribution]:
    return extract(nlp.parse(text))


def only(text: str) -> Attribution:
    items = found(text)
    assert len(items) == 1, [item.text(text) for item in items]
    return items[0]


def source_of(item: Attribution, text: str) -> str:
    """The source's text; its head word (the token the pipeline names it by) lies inside it."""
    assert item.source is not None and item.source_head is not None
    head = nlp.parse(text)[item.source_head]
    assert item.source.start <= head.idx < item.source.end, head.text
    return item.source.of(text)


def cue_of(item: Attribution, text: str) -> str:
    return item.cue.of(text)


@pytest.mark.parametrize(
    ("text", "source", "content", "cue"),
    [
        ("Senator Jane Miller said the budget would pass next week.",
         "Senator Jane Miller", "the budget would pass next week", "said"),
        ("The budget will pass next week, Miller said.",
         "Miller", "The budget will pass next week", "said"),
        ("Reyes told reporters that the plant would close in March.",
         "Reyes", "the plant would close in March", "told"),
        ("According to the county clerk, the ballots were counted twice.",
         "the county clerk", "the ballots were counted twice", "According to"),
        ("The ballots were counted twice, according to the county clerk.",
         "the county clerk", "The ballots were counted twice", "according to"),
        ("The deal collapsed on Friday, sources said.",
         "sources", "The deal collapsed on Friday", "said"),
        ("In a statement, the company said it would appeal the ruling.",
         "the company", "it would appeal the ruling", "said"),
        ("Smith said in an interview that taxes would rise.",
         "Smith", "taxes would rise", "said"),
        ("The mayor denied the allegations on Tuesday.",
         "The mayor", "the allegations", "denied"),
        ("The plant will close soon, the union warned.",
         "the union", "The plant will close soon", "warned"),
        ("The plant will close, Reyes said on Monday, and jobs will go.",
         "Reyes", "The plant will close", "said"),
        ("Reyes said the cost was peanuts, compared to the benefits.",
         "Reyes", "the cost was peanuts, compared to the benefits", "said"),
        ("The mayor called for a new bridge over the river.",
         "The mayor", "a new bridge over the river", "called"),
        ("The union called on the council to reject the plan.",
         "The union", "the council to reject the plan", "called"),
        ("The council voted to close the plant.",
         "The council", "to close the plant", "voted"),
        ("The council accused the mayor of lying about the budget.",
         "The council", "the mayor of lying about the budget", "accused"),
        ("The senator talked about the economy on Monday.",
         "The senator", "the economy", "talked"),
        ("The senator voiced criticism of the tax plan.",
         "The senator", "the tax plan", "criticism of"),
        ("The mayor's support for rebuilding the bridge was clear.",
         "The mayor's", "rebuilding the bridge", "support for"),
    ],
)
def test_indirect_forms(text: str, source: str, content: str, cue: str) -> None:
    item = only(text)
    assert source_of(item, text) == source
    assert item.text(text) == content
    assert cue_of(item, text) == cue
    assert item.direct is False


def test_quote_then_inverted_source() -> None:
    text = "“We will win this fight,” said Governor Tom Reyes."
    item = only(text)
    assert item.text(text) == "“We will win this fight,”"
    assert source_of(item, text) == "Governor Tom Reyes"
    assert item.direct is True


def test_quote_spanning_sentences_after_colon() -> None:
    text = "Reyes said: “The plant will close. Nobody will lose their pension.” He left."
    item = only(text)
    assert item.text(text) == "“The plant will close. Nobody will lose their pension.”"
    assert item.direct is True


def test_quote_continued_in_next_sentence_is_a_second_piece() -> None:
    text = "“We are ready,” Reyes said. “The trucks leave at dawn.”"
    item = only(text)
    pieces = [piece.of(text) for piece in item.content]
    assert pieces == ["“We are ready,”", "“The trucks leave at dawn.”"]
    assert (source_of(item, text), item.direct) == ("Reyes", True)


def test_cue_inside_a_quotation_is_not_a_new_attribution() -> None:
    text = "“I think we will win,” Reyes said."
    item = only(text)
    assert cue_of(item, text) == "said"
    assert item.text(text) == "“I think we will win,”"


def test_participle_shares_the_subject_of_its_head() -> None:
    text = "The vote was delayed, he said, adding that a new date would be set soon."
    items = found(text)
    by_cue = {cue_of(item, text): item for item in items}
    assert set(by_cue) == {"said", "adding"}
    assert by_cue["adding"].text(text) == "a new date would be set soon"
    assert source_of(by_cue["adding"], text) == "he"


def test_headline_name_colon() -> None:
    text = "Miller: Budget Deal Is Dead In The Water\nThe senator spoke on Monday."
    item = only(text)
    assert source_of(item, text) == "Miller"
    assert item.text(text) == "Budget Deal Is Dead In The Water"


def test_narration_has_no_attribution() -> None:
    assert found("The bridge opened in 1932 and carries four lanes of traffic.") == []


def test_offsets_index_the_text_exactly() -> None:
    text = "Intro line.\n\n“Prices will fall,” the minister said on Monday."
    item = only(text)
    start, end = item.content[0].start, item.content[0].end
    assert text[start:end] == "“Prices will fall,”"
    assert source_of(item, text) == "the minister"


def test_relative_who_speaks_for_the_person_not_the_noun_it_hangs_on() -> None:
    text = ('"It was not a convincing argument," said one Democrat familiar with the '
            'discussion, who added that the White House seemed rattled by the opposition.')
    items = found(text)
    added = next(item for item in items if cue_of(item, text) == "added")
    said = next(item for item in items if cue_of(item, text) == "said")
    assert source_of(added, text) == "one Democrat familiar with the discussion"
    # The relative clause belongs to neither source span.
    assert source_of(said, text) == "one Democrat familiar with the discussion"


# --------------------------------------------------------------------------- #
# More cue forms
# --------------------------------------------------------------------------- #


def test_nominal_cue_reports_a_stance() -> None:
    text = "Residents heard the mayor's call for a new bridge."
    item = only(text)
    assert cue_of(item, text) == "call for"
    assert source_of(item, text) == "the mayor's"
    assert item.text(text) == "a new bridge"


def test_continue_is_a_cue_only_before_a_quotation() -> None:
    text = "The mayor continued: “We will rebuild the bridge.”"
    item = only(text)
    assert (cue_of(item, text), source_of(item, text)) == ("continued", "The mayor")
    assert item.text(text) == "“We will rebuild the bridge.”"
    assert found("The mayor continued the tour of the harbour on Monday.") == []


def test_requested_anonymity_to_discuss_is_no_statement() -> None:
    text = "The official requested anonymity to discuss the negotiations."
    assert found(text) == []


def test_every_interval_indexes_the_text() -> None:
    text = ("“The plant will close,” Reyes said. “Nobody will lose their pension.” "
            "According to the union, 300 jobs are at stake.")
    for item in found(text):
        for interval in (item.cue, *item.content):
            assert 0 <= interval.start < interval.end <= len(text)
        assert item.source is None or item.source.of(text).strip()


# --------------------------------------------------------------------------- #
# Headlines and transcripts: which labels before a colon are speakers
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "Q: Tell us about the plant closing next year.",  # an interviewer's turn
        "WASHINGTON: The Senate passed the budget bill on Monday night.",  # a dateline
        "Senate Majority Leader Chuck Schumer: We will pass the bill this week.",  # five words
        "Senate Passes Budget: The bill now goes to the governor.",  # a verb: a headline
        "Trump Is Right: The border needs a wall and more agents.",
        "A: The plant will close in March.",  # an answer's turn
        "Miller: Will The Budget Pass This Year?",  # a question asked is no statement
        "Miller: Budget Dead",  # too short to be a statement
    ],
)
def test_a_label_that_is_no_speaker_attributes_nothing(text: str) -> None:
    assert found(text) == []


def test_a_speaker_label_has_at_most_four_words() -> None:
    text = "House Speaker Mike Johnson: We will pass the bill this week."
    item = only(text)
    assert (cue_of(item, text), source_of(item, text)) == (":", "House Speaker Mike Johnson")
    assert item.text(text) == "We will pass the bill this week"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Monday: The council voted to close the plant for good.", "voted"),  # a date
    ],
)
def test_an_answer_or_a_date_before_a_colon_is_no_speaker(text: str, cue: str) -> None:
    assert [cue_of(item, text) for item in found(text)] == [cue]


# --------------------------------------------------------------------------- #
# Speech within speech, descriptions, content left of an inverted cue
# --------------------------------------------------------------------------- #


def test_a_cue_inside_reported_speech_is_not_reported_again() -> None:
    text = "Reyes said the mayor denied the report."
    item = only(text)
    assert (cue_of(item, text), item.text(text)) == ("said", "the mayor denied the report")


def test_who_wrote_the_bill_describes_a_person_and_reports_nothing() -> None:
    assert found("Senator Jane Miller, a Democrat who wrote the bill, voted against it.") == []


def test_content_before_an_inverted_cue_stops_at_the_cue() -> None:
    text = "Not this year, said the mayor."
    item = only(text)
    assert (item.text(text), source_of(item, text)) == ("Not this year", "the mayor")


def test_the_pieces_of_a_continued_quotation_read_as_one_text() -> None:
    text = "“We are ready,” Reyes said. “The trucks leave at dawn.”"
    assert only(text).text(text) == "“We are ready,” “The trucks leave at dawn.”"


@pytest.mark.parametrize(
    "text",
    [
        "Reyes said nothing.",
        "Reyes told reporters on Monday.",  # whom, not what
        "Reyes asked the council on Monday.",
        "The mayor spoke on Tuesday.",  # when, not what
        "The mayor spoke on Monday night.",
        "The mayor spoke of France.",  # where
        "Its support for the plan was clear.",  # no one who speaks
    ],
)
def test_a_cue_without_content_or_speaker_attributes_nothing(text: str) -> None:
    assert found(text) == []


def test_content_stops_where_a_cue_of_its_own_starts() -> None:
    text = "Reyes said the cost was small, adding that the town would pay."
    by_cue = {cue_of(item, text): item.text(text) for item in found(text)}
    assert by_cue == {"said": "the cost was small", "adding": "the town would pay"}


def test_a_quotation_continues_for_at_most_a_few_pieces() -> None:
    text = "“We are ready,” she said." + "".join(f" “Step {n} is done.”" for n in range(8))
    item = only(text)
    assert len(item.content) == MAX_PIECES
    assert item.content[-1].of(text) == f"“Step {MAX_PIECES - 2} is done.”"


def test_a_paraphrase_is_not_continued_by_the_quotation_after_it() -> None:
    text = "The plan will fail, Reyes said. “We will fight.”"
    item = only(text)
    assert ([piece.of(text) for piece in item.content], item.direct) == (["The plan will fail"],
                                                                          False)  # fmt: skip


def test_a_quotation_after_the_cue_and_its_listeners_is_the_content() -> None:
    text = "The mayor told the assembled reporters: “We will rebuild.”"
    item = only(text)
    assert (item.text(text), source_of(item, text), item.direct) == (
        "“We will rebuild.”", "The mayor", True)


@pytest.mark.parametrize("indent", ["", "  "])
def test_said_content_stays_on_the_line_of_its_cue(indent: str) -> None:
    text = f"The plant will close in March and\n{indent}all 300 jobs will go, the union said."
    item = only(text)
    assert (item.text(text), source_of(item, text)) == ("all 300 jobs will go", "the union")


@pytest.mark.parametrize("text", ["Miller: Budget Deal Is Dead In The Water",
                                  "Miller: Budget Deal Dead\nThe senator spoke."])
def test_a_headline_statement_runs_to_the_end_of_its_line(text: str) -> None:
    item = only(text)
    assert item.text(text) == text.split("\n")[0].removeprefix("Miller: ")
    assert (source_of(item, text), item.direct) == ("Miller", False)


def test_a_transcripts_turns_are_verbatim_each_to_the_end_of_its_line() -> None:
    text = ("TRUMP: We will make a deal with China.\nBIDEN: We will not make that deal.\n"
            "The talks went on.")
    turns = [(source_of(item, text), item.text(text), item.direct) for item in found(text)]
    assert turns == [("TRUMP", "We will make a deal with China", True),
                     ("BIDEN", "We will not make that deal", True)]
