"""Structured-output modes: the form each asks in, which server auto recognises, the probe."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import instructor
import pytest
from llm_cases import ARTICLE, FAST, GOOD, assert_grounded, claim_ids, engine_for
from scripted_server import ScriptedServer, strict_problem

from summarizer.config import LLMSettings, Mode
from summarizer.engines.llm import modes as modes_module
from summarizer.engines.llm.draft import Brief
from summarizer.engines.llm.engine import LLMEngine, Piece, Tally
from summarizer.engines.llm.modes import Server, parse_mode, recognise, schema_for
from summarizer.errors import ConfigError

CONCRETE = [m for m in Mode if m is not Mode.auto]


def models_requests(server: ScriptedServer) -> list[Any]:
    return [r for r in server.requests if r.path.endswith("/models")]


def prompt_has_schema(request: Any) -> bool:
    """Whether instructor pasted the JSON schema into the system prompt."""
    return json.dumps(Brief.model_json_schema(), indent=2) in request.text("system")


# --------------------------------------------------------------------------- #
# The form each mode asks in; the schema is sent once
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("mode", CONCRETE)
def test_each_mode_asks_in_its_own_form_and_parses_the_answer(
    server: ScriptedServer, mode: Mode
) -> None:
    server.answer(GOOD)
    brief = engine_for(server, mode=mode.value).brief(ARTICLE)

    body = server.completions()[0].body
    form: Any = body.get("response_format")
    tools: Any = body.get("tools")
    if mode.uses_tools:
        assert form is None and tools[0]["function"]["name"] == "Brief"
        assert tools[0]["function"].get("strict", False) is mode.strict
    elif mode is Mode.md_json:
        assert form is None and tools is None
    elif mode is Mode.json:
        assert form == {"type": "json_object"}
    elif mode is Mode.json_grammar:
        assert form["type"] == "json_object" and constrains_items(form["schema"])
    else:
        assert form["type"] == "json_schema"
        assert form["json_schema"]["name"] == "Brief"
        assert form["json_schema"].get("strict", False) is mode.strict
        assert form["json_schema"]["schema"] == schema_for(mode, Brief)
    # Once per request: in the prompt only where nothing else carries it.
    assert prompt_has_schema(server.completions()[0]) is mode.schema_in_prompt
    assert claim_ids(brief) == ["c1", "c2"]
    assert_grounded(brief, ARTICLE)
    assert brief.meta.warnings == []  # a mode given is no guess


def test_every_mode_sends_the_schema_exactly_one_way() -> None:
    for mode in CONCRETE:
        ways = [mode.uses_tools, mode.schema_in_response_format, mode.schema_in_prompt]
        assert sum(ways) == 1, mode
    assert Mode.json_schema_strict.parser is instructor.Mode.JSON_SCHEMA
    assert Mode.tools_strict.parser is instructor.Mode.TOOLS
    assert Mode.json.parser is instructor.Mode.JSON
    with pytest.raises(ValueError, match="auto"):
        _ = Mode.auto.parser


def constrains_items(schema: dict) -> bool:  # type: ignore[type-arg]
    """A grammar from this schema fixes the items' fields, not just the top-level lists."""
    parties = schema["properties"]["parties"]["items"]
    party = schema["$defs"][parties["$ref"].split("/")[-1]] if "$ref" in parties else parties
    return "person" in json.dumps(party["properties"]["kind"]) and "name" in party["required"]


@pytest.mark.parametrize("mode", [Mode.json_schema_strict, Mode.tools_strict])
def test_strict_schema_is_what_openai_strict_mode_accepts_and_stays_compact(mode: Mode) -> None:
    schema = schema_for(mode, Brief)
    assert strict_problem(schema) is None
    assert strict_problem(schema_for(Mode.json_schema, Brief)) is not None  # the plain one is not
    assert constrains_items(schema)
    text = json.dumps(schema)
    assert text.count('"description"') <= 1  # the root's only: no per-field descriptions
    assert '"default"' not in text


def test_strict_checker_names_what_openai_would_refuse() -> None:
    loose = {"type": "object", "properties": {"a": {"type": "string"}}, "required": []}
    assert "Missing 'a'" in str(strict_problem(loose))
    assert "additionalProperties" in str(strict_problem({**loose, "required": ["a"]}))
    bad = {**loose, "required": ["a"], "additionalProperties": False, "minProperties": 1}
    assert "'minProperties' is not permitted" in str(strict_problem(bad))


def test_unknown_mode_is_a_config_error_naming_the_modes() -> None:
    with pytest.raises(ConfigError, match=r"unknown mode 'xml'.*json_schema_strict"):
        parse_mode("xml")
    with pytest.raises(ConfigError, match="unknown mode 'xml'"):
        LLMSettings(base_url="http://localhost:8080/v1", mode="xml")  # type: ignore[arg-type]
    assert LLMSettings(base_url="http://x/v1", mode="tools_strict").mode is Mode.tools_strict  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# Which server: host, owned_by, port; and auto's mode there
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("url", "owner", "server"),
    [
        ("https://api.openai.com/v1", None, Server.openai),
        ("http://gw.local/v1", "system", Server.openai),
        ("http://127.0.0.1:8000/v1", "me", Server.llama_cpp_python),
        ("http://127.0.0.1:8080/v1", "llamacpp", Server.llama_server),
        ("http://127.0.0.1:9000/v1", "library", Server.ollama),
        ("http://localhost:11434/v1", None, Server.ollama),
        ("http://127.0.0.1:8000/v1", "vllm", Server.vllm),
        ("http://127.0.0.1:9000/v1", "organization_owner", Server.lm_studio),
        ("http://localhost:1234/v1", None, Server.lm_studio),
        ("http://localhost:1234/v1", "me", Server.llama_cpp_python),  # owned_by beats port
        ("http://127.0.0.1:8000/v1", "tests", Server.unknown),
        ("http://127.0.0.1:8000/v1", None, Server.unknown),
    ],
)
def test_servers_are_recognised(url: str, owner: str | None, server: Server) -> None:
    models = [] if owner is None else [{"id": "m", "owned_by": owner}]
    assert recognise(url, models) is server


