"""Locating model quotes in the article: exact, normalised, elided and fuzzy matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.grounding import Grounder, normalize
from summarizer.spans import CharInterval

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "000_a632362f40734eb3.txt").read_text(
    encoding="utf-8"
)

ARTICLE = (
    "The council voted on Tuesday to close the old bridge. “We had no choice,” "
    "said Mayor Ana Ruiz, who called the decision ‘painful but necessary’.\n"
    "Engineers found cracks in  two of the\n   main supports — the ones built in 1962. "
    "Repairs would cost about 4 million dollars, officials said… and take two years. "
    "The council voted on Tuesday to close the old bridge, the clerk repeated."
)


def span(article: str, piece: str) -> tuple[int, int]:
    start = article.index(piece)
    return start, start + len(piece)


# --------------------------------------------------------------------------- exact


def test_exact_quote_gives_its_first_offsets() -> None:
    m = Grounder(ARTICLE).find("cracks in  two of the")
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "cracks in  two of the")
    assert (m.method, m.score) == ("exact", 1.0)


def test_repeated_quote_takes_first_occurrence() -> None:
    quote = "The council voted on Tuesday to close the old bridge"
    m = Grounder(ARTICLE).find(quote)
    assert m is not None
    assert m.start == 0


def test_repeated_quote_takes_occurrence_nearest_to_hint() -> None:
    quote = "The council voted on Tuesday to close the old bridge"
    second = ARTICLE.rindex(quote)
    assert second > 0
    m = Grounder(ARTICLE).find(quote, near=second - 30)
    assert m is not None
    assert (m.start, m.end) == (second, second + len(quote))


def test_whole_word_occurrence_wins_over_one_inside_a_word() -> None:
    article = "She said it was late. He said no."
    m = Grounder(article).find("he said")
    assert m is not None
    assert (m.start, m.end) == span(article, "He said")


def test_quote_surrounding_whitespace_is_ignored() -> None:
    m = Grounder(ARTICLE).find("  Engineers found cracks \n")
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "Engineers found cracks")


# --------------------------------------------------------------------------- normalized


def test_straight_quotes_match_curly_quotes() -> None:
    m = Grounder(ARTICLE).find('"We had no choice," said Mayor Ana Ruiz')
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "“We had no choice,” said Mayor Ana Ruiz")
    assert m.method == "normalized"


def test_straight_apostrophes_match_curly_ones() -> None:
    m = Grounder(SEED).find("the resolution of Ukraine's war soon")
    assert m is not None
    assert (m.start, m.end) == span(SEED, "the resolution of Ukraine’s war soon")


def test_changed_case_matches() -> None:
    m = Grounder(ARTICLE).find("SAID MAYOR ana ruiz")
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "said Mayor Ana Ruiz")
    assert m.method == "normalized"


def test_whitespace_runs_and_newlines_collapse() -> None:
    m = Grounder(ARTICLE).find("cracks in two of the main supports")
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "cracks in  two of the\n   main supports")


def test_missing_newline_in_article_is_found() -> None:
    article = "He left.\nThe next day\tshe   arrived."
    m = Grounder(article).find("He left. The next day she arrived.")
    assert m is not None
    assert (m.start, m.end) == (0, len(article))


@pytest.mark.parametrize("dash", [" - ", " -- ", "--", "-", "\u2013"])
def test_dashes_and_their_spacing_are_unified(dash: str) -> None:
    m = Grounder(ARTICLE).find(f"main supports{dash}the ones built in 1962")
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "main supports — the ones built in 1962")


def test_three_dots_match_an_ellipsis_character() -> None:
    m = Grounder(ARTICLE).find("officials said... and take two years")
    assert m is not None
    assert (m.start, m.end) == span(ARTICLE, "officials said… and take two years")


def test_quote_marks_and_punctuation_around_quote_are_stripped() -> None:
    m = Grounder(SEED).find('"Americans will quit."')
    assert m is not None
    assert (m.start, m.end) == span(SEED, "Americans will quit")


def test_normalized_span_text_is_the_article_text() -> None:
    g = Grounder(ARTICLE)
    evidence = g.evidence("'painful but necessary'")
    assert evidence is not None
    assert evidence.text == "‘painful but necessary’"
    assert ARTICLE[evidence.start : evidence.end] == evidence.text


def test_case_folding_that_changes_length_keeps_offsets_right() -> None:
    article = "İstanbul officials met. The İzmir port reopened on Monday morning."
    m = Grounder(article).find("THE İZMIR PORT REOPENED")
    assert m is not None
    assert (m.start, m.end) == span(article, "The İzmir port reopened")


# --------------------------------------------------------------------------- elided


def test_elided_quote_spans_from_first_part_to_last() -> None:
    quote = "Trump pledged to bring an immediate end ... did not elaborate on specific plans"
    m = Grounder(SEED).find(quote)
    assert m is not None
    start = SEED.index("Trump pledged to bring")
    end = SEED.index("did not elaborate on specific plans") + len(
        "did not elaborate on specific plans"
    )
    assert (m.start, m.end) == (start, end)
    assert m.method == "normalized"


def test_elided_quote_with_ellipsis_character_and_curly_quotes() -> None:
    quote = "We had no choice … 'painful but necessary'"
    m = Grounder(ARTICLE).find(quote)
    assert m is not None
    assert m.start == ARTICLE.index("We had no choice")
    assert m.end == ARTICLE.index("necessary’") + len("necessary’")


def test_elided_parts_out_of_order_are_not_matched() -> None:
    # Both parts exist, but in the other order; too few words for a fuzzy match.
    quote = "take two years ... the council voted"
    assert Grounder(ARTICLE[:-80]).find(quote) is None  # only the first "council voted" is left
    assert Grounder(ARTICLE).find(quote) is not None


# --------------------------------------------------------------------------- fuzzy


def test_one_changed_word_is_a_fuzzy_match_over_the_article_span() -> None:
    quote = "Repairs would cost roughly 4 million dollars, officials said"
    m = Grounder(ARTICLE).find(quote)
    assert m is not None
    assert (m.start, m.end) == span(
        ARTICLE, "Repairs would cost about 4 million dollars, officials said"
    )
    assert m.method == "fuzzy"
    assert 0.75 <= m.score < 1.0


def test_one_dropped_word_is_a_fuzzy_match_on_the_seed() -> None:
    quote = (
        "The Trump transition team has not signed an agreement with General Services Administration"
    )
    m = Grounder(SEED).find(quote)
    assert m is not None
    expected = "The Trump transition team has not signed an agreement with the General Services"
    assert (m.start, m.end) == span(SEED, expected + " Administration")
    assert m.method == "fuzzy"


def test_mostly_invented_quote_is_rejected() -> None:
    quote = "The council secretly decided to rebuild the bridge with federal money next spring"
    assert Grounder(ARTICLE).find(quote) is None


def test_words_scattered_over_the_article_are_rejected() -> None:
    # Every word exists in the article, but far apart: density is too low.
    quote = "council bridge choice cracks supports million years clerk"
    assert Grounder(ARTICLE).find(quote) is None


def test_short_quote_is_never_fuzzy() -> None:
    assert Grounder(ARTICLE).find("council closed") is None
    assert Grounder(ARTICLE).find("the council") is not None


def test_empty_quote_and_empty_article_give_none() -> None:
    assert Grounder(ARTICLE).find("   ") is None
    assert Grounder("").find("anything at all here") is None


# --------------------------------------------------------------------------- the seed


@pytest.mark.parametrize(
    "quote",
    [
        "sources familiar with the matter told the Washington Post",
        "The sources requested anonymity to discuss the sensitive topic.",
        "Hungarian Prime Minister Viktor Orban predicted during a Nov. 8 interview",
        "“They are just calling him [Trump] directly,” said one source familiar with the calls.",
        "did not object to it, according to two sources familiar with the situation",
    ],
)
def test_seed_quotes_are_found_at_their_offsets(quote: str) -> None:
    evidence = Grounder(SEED).evidence(quote)
    assert evidence is not None
    assert (evidence.start, evidence.end) == span(SEED, quote)
    assert evidence.text == quote


def test_seed_quote_with_straight_quotes_and_brackets() -> None:
    quote = '"They are just calling him [Trump] directly," said one source'
    m = Grounder(SEED).find(quote)
    assert m is not None
    assert (m.start, m.end) == span(
        SEED, "“They are just calling him [Trump] directly,” said one source"
    )


# --------------------------------------------------------------------------- evidence_at


def test_evidence_at_slices_the_article() -> None:
    g = Grounder(ARTICLE)
    evidence = g.evidence_at(CharInterval(4, 11))
    assert (evidence.text, evidence.start, evidence.end) == ("council", 4, 11)


@pytest.mark.parametrize("start,end", [(5, 5), (0, len(ARTICLE) + 1)])
def test_evidence_at_rejects_empty_or_outside_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside the article"):
        Grounder(ARTICLE).evidence_at(CharInterval(start, end))


@pytest.mark.parametrize("start,end", [(7, 3), (-1, 4)])
def test_an_interval_cannot_end_before_it_starts(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="bad interval"):
        CharInterval(start, end)


def test_evidence_of_unfound_quote_is_none() -> None:
    assert Grounder(ARTICLE).evidence("nothing like this appears anywhere in it") is None


# --------------------------------------------------------------------------- properties

WORDS = ["the", "mayor", "said", "Bridge", "council", "İstanbul", "Straße", "2024", "it's", "no"]
SEPARATORS = [" ", "  ", "\n", ", ", ". ", " “", "” ", " — ", "\t", "… "]


@st.composite
def article_and_cut(draw: st.DrawFn) -> tuple[str, int, int]:
    """An article of words and separators, and a span from a word start to a word end."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=60))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    text, bounds = "", []
    for word, sep in zip(words, seps, strict=True):
        bounds.append((len(text), len(text) + len(word)))
        text += word + sep
    i = draw(st.integers(0, len(words) - 1))
    j = draw(st.integers(i, len(words) - 1))
    return text, bounds[i][0], bounds[j][1]


