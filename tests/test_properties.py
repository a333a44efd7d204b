"""Grounding properties not covered by test_grounding.py.

That file already proves: an exact cut is found verbatim at or before the cut;
a case/whitespace-perturbed cut normalises like the quote; evidence text is
always the article slice. Here: a cut is found at its *exact* offsets when the
hint points at it, or when it occurs once. (Drafts becoming briefs, per chunk
and merged, are in tests/engines/llm/test_llm_convert.py.)
"""

from __future__ import annotations

from hypothesis import given, settings
from test_grounding import article_and_cut

from summarizer.grounding import Grounder


@settings(max_examples=150, deadline=None)
@given(article_and_cut())
def test_a_cut_is_found_at_its_exact_offsets_when_the_hint_points_at_it(
    case: tuple[str, int, int],
) -> None:
    article, start, end = case
    match = Grounder(article).find(article[start:end], near=start)
    assert match is not None
    assert (match.start, match.end) == (start, end)


@settings(max_examples=150, deadline=None)
@given(article_and_cut())
def test_a_cut_that_occurs_once_is_found_at_its_exact_offsets(case: tuple[str, int, int]) -> None:
    article, start, end = case
    quote = article[start:end]
    match = Grounder(article).find(quote)
    assert match is not None
    # str.count skips overlapping occurrences ("the the" in "the the the "): count them all.
    occurrences = sum(article.startswith(quote, i) for i in range(len(article)))
    if occurrences == 1:
        assert (match.start, match.end) == (start, end)
    else:
        assert article[match.start : match.end] == quote


def test_overlapping_repeat_is_not_taken_for_a_unique_cut() -> None:
    # Found by hypothesis in CI: "the the" occurs at 0 and at 4 in "the the the ".
    article = "the the the "
    match = Grounder(article).find(article[4:11])
    assert match is not None
    assert article[match.start : match.end] == "the the"
