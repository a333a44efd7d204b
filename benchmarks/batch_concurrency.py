"""Batch speed-up from concurrency, against a scripted server answering in 200 ms.

Runs the same 100 articles through the real LLM engine at --concurrency 1 and
16 (no cache, fresh output folders) and prints both times and their ratio.
The target is a ratio of at least 12 (the issue's aim).

    python benchmarks/batch_concurrency.py [--articles 100] [--latency 0.2] [--concurrency 16]
        [--server-process]

By default the server runs in a thread of this process, sharing its GIL (the
figures in earlier notes); ``--server-process`` runs it apart, as a real one is.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from multiprocessing import Process, Queue
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # scripted_server

from scripted_server import Reply, ScriptedServer

from summarizer.batch.items import Item
from summarizer.batch.run import BatchOptions, run_batch
from summarizer.batch.runners import AsyncRunner
from summarizer.config import LLMSettings
from summarizer.engines import create

SHARED = "The harbour authority approved the dredging plan on Tuesday."


class SlowServer(ScriptedServer):
    """Every answer waits ``latency`` seconds, like a model generating."""

    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency

    def _next(self) -> Reply | None:
        time.sleep(self.latency)
        return super()._next()


def draft(k: int) -> dict[str, object]:
    return {
        "summary": f"Report {k}: the harbour authority approved a dredging plan.",
        "parties": [{"id": "p1", "name": "harbour authority", "kind": "organization"}],
        "sources": [],
        "claims": [{"id": "c1", "statement": "The harbour authority approved the dredging plan.",
                    "source_id": None, "attribution": "narration", "evidence": [SHARED]}],
        "unknowns": [],
        "open_questions": [],
    }


class AlwaysServer(SlowServer):
    """Answers every request with the same draft: scripted once, served from any process."""

    def _next(self) -> Reply | None:
        time.sleep(self.latency)
        return Reply("answer", draft(0), usage=(400, 60))


def serve_apart(latency: float, urls: Queue) -> None:  # type: ignore[type-arg]
    """In a process of its own, as a real server is: its work does not hold our GIL."""
    server = AlwaysServer(latency).start()
    urls.put(server.url)
    threading.Event().wait()


def one_run(server: SlowServer | str, articles: int, concurrency: int) -> tuple[float, int]:
    if isinstance(server, SlowServer):
        for k in range(articles):
            server.answer(draft(k), usage=(400, 60))
    url = server.url if isinstance(server, SlowServer) else server
    settings = LLMSettings(base_url=url, api_key="bench", model="scripted-model")
    items = [Item(id=f"a{k:03d}", text=f"Report {k}. {SHARED} Detail {k}.\n")
             for k in range(articles)]
    with tempfile.TemporaryDirectory() as out:
        runner = AsyncRunner(create("llm", settings))
        started = time.perf_counter()
        report = run_batch(items, runner, BatchOptions(out_dir=Path(out), concurrency=concurrency))
        seconds = time.perf_counter() - started
    if report.failures:
        first = report.failures[0]
        raise SystemExit(f"{len(report.failures)} articles failed, e.g. {first.id}: {first.reason}")
    return seconds, report.count("done")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--server-process", action="store_true",
                        help="run the scripted server in a process of its own")  # fmt: skip
    args = parser.parse_args()
    if args.server_process:
        urls: Queue = Queue()  # type: ignore[type-arg]
        apart = Process(target=serve_apart, args=(args.latency, urls), daemon=True)
        apart.start()
        server: SlowServer | str = urls.get(timeout=60)
    else:
        server = SlowServer(args.latency).start()
    try:
        serial, done_serial = one_run(server, args.articles, 1)
        parallel, done_parallel = one_run(server, args.articles, args.concurrency)
    finally:
        if isinstance(server, SlowServer):
            server.stop()
        else:
            apart.terminate()
    where = "its own process" if args.server_process else "this process"
    print(f"articles: {args.articles}, latency per answer: {args.latency * 1000:.0f} ms, "
          f"server in {where}")  # fmt: skip
    print(f"--concurrency 1: {serial:.2f} s ({done_serial} done)")
    print(f"--concurrency {args.concurrency}: {parallel:.2f} s ({done_parallel} done)")
    print(f"speed-up: {serial / parallel:.1f}x (target >= 12x)")


if __name__ == "__main__":
    main()
