"""Streamed answers, assembled into one ``ChatCompletion``; answers cut off.

``stream_chat`` asks for a streamed answer and assembles its chunks into one
``ChatCompletion``, so callers (instructor) see what a plain request returns.
Streaming lets us cut a generation as it happens: when no chunk arrives for
``stall_timeout`` seconds, or the request runs past its timeout, the stream is
closed, and a server that stops on disconnect (llama-cpp-python does) frees its
slot instead of generating an answer nobody reads. When the server sends no
``usage`` in the stream, completion tokens are the number of chunks that carried
answer text (one token each on llama.cpp, vLLM and Ollama) and prompt tokens
are estimated from the prompt's characters (``summarizer.text.estimate_tokens``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openai
import pydantic_core
from openai.types.chat import ChatCompletion

from summarizer.text import estimate_tokens

try:  # the HTTP library openai uses
    import httpx2 as _httpx
except ImportError:  # pragma: no cover - older openai, on httpx
    import httpx as _httpx  # type: ignore[no-redef]

PROGRESS_EVERY = 1.0  # seconds between "tokens arriving" debug lines
AFTER_DONE_SECONDS = 1.0  # how long to wait for a stream to end after its [DONE]


class StreamCut(openai.APITimeoutError):
    """A streamed answer we cut: no chunk for ``stall_timeout`` s, or past the request timeout.

    ``tokens`` is how much had arrived; ``stalled`` tells the two apart.
    """

    def __init__(self, request: Any, *, tokens: int, stalled: bool, seconds: float) -> None:
        super().__init__(request=request)
        self.tokens, self.stalled, self.seconds = tokens, stalled, seconds
        what = "stalled" if stalled else "still arriving"
        self.message = f"answer {what} after {seconds:g}s ({tokens} tokens)"


class StreamBroke(openai.APIConnectionError):
    """The stream broke off after its headers; ``tokens`` had arrived by then."""

    def __init__(self, request: Any, *, tokens: int) -> None:
        super().__init__(request=request)
        self.tokens = tokens


def timeout_tokens(error: BaseException) -> int:
    """How many answer tokens had arrived when ``error`` (a timeout) ended the request."""
    return getattr(error, "tokens", 0)


@dataclass
class _Assembly:
    """A streamed chat completion, chunk by chunk (first choice only).

    Chunks are the JSON of the ``data:`` lines as plain dicts: building openai's
    models for every chunk costs more than the rest of a brief.
    """

    first: dict[str, Any] | None = None
    content: list[str] = field(default_factory=list)
    role: str = "assistant"
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    tokens: int = 0  # chunks that carried answer text

    def add(self, chunk: dict[str, Any]) -> None:
        if self.first is None:
            self.first = chunk
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            delta, grew = choice.get("delta") or {}, False
            if delta.get("role"):
                self.role = delta["role"]
            if delta.get("content"):
                self.content.append(delta["content"])
                grew = True
            for call in delta.get("tool_calls") or []:
                grew = self._add_call(call) or grew
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]
            self.tokens += grew

    def _add_call(self, call: dict[str, Any]) -> bool:
        slot = self.calls.setdefault(
            call.get("index", 0),
            {"id": "", "type": "function", "function": {"name": "", "arguments": ""}},
        )
        slot["id"] = call.get("id") or slot["id"]
        function = call.get("function") or {}
        slot["function"]["name"] += function.get("name") or ""
        slot["function"]["arguments"] += function.get("arguments") or ""
        return bool(function.get("arguments"))

    def completion(self, request: dict[str, Any]) -> Any:
        text = "".join(self.content)
        message: dict[str, Any] = {"role": self.role, "content": text or None}
        if self.calls:
            message["tool_calls"] = [self.calls[i] for i in sorted(self.calls)]
        usage = self.usage
        if usage is None:  # counted: one token per chunk of answer text, the prompt estimated
            prompt_tokens = prompt_estimate(request)
            usage = {"prompt_tokens": prompt_tokens, "completion_tokens": self.tokens,
                     "total_tokens": prompt_tokens + self.tokens}  # fmt: skip
        first = self.first or {}
        return ChatCompletion.model_validate({
            "id": first.get("id") or "streamed",
            "object": "chat.completion",
            "created": first.get("created") or int(time.time()),
            "model": first.get("model") or "",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": self.finish_reason or "stop"}],
            "usage": usage,
        })  # fmt: skip


def prompt_estimate(request: dict[str, Any]) -> int:
    """Prompt tokens estimated from the characters of the messages, tools and format."""
    parts = [request.get("messages"), request.get("tools"), request.get("response_format")]
    return estimate_tokens(json.dumps([p for p in parts if p], ensure_ascii=False))


Progress = Callable[[int, float], None]


async def stream_chat(
    client: openai.AsyncOpenAI,
    request: dict[str, Any],
    *,
    timeout: float,
    stall_timeout: float,
    usage: bool = True,
    on_tokens: Progress | None = None,
    stream: bool = True,
) -> Any:
    """One streamed chat completion, assembled into a ``ChatCompletion``.

    The first chunk may take ``timeout`` seconds (the server reads the prompt
    first); after it, each next chunk ``stall_timeout`` seconds, and the whole
    answer ``timeout`` seconds. Past either, the stream is closed (the server
    sees the disconnect) and ``StreamCut`` is raised. ``usage`` asks for token
    usage in the stream (``stream_options``). ``on_tokens(tokens, seconds)`` is
    called as answer text arrives. A stream broken off is ``StreamBroke``.
    Without ``stream``, the answer is asked for in one piece (same time limit).
    """
    extra = {"stream_options": {"include_usage": True}} if usage and stream else {}
    # Outside the clock: openai imports its resources on first use (half a second).
    create: Any = client.chat.completions.with_streaming_response.create
    loop = asyncio.get_running_loop()
    started = loop.time()
    end = started + timeout
    response: Any = None
    assembly, told, done = _Assembly(), started, False
    try:
        async with asyncio.timeout_at(end) as limit:
            # httpx's own timeout is a backstop: ours (the asyncio one) ends the request
            async with (
                _StallWatch(limit, stall_timeout, end) as watch,
                create(**request, **extra, stream=stream, timeout=timeout + 1.0) as response,
            ):
                if not stream or "json" in response.headers.get("content-type", ""):
                    return await _whole(response)  # the server ignored "stream": one answer
                async for line in response.iter_lines():
                    chunk = _event(line, response)
                    if chunk is None:
                        continue
                    if chunk is _DONE:  # read on to the stream's end: the connection is reused
                        done = True
                        watch.finished(loop.time())
                        continue
                    assembly.add(chunk)
                    now = loop.time()
                    watch.heard(now)
                    if on_tokens is not None and assembly.tokens and now - told >= PROGRESS_EVERY:
                        told = now
                        on_tokens(assembly.tokens, now - started)
                if not done and assembly.first is None:  # ended with nothing in it at all
                    raise StreamBroke(_request_of(client, response), tokens=0)
            # leaving the block closes the response: a cut stream closes its connection,
            # and the server (llama-cpp-python does) stops generating
    except (TimeoutError, _httpx.TimeoutException):
        if done:  # the whole answer came; only the end of the stream did not
            return assembly.completion(request)
        now = loop.time()
        raise StreamCut(
            _request_of(client, response),
            tokens=assembly.tokens,
            stalled=assembly.first is not None and now < end - 0.01,
            seconds=round(now - started, 1),
        ) from None
    except _httpx.TransportError as error:  # the stream broke off after its headers
        raise StreamBroke(_request_of(client, response), tokens=assembly.tokens) from error
    if on_tokens is not None and assembly.tokens:
        on_tokens(assembly.tokens, loop.time() - started)
    return assembly.completion(request)


class _StallWatch:
    """Ends ``limit`` (a timeout at ``end``) once no chunk came for ``seconds``.

    One timer, moved on only when it fires and a chunk came since: moving the
    deadline on every chunk costs a timer each, at every stream in flight.
    After ``[DONE]``, ``limit`` itself is what waits.
    """

    def __init__(self, limit: asyncio.Timeout, seconds: float, end: float) -> None:
        self.limit, self.seconds, self.end = limit, seconds, end
        self.loop = asyncio.get_running_loop()
        self.last = 0.0
        self.done = False
        self.timer: asyncio.TimerHandle | None = None

    async def __aenter__(self) -> _StallWatch:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop()

    def heard(self, now: float) -> None:
        """A chunk arrived at ``now``."""
        if self.done:
            self.limit.reschedule(min(self.end, now + self.seconds))
            return
        self.last = now
        if self.timer is None:
            self.timer = self.loop.call_at(now + self.seconds, self._check)

    def finished(self, now: float) -> None:
        """``[DONE]`` arrived at ``now``: the stream's end is waited for a little longer."""
        self.done = True
        self._stop()
        self.limit.reschedule(min(self.end, now + AFTER_DONE_SECONDS))

    def _check(self) -> None:
        due = self.last + self.seconds
        if self.timer is not None and due > self.timer.when():  # a chunk came since
            self.timer = self.loop.call_at(due, self._check)
            return
        self.timer = None
        if not self.limit.expired():
            self.limit.reschedule(min(self.end, due))

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


