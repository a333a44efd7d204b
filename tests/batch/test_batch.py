"""Batch: inputs, bounded concurrency, failures, resume, cache, processes, the command.

Engines here are fakes (``RecordingEngine``, the ``fake_engine`` fixture): batch is
tested, not an engine. Only the served-model cache key asks the real LLM engine.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeEngine
from scripted_server import ScriptedServer
from typer.testing import CliRunner

from summarizer.batch.cache import BriefCache, key_for
from summarizer.batch.items import Item, check_out_dir, read_inputs, safe_name
from summarizer.batch.run import REPORT_NAME, BatchOptions, BatchReport, run_batch
from summarizer.batch.runners import AsyncRunner, ProcessRunner, runner_for
from summarizer.cli.app import app
from summarizer.config import LLMSettings
from summarizer.engines import Engine, EngineIdentity
from summarizer.errors import ConfigError, ExtractionError, InputError
from summarizer.pricing import Price
from summarizer.schema import ArticleBrief


def brief_of(text: str, tokens: int = 100) -> ArticleBrief:
    """A grounded brief whose one claim quotes the article's first word."""
    first = text.split()[0]
    start = text.index(first)
    return ArticleBrief.model_validate({
        "summary": f"About {first}.",
        "claims": [{"id": "c1", "statement": f"{first} happened.", "attribution": "narration",
                    "evidence": [{"text": first, "start": start, "end": start + len(first)}]}],
        "meta": {"engine": "llm", "model": "fake-1",
                 "usage": {"prompt_tokens": tokens - 20, "completion_tokens": 20,
                           "total_tokens": tokens}},
    })


class RecordingEngine(Engine):
    """Records calls and how many ran at once; 'FAIL' in a text makes it fail."""

    name = "llm"

    def __init__(self, *, model: str = "fake-1", prompt_version: str = "p1", delay: float = 0.0,
                 interrupt_after: int | None = None) -> None:
        super().__init__()
        self.model = model
        self.prompt_version = prompt_version
        self.delay = delay
        self.interrupt_after = interrupt_after
        self.calls: list[str] = []
        self.running = 0
        self.most_running = 0

    def brief(self, text: str) -> ArticleBrief:
        return brief_of(text)

    async def abrief(self, text: str) -> ArticleBrief:
        if self.interrupt_after is not None and len(self.calls) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.calls.append(text)
        if "FAIL" in text:
            raise ExtractionError("the model answered nothing usable")
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await asyncio.sleep(self.delay)
        self.running -= 1
        return brief_of(text)

    async def identify(self) -> EngineIdentity:
        return EngineIdentity(self.name, model=self.model, prompt_version=self.prompt_version)


def items(n: int) -> list[Item]:
    return [Item(id=f"a{k:02d}", text=f"Story{k} is told here.\n") for k in range(n)]


def run(batch: list[Item], engine: Engine, out: Path, **options: Any) -> BatchReport:
    return run_batch(batch, AsyncRunner(engine), BatchOptions(out_dir=out, **options))


# --------------------------------------------------------------------------- #
# inputs
# --------------------------------------------------------------------------- #


def test_folder_gives_txt_and_html_files_in_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.html", "a.txt", "notes.md", "c.htm"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = read_inputs(tmp_path)
    assert [(i.id, i.path.name if i.path else None) for i in found] == [
        ("a.html", "a.html"), ("a.txt", "a.txt"), ("b", "b.txt"), ("c", "c.htm")]


def test_jsonl_lines_become_items_and_bad_lines_become_failures(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        '{"id": "one", "text": "First story."}',
        '{"id": 2, "url": "http://127.0.0.1:9/x"}',
        "not json",
        '{"id": "four"}',
        '{"id": "one", "text": "again"}',
        "",
        '["a", "list"]',
    ]) + "\n", encoding="utf-8")
    found = read_inputs(source)
    assert [(i.id, i.text, i.url) for i in found[:2]] == [
        ("one", "First story.", None), ("2", None, "http://127.0.0.1:9/x")]
    errors = [(i.id, i.error) for i in found[2:]]
    assert errors[0][0] == "line-3" and "line 3: not JSON" in str(errors[0][1])
    assert errors[1] == ("four", 'line 4: needs a "text" or "url" string')
    assert errors[2] == ("line-5", "line 5: duplicate id 'one'")
    assert errors[3] == ("line-7", "line 7: expected a JSON object")