def test_auto_mode_per_server_is_the_strongest_constraint_it_documents() -> None:
    assert Server.openai.auto_mode is Mode.json_schema_strict
    assert Server.llama_cpp_python.auto_mode is Mode.json_grammar
    for server in (Server.llama_server, Server.ollama, Server.vllm, Server.lm_studio):
        assert server.auto_mode is Mode.json_schema
    assert Server.unknown.auto_mode is Mode.json


def test_openai_auto_mode_asks_for_strict_structured_outputs_without_a_probe() -> None:
    engine = LLMEngine(LLMSettings(api_key="sk-test"))
    assert engine.form is Mode.json_schema_strict and engine.server is Server.openai
    assert asyncio.run(engine.resolve_model()) == "gpt-4o-mini"  # no request made
    request = engine._request(Piece(ARTICLE, 0, 1, 1), "gpt-4o-mini", Tally())
    form = request["extra_body"]["response_format"]
    assert form["json_schema"]["strict"] is True
    assert strict_problem(form["json_schema"]["schema"]) is None


# --------------------------------------------------------------------------- #
# The probe: asked once, patient, and honest when it fails
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("model", ["scripted-model", None])
@pytest.mark.parametrize(
    ("owner", "mode"),
    [("me", Mode.json_grammar), ("llamacpp", Mode.json_schema), ("vllm", Mode.json_schema),
     ("tests", Mode.json)],
)  # fmt: skip
def test_auto_mode_asks_the_server_once_and_uses_its_mode(
    server: ScriptedServer, owner: str, mode: Mode, model: str | None, use_async: bool
) -> None:
    server.owned_by = owner
    server.answer(GOOD)
    server.answer(GOOD)
    engine = engine_for(server, mode="auto", model=model)
    for _ in range(2):
        brief = asyncio.run(engine.abrief(ARTICLE)) if use_async else engine.brief(ARTICLE)
        assert claim_ids(brief) == ["c1", "c2"]
        unknown = ["server not recognised; used plain JSON mode (set --mode to choose)"]
        assert brief.meta.warnings == (unknown if mode is Mode.json else [])

    assert len(models_requests(server)) == 1  # asked once, then remembered
    assert engine.form is mode
    for request in server.completions():
        assert request.body["response_format"]["type"] == (
            "json_schema" if mode is Mode.json_schema else "json_object"
        )
        assert ("schema" in request.body["response_format"]) is (mode is Mode.json_grammar)


@pytest.mark.parametrize(("status", "tries"), [(404, 1), (500, 2)])
def test_probe_failure_falls_back_to_plain_json_and_says_so(
    server: ScriptedServer, status: int, tries: int
) -> None:
    server.owned_by = "me"
    server.models_status = status
    server.answer(GOOD)
    brief = engine_for(server, mode="auto").brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    assert len(models_requests(server)) == tries  # a transient failure is tried again
    assert server.completions()[0].body["response_format"] == {"type": "json_object"}
    (warning,) = brief.meta.warnings
    assert f"/models: HTTP {status}" in warning and "used plain JSON mode" in warning


def test_a_slow_probe_is_tried_again_with_more_patience(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modes_module, "PROBE_TIMEOUTS", (0.2, 3.0))
    server.owned_by = "llamacpp"
    server.models_delays.extend([0.6, 0.4])  # busy generating: slower than the first try
    server.answer(GOOD)
    brief = engine_for(server, mode="auto").brief(ARTICLE)

    assert len(models_requests(server)) == 2
    assert server.completions()[0].body["response_format"]["type"] == "json_schema"
    assert brief.meta.warnings == []


def test_a_probe_that_never_answers_keeps_half_the_budget_for_the_model(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modes_module, "PROBE_TIMEOUTS", (0.3, 30.0))
    server.models_delays.extend([5.0, 5.0])
    server.answer(GOOD)
    brief = engine_for(server, mode="auto", total_timeout=2.0).brief(ARTICLE)

    assert len(models_requests(server)) == 2  # 0.3 s, then what is left of 1 s
    (warning,) = brief.meta.warnings
    assert "no answer within" in warning and "used plain JSON mode" in warning
    assert claim_ids(brief) == ["c1", "c2"]


def test_explicit_json_mode_never_sends_a_schema_even_to_llama_cpp(
    server: ScriptedServer,
) -> None:
    server.owned_by = "me"
    server.content("not json at all")
    server.answer(GOOD)
    engine_for(server, mode="json").brief(ARTICLE)
    server.answer(GOOD)
    LLMEngine(LLMSettings(base_url=server.url, mode="json"), backoff=FAST).brief(ARTICLE)  # type: ignore[arg-type]

    requests = server.completions()
    assert len(requests) == 3
    assert all(r.body["response_format"] == {"type": "json_object"} for r in requests)


def test_json_grammar_reask_keeps_the_schema_and_the_prompt_stays_schema_free(
    server: ScriptedServer,
) -> None:
    server.content("not json at all")
    server.answer(GOOD)
    brief = engine_for(server, mode="json_grammar").brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    assert len(server.completions()) == 2
    for request in server.completions():  # the re-ask too
        assert constrains_items(request.body["response_format"]["schema"])
        assert not prompt_has_schema(request)
    assert models_requests(server) == []  # the mode was given: no probe
