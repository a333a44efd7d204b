"""Quotations found on the characters alone, and the quotation a cue introduces."""

from __future__ import annotations

import pytest

from summarizer.engines.offline.quotes import CONTINUATION_REACH, CUE_REACH, Quotes, quotations
from summarizer.spans import CharInterval


def test_quotations_pair_curly_and_straight_marks() -> None:
    text = 'He said "yes" and she said “no.”'
    assert [q.of(text) for q in quotations(text)] == ['"yes"', "“no.”"]


def test_a_straight_mark_inside_a_word_opens_nothing() -> None:
    text = 'The 6" pipe burst, and "it flooded," he said.'
    assert [q.of(text) for q in quotations(text)] == ['"it flooded,"']


def test_a_paragraph_break_ends_a_quotation_left_open() -> None:
    text = "“We will win.\n\nThe vote is on Monday. “Then we rest,” she said."
    assert [q.of(text) for q in quotations(text)] == ["“Then we rest,”"]


def test_a_quotation_at_an_interval_and_whether_it_is_the_whole() -> None:
    text = "She said “the plant will close” on Monday."
    quotes = Quotes(text)
    inner = CharInterval(text.index("the plant"), text.index("close") + len("close"))
    assert quotes.at(inner) == quotations(text)[0]
    assert quotes.holds(inner)  # within a mark of either end
    assert quotes.at(CharInterval(0, 3)) is None
    assert not quotes.holds(CharInterval(0, len(text)))


def test_the_quotation_right_after_a_cue() -> None:
    text = "Reyes said: “The plant will close.” He left."
    cue_end = text.index(":")
    quote = Quotes(text).after_cue(cue_end, len(text))
    assert quote is not None and quote.of(text) == "“The plant will close.”"
    assert Quotes("Reyes said nothing at all today. “Later,” he said.").after_cue(10, 32) is None


def test_a_quotation_continued_after_its_cue() -> None:
    text = "“We are ready,” Reyes said. “The trucks leave at dawn.” “All of them.”"
    quotes = Quotes(text)
    after_cue = text.index("said") + len("said")
    second = quotes.continuation(after_cue, first=True)
    assert second is not None and second.of(text) == "“The trucks leave at dawn.”"
    third = quotes.continuation(second.end, first=False)
    assert third is not None and third.of(text) == "“All of them.”"
    assert quotes.continuation(third.end, first=False) is None


def test_content_that_opens_a_quotation_runs_to_its_close() -> None:
    text = "“The plant will close. Nobody will lose their pension,” Reyes said."
    first_sentence = CharInterval(0, text.index(".") + 1)
    assert Quotes(text).widen(first_sentence) == quotations(text)[0]


# --------------------------------------------------------------------------- #
# A quotation over several paragraphs
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("reopening", ["\n\n“", "\n\n “", "\n \n\t“"])
def test_a_paragraph_that_reopens_the_quotation_continues_it(reopening: str) -> None:
    text = f"She said: “We will win.{reopening}We will rebuild.” Then she left."
    assert [q.of(text) for q in quotations(text)] == [text[10:text.index("Then") - 1]]


def test_a_straight_quotation_over_paragraphs_ends_at_its_last_mark() -> None:
    text = 'She said: "We will win.\n\n"We will rebuild," she added.'
    assert [q.of(text) for q in quotations(text)] == [text[10:text.index(" she added")]]


def test_a_quotation_left_open_at_the_very_end_is_no_quotation() -> None:
    assert quotations("She said: “We will win.\n\n") == []
    assert quotations("She said: “We will win.\n\n  ") == []


def test_a_straight_mark_opens_at_the_start_of_the_text() -> None:
    text = '"We will win" he said'
    assert [q.of(text) for q in quotations(text)] == ['"We will win"']


# --------------------------------------------------------------------------- #
# The quotation a cue introduces
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "introduced"),
    [
        ('Reyes said "Go now."', True),  # nothing between
        ('Reyes said, "Go now."', True),
        ('Reyes said in a statement "Go now."', True),
        ('Reyes said on Monday "Go now."', False),  # words alone do not introduce it
        ('Reyes said that the plan, drafted over many long months, "will work."', False),  # far
    ],
)
def test_what_lies_between_a_cue_and_a_quotation(text: str, introduced: bool) -> None:
    cue_end = text.index("said") + len("said")
    found = Quotes(text).after_cue(cue_end, len(text))
    assert (found is not None and found.of(text) == quotations(text)[0].of(text)) is introduced