@settings(max_examples=150, deadline=None)
@given(article_and_cut())
def test_exact_cut_is_found_verbatim_at_or_before_the_cut(case: tuple[str, int, int]) -> None:
    article, start, end = case
    quote = article[start:end]
    m = Grounder(article).find(quote)
    assert m is not None
    assert article[m.start : m.end] == quote
    assert m.start <= start


def _perturb(quote: str, flips: list[bool], spaces: list[str]) -> str:
    """Swap the case of some ASCII letters and replace every whitespace run."""
    flips = flips + [False] * len(quote)
    pairs = zip(quote, flips, strict=False)
    swapped = "".join(c.swapcase() if c.isascii() and f else c for c, f in pairs)
    runs = re.split(r"\s+", swapped)
    return "".join(run + spaces[k % len(spaces)] for k, run in enumerate(runs[:-1])) + runs[-1]


@settings(max_examples=150, deadline=None)
@given(
    article_and_cut(),
    st.lists(st.booleans(), max_size=200),
    st.lists(st.sampled_from([" ", "\n ", "\t", "   "]), min_size=1, max_size=5),
)
def test_perturbed_cut_normalises_like_the_quote(
    case: tuple[str, int, int], flips: list[bool], spaces: list[str]
) -> None:
    article, start, end = case
    quote = _perturb(article[start:end], flips, spaces)
    m = Grounder(article).find(quote)
    assert m is not None
    assert normalize(article[m.start : m.end]) == normalize(quote)


