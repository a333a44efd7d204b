"""A Batch API batch is created once, even when the create's answer never arrives.

Against the loopback Batch API through the real ``openai`` SDK: a create whose
connection drops after the server made the batch, a run killed (``SIGKILL``)
between the server making the batch and the id reaching ``state.json``, and a
run interrupted there whose batch is no longer on the listing's first page. Each
time the server must end with one batch for the articles, and the briefs complete.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_api_server import BatchAPIServer
from llm_cases import ARTICLE, FAST, GOOD
from scripted_server import Reply, completion

from summarizer.batch import batch_ledger
from summarizer.batch.batch_ledger import Ledger, PendingBatch
from summarizer.batch.items import Item
from summarizer.batch.openai_batch import STATE_DIR, batch_settings, run_openai_batch
from summarizer.batch.run import BatchOptions
from summarizer.config import LLMSettings, Mode
from summarizer.engines.llm.engine import LLMEngine


def articles(n: int, tag: str = "") -> list[Item]:
    return [Item(id=f"a{i}", text=f"{ARTICLE}\nUpdate number {i}{tag}.") for i in range(n)]


def run(api: BatchAPIServer, items: list[Item], out: Path) -> tuple[Any, Any, list[str]]:
    settings = LLMSettings(base_url=api.url, model="scripted-model", mode=Mode.json)
    engine = LLMEngine(batch_settings(settings), backoff=FAST)
    lines: list[str] = []
    report, runner = run_openai_batch(items, engine, BatchOptions(out_dir=out),
                                      poll_seconds=0.01, on_status=lines.append)  # fmt: skip
    return report, runner, lines


def state(out: Path) -> dict[str, Any]:
    path = out / STATE_DIR / "state.json"
    return json.loads(path.read_text()) if path.exists() else {"batches": []}


def briefed(out: Path, items: list[Item]) -> bool:
    for item in items:
        record = json.loads((out / f"{item.id}.json").read_text())
        if record["article"]["text"] != item.text or not record["brief"]["claims"]:
            return False
    return True


@pytest.fixture
def api() -> Iterator[BatchAPIServer]:
    server = BatchAPIServer(lambda body: completion(body, Reply("answer", GOOD))).start()
    try:
        yield server
    finally:
        if server.hold is not None:
            server.hold.set()  # a create still held would keep its thread waiting
        server.stop()


def test_a_create_whose_answer_is_lost_is_found_not_made_again(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    api.drop_creates = 1  # the batch is made, the connection closed without an answer
    items = articles(2)
    report, runner, _ = run(api, items, tmp_path / "out")
    assert len(api.batches) == 1
    assert api.lists >= 1  # looked for before asking again
    assert report.count("done") == 2 and briefed(tmp_path / "out", items)
    assert runner.created == 1
    saved = state(tmp_path / "out")
    assert [b["id"] for b in saved["batches"]] == ["batch_1"] and saved["pending"] == []


def test_a_run_killed_before_the_batch_id_was_written_is_resumed_not_paid_twice(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    items = articles(2)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i.id, "text": i.text}) + "\n" for i in items))
    out = tmp_path / "out"
    args = [sys.executable, "-m", "summarizer", "batch", str(source), "--out", str(out),
            "--executor", "openai-batch", "--engine", "llm", "--base-url", api.url,
            "--model", "scripted-model", "--mode", "json", "--poll-seconds", "0.01",
            "--no-cache"]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    api.hold = threading.Event()  # the create is made, then answered by nothing
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env, text=True)  # fmt: skip
    try:
        assert api.created.wait(120), process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        process.wait(30)
        api.hold.set()
    api.hold = None
    assert len(api.batches) == 1
    assert not state(out)["batches"]  # killed before the id was written
    report, runner, lines = run(api, items, out)
    assert len(api.batches) == 1 and len(api.uploads) == 1
    assert runner.created == 0
    assert "batch_1: found" in " ".join(lines)
    assert report.count("done") == 2 and briefed(out, items)


def test_an_interrupted_runs_batch_is_found_past_the_first_page(
    api: BatchAPIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, other = tmp_path / "out", tmp_path / "other"
    adopt = Ledger.adopt

    def die_before_writing(self: Ledger, pending: PendingBatch, batch: Any) -> Any:
        raise KeyboardInterrupt  # as if killed before the batch id reached state.json

    monkeypatch.setattr(Ledger, "adopt", die_before_writing)
    with pytest.raises(KeyboardInterrupt):
        run(api, articles(2), out)
    monkeypatch.setattr(Ledger, "adopt", adopt)
    run(api, articles(1, " elsewhere"), other)  # a newer batch, listed first
    api.page_size = 1
    lists = api.lists
    report, runner, _ = run(api, articles(2), out)
    assert len(api.batches) == 2 and runner.created == 0
    assert api.lists == lists + 2  # two pages of one batch each: down to batch_1
    assert report.count("done") == 2 and briefed(out, articles(2))


def test_a_pending_entry_whose_batch_was_never_made_is_dropped(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    ledger = Ledger(out / STATE_DIR)
    ledger.add_pending(PendingBatch("file-never-uploaded", ["req-none"]))
    report, runner, _ = run(api, articles(2), out)
    assert len(api.batches) == 1 and runner.created == 1
    assert report.count("done") == 2
    assert state(out)["pending"] == []


def test_a_create_refused_leaves_nothing_pending(
    api: BatchAPIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_ledger, "REQUEST_URL", "/v1/embeddings")  # the server says 400
    report, _, _ = run(api, articles(1), tmp_path / "out")
    assert report.count("failed") == 1 and not api.batches
    assert "bad endpoint" in (report.failures[0].reason or "")
    assert state(tmp_path / "out")["pending"] == []
