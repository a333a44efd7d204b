"""Grounding rules that surviving mutants showed no test pinned down.

Every expected value is worked out by hand from the rule in the comment: the
Smith-Waterman scores (match +2, mismatch -1, gap -1, never below 0, the trace
stopping at a zero cell) and the fuzzy acceptance limits (coverage >= 0.75 of the
quote's words, density >= 0.6 of the matched span's words, score = Dice
2 * matched / (quote words + span words)).
"""

from __future__ import annotations

import pytest

from summarizer.grounding import Grounder
from summarizer.grounding.align import distinct, local_alignment
from summarizer.grounding.normal import on_word_boundaries_unicode, splits_a_character, word_spans


def aligned(window: str, quote: str) -> tuple[int, int, int] | None:
    found = local_alignment(window.split(), quote.split())
    return None if found is None else (found.matched, found.first, found.last)


def test_a_mismatch_between_two_matches_stays_inside_the_alignment() -> None:
    # a/a +2, x/y -1 (score 1), c/c +2: 3 beats either match alone (2).
    assert aligned("a x c", "a y c") == (2, 0, 2)


def test_the_alignment_starts_after_the_cell_where_the_score_falls_to_zero() -> None:
    # a/a scores 2; the two gaps for "x x" bring it to 0, so "b c" (2, 4) starts afresh
    # at window word 3: the "a" before the zero is not part of the alignment.
    assert aligned("a x x b c", "a b c") == (2, 3, 4)


def test_a_score_never_goes_below_zero_so_a_match_after_mismatches_starts_afresh() -> None:
    # "x x" against "y y" scores 0 (not -1, -2); b/b then scores 2 and c/c 4.
    assert aligned("x x b c", "y y b c") == (2, 2, 3)


def test_no_hints_take_no_occurrences() -> None:
    assert distinct([], [16]) == []


ARTICLE_SPREAD = "Wheat prices rose, corn fell."


def test_a_quote_three_quarters_present_is_found_at_exactly_the_coverage_limit() -> None:
    # quote: red fox runs high (4 words); article words red fox jumps high today.
    # Matched 3 of 4 (coverage 0.75, the limit), span red..high = 4 words (density 0.75);
    # score 2 * 3 / (4 + 4) = 0.75.
    match = Grounder("Red fox jumps high today.").find("red fox runs high")
    assert match is not None
    assert (match.start, match.end, match.method) == (0, len("Red fox jumps high"), "fuzzy")
    assert match.score == pytest.approx(0.75)


def test_a_quote_whose_span_is_at_exactly_the_density_limit_is_found() -> None:
    # quote: wheat rose sharply fell (4); article: wheat prices rose corn fell.
    # Alignment wheat (+2) prices-gap (-1) rose (+2) corn/sharply (-1) fell (+2) = 4,
    # above any part of it: matched 3 (coverage 0.75) over 5 words (density 0.6, the
    # limit); score 2 * 3 / (4 + 5) = 2/3.
    match = Grounder(ARTICLE_SPREAD).find("Wheat rose sharply, fell")
    assert match is not None
    assert (match.start, match.end, match.method) == (0, len(ARTICLE_SPREAD) - 1, "fuzzy")
    assert match.score == pytest.approx(2 / 3)


def test_a_quote_half_present_is_not_found_however_dense() -> None:
    # Only "wheat rose" of 4 words: coverage 0.5 < 0.75, though density is 1.
    assert Grounder("Wheat rose. Wheat rose.").find("wheat rose sharply today") is None


def test_a_quote_spread_over_other_words_is_not_found() -> None:
    # wheat rose [corn and oats] fell sharply: 4 of the 5 quote words (coverage 0.8), but
    # over 7 article words: density 4/7 < 0.6. "fell sharply" alone covers 0.4.
    grounder = Grounder("Wheat rose; corn and oats fell sharply.")
    assert grounder.find("wheat rose, fell sharply today") is None


def test_a_part_of_an_elided_quote_that_is_only_punctuation_is_left_out() -> None:
    # Parts "Alpha", "!", "beta": the "!" is not looked for, so the match runs from
    # "Alpha" to "beta"; never "exact", as it holds words the quote left out.
    match = Grounder("Alpha went home; beta stayed.").find("Alpha … ! … beta")
    assert match is not None
    assert (match.start, match.end, match.method) == (0, len("Alpha went home; beta"), "normalized")