@settings(max_examples=150, deadline=None)
@given(article_and_cut(), st.text(max_size=40))
def test_evidence_text_is_always_the_article_slice(case: tuple[str, int, int], junk: str) -> None:
    article, start, end = case
    g = Grounder(article)
    for quote in (junk, article[start:end] + junk, junk + article[start:end]):
        evidence = g.evidence(quote)
        if evidence is not None:
            assert evidence.text == article[evidence.start : evidence.end]
            assert evidence.start < evidence.end


# --------------------------------------------------------------------------- real articles

CORPUS_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "polnear" / "data" / "dev"


def polnear_contents(limit: int) -> list[tuple[str, int, int]]:
    """(article, start, end) of single-piece Content spans of 5+ words in the dev split."""
    found = []
    for ann in sorted((CORPUS_DEV / "attributions").glob("*.ann"))[:limit]:
        text = (CORPUS_DEV / "text" / f"{ann.stem[:-5]}.txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) == 3 and fields[1].startswith("Content ") and ";" not in fields[1]:
                start, end = map(int, fields[1].split()[1:])
                if len(text[start:end].split()) >= 5:
                    found.append((text, start, end))
    return found


@pytest.mark.polnear
@pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="PolNeAR corpus not present")
def test_polnear_contents_are_found_when_retyped_or_with_one_word_changed() -> None:
    cases = polnear_contents(limit=40)
    assert len(cases) > 200
    grounders: dict[str, Grounder] = {}
    near_misses = 0
    for article, start, end in cases:
        g = grounders.setdefault(article, Grounder(article))
        content = article[start:end]
        retyped = content.translate(str.maketrans("“”’", '""\'')).lower()
        m = g.find(retyped)
        assert m is not None
        assert normalize(article[m.start : m.end]) == normalize(retyped).strip()
        words = content.split()
        words[len(words) // 2] = "zebra"
        m = g.find(" ".join(words))
        if m is None or min(m.end, end) - max(m.start, start) < 0.8 * (end - start):
            near_misses += 1
    assert near_misses <= 0.02 * len(cases)
