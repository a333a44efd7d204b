"""TransportPolicy's own rules, seen without a server: which failures are retried, how
many times, what each retry says, how long each request may take, and what the
server's words about its context window and Retry-After are read as.

The request here is an async function that fails as openai's client fails (with the
errors it raises), so each rule is seen directly; the same rules over real HTTP are
in test_llm_transport.py and test_llm_endpoint_faults.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx2
import openai
import pytest

from summarizer.engines.llm.streaming import StreamCut
from summarizer.engines.llm.transport import (
    MIN_REQUEST_SECONDS,
    Backoff,
    ContextExceeded,
    TransportPolicy,
    is_transient,
    retry_after_seconds,
)
from summarizer.errors import EndpointError

URL = "http://127.0.0.1:9/v1"
REQUEST = httpx2.Request("POST", URL + "/chat/completions")
QUICK = Backoff(base=0.001, maximum=0.002)


def policy(max_attempts: int = 5, total: float = 60, request: float = 7) -> TransportPolicy:
    return TransportPolicy(URL, max_attempts=max_attempts, total_timeout=total,
                           request_timeout=request, backoff=QUICK, stall_timeout=4)  # fmt: skip


def status(
    code: int, message: str = "no", body: object = None, **headers: str
) -> openai.APIStatusError:
    response = httpx2.Response(code, headers=headers, request=REQUEST)
    return openai.APIStatusError(message, response=response, body=body)


def dropped(message: str = "Connection error.") -> openai.APIConnectionError:
    return openai.APIConnectionError(message=message, request=REQUEST)


def timed_out() -> openai.APITimeoutError:
    return openai.APITimeoutError(request=REQUEST)


class Script:
    """A request that fails with each of ``failures`` in turn, then answers "ok";
    it records the timeout each call was given."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.timeouts: list[float] = []

    async def __call__(self, timeout: float) -> str:
        self.timeouts.append(timeout)
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def run(
    rules: TransportPolicy, fn: Callable[[float], Awaitable[str]], deadline: float | None = None
) -> str:
    return asyncio.run(rules.call(fn, model="m1", deadline=deadline))


def fails(rules: TransportPolicy, fn: Script, deadline: float | None = None) -> str:
    with pytest.raises(EndpointError) as caught:
        run(rules, fn, deadline)
    return str(caught.value)


