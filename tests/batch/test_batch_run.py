"""One batch run in this process: a signal stopping it, an engine crashing, empty briefs
that say why, timings, and the files written beside each brief."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from test_batch import ClaimlessEngine, RecordingEngine, items, run

from summarizer.batch.cache import BriefCache
from summarizer.batch.items import Item
from summarizer.batch.run import REPORT_NAME, BatchOptions, Interrupted, arun_batch
from summarizer.batch.runners import AsyncRunner
from summarizer.errors import InputError
from summarizer.pricing import Price
from summarizer.schema import ArticleBrief


class SignallingEngine(RecordingEngine):
    """Sends this process SIGTERM while briefing the third article, then takes its time."""

    async def abrief(self, text: str) -> ArticleBrief:
        if len(self.calls) == 2:
            self.calls.append(text)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(2)  # cancelled by the signal, if the run stops as it should
        return await super().abrief(text)


@pytest.fixture
def sigterm_fails_the_test() -> Iterator[None]:
    """A SIGTERM the run does not handle fails the test instead of ending pytest."""

    def unhandled(signum: int, frame: FrameType | None) -> None:
        raise RuntimeError("SIGTERM reached the default handler")

    before = signal.signal(signal.SIGTERM, unhandled)
    yield
    signal.signal(signal.SIGTERM, before)


@pytest.mark.usefixtures("sigterm_fails_the_test")
def test_sigterm_stops_the_run_and_reports_what_finished(tmp_path: Path) -> None:
    with pytest.raises(Interrupted) as caught:
        run(items(6), SignallingEngine(), tmp_path, concurrency=1)
    stopped = caught.value
    assert (str(stopped), stopped.exit_code) == ("SIGTERM", 128 + signal.SIGTERM)
    assert stopped.report.interrupted == "SIGTERM"
    assert [r.id for r in stopped.report.results] == ["a00", "a01"]
    assert stopped.report.unfinished == 4
    saved = json.loads((tmp_path / REPORT_NAME).read_text(encoding="utf-8"))
    assert (saved["interrupted"], saved["unfinished"], saved["counts"]["done"]) == ("SIGTERM", 4, 2)


class CrashingEngine(RecordingEngine):
    """Fails with an error of its own (not one of ours) on a text holding 'CRASH'."""

    async def abrief(self, text: str) -> ArticleBrief:
        if "CRASH" in text:
            raise RuntimeError("index out of range")
        return await super().abrief(text)


def test_an_engine_crash_fails_its_article_with_the_error_named(tmp_path: Path) -> None:
    batch = [*items(2), Item(id="boom", text="CRASH here.\n")]
    started = time.perf_counter()
    report = run(batch, CrashingEngine(), tmp_path)
    assert 0 < report.seconds <= time.perf_counter() - started
    assert [(r.id, r.status, r.reason) for r in report.results] == [
        ("a00", "done", None), ("a01", "done", None),
        ("boom", "failed", "RuntimeError: index out of range")]
    assert all(0 <= r.seconds <= report.seconds for r in report.results)


class WarnedClaimlessEngine(ClaimlessEngine):
    """A claimless brief that also carries a warning saying something else."""

    async def abrief(self, text: str) -> ArticleBrief:
        brief = await super().abrief(text)
        if "NOTHING" in text:
            brief.meta.warnings.append("the answer was cut short")
        return brief


def test_an_empty_brief_says_what_its_warnings_say(tmp_path: Path) -> None:
    report = run([Item(id="hollow", text="NOTHING was said here.\n")], WarnedClaimlessEngine(),
                 tmp_path)  # fmt: skip
    assert [(r.status, r.reason) for r in report.results] == [
        ("empty", "the brief holds no claim (the answer was cut short)")]


def test_renderings_beside_the_json_carry_the_cost(tmp_path: Path) -> None:
    run(items(1), RecordingEngine(), tmp_path, formats=("markdown", "html"),
        price=Price(prompt=10.0, completion=100.0))  # fmt: skip
    for suffix in (".md", ".html"):
        assert "cost: $0.0028" in (tmp_path / f"a00{suffix}").read_text(encoding="utf-8")


def test_the_record_is_indented_utf8_json(tmp_path: Path) -> None:
    text = "Café owners said “prices will rise” in Zürich.\n"
    run([Item(id="cafe", text=text)], RecordingEngine(), tmp_path)
    written = (tmp_path / "cafe.json").read_text(encoding="utf-8")
    record = json.loads(written)
    assert record["article"]["text"] == text
    assert text.strip() in written  # the text as it reads, not \\u escapes
    assert written == json.dumps(record, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.usefixtures("sigterm_fails_the_test")
async def test_arun_batch_leaves_the_callers_signal_handling_alone(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    report = await arun_batch(items(2), AsyncRunner(RecordingEngine()),
                              BatchOptions(out_dir=tmp_path))  # fmt: skip
    assert report.count("done") == 2
    assert signal.getsignal(signal.SIGTERM) is before


class SlowFirstEngine(RecordingEngine):
    """Takes longest over the first article, so the others finish before it."""

    async def abrief(self, text: str) -> ArticleBrief:
        if text.startswith("Story0 "):
            await asyncio.sleep(0.3)
        return await super().abrief(text)


def test_results_come_in_the_order_of_the_input(tmp_path: Path) -> None:
    report = run(items(4), SlowFirstEngine(), tmp_path, concurrency=4)
    assert [r.id for r in report.results] == ["a00", "a01", "a02", "a03"]


def test_every_result_names_its_file_and_costs_nothing_without_a_price(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path / "cache")
    for out, status in (("one", "done"), ("one", "skipped"), ("two", "cached")):
        report = run(items(2), RecordingEngine(), tmp_path / out, cache=cache)
        assert [(r.id, r.status, r.output) for r in report.results] == [
            (f"a{k:02d}", status, str(tmp_path / out / f"a{k:02d}.json")) for k in range(2)], status
        assert report.cost_usd == 0 and all(r.cost_usd == 0 for r in report.results)


def test_a_cached_brief_without_claims_is_still_listed_as_empty(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path / "cache")
    hollow = [Item(id="hollow", text="NOTHING was said here.\n")]
    for out in ("one", "two"):
        report = run(hollow, ClaimlessEngine(), tmp_path / out, cache=cache)
        assert [(r.id, r.status, r.reason, r.output) for r in report.results] == [
            ("hollow", "empty", "the brief holds no claim", str(tmp_path / out / "hollow.json"))
        ], out
    assert len(cache) == 1  # the second came from the cache


def test_the_report_file_holds_the_totals(tmp_path: Path) -> None:
    report = run(items(2), RecordingEngine(), tmp_path, price=Price(prompt=10.0, completion=100.0))
    written = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    saved = json.loads(written)
    assert written == json.dumps(saved, indent=2) + "\n"
    assert (saved["interrupted"], saved["unfinished"]) == (None, 0)
    assert saved["seconds"] == round(report.seconds, 3)  # to the millisecond
    assert saved["cost_usd"] == report.cost_usd == pytest.approx(0.0056)
    assert saved["tokens"] == report.tokens == 200


def test_a_report_that_cannot_be_written_is_said_and_the_briefs_stay(tmp_path: Path) -> None:
    (tmp_path / REPORT_NAME).mkdir()  # a folder where the report goes
    report = run(items(1), RecordingEngine(), tmp_path)
    assert report.count("done") == 1 and (tmp_path / "a00.json").is_file()
    assert report.report_error is not None
    assert report.report_error == f"{tmp_path / REPORT_NAME}: is a folder; give a file name"


def test_the_output_folder_is_made_with_the_folders_above_it(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out"
    assert run(items(1), RecordingEngine(), out).count("done") == 1
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run(items(1), RecordingEngine(), tmp_path / "file" / "out")
    assert str(caught.value) == f"{tmp_path / 'file' / 'out'}: cannot create the folder " \
                                "(Not a directory)"


def test_concurrency_below_one_is_refused_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        BatchOptions(out_dir=tmp_path, concurrency=0)
    assert str(caught.value) == "--concurrency must be at least 1"
