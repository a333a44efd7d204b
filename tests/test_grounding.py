"""Locating model quotes in the article: exact, normalised, elided and fuzzy matches."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optional_deps import require_polnear

from summarizer.grounding import IGNORABLE, Grounder, QuoteRequest, normalize
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


# --------------------------------------------------------------------------- unicode


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


SPANISH = "El alcalde José María Pérez dijo que “no habrá más demoras” en la obra del puente."


def test_nfd_article_matches_nfc_quote_and_slices_the_decomposed_text() -> None:
    article = nfd(SPANISH)
    assert len(article) > len(SPANISH)
    g = Grounder(article)
    evidence = g.evidence("José María Pérez dijo")
    assert evidence is not None
    assert evidence.text == article[evidence.start : evidence.end]
    assert evidence.text == nfd("José María Pérez dijo")
    assert (evidence.start, evidence.end) == span(article, nfd("José María Pérez dijo"))


def test_match_ending_on_an_accented_letter_covers_its_combining_mark() -> None:
    article = nfd(SPANISH)
    m = Grounder(article).find("no habrá")
    assert m is not None
    assert article[m.start : m.end] == nfd("no habrá")
    assert article[m.end - 1] == "\u0301"


def test_nfc_article_matches_nfd_quote() -> None:
    m = Grounder(SPANISH).find(nfd('"no habrá más demoras"'))
    assert m is not None
    assert (m.start, m.end) == span(SPANISH, "“no habrá más demoras”")
    assert m.method == "normalized"


def test_a_match_never_cuts_a_letter_from_its_accent() -> None:
    article = nfd("Ana María Ruiz and Mari Cruz spoke.")
    m = Grounder(article).find("Mari")
    assert m is not None
    assert m.start == article.index("Mari Cruz")
    assert Grounder(nfd("Ana María Ruiz spoke.")).find("Mari") is None


def test_soft_hyphen_inside_a_word_is_seen_through() -> None:
    article = "Officials said the re\u00adconstruc\u00adtion of the bridge will take years."
    evidence = Grounder(article).evidence("the reconstruction of the bridge")
    assert evidence is not None
    assert evidence.text == "the re\u00adconstruc\u00adtion of the bridge"
    assert evidence.text == article[evidence.start : evidence.end]


@pytest.mark.parametrize("invisible", list(IGNORABLE))
def test_zero_width_characters_are_seen_through(invisible: str) -> None:
    article = f"The mayor said{invisible} the bridge is un{invisible}safe and will close."
    m = Grounder(article).find("said the bridge is unsafe")
    assert m is not None
    assert article[m.start : m.end] == f"said{invisible} the bridge is un{invisible}safe"
    assert m.method == "normalized"


def test_invisible_characters_at_the_edges_stay_outside_the_match() -> None:
    article = "Before.\u200b\ufeffWe will rebuild it\u200b. After."
    m = Grounder(article).find("We will rebuild it")
    assert m is not None
    assert article[m.start : m.end] == "We will rebuild it"


def test_a_word_split_by_a_soft_hyphen_is_not_two_words() -> None:
    # "bro" exists only inside "bro\xadken": not on a word boundary, so "broken" is not
    # cut short and a whole word elsewhere would win.
    article = "A bro\u00adken bridge. The bro said so."
    m = Grounder(article).find("bro")
    assert m is not None
    assert m.start == article.index("bro said")


@pytest.mark.parametrize(
    "article_piece,quote",
    [
        ("the \ufb01nal of\ufb01cial report", "the final official report"),
        ("cost 20\u00a0million dollars", "cost 20 million dollars"),
        ("at 10\u202fa.m. on Monday", "at 10 a.m. on Monday"),
        ("\uff2e\uff21\uff34\uff2f allies met", "NATO allies met"),
        ("a 2\u00bd-hour meeting", "a 21\u20442-hour meeting"),
    ],
)
def test_compatibility_forms_match_their_plain_forms(article_piece: str, quote: str) -> None:
    article = f"Before that, {article_piece}, officials said."
    m = Grounder(article).find(quote)
    assert m is not None
    assert article[m.start : m.end] == article_piece


def test_fuzzy_step_matches_a_name_written_with_combining_accents() -> None:
    article = nfd("Later, Mayor José María Pérez promised to reopen the bridge in spring.")
    quote = "Mayor José María Pérez promised to rebuild the bridge in spring"
    m = Grounder(article).find(quote)
    assert m is not None
    assert m.method == "fuzzy"
    expected = nfd("Mayor José María Pérez promised to reopen the bridge in spring")
    assert (m.start, m.end) == span(article, expected)


def test_fuzzy_quote_with_combining_accents_matches_a_precomposed_article() -> None:
    article = "Later, Mayor José María Pérez promised to reopen the bridge in spring."
    m = Grounder(article).find(nfd("José María Pérez promised to rebuild the bridge"))
    assert m is not None
    assert m.method == "fuzzy"
    assert (m.start, m.end) == span(article, "José María Pérez promised to reopen the bridge")


def test_ascii_normalisation_is_unchanged() -> None:
    assert normalize("He said  “no” — twice…") == 'he said "no"-twice...'
    assert normalize(nfd("MARÍA\u00ad")) == "maría"


# --------------------------------------------------------------------------- repeats

REPEATS = (
    "Ana Ruiz, the mayor, spoke first. “We will rebuild it,” she said. "
    "Then the engineer Bo Lind spoke at length about cracks and costs and delays. "
    "“We will rebuild it,” he said, too. Nobody else spoke."
)
QUOTE = "We will rebuild it"
FIRST, SECOND = REPEATS.index(QUOTE), REPEATS.rindex(QUOTE)


def test_find_all_lists_every_occurrence_in_text_order() -> None:
    matches = Grounder(REPEATS).find_all(QUOTE)
    assert [(m.start, m.end, m.method) for m in matches] == [
        (FIRST, FIRST + len(QUOTE), "exact"),
        (SECOND, SECOND + len(QUOTE), "exact"),
    ]
    assert Grounder(REPEATS).find_all("nothing of the sort was said") == []
    assert Grounder(REPEATS).find_all("  ") == []


def test_find_all_uses_the_best_method_that_finds_any() -> None:
    normalized = Grounder(REPEATS).find_all('"we will rebuild it," he said')
    assert [(m.start, m.method) for m in normalized] == [(SECOND - 1, "normalized")]
    fuzzy = Grounder(REPEATS).find_all("We will surely rebuild it")
    assert [m.start for m in fuzzy] == [FIRST, SECOND]
    assert {m.method for m in fuzzy} == {"fuzzy"}


def test_find_all_finds_repeated_elided_quotes() -> None:
    article = (
        "He said we will rebuild it, all of it, soon. Later: we will rebuild it, all of it, soon."
    )
    matches = Grounder(article).find_all("we will rebuild ... soon")
    assert [article[m.start : m.end] for m in matches] == [
        "we will rebuild it, all of it, soon"
    ] * 2


def test_find_all_sees_through_unicode_differences() -> None:
    article = nfd("María dijo: “ya está”. Y Pedro: “ya\u00ad está”.")
    matches = Grounder(article).find_all("ya está")
    assert [article[m.start : m.end] for m in matches] == [nfd("ya está"), nfd("ya\u00ad está")]


def test_two_requests_for_one_quote_get_the_occurrences_near_their_hints() -> None:
    g = Grounder(REPEATS)
    he, she = REPEATS.index("Bo Lind"), REPEATS.index("Ana Ruiz")
    # Listed second-speaker first: the first request must not simply take the first occurrence.
    got = g.assign([QuoteRequest(QUOTE, near=he), QuoteRequest(QUOTE, near=she)])
    assert [m.start if m else None for m in got] == [SECOND, FIRST]
    for m in got:
        assert m is not None
        assert g.evidence_at(m.interval).text == QUOTE


def test_two_requests_near_the_same_occurrence_still_get_different_ones() -> None:
    got = Grounder(REPEATS).assign([QuoteRequest(QUOTE, near=SECOND), QuoteRequest(QUOTE, SECOND)])
    assert sorted(m.start for m in got if m) == [FIRST, SECOND]


def test_requests_without_hints_take_the_occurrences_in_text_order() -> None:
    got = Grounder(REPEATS).assign([QuoteRequest(QUOTE), QuoteRequest(QUOTE)])
    assert [m.start if m else None for m in got] == [FIRST, SECOND]


def test_a_hinted_request_goes_first_then_an_unhinted_one_takes_what_is_left() -> None:
    got = Grounder(REPEATS).assign([QuoteRequest(QUOTE), QuoteRequest(QUOTE, near=FIRST - 5)])
    assert [m.start if m else None for m in got] == [SECOND, FIRST]


def test_more_requests_than_occurrences_all_get_the_nearest_one() -> None:
    requests = [
        QuoteRequest(QUOTE, near=0),
        QuoteRequest(QUOTE, near=SECOND + 100),
        QuoteRequest(QUOTE, near=SECOND - 20),
        QuoteRequest(QUOTE),
    ]
    got = Grounder(REPEATS).assign(requests)
    assert [m.start if m else None for m in got] == [FIRST, SECOND, SECOND, FIRST]


def test_hinted_requests_keep_the_text_order_of_their_hints() -> None:
    # Greedy "nearest first" would give the second hint's occurrence to the first
    # request and push the second far away; the total distance is least in order.
    article = "yes we can. " + "x " * 30 + "yes we can. " + "y " * 60 + "end"
    first, second = article.index("yes we can"), article.rindex("yes we can")
    hints = [second - 20, second + 80]
    got = Grounder(article).assign([QuoteRequest("yes we can", near=h) for h in hints])
    assert [m.start if m else None for m in got] == [first, second]


@pytest.mark.parametrize("near", [None, 0, SECOND, SECOND + 40])
def test_a_single_request_is_find(near: int | None) -> None:
    g = Grounder(REPEATS)
    for quote in (QUOTE, '"we will rebuild it," he said', "We will surely rebuild it", "no"):
        assert g.assign([QuoteRequest(quote, near)]) == [g.find(quote, near)]


def test_assign_keeps_request_order_and_leaves_other_quotes_alone() -> None:
    g = Grounder(REPEATS)
    requests = [
        QuoteRequest("Nobody else spoke"),
        QuoteRequest(QUOTE, near=len(REPEATS)),
        QuoteRequest("an invented quote nobody ever said"),
        QuoteRequest(f"  {QUOTE} ", near=0),
    ]
    got = g.assign(requests)
    assert got[0] == g.find("Nobody else spoke")
    assert got[2] is None
    assert [got[1].start if got[1] else None, got[3].start if got[3] else None] == [SECOND, FIRST]
    assert g.assign([]) == []


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


INVISIBLES = st.sampled_from(list(IGNORABLE))


@st.composite
def dirty_article_and_cut(draw: st.DrawFn) -> tuple[str, str, int, int]:
    """A clean article, the same with invisible characters inserted, and a word cut."""
    clean, start, end = draw(article_and_cut())
    inserts = draw(st.dictionaries(st.integers(0, len(clean)), INVISIBLES, max_size=12))
    dirty = "".join(inserts.get(i, "") + ch for i, ch in enumerate(clean))
    return clean, dirty + inserts.get(len(clean), ""), start, end


@settings(max_examples=150, deadline=None)
@given(dirty_article_and_cut())
def test_clean_quote_is_found_in_an_article_with_invisibles(
    case: tuple[str, str, int, int],
) -> None:
    clean, dirty, start, end = case
    quote = clean[start:end]
    m = Grounder(dirty).find(quote)
    assert m is not None
    found = dirty[m.start : m.end]
    assert normalize(found) == normalize(quote)
    assert found[0] not in IGNORABLE and found[-1] not in IGNORABLE


PLAIN_WORDS = ["maría", "josé", "pérez", "año", "niño", "señal", "über", "größe", "ça", "the"]


@st.composite
def plain_article_and_cut(draw: st.DrawFn) -> tuple[str, str, int, int]:
    """A lower-case, single-spaced article of accented words (so its normalised form
    tells its words apart), the same with invisibles inserted, and a word cut."""
    words = draw(st.lists(st.sampled_from(PLAIN_WORDS), min_size=1, max_size=30))
    i = draw(st.integers(0, len(words) - 1))
    j = draw(st.integers(i, len(words) - 1))
    clean = " ".join(words)
    start = len(" ".join(words[:i])) + (1 if i else 0)
    end = len(" ".join(words[: j + 1]))
    inserts = draw(st.dictionaries(st.integers(0, len(clean)), INVISIBLES, max_size=12))
    dirty = "".join(inserts.get(i, "") + ch for i, ch in enumerate(clean))
    return clean, dirty + inserts.get(len(clean), ""), start, end


@settings(max_examples=200, deadline=None)
@given(plain_article_and_cut(), st.booleans())
def test_removing_invisibles_from_the_match_gives_the_quote_back(
    case: tuple[str, str, int, int], decompose: bool
) -> None:
    clean, dirty, start, end = case
    quote = clean[start:end]
    article = nfd(dirty) if decompose else dirty
    m = Grounder(article).find(quote)
    assert m is not None
    found = article[m.start : m.end]
    visible = found.translate(str.maketrans(dict.fromkeys(IGNORABLE)))
    assert unicodedata.normalize("NFC", visible) == quote
    assert Grounder(article).evidence(quote) == Grounder(article).evidence_at(m.interval)


# --------------------------------------------------------------------------- real articles

def polnear_contents(limit: int) -> list[tuple[str, int, int]]:
    """(article, start, end) of single-piece Content spans of 5+ words in the dev split."""
    corpus_dev = require_polnear("data", "dev")
    found = []
    for ann in sorted((corpus_dev / "attributions").glob("*.ann"))[:limit]:
        text = (corpus_dev / "text" / f"{ann.stem[:-5]}.txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) == 3 and fields[1].startswith("Content ") and ";" not in fields[1]:
                start, end = map(int, fields[1].split()[1:])
                if len(text[start:end].split()) >= 5:
                    found.append((text, start, end))
    return found


@pytest.mark.polnear
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