def test_a_quotation_introduced_opens_within_reach_of_the_cue() -> None:
    for gap, introduced in ((CUE_REACH, True), (CUE_REACH + 1, False)):
        text = "Reyes said," + " " * (gap - 1) + "“Go now.”"
        quote = Quotes(text).after_cue(len("Reyes said"), len(text))
        assert (quote is not None) is introduced, gap
    text = "“Go now.” she said"
    assert Quotes(text).after_cue(0, len(text)) == quotations(text)[0]  # right at the cue


def test_a_quotation_introduced_opens_at_most_two_characters_after_the_sentence() -> None:
    text = 'Reyes said, "Go now."'
    quote_start = text.index('"')
    for sentence_end, introduced in ((quote_start - 3, False), (quote_start - 2, True)):
        found = Quotes(text).after_cue(len("Reyes said"), sentence_end)
        assert (found is not None) is introduced, sentence_end


def test_a_cue_inside_a_quotation_introduces_the_next_one() -> None:
    text = "“Yes,” I said, “we go.”"
    assert Quotes(text).after_cue(2, len(text)) == quotations(text)[1]


# --------------------------------------------------------------------------- #
# A quotation continued after its cue
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("between", "continued"),
    [
        (", ", True),
        (". ", True),
        (", smiling, ", True),
        (". He smiled. ", True),  # a new sentence opens with it
        (".\n\n", True),  # in the next paragraph
        (".\n\nThe council met. ", False),  # after a paragraph of something else
        (" on Monday ", False),
        (", adding ", False),
        (" ", False),
    ],
)
def test_what_lies_between_a_cue_and_the_quotation_it_continues(
    between: str, continued: bool
) -> None:
    text = f"“We are ready,” Reyes said{between}“The trucks leave at dawn.”"
    found = Quotes(text).continuation(text.index("said") + len("said"), first=True)
    assert (found == quotations(text)[1]) is continued
    assert found is None or continued


def test_a_continuation_opens_within_reach() -> None:
    for gap, continued in ((CONTINUATION_REACH, True), (CONTINUATION_REACH + 1, False)):
        text = "“We are ready,” Reyes said." + " " * (gap - 1) + "“Go.”"
        found = Quotes(text).continuation(text.index("."), first=True)
        assert (found is not None) is continued, gap


def test_a_later_piece_follows_the_last_one_directly() -> None:
    text = "“We are ready.”“Go.” she said. “Now.”"
    quotes = Quotes(text)
    first, second, third = quotations(text)
    assert quotes.continuation(first.end, first=False) == second
    assert quotes.continuation(second.end, first=False) is None  # words come between
    assert third.start > second.end


def test_a_position_inside_a_quotation_looks_past_it() -> None:
    text = "“We are ready”. “Go.”"
    inside = text.index("”")
    assert Quotes(text).continuation(inside, first=True) == quotations(text)[1]


def test_content_that_ends_inside_a_quotation_runs_to_its_close() -> None:
    text = "He said “The plant will close. Nobody will lose.”"
    (quote,) = quotations(text)
    found = CharInterval(0, text.index(".") + 1)
    assert Quotes(text).widen(found) == CharInterval(0, quote.end)


def test_content_that_starts_inside_a_quotation_runs_back_to_its_opening() -> None:
    text = "“We will win, and costs will fall”. Reyes said so."
    (quote,) = quotations(text)
    found = CharInterval(text.index("costs"), text.index(" so"))
    assert Quotes(text).widen(found) == CharInterval(quote.start, found.end)


def test_two_single_marks_quote_like_one_double_mark() -> None:
    text = "He said ''we will win'' today."
    assert [q.of(text) for q in quotations(text)] == ["''we will win''"]


def test_a_quotation_holds_at_least_one_character_and_may_span_a_line_break() -> None:
    assert quotations("He said “” and left.") == []
    assert [q.of("He wrote “I” there.") for q in quotations("He wrote “I” there.")] == ["“I”"]
    text = "She said “we will win\nthe vote” today."
    assert [q.of(text) for q in quotations(text)] == ["“we will win\nthe vote”"]


def test_an_interval_holds_a_quotation_give_or_take_one_character() -> None:
    text = "She said  “the plant will close”  on Monday."
    quotes = Quotes(text)
    (quote,) = quotations(text)
    for before, after, holds in ((1, 0, True), (0, 1, True), (2, 0, False), (0, 2, False)):
        interval = CharInterval(quote.start - before, quote.end + after)
        assert quotes.holds(interval) is holds, (before, after)


def test_a_speaker_inside_the_quotation_takes_no_quotation_from_before_it() -> None:
    text = "Voters left. “We lost the county, Jones,” he said."
    found = Quotes(text)
    jones = text.index("Jones")
    assert found.at(CharInterval(jones, jones + 1)) is not None  # every speaker word is quoted
    assert found.before_phrase([jones], text.index("said")) is None
