"""Transport faults: retried by TransportPolicy, never costing a re-ask, explained in one line.

Real HTTP to ``ScriptedServer`` on 127.0.0.1; nothing is patched.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time

import pytest
from llm_cases import ARTICLE, FAST, GOOD, claim_ids, engine_for, last_user_turn
from scripted_server import ScriptedServer

from summarizer.config import LLMSettings
from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.transport import Backoff, retry_after_seconds
from summarizer.errors import EndpointError
from summarizer.schema import ArticleBrief

# --------------------------------------------------------------------------- #
# Retried, then a brief
# --------------------------------------------------------------------------- #


def test_429_waits_for_retry_after_then_succeeds(server: ScriptedServer) -> None:
    server.error(429, "slow down", headers={"Retry-After": "1"})
    server.answer(GOOD, usage=(50, 10))
    started = time.monotonic()
    brief = engine_for(server).brief(ARTICLE)

    assert time.monotonic() - started >= 0.95
    assert claim_ids(brief) == ["c1", "c2"]
    assert len(server.completions()) == 2
    assert brief.meta.attempts == 1
    assert brief.meta.usage.total_tokens == 60


def test_retry_after_is_capped(server: ScriptedServer) -> None:
    server.error(503, "busy", headers={"Retry-After": "3600"})
    server.answer(GOOD)
    engine = LLMEngine(
        LLMSettings(base_url=server.url, model="m"), backoff=Backoff(0.01, 0.05, 0.2)
    )
    started = time.monotonic()
    engine.brief(ARTICLE)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(server: ScriptedServer, status: int) -> None:
    server.error(status)
    server.error(status)
    server.answer(GOOD)
    brief = engine_for(server).brief(ARTICLE)
    assert claim_ids(brief) == ["c1", "c2"]
    assert len(server.completions()) == 3


def test_timeout_is_retried(server: ScriptedServer) -> None:
    server.hang(3)
    server.answer(GOOD)
    brief = engine_for(server, timeout=0.3).brief(ARTICLE)
    assert claim_ids(brief) == ["c1", "c2"]
    assert len(server.completions()) == 2


def test_dropped_connection_is_retried(server: ScriptedServer) -> None:
    server.drop()
    server.answer(GOOD)
    brief = engine_for(server).brief(ARTICLE)
    assert claim_ids(brief) == ["c1", "c2"]
    assert len(server.completions()) == 2


def test_429_during_a_reask_does_not_burn_the_reask(server: ScriptedServer) -> None:
    server.answer({"summary": ""})  # holds no brief: re-asked
    server.error(429, headers={"Retry-After": "0"})
    server.answer(GOOD)
    brief = engine_for(server, max_reasks=1).brief(ARTICLE)

    assert brief.meta.warnings == []
    assert claim_ids(brief) == ["c1", "c2"]
    requests = server.completions()
    assert len(requests) == 3
    assert "The answer holds no brief" in last_user_turn(requests[2])


def test_async_transport_faults_are_retried_and_explained(server: ScriptedServer) -> None:

    server.error(503)
    server.drop()
    server.answer(GOOD)
    server.error(401)
    engine = engine_for(server)
    brief = asyncio.run(engine.abrief(ARTICLE))
    assert claim_ids(brief) == ["c1", "c2"]
    with pytest.raises(EndpointError, match="authentication refused by"):
        asyncio.run(engine.abrief(ARTICLE))
    assert len(server.completions()) == 4


def test_retry_after_accepts_seconds_dates_and_milliseconds() -> None:
    now = 1_700_000_000.0
    assert retry_after_seconds({"retry-after": "2"}, now) == 2.0
    assert retry_after_seconds({"retry-after-ms": "250"}, now) == 0.25
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 30))
    assert retry_after_seconds({"retry-after": date}, now) == pytest.approx(30, abs=1)
    assert retry_after_seconds({"retry-after": "soon"}, now) is None
    assert retry_after_seconds({}, now) is None


# --------------------------------------------------------------------------- #
# Retried until the attempts or the budget run out, then one line
# --------------------------------------------------------------------------- #


def test_transport_retries_stop_at_max_attempts(server: ScriptedServer) -> None:
    for _ in range(5):
        server.error(503)
    with pytest.raises(EndpointError) as caught:
        engine_for(server, max_attempts=3).brief(ARTICLE)
    assert str(caught.value) == (
        f"{server.url} kept failing with HTTP 503 (after 3 attempts): "
        "scripted error; try again later"  # the server's own message
    )
    assert len(server.completions()) == 3


def test_transport_retries_stop_within_total_timeout(server: ScriptedServer) -> None:
    for _ in range(10):
        server.error(503, headers={"Retry-After": "0.4"})
    with pytest.raises(EndpointError, match="kept failing with HTTP 503"):
        engine_for(server, max_attempts=10, total_timeout=0.6).brief(ARTICLE)
    assert len(server.completions()) == 2


def test_timeouts_every_time_give_a_clear_error(server: ScriptedServer) -> None:
    server.hang(3)
    server.hang(3)
    with pytest.raises(EndpointError, match=r"did not answer within 0.3s \(after 2 attempts\)"):
        engine_for(server, timeout=0.3, max_attempts=2).brief(ARTICLE)


def test_401_is_not_retried_and_says_which_key(server: ScriptedServer) -> None:
    server.error(401, "bad key")
    with pytest.raises(EndpointError) as caught:
        engine_for(server).brief(ARTICLE)
    assert str(caught.value) == f"authentication refused by {server.url}: check OPENAI_API_KEY"
    assert len(server.completions()) == 1


def test_404_model_not_found_is_not_retried(server: ScriptedServer) -> None:
    server.error(404, "model 'nope' not found")
    with pytest.raises(EndpointError, match=r"model 'nope' not found on http://127\.0\.0\.1"):
        engine_for(server, model="nope").brief(ARTICLE)
    assert len(server.completions()) == 1


def test_unreachable_server_says_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    engine = LLMEngine(LLMSettings(base_url=url, model="m", max_attempts=2), backoff=FAST)
    with pytest.raises(EndpointError) as caught:
        engine.brief(ARTICLE)
    assert str(caught.value) == f"cannot reach {url}: is the server running?"


# --------------------------------------------------------------------------- #
# The HTTP client: one per event loop, closed by the last brief using it
# --------------------------------------------------------------------------- #


def test_briefs_running_together_in_one_loop_share_the_client(server: ScriptedServer) -> None:
    server.answer(GOOD, seconds=0.3)
    server.answer(GOOD)
    engine = engine_for(server)

    async def both() -> list[ArticleBrief]:
        slow = asyncio.create_task(engine.abrief(ARTICLE))
        await asyncio.sleep(0.1)  # the slow one is waiting for its answer
        fast = await engine.abrief(ARTICLE)  # ends first, and must not close the slow one's client
        return [await slow, fast]

    briefs = asyncio.run(both())
    assert [claim_ids(b) for b in briefs] == [["c1", "c2"], ["c1", "c2"]]
    assert len(server.completions()) == 2


def test_blocking_briefs_in_one_process_leave_no_client_open(server: ScriptedServer) -> None:
    """Each ``summarize`` runs its own event loop. A client left open is closed when it is
    garbage-collected, inside whatever loop runs then, on connections of a dead loop:
    "RuntimeError: Event loop is closed". A collection in a later loop shows it."""
    for _ in range(3):
        server.answer(GOOD)
    script = (
        "import asyncio, gc, sys\n"
        "from summarizer import summarize\n"
        "for _ in range(3):\n"
        "    brief = summarize(sys.argv[1], engine='llm', base_url=sys.argv[2], model='m')\n"
        "    print(len(brief.claims))\n"
        "async def collect() -> None:\n"
        "    gc.collect()\n"
        "    await asyncio.sleep(0.05)\n"
        "asyncio.run(collect())\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    result = subprocess.run(
        [sys.executable, "-c", script, ARTICLE, server.url],
        capture_output=True, text=True, env=clean, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "2"]
    assert "Event loop is closed" not in result.stderr
    assert "Traceback" not in result.stderr
