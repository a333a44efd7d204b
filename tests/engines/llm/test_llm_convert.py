"""From draft to brief (summarizer.engines.llm.convert), as properties over any draft.

Quotes found inside a chunk keep exact offsets in the whole article; and any
model draft (duplicate ids, dangling references, invented quotes) becomes, per
chunk and after merging, a brief without dangling ids whose evidence is the
article text.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from summarizer.engines.llm.convert import ground, to_parts
from summarizer.engines.llm.draft import Checker, DraftBrief
from summarizer.engines.llm.merge import merge_briefs
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
    ref = st.sampled_from(IDS)
    maybe = st.one_of(st.none(), ref)
    data: dict[str, Any] = {
        "summary": draw(st.sampled_from(["", "The council voted.", "Repairs."])),
        "parties": [
            {"id": draw(ref), "name": draw(st.sampled_from(["Ruiz", "the council"])),
             "kind": "person"}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "sources": [
            {"id": draw(ref), "label": "someone", "anonymous": draw(st.booleans()),
             "party_id": draw(maybe), "count": draw(st.one_of(st.none(), st.integers(-1, 3))),
             "evidence": draw(quotes(article))}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "claims": [
            {"id": draw(ref), "statement": "Something happened.", "source_id": draw(maybe),
             "attribution": "paraphrase", "evidence": draw(quotes(article))}
            for _ in range(draw(st.integers(0, 4)))
        ],
        "unknowns": [
            {"id": draw(ref), "statement": "Cost unknown.", "evidence": draw(quotes(article))}
            for _ in range(draw(st.integers(0, 2)))
        ],
        "open_questions": [
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
def test_any_draft_becomes_a_brief_without_dangling_ids_and_with_grounded_evidence(
    model_draft: DraftBrief,
) -> None:
    brief = piece_brief(ARTICLE_TEXT, 0, model_draft)  # validation would raise on dangling ids
    assert reference_problems(brief) == []
    assert brief.ungrounded(ARTICLE_TEXT) == []
    assert all(c.evidence for c in brief.claims) and all(u.evidence for u in brief.unknowns)


@settings(max_examples=100, deadline=None)
@given(st.tuples(*[draft(chunk.text) for chunk in CHUNKS]))
def test_merging_chunk_briefs_of_any_drafts_never_dangles_and_stays_grounded(
    drafts: tuple[DraftBrief, ...],
) -> None:
    assert len(CHUNKS) >= 3
    parts = [piece_brief(c.text, c.start, d) for c, d in zip(CHUNKS, drafts, strict=True)]
    merged = merge_briefs(ARTICLE_TEXT, parts)
    assert reference_problems(merged) == []
    assert merged.ungrounded(ARTICLE_TEXT) == []
    assert len(merged.claims) <= sum(len(p.claims) for p in parts)
    kept = {(e.start, e.end) for p in parts for e in p.evidence_items()}
    assert {(e.start, e.end) for e in merged.evidence_items()} <= kept