def test_at_most_four_regions_are_aligned_and_earlier_ones_win_ties() -> None:
    # Five equal copies 48 characters apart; each matches "red fox runs high" as in the
    # coverage-limit test (0.75). MAX_FUZZY_CANDIDATES = 4: the first four are listed.
    copies = " Filler words here now. ".join(["Red fox jumps high today"] * 5) + "."
    found = Grounder(copies).find_all("red fox runs high")
    assert [(m.start, m.end) for m in found] == [(48 * k, 48 * k + 18) for k in range(4)]
    assert all(m.method == "fuzzy" and m.score == pytest.approx(0.75) for m in found)


def test_near_measures_from_where_an_occurrence_starts() -> None:
    # "vote" at 0 and 20; near 12: starts are 12 and 8 away, so the second wins
    # (measured from the ends, 4 and 24, the first would).
    article = "vote " + "x" * 14 + " vote"
    match = Grounder(article).find("vote", near=12)
    assert match is not None and (match.start, match.end) == (20, 24)


def test_a_quote_inside_a_word_is_found_when_there_is_no_whole_word_one() -> None:
    match = Grounder("She said no.").find("he said")
    assert match is not None and (match.start, match.end, match.method) == (1, 8, "exact")


def test_quote_marks_and_punctuation_around_a_quote_are_stripped() -> None:
    article = "The vote was close. Nobody expected it."
    match = Grounder(article).find('"The vote was close,"')
    assert match is not None
    assert (match.start, match.end, match.method) == (0, 18, "normalized")


def test_an_ellipsis_character_matches_three_dots_and_stays_in_the_span() -> None:
    # "…" is one article character (index 7) that normalises to "...".
    match = Grounder("We wait… and see.").find("wait...")
    assert match is not None and (match.start, match.end, match.method) == (3, 8, "normalized")


@pytest.mark.parametrize(("article", "quote"), [("In 2020 — 2021.", "2020 -"),
                                               ("In 2020 -- 2021.", "2020 —")])
def test_a_dash_run_maps_back_to_its_first_dash(article: str, quote: str) -> None:
    # " — " and " -- " normalise to "-", which stands for the first dash (index 8).
    match = Grounder(article).find(quote)
    assert match is not None and (match.start, match.end, match.method) == (3, 9, "normalized")


@pytest.mark.parametrize("prefix", ["", "Café. "])  # ASCII path and Unicode path
def test_a_span_ending_in_punctuation_is_on_a_word_boundary_whatever_follows(
    prefix: str,
) -> None:
    article = prefix + "It was close,then it was close, again."
    match = Grounder(article).find("was close,")
    start = len(prefix) + 3
    assert match is not None and (match.start, match.end) == (start, start + 10)


def test_a_word_at_the_very_start_of_a_unicode_article_is_a_boundary_too() -> None:
    # "he said" inside "She said" (index 1) is not on a word boundary: the later one wins.
    article = "She said no, then he said yes. Café."
    match = Grounder(article).find("he said")
    start = article.index("he said", 5)
    assert match is not None and (match.start, match.end, match.method) == (start, start + 7,
                                                                             "exact")


def test_occurrences_one_character_apart_are_all_listed() -> None:
    found = Grounder("Wow!!! Really.").find_all("!!")
    assert [(m.start, m.end, m.method) for m in found] == [(3, 5, "exact"), (4, 6, "exact")]


def test_an_elided_quote_retries_its_first_part_one_character_later() -> None:
    # "==" is at 0 and at 1 ("==="). "end" is at 3 + 600 = 603: 601 characters after
    # the first "==" ends (over MAX_ELISION_GAP = 600), exactly 600 after the second.
    article = "=== " + "z" * 598 + " end."
    assert article.index("end") == 603
    match = Grounder(article).find("== … end")
    assert match is not None
    assert (match.start, match.end, match.method) == (1, 606, "normalized")