def test_missing_or_empty_input_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        read_inputs(tmp_path / "nope")
    with pytest.raises(InputError, match=r"no \.txt or \.html files"):
        read_inputs(tmp_path)


def test_output_folder_must_be_a_new_or_other_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Story.", encoding="utf-8")
    with pytest.raises(InputError, match="is the input folder"):
        check_out_dir(tmp_path, tmp_path / ".")
    with pytest.raises(InputError, match="is a file"):
        check_out_dir(tmp_path, tmp_path / "a.txt")
    check_out_dir(tmp_path, tmp_path / "out")  # a new folder is fine
    with pytest.raises(InputError, match="cannot create the folder"):
        run(items(1), RecordingEngine(), tmp_path / "a.txt" / "sub")


def test_ids_become_safe_distinct_file_names() -> None:
    names = {safe_name(i) for i in ("../../etc/passwd", "a/b", "a_b", "a b", ".hidden")}
    assert len(names) == 5
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert safe_name("plain-id_1.v2") == "plain-id_1.v2"


# --------------------------------------------------------------------------- #
# running
# --------------------------------------------------------------------------- #


def test_one_file_per_article_with_the_text_its_offsets_index(tmp_path: Path) -> None:
    report = run(items(3), RecordingEngine(), tmp_path)
    assert report.count("done") == 3
    for k in range(3):
        record = json.loads((tmp_path / f"a{k:02d}.json").read_text(encoding="utf-8"))
        text = record["article"]["text"]
        assert text == f"Story{k} is told here.\n"
        evidence = record["brief"]["claims"][0]["evidence"][0]
        assert text[evidence["start"]:evidence["end"]] == evidence["text"] == f"Story{k}"
        assert record["brief"]["meta"]["article_chars"] == len(text)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_failure_never_stops_the_others_and_is_listed(tmp_path: Path) -> None:
    batch = [*items(2), Item(id="bad", text="FAIL here"), Item(id="empty", text="   "),
             Item(id="line-9", error="line 9: not JSON"), *items(4)[2:]]
    report = run(batch, RecordingEngine(), tmp_path)
    assert report.count("done") == 4
    saved = json.loads((tmp_path / REPORT_NAME).read_text(encoding="utf-8"))
    failed = {r["id"]: r["reason"] for r in saved["results"] if r["status"] == "failed"}
    assert failed == {"bad": "the model answered nothing usable",
                      "empty": "the article is empty: give a file or stdin with some text",
                      "line-9": "line 9: not JSON"}
    assert not (tmp_path / "bad.json").exists()
    assert saved["counts"] == {"done": 4, "empty": 0, "cached": 0, "skipped": 0, "failed": 3}


class ClaimlessEngine(RecordingEngine):
    """Answers with a summary but no claim, with the warning the LLM engine gives then."""

    async def abrief(self, text: str) -> ArticleBrief:
        brief = await super().abrief(text)
        if "NOTHING" in text:
            brief.claims = []
            brief.meta.warnings = ["the model found no claim in the article"]
        return brief


def test_a_brief_without_claims_is_listed_as_empty_not_done(tmp_path: Path) -> None:
    batch = [*items(2), Item(id="hollow", text="NOTHING was said here.\n")]
    report = run(batch, ClaimlessEngine(), tmp_path)
    assert (report.count("done"), report.count("empty")) == (2, 1)
    assert [r.id for r in report.empty] == ["hollow"]
    assert report.empty[0].reason == "the brief holds no claim"
    assert (tmp_path / "hollow.json").exists()  # written: it is a brief, just an empty one
    saved = json.loads((tmp_path / REPORT_NAME).read_text(encoding="utf-8"))
    assert saved["counts"] == {"done": 2, "empty": 1, "cached": 0, "skipped": 0, "failed": 0}


