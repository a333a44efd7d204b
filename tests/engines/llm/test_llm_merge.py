"""Merging the briefs of an article's chunks into one brief (summarizer.engines.llm.merge)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.engines.llm.merge import merge_briefs
from summarizer.schema import (
    ArticleBrief,
    Claim,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
    Usage,
    reference_problems,
)
from summarizer.text import sentence_spans

SEED = (Path(__file__).resolve().parents[3] / "seeds" / "000_a632362f40734eb3.txt").read_text(
    encoding="utf-8"
)


# --------------------------------------------------------------------------- merge


def ev(text: str, piece: str) -> Evidence:
    start = text.index(piece)
    return Evidence(text=piece, start=start, end=start + len(piece))


def meta(**kw: object) -> Meta:
    return Meta(engine="llm", **kw)  # type: ignore[arg-type]


def two_chunk_briefs() -> tuple[ArticleBrief, ArticleBrief]:
    a = ArticleBrief(
        summary="Trump spoke with Putin. Sources told the Post.",
        parties=[
            Party(id="p1", name="Donald Trump", kind="person", aliases=["Trump"]),
            Party(id="p2", name="Vladimir Putin", kind="person"),
        ],
        sources=[
            Source(
                id="s1",
                label="sources familiar with the matter",
                anonymous=True,
                evidence=[ev(SEED, "sources familiar with the matter")],
            ),
            Source(id="s2", label="Trump", anonymous=False, party_id="p1"),
        ],
        claims=[
            Claim(
                id="c1",
                statement="Trump told Putin not to escalate.",
                source_id="s1",
                attribution="paraphrase",
                evidence=[ev(SEED, "he advised Putin not to escalate")],
            ),
        ],
        unknowns=[
            Unknown(
                id="u1",
                statement="Trump's plan is not known.",
                evidence=[ev(SEED, "did not elaborate on specific plans")],
            )
        ],
        open_questions=[OpenQuestion(question="What plan?", based_on=["u1", "c1"])],
        meta=meta(
            model="m",
            prompt_version="v1",
            usage=Usage(prompt_tokens=10, total_tokens=10),
            attempts=2,
            seconds=1.5,
            warnings=["w1"],
        ),
    )
    b = ArticleBrief(
        summary="Sources told the Post. Orban expects Americans to quit.",
        parties=[
            Party(id="x9", name="Trump", kind="person", aliases=["President-elect Donald Trump"]),
            Party(id="x2", name="Viktor Orban", kind="person"),
        ],
        sources=[
            Source(id="s1", label="Viktor Orban", anonymous=False, party_id="x2"),
            Source(
                id="s7",
                label="Sources familiar with the matter ",
                anonymous=True,
                count=None,
                anonymity_reason="to discuss the sensitive topic",
            ),
        ],
        claims=[
            Claim(
                id="c1",
                statement="Trump advised Vladimir Putin not to escalate the war in Ukraine.",
                source_id="s7",
                attribution="paraphrase",
                evidence=[ev(SEED, "he advised Putin not to escalate the situation in Ukraine")],
            ),
            Claim(
                id="c2",
                statement="Orban predicted Americans will quit the Ukraine war.",
                source_id="s1",
                attribution="direct_quote",
                evidence=[ev(SEED, "“Americans will quit”")],
            ),
        ],
        unknowns=[],
        open_questions=[
            OpenQuestion(question="what plan", based_on=["c2"]),
            OpenQuestion(question="Will Americans quit?", based_on=["s1"]),
        ],
        meta=meta(
            model="other",
            usage=Usage(prompt_tokens=5, total_tokens=5),
            attempts=1,
            seconds=0.5,
            warnings=["w1", "w2"],
        ),
    )
    return a, b


def test_merge_joins_duplicates_and_remaps_references() -> None:
    merged = merge_briefs(SEED, list(two_chunk_briefs()))
    assert [(p.id, p.name) for p in merged.parties] == [
        ("p1", "Donald Trump"),  # the longest of the names; aliases are not promoted
        ("p2", "Vladimir Putin"),
        ("p3", "Viktor Orban"),
    ]
    assert merged.parties[0].aliases == ["Trump", "President-elect Donald Trump"]
    assert [s.id for s in merged.sources] == ["s1", "s2", "s3"]
    anonymous, trump, orban = merged.sources
    assert anonymous.anonymity_reason == "to discuss the sensitive topic"
    assert (trump.party_id, orban.party_id) == ("p1", "p3")
    # The overlapping claims became one, keeping the better-grounded statement.
    assert [c.id for c in merged.claims] == ["c1", "c2"]
    assert merged.claims[0].statement.startswith("Trump advised Vladimir Putin")
    assert merged.claims[0].source_id == "s1"
    assert [e.text for e in merged.claims[0].evidence] == [  # in article order
        "he advised Putin not to escalate",
        "he advised Putin not to escalate the situation in Ukraine",
    ]
    assert merged.claims[1].source_id == "s3"
    # "What plan?" and "what plan" are one question; references follow the new ids.
    assert [(q.question, q.based_on) for q in merged.open_questions] == [
        ("What plan?", ["u1", "c1", "c2"]),
        ("Will Americans quit?", ["s3"]),
    ]


def test_merge_meta_sums_and_summary_dedupes() -> None:
    merged = merge_briefs(SEED, list(two_chunk_briefs()))
    assert merged.summary == (
        "Trump spoke with Putin. Sources told the Post. Orban expects Americans to quit."
    )
    m = merged.meta
    assert (m.model, m.prompt_version, m.chunks) == ("m", "v1", 2)
    assert m.usage.prompt_tokens == 15 and m.usage.total_tokens == 15
    assert (m.attempts, m.seconds) == (3, 2.0)
    assert m.warnings == ["w1", "w2"]
    assert m.article_chars == len(SEED)


def test_merge_drops_evidence_that_is_not_the_article_text() -> None:
    a, b = two_chunk_briefs()
    bad = Evidence(text="invented words", start=0, end=14)
    a.claims[0].evidence.append(bad)
    merged = merge_briefs(SEED, [a, b])
    assert not merged.ungrounded(SEED)
    assert bad not in merged.claims[0].evidence
    assert any("dropped 1 evidence" in w for w in merged.meta.warnings)


def test_single_brief_keeps_its_items_and_renumbers() -> None:
    _, b = two_chunk_briefs()
    merged = merge_briefs(SEED, [b])
    assert [p.id for p in merged.parties] == ["p1", "p2"]
    assert [(s.id, s.party_id) for s in merged.sources] == [("s1", "p2"), ("s2", None)]
    assert [(c.id, c.source_id) for c in merged.claims] == [("c1", "s2"), ("c2", "s1")]
    assert merged.meta.chunks == 1


def test_same_part_items_are_not_merged() -> None:
    a, _ = two_chunk_briefs()
    twin = a.claims[0].model_copy(update={"id": "c9", "statement": "A different claim."})
    a.claims.append(twin)
    merged = merge_briefs(SEED, [a])
    assert len(merged.claims) == 2


def test_merge_needs_a_brief() -> None:
    with pytest.raises(ValueError, match="at least one"):
        merge_briefs(SEED, [])


# --------------------------------------------------------------------------- merge property

SEED_SENTENCES = sentence_spans(SEED)
NAMES = ["Donald Trump", "Trump", "Putin", "Vladimir Putin", "Orban", "NBC", "the Post"]


@st.composite
def evidence_list(draw: st.DrawFn) -> list[Evidence]:
    items = []
    for _ in range(draw(st.integers(0, 2))):
        s, e = draw(st.sampled_from(SEED_SENTENCES))
        start = draw(st.integers(s, e - 2))
        end = draw(st.integers(start + 1, e))
        items.append(Evidence(text=SEED[start:end], start=start, end=end))
    return items


def maybe(pool: list[str]) -> st.SearchStrategy[str | None]:
    return st.sampled_from([None, *pool])


@st.composite
def brief(draw: st.DrawFn, tag: str) -> ArticleBrief:
    def ids(prefix: str, n: int) -> list[str]:
        return [f"{tag}{prefix}{k}" for k in range(n)]

    party_ids = ids("p", draw(st.integers(0, 3)))
    parties = [
        Party(
            id=i,
            name=draw(st.sampled_from(NAMES)),
            kind="person",
            aliases=draw(st.lists(st.sampled_from(NAMES), max_size=2)),
        )
        for i in party_ids
    ]
    source_ids = ids("s", draw(st.integers(0, 3)))
    sources = [
        Source(
            id=i,
            label=draw(st.sampled_from(["sources", "Sources ", "NBC", "one source"])),
            anonymous=draw(st.booleans()),
            party_id=draw(maybe(party_ids)),
            evidence=draw(evidence_list()),
        )
        for i in source_ids
    ]
    claim_ids = ids("c", draw(st.integers(0, 4)))
    claims = [
        Claim(
            id=i,
            statement=draw(st.sampled_from(["A happened.", "a happened", "B happened."])),
            source_id=draw(maybe(source_ids)),
            attribution="narration",
            evidence=draw(evidence_list()),
        )
        for i in claim_ids
    ]
    unknown_ids = ids("u", draw(st.integers(0, 2)))
    unknowns = [
        Unknown(
            id=i,
            statement=draw(st.sampled_from(["X unknown.", "Y unknown."])),
            evidence=draw(evidence_list()),
        )
        for i in unknown_ids
    ]
    refs = source_ids + claim_ids + unknown_ids
    questions = [
        OpenQuestion(
            question=q, based_on=draw(st.lists(st.sampled_from(refs), max_size=3)) if refs else []
        )
        for q in draw(st.lists(st.sampled_from(["Why?", "why", "Who?"]), max_size=3))
    ]
    return ArticleBrief(
        summary=draw(st.sampled_from(["", "One. Two.", "Two. Three. Four. Five."])),
        parties=parties,
        sources=sources,
        claims=claims,
        unknowns=unknowns,
        open_questions=questions,
        meta=Meta(engine="llm", attempts=draw(st.integers(0, 3))),
    )


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(*[brief(f"b{k}") for k in range(n)])))
def test_merged_brief_never_has_dangling_or_duplicate_ids(parts: tuple[ArticleBrief, ...]) -> None:
    merged = merge_briefs(SEED, list(parts))
    assert reference_problems(merged) == []
    for prefix, items in (
        ("p", merged.parties),
        ("s", merged.sources),
        ("c", merged.claims),
        ("u", merged.unknowns),
    ):
        assert [x.id for x in items] == [f"{prefix}{k}" for k in range(1, len(items) + 1)]
    assert len(merged.claims) <= sum(len(p.claims) for p in parts)
    assert len(merged.parties) <= sum(len(p.parties) for p in parts)
    assert not merged.ungrounded(SEED)
    assert merged.meta.chunks == len(parts)
    assert merged.meta.attempts == sum(p.meta.attempts for p in parts)
    assert len(re.findall(r"[.!?]", merged.summary)) <= 4
    # Nothing is lost: every evidence span and every party name survives the merge.
    for kind in ("sources", "claims", "unknowns"):
        before = {(e.start, e.end) for p in parts for x in getattr(p, kind) for e in x.evidence}
        after = {(e.start, e.end) for x in getattr(merged, kind) for e in x.evidence}
        assert before == after
    names = {n.casefold() for p in merged.parties for n in [p.name, *p.aliases]}
    assert {p.name.casefold() for part in parts for p in part.parties} <= names
