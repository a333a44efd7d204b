"""Transport retries: what to do when the HTTP call to the model fails.

This is separate from validation re-asks (instructor's loop): a 429 or a
dropped connection is retried here with backoff and never costs a re-ask.
Errors that retrying cannot fix (401, 403, 404, 400) and errors that keep
happening become an ``EndpointError`` with a one-line message.

A timeout is retried at most once (a model too slow for ``--timeout`` would only
be slow again); other transient errors are retried up to ``max_attempts``.
Each retry is one INFO line on the ``summarizer.llm`` logger (the CLI shows it;
the library adds a ``NullHandler`` and stays silent).

``ClientPool`` holds the HTTP client: one per event loop, closed when the last
brief using it ends, before its loop does.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from summarizer.engines.llm.streaming import StreamCut, timeout_tokens
from summarizer.errors import EndpointError
from summarizer.text import clip

T = TypeVar("T")
log = logging.getLogger("summarizer.llm")
log.addHandler(logging.NullHandler())  # silent unless the application shows it (the CLI does)

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_TIMEOUTS = 2  # a request that timed out is tried once more, never more
# A request never gets less than this, so the last one left in the budget can still answer.
MIN_REQUEST_SECONDS = 0.05


class ContextExceeded(EndpointError):
    """The server refused a prompt too long for its context window, and said how long that
    is (llama-cpp-python, vLLM and OpenAI all word it "maximum context length is N")."""

    def __init__(self, message: str, window: int, prompt_tokens: int | None = None) -> None:
        super().__init__(message)
        self.window = window
        self.prompt_tokens = prompt_tokens  # the server's count of the refused prompt, if said
        self.estimate: int | None = None  # ours (characters / 4), set by whoever sent it

    def window_in_estimates(self) -> int:
        """The window in our estimated tokens: smaller when the server's tokenizer counts
        more tokens than characters / 4 (SmolLM2's: about 1.2 times as many)."""
        if not self.prompt_tokens or not self.estimate or self.prompt_tokens <= self.estimate:
            return self.window
        return self.window * self.estimate // self.prompt_tokens


_WINDOW = re.compile(r"maximum context length is (\d+) tokens")
_PROMPT = re.compile(r"(\d+) in the messages|messages resulted in (\d+) tokens")


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter; ``Retry-After`` wins when the server sends it."""

    base: float = 1.0
    maximum: float = 30.0
    retry_after_cap: float = 60.0


def is_transient(error: BaseException) -> bool:
    if isinstance(error, openai.APIConnectionError):  # includes timeouts and refused
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code in RETRYABLE_STATUS


def retry_after_seconds(headers: object, now: float | None = None) -> float | None:
    """Seconds asked for by ``retry-after-ms`` / ``Retry-After`` (seconds or HTTP date)."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    millis = get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


class stop_when(stop_base):  # named like tenacity's stops
    """A tenacity stop condition from a function of the retry state."""

    def __init__(self, predicate: Callable[[RetryCallState], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.predicate(retry_state)


class TransportPolicy:
    """Retry one HTTP call to ``url``: at most ``max_attempts``, ending by a deadline."""

    def __init__(
        self,
        url: str,
        *,
        max_attempts: int,
        total_timeout: float,
        request_timeout: float,
        backoff: Backoff | None = None,
        stall_timeout: float | None = None,
    ) -> None:
        self.url = url
        self.max_attempts = max(1, max_attempts)
        self.total_timeout = total_timeout
        self.request_timeout = request_timeout
        self.stall_timeout = stall_timeout
        self.backoff = backoff or Backoff()
        self._jitter = wait_random_exponential(
            multiplier=self.backoff.base, max=self.backoff.maximum
        )

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        response = getattr(error, "response", None)
        asked = retry_after_seconds(getattr(response, "headers", None))
        if asked is not None:
            return min(asked, self.backoff.retry_after_cap)
        return float(self._jitter(state))

    def deadline(self) -> float:
        """When a budget starting now runs out (``time.monotonic`` seconds)."""
        return time.monotonic() + self.total_timeout

    def _options(self, deadline: float) -> dict[str, object]:
        left = max(deadline - time.monotonic(), 0.0)
        timeouts = 0

        def timed_out_twice(state: RetryCallState) -> bool:
            nonlocal timeouts
            error = state.outcome.exception() if state.outcome else None
            timeouts += isinstance(error, openai.APITimeoutError)
            return timeouts >= MAX_TIMEOUTS

        return {
            "retry": retry_if_exception(is_transient),
            "stop": stop_after_attempt(self.max_attempts)
            | stop_before_delay(left)
            | stop_when(timed_out_twice),
            "wait": self._wait,
            "before_sleep": self._say_retry,
            "reraise": True,
        }

    def _say_retry(self, state: RetryCallState) -> None:
        """One line per retry, on the ``summarizer.llm`` logger."""
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.info(
            "retrying %s in %.1fs (attempt %d failed: %s)",
            self.url, wait, state.attempt_number, self._reason(error),
        )  # fmt: skip

    def _reason(self, error: BaseException | None) -> str:
        if isinstance(error, StreamCut) and error.stalled:
            return f"no token for {self.stall_timeout:g}s after {error.tokens} tokens"
        if isinstance(error, openai.APITimeoutError):
            tokens = timeout_tokens(error)
            if tokens:
                return f"answer still arriving after {self.request_timeout:g}s ({tokens} tokens)"
            return f"no answer within {self.request_timeout:g}s"
        if isinstance(error, openai.APIStatusError):
            return f"HTTP {error.status_code}"
        return clip(str(error), 120) if error else "unknown error"

    def timeout(self, deadline: float) -> float:
        """Seconds the next request may take: the request timeout, cut to the budget left."""
        return max(min(self.request_timeout, deadline - time.monotonic()), MIN_REQUEST_SECONDS)

    @staticmethod
    def _spent(deadline: float) -> bool:
        return deadline - time.monotonic() < MIN_REQUEST_SECONDS

    async def call(
        self,
        fn: Callable[[float], Awaitable[T]],
        *,
        model: str | None = None,
        deadline: float | None = None,
    ) -> T:
        """``await fn(timeout)``, retried; every request ends by ``deadline``.

        Calls that belong to one brief share its deadline, so the budget bounds the
        whole brief; without one, the budget starts now.
        """
        attempts, deadline = 0, self.deadline() if deadline is None else deadline
        try:
            async for attempt in AsyncRetrying(**self._options(deadline)):  # type: ignore[arg-type]
                with attempt:
                    attempts += 1
                    return await fn(self.timeout(deadline))
        except openai.OpenAIError as error:
            raise self.explain(error, attempts, model, self._spent(deadline)) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def explain(
        self, error: openai.OpenAIError, attempts: int, model: str | None, spent: bool = False
    ) -> EndpointError:
        """The one-line error a user sees for a failure that retrying did not fix.

        ``spent`` says the time budget ran out before the last request could end.
        """
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        if isinstance(error, openai.APIConnectionError):  # timeouts included
            return EndpointError(self._no_answer(error, tries, spent))
        if isinstance(error, openai.APIStatusError):
            refusal = self._refusal(error, tries, model)
            if error.status_code == 400 and (found := _WINDOW.search(str(error.message))):
                said = _PROMPT.search(str(error.message))
                prompt = int(said[1] or said[2]) if said else None
                return ContextExceeded(f"{refusal}: pass --chunk-tokens", int(found[1]), prompt)
            return EndpointError(refusal)
        return EndpointError(f"request to {self.url} failed: {clip(str(error), 200)}")

    def _no_answer(self, error: openai.APIConnectionError, tries: str, spent: bool) -> str:
        url = self.url
        if isinstance(error, openai.APITimeoutError):
            return self._out_of_time(error, tries, spent)
        cause = error.__cause__ or error.__context__
        if "connect" in type(cause).__name__.lower():
            return f"cannot reach {url}: is the server running?"
        return f"the connection to {url} kept failing ({tries}): {error}"

    def _out_of_time(self, error: openai.APITimeoutError, tries: str, spent: bool) -> str:
        """Which setting would help: it depends on whether the answer was arriving."""
        url, tokens = self.url, timeout_tokens(error)
        if isinstance(error, StreamCut) and error.stalled:
            return (
                f"{url} stopped sending: no token for {self.stall_timeout:g}s after {tokens} "
                f"({tries}): the server is stuck or overloaded; try again later, or raise "
                "SUMMARIZER_STALL_TIMEOUT"
            )
        if tokens and spent:
            return (
                f"the {self.total_timeout:g}s budget ran out while {url} was still answering "
                f"({tokens} tokens arrived, {tries}): raise --budget (SUMMARIZER_BUDGET) and "
                "--timeout (SUMMARIZER_TIMEOUT), or lower --max-tokens (SUMMARIZER_MAX_TOKENS)"
            )
        if tokens:
            return (
                f"{url} was still answering after {self.request_timeout:g}s ({tokens} tokens "
                f"arrived, {tries}): the model is too slow for this answer length; raise "
                "--timeout (SUMMARIZER_TIMEOUT) or lower --max-tokens (SUMMARIZER_MAX_TOKENS)"
            )
        if spent:
            return (
                f"{url} gave no answer within the {self.total_timeout:g}s budget ({tries}): "
                "raise --budget (SUMMARIZER_BUDGET) or check that the server is working"
            )
        return (
            f"{url} did not answer within {self.request_timeout:g}s ({tries}): nothing "
            "arrived; is the server down or overloaded? check it, or raise --timeout "
            "(SUMMARIZER_TIMEOUT) if it reads long prompts slowly"
        )

    def _refusal(self, error: openai.APIStatusError, tries: str, model: str | None) -> str:
        url = self.url
        if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
            return f"authentication refused by {url}: check OPENAI_API_KEY"
        if isinstance(error, openai.NotFoundError):
            return (
                f"model {model!r} not found on {url}: check --model / SUMMARIZER_MODEL "
                "and that the URL ends in /v1"
            )
        if error.status_code == 429:
            return (
                f"{url} kept refusing with 429 rate limit ({tries}): wait, lower "
                "--concurrency, or raise --budget (SUMMARIZER_BUDGET)"
            )
        if error.status_code in RETRYABLE_STATUS:
            said = error.body.get("message") if isinstance(error.body, dict) else error.body
            return (
                f"{url} kept failing with HTTP {error.status_code} ({tries}): "
                f"{clip(str(said or error.message), 200)}; try again later"
            )
        return f"{url} rejected the request (HTTP {error.status_code}): {clip(error.message, 200)}"


@cache
def tls_context() -> ssl.SSLContext | None:
    """The TLS context openai's HTTP library would build, built once for every client.

    Building one reads the CA store (about 20 ms), and each event loop needs its own
    client. None when openai's HTTP library is not httpx2: each client builds its own.
    """
    try:
        import httpx2
    except ImportError:  # pragma: no cover - older openai, on httpx
        return None
    if not issubclass(openai.DefaultAsyncHttpxClient, httpx2.AsyncClient):
        return None  # pragma: no cover
    context: ssl.SSLContext = httpx2.create_ssl_context()
    return context


@dataclass
class _Lease:
    client: openai.AsyncOpenAI
    users: int = 0


class ClientPool:
    """One ``AsyncOpenAI`` client per event loop, open while some call in that loop uses it.

    Pooled connections belong to the loop that opened them, and a client still open
    when its loop ends is closed later on a dead loop ("Event loop is closed"). So
    the first user in a loop opens the client, concurrent users share it, and the
    last one closes it.
    """

    def __init__(self, **options: Any) -> None:
        self.options = options  # for openai.AsyncOpenAI
        self._leases: dict[asyncio.AbstractEventLoop, _Lease] = {}

    @asynccontextmanager
    async def client(self) -> AsyncIterator[openai.AsyncOpenAI]:
        """The running loop's client, for the duration of the ``async with`` block."""
        loop = asyncio.get_running_loop()
        lease = self._leases.get(loop)
        if lease is None:
            lease = self._leases[loop] = _Lease(self._open())
        lease.users += 1
        try:
            yield lease.client
        finally:
            lease.users -= 1
            if lease.users == 0:
                del self._leases[loop]
                await lease.client.close()

    def _open(self) -> openai.AsyncOpenAI:
        tls = tls_context()
        http = None if tls is None else openai.DefaultAsyncHttpxClient(verify=tls)
        client = openai.AsyncOpenAI(**self.options, http_client=http)
        _ = client.chat.completions  # openai imports its resources on first use: 0.4 s, now
        return client
