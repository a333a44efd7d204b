"""Quotations found on the characters alone, and the quotation a cue introduces."""

from __future__ import annotations

from summarizer.engines.offline.quotes import Quotes, quotations
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
