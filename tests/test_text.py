"""summarizer.text: token estimates, sentence boundaries and splitting long articles into chunks."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.text import Chunk, estimate_tokens, sentence_starts, split_article

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "000_a632362f40734eb3.txt").read_text(
    encoding="utf-8"
)

# Ten sentences of exactly 40 characters each (with the space that follows): 10 tokens.
SENTENCES = [f"Sentence number {n:02d} says something here. " for n in range(10)]
assert all(len(s) == 40 for s in SENTENCES)
EVEN = "".join(SENTENCES)
EVEN_STARTS = [40 * n for n in range(10)]


def sentence_index(offset: int) -> int:
    return offset // 40


# --------------------------------------------------------------------------- estimate


def test_estimate_tokens_is_four_characters_per_token_rounded_up() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("x" * 4000) == 1000


# --------------------------------------------------------------------------- sentences


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Talks began on Nov. 7 in the U.S. capital with Mr. Smith and Dr. J. R. Ewing present. "
        "The U.N. envoy left at 5 p.m. on Friday. Sens. Ted Cruz and Mike Lee flew home. "
        "It ended."
    )
    assert sentence_starts(text) == [
        0,
        text.index("The U.N."),
        text.index("Sens."),
        text.index("It ended"),
    ]


def test_number_abbreviation_only_before_a_number() -> None:
    text = "He lives at No. 10 Downing Street. She said no. Then she left."
    assert sentence_starts(text) == [0, text.index("She said"), text.index("Then")]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = "“We will win.” Then she left. “Why?” he asked. Nobody knew!"
    assert sentence_starts(text) == [
        0,
        text.index("Then"),
        text.index("“Why"),
        text.index("Nobody"),
    ]


def test_line_breaks_end_sentences() -> None:
    text = "Headline without a stop\nFirst line of the story.\n\nSecond paragraph"
    assert sentence_starts(text) == [0, text.index("First"), text.index("Second")]


def test_even_text_sentences_are_found() -> None:
    assert sentence_starts(EVEN) == EVEN_STARTS


# --------------------------------------------------------------------------- split


def check_cover(text: str, chunks: list[Chunk]) -> None:
    assert chunks[0].start == 0
    assert chunks[-1].end == len(text)
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.start < chunk.end
    for before, after in itertools.pairwise(chunks):
        assert before.start < after.start <= before.end  # no gap, always moving on


def test_short_text_is_one_chunk() -> None:
    assert split_article(SEED, max_tokens=2000) == [Chunk(0, len(SEED), SEED)]


def test_chunks_fall_on_sentence_boundaries_with_the_asked_overlap() -> None:
    chunks = split_article(EVEN, max_tokens=40, overlap_sentences=2)
    check_cover(EVEN, chunks)
    assert [(c.start, c.end) for c in chunks] == [(0, 160), (80, 240), (160, 320), (240, 400)]


def test_overlap_of_one_and_of_zero() -> None:
    one = split_article(EVEN, max_tokens=30, overlap_sentences=1)
    assert [(c.start, c.end) for c in one] == [
        (0, 120),
        (80, 200),
        (160, 280),
        (240, 360),
        (320, 400),
    ]
    zero = split_article(EVEN, max_tokens=30, overlap_sentences=0)
    assert [(c.start, c.end) for c in zero] == [(0, 120), (120, 240), (240, 360), (360, 400)]


def test_overlap_never_stalls_when_it_is_as_big_as_the_chunk() -> None:
    chunks = split_article(EVEN, max_tokens=10, overlap_sentences=3)
    assert [sentence_index(c.start) for c in chunks] == list(range(10))


def test_seed_chunks_cover_it_on_sentence_boundaries_within_budget() -> None:
    chunks = split_article(SEED, max_tokens=150, overlap_sentences=2)
    check_cover(SEED, chunks)
    assert len(chunks) > 2
    starts = set(sentence_starts(SEED))
    for chunk in chunks:
        assert estimate_tokens(chunk.text) <= 150
        assert chunk.start in starts
        assert chunk.end in starts | {len(SEED)}
    # "Nov. 7" and "U.S." never begin a chunk.
    assert all(not c.text.startswith(("7", "relationships")) for c in chunks)


def test_sentence_longer_than_budget_is_split_at_whitespace() -> None:
    words = " ".join(f"word{n:03d}" for n in range(200))  # 1599 characters, no full stop
    chunks = split_article(words, max_tokens=50, overlap_sentences=0)
    check_cover(words, chunks)
    for chunk in chunks:
        assert len(chunk.text) <= 200
        assert chunk.text.endswith(" ") or chunk.end == len(words)


def test_one_huge_word_is_cut_anyway() -> None:
    text = "x" * 1000
    chunks = split_article(text, max_tokens=100, overlap_sentences=1)
    check_cover(text, chunks)
    assert all(len(c.text) <= 400 for c in chunks)


def test_bad_budget_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        split_article(EVEN, max_tokens=0)
    with pytest.raises(ValueError, match="overlap_sentences"):
        split_article(EVEN, max_tokens=10, overlap_sentences=-1)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Mr. Lee spoke.", "U.S. aid rose", "“No,” she said.", "Why?", "\n", "x" * 90]
        ),
        min_size=1,
        max_size=40,
    ).map(" ".join),
    st.integers(1, 60),
    st.integers(0, 3),
)
def test_split_always_covers_the_text_within_budget(text: str, budget: int, overlap: int) -> None:
    chunks = split_article(text, max_tokens=budget, overlap_sentences=overlap)
    check_cover(text, chunks)
    assert all(estimate_tokens(c.text) <= budget for c in chunks)
