"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for tests.

Tests queue what the next ``/v1/chat/completions`` requests get: an answer
(rendered as a tool call when the request has ``tools``, as JSON content
otherwise, fenced for md_json), raw content, an HTTP error, a hang, or a
dropped connection. Every request is recorded. ``/v1/models`` lists
``models``, each owned by ``owned_by``. An unscripted request gets HTTP 599
so a test fails loudly.

A ``personality`` (openai, llama_cpp_python, llama_server, ollama, vllm,
lm_studio; default generic) makes the server report that server's ``owned_by``
and refuse chat requests as it does (``refusal``), before any scripted reply is
used; refused requests are also kept in ``refused``.

``obey(marker, draft)`` makes the model gullible: a request where ``marker`` shows
outside the article's delimiters, or whose instructions (everything but the
article) differ from the first request's, gets ``draft`` instead of its scripted
answer, as a model taking orders from injected text would. Prompt-injection tests
use it so that "the attacked brief equals the benign one" is a check, not true by
construction.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import Loopback


@dataclass
class Reply:
    kind: str  # "answer", "content", "status", "hang", "drop"
    payload: Any = None
    finish_reason: str = "stop"
    usage: tuple[int, int] = (100, 20)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0  # how long a hang lasts, or how long an answer takes
    # Streamed answers (requests with "stream": true) only:
    chunk_chars: int = 12  # answer characters per chunk
    chunk_delay: float = 0.0  # seconds between chunks: a model generating
    stall_after: int | None = None  # chunks sent before the stream stalls...
    stall_seconds: float = 30.0  # ...for this long (or until the server stops)
    stream_usage: bool = True  # usage in the stream, when the request asks for it
    plain: bool = False  # one JSON body even when asked to stream (a server ignoring it)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def text(self, role: str) -> str:
        return "\n".join(str(m.get("content")) for m in self.messages if m.get("role") == role)


