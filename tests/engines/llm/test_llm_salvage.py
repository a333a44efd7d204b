"""Salvage: what is kept of answers that never validated, or were cut off at max_tokens."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from llm_cases import (
    ARTICLE,
    GOOD,
    assert_grounded,
    claim_ids,
    engine_for,
    last_user_turn,
    with_claim,
)
from scripted_server import ScriptedServer

from summarizer.engines.llm.salvage import parse_object, salvage_draft
from summarizer.errors import ExtractionError

# --------------------------------------------------------------------------- #
# Through the engine
# --------------------------------------------------------------------------- #


def test_unparseable_every_time_is_an_extraction_error(server: ScriptedServer) -> None:
    for _ in range(3):
        server.content("I cannot help with that.")
    with pytest.raises(ExtractionError, match="gave no usable brief in 3 attempts"):
        engine_for(server, max_reasks=2).brief(ARTICLE)
    assert len(server.completions()) == 3


def test_dangling_ids_are_mended_without_a_reask(server: ScriptedServer) -> None:
    dangling = {"id": "c3", "statement": "The vote was unlawful.", "source_id": "s9",
                "attribution": "paraphrase", "evidence": ["Mayor Ana Ruiz said"]}  # fmt: skip
    answer = with_claim(dangling)
    answer["sources"][1]["party_id"] = "p7"
    answer["open_questions"][0]["based_on"] = ["u1", "c42"]
    server.answer(answer)
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    assert len(server.completions()) == 1
    assert claim_ids(brief) == ["c1", "c2", "c3"]
    assert brief.claims[2].source_id is None  # kept, its source unknown
    assert brief.sources[1].party_id is None
    assert brief.open_questions[0].based_on == ["u1"]
    warnings = " | ".join(brief.meta.warnings)
    assert "claim c3: names unknown source s9; kept without a source" in warnings
    assert "source s2: removed link to unknown party p7" in warnings
    assert "removed unknown ids ['c42']" in warnings
    assert brief.meta.attempts == 1


def test_near_misses_cost_no_request_and_no_item(server: ScriptedServer) -> None:
    answer = copy.deepcopy(GOOD)
    answer["parties"][0]["kind"] = "Person"
    answer["parties"][1]["kind"] = "organisation"
    answer["sources"][1]["count"] = "two"
    answer["claims"][0]["attribution"] = "Paraphrase"
    answer["claims"][1]["evidence"] = "cracks were found in the main supports"
    answer["claims"][1]["source_id"] = "p1"  # a party id where the source id belongs
    for item in answer["unknowns"]:
        del item["id"]
    answer["open_questions"][0]["based_on"] = "u1"
    server.answer({"brief": answer})
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    assert len(server.completions()) == 1
    assert [p.kind for p in brief.parties] == ["person", "organization"]
    assert brief.sources[1].count == 2
    assert [(c.id, c.source_id, c.attribution) for c in brief.claims] == [
        ("c1", "s1", "paraphrase"), ("c2", "s1", "paraphrase")]  # fmt: skip
    assert [u.id for u in brief.unknowns] == ["u1"]
    assert brief.open_questions[0].based_on == ["u1"]
    assert brief.meta.warnings == [
        "read the brief inside the answer's 'brief' object",
        "claim c2: source p1 is a party; read as its source s1",
    ]


def test_invalid_items_are_dropped_when_salvaging(server: ScriptedServer) -> None:
    answer = with_claim({"id": "c3", "attribution": "narration", "evidence": ["x"]})
    answer["parties"].append({"id": "p3", "name": "Somebody"})
    for _ in range(2):
        server.content(json.dumps(answer)[:-1] + ", ")  # broken JSON: re-asked, then salvaged
    brief = engine_for(server, max_reasks=1).brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    assert [p.id for p in brief.parties] == ["p1", "p2"]
    warnings = " | ".join(brief.meta.warnings)
    assert "claims item 3 dropped: statement" in warnings
    assert "parties item 3 dropped: kind" in warnings


def test_truncated_answer_is_salvaged_with_a_max_tokens_warning(server: ScriptedServer) -> None:
    server.answer(GOOD, finish_reason="length")
    brief = engine_for(server, max_tokens=256).brief(ARTICLE)

    assert len(server.completions()) == 1
    assert brief.summary == GOOD["summary"]
    assert any("cut off at max_tokens=256: raise max_tokens" in w for w in brief.meta.warnings)
    assert len(brief.claims) < len(GOOD["claims"]) or len(brief.unknowns) < len(GOOD["unknowns"])
    assert_grounded(brief, ARTICLE)


def test_an_answer_without_a_brief_is_an_extraction_error(server: ScriptedServer) -> None:
    for _ in range(2):
        server.content('{"type": "json", "name": "Brief"}')
    with pytest.raises(ExtractionError, match="gave no usable brief in 2 attempts"):
        engine_for(server, max_reasks=1).brief(ARTICLE)
    assert "The answer holds no brief" in last_user_turn(server.completions()[1])


def test_the_schema_echoed_back_is_reasked_then_an_extraction_error(
    server: ScriptedServer,
) -> None:
    from summarizer.engines.llm.draft import Brief

    for _ in range(2):
        server.answer(Brief.model_json_schema())
    with pytest.raises(ExtractionError, match="the answer is the JSON Schema"):
        engine_for(server, max_reasks=1).brief(ARTICLE)


def test_a_brief_without_claims_says_so(server: ScriptedServer) -> None:
    server.answer({"summary": "Nothing here is claimed.", "parties": GOOD["parties"]})
    brief = engine_for(server).brief(ARTICLE)
    assert brief.claims == [] and len(brief.parties) == 2
    assert "the model found no claim in the article" in brief.meta.warnings


# --------------------------------------------------------------------------- #
# Reading an answer, without HTTP
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Here you are: {"summary": "s"} and more', {"summary": "s"}),
        ('```json\n{"summary": "cut off', {"summary": "cut off"}),
        ('{"summary": "s", "claims": [{"id": "c1"', {"summary": "s", "claims": [{"id": "c1"}]}),
        ('["not", "an", "object"]', None),
        ("no JSON at all", None),
    ],
)
def test_parse_object_reads_whole_or_cut_off_objects(text: str, expected: object) -> None:
    assert parse_object(text) == expected


def test_salvage_draft_keeps_items_that_validate_on_their_own() -> None:
    warnings: list[str] = []
    data = {"claims": [GOOD["claims"][0], {"id": "c2"}], "parties": "not a list"}
    draft = salvage_draft(data, warnings)
    assert draft.summary == "" and [c.id for c in draft.claims] == ["c1"]
    assert draft.parties == []
    assert warnings[0].startswith("parties item 1 dropped: item: Input should be a valid dict")
    assert warnings[1].startswith("claims item 2 dropped: statement: ")
    assert warnings[2] == "the answer had no summary"


# --------------------------------------------------------------------------- #
# Any JSON at all is read without an exception
# --------------------------------------------------------------------------- #

KEYS = st.sampled_from(["summary", "brief", "parties", "sources", "claims", "unknowns",
                        "questions", "open_questions", "id", "name", "kind", "aliases",
                        "label", "anonymous", "count", "party", "party_id", "source",
                        "source_id", "statement", "attribution", "quotes", "evidence",
                        "question", "based_on", "properties"])  # fmt: skip
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 20)
    | st.floats(allow_nan=False)
    | st.sampled_from(["", "Person", "two", "s1", "p1", "Direct quote", "x"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, JSON, max_size=7))
def test_any_json_object_reads_as_a_draft_without_raising(data: dict[str, object]) -> None:
    warnings: list[str] = []
    draft = salvage_draft(data, warnings)
    assert isinstance(draft.summary, str)
    for claim in draft.claims:
        assert claim.source is None or isinstance(claim.source, str)
        assert all(isinstance(q, str) for q in claim.quotes)
