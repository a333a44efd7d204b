"""Structured-output modes: the form each asks in, auto's choice, llama.cpp's grammar."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import instructor
import pytest
from llm_cases import ARTICLE, FAST, GOOD, assert_grounded, claim_ids, engine_for
from scripted_server import ScriptedServer

from summarizer.config import LLMSettings
from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.modes import pick_mode
from summarizer.errors import ConfigError

# --------------------------------------------------------------------------- #
# The form each mode asks in
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("mode", "shape"),
    [
        ("tools", "tools"),
        ("json", "json_object"),
        ("json_schema", "json_schema"),
        ("md_json", "plain"),
    ],
)
def test_each_mode_asks_in_its_own_form_and_parses_the_answer(
    server: ScriptedServer, mode: str, shape: str
) -> None:
    server.answer(GOOD)
    brief = engine_for(server, mode=mode).brief(ARTICLE)

    body = server.completions()[0].body
    if shape == "tools":
        assert body["tools"][0]["function"]["name"] == "Brief"
        assert "response_format" not in body
    elif shape == "plain":
        assert "tools" not in body and "response_format" not in body
    else:
        assert body["response_format"]["type"] == shape
    assert claim_ids(brief) == ["c1", "c2"]
    assert_grounded(brief, ARTICLE)


def test_auto_mode_is_tools_for_openai_and_json_elsewhere() -> None:
    assert pick_mode("auto", "https://api.openai.com/v1") is instructor.Mode.TOOLS
    assert pick_mode("auto", "http://localhost:8080/v1") is instructor.Mode.JSON
    with pytest.raises(ConfigError, match="unknown mode 'xml'"):
        pick_mode("xml", "http://localhost:8080/v1")


# --------------------------------------------------------------------------- #
# json_grammar: JSON mode plus the schema, which llama.cpp turns into a grammar
# --------------------------------------------------------------------------- #


def models_requests(server: ScriptedServer) -> list[Any]:
    return [r for r in server.requests if r.path.endswith("/models")]


def test_json_grammar_sends_the_prompt_schema_in_response_format(server: ScriptedServer) -> None:

    server.content("not json at all")
    server.answer(GOOD)
    brief = engine_for(server, mode="json_grammar").brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    for request in server.completions():  # the re-ask too
        response_format = request.body["response_format"]
        assert response_format["type"] == "json_object"
        schema = response_format["schema"]
        assert {"summary", "claims", "unknowns"} <= set(schema["properties"])
        assert "direct_quote" in json.dumps(schema["$defs"]["DraftClaim"])
        assert '"title": "Id"' not in json.dumps(schema)  # the compact schema
        assert json.dumps(schema, indent=2) in request.text("system")  # the model sees it too
    assert models_requests(server) == []  # the mode was given: no probe


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("model", ["scripted-model", None])
@pytest.mark.parametrize(
    ("owner", "grammar"),
    [("me", True), ("llamacpp", True), ("tests", False), ("vllm", False)],
)
def test_auto_mode_uses_the_grammar_on_llama_cpp_servers_only(
    server: ScriptedServer, owner: str, grammar: bool, model: str | None, use_async: bool
) -> None:

    server.owned_by = owner
    server.answer(GOOD)
    server.answer(GOOD)
    engine = engine_for(server, mode="auto", model=model)
    for _ in range(2):
        brief = asyncio.run(engine.abrief(ARTICLE)) if use_async else engine.brief(ARTICLE)
        assert claim_ids(brief) == ["c1", "c2"]

    assert len(models_requests(server)) == 1  # asked once, then remembered
    for request in server.completions():
        assert ("schema" in request.body["response_format"]) is grammar
        assert request.body["response_format"]["type"] == "json_object"


@pytest.mark.parametrize("status", [404, 500])
def test_auto_mode_probe_failure_falls_back_to_plain_json(
    server: ScriptedServer, status: int
) -> None:
    server.owned_by = "me"
    server.models_status = status
    server.answer(GOOD)
    brief = engine_for(server, mode="auto").brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    assert brief.meta.warnings == []
    assert len(models_requests(server)) == 1  # one try, no retries
    assert server.completions()[0].body["response_format"] == {"type": "json_object"}


def test_explicit_json_mode_never_sends_a_schema_even_to_llama_cpp(
    server: ScriptedServer,
) -> None:
    server.owned_by = "me"
    server.content("not json at all")
    server.answer(GOOD)
    engine_for(server, mode="json").brief(ARTICLE)
    server.answer(GOOD)
    LLMEngine(LLMSettings(base_url=server.url, mode="json"), backoff=FAST).brief(ARTICLE)

    requests = server.completions()
    assert len(requests) == 3
    assert all(r.body["response_format"] == {"type": "json_object"} for r in requests)
