"""A failing model endpoint: every fault ends in a clear one-line error or a valid brief, in time.

The openai client is not patched: the engine and the CLI talk over HTTP to
``ScriptedServer`` (or to a socket that accepts and never answers) on 127.0.0.1.
Budgets and timeouts are tiny; each test asserts the time is bounded: by the budget,
or, for errors that are not retried, by how long the CLI takes to start.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from llm_cases import ARTICLE, GOOD, draft, engine_for
from scripted_server import ScriptedServer

from summarizer.errors import EndpointError, ExtractionError
from summarizer.schema import ArticleBrief

SLACK = 2.0  # seconds over the budget allowed for scheduling on a busy machine
CLI_START = 15.0  # seconds a CLI subprocess may take to import and start on a quiet machine
BUDGET = 5.0  # the brief budget of tests whose answers come at once


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Assert the block ends within ``seconds`` (plus SLACK for a busy machine)."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started < seconds + SLACK


def cli_start() -> float:
    """CLI_START, or three times what importing the CLI and the LLM engine takes now when
    that is longer: other jobs (a mutation run, say) may keep every core busy."""
    started = time.monotonic()
    imports = "import summarizer.cli.app, summarizer.engines.llm.engine"
    subprocess.run([sys.executable, "-c", imports], check=True, timeout=120)
    return max(CLI_START, 3 * (time.monotonic() - started))


def run_cli(
    article: Path, url: str, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command's result, and how long it took beyond what starting a CLI may take
    on this machine now (see cli_start): the time the endpoint's faults cost."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    allowance = cli_start() - CLI_START
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(article), "--format", "json",
         "--engine", "llm", "--base-url", url, "--model", "scripted-model", *options],
        capture_output=True, text=True, env={**clean, **(env or {})}, timeout=120,
    )  # fmt: skip
    return result, time.monotonic() - started - allowance


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed run, after checking it is one line and no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines()
             if not line.startswith("summarizer: retrying ")]  # one line per retry  # fmt: skip
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("summarizer: error: ")
    return lines[0]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server that accepts connections and never reads or answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def assert_grounded(brief: ArticleBrief) -> None:
    assert brief.ungrounded(ARTICLE) == []


# --------------------------------------------------------------------------- #
# Errors retrying cannot fix: at once, one line, what to do
# --------------------------------------------------------------------------- #


def test_wrong_key_is_one_line_naming_the_key(server: ScriptedServer, article: Path) -> None:
    server.error(401, "invalid api key")
    result, seconds = run_cli(article, server.url)
    assert seconds < CLI_START  # not retried: at once
    line = one_line_error(result)
    assert result.returncode == 3
    assert "authentication refused" in line and "OPENAI_API_KEY" in line
    assert len(server.completions()) == 1
    assert result.stdout == ""


def test_model_not_found_is_one_line_naming_the_option(
    server: ScriptedServer, article: Path
) -> None:
    server.error(404, "model not found")
    result, seconds = run_cli(article, server.url)
    assert seconds < CLI_START  # not retried: at once
    line = one_line_error(result)
    assert result.returncode == 3
    assert "model 'scripted-model' not found" in line and "--model" in line
    assert len(server.completions()) == 1


# --------------------------------------------------------------------------- #
# Faults that are retried: stopped by the budget, with a message saying what to do
# --------------------------------------------------------------------------- #


def test_429_storm_longer_than_the_budget_stops_at_the_budget(server: ScriptedServer) -> None:
    for _ in range(100):
        server.error(429, "rate limited", headers={"Retry-After": "0.2"})
    engine = engine_for(server, max_attempts=100, total_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(EndpointError) as caught:
        engine.brief(ARTICLE)
    assert time.monotonic() - started < 1.0 + SLACK
    message = str(caught.value)
    assert "429 rate limit" in message and "--budget" in message and "--concurrency" in message
    assert 2 <= len(server.completions()) <= 6  # retried, but only as long as the budget allowed


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_storm_stops_at_the_budget(server: ScriptedServer, status: int) -> None:
    for _ in range(100):
        server.error(status, headers={"Retry-After": "0.1"})
    engine = engine_for(server, max_attempts=100, total_timeout=0.8)
    started = time.monotonic()
    with pytest.raises(EndpointError, match=rf"HTTP {status} .*try again later"):
        engine.brief(ARTICLE)
    assert time.monotonic() - started < 0.8 + SLACK
    assert len(server.completions()) >= 2


def test_timeouts_every_time_stop_at_the_budget(server: ScriptedServer) -> None:
    for _ in range(20):
        server.hang(5)
    engine = engine_for(server, timeout=0.3, max_attempts=20, total_timeout=1.2)
    started = time.monotonic()
    with pytest.raises(EndpointError) as caught:
        engine.brief(ARTICLE)
    assert time.monotonic() - started < 1.2 + SLACK
    assert "--budget" in str(caught.value) or "--timeout" in str(caught.value)
    assert len(server.completions()) >= 2


def test_server_that_never_answers_is_cut_at_the_budget_not_the_timeout(silent_url: str) -> None:
    from summarizer.config import LLMSettings
    from summarizer.engines.llm.engine import LLMEngine
    from summarizer.engines.llm.transport import Backoff

    settings = LLMSettings(base_url=silent_url, model="m", timeout=30, total_timeout=1.0)
    engine = LLMEngine(settings, backoff=Backoff(base=0.05, maximum=0.1))
    started = time.monotonic()
    with pytest.raises(EndpointError) as caught:
        engine.brief(ARTICLE)
    assert time.monotonic() - started < 1.0 + SLACK
    assert str(caught.value).startswith(f"{silent_url} gave no answer within the 1s budget")
    assert "raise --budget (SUMMARIZER_BUDGET)" in str(caught.value)


async def test_async_server_that_never_answers_is_cut_at_the_budget(silent_url: str) -> None:
    from summarizer.config import LLMSettings
    from summarizer.engines.llm.engine import LLMEngine

    engine = LLMEngine(LLMSettings(base_url=silent_url, model="m", timeout=30, total_timeout=1.0))
    started = time.monotonic()
    with pytest.raises(EndpointError, match="within the 1s budget"):
        await engine.abrief(ARTICLE)
    assert time.monotonic() - started < 1.0 + SLACK


def test_cli_budget_option_bounds_a_silent_server(silent_url: str, article: Path) -> None:
    result, seconds = run_cli(article, silent_url, "--timeout", "60", "--budget", "1")
    line = one_line_error(result)
    assert result.returncode == 3
    assert "within the 1s budget" in line and "--budget" in line
    assert seconds < 1 + CLI_START  # far below the 60 s request timeout


def test_cli_budget_from_the_environment(silent_url: str, article: Path) -> None:
    env = {"SUMMARIZER_TIMEOUT": "60", "SUMMARIZER_BUDGET": "1"}
    result, seconds = run_cli(article, silent_url, env=env)
    assert "within the 1s budget" in one_line_error(result)
    assert seconds < 1 + CLI_START


def test_cli_429_storm_is_one_line_within_the_budget(server: ScriptedServer, article: Path) -> None:
    for _ in range(100):
        server.error(429, headers={"Retry-After": "0.3"})
    result, seconds = run_cli(article, server.url, "--budget", "1.5")
    line = one_line_error(result)
    assert "429 rate limit" in line and "--budget" in line
    assert seconds < 1.5 + CLI_START
    assert len(server.completions()) < 10


# --------------------------------------------------------------------------- #
# Answers that arrive but are wrong: a valid brief with warnings, or a clear error
# --------------------------------------------------------------------------- #


TRUNCATED = (
    '{"summary": "The Springfield council voted to close the Elm Street bridge.", '
    '"claims": [{"id": "c1", "statement": "The council voted 7-2 to close the bridge.", '
    '"attribution": "narration", "evidence": ["The city council voted 7-2 on Tuesday'
)


def test_truncated_json_is_salvaged_into_a_grounded_brief(server: ScriptedServer) -> None:
    server.content(TRUNCATED)  # finish_reason "stop", but the object never ends: cut off
    with within(BUDGET):
        brief = engine_for(server, max_reasks=2, total_timeout=BUDGET).brief(ARTICLE)

    assert len(server.completions()) == 1  # a cut-off answer is salvaged, not re-asked
    assert brief.summary == "The Springfield council voted to close the Elm Street bridge."
    assert [e.text for c in brief.claims for e in c.evidence] == [
        "The city council voted 7-2 on Tuesday"
    ]
    assert any("cut off" in w for w in brief.meta.warnings), brief.meta.warnings
    assert_grounded(brief)


def test_every_quote_invented_leaves_no_claim_and_says_why(server: ScriptedServer) -> None:
    invented: dict[str, Any] = draft()
    for group in ("sources", "claims", "unknowns"):
        for number, item in enumerate(invented[group]):
            item["evidence"] = [f"words the article never contained, number {group} {number}"]
    server.answer(invented)
    server.answer({"items": []})  # asked again, the model finds no quote either
    with within(BUDGET):
        brief = engine_for(server, max_reasks=2, total_timeout=BUDGET).brief(ARTICLE)

    requests = server.completions()
    assert len(requests) == 2  # the lost items are asked for again once, together
    asked = str(requests[1].messages[-1]["content"])
    assert "c1:" in asked and "u1:" in asked and "not in the article word for word" in asked
    assert brief.claims == [] and brief.unknowns == []
    assert all(s.evidence == [] for s in brief.sources)
    assert brief.evidence_items() == []
    warnings = " | ".join(brief.meta.warnings)
    assert "claim c1 dropped: no quote from the article supports it" in warnings
    assert "unknown u1 dropped" in warnings
    assert "open question" in warnings  # its reference to u1 went with u1
    assert all(q.based_on == [] for q in brief.open_questions)


def test_answer_in_the_wrong_schema_is_reasked_then_an_extraction_error(
    server: ScriptedServer,
) -> None:
    wrong = {"headline": "Bridge closed", "bullets": ["council voted", "repairs"], "claims": "c1"}
    for _ in range(3):
        server.answer(wrong)
    with within(BUDGET), pytest.raises(ExtractionError, match="gave no usable brief in 3"):
        engine_for(server, max_reasks=2, total_timeout=BUDGET).brief(ARTICLE)
    assert len(server.completions()) == 3


def test_wrong_schema_then_right_one_gives_the_right_brief(server: ScriptedServer) -> None:
    server.answer({"headline": "Bridge closed"})
    server.answer(GOOD)
    with within(BUDGET):
        brief = engine_for(server, total_timeout=BUDGET).brief(ARTICLE)
    assert [c.id for c in brief.claims] == ["c1", "c2"]
    assert brief.meta.warnings == []
    assert brief.meta.attempts == 2
    assert_grounded(brief)


def test_answer_that_is_not_an_object_is_one_line_exit_4(
    server: ScriptedServer, article: Path
) -> None:
    for _ in range(3):
        server.content('["the council", "voted"]')
    result, seconds = run_cli(article, server.url, "--budget", "5")
    assert seconds < 5 + CLI_START
    line = one_line_error(result)
    assert result.returncode == 4
    assert "gave no usable brief in 3 attempts" in line and "try another --mode" in line
    assert result.stdout == ""


# --------------------------------------------------------------------------- #
# One budget for the whole brief: the mode probe and every re-ask share it
# --------------------------------------------------------------------------- #

TIGHT = 0.6  # seconds over the budget: less than any one extra request here would add


def test_reasks_share_the_brief_budget(server: ScriptedServer) -> None:
    for _ in range(3):  # each answer takes 0.8 s and is no JSON: three would take 2.4 s
        server.content("no JSON here", seconds=0.8)
    engine = engine_for(server, total_timeout=1.5, max_reasks=2)
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"within the 1\.5s budget"):
        engine.brief(ARTICLE)
    assert time.monotonic() - started < 1.5 + TIGHT
    assert len(server.completions()) == 2  # the second was cut at the deadline


def test_mode_probe_counts_against_the_budget(silent_url: str) -> None:
    from summarizer.config import LLMSettings
    from summarizer.engines.llm.engine import LLMEngine

    # Auto mode with a model given probes GET /v1/models once; here it hangs too.
    settings = LLMSettings(base_url=silent_url, model="m", timeout=30, total_timeout=2.0)
    engine = LLMEngine(settings)
    started = time.monotonic()
    with pytest.raises(EndpointError, match="within the 2s budget"):
        engine.brief(ARTICLE)
    assert time.monotonic() - started < 2.0 + TIGHT
