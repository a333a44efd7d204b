"""From draft to brief (summarizer.engines.llm.convert): properties over any draft, then
the mending rules one by one.

Quotes found inside a chunk keep exact offsets in the whole article; any model
draft (missing or duplicate ids, dangling references, near-miss values,
invented quotes) becomes, per chunk and after merging, a brief without
dangling ids whose evidence is the article text, and which keeps every claim
that has a quote in the article.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from summarizer.engines.llm.convert import NO_CLAIMS, ground, to_parts
from summarizer.engines.llm.draft import Checker, DraftBrief
from summarizer.engines.llm.merge import merge_briefs
from summarizer.errors import ExtractionError
from summarizer.schema import ArticleBrief, Meta, reference_problems
from summarizer.text import Chunk, split_article

WORDS = ["the", "mayor", "said", "bridge", "council", "vote", "İstanbul", "Straße", "2024",
         "it's", "no", "repairs", "cost"]  # fmt: skip
SEPARATORS = [" ", ". ", ".\n", ", ", " \u201c", "\u201d ", " \u2014 ", "\n\n"]


@st.composite
def chunked_article(draw: st.DrawFn) -> tuple[str, Chunk, int, int]:
    """An article, one of its chunks, and a word-boundary cut lying inside that chunk."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=10, max_size=120))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    text, bounds = "", []
    for word, sep in zip(words, seps, strict=True):
        bounds.append((len(text), len(text) + len(word)))
        text += word + sep
    budget = draw(st.integers(8, 60))
    chunks = split_article(text, max_tokens=budget, overlap_sentences=draw(st.integers(0, 2)))
    chunk = draw(st.sampled_from(chunks))
    inside = [b for b in bounds if chunk.start <= b[0] and b[1] <= chunk.end]
    assume(inside)
    i = draw(st.integers(0, len(inside) - 1))
    j = draw(st.integers(i, min(i + 6, len(inside) - 1)))
    return text, chunk, inside[i][0], inside[j][1]


@settings(max_examples=150, deadline=None)
@given(chunked_article())
def test_quotes_grounded_in_a_chunk_keep_exact_offsets_in_the_article(
    case: tuple[str, Chunk, int, int],
) -> None:
    article, chunk, start, end = case
    quote = article[start:end]
    warnings: list[str] = []
    found = ground([quote], "claim c1", Checker(chunk.text), chunk.start, warnings)
    assert warnings == [] and len(found) == 1
    evidence = found[0]
    assert article[evidence.start : evidence.end] == evidence.text == quote
    assert chunk.start <= evidence.start and evidence.end <= chunk.end


# --------------------------------------------------------------------------- drafts


IDS = ["p1", "p2", "s1", "s2", "s9", "c1", "c2", "c3", "u1", "u2", "x"]


def quotes(article: str) -> st.SearchStrategy[list[str]]:
    """Quotes the model might give: cut from the article (exact or retyped) or invented."""
    n = len(article)
    cut = st.tuples(st.integers(0, n - 1), st.integers(1, 60)).map(
        lambda s: article[s[0] : s[0] + s[1]]
    )
    retyped = cut.map(lambda q: q.upper().replace("\u201c", '"').replace("\u201d", '"'))
    invented = st.sampled_from(["the bridge is made of cheese", "", "   ", "\u2026", "said"])
    return st.lists(st.one_of(cut, retyped, invented), max_size=3)


