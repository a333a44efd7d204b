"""Chunks sized from the server's context window, or from --chunk-tokens.

Real HTTP to ``ScriptedServer`` on 127.0.0.1; ``/props`` answers like llama.cpp's
llama-server when the test sets ``server.props``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from llm_cases import engine_for
from scripted_server import ScriptedServer
from typer.testing import CliRunner

from summarizer.config import LLMSettings
from summarizer.errors import EndpointError
from summarizer.text import estimate_tokens

LONG = "Mayor Ana Ruiz said the Elm Street bridge will stay closed until the repairs end. " * 400
ANSWER = {"summary": "The bridge stays closed."}
ARTICLE_SHORT = "Mayor Ana Ruiz said the Elm Street bridge will stay closed."


def test_without_a_reported_window_chunks_are_6000_tokens(server: ScriptedServer) -> None:
    engine = engine_for(server)
    for _ in range(len(engine.pieces(LONG)) + 1):
        server.answer(ANSWER)
    asyncio.run(engine.abrief(LONG))  # asks /props once: 404 here
    asyncio.run(engine.abrief(ARTICLE_SHORT))
    assert engine.window is None
    assert engine.chunk_tokens() == 6000
    assert len(engine.pieces(LONG)) == 2  # about 8,300 tokens
    assert [r.path for r in server.requests].count("/props") == 1


@pytest.mark.parametrize("n_ctx", [4096, 8192])
def test_chunks_fit_the_reported_context_window(server: ScriptedServer, n_ctx: int) -> None:
    server.props = {"default_generation_settings": {"n_ctx": n_ctx}}
    engine = engine_for(server, chunk_overlap_sentences=0)
    for _ in range(40):
        server.answer(ANSWER)
    brief = asyncio.run(engine.abrief(LONG))

    assert engine.window == n_ctx
    requests = server.completions()
    assert brief.meta.chunks == len(requests) > 1
    for request in requests:
        article = request.text("user")
        prompt = estimate_tokens(request.text("system") + article)
        assert prompt + request.body["max_tokens"] <= n_ctx
        assert estimate_tokens(article) <= engine.chunk_tokens() + 100  # + the user template
        assert request.body["max_tokens"] >= 1024


def test_chunk_tokens_setting_wins_over_the_window(server: ScriptedServer) -> None:
    server.props = {"n_ctx": 2048}
    server.answer(ANSWER)
    engine = engine_for(server, chunk_tokens=20_000)
    asyncio.run(engine.abrief(LONG))
    assert engine.chunk_tokens() == 20_000
    assert len(server.completions()) == 1
    assert "/props" not in [r.path for r in server.requests]  # no need to ask


def test_chunk_tokens_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CHUNK_TOKENS", "1500")
    monkeypatch.setenv("SUMMARIZER_STALL_TIMEOUT", "12.5")
    settings = LLMSettings.from_env(base_url="http://127.0.0.1:9/v1")
    assert (settings.chunk_tokens, settings.stall_timeout) == (1500, 12.5)
    assert LLMSettings.from_env(chunk_tokens=900).chunk_tokens == 900


def test_cli_chunk_tokens_flag(server: ScriptedServer, tmp_path: Path) -> None:
    from summarizer.cli.app import app

    article = tmp_path / "long.txt"
    article.write_text(LONG, encoding="utf-8")
    engine = engine_for(server, chunk_tokens=3000)
    expected = len(engine.pieces(LONG))
    assert expected > 1
    for _ in range(expected):
        server.answer(ANSWER)
    result = CliRunner().invoke(app, [
        "summarize", str(article), "--format", "json", "--engine", "llm", "--mode", "json",
        "--base-url", server.url, "--model", "m", "--chunk-tokens", "3000",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(server.completions()) == expected


REFUSAL = ("This model's maximum context length is {n} tokens. However, you requested 9000 "
           "tokens. Please reduce the length of the messages or completion.")  # vLLM's wording


def test_a_refusal_naming_the_window_cuts_the_article_to_fit_and_is_learnt(
    server: ScriptedServer,
) -> None:
    """llama-cpp-python has no /props: its window is learnt from its first refusal."""
    server.error(400, REFUSAL.format(n=4096))
    for _ in range(40):
        server.answer(ANSWER)
    # One piece at a time, so the first request the server sees is the 6,000-token piece.
    engine = engine_for(server, chunk_overlap_sentences=0, concurrency=1)
    brief = asyncio.run(engine.abrief(LONG))

    refused, *rest = server.completions()
    assert estimate_tokens(refused.text("user")) > 4096
    pieces = rest[-brief.meta.chunks :]  # before them, the first try's other 6,000-token piece
    assert engine.window == 4096 and len(pieces) > 2 and len(rest) <= len(pieces) + 1
    for request in pieces:
        prompt = estimate_tokens(request.text("system") + request.text("user"))
        assert prompt + request.body["max_tokens"] <= 4096
    assert "context window is 4096 tokens" in brief.meta.warnings[0]

    asked = len(server.completions())
    asyncio.run(engine.abrief(LONG))  # the next article is cut from the start
    assert len(server.completions()) == asked + len(pieces)


def test_a_refusal_is_not_retried_when_chunks_are_set_or_the_window_is_known(
    server: ScriptedServer,
) -> None:
    from summarizer.errors import EndpointError

    server.error(400, REFUSAL.format(n=4096))
    with pytest.raises(EndpointError, match=r"maximum context length is 4096.*--chunk-tokens"):
        asyncio.run(engine_for(server, chunk_tokens=9000).abrief(LONG))
    assert len(server.completions()) == 1

    server.props = {"n_ctx": 4096}
    server.error(400, REFUSAL.format(n=4096))  # the window is known and still too small
    with pytest.raises(EndpointError, match="maximum context length"):
        asyncio.run(engine_for(server).abrief(ARTICLE_SHORT))
    assert len(server.completions()) == 2


def test_a_stream_broken_by_a_too_long_prompt_is_asked_unstreamed_and_then_cut_to_fit(
    server: ScriptedServer,
) -> None:
    """llama-cpp-python streams a 200 and breaks off when the prompt is too long; only an
    unstreamed request gets its 400 naming the window."""
    server.n_ctx = 4096
    for _ in range(40):
        server.answer(ANSWER)
    engine = engine_for(server, chunk_overlap_sentences=0)
    brief = asyncio.run(engine.abrief(LONG))

    streamed, plain = server.refused
    assert streamed.body["stream"] is True and plain.body["stream"] is False
    assert engine.window == 4096 and brief.meta.chunks > 2
    last = server.completions()[-brief.meta.chunks :]
    assert not any(r in server.refused for r in last)
    assert all(r.body["stream"] for r in last)  # streaming again once the prompt fits
    assert brief.summary == ANSWER["summary"]


@pytest.mark.parametrize(("stale", "learnt"), [(1, True), (2, False)])
def test_the_unstreamed_ask_is_tried_once_more_on_a_closed_connection(
    server: ScriptedServer, stale: int, learnt: bool
) -> None:
    """Seen with real llama-cpp-python: the unstreamed ask after the empty stream went out on
    the connection the server had just closed. One more try reaches the server's 400; a
    second failure in a row is not hidden behind more tries of the same request."""
    server.n_ctx = 4096
    server.stale_connections = stale
    for _ in range(40):
        server.answer(ANSWER)
    engine = engine_for(server, chunk_overlap_sentences=0, max_attempts=1)

    if learnt:
        brief = asyncio.run(engine.abrief(LONG))
        assert engine.window == 4096 and brief.meta.chunks > 2
        assert brief.summary == ANSWER["summary"]
    else:
        with pytest.raises(EndpointError, match=r"connection .* kept failing"):
            asyncio.run(engine.abrief(LONG))
        assert engine.window != 4096
    assert server.stale_connections == 0
    too_long = [r for r in server.requests if r.path.endswith("/chat/completions")
                and not r.body.get("stream")][: stale + 1]  # fmt: skip
    assert len(too_long) == min(stale + 1, 2)


def test_a_refusal_counting_more_tokens_than_estimated_shrinks_the_window_to_match(
    server: ScriptedServer,
) -> None:
    """SmolLM2's tokenizer counts about 1.2x characters / 4; the server's own count of the
    refused prompt says by how much, and chunks are cut so that its count fits."""
    article_estimate = estimate_tokens(LONG)
    counted = int(article_estimate * 1.5)  # the server's tokenizer: 1.5x our estimate
    server.error(400, "This model's maximum context length is 4096 tokens. However, you "
                 f"requested {counted + 300} tokens ({counted} in the messages, 300 in the "
                 "completion).")  # fmt: skip
    for _ in range(60):
        server.answer(ANSWER)
    engine = engine_for(server, chunk_overlap_sentences=0)
    brief = asyncio.run(engine.abrief(LONG))

    assert engine.window is not None and engine.window < 4096 * 2 // 3 + 1
    for request in server.completions()[-brief.meta.chunks :]:
        prompt = estimate_tokens(request.text("system") + request.text("user"))
        assert 1.5 * prompt + request.body["max_tokens"] <= 4096 + 1  # in the server's count