def test_the_summary_lists_empty_briefs_apart(tmp_path: Path) -> None:
    from rich.console import Console

    from summarizer.cli.batch import print_summary

    batch = [*items(1), Item(id="hollow", text="NOTHING was said here.\n")]
    report = run(batch, ClaimlessEngine(), tmp_path)
    console = Console(record=True, width=120)
    print_summary(console, report, None)
    text = console.export_text()
    assert "Empty briefs (no claim found)" in text
    assert "hollow" in text and "the brief holds no claim" in text
    assert "Failed articles" not in text


def test_concurrency_is_bounded_and_used(tmp_path: Path) -> None:
    engine = RecordingEngine(delay=0.05)
    run(items(12), engine, tmp_path, concurrency=3)
    assert engine.most_running == 3


def test_interrupted_run_resumes_without_redoing_or_losing_anything(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        run(items(10), RecordingEngine(interrupt_after=4), tmp_path, concurrency=1)
    finished = sorted(p.name for p in tmp_path.glob("a*.json"))
    assert finished == ["a00.json", "a01.json", "a02.json", "a03.json"]
    before = {name: (tmp_path / name).read_bytes() for name in finished}

    engine = RecordingEngine()
    report = run(items(10), engine, tmp_path, concurrency=1)
    assert engine.calls == [f"Story{k} is told here.\n" for k in range(4, 10)]
    assert report.count("skipped") == 4
    assert len(list(tmp_path.glob("a*.json"))) == 10
    assert {name: (tmp_path / name).read_bytes() for name in finished} == before


def test_changed_article_is_briefed_again(tmp_path: Path) -> None:
    run(items(2), RecordingEngine(), tmp_path)
    engine = RecordingEngine()
    changed = [Item(id="a00", text="Rewritten story.\n"), items(2)[1]]
    run(changed, engine, tmp_path)
    assert engine.calls == ["Rewritten story.\n"]
    record = json.loads((tmp_path / "a00.json").read_text(encoding="utf-8"))
    assert record["article"]["text"] == "Rewritten story.\n"


def test_rerun_through_the_cache_costs_no_tokens(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path / "cache")
    first = run(items(5), RecordingEngine(), tmp_path / "one", cache=cache)
    assert first.tokens == 500
    engine = RecordingEngine()
    second = run(items(5), engine, tmp_path / "two", cache=cache)
    assert engine.calls == []
    assert second.count("cached") == 5
    assert second.tokens == 0
    assert (tmp_path / "two" / "a03.json").exists()


@pytest.mark.parametrize("change", [{"model": "fake-2"}, {"prompt_version": "p2"}])
def test_cache_key_includes_model_and_prompt_version(
    tmp_path: Path, change: dict[str, str]
) -> None:
    cache = BriefCache(tmp_path / "cache")
    run(items(2), RecordingEngine(), tmp_path / "one", cache=cache)
    engine = RecordingEngine(**change)  # type: ignore[arg-type]
    run(items(2), engine, tmp_path / "two", cache=cache)
    assert len(engine.calls) == 2
    assert len(cache) == 4


async def test_cache_survives_reopening(tmp_path: Path) -> None:
    text = "Story is told.\n"
    from summarizer.text import text_hash

    key = key_for(text_hash(text), await RecordingEngine().identify())
    BriefCache(tmp_path).put(key, brief_of(text).model_dump_json())
    assert BriefCache(tmp_path).get(key) == brief_of(text).model_dump_json()
    other = key_for(text_hash(text), await RecordingEngine(model="x").identify())
    assert BriefCache(tmp_path).get(other) is None


def test_cache_folder_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    from summarizer.batch.cache import default_cache_dir

    monkeypatch.delenv("SUMMARIZER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "summarizer"
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


def test_price_gives_cost_in_the_record_and_report(tmp_path: Path) -> None:
    report = run(items(2), RecordingEngine(), tmp_path, price=Price(prompt=10.0, completion=100.0))
    record = json.loads((tmp_path / "a00.json").read_text(encoding="utf-8"))
    # 80 prompt tokens at $10/M + 20 completion tokens at $100/M
    assert record["cost_usd"] == pytest.approx(0.0028)
    assert record["brief"]["meta"]["cost_usd"] == pytest.approx(0.0028)
    assert report.cost_usd == pytest.approx(0.0056)


def test_extra_formats_are_written_next_to_the_json(tmp_path: Path) -> None:
    run(items(1), RecordingEngine(), tmp_path, formats=("markdown", "html"))
    assert "# Brief" in (tmp_path / "a00.md").read_text(encoding="utf-8")
    page = (tmp_path / "a00.html").read_text(encoding="utf-8")
    assert '<mark class="ev" data-ev="e0"' in page


# --------------------------------------------------------------------------- #
# processes (the offline engine's way)
# --------------------------------------------------------------------------- #

_made_here = 0


class CountingEngine(Engine):
    """Says in each brief which process made it and how many engines that process made."""

    name = "offline"

    def __init__(self, settings: LLMSettings | None = None) -> None:
        super().__init__(settings)
        global _made_here
        _made_here += 1
        self.made = _made_here

    def brief(self, text: str) -> ArticleBrief:
        brief = brief_of(text)
        brief.meta.warnings = [f"pid={os.getpid()}", f"made={self.made}"]
        return brief

    async def abrief(self, text: str) -> ArticleBrief:
        return self.brief(text)


class BrokenInWorkers(CountingEngine):
    """Made here, but cannot start in a worker process (as without spaCy's model there)."""

    def __init__(self, settings: LLMSettings | None = None) -> None:
        if multiprocessing.parent_process() is not None:
            raise ConfigError("the spaCy model is not installed")
        super().__init__(settings)


def test_processes_make_the_engine_once_each(tmp_path: Path) -> None:
    runner = ProcessRunner(CountingEngine(), 2)
    report = run_batch(items(8), runner, BatchOptions(out_dir=tmp_path, concurrency=2))
    assert report.count("done") == 8
    warnings = [json.loads(p.read_text(encoding="utf-8"))["brief"]["meta"]["warnings"]
                for p in sorted(tmp_path.glob("a*.json"))]
    assert {w[1] for w in warnings} == {"made=1"}
    pids = {w[0] for w in warnings}
    assert 1 <= len(pids) <= 2
    assert f"pid={os.getpid()}" not in pids


def test_engine_failing_to_start_in_workers_fails_each_article_clearly(tmp_path: Path) -> None:
    runner = ProcessRunner(BrokenInWorkers(), 1)
    report = run_batch(items(2), runner, BatchOptions(out_dir=tmp_path, concurrency=1))
    assert [r.reason for r in report.failures] == ["the spaCy model is not installed"] * 2


async def test_the_offline_engine_runs_in_processes_and_names_itself() -> None:
    from summarizer.engines.offline import OfflineEngine

    runner, at_once = runner_for("offline", LLMSettings(), concurrency=4, processes=2)
    try:
        assert isinstance(runner, ProcessRunner) and at_once == 2
        assert await runner.identify() == await OfflineEngine().identify()
    finally:
        runner.close()


@pytest.mark.usefixtures("fake_engine")
def test_other_engines_run_in_this_event_loop() -> None:
    runner, at_once = runner_for("auto", LLMSettings(), concurrency=7, processes=2)
    assert isinstance(runner, AsyncRunner) and at_once == 7


# --------------------------------------------------------------------------- #
# URLs
# --------------------------------------------------------------------------- #

PAGE = ("<html><body><nav><a href='/'>Home</a></nav><article><h1>Council vote</h1>"
        + "".join(f"<p>Paragraph {k}: the council met on Monday and voted to repair the "
                  f"old bridge, which engineers said was unsafe for heavy trucks.</p>"
                  for k in range(6))
        + "</article><div class='comments'>First! comment</div></body></html>")


@pytest.fixture
def pages() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.path)
            status, body = (200, PAGE.encode()) if self.path == "/story" else (404, b"")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def test_url_items_are_fetched_extracted_and_not_refetched(
    tmp_path: Path, pages: tuple[str, list[str]]
) -> None:
    base, seen = pages
    batch = [Item(id=name, url=f"{base}/{name}", allow_private_url=True)  # loopback server
             for name in ("story", "gone")]
    report = run(batch, RecordingEngine(), tmp_path)
    record = json.loads((tmp_path / "story.json").read_text(encoding="utf-8"))
    assert record["article"]["source"] == f"{base}/story"
    assert "Paragraph 5: the council met" in record["article"]["text"]
    assert "First! comment" not in record["article"]["text"]
    assert [(r.id, r.reason) for r in report.failures] == [
        ("gone", f"{base}/gone: the server answered HTTP 404")]
    seen.clear()
    again = run(batch, RecordingEngine(), tmp_path)
    assert seen == ["/gone"]
    assert [(r.id, r.status, r.output) for r in again.results] == [
        ("story", "skipped", str(tmp_path / "story.json")), ("gone", "failed", None)]


# --------------------------------------------------------------------------- #
# the command (the fake engine)
# --------------------------------------------------------------------------- #

SHARED = "The harbour authority approved the dredging plan on Tuesday."


def fake_tokens(text: str) -> int:
    """What the fake engine reports spending on ``text`` (tests/fakes.py)."""
    return len(text) // 4 + 10


def test_batch_command_then_resume_and_cache(
    tmp_path: Path, fake_engine: type[FakeEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMMARIZER_PRICE_PROMPT", raising=False)
    monkeypatch.delenv("SUMMARIZER_PRICE_COMPLETION", raising=False)
    folder = tmp_path / "articles"
    folder.mkdir()
    texts = [f"{SHARED} Report {k}. More detail {k}.\n" for k in range(3)]
    for k, text in enumerate(texts):
        (folder / f"n{k}.txt").write_text(text, encoding="utf-8")
    args = ["batch", str(folder), "--engine", "llm", "--base-url", "http://127.0.0.1:9/v1",
            "--model", "scripted-model", "--concurrency", "2",
            "--cache-dir", str(tmp_path / "cache")]

    first = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert first.exit_code == 0, first.output
    assert fake_engine.calls == 3
    for k in range(3):
        record = json.loads((tmp_path / "out" / f"n{k}.json").read_text(encoding="utf-8"))
        evidence = record["brief"]["claims"][0]["evidence"][0]
        assert record["article"]["text"][evidence["start"]:evidence["end"]] == SHARED
        assert record["brief"]["meta"]["usage"]["total_tokens"] == fake_tokens(texts[k])
    assert "Batch summary" in first.output

    again = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out")])
    fresh = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out2")])
    assert (again.exit_code, fresh.exit_code) == (0, 0)
    assert fake_engine.calls == 3  # resumed and cached: no new engine calls
    saved = json.loads((tmp_path / "out2" / REPORT_NAME).read_text(encoding="utf-8"))
    assert saved["counts"]["cached"] == 3 and saved["tokens"] == 0


def test_batch_command_bad_input_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "nope"), "--out",
                                      str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"summarizer: error: {tmp_path / 'nope'}: no such file or folder"]


@pytest.mark.usefixtures("fake_engine")
def test_batch_command_refuses_a_format_that_makes_no_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Story.", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "--out", str(tmp_path / "out"),
                                      "--no-cache", "--format", "terminal"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "summarizer: error: the terminal format is for a terminal, not a file: "
        "use json, markdown, html"]


async def test_cache_key_names_the_model_the_server_serves(server: ScriptedServer) -> None:
    from summarizer.engines import create

    settings = LLMSettings(base_url=server.url)  # no model given: the server's first
    identity = await AsyncRunner(create("llm", settings)).identify()
    assert identity.model == server.models[0]
    assert identity.model
    assert key_for("sha", identity).model == server.models[0]