def test_a_combining_mark_at_index_one_or_zero_cuts_a_character() -> None:
    # "e" + U+0301: a span starting at the mark (index 1) cuts "é".
    assert splits_a_character("e\u0301x", 1, 3)
    # A mark at index 0 has no base: a span starting there cuts nothing; "\u0301a"
    # ends before "b", which is no mark.
    assert not splits_a_character("\u0301ab", 0, 2)


@pytest.mark.parametrize("jamo", ["\u1160", "\u1161", "\u11ff"])
def test_a_hangul_vowel_or_final_jamo_belongs_to_the_character_before_it(jamo: str) -> None:
    # U+1160..U+11FF (category Lo, not a mark) compose with the jamo before them,
    # so ending a span between U+1100 and one of them cuts a syllable.
    assert splits_a_character("\u1100" + jamo, 0, 1)


def test_a_combining_mark_inside_a_word_does_not_split_the_word() -> None:
    # "xa" + U+0301 + "b": U+0301 is no \\w character, yet one word of 4 characters.
    assert word_spans("xa\u0301b") == [(0, 4)]


@pytest.mark.parametrize(("text", "start", "end"), [("a \u200bb", 3, 4), ("b\u200b a", 0, 1)])
def test_the_boundary_test_looks_past_invisibles_to_the_next_visible_character(
    text: str, start: int, end: int
) -> None:
    # Past the zero-width space lies a space, so the word "b" is on a word boundary
    # both sides (the "a" two steps away is behind that space).
    assert on_word_boundaries_unicode(text, start, end)


# Fuzzy regions, for the 4-word quote "red fox runs high": band width
# ceil(4 * (1/0.6 - 1)) + 1 = 4, at least ceil(0.75 * 4) = 3 quote words on
# diagonals (article token - quote token) within 4 of each other make a region,
# regions more than 4 diagonals apart are both aligned, and a window holds
# 4 + 4 + 1 = 9 tokens from the region's first diagonal.


def test_a_stray_quote_word_before_a_match_does_not_cut_the_match_off() -> None:
    # Tokens: one two three high(3) red(4) fox(5) jumps(6) high(7) today(8).
    # Diagonals: high@3 -> 0, red, fox, high@7 -> 4: one region from 0 (4 within 0..4),
    # window tokens 0..8, which holds "red fox jumps high" (score 0.75).
    article = "one two three high red fox jumps high today."
    match = Grounder(article).find("red fox runs high")
    assert match is not None
    start = article.index("red")
    assert (match.start, match.end, match.method) == (start, start + 18, "fuzzy")
    assert match.score == pytest.approx(0.75)


def test_regions_five_diagonals_apart_are_both_aligned() -> None:
    # Tokens: fox(0) runs(1) high(2) then(3) red(4) fox(5) jumps(6) high(7).
    # Diagonals -1, -1, -1 ("fox runs high") and 4, 4, 4 ("red fox jumps high"):
    # 5 apart, so two regions. Window 0..8 aligns "fox runs high" (raw score 6 beats
    # 5): 3 matched of 4 over 3 tokens, score 2 * 3 / (4 + 3) = 6/7; window 4..12
    # aligns "red fox jumps high", score 0.75.
    article = "Fox runs high, then red fox jumps high."
    found = Grounder(article).find_all("red fox runs high")
    red = article.index("red")
    assert [(m.start, m.end) for m in found] == [(0, 13), (red, red + 18)]
    assert [m.score for m in found] == pytest.approx([6 / 7, 0.75])


def test_each_region_is_aligned_within_its_own_window_only() -> None:
    # Quote of 5 words: band width ceil(5 * 2/3) + 1 = 5, window 5 + 5 + 1 = 11 tokens.
    # "red fox jumps very high": red fox (+4) jumps/runs (-1) very high (+4) = 7,
    # 4 matched over 5 tokens, score 2 * 4 / (5 + 5) = 0.8. "red fox runs so very
    # high": +6 -1 (so) +4 = 9, 5 matched over 6, score 2 * 5 / (5 + 6) = 10/11.
    # They are 25 tokens apart: two regions, each found in its own window.
    first = "Red fox jumps very high."
    second = "red fox runs so very high."
    article = first + " " + "Filler words come here now. " * 4 + second
    found = Grounder(article).find_all("red fox runs very high")
    at = article.index(second)
    assert [(m.start, m.end) for m in found] == [(0, 23), (at, at + 25)]
    assert [m.score for m in found] == pytest.approx([0.8, 10 / 11])


