"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for tests.

Tests queue what the next ``/v1/chat/completions`` requests get: an answer
(rendered as a tool call when the request has ``tools``, as JSON content
otherwise, fenced for md_json), raw content, an HTTP error, a hang, or a
dropped connection. Every request is recorded. ``/v1/models`` lists
``models``, each owned by ``owned_by``. An unscripted request gets HTTP 599
so a test fails loudly.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    kind: str  # "answer", "content", "status", "hang", "drop"
    payload: Any = None
    finish_reason: str = "stop"
    usage: tuple[int, int] = (100, 20)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0  # how long a hang lasts, or how long an answer takes


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
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.models: list[str] = ["scripted-model"]
        self.owned_by = "tests"  # what /v1/models says owns each model
        self.models_status = 200  # any other status: /v1/models fails with it
        self.in_flight = 0
        self.max_in_flight = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._http.shutdown()
        self._http.server_close()

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
                if not self.path.rstrip("/").endswith("/models"):
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
                reply = server._next()
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
                else:
                    server.stopping.wait(reply.seconds)  # a slow model, when asked for
                    self._send(200, completion(record.body, reply), reply.headers)

        return Handler


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
