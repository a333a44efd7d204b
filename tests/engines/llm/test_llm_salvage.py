"""Salvage: what is kept of answers that never validated, or were cut off at max_tokens."""

from __future__ import annotations

import pytest
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


def test_dangling_ids_are_reasked_then_salvaged(server: ScriptedServer) -> None:
    dangling = {"id": "c3", "statement": "The vote was unlawful.", "source_id": "s9",
                "attribution": "paraphrase", "evidence": ["Mayor Ana Ruiz said"]}  # fmt: skip
    answer = with_claim(dangling)
    answer["sources"][1]["party_id"] = "p7"
    answer["open_questions"][0]["based_on"] = ["u1", "c42"]
    for _ in range(3):
        server.answer(answer)
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    requests = server.completions()
    assert len(requests) == 3
    assert "claim 'c3' names unknown source 's9'" in last_user_turn(requests[1])
    assert claim_ids(brief) == ["c1", "c2"]
    assert brief.sources[1].party_id is None
    assert brief.open_questions[0].based_on == ["u1"]
    warnings = " | ".join(brief.meta.warnings)
    assert "claim c3 dropped: it names unknown source s9" in warnings
    assert "source s2: removed link to unknown party p7" in warnings
    assert "removed unknown ids ['c42']" in warnings
    assert brief.meta.attempts == 3


def test_invalid_items_are_dropped_when_salvaging(server: ScriptedServer) -> None:
    answer = with_claim({"id": "c3", "statement": "No attribution given.", "evidence": ["x"]})
    answer["parties"].append({"id": "p3", "name": "Somebody", "kind": "alien"})
    for _ in range(2):
        server.answer(answer)
    brief = engine_for(server, max_reasks=1).brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    assert [p.id for p in brief.parties] == ["p1", "p2"]
    warnings = " | ".join(brief.meta.warnings)
    assert "claims item 3 dropped: attribution" in warnings
    assert "parties item 3 dropped: kind" in warnings


def test_truncated_answer_is_salvaged_with_a_max_tokens_warning(server: ScriptedServer) -> None:
    server.answer(GOOD, finish_reason="length")
    brief = engine_for(server, max_tokens=256).brief(ARTICLE)

    assert len(server.completions()) == 1
    assert brief.summary == GOOD["summary"]
    assert any("cut off at max_tokens=256: raise max_tokens" in w for w in brief.meta.warnings)
    assert len(brief.claims) < len(GOOD["claims"]) or len(brief.unknowns) < len(GOOD["unknowns"])
    assert_grounded(brief, ARTICLE)


def test_an_answer_without_usable_fields_gives_an_empty_brief_with_warnings(
    server: ScriptedServer,
) -> None:
    for _ in range(2):
        server.content('{"type": "json", "name": "Brief"}')
    brief = engine_for(server, max_reasks=1).brief(ARTICLE)
    assert brief.summary == "" and brief.claims == []
    assert "the answer had no summary" in brief.meta.warnings
    assert brief.meta.warnings[0].startswith("no valid answer after 2 attempts")


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
    assert warnings[0] == "the answer had no summary"
    assert warnings[1].startswith("claims item 2 dropped: statement: ")
