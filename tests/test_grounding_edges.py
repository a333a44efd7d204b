"""Grounding edge cases that mutation testing showed no test pinned down.

Each test states one rule of ``Grounder``: the score a match carries, which of two
fuzzy candidates wins, how an elided quote is put together, where the limits lie.
(The main grounding tests are in test_grounding.py.)
"""

from __future__ import annotations

from itertools import permutations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.grounding import Grounder, QuoteRequest
from summarizer.grounding.align import covering, distinct, local_alignment, nearest
from summarizer.grounding.grounder import MAX_ELISION_GAP

TWO_COPIES = (
    "Alpha beta gamma delta epsilon zeta eta theta. Filler words here now. "
    "Alpha beta gamma delta omega zeta eta theta."
)
SECOND = TWO_COPIES.index("Alpha", 1)


def test_exact_and_normalized_matches_score_one() -> None:
    article = "The vote was close. Later: the vote was close, again."
    grounder = Grounder(article)
    matches = grounder.find_all("the vote was close")
    assert [(m.method, m.score) for m in matches] == [("exact", 1.0)]
    found = grounder.find("The vote was close.")
    assert found is not None and (found.method, found.score) == ("exact", 1.0)


def test_the_better_fuzzy_candidate_wins_wherever_it_is() -> None:
    quote = "Alpha beta gamma delta omega zeta eta thetas"  # the second copy, one typo
    grounder = Grounder(TWO_COPIES)
    best = grounder.find(quote)
    assert best is not None and best.method == "fuzzy"
    assert best.start == SECOND
    assert 0.75 <= best.score < 1.0
    # The hint chooses among equals only: pointing at the worse copy changes nothing.
    assert grounder.find(quote, near=0) == best


def test_a_hint_chooses_between_equally_good_fuzzy_candidates() -> None:
    quote = "Alpha beta gamma delta kappa zeta eta theta"  # one word off both copies
    grounder = Grounder(TWO_COPIES)
    first, second = grounder.find_all(quote)
    assert first.score == second.score
    assert grounder.find(quote) == first  # no hint: the first in the text
    assert grounder.find(quote, near=SECOND - 10) == second
    assert grounder.find(quote, near=5) == first
    evidence = grounder.evidence(quote, near=SECOND + 3)
    assert evidence is not None and evidence.start == SECOND


def test_a_three_word_quote_can_match_fuzzily() -> None:
    article = "Red fox jumps high today."
    match = Grounder(article).find("Red fox high")
    assert match is not None and match.method == "fuzzy"
    assert article[match.start : match.end] == "Red fox jumps high"


def test_an_elided_quote_spans_its_first_to_its_last_part() -> None:
    article = "One two three four. Five six seven eight. Nine ten eleven twelve."
    match = Grounder(article).find("One two ... Five six ... Nine ten")
    assert match is not None
    assert article[match.start : match.end] == "One two three four. Five six seven eight. Nine ten"
    assert (match.method, match.score) == ("normalized", 1.0)  # never "exact": text left out


def test_an_elided_quote_takes_the_weakest_method_and_score_of_its_parts() -> None:
    article = "One two three four. Five six seven eight. Nine ten eleven twelve."
    # normalized ("one two"), fuzzy ("Five six seven eigth"), exact ("Nine ten")
    match = Grounder(article).find("one two ... Five six seven eigth ... Nine ten")
    assert match is not None
    assert match.method == "fuzzy"
    assert 0 < match.score < 1.0
    assert article[match.start : match.end].endswith("Nine ten")


