"""CharInterval: the one type for offsets into the article."""

from __future__ import annotations

import pytest

from summarizer.schema import Evidence
from summarizer.spans import CharInterval, any_overlap

TEXT = "The council voted 7-2 on Tuesday."


def test_of_and_holds_slice_the_text_at_the_offsets() -> None:
    council = CharInterval(4, 11)
    assert council.of(TEXT) == "council"
    assert council.holds(TEXT, "council")
    assert not council.holds(TEXT, "Council")
    assert not CharInterval(4, 10).holds(TEXT, "council")  # one short


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ((0, 5), (5, 9), False),  # touching is not overlapping: end is exclusive
        ((0, 5), (4, 9), True),
        ((3, 4), (0, 9), True),  # inside
        ((0, 9), (3, 4), True),
        ((6, 9), (0, 6), False),
    ],
)
def test_overlap_shares_at_least_one_character(
    a: tuple[int, int], b: tuple[int, int], expected: bool
) -> None:
    assert CharInterval(*a).overlaps(CharInterval(*b)) is expected
    assert CharInterval(*b).overlaps(CharInterval(*a)) is expected


def test_any_overlap_compares_every_pair() -> None:
    left = [CharInterval(0, 2), CharInterval(10, 12)]
    assert any_overlap(left, [CharInterval(11, 20)])
    assert not any_overlap(left, [CharInterval(2, 10), CharInterval(12, 13)])
    assert not any_overlap([], left)


def test_intervals_sort_like_tuples_and_shift() -> None:
    items = [CharInterval(5, 9), CharInterval(0, 3), CharInterval(5, 6)]
    assert [(i.start, i.end) for i in sorted(items)] == [(0, 3), (5, 6), (5, 9)]
    assert CharInterval(2, 4).shifted(10) == CharInterval(12, 14)
    assert len(CharInterval(2, 4)) == 2
    assert CharInterval(0, 9).contains(CharInterval(3, 9))
    assert not CharInterval(0, 9).contains(CharInterval(3, 10))


def test_evidence_is_built_from_and_checked_against_the_article() -> None:
    evidence = Evidence.at(TEXT, CharInterval(12, 21))
    assert (evidence.text, evidence.start, evidence.end) == ("voted 7-2", 12, 21)
    assert evidence.interval == CharInterval(12, 21)
    assert evidence.grounded_in(TEXT)
    assert not evidence.grounded_in(TEXT.replace("7-2", "8-1"))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((0, 5), (8, 9), 3), ((8, 9), (0, 5), 3), ((0, 5), (5, 9), 0), ((0, 5), (2, 3), 0)],
)
def test_distance_counts_the_characters_between(a: tuple[int, int], b: tuple[int, int],
                                                expected: int) -> None:
    assert CharInterval(*a).distance(CharInterval(*b)) == expected


def test_lines_cuts_at_line_breaks_and_strips_each_piece() -> None:
    text = "Intro. A first line \n\n  a second line.\n"
    pieces = CharInterval(7, len(text)).lines(text)
    assert [piece.of(text) for piece in pieces] == ["A first line", "a second line."]
    blank = CharInterval(len(text) - 1, len(text))
    assert blank.lines(text) == (blank,)