def test_the_region_with_most_quote_words_is_aligned_first() -> None:
    # Quote of 5 words (band width 5, at least 4 words per region). Tokens: red(0) fox
    # runs so very high(5) high(6) up very(8); diagonals 0, 0, 0, 1, 1, 2, 5.
    # From 0: seven within 0..5; from 1: four within 1..6, and 1 is within 5 of 0, so
    # only the region from 0 is aligned: red fox runs (+6) so (-1) very high (+4) = 9,
    # 5 matched over 6 tokens, score 2 * 5 / (5 + 6) = 10/11 (from 1, "red" is lost).
    article = "Red fox runs so very high, high up, very."
    match = Grounder(article).find("red fox runs very high")
    assert match is not None
    assert (match.start, match.end, match.method) == (0, 25, "fuzzy")
    assert match.score == pytest.approx(10 / 11)


def test_of_two_overlapping_fuzzy_matches_the_better_scoring_one_is_kept() -> None:
    # Tokens: high high low high low fox(5) fox high(7) red very(9) high(10) very.
    # Quote fox fox very high: its diagonals give two regions, from token 4 and
    # (clamped) 0. Window 4..11: fox fox (+4) high red (-2) very high (+4) = 6,
    # 4 matched over 6 tokens, score 0.8. Window 0..8: fox fox (+4) very skipped (-1)
    # high (+2) = 5, 3 matched over 3 tokens, score 6/7. They overlap: 6/7 is kept.
    article = "high high low high low fox fox high red very high very."
    found = Grounder(article).find_all("fox fox very high")
    assert [(m.start, m.end) for m in found] == [(23, 35)]
    assert found[0].score == pytest.approx(6 / 7)


def test_a_region_counts_the_diagonals_at_its_band_edge() -> None:
    # Tokens: runs fox high(2) high(3) fox runs(5) very high(7) high(8) runs(9) low(10).
    # Quote high runs low high, diagonals sorted -1 -1 0 2 3 4 4 5 7 8 8 8. From 4,
    # 4..8 holds seven (8 at the band edge included): aligned first; from -1, five
    # within -1..3, and -1 is 5 from 4: aligned too (window 0..8); every other start
    # is within 4 of one of them. Window 4..10: high runs low (+6), 3 over 3 tokens,
    # score 6/7. Window 0..8: high(3) fox(-1) runs(+2) very/low(-1) high(7)(+2) = 4,
    # 3 matched over 5 tokens (density 0.6), score 6/9.
    article = "runs fox high high fox runs very high high runs low."
    found = Grounder(article).find_all("high runs low high")
    assert [(m.start, m.end) for m in found] == [(14, 37), (38, 51)]
    assert [m.score for m in found] == pytest.approx([2 / 3, 6 / 7])


def test_a_window_ends_nine_tokens_after_its_start() -> None:
    # Tokens: runs fox very fox red(4) low high runs(7) high red(9) red very fox red.
    # Quote runs high very red: diagonals 0 0 1 5 6 7 7 7 9 10; regions from 5 (six
    # within 5..9) and from 0 (three within 0..4, and 5 from 5). Window 0..8: runs(0)
    # fox/high(-1) very(+2) fox(-1) red(4)(+2) = 4, reached before runs high (7, 8) = 4;
    # 3 matched over 5 tokens, score 6/9. Window 5..13: runs high (+4), very skipped
    # (-1), red(9) (+2) = 5, first at token 9; 3 over 3 tokens, score 6/7. Token 9 is
    # past the first window, so the two matches are apart.
    article = "runs fox very fox red low high runs high red red very fox red."
    found = Grounder(article).find_all("runs high very red")
    assert [(m.start, m.end) for m in found] == [(0, 21), (31, 44)]
    assert [m.score for m in found] == pytest.approx([2 / 3, 6 / 7])


