"""Wording: statements and questions made from the article's own words."""

from __future__ import annotations

from summarizer.engines.offline.wording import (
    as_question,
    as_sentence,
    clip_words,
    lower_first,
    possessive,
)


def test_a_sentence_starts_with_a_capital_and_ends_with_a_stop() -> None:
    assert as_sentence("prices rose") == "Prices rose."
    assert as_sentence("will it rain?") == "Will it rain?"
    assert as_sentence("") == ""


def test_a_question_has_no_quote_marks_and_one_question_mark() -> None:
    assert as_question('will “the plan” work, …') == "Will the plan work?"
    assert as_question("what  did\nhe say.") == "What did he say?"


def test_clip_words_cuts_at_a_word_count() -> None:
    assert clip_words("one two three four.", 3) == "one two three …"
    assert clip_words("one two three.", 3) == "one two three"


def test_lower_first_leaves_names_alone() -> None:
    assert lower_first("The council will vote") == "the council will vote"
    assert lower_first("Trump will vote") == "Trump will vote"


def test_possessive() -> None:
    assert possessive("Trump") == "Trump’s"
    assert possessive("Reyes") == "Reyes’"
