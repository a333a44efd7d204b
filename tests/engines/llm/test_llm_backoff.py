"""The wait between retries: exponential backoff with full jitter, Retry-After when sent.

The policy's own wait strategy is read for successive attempts (many draws each, since
the jitter is random), then real retries against ``ScriptedServer`` show those waits are
slept, not just computed.
"""

from __future__ import annotations

import logging
import random
import re
import statistics
import time
from collections.abc import Iterator

import httpx
import openai
import pytest
from llm_cases import ARTICLE, GOOD, claim_ids
from scripted_server import ScriptedServer
from tenacity import Future, RetryCallState

from summarizer.config import LLMSettings
from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.transport import Backoff, TransportPolicy
from summarizer.errors import EndpointError

URL = "http://127.0.0.1:9/v1"
DRAWS = 400


def policy(backoff: Backoff) -> TransportPolicy:
    return TransportPolicy(
        URL, max_attempts=20, total_timeout=600, request_timeout=10, backoff=backoff
    )


def failed(attempt: int, error: BaseException) -> RetryCallState:
    """The retry state after ``attempt`` attempts, the last one failing with ``error``."""
    state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
    state.attempt_number = attempt
    outcome: Future = Future(attempt)
    outcome.set_exception(error)
    state.outcome = outcome
    return state


def dropped() -> openai.APIConnectionError:
    return openai.APIConnectionError(request=httpx.Request("POST", URL))


def refused(status: int, headers: dict[str, str]) -> openai.APIStatusError:
    request = httpx.Request("POST", URL)
    response = httpx.Response(status, headers=headers, request=request)
    return openai.APIStatusError("refused", response=response, body=None)


def waits(backoff: Backoff, attempt: int, error: BaseException | None = None) -> list[float]:
    strategy = policy(backoff)
    state = failed(attempt, error or dropped())
    return [strategy._wait(state) for _ in range(DRAWS)]


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5])
def test_backoff_grows_exponentially_and_jitters_below_its_ceiling(attempt: int) -> None:
    base = 0.1
    ceiling = base * 2 ** (attempt - 1)  # full jitter: uniform in [0, base * 2^(n-1)]
    drawn = waits(Backoff(base=base, maximum=30.0), attempt)

    assert all(0 <= w <= ceiling for w in drawn)
    # Spread over the whole range, not a constant: the top draw reaches past the previous
    # attempt's ceiling, and the mean sits near the middle of the range.
    assert max(drawn) > ceiling / 2
    assert 0.4 * ceiling < statistics.fmean(drawn) < 0.6 * ceiling
    assert len({round(w, 6) for w in drawn}) > DRAWS / 2


def test_backoff_never_waits_past_its_maximum() -> None:
    drawn = waits(Backoff(base=1.0, maximum=3.0), attempt=12)  # 1 * 2^11 s uncapped
    assert all(0 <= w <= 3.0 for w in drawn)
    assert max(drawn) > 2.0


def test_retry_after_replaces_the_backoff_and_is_capped() -> None:
    backoff = Backoff(base=0.1, maximum=0.5, retry_after_cap=4.0)
    assert set(waits(backoff, 1, refused(429, {"Retry-After": "2"}))) == {2.0}
    assert set(waits(backoff, 1, refused(503, {"retry-after-ms": "1500"}))) == {1.5}
    assert set(waits(backoff, 3, refused(429, {"Retry-After": "3600"}))) == {4.0}
    without = waits(backoff, 3, refused(503, {}))
    assert max(without) <= 0.4 and statistics.fmean(without) > 0.1


@pytest.fixture
def seeded() -> Iterator[None]:
    """The jitter from a fixed seed, so the real-retry test never draws waits near zero."""
    saved = random.getstate()
    random.seed(14)
    try:
        yield
    finally:
        random.setstate(saved)


@pytest.mark.usefixtures("seeded")
def test_real_retries_sleep_the_backoff(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(3):
        server.error(503)
    server.answer(GOOD)
    base = 0.2
    engine = LLMEngine(
        LLMSettings(base_url=server.url, model="m", mode="json", max_attempts=5),
        backoff=Backoff(base=base, maximum=5.0),
    )
    caplog.set_level(logging.INFO, logger="summarizer.llm")
    started = time.monotonic()
    brief = engine.brief(ARTICLE)
    elapsed = time.monotonic() - started

    assert claim_ids(brief) == ["c1", "c2"]
    lines = [r.getMessage() for r in caplog.records if r.name == "summarizer.llm"]
    shape = re.compile(rf"retrying {re.escape(server.url)} in ([\d.]+)s "
                       r"\(attempt (\d) failed: HTTP 503\)")  # fmt: skip
    found = [shape.fullmatch(line) for line in lines]
    assert all(found) and [int(m[2]) for m in found if m] == [1, 2, 3], lines
    said = [float(m[1]) for m in found if m]
    for attempt, wait in enumerate(said, start=1):
        assert wait <= base * 2 ** (attempt - 1) + 0.05  # the log rounds to 0.1 s
    assert sum(said) > 0.3
    assert elapsed >= sum(said) - 0.15  # every wait said was slept
    assert elapsed < 10


def test_a_timed_out_request_is_tried_once_more_never_more(server: ScriptedServer) -> None:
    for _ in range(4):
        server.hang(2)
    engine = LLMEngine(
        LLMSettings(base_url=server.url, model="m", mode="json", max_attempts=5, timeout=0.3),
        backoff=Backoff(base=0.01, maximum=0.02),
    )
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"\(after 2 attempts\)"):
        engine.brief(ARTICLE)
    assert len(server.completions()) == 2
    assert time.monotonic() - started < 5