class ScriptedServer:
    def __init__(self, personality: str = "generic") -> None:
        if personality not in PERSONALITIES:
            raise ValueError(f"unknown personality {personality!r}: {', '.join(PERSONALITIES)}")
        self.personality = personality
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.refused: list[Recorded] = []  # chat requests the personality refused
        self.models: list[str] = ["scripted-model"]
        self.owned_by = PERSONALITIES[personality]  # what /v1/models says owns each model
        self.models_status = 200  # any other status: /v1/models fails with it
        self.models_delays: deque[float] = deque()  # seconds each next /v1/models waits first
        self.in_flight = 0
        self.max_in_flight = 0
        self.props: dict[str, Any] | None = None  # what GET /props answers (llama.cpp), if set
        # A context window enforced as llama-cpp-python does (see too_long), if set.
        self.n_ctx: int | None = None
        # Unstreamed too-long requests to drop unanswered first: the client's request on a
        # connection llama-cpp-python closed after its empty stream fails the same way.
        self.stale_connections = 0
        self.streamed = 0  # streamed answers begun
        self.disconnects = 0  # streamed answers the client closed before their end
        self.stopping = threading.Event()
        self.gullible: tuple[str, dict[str, Any]] | None = None  # see obey()
        self.obeyed = 0  # requests answered with the injected draft
        self._instructions: dict[str, Any] | None = None  # the first request's, once obeying
        self._lock = threading.Lock()
        self._loop = Loopback(self._handler())

    @property
    def port(self) -> int:
        return self._loop.port

    @property
    def url(self) -> str:
        return self._loop.url

    def start(self) -> ScriptedServer:
        self._loop.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._loop.stop()

    # ------------------------------------------------------------------ script

    def answer(self, draft: dict[str, Any], **options: Any) -> None:
        self.replies.append(Reply("answer", draft, **options))

    def content(self, text: str, **options: Any) -> None:
        self.replies.append(Reply("content", text, **options))

    def error(self, status: int, message: str = "scripted error", **options: Any) -> None:
        self.replies.append(Reply("status", message, status=status, **options))

    def hang(self, seconds: float) -> None:
        self.replies.append(Reply("hang", seconds=seconds))

    def drop(self) -> None:
        self.replies.append(Reply("drop"))

    def obey(self, marker: str, draft: dict[str, Any]) -> None:
        """Answer ``draft`` to any request where injected text got out of the article."""
        self.gullible = (marker, draft)

    def _injected(self, record: Recorded) -> dict[str, Any] | None:
        """The draft a gullible model answers ``record`` with, or None when it is not fooled."""
        if self.gullible is None:
            return None
        marker, draft = self.gullible
        seen = instructions(record.body)
        with self._lock:
            if self._instructions is None:
                self._instructions = seen
            fooled = marker in "\n".join(strings(seen)) or seen != self._instructions
            self.obeyed += fooled
        return draft if fooled else None

    def completions(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # ------------------------------------------------------------------ serving

    def _next(self) -> Reply | None:
        with self._lock:
            return self.replies.popleft() if self.replies else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms stall between headers and body

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def finish(self) -> None:
                with contextlib.suppress(OSError, ValueError):  # a socket dropped on purpose
                    super().finish()

            def _record(self) -> Recorded:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                headers = {k.lower(): v for k, v in self.headers.items()}
                record = Recorded(self.command, self.path, headers, body)
                with server._lock:
                    server.requests.append(record)
                return record

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._record()
                if self.path.rstrip("/").endswith("/models") and server.models_delays:
                    server.stopping.wait(server.models_delays.popleft())  # a busy server
                if self.path.rstrip("/") == "/props" and server.props is not None:
                    self._send(200, server.props, {})
                elif not self.path.rstrip("/").endswith("/models"):
                    self._send(404, {"error": {"message": "no such path"}}, {})
                elif server.models_status != 200:
                    body = {"error": {"message": "scripted error", "type": "scripted"}}
                    self._send(server.models_status, body, {})
                else:
                    data = [
                        {"id": m, "object": "model", "created": 0, "owned_by": server.owned_by}
                        for m in server.models
                    ]
                    self._send(200, {"object": "list", "data": data}, {})

            def do_POST(self) -> None:
                record = self._record()
                if server.n_ctx is not None and prompt_tokens(record.body) > server.n_ctx:
                    if not record.body.get("stream") and server.stale_connections:
                        server.stale_connections -= 1
                        self._reply(record, Reply("drop"))
                        return
                    self._too_long(record, server.n_ctx)
                    return
                refused = refusal(server.personality, record.body)
                if refused is not None:  # as the real server would, before any scripted reply
                    with server._lock:
                        server.refused.append(record)
                    self._send(*refused, {})
                    return
                reply = server._next()
                injected = server._injected(record)
                if reply is not None and reply.kind == "answer" and injected is not None:
                    reply = Reply("answer", injected, usage=reply.usage)
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._reply(record, reply)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _reply(self, record: Recorded, reply: Reply | None) -> None:
                if reply is None:
                    self._send(599, {"error": {"message": "unscripted request"}}, {})
                elif reply.kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                elif reply.kind == "hang":
                    server.stopping.wait(reply.seconds)
                    self.close_connection = True
                elif reply.kind == "status":
                    body = {"error": {"message": reply.payload, "type": "scripted", "code": None}}
                    self._send(reply.status, body, reply.headers)
                elif record.body.get("stream") and not reply.plain:
                    server.stopping.wait(reply.seconds)  # a slow model, when asked for
                    self._stream(record, reply)
                else:
                    server.stopping.wait(reply.seconds)  # a slow model, when asked for
                    self._send(200, completion(record.body, reply), reply.headers)

            def _too_long(self, record: Recorded, n_ctx: int) -> None:
                """llama-cpp-python on a prompt longer than its window: a plain request
                gets a 400 saying so; a streamed one, a 200 whose stream ends empty (its
                generator raises after the headers are sent; seen with 0.3 and SmolLM2)."""
                with server._lock:
                    server.refused.append(record)
                if not record.body.get("stream"):
                    message = (f"This model's maximum context length is {n_ctx} tokens. "
                               f"However, you requested {prompt_tokens(record.body)} tokens.")
                    self._send(400, {"error": {"message": message, "type": "invalid_request_error",
                                               "code": None}}, {})  # fmt: skip
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            def _stream(self, record: Recorded, reply: Reply) -> None:
                """The answer as server-sent events, in HTTP/1.1 chunks."""
                with server._lock:
                    server.streamed += 1
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for number, event in enumerate(stream_events(record.body, reply)):
                        if number and reply.chunk_delay:
                            server.stopping.wait(reply.chunk_delay)
                        if number == reply.stall_after:
                            server.stopping.wait(reply.stall_seconds)
                        data = f"data: {event}\n\n".encode()
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except OSError:  # the client closed the stream
                    with server._lock:
                        server.disconnects += 1
                    self.close_connection = True

        return Handler


ARTICLE_DATA = re.compile(r"<article>\n.*?\n</article>", re.DOTALL)  # up to the FIRST close


def prompt_tokens(body: dict[str, Any]) -> int:
    """The request's prompt in tokens, as characters / 4."""
    return len(json.dumps(body.get("messages", []), ensure_ascii=False)) // 4


def instructions(body: dict[str, Any]) -> dict[str, Any]:
    """Everything a model reads in a request but the article between its delimiters
    (and max_tokens, sized from the article's length)."""
    rest = copy.deepcopy(body)
    for key in ("max_tokens", "max_completion_tokens"):
        rest.pop(key, None)
    for message in rest.get("messages", []):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            message["content"] = ARTICLE_DATA.sub("<article>…</article>", message["content"])
    return rest


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value.keys(), *(t for v in value.values() for t in strings(v))]
    if isinstance(value, list):
        return [t for v in value for t in strings(v)]
    return []


def completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A chat completion answering ``request`` in the form it asked for."""
    if reply.kind == "content":
        text = str(reply.payload)
    elif request.get("tools") or "response_format" in request:
        text = json.dumps(reply.payload)
    else:
        text = "```json\n" + json.dumps(reply.payload) + "\n```"
    if reply.finish_reason == "length":
        text = text[: len(text) * 2 // 3]
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if request.get("tools") and reply.kind != "content":
        name = request["tools"][0]["function"]["name"]
        message["content"] = None
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
        ]
    prompt, completion_tokens = reply.usage
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "scripted-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt + completion_tokens,
        },
    }


def stream_events(request: dict[str, Any], reply: Reply) -> list[str]:
    """``completion(request, reply)`` as the ``data:`` payloads of a streamed answer.

    The text comes ``reply.chunk_chars`` characters per chunk (as content, or as
    tool-call argument deltas), then ``finish_reason``, then usage when the
    request has ``stream_options.include_usage`` (and ``reply.stream_usage``).
    """
    whole = completion(request, reply)
    message = whole["choices"][0]["message"]
    calls = message.get("tool_calls")
    text = calls[0]["function"]["arguments"] if calls else message["content"]
    base = {"id": whole["id"], "object": "chat.completion.chunk",
            "created": whole["created"], "model": whole["model"]}  # fmt: skip

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return json.dumps({**base, "choices": [choice]})

    size = max(1, reply.chunk_chars)
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    if calls:
        call = calls[0]
        head = {"index": 0, "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""}}  # fmt: skip
        events = [chunk({"role": "assistant", "content": None, "tool_calls": [head]})]
        events += [
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces
        ]
    else:
        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": p}) for p in pieces]
    events.append(chunk({}, whole["choices"][0]["finish_reason"]))
    if reply.stream_usage and (request.get("stream_options") or {}).get("include_usage"):
        events.append(json.dumps({**base, "choices": [], "usage": whole["usage"]}))
    events.append("[DONE]")
    return events


# --------------------------------------------------------------------------- #
# Personalities: each real server's documented acceptance rules for a chat request
# --------------------------------------------------------------------------- #

#: Personality -> what its GET /v1/models says in owned_by.
PERSONALITIES: dict[str, str] = {
    "generic": "tests",  # accepts anything; recognised by nobody
    "openai": "system",
    "llama_cpp_python": "me",
    "llama_server": "llamacpp",
    "ollama": "library",
    "vllm": "vllm",
    "lm_studio": "organization_owner",
}
#: The JSON Schema keywords OpenAI's strict mode accepts (structured outputs guide).
OPENAI_STRICT_KEYWORDS = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "anyOf", "$ref", "$defs", "definitions", "description", "title", "pattern", "format",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minItems", "maxItems",
})  # fmt: skip


def refusal(personality: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """The (status, body) the real server answers a chat request it refuses; else None."""
    rules = {
        "openai": _openai_refusal,
        "lm_studio": _lm_studio_refusal,
        "llama_cpp_python": _llama_cpp_python_refusal,
    }.get(personality)
    return rules(body) if rules else None


def _openai_error(message: str, param: str | None) -> tuple[int, dict[str, Any]]:
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": None}
    return 400, {"error": error}


def _openai_refusal(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    form = body.get("response_format")
    if isinstance(form, dict):
        kind = form.get("type")
        if kind not in ("text", "json_object", "json_schema"):
            return _openai_error(
                f"Invalid value: '{kind}'. Supported values are: 'json_object', "
                "'json_schema', and 'text'.", "response_format.type"
            )  # fmt: skip
        extra = sorted(set(form) - {"type", "json_schema"})
        if extra:
            return _openai_error(
                f"Unrecognized request argument supplied: response_format.{extra[0]}",
                f"response_format.{extra[0]}",
            )
        if kind == "json_object" and "json" not in json.dumps(body.get("messages", [])).lower():
            return _openai_error(
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.", "messages"
            )  # fmt: skip
        spec = form.get("json_schema")
        if kind == "json_schema":
            if not isinstance(spec, dict) or not spec.get("name"):
                return _openai_error(
                    "Missing required parameter: 'response_format.json_schema.name'.",
                    "response_format.json_schema.name",
                )
            if spec.get("strict") is True:
                problem = strict_problem(spec.get("schema"))
                if problem:
                    return _openai_error(
                        f"Invalid schema for response_format '{spec['name']}': {problem}",
                        "response_format",
                    )
    for tool in body.get("tools") or []:
        function = tool.get("function") or {}
        if function.get("strict") is True:
            problem = strict_problem(function.get("parameters"))
            if problem:
                return _openai_error(
                    f"Invalid schema for function '{function.get('name')}': {problem}",
                    "tools[0].function.parameters",
                )
    return None


def strict_problem(schema: Any, context: tuple[str, ...] = ()) -> str | None:
    """Why OpenAI's strict mode refuses ``schema``, in its words; None when it accepts it."""
    if not isinstance(schema, dict):
        return f"In context={context}, schema must be a JSON Schema of 'type: \"object\"'."
    where = f"In context={context}, "
    if not context and (schema.get("type") != "object" or "anyOf" in schema):
        return where + "schema must be a JSON Schema of 'type: \"object\"', got something else."
    unsupported = sorted(set(schema) - OPENAI_STRICT_KEYWORDS)
    if unsupported:
        return where + f"'{unsupported[0]}' is not permitted."
    if "properties" in schema or schema.get("type") == "object":
        properties = schema.get("properties", {})
        missing = [name for name in properties if name not in schema.get("required", [])]
        if missing:
            return where + (
                "'required' is required to be supplied and to be an array including every "
                f"key in properties. Missing '{missing[0]}'."
            )
        if schema.get("additionalProperties") is not False:
            return where + "'additionalProperties' is required to be supplied and to be false."
        for name, sub in properties.items():
            problem = strict_problem(sub, (*context, "properties", name))
            if problem:
                return problem
    for key in ("$defs", "definitions"):
        for name, sub in (schema.get(key) or {}).items():
            problem = strict_problem(sub, (*context, key, name))
            if problem:
                return problem
    if "items" in schema:
        problem = strict_problem(schema["items"], (*context, "items"))
        if problem:
            return problem
    for number, option in enumerate(schema.get("anyOf") or []):
        problem = strict_problem(option, (*context, "anyOf", str(number)))
        if problem:
            return problem
    return None


def _lm_studio_refusal(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    form = body.get("response_format")
    if isinstance(form, dict) and form.get("type") not in ("json_schema", "text"):
        return 400, {"error": "'response_format.type' must be 'json_schema' or 'text'"}
    if isinstance(form, dict) and form.get("type") == "json_schema":
        spec = form.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
            return 400, {"error": "'response_format.json_schema.schema' is required"}
    return None


def _llama_cpp_python_refusal(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    # llama-cpp-python validates response_format.type as 'text' | 'json_object' and
    # reports the validation error as HTTP 500 (seen with llama-cpp-python's server).
    form = body.get("response_format")
    kind = form.get("type") if isinstance(form, dict) else None
    if kind is None or kind in ("text", "json_object"):
        return None
    message = (
        "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', "
        f"'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': '{kind}'}}"
    )
    error = {"message": message, "type": "internal_server_error", "param": None, "code": None}
    return 500, {"error": error}