def test_an_elided_quote_retries_a_first_part_that_repeats() -> None:
    # "the report" first occurs far from "was wrong"; its second occurrence is close.
    article = ("the report " + "x " * (MAX_ELISION_GAP // 2 + 10)
               + "Later the report said the plan was wrong.")  # fmt: skip
    match = Grounder(article).find("the report ... was wrong")
    assert match is not None
    assert article[match.start : match.end] == "the report said the plan was wrong"


def test_the_parts_of_an_elided_quote_may_be_at_most_the_gap_apart() -> None:
    def article(gap: int) -> str:
        filler = " x" * ((gap - 1) // 2) + " " * (2 - gap % 2)  # words, so no fuzzy match
        assert len(filler) == gap
        return "Start here." + filler + "End there."

    at_limit = article(MAX_ELISION_GAP)
    match = Grounder(at_limit).find("Start here. ... End there.")
    assert match is not None and (match.start, match.end) == (0, len(at_limit))
    assert Grounder(article(MAX_ELISION_GAP + 1)).find("Start here. ... End there.") is None


# --------------------------------------------------------------------------- sharing out


def cost(hints: list[int], starts: list[int], chosen: list[int]) -> int:
    return sum(abs(h - starts[k]) for h, k in zip(hints, chosen, strict=True))


ascending = st.lists(st.integers(0, 200), min_size=1, max_size=5, unique=True).map(sorted)


@settings(max_examples=200, deadline=None)
@given(ascending, ascending)
def test_distinct_gives_each_hint_its_own_occurrence_at_least_total_distance(
    hints: list[int], starts: list[int]
) -> None:
    if len(hints) > len(starts):
        hints, starts = starts, hints
    chosen = distinct(hints, starts)
    assert len(chosen) == len(hints)
    assert all(0 <= k < len(starts) for k in chosen)
    assert chosen == sorted(set(chosen))  # all different, in the hints' order
    best = min(cost(hints, starts, list(p)) for p in permutations(range(len(starts)), len(hints)))
    assert cost(hints, starts, chosen) == best


@settings(max_examples=200, deadline=None)
@given(ascending, ascending)
def test_covering_uses_every_occurrence_at_least_total_distance(
    hints: list[int], starts: list[int]
) -> None:
    if len(hints) < len(starts):
        hints, starts = starts, hints
    if len(hints) == len(starts):
        hints = sorted({*hints, max(hints) + 1})
    chosen = covering(hints, starts)
    assert len(chosen) == len(hints)
    assert set(chosen) == set(range(len(starts)))  # every occurrence used
    assert chosen == sorted(chosen)  # never crossing
    every = [c for c in product(range(len(starts)), repeat=len(hints))
             if set(c) == set(range(len(starts)))]  # fmt: skip
    assert cost(hints, starts, chosen) == min(cost(hints, starts, list(c)) for c in every)


def test_ties_go_to_the_earlier_occurrence() -> None:
    assert distinct([5], [0, 10]) == [0]
    assert distinct([5, 50], [0, 10, 45, 55]) == [0, 2]
    assert nearest([(0, 3), (10, 13)], 5) == (0, 3)
    assert nearest([(0, 3), (10, 13)], None) == (0, 3)
    assert nearest([(0, 3), (10, 13)], 9) == (10, 13)


def test_requests_for_one_quote_share_its_occurrences_out() -> None:
    article = "He said no. Then: he said no. At last, he said no."
    starts = [m.start for m in Grounder(article).find_all("said no")]
    assert len(starts) == 3
    asked = [QuoteRequest("said no", near=starts[2]), QuoteRequest("said no", near=starts[1]),
             QuoteRequest("said no")]  # fmt: skip
    found = Grounder(article).assign(asked)
    assert [m.start if m else None for m in found] == [starts[2], starts[1], starts[0]]
    # Four requests for three occurrences: every occurrence used, one shared.
    more = Grounder(article).assign([QuoteRequest("said no", near=s) for s in [0, 1, 30, 60]])
    assert sorted({m.start for m in more if m}) == starts


# --------------------------------------------------------------------------- local alignment


def test_local_alignment_counts_matched_words_and_where_they_lie() -> None:
    window = ["a", "b", "c", "x", "d", "e", "f"]
    aligned = local_alignment(window, ["b", "c", "d", "e"])  # one word inserted
    assert aligned is not None
    assert (aligned.matched, aligned.first, aligned.last) == (4, 1, 5)
    whole = local_alignment(["b", "c", "d"], ["b", "c", "d"])
    assert whole is not None and (whole.matched, whole.first, whole.last) == (3, 0, 2)
    one = local_alignment(["x", "y", "b"], ["b"])
    assert one is not None and (one.matched, one.first, one.last) == (1, 2, 2)
    assert local_alignment(["x", "y", "z"], ["a", "b"]) is None


def test_local_alignment_skips_a_changed_word() -> None:
    aligned = local_alignment(["p", "q", "r", "s", "t"], ["q", "r", "z", "t"])  # s -> z
    assert aligned is not None
    assert (aligned.matched, aligned.first, aligned.last) == (3, 1, 4)


def test_find_all_gives_every_occurrence_of_an_elided_quote() -> None:
    once = "One two three four. Five six seven eight. "
    article = once + "Then again: " + once
    found = Grounder(article).find_all("One two ... Five six")
    second, length = article.index("One", 1), len("One two three four. Five six")
    assert [(m.start, m.end) for m in found] == [(0, length), (second, second + length)]


def test_an_elided_quote_follows_the_hint() -> None:
    once = "One two three four. Five six seven eight. "
    article = once + "Then again: " + once
    second = article.index("One", 1)
    match = Grounder(article).find("One two ... Five six", near=second)
    assert match is not None and match.start == second


def test_too_few_or_too_scattered_words_are_no_match() -> None:
    # Two of three words (coverage below 0.75): not the article's words.
    assert Grounder("Red fox jumps high today.").find("Red fax jumps") is None
    # Every word, but spread over ten (density below 0.6): not one passage.
    assert Grounder("alpha one two three four beta five six seven gamma").find(
        "alpha beta gamma") is None  # fmt: skip


def test_ties_between_equally_good_choices_go_to_the_earlier() -> None:
    # Hint 10 is as far from occurrence 0 as from occurrence 20: it shares the earlier.
    assert covering([0, 10, 20], [0, 20]) == [0, 0, 1]
    aligned = local_alignment(["b", "c", "x", "b", "c"], ["b", "c"])
    assert aligned is not None and (aligned.first, aligned.last) == (0, 1)


def test_find_all_of_an_elided_quote_whose_parts_need_normalizing() -> None:
    article = "One two three four. Five six seven eight."
    found = Grounder(article).find_all("one two ... FIVE SIX")
    assert [(m.start, m.end, m.method) for m in found] == [(0, 28, "normalized")]


def test_a_word_boundary_is_seen_through_invisible_characters() -> None:
    # "def ghi" first follows "abc" with only a zero-width space between: inside a word.
    article = "abc\u200bdef ghi. Then def ghi."
    match = Grounder(article).find("def ghi")
    assert match is not None and match.start == article.rindex("def ghi")
