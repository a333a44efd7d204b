"""A scripted OpenAI Batch API on 127.0.0.1, for tests through the real ``openai`` SDK.

Implements what the Batch API executor uses: ``POST /v1/files`` (multipart upload),
``GET /v1/files/{id}/content``, ``POST /v1/batches``, ``GET /v1/batches/{id}``,
``GET /v1/batches`` (newest first, ``limit`` and ``after``), and ``GET /v1/models``.
Each batch walks through ``statuses`` one retrieve at a time (validating,
in_progress, then its end); when it ends, every request line is answered by
``answer(body)``: a chat completion body (HTTP 200, into the output file) or
``(status, message)`` (into the error file). A batch listed in ``expire`` (by its
order of creation, from 0) ends ``expired``: its first half answered, the rest in
the error file with code ``batch_expired``. A batch in ``fail`` ends ``failed``
with an error and no files.

Lost creates: the first ``drop_creates`` creates make their batch and then close
the connection without an answer. With ``hold`` (an event), every create, once its
batch is made, waits until ``hold`` is set and then closes the connection: a test
kills its client in between. ``created`` is set on every create.
"""

from __future__ import annotations

import contextlib
import email.parser
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import Loopback

Answer = Callable[[dict[str, Any]], "dict[str, Any] | tuple[int, str]"]


@dataclass
class Batch:
    id: str
    input_file_id: str
    number: int  # order of creation, from 0
    lines: list[dict[str, Any]]
    polls: int = 0
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, str] | None = None
    created_at: int = field(default_factory=lambda: int(time.time()))

    def json(self) -> dict[str, Any]:
        done = self.status in ("completed", "expired")
        completed = len(self.lines) - self.failed if done else 0
        return {
            "id": self.id, "object": "batch", "endpoint": "/v1/chat/completions",
            "input_file_id": self.input_file_id, "completion_window": "24h",
            "status": self.status, "created_at": self.created_at, "metadata": self.metadata,
            "output_file_id": self.output_file_id, "error_file_id": self.error_file_id,
            "errors": {"object": "list", "data": self.errors} if self.errors else None,
            "request_counts": {"total": len(self.lines), "completed": completed,
                               "failed": self.failed if done else 0},
        }  # fmt: skip


class BatchAPIServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.statuses = ["validating", "in_progress", "in_progress"]  # before the end
        self.expire: set[int] = set()
        self.fail: set[int] = set()
        self.files: dict[str, bytes] = {}
        self.uploads: list[str] = []  # ids of uploaded input files
        self.batches: list[Batch] = []
        self.retrieves = 0
        self.lists = 0
        self.page_size = 100  # the most batches one page of the listing holds
        self.drop_creates = 0
        self.hold: threading.Event | None = None
        self.created = threading.Event()
        self.paths: list[str] = []  # every request, "METHOD /path"
        self._lock = threading.Lock()
        self._loop = Loopback(self._handler())

    @property
    def url(self) -> str:
        return self._loop.url

    def start(self) -> BatchAPIServer:
        self._loop.start()
        return self

    def stop(self) -> None:
        self._loop.stop()

    def requests_in(self, number: int) -> list[dict[str, Any]]:
        """The request lines of the batch created ``number``-th (from 0)."""
        return self.batches[number].lines

    # ------------------------------------------------------------------ the API

    def upload(self, data: bytes) -> dict[str, Any]:
        with self._lock:
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = data
            self.uploads.append(file_id)
        return _file(file_id, len(data), "batch")

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = self.files.get(body.get("input_file_id", ""))
        if data is None:
            return 404, {"error": {"message": "no such file"}}
        if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
            return 400, {"error": {"message": "bad endpoint or completion_window"}}
        lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        ids = [line["custom_id"] for line in lines]
        if len(set(ids)) != len(ids):
            return 400, {"error": {"message": "duplicate custom_id"}}
        with self._lock:
            batch = Batch(f"batch_{len(self.batches) + 1}", body["input_file_id"],
                          len(self.batches), lines, metadata=body.get("metadata"))  # fmt: skip
            self.batches.append(batch)
        self.created.set()
        return 200, batch.json()

    def answer_lost(self) -> bool:
        """Whether the create just made goes unanswered (its connection closed)."""
        if self.hold is not None:
            self.hold.wait(60)
            return True
        with self._lock:
            if self.drop_creates > 0:
                self.drop_creates -= 1
                return True
        return False

    def listing(self, query: str) -> dict[str, Any]:
        """A page of ``GET /v1/batches``: newest first, ``limit`` after the id ``after``."""
        params = urllib.parse.parse_qs(query)
        limit = int(params.get("limit", ["20"])[0])
        with self._lock:
            self.lists += 1
            newest = [b.json() for b in reversed(self.batches)]
        if "after" in params:
            ids = [b["id"] for b in newest]
            newest = newest[ids.index(params["after"][0]) + 1 :]
        limit = min(limit, self.page_size)
        page = newest[:limit]
        return {"object": "list", "data": page, "has_more": len(newest) > limit,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None}  # fmt: skip

    def retrieve(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        batch = next((b for b in self.batches if b.id == batch_id), None)
        if batch is None:
            return 404, {"error": {"message": "no such batch"}}
        with self._lock:
            self.retrieves += 1
            if batch.polls < len(self.statuses):
                batch.status = self.statuses[batch.polls]
            elif batch.status not in ("completed", "expired", "failed"):
                self._end(batch)
            batch.polls += 1
        return 200, batch.json()

    def _end(self, batch: Batch) -> None:
        if batch.number in self.fail:
            batch.status = "failed"
            batch.errors = [{"code": "invalid_request", "message": "scripted failure",
                             "line": 1, "param": None}]  # fmt: skip
            return
        answered = batch.lines
        expired: list[dict[str, Any]] = []
        if batch.number in self.expire:
            half = len(batch.lines) // 2
            answered, expired = batch.lines[:half], batch.lines[half:]
        outputs, errors = [], []
        for n, line in enumerate(answered):
            reply = self.answer(line["body"])
            response: dict[str, Any]
            if isinstance(reply, tuple):
                status, message = reply
                response = {"status_code": status, "request_id": f"req_{n}",
                            "body": {"error": {"message": message, "type": "server_error"}}}
                errors.append({"id": f"line_{n}", "custom_id": line["custom_id"],
                               "response": response, "error": None})  # fmt: skip
            else:
                response = {"status_code": 200, "request_id": f"req_{n}", "body": reply}
                outputs.append({"id": f"line_{n}", "custom_id": line["custom_id"],
                                "response": response, "error": None})  # fmt: skip
        for n, line in enumerate(expired):
            errors.append({"id": f"expired_{n}", "custom_id": line["custom_id"], "response": None,
                           "error": {"code": "batch_expired",
                                     "message": "This request could not be executed before "
                                                "the completion window expired."}})  # fmt: skip
        batch.failed = len(errors)
        batch.status = "expired" if expired else "completed"
        batch.output_file_id = self._keep(outputs) if outputs else None
        batch.error_file_id = self._keep(errors) if errors else None

    def _keep(self, lines: list[dict[str, Any]]) -> str:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = "".join(json.dumps(line) + "\n" for line in lines).encode()
        return file_id

    # ------------------------------------------------------------------ HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def finish(self) -> None:
                with contextlib.suppress(OSError, ValueError):  # a client killed on purpose
                    super().finish()

            def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(body).encode()
                self.send_response(status)
                kind = "application/octet-stream" if raw is not None else "application/json"
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("content-length") or 0))

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                path = path.rstrip("/")
                server.paths.append(f"GET {path}")
                parts = path.split("/")
                if path.endswith("/models"):
                    model = {"id": "scripted-model", "object": "model", "created": 0,
                             "owned_by": "tests"}  # fmt: skip
                    self._send(200, {"object": "list", "data": [model]})
                elif len(parts) == 5 and parts[2] == "files" and parts[4] == "content":
                    data = server.files.get(parts[3])
                    if data is None:
                        self._send(404, {"error": {"message": "no such file"}})
                    else:
                        self._send(200, None, raw=data)
                elif len(parts) == 4 and parts[2] == "batches":
                    self._send(*server.retrieve(parts[3]))
                elif path.endswith("/batches"):
                    self._send(200, server.listing(query))
                else:
                    self._send(404, {"error": {"message": f"no route {path}"}})

            def do_POST(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                server.paths.append(f"POST {path}")
                raw = self._body()
                if path.endswith("/files"):
                    fields = _multipart(self.headers.get("content-type", ""), raw)
                    if fields.get("purpose") != b"batch" or "file" not in fields:
                        self._send(400, {"error": {"message": "need purpose=batch and a file"}})
                    else:
                        self._send(200, server.upload(fields["file"]))
                elif path.endswith("/batches"):
                    status, body = server.create(json.loads(raw))
                    if status == 200 and server.answer_lost():
                        self.close_connection = True  # no answer: the client sees a drop
                    else:
                        self._send(status, body)
                else:
                    self._send(404, {"error": {"message": f"no route {path}"}})

        return Handler


def _file(file_id: str, size: int, purpose: str) -> dict[str, Any]:
    return {"id": file_id, "object": "file", "bytes": size, "created_at": int(time.time()),
            "filename": "input.jsonl", "purpose": purpose, "status": "processed"}  # fmt: skip


def _multipart(content_type: str, raw: bytes) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, by name."""
    message = email.parser.BytesParser().parsebytes(
        f"content-type: {content_type}\r\n\r\n".encode() + raw
    )
    fields: dict[str, bytes] = {}
    parts: list[Any] = list(message.get_payload()) if message.is_multipart() else []
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = bytes(part.get_payload(decode=True) or b"")
    return fields