def test_a_region_exactly_a_band_width_from_a_chosen_one_is_not_aligned() -> None:
    # Quote very runs high: 3 words, band width ceil(3 * 2/3) + 1 = 3, regions need
    # all 3 words, windows are 7 tokens. Tokens: high red very(2) very red very(5)
    # very(6) runs(7) very(8) fox runs(10) low high(12) red red low very(16).
    # Diagonals -2 2 3 5 6 6 8 9 10 16; four within 3 of 3, 5 and 6, three from 2
    # and 8. Chosen: 3 (first of the fours), not 5 or 6 (not more than 3 away), not 2,
    # then 8. Window 3..9 has no "high" (2 of 3 words: too few). Window 8..14:
    # very(8) fox(-1) runs(+2) low(-1) high(12)(+2) = 4, 3 over 5 tokens, score 0.75.
    article = "high red very very red very very runs very fox runs low high red red low very."
    found = Grounder(article).find_all("very runs high")
    assert [(m.start, m.end) for m in found] == [(38, 60)]
    assert found[0].score == pytest.approx(0.75)


def test_fuzzy_matches_that_only_touch_are_both_kept() -> None:
    # U+2474 and U+2475 normalise to "(1)" and "(2)": tokens c d x 1 2 y c d, where "1"
    # is article character 6 and "2" character 7. Quote 2 c d 1: diagonals -1 -1 0 and
    # 4 5 5, regions from -1 and 4 (5 apart). Window 0..7: c d (+4) x (-1) 1 (+2) = 5,
    # first at "1" (2 y c d also scores 5, later); window 4..7: 2 y(-1) c d = 5. Both
    # 3 matched over 4 tokens (score 0.75): [0, 7) and [7, 14) touch at 7.
    article = "c d x \u2474\u2475 y c d."
    found = Grounder(article).find_all("2 c d 1")
    assert [(m.start, m.end, m.method) for m in found] == [(0, 7, "fuzzy"), (7, 14, "fuzzy")]
    assert [m.score for m in found] == pytest.approx([0.75, 0.75])


def test_a_better_fuzzy_match_keeps_an_earlier_one_that_only_touches_it() -> None:
    # Tokens p c(1) q c(3) d x 1(6) 2(7) c d(9); "1" is character 12, "2" character 13.
    # Quote 2 c d 1: diagonals 0 2 2 3 7 7 7; from 0 four within 0..4 (first), from 7
    # three (7 apart). Window 0..8 stops before d(9): c d (+4) x (-1) 1 (+2) = 5, 3 over
    # 4 tokens, score 0.75, [6, 13). Window 7..9: 2 c d = 6, 3 over 3, score 6/7,
    # [13, 18). The better one is kept first; the other only touches it and stays.
    article = "p c q c d x \u2474\u2475 c d."
    found = Grounder(article).find_all("2 c d 1")
    assert [(m.start, m.end) for m in found] == [(6, 13), (13, 18)]
    assert [m.score for m in found] == pytest.approx([0.75, 6 / 7])


@pytest.mark.parametrize(
    ("article", "aligned_regions"),
    [
        # Every region holds at most 2 of the 4 words (red fox ... runs high, 30 tokens
        # apart): below 3/4, so no region is worth a full alignment.
        ("Red fox at dawn. " + "Filler words come here now. " * 6 + "It runs high.", 0),
        # One region holds 3 of the 4 words: it alone is aligned.
        ("Red fox runs low. " + "Filler words come here now. " * 6 + "It runs high.", 1),
    ],
)
def test_only_regions_holding_three_quarters_of_the_quote_are_aligned(
    monkeypatch: pytest.MonkeyPatch, article: str, aligned_regions: int
) -> None:
    # Each window is a full alignment, so the count bounds the work; the limit is the
    # same 0.75 coverage a match must reach anyway.
    import summarizer.grounding.grounder as grounder

    calls: list[int] = []

    def counting(window: list[str], words: list[str]) -> object:
        calls.append(len(window))
        return local_alignment(window, words)

    monkeypatch.setattr(grounder, "local_alignment", counting)
    Grounder(article).find_all("red fox runs high")
    assert len(calls) == aligned_regions