_DONE: dict[str, Any] = {}


async def _whole(response: Any) -> Any:
    return ChatCompletion.model_validate(json.loads(await response.read()))


def _event(line: str, response: Any) -> dict[str, Any] | None:
    """The chunk a ``data:`` line holds, ``_DONE`` at its end, None for other lines."""
    if not line.startswith("data:"):
        return None  # blank lines, comments (": ping"), event names
    data = line[5:].strip()
    if data.startswith("[DONE]"):
        return _DONE
    try:
        chunk = json.loads(data)
    except json.JSONDecodeError:
        return None
    if not isinstance(chunk, dict):
        return None
    if chunk.get("error"):
        error = chunk["error"]
        message = error.get("message") if isinstance(error, dict) else None
        raise openai.APIError(
            str(message or "an error occurred during streaming"),
            request=response.http_request,
            body=error,
        )
    return chunk


def _request_of(client: openai.AsyncOpenAI, response: Any) -> Any:
    if response is not None:
        return response.http_request
    return _httpx.Request("POST", f"{str(client.base_url).rstrip('/')}/chat/completions")


def _answer_text(response: Any) -> str:
    message = response.choices[0].message
    calls = getattr(message, "tool_calls", None) or []
    return str(calls[0].function.arguments or "") if calls else str(message.content or "")