@st.composite
def draft(draw: st.DrawFn, article: str) -> DraftBrief:
    """A model's answer: ids given or not, any references, quotes found or invented,
    in the draft's keys or the older flat ones."""
    ref = st.sampled_from(IDS)
    maybe = st.one_of(st.none(), ref)
    old = draw(st.booleans())  # the flat format: source_id, party_id, evidence
    quotes_key, source_key, party_key = (
        ("evidence", "source_id", "party_id") if old else ("quotes", "source", "party")
    )

    def some_id() -> dict[str, str]:
        found = draw(maybe)
        return {} if found is None else {"id": found}

    data: dict[str, Any] = {
        "summary": draw(st.sampled_from(["", "The council voted.", "Repairs."])),
        "parties": [
            {**some_id(), "name": draw(st.sampled_from(["Ruiz", "the council"])),
             "kind": draw(st.sampled_from(["person", "Person", "organisation", "alien"]))}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "sources": [
            {**some_id(), "label": draw(st.sampled_from(["someone", "", "Ruiz"])),
             "anonymous": draw(st.booleans()), party_key: draw(maybe),
             "count": draw(st.one_of(st.none(), st.integers(-1, 3), st.just("two"))),
             quotes_key: draw(quotes(article))}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "claims": [
            {**some_id(), "statement": "Something happened.", source_key: draw(maybe),
             "attribution": draw(st.sampled_from(["paraphrase", "Direct quote", "narration"])),
             quotes_key: draw(quotes(article))}
            for _ in range(draw(st.integers(0, 4)))
        ],
        "unknowns": [
            {**some_id(), "statement": "Cost unknown.", quotes_key: draw(quotes(article))}
            for _ in range(draw(st.integers(0, 2)))
        ],
        "questions" if not old else "open_questions": [
            {"question": draw(st.sampled_from(["Why?", "How much?"])),
             "based_on": draw(st.lists(ref, max_size=3))}
            for _ in range(draw(st.integers(0, 3)))
        ],
    }  # fmt: skip
    return DraftBrief.model_validate(data)


def piece_brief(piece_text: str, offset: int, model_draft: DraftBrief) -> ArticleBrief:
    """What the LLM engine makes of one piece's draft, without HTTP."""
    warnings: list[str] = []
    parts = to_parts(model_draft, Checker(piece_text), offset, warnings)
    return ArticleBrief(**vars(parts), meta=Meta(engine="llm", warnings=warnings))


ARTICLE_TEXT = (
    "SPRINGFIELD - The city council voted 7-2 on Tuesday to close the Elm Street bridge "
    "for repairs, Mayor Ana Ruiz said.\n\u201cWe had no choice,\u201d Ruiz told reporters "
    "after the vote. Two engineers familiar with the inspection said cracks were found in "
    "the main supports. Officials did not say how much the repairs would cost or when the "
    "bridge would reopen. The council will meet again next week."
)
CHUNKS = split_article(ARTICLE_TEXT, max_tokens=30, overlap_sentences=1)


@settings(max_examples=150, deadline=None)
@given(draft(ARTICLE_TEXT))
def test_any_draft_becomes_a_brief_without_dangling_ids_keeping_every_supported_claim(
    model_draft: DraftBrief,
) -> None:
    if model_draft.is_empty():
        with pytest.raises(ExtractionError, match="held no brief"):
            piece_brief(ARTICLE_TEXT, 0, model_draft)
        return
    brief = piece_brief(ARTICLE_TEXT, 0, model_draft)  # validation would raise on dangling ids
    assert reference_problems(brief) == []
    assert brief.ungrounded(ARTICLE_TEXT) == []
    assert all(c.evidence for c in brief.claims) and all(u.evidence for u in brief.unknowns)
    # A claim is lost only for want of evidence, never for its source or its id.
    checker = Checker(ARTICLE_TEXT)
    supported = [c for c in model_draft.claims if any(checker.evidence(q) for q in c.quotes)]
    assert len(brief.claims) == len(supported)
    assert [c.statement for c in brief.claims] == [c.statement for c in supported]
    assert (brief.claims == []) == (NO_CLAIMS in brief.meta.warnings)


@settings(max_examples=100, deadline=None)
@given(st.tuples(*[draft(chunk.text) for chunk in CHUNKS]))
def test_merging_chunk_briefs_of_any_drafts_never_dangles_and_stays_grounded(
    drafts: tuple[DraftBrief, ...],
) -> None:
    assert len(CHUNKS) >= 3
    assume(not any(d.is_empty() for d in drafts))
    parts = [piece_brief(c.text, c.start, d) for c, d in zip(CHUNKS, drafts, strict=True)]
    merged = merge_briefs(ARTICLE_TEXT, parts)
    assert reference_problems(merged) == []
    assert merged.ungrounded(ARTICLE_TEXT) == []
    assert len(merged.claims) <= sum(len(p.claims) for p in parts)
    kept = {(e.start, e.end) for p in parts for e in p.evidence_items()}
    assert {(e.start, e.end) for e in merged.evidence_items()} <= kept


# --------------------------------------------------------------------------- mending

STORY = (
    "Mayor Ana Ruiz said the bridge would close on Monday. "
    "Ruiz told reporters the repairs were overdue. "
    "Two engineers, who asked not to be named, said the cracks were deep. "
    "The council said the bridge would close for a year, the engineers added."
)


def brief_from(answer: dict[str, Any], article: str = STORY) -> tuple[ArticleBrief, list[str]]:
    warnings: list[str] = []
    draft_ = DraftBrief.model_validate(answer, context={"notes": warnings})
    parts = to_parts(draft_, Checker(article), 0, warnings)
    return ArticleBrief(**vars(parts), meta=Meta(engine="llm", warnings=warnings)), warnings


RUIZ = {"name": "Ana Ruiz", "kind": "person", "aliases": ["Ruiz"]}
RUIZ_SOURCE = {"label": "Mayor Ana Ruiz", "party": "p1", "quotes": ["Mayor Ana Ruiz said"]}
ENGINEERS = {"label": "Two engineers", "anonymous": True, "count": 2,
             "anonymity_reason": "none given", "quotes": ["Two engineers"]}  # fmt: skip


def test_ids_left_out_are_positions() -> None:
    brief, warnings = brief_from({
        "summary": "s", "parties": [RUIZ], "sources": [RUIZ_SOURCE, ENGINEERS],
        "claims": [
            {"statement": "The bridge closes Monday.", "source": "s1",
             "quotes": ["the bridge would close on Monday"]},
            {"statement": "Cracks are deep.", "source": "s2", "quotes": ["the cracks were deep"]},
        ],
        "unknowns": [{"statement": "Cost.", "quotes": ["the repairs were overdue"]}],
    })  # fmt: skip
    assert [p.id for p in brief.parties] == ["p1"]
    assert [s.id for s in brief.sources] == ["s1", "s2"]
    assert [(c.id, c.source_id) for c in brief.claims] == [("c1", "s1"), ("c2", "s2")]
    assert [u.id for u in brief.unknowns] == ["u1"]
    assert brief.sources[0].party_id == "p1"
    assert warnings == []


def test_an_id_given_wins_over_a_position_and_a_duplicate_is_renamed() -> None:
    claim = {"statement": "Cracks are deep.", "quotes": ["the cracks were deep"]}
    brief, warnings = brief_from({
        "summary": "s",
        "claims": [claim, {**claim, "id": "c1"}, {**claim, "id": "c1"}],
        "questions": [{"question": "How deep?", "based_on": ["c1"]}],
    })  # fmt: skip
    # The model called the second claim c1, so "c1" in based_on means it; the first
    # takes the next free id, and the third, a second "c1", is renamed.
    assert [c.id for c in brief.claims] == ["c2", "c1", "c3"]
    assert brief.open_questions[0].based_on == ["c1"]
    assert warnings == ["claims item 3: id c1 used twice, renamed c3"]


def test_a_party_id_given_as_source_goes_to_that_partys_source() -> None:
    brief, warnings = brief_from({
        "summary": "s", "parties": [RUIZ], "sources": [ENGINEERS, RUIZ_SOURCE],
        "claims": [{"statement": "The repairs were overdue.", "source": "p1",
                    "quotes": ["the repairs were overdue"]}],
    })  # fmt: skip
    assert brief.claims[0].source_id == "s2"  # Ruiz's source, second in the list
    assert warnings == ["claim c1: source p1 is a party; read as its source s2"]


def test_a_claim_whose_source_is_unknown_is_kept_without_one() -> None:
    brief, warnings = brief_from({
        "summary": "s", "sources": [ENGINEERS],
        "claims": [{"statement": "Cracks are deep.", "source": "s7",
                    "attribution": "paraphrase", "quotes": ["the cracks were deep"]}],
    })  # fmt: skip
    assert [(c.statement, c.source_id, c.attribution) for c in brief.claims] == [
        ("Cracks are deep.", None, "paraphrase")
    ]
    assert warnings == ["claim c1: names unknown source s7; kept without a source"]


def test_a_source_without_label_is_named_by_its_quote_and_its_claims_stay() -> None:
    brief, warnings = brief_from({
        "summary": "s",
        "sources": [{"label": "", "anonymous": True, "quotes": ["Two engineers"]},
                    {"label": " ", "quotes": []}],
        "claims": [{"statement": "Cracks are deep.", "source": "s1",
                    "quotes": ["the cracks were deep"]},
                   {"statement": "The bridge closes for a year.", "source": "s2",
                    "quotes": ["close for a year"]}],
    })  # fmt: skip
    assert [(s.id, s.label) for s in brief.sources] == [
        ("s1", "Two engineers"),
        ("s2", "unnamed source"),
    ]
    assert [c.source_id for c in brief.claims] == ["s1", "s2"]
    assert len(warnings) == 2 and all("no label given" in w for w in warnings)


def test_a_source_with_nothing_at_all_is_dropped_with_a_warning() -> None:
    brief, warnings = brief_from({"summary": "s", "sources": [{"label": ""}]})
    assert brief.sources == []
    assert warnings == ["source s1 dropped: no label, no quote and no claim",
                        "the model found no claim in the article"]  # fmt: skip


def test_each_occurrence_of_a_repeated_quote_goes_to_the_item_it_belongs_with() -> None:
    # "the bridge would close" is in the first and the last sentence; each claim's
    # other quote says which one is its own, and the second claim comes first.
    first = STORY.index("the bridge would close")
    second = STORY.index("the bridge would close", first + 1)
    brief, warnings = brief_from({
        "summary": "s",
        "claims": [
            {"statement": "The council says a year.",
             "quotes": ["the bridge would close", "for a year, the engineers added"]},
            {"statement": "Ruiz says Monday.",
             "quotes": ["the bridge would close", "on Monday"]},
        ],
    })  # fmt: skip
    assert warnings == []
    assert brief.claims[0].evidence[0].start == second
    assert brief.claims[1].evidence[0].start == first


def test_a_claims_repeated_quote_follows_its_sources_evidence() -> None:
    first = STORY.index("the bridge would close")
    second = STORY.index("the bridge would close", first + 1)
    brief, _ = brief_from({
        "summary": "s",
        "sources": [{"label": "the engineers", "quotes": ["the engineers added"]},
                    {"label": "Mayor Ana Ruiz", "quotes": ["Mayor Ana Ruiz said"]}],
        "claims": [{"statement": "Closes for a year.", "source": "s1",
                    "quotes": ["the bridge would close"]},
                   {"statement": "Closes Monday.", "source": "s2",
                    "quotes": ["the bridge would close"]}],
    })  # fmt: skip
    assert [c.evidence[0].start for c in brief.claims] == [second, first]


def test_an_answer_holding_nothing_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="held no brief"):
        brief_from({"summary": " ", "claims": [{"quotes": ["no statement"]}]})
