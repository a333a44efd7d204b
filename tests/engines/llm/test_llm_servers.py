"""Every mode against every server's acceptance rules, over real HTTP on 127.0.0.1.

``ScriptedServer(personality=...)`` reports each server's ``owned_by`` and refuses
chat requests as that server documents (tests/scripted_server.py ``refusal``):
OpenAI checks strict schemas and JSON mode's prompt, LM Studio refuses
``json_object``, llama-cpp-python refuses ``json_schema`` (with HTTP 500),
llama-server, Ollama and vLLM take both. Auto mode must pick a mode each accepts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_cases import ARTICLE, GOOD, assert_grounded, claim_ids, engine_for
from scripted_server import PERSONALITIES, ScriptedServer

from summarizer.config import Mode
from summarizer.errors import EndpointError

CONCRETE = [m for m in Mode if m is not Mode.auto]
#: (personality, mode) pairs the real server refuses, with words of its refusal.
REFUSED: dict[tuple[str, Mode], str] = {
    ("openai", Mode.json_grammar): "Unrecognized request argument supplied: response_format.schema",
    ("lm_studio", Mode.json): "'response_format.type' must be 'json_schema' or 'text'",
    ("lm_studio", Mode.json_grammar): "'response_format.type' must be 'json_schema' or 'text'",
    ("llama_cpp_python", Mode.json_schema): "Input should be 'text' or 'json_object'",
    ("llama_cpp_python", Mode.json_schema_strict): "Input should be 'text' or 'json_object'",
}
AUTO: dict[str, Mode] = {
    "openai": Mode.json_schema_strict,
    "llama_cpp_python": Mode.json_grammar,
    "llama_server": Mode.json_schema,
    "ollama": Mode.json_schema,
    "vllm": Mode.json_schema,
    "lm_studio": Mode.json_schema,
    "generic": Mode.json,
}


@pytest.fixture(params=sorted(PERSONALITIES))
def personality(request: pytest.FixtureRequest) -> Iterator[ScriptedServer]:
    server = ScriptedServer(personality=request.param).start()
    try:
        yield server
    finally:
        server.stop()


def test_auto_mode_picks_a_mode_each_server_accepts(personality: ScriptedServer) -> None:
    personality.answer(GOOD)
    engine = engine_for(personality, mode="auto")
    brief = engine.brief(ARTICLE)

    assert engine.form is AUTO[personality.personality]
    assert personality.refused == []
    assert claim_ids(brief) == ["c1", "c2"]
    assert_grounded(brief, ARTICLE)
    body = personality.completions()[0].body
    if personality.personality == "generic":
        assert brief.meta.warnings == [
            "server not recognised; used plain JSON mode (set --mode to choose)"
        ]
        assert body["response_format"] == {"type": "json_object"}
    else:
        assert brief.meta.warnings == []
        assert "json_schema" in body["response_format"] or "schema" in body["response_format"]


@pytest.mark.parametrize("mode", CONCRETE)
def test_each_mode_against_each_server(personality: ScriptedServer, mode: Mode) -> None:
    refusal = REFUSED.get((personality.personality, mode))
    personality.answer(GOOD)
    engine = engine_for(personality, mode=mode.value, max_attempts=2)
    if refusal is None:
        brief = engine.brief(ARTICLE)
        assert personality.refused == []
        assert claim_ids(brief) == ["c1", "c2"]
        assert_grounded(brief, ARTICLE)
    else:
        with pytest.raises(EndpointError) as caught:
            engine.brief(ARTICLE)
        assert refusal in str(caught.value)  # the server's own words
        assert "\n" not in str(caught.value)
        assert personality.refused and personality.replies  # refused before any answer


def test_openai_refuses_a_loose_schema_marked_strict() -> None:
    """The check is real: a strict request with instructor's plain schema is refused."""
    from scripted_server import refusal

    from summarizer.engines.llm.draft import Brief

    loose = {"type": "json_schema",
             "json_schema": {"name": "Brief", "strict": True, "schema": Brief.model_json_schema()}}
    status, body = refusal("openai", {"messages": [], "response_format": loose}) or (0, {})
    assert status == 400
    assert "Invalid schema for response_format 'Brief'" in body["error"]["message"]
    tools = [{"type": "function", "function": {"name": "Brief", "strict": True,
                                                "parameters": Brief.model_json_schema()}}]
    assert refusal("openai", {"messages": [], "tools": tools}) is not None
    assert refusal("vllm", {"messages": [], "response_format": loose}) is None


def test_forced_wrong_mode_on_lm_studio_is_one_line_with_its_message(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    server = ScriptedServer(personality="lm_studio").start()
    try:
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("OPENAI_", "SUMMARIZER_"))}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "summarizer", "summarize", str(article), "--format", "json",
             "--engine", "llm", "--base-url", server.url, "--model", "scripted-model",
             "--mode", "json"],
            capture_output=True, text=True, env=clean, timeout=120,
        )  # fmt: skip
    finally:
        server.stop()

    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("summarizer: error: ")
    assert "rejected the request (HTTP 400)" in lines[0]
    assert "'response_format.type' must be 'json_schema' or 'text'" in lines[0]
    assert len(server.refused) == 1  # a 400 is not retried
    assert result.stdout == ""