def is_cut_off(text: str) -> bool:
    """Whether ``text`` holds the start of a JSON object that never ends.

    Servers do not always say ``length`` for an answer cut at ``max_tokens``
    (llama-cpp-python says ``tool_calls``) or cut for any other reason: an object
    that reads as the beginning of valid JSON but is incomplete was cut off.
    Text without an object, or with broken JSON, is not: it is re-asked.
    """
    start = text.find("{")
    if start < 0:
        return False
    try:
        json.JSONDecoder().raw_decode(text, start)
        return False
    except json.JSONDecodeError:
        pass
    rest = text[start:].rstrip().removesuffix("```").rstrip()
    try:
        pydantic_core.from_json(rest, allow_partial="trailing-strings")
    except ValueError:
        return False
    return True


def mark_cut_off(response: Any) -> Any:
    """``response`` with ``finish_reason="length"`` when its JSON answer was cut off."""
    choices = getattr(response, "choices", None) or []
    if choices and choices[0].finish_reason != "length" and is_cut_off(_answer_text(response)):
        choices[0].finish_reason = "length"
    return response


def rejects_stream_options(error: BaseException) -> bool:
    """Whether a server refused the request because of ``stream_options``."""
    return (
        isinstance(error, openai.BadRequestError | openai.UnprocessableEntityError)
        and "stream_options" in str(error)
    )