# --------------------------------------------------------------------------- #
# What is retried, and how often
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("code", [408, 409, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(code: int) -> None:
    script = Script(status(code), status(code))
    assert run(policy(), script) == "ok"
    assert len(script.timeouts) == 3


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_other_statuses_are_not_retried(code: int) -> None:
    script = Script(status(code))
    fails(policy(), script)
    assert len(script.timeouts) == 1


def test_what_is_transient() -> None:
    assert is_transient(dropped()) and is_transient(timed_out())
    assert is_transient(status(503)) and not is_transient(status(400))
    assert not is_transient(ValueError("not openai's"))


def test_attempts_stop_at_max_attempts_and_are_counted() -> None:
    script = Script(*[status(503, "busy")] * 5)
    assert fails(policy(max_attempts=3), script) == (
        f"{URL} kept failing with HTTP 503 (after 3 attempts): busy; try again later"
    )
    assert len(script.timeouts) == 3


@pytest.mark.parametrize("asked", [0, -2])
def test_at_least_one_attempt_is_made(asked: int) -> None:
    script = Script(status(503, "busy"))
    assert fails(policy(max_attempts=asked), script).endswith("(after 1 attempt): busy; try "
                                                              "again later")  # fmt: skip
    assert len(script.timeouts) == 1


def test_a_timeout_is_tried_once_more_never_more() -> None:
    script = Script(timed_out(), dropped(), timed_out(), timed_out())
    line = fails(policy(max_attempts=10), script)
    assert line.startswith(f"{URL} did not answer within 7s (after 3 attempts)")
    assert len(script.timeouts) == 3
    once = Script(timed_out())
    assert run(policy(max_attempts=10), once) == "ok"


def test_no_retry_starts_once_the_budget_is_spent() -> None:
    script = Script(*[status(503, "busy", **{"retry-after": "0.3"})] * 10)
    started = time.monotonic()
    fails(policy(max_attempts=10, total=0.5), script)
    assert 2 <= len(script.timeouts) <= 3
    assert time.monotonic() - started < 5
    spent = Script(status(503))
    fails(policy(max_attempts=10), spent, deadline=time.monotonic() - 1)
    assert len(spent.timeouts) == 1


# --------------------------------------------------------------------------- #
# How long each request may take
# --------------------------------------------------------------------------- #


def test_each_request_gets_the_request_timeout_cut_to_the_budget_left() -> None:
    rules = policy(request=7)
    now = time.monotonic()
    assert rules.timeout(now + 100) == 7
    assert rules.timeout(now + 3) == pytest.approx(3, abs=0.5)
    assert rules.timeout(now - 10) == MIN_REQUEST_SECONDS
    assert rules.deadline() == pytest.approx(time.monotonic() + 60, abs=0.5)


def test_the_requests_of_one_call_share_its_deadline() -> None:
    script = Script(status(503))
    run(policy(request=30), script, deadline=time.monotonic() + 5)
    first, second = script.timeouts
    assert 3 < first <= 5 and second <= first


def test_a_spent_budget_is_named_in_the_error() -> None:
    script = Script(timed_out())
    line = fails(policy(max_attempts=1), script, deadline=time.monotonic() + 0.01)
    assert line.startswith(f"{URL} gave no answer within the 60s budget (after 1 attempt)")
    line = fails(policy(max_attempts=1), Script(timed_out()))
    assert line.startswith(f"{URL} did not answer within 7s (after 1 attempt)")


# --------------------------------------------------------------------------- #
# One log line per retry, saying why
# --------------------------------------------------------------------------- #


def retry_lines(caplog: pytest.LogCaptureFixture, *failures: Exception) -> list[str]:
    caplog.set_level(logging.INFO, logger="summarizer.llm")
    run(policy(max_attempts=10), Script(*failures))
    return [r.getMessage() for r in caplog.records if r.name == "summarizer.llm"]


def test_each_retry_says_why_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    lines = retry_lines(
        caplog,
        status(502),
        StreamCut(REQUEST, tokens=12, stalled=True, seconds=4),
        dropped("reset by peer " + "x" * 200),
    )
    reasons = [line.split(" failed: ", 1)[1].rstrip(")") for line in lines]
    assert reasons[:2] == ["HTTP 502", "no token for 4s after 12 tokens"]
    assert reasons[2].startswith("reset by peer x") and len(reasons[2]) <= 120
    assert [line.split(" (attempt ")[1].split(" ")[0] for line in lines] == ["1", "2", "3"]
    assert all(line.startswith(f"retrying {URL} in 0.0s ") for line in lines)


def test_a_timed_out_retry_says_whether_the_answer_was_arriving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    [silent] = retry_lines(caplog, timed_out())
    assert silent.endswith("(attempt 1 failed: no answer within 7s)")
    caplog.clear()
    [arriving] = retry_lines(caplog, StreamCut(REQUEST, tokens=40, stalled=False, seconds=7))
    assert arriving.endswith("(attempt 1 failed: answer still arriving after 7s (40 tokens))")


def test_the_retry_line_gives_the_wait_retry_after_asked_for(
    caplog: pytest.LogCaptureFixture,
) -> None:
    [line] = retry_lines(caplog, status(429, **{"retry-after-ms": "250"}))
    assert line == f"retrying {URL} in 0.2s (attempt 1 failed: HTTP 429)"


# --------------------------------------------------------------------------- #
# The one-line error when retrying did not help
# --------------------------------------------------------------------------- #


def test_a_dropped_connection_by_its_context_or_cause() -> None:
    refused = dropped()
    refused.__context__ = ConnectionRefusedError("refused")
    assert fails(policy(max_attempts=1), Script(refused)) == (
        f"cannot reach {URL}: is the server running?"
    )
    broken = dropped("reset by peer")
    broken.__context__ = OSError("reset")
    assert fails(policy(max_attempts=2), Script(broken, broken)) == (
        f"the connection to {URL} kept failing (after 2 attempts): reset by peer"
    )


LONG = "odd " + "y" * 197  # 201 characters: one too many, clipped to 197 and "..."
CLIPPED = LONG[:197] + "..."


def test_another_openai_error_is_quoted_and_clipped() -> None:
    line = str(policy().explain(openai.OpenAIError(LONG), 1, "m1"))
    assert line == f"request to {URL} failed: {CLIPPED}"
    assert str(policy().explain(openai.OpenAIError(LONG[:200]), 1, "m1")).endswith(LONG[:200])


def test_a_server_error_without_a_message_in_its_body() -> None:
    said = str(policy().explain(status(500, "Internal", body="overloaded"), 2, "m1"))
    assert (
        said == f"{URL} kept failing with HTTP 500 (after 2 attempts): overloaded; try again later"
    )
    bare = str(policy().explain(status(502, "Bad gateway", body={"error": 1}), 2, "m1"))
    assert bare.endswith("(after 2 attempts): Bad gateway; try again later")
    long = str(policy().explain(status(503, LONG), 2, "m1"))
    assert long.endswith(f"(after 2 attempts): {CLIPPED}; try again later")


def test_another_refusal_clips_the_message() -> None:
    line = str(policy().explain(status(422, LONG), 1, "m1"))
    assert line == f"{URL} rejected the request (HTTP 422): {CLIPPED}"


# --------------------------------------------------------------------------- #
# The context window a server names
# --------------------------------------------------------------------------- #

WINDOW = "This model's maximum context length is 2048 tokens"


@pytest.mark.parametrize(("message", "prompt"), [
    (f"{WINDOW}. However, you requested 2500 tokens (2400 in the messages, 100 in the "
     "completion).", 2400),
    (f"{WINDOW}, however your messages resulted in 3100 tokens.", 3100),
    (f"{WINDOW}.", None),
])  # fmt: skip
def test_the_window_and_the_prompt_s_size_are_read(message: str, prompt: int | None) -> None:
    raised = policy().explain(status(400, message), 1, "m1")
    assert isinstance(raised, ContextExceeded)
    assert (raised.window, raised.prompt_tokens, raised.estimate) == (2048, prompt, None)
    assert str(raised) == (f"{URL} rejected the request (HTTP 400): {message}: "
                           "pass --chunk-tokens")  # fmt: skip


def test_the_window_only_counts_on_a_400() -> None:
    raised = policy().explain(status(413, f"{WINDOW}."), 1, "m1")
    assert not isinstance(raised, ContextExceeded)
    assert not isinstance(policy().explain(status(400, "bad field"), 1, "m1"), ContextExceeded)


def test_the_window_in_our_estimate_shrinks_when_the_server_counts_more() -> None:
    error = ContextExceeded("x", 2048, prompt_tokens=3000)
    assert error.window_in_estimates() == 2048  # our estimate unknown
    error.estimate = 2000
    assert error.window_in_estimates() == 2048 * 2000 // 3000
    error.estimate = 3000  # the same count: the window as said
    assert error.window_in_estimates() == 2048
    error.estimate = 4000  # the server counts fewer: never widened
    assert error.window_in_estimates() == 2048
    unknown = ContextExceeded("x", 2048)
    unknown.estimate = 2000
    assert unknown.window_in_estimates() == 2048


# --------------------------------------------------------------------------- #
# Retry-After
# --------------------------------------------------------------------------- #


def test_retry_after_is_never_negative() -> None:
    now = 1_700_000_000.0
    assert retry_after_seconds({"retry-after": "-5"}, now) == 0.0
    assert retry_after_seconds({"retry-after-ms": "-5"}, now) == 0.0
    past = format_datetime(datetime.fromtimestamp(now - 60, UTC), usegmt=True)
    assert retry_after_seconds({"retry-after": past}, now) == 0.0


def test_bad_milliseconds_fall_back_to_retry_after() -> None:
    assert retry_after_seconds({"retry-after-ms": "soon", "retry-after": "3"}, 0.0) == 3.0
    assert retry_after_seconds({"retry-after-ms": "soon"}, 0.0) is None


def test_no_headers_or_an_unreadable_date_is_no_wait() -> None:
    assert retry_after_seconds(None) is None
    assert retry_after_seconds({"retry-after": "Mon, 99 Foo 2024 99:99:99 GMT"}, 0.0) is None


def test_a_date_is_measured_from_now_by_default() -> None:
    soon = format_datetime(datetime.fromtimestamp(time.time() + 30, UTC), usegmt=True)
    assert retry_after_seconds({"retry-after": soon}) == pytest.approx(30, abs=2)
