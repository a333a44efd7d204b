"""Streamed answers: assembled like plain ones, cut when they stall or run out of time.

Real HTTP to ``ScriptedServer`` on 127.0.0.1, which streams when asked; nothing is patched.
Speed targets live in ``benchmarks/``: the bounds here are generous.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from llm_cases import ARTICLE, GOOD, claim_ids, engine_for
from scripted_server import ScriptedServer

from summarizer.engines.llm.streaming import is_cut_off, stream_chat
from summarizer.errors import EndpointError

TRUNCATED = (
    '{"summary": "The Springfield council voted to close the Elm Street bridge.", '
    '"claims": [{"id": "c1", "statement": "The council voted 7-2 to close the bridge.", '
    '"attribution": "narration", "evidence": ["The city council voted 7-2 on Tuesday'
)


async def plain_and_streamed(server: ScriptedServer, request: dict[str, Any]) -> list[Any]:
    async with openai.AsyncOpenAI(base_url=server.url, api_key="k", max_retries=0) as client:
        plain = await client.chat.completions.create(**request)
        streamed = await stream_chat(client, request, timeout=10, stall_timeout=5)
    return [plain, streamed]


@pytest.mark.parametrize("tools", [False, True])
def test_a_streamed_answer_assembles_to_the_plain_one(server: ScriptedServer, tools: bool) -> None:
    request: dict[str, Any] = {
        "model": "m", "messages": [{"role": "user", "content": "brief"}],
        "response_format": {"type": "json_object"},
    }  # fmt: skip
    if tools:
        request["tools"] = [{"type": "function", "function": {"name": "Brief", "parameters": {}}}]
    server.answer(GOOD, usage=(70, 30))
    server.answer(GOOD, usage=(70, 30), chunk_chars=5)
    plain, streamed = asyncio.run(plain_and_streamed(server, request))

    keep = {"choices", "usage"}
    assert streamed.model_dump(include=keep) == plain.model_dump(include=keep)
    assert server.completions()[1].body["stream_options"] == {"include_usage": True}


def test_a_streamed_brief_is_the_brief_and_counts_chunks_without_usage(
    server: ScriptedServer,
) -> None:
    server.answer(GOOD, chunk_chars=10, stream_usage=False)
    brief = engine_for(server).brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    assert server.completions()[0].body["stream"] is True
    text_chunks = -(-len(json.dumps(GOOD)) // 10)
    assert brief.meta.usage.completion_tokens == text_chunks  # one token per chunk of text
    assert brief.meta.usage.prompt_tokens > 0  # estimated from the prompt's characters


def test_a_server_ignoring_stream_or_stream_options_still_gives_the_brief(
    server: ScriptedServer,
) -> None:
    server.answer(GOOD, plain=True)  # answers in one JSON body
    server.error(400, "unrecognized request argument: stream_options")
    server.answer(GOOD, usage=(70, 30))
    server.answer(GOOD, usage=(70, 30))
    engine = engine_for(server)
    assert claim_ids(engine.brief(ARTICLE)) == ["c1", "c2"]
    brief = engine.brief(ARTICLE)  # retried at once without stream_options
    assert claim_ids(brief) == ["c1", "c2"]
    assert brief.meta.usage.completion_tokens > 0
    assert "stream_options" not in server.completions()[2].body
    assert claim_ids(engine.brief(ARTICLE)) == ["c1", "c2"]
    assert "stream_options" not in server.completions()[3].body  # remembered


def test_a_stalled_stream_is_cut_after_stall_timeout_and_retried(server: ScriptedServer) -> None:
    server.answer(GOOD, stall_after=3, stall_seconds=1.5)
    server.answer(GOOD)
    started = time.monotonic()
    brief = engine_for(server, stall_timeout=0.3, timeout=30).brief(ARTICLE)

    assert time.monotonic() - started < 1.5  # cut long before the stall would have ended
    assert claim_ids(brief) == ["c1", "c2"]
    assert len(server.completions()) == 2
    waited = time.monotonic()
    while server.disconnects < 1 and time.monotonic() - waited < 5:
        time.sleep(0.05)
    assert server.disconnects == 1  # the server saw the cut stream closed


def test_a_stall_every_time_names_the_stall(server: ScriptedServer) -> None:
    for _ in range(3):
        server.answer(GOOD, stall_after=2, stall_seconds=2)
    with pytest.raises(EndpointError, match=r"stopped sending: no token for 0\.2s") as caught:
        engine_for(server, stall_timeout=0.2, max_attempts=5).brief(ARTICLE)
    assert "after 2 attempts" in str(caught.value)
    assert len(server.completions()) == 2


def test_an_answer_still_arriving_at_the_timeout_is_retried_once_and_names_the_settings(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(3):
        server.answer(GOOD, chunk_chars=4, chunk_delay=0.02)  # ~200 chunks: ~4 s
    caplog.set_level(logging.INFO, logger="summarizer")
    started = time.monotonic()
    with pytest.raises(EndpointError) as caught:
        engine_for(server, timeout=0.5, max_attempts=5).brief(ARTICLE)

    assert time.monotonic() - started < 3
    assert len(server.completions()) == 2  # a timeout is retried once, not max_attempts times
    message = str(caught.value)
    assert "was still answering after 0.5s" in message
    assert "--timeout" in message and "--max-tokens" in message
    retries = [r.getMessage() for r in caplog.records if r.name == "summarizer.llm"]
    assert len(retries) == 1 and retries[0].startswith(f"retrying {server.url} in ")
    assert "answer still arriving after 0.5s" in retries[0]


def test_nothing_arriving_is_retried_once_and_says_the_server_may_be_down(
    server: ScriptedServer,
) -> None:
    for _ in range(3):
        server.hang(3)
    with pytest.raises(EndpointError) as caught:
        engine_for(server, timeout=0.3, max_attempts=5).brief(ARTICLE)
    assert len(server.completions()) == 2
    assert "did not answer within 0.3s (after 2 attempts): nothing arrived" in str(caught.value)
    assert "down or overloaded" in str(caught.value)


def test_other_transient_errors_keep_their_retries(server: ScriptedServer) -> None:
    for _ in range(3):
        server.error(503)
    server.answer(GOOD)
    assert claim_ids(engine_for(server, max_attempts=5).brief(ARTICLE)) == ["c1", "c2"]
    assert len(server.completions()) == 4


@pytest.mark.parametrize("finish_reason", ["stop", "tool_calls"])
def test_a_cut_off_answer_is_detected_whatever_finish_reason_says(
    server: ScriptedServer, finish_reason: str
) -> None:
    server.content(TRUNCATED, finish_reason=finish_reason)
    brief = engine_for(server).brief(ARTICLE)

    assert len(server.completions()) == 1  # salvaged as cut off, not re-asked
    assert any("cut off" in w for w in brief.meta.warnings), brief.meta.warnings
    assert brief.summary == "The Springfield council voted to close the Elm Street bridge."


def test_only_an_unfinished_object_counts_as_cut_off() -> None:
    assert is_cut_off(TRUNCATED)
    assert is_cut_off("```json\n" + TRUNCATED)
    assert not is_cut_off('{"summary": "done"}')
    assert not is_cut_off('```json\n{"summary": "done"}\n```')
    assert not is_cut_off("no JSON here")
    assert not is_cut_off('{"summary": oops "broken"}')


def test_max_tokens_scales_with_the_article(server: ScriptedServer) -> None:
    engine = engine_for(server)
    short, longer = ARTICLE, ARTICLE * 8
    assert engine.answer_tokens(short) == 1024  # the floor
    assert 1024 < engine.answer_tokens(longer) < 8192
    assert engine.answer_tokens(ARTICLE * 100) == 8192  # the ceiling
    server.answer(GOOD)
    engine.brief(short)
    assert server.completions()[0].body["max_tokens"] == 1024
    server.answer(GOOD)
    engine_for(server, max_tokens=300).brief(short)  # the setting wins
    assert server.completions()[1].body["max_tokens"] == 300


def test_cli_verbose_shows_tokens_arriving_and_retries(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.error(503, headers={"Retry-After": "0"})
    server.answer(GOOD, chunk_chars=4, chunk_delay=0.004)  # ~1 s of tokens
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(article), "--format", "json",
         "--engine", "llm", "--base-url", server.url, "--model", "m", "--mode", "json", "-v"],
        capture_output=True, text=True, env=clean, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert sum(line.startswith("summarizer: retrying ") for line in lines) == 1
    assert any(line.endswith("tokens/s)") for line in lines), result.stderr
