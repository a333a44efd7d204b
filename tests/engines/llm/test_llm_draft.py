"""The draft the model fills in: its compact schema, and re-asks when an answer fails the check."""

from __future__ import annotations

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

from summarizer import prompts
from summarizer.engines.llm.draft import Brief, Checker, DraftBrief, compact_schema
from summarizer.schema import reference_problems

# --------------------------------------------------------------------------- #
# The schema the model sees
# --------------------------------------------------------------------------- #


def test_json_mode_sends_the_schema_as_structure_only(server: ScriptedServer) -> None:
    server.answer(GOOD)
    engine_for(server, mode="json").brief(ARTICLE)

    system = server.completions()[0].text("system")
    assert system.startswith(prompts.system_message())
    assert '"DraftClaim"' in system and '"direct_quote"' in system
    assert '"title": "Id"' not in system and "Short id" not in system


# --------------------------------------------------------------------------- #
# Re-asks: with the validation error, quotes not found at most once
# --------------------------------------------------------------------------- #


def test_malformed_json_is_reasked_and_usage_counts_every_answer(server: ScriptedServer) -> None:
    server.content('{"summary": "oops", "claims": [', usage=(100, 5))
    server.answer(GOOD, usage=(130, 40))
    brief = engine_for(server).brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    reask = server.completions()[1]
    assert reask.messages[-2] == {"role": "assistant", "content": '{"summary": "oops", "claims": ['}
    assert "json" in last_user_turn(reask).lower()
    assert brief.meta.attempts == 2
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens) == (230, 45)


def test_ungroundable_claim_is_reasked_once_then_dropped(server: ScriptedServer) -> None:
    invented = {
        "id": "c3",
        "statement": "The bridge will be demolished.",
        "attribution": "narration",
        "evidence": ["the bridge will be demolished next year"],
    }
    server.answer(with_claim(invented), usage=(100, 30))
    server.answer(with_claim(invented), usage=(150, 30))
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    requests = server.completions()
    assert len(requests) == 2  # grounding is re-asked once, though two re-asks are allowed
    assert 'Quotes not found in the article: "the bridge will be demolished next year"' in (
        last_user_turn(requests[1])
    )
    assert claim_ids(brief) == ["c1", "c2"]
    assert any("claim c3 dropped" in w for w in brief.meta.warnings)
    assert any("the bridge will be demolished next year" in w for w in brief.meta.warnings)
    assert brief.meta.usage.prompt_tokens == 250
    assert_grounded(brief, ARTICLE)


def test_quote_fixed_after_the_reask_is_kept(server: ScriptedServer) -> None:
    wrong = {"id": "c3", "statement": "Ruiz said the council had no choice.", "source_id": "s1",
             "attribution": "direct_quote", "evidence": ["We had no option at all"]}  # fmt: skip
    right = {**wrong, "evidence": ["We had no choice"]}
    server.answer(with_claim(wrong))
    server.answer(with_claim(right))
    brief = engine_for(server).brief(ARTICLE)
    assert claim_ids(brief) == ["c1", "c2", "c3"]
    assert brief.claims[2].evidence[0].text == "We had no choice"
    assert brief.meta.warnings == []


# --------------------------------------------------------------------------- #
# The check, without HTTP
# --------------------------------------------------------------------------- #


def test_reference_problems_checks_drafts_too() -> None:
    draft = DraftBrief.model_validate(
        {"summary": "s", "claims": [{"id": "c1", "statement": "x", "source_id": "s1",
                                     "attribution": "paraphrase"}]}
    )  # fmt: skip
    assert reference_problems(draft) == ["claim 'c1' names unknown source 's1'"]


def test_checker_asks_about_missing_quotes_once_and_dangling_ids_always() -> None:
    answer = with_claim({"id": "c3", "statement": "x", "source_id": "s9",
                         "attribution": "narration", "evidence": ["made of cheese"]})  # fmt: skip
    draft = DraftBrief.model_validate(answer)
    checker = Checker(ARTICLE)
    first, second = checker.problems(draft), checker.problems(draft)
    assert first[0] == second[0] == "claim 'c3' names unknown source 's9'"
    assert first[1].startswith('Quotes not found in the article: "made of cheese"')
    assert len(first) == 2 and len(second) == 1
    assert checker.evidence("Mayor Ana Ruiz said") is not None
    assert checker.evidence("made of cheese") is None


def test_the_schema_the_model_sees_is_structure_only() -> None:
    schema = Brief.model_json_schema()
    assert schema["title"] == "Brief" and schema["description"].startswith("A brief of")
    claim = schema["$defs"]["DraftClaim"]
    assert "description" not in claim["properties"]["statement"]
    assert claim["properties"]["source_id"]["type"] == ["string", "null"]
    assert "type" not in claim["properties"]["attribution"]  # an enum says it all
    assert schema == compact_schema(DraftBrief.model_json_schema()) | {"title": "Brief"}
