"""The Batch API executor through the real ``openai`` SDK against a loopback Batch API.

The briefs come from the LLM engine's own code (validation, grounding, salvage,
re-asks); these tests check that only the transport differs: the same briefs as
a synchronous run, re-asks in a follow-up batch, failures per article, expired
batches asked again, and a rerun that resumes polling instead of paying twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_api_server import BatchAPIServer
from llm_cases import ARTICLE, FAST, GOOD
from scripted_server import Reply, ScriptedServer, completion
from typer.testing import CliRunner

from summarizer.batch.items import Item
from summarizer.batch.openai_batch import STATE_DIR, batch_settings, run_openai_batch
from summarizer.batch.run import BatchOptions, run_batch
from summarizer.batch.runners import AsyncRunner
from summarizer.cli.app import app
from summarizer.config import LLMSettings, Mode
from summarizer.engines.llm.engine import LLMEngine
from summarizer.pricing import Price

FAIL = "FAIL-THIS-ONE"


def articles(n: int) -> list[Item]:
    """``n`` articles the good answer grounds in, each with its own last line."""
    return [Item(id=f"a{i}", text=f"{ARTICLE}\nUpdate number {i}.") for i in range(n)]


def good(body: dict[str, Any]) -> dict[str, Any] | tuple[int, str]:
    """The good answer, in the form the request asked for; HTTP 500 for a FAIL article."""
    if FAIL in json.dumps(body):
        return 500, "scripted failure"
    return completion(body, Reply("answer", GOOD))


def settings_for(url: str, **changes: Any) -> LLMSettings:
    return LLMSettings(base_url=url, model="scripted-model", mode=Mode.json, **changes)


def batch_engine(url: str, **changes: Any) -> LLMEngine:
    return LLMEngine(batch_settings(settings_for(url, **changes)), backoff=FAST)


def run(api: BatchAPIServer, items: list[Item], out: Path, **options: Any) -> Any:
    lines: list[str] = []
    batch_options = BatchOptions(out_dir=out, price=options.pop("price", None))
    report, runner = run_openai_batch(
        items, options.pop("engine", None) or batch_engine(api.url), batch_options,
        poll_seconds=0.01, on_status=lines.append, **options,
    )  # fmt: skip
    return report, runner, lines


def brief_json(out: Path, item_id: str) -> dict[str, Any]:
    record = json.loads((out / f"{item_id}.json").read_text())
    meta = record["brief"]["meta"]
    meta.pop("seconds")
    meta.pop("cost_usd")
    return dict(record)


@pytest.fixture
def api() -> Iterator[BatchAPIServer]:
    server = BatchAPIServer(good).start()
    try:
        yield server
    finally:
        server.stop()


def test_one_batch_walks_every_state_and_briefs_every_article(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    report, _, lines = run(api, articles(3), tmp_path / "out")
    assert report.count("done") == 3 and not report.failures
    assert len(api.uploads) == 1 and len(api.batches) == 1
    assert len(api.requests_in(0)) == 3  # one request per article
    said = " ".join(lines)
    for status in ("validating", "in_progress", "completed"):
        assert f"batch_1: {status}" in said
    assert "3/3 done, 0 failed" in said
    brief = json.loads((tmp_path / "out" / "a1.json").read_text())["brief"]
    assert len(brief["claims"]) == 2
    text = f"{ARTICLE}\nUpdate number 1."
    for claim in brief["claims"]:
        for evidence in claim["evidence"]:
            assert text[evidence["start"] : evidence["end"]] == evidence["text"]
    state = json.loads((tmp_path / "out" / STATE_DIR / "state.json").read_text())
    assert [b["id"] for b in state["batches"]] == ["batch_1"]
    assert state["batches"][0]["status"] == "completed"


def test_requests_are_the_ones_the_synchronous_path_sends(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    items = articles(2)
    run(api, items, tmp_path / "batch")
    server = ScriptedServer().start()
    try:
        for _ in items:
            server.answer(GOOD)
        engine = LLMEngine(settings_for(server.url), backoff=FAST)
        run_batch(items, AsyncRunner(engine), BatchOptions(out_dir=tmp_path / "sync"))
        sent = sorted(json.dumps(r.body["messages"]) for r in server.completions())
    finally:
        server.stop()
    batched = sorted(json.dumps(line["body"]["messages"]) for line in api.requests_in(0))
    assert batched == sent
    line = api.requests_in(0)[0]
    assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
    assert "stream" not in line["body"] and line["body"]["max_tokens"] > 0
    for item in items:  # and the briefs are the same, timing aside
        assert brief_json(tmp_path / "batch", item.id) == brief_json(tmp_path / "sync", item.id)


def test_reasks_go_into_a_follow_up_batch(api: BatchAPIServer, tmp_path: Path) -> None:
    def first_invalid(body: dict[str, Any]) -> dict[str, Any] | tuple[int, str]:
        if len(body["messages"]) == 2:  # a first ask: an answer that is not JSON
            return completion(body, Reply("content", "I cannot answer in JSON, sorry."))
        return completion(body, Reply("answer", GOOD))

    api.answer = first_invalid
    report, _, _ = run(api, articles(2), tmp_path / "out")
    assert report.count("done") == 2
    assert len(api.batches) == 2
    assert all(len(line["body"]["messages"]) > 2 for line in api.requests_in(1))
    meta = json.loads((tmp_path / "out" / "a0.json").read_text())["brief"]["meta"]
    assert meta["attempts"] == 2 and meta["usage"]["total_tokens"] == 240


def test_reask_sync_sends_reasks_to_the_endpoint(api: BatchAPIServer, tmp_path: Path) -> None:
    api.answer = lambda body: completion(body, Reply("content", "not JSON at all"))
    server = ScriptedServer().start()
    try:
        server.answer(GOOD)
        engine = batch_engine(server.url)  # chat requests to server, batches to api
        engine.url = api.url
        report, _, _ = run(api, articles(1), tmp_path / "out", engine=engine, reask="sync")
        # the synchronous re-ask carried the batch's invalid answer back to the model
        assert "not JSON at all" in json.dumps(server.completions()[0].body["messages"])
    finally:
        server.stop()
    assert report.count("done") == 1
    assert len(api.batches) == 1


def test_partial_failures_are_listed_per_article(api: BatchAPIServer, tmp_path: Path) -> None:
    items = articles(3)
    items[1] = Item(id="bad", text=f"{ARTICLE}\n{FAIL}")
    report, _, _ = run(api, items, tmp_path / "out")
    assert report.count("done") == 2
    assert [f.id for f in report.failures] == ["bad"]
    assert "500" in (report.failures[0].reason or "")
    assert "scripted failure" in (report.failures[0].reason or "")
    assert not (tmp_path / "out" / "bad.json").exists()


def test_a_failed_batch_fails_its_articles_with_its_reason(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    api.fail = {0}
    report, _, _ = run(api, articles(2), tmp_path / "out")
    assert report.count("failed") == 2
    assert all("scripted failure" in (f.reason or "") for f in report.failures)


def test_an_expired_batch_is_asked_again_for_what_it_did_not_answer(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    api.expire = {0}
    report, _, lines = run(api, articles(4), tmp_path / "out")
    assert report.count("done") == 4
    assert [b.status for b in api.batches] == ["expired", "completed"]
    first = {line["custom_id"] for line in api.requests_in(0)[2:]}  # the half not answered
    assert {line["custom_id"] for line in api.requests_in(1)} == first
    assert "batch_1: expired" in " ".join(lines)


def test_a_request_expiring_twice_fails_its_article(api: BatchAPIServer, tmp_path: Path) -> None:
    api.expire = {0, 1}
    report, _, _ = run(api, articles(2), tmp_path / "out")
    assert report.count("done") == 1
    assert "expired 2 times" in (report.failures[0].reason or "")


def test_an_interrupted_run_resumes_polling_instead_of_paying_twice(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"

    def interrupt(line: str) -> None:
        if "in_progress" in line:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_openai_batch(articles(3), batch_engine(api.url), BatchOptions(out_dir=out),
                         poll_seconds=0.01, on_status=interrupt)  # fmt: skip
    assert len(api.batches) == 1 and not list(out.glob("a*.json"))
    report, runner, _ = run(api, articles(3), out)
    assert report.count("done") == 3
    assert len(api.batches) == 1 and len(api.uploads) == 1  # polled, not created again
    assert runner.created == 0
    # a third run finds every brief written: nothing asked at all
    polls = api.retrieves
    report, _, _ = run(api, articles(3), out)
    assert report.count("skipped") == 3 and api.retrieves == polls


def test_downloaded_answers_are_used_when_outputs_were_lost(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run(api, articles(2), out)
    (out / "a0.json").unlink()
    polls = api.retrieves
    report, _, _ = run(api, articles(2), out)
    assert report.count("done") == 1 and report.count("skipped") == 1
    assert len(api.batches) == 1 and api.retrieves == polls  # read from the saved results


PRICE = Price(prompt=10.0, completion=30.0)  # USD per million tokens
FIRST = (100, 20)  # tokens (prompt, completion) of a first ask's answer
REASK = (300, 60)  # and of a re-ask's


def dollars(tokens: tuple[int, int], rate: float) -> float:
    """What ``tokens`` cost at ``rate`` times the listed price."""
    return (tokens[0] * PRICE.prompt + tokens[1] * PRICE.completion) * rate / 1_000_000


def invalid_then_good(body: dict[str, Any]) -> dict[str, Any] | tuple[int, str]:
    """A first ask (system and user messages only) answered with no JSON; a re-ask well."""
    if len(body["messages"]) == 2:
        return completion(body, Reply("content", "not JSON at all", usage=FIRST))
    return completion(body, Reply("answer", GOOD, usage=REASK))


def test_cost_is_the_batch_price_half_the_listed_one(api: BatchAPIServer, tmp_path: Path) -> None:
    report, _, _ = run(api, articles(1), tmp_path / "out", price=PRICE)
    meta = json.loads((tmp_path / "out" / "a0.json").read_text())["brief"]["meta"]
    listed = dollars(FIRST, 1.0)  # the scripted usage: 100 + 20 tokens
    assert meta["cost_usd"] == pytest.approx(listed / 2)
    assert report.cost_usd == pytest.approx(listed / 2)


def test_a_reask_in_a_follow_up_batch_costs_half_the_listed_price(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    api.answer = invalid_then_good
    report, _, _ = run(api, articles(1), tmp_path / "out", price=PRICE)
    assert len(api.batches) == 2
    record = json.loads((tmp_path / "out" / "a0.json").read_text())
    expected = dollars(FIRST, 0.5) + dollars(REASK, 0.5)
    assert record["brief"]["meta"]["cost_usd"] == pytest.approx(expected)
    assert record["cost_usd"] == pytest.approx(expected)
    assert report.cost_usd == pytest.approx(expected)


def test_a_reask_sent_sync_costs_the_listed_price(api: BatchAPIServer, tmp_path: Path) -> None:
    api.answer = invalid_then_good
    server = ScriptedServer().start()
    try:
        server.answer(GOOD, usage=REASK)
        engine = batch_engine(server.url)  # chat requests to server, batches to api
        engine.url = api.url
        out = tmp_path / "out"
        options = BatchOptions(out_dir=out, price=PRICE, formats=("markdown",))
        report, _ = run_openai_batch(articles(1), engine, options, reask="sync",
                                     poll_seconds=0.01)  # fmt: skip
        assert len(server.completions()) == 1
    finally:
        server.stop()
    assert len(api.batches) == 1 and report.count("done") == 1
    record = json.loads((out / "a0.json").read_text())
    usage = record["brief"]["meta"]["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (400, 80)
    expected = dollars(FIRST, 0.5) + dollars(REASK, 1.0)  # batched at half, sync in full
    assert record["brief"]["meta"]["cost_usd"] == pytest.approx(expected)
    assert record["cost_usd"] == pytest.approx(expected)
    assert report.cost_usd == pytest.approx(expected)
    assert f"cost: ${expected:.4f}" in (out / "a0.md").read_text()


def test_command_line_runs_the_batch_executor(api: BatchAPIServer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i.id, "text": i.text}) + "\n"
                              for i in articles(2)))  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "batch", str(source), "--out", str(out), "--executor", "openai-batch", "--engine", "llm",
        "--base-url", api.url, "--model", "scripted-model", "--mode", "json",
        "--poll-seconds", "0.01", "--no-cache",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "batch_1: completed" in result.output
    assert sorted(p.name for p in out.glob("a*.json")) == ["a0.json", "a1.json"]


def test_command_line_refuses_the_batch_executor_for_the_offline_engine(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", "text": ARTICLE}) + "\n")
    result = CliRunner().invoke(app, ["batch", str(source), "--out", str(tmp_path / "out"),
                                      "--executor", "openai-batch", "--engine", "offline"])
    assert result.exit_code == 2
    assert "--executor openai-batch needs --engine llm" in result.output
    assert "Traceback" not in result.output


def test_command_line_writes_batch_api_briefs_in_shards(
    api: BatchAPIServer, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i.id, "text": i.text}) + "\n"
                              for i in articles(3)))  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "batch", str(source), "--out", str(out), "--executor", "openai-batch", "--engine", "llm",
        "--base-url", api.url, "--model", "scripted-model", "--mode", "json",
        "--poll-seconds", "0.01", "--no-cache", "--out-format", "jsonl", "--shard-size", "2",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(api.batches) == 2  # one per shard
    lines = [json.loads(line) for p in sorted(out.glob("briefs-*.jsonl"))
             for line in p.read_text().splitlines()]  # fmt: skip
    assert [r["article"]["id"] for r in lines] == ["a0", "a1", "a2"]
    assert not (out / "_staging").exists()
