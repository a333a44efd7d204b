"""Properties over drawn inputs: grounding offsets, and offline briefs of any text.

test_grounding.py already proves: an exact cut is found verbatim at or before the cut;
a case/whitespace-perturbed cut normalises like the quote; evidence text is
always the article slice. Here: a cut is found at its *exact* offsets when the
hint points at it, or when it occurs once. (Drafts becoming briefs, per chunk
and merged, are in tests/engines/llm/test_llm_convert.py.)

The offline engine: drawn texts made of attributed statements (named speakers,
speech verbs, quotations, "according to") give one grounded, sourced claim per
statement; any text at all gives a brief or, for blank text only, a clear error.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_grounding import article_and_cut

from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.errors import InputError
from summarizer.grounding import Grounder

OFFLINE = OfflineEngine()


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


# --------------------------------------------------------------------------- offline engine

SPEAKERS = ["Mayor Ana Ruiz", "Senator Jane Miller", "John Smith", "Dr. Lee Chen", "police",
            "the company"]  # fmt: skip
VERBS = ["said", "told reporters", "announced", "argued", "warned"]
SUBJECTS = ["the bridge", "taxes", "the plant", "the new policy", "the budget", "prices"]
PREDICATES = ["would close in March", "would rise next year", "was not safe",
              "will cost millions", "had been delayed again"]  # fmt: skip


def capital(text: str) -> str:
    return text[0].upper() + text[1:]


@st.composite
def attributed(draw: st.DrawFn) -> tuple[str, str]:
    """(a sentence attributing a statement to a speaker, the speaker)."""
    who = draw(st.sampled_from(SPEAKERS))
    verb = draw(st.sampled_from(VERBS))
    what = f"{draw(st.sampled_from(SUBJECTS))} {draw(st.sampled_from(PREDICATES))}"
    form = draw(st.sampled_from(["reported", "quoted", "inverted", "according"]))
    sentence = {
        "reported": f"{capital(who)} {verb} {what}.",
        "quoted": f"\u201c{capital(what)},\u201d {who} said.",
        "inverted": f"{capital(what)}, {who} said.",
        "according": f"According to {who}, {what}.",
    }[form]
    return sentence, who


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(attributed(), min_size=1, max_size=4),
       st.sampled_from([" ", "\n", "\n\n"]))  # fmt: skip
def test_attributed_statements_give_grounded_sourced_claims(
    statements: list[tuple[str, str]], gap: str
) -> None:
    text = gap.join(sentence for sentence, _ in statements)
    brief = OFFLINE.brief(text)

    assert brief.evidence_items(), "attributed statements must give evidence"
    assert brief.ungrounded(text) == []
    sources = {s.id: s for s in brief.sources}
    position = 0
    for sentence, speaker in statements:
        start = text.index(sentence, position)
        end = position = start + len(sentence)
        inside = [c for c in brief.claims
                  if c.evidence and all(start <= e.start and e.end <= end for e in c.evidence)]
        assert inside, f"no claim grounded in {sentence!r}"
        # ...and attributed to the speaker (by the speaker's last word: "Miller", "police")
        said_by = [sources[c.source_id].label.lower() for c in inside if c.source_id in sources]
        assert any(speaker.split()[-1].lower() in label for label in said_by), (sentence, said_by)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \u201c\u201d\"'.,:;\n\t-\u2014Said he X")),
               max_size=80))  # fmt: skip
def test_any_text_gives_a_brief_or_a_clear_error(text: str) -> None:
    """Robustness, not grounding: such noise seldom holds an attribution, so its brief is
    mostly empty (grounding is shown by the property above, on texts that have some)."""
    try:
        brief = OFFLINE.brief(text)
    except InputError:
        assert not text.strip()
        return
    assert text.strip()
    assert brief.ungrounded(text) == []
