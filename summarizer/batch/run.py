"""Brief many articles: bounded concurrency, one atomic file per article, resumable.

Each article becomes ``OUT/<id>.json``::

    {"article": {"id", "source", "sha256", "text"}, "brief": {...}, "cost_usd": ...}

The extracted text is in the file, so every evidence offset can be checked
against it. A rerun skips articles whose file already holds a brief of the
same text, and asks the cache before it asks an engine.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from summarizer.api import stamp
from summarizer.batch.cache import BriefCache, key_for
from summarizer.batch.items import REPORT_STEM, Item, assign_stems, load_item
from summarizer.errors import InputError, SummarizerError
from summarizer.inputs.files import write_atomic
from summarizer.render import Format, file_suffix, render
from summarizer.render.records import article_record
from summarizer.schema import ArticleBrief
from summarizer.text import text_hash

if TYPE_CHECKING:
    from summarizer.batch.runners import Runner
    from summarizer.engines import EngineIdentity
    from summarizer.pricing import Price

REPORT_NAME = f"{REPORT_STEM}.json"
#: "empty": briefed (file written) but the brief holds no claim: listed apart from "done".
Status = Literal["done", "empty", "cached", "skipped", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)


@dataclass
class ItemResult:
    id: str
    status: Status
    reason: str | None = None
    tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    output: str | None = None


@dataclass
class BatchReport:
    results: list[ItemResult] = field(default_factory=list)
    seconds: float = 0.0
    report_error: str | None = None  # why REPORT_NAME could not be written, if it could not
    interrupted: str | None = None  # the signal that stopped the run ("SIGTERM"), if one did
    unfinished: int = 0  # articles neither briefed nor failed when it stopped

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def tokens(self) -> int:
        return sum(r.tokens for r in self.results)

    @property
    def cost_usd(self) -> float:
        return round(sum(r.cost_usd for r in self.results), 6)

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def empty(self) -> list[ItemResult]:
        return [r for r in self.results if r.status == "empty"]


@dataclass
class BatchOptions:
    out_dir: Path
    concurrency: int = 4
    cache: BriefCache | None = None
    formats: tuple[Format | str, ...] = ()  # renderings written next to the JSON (always written)
    price: Price | None = None
    on_result: Callable[[ItemResult], None] | None = None

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise InputError("--concurrency must be at least 1")
        for fmt in self.formats:
            file_suffix(fmt)  # a format that makes no file is refused before any work


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the run; the report of what finished is written."""

    def __init__(self, report: BatchReport, signum: int) -> None:
        super().__init__(report.interrupted)
        self.report = report
        self.exit_code = 128 + signum  # what a shell shows for a process the signal ended


@dataclass
class _Batch:
    """What every article of one run shares."""

    runner: Runner
    identity: EngineIdentity
    options: BatchOptions


async def arun_batch(
    items: list[Item], runner: Runner, options: BatchOptions, *, stop_on_signals: bool = False
) -> BatchReport:
    """Brief every item, at most ``options.concurrency`` at a time; failures never stop the rest.

    With ``stop_on_signals`` (main thread only), SIGINT and SIGTERM stop the run: what is
    in flight is cancelled and ``report.interrupted`` names the signal. Stopped or
    cancelled, the report of what finished is written.
    """
    assign_stems(items)
    try:
        options.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(f"{options.out_dir}: cannot create the folder ({reason})") from None
    batch = _Batch(runner, await runner.identify(), options)
    limit = asyncio.Semaphore(options.concurrency)
    report = BatchReport()
    started = time.perf_counter()

    async def one(item: Item) -> None:
        async with limit:
            result = await _process(item, batch)
        report.results.append(result)
        if options.on_result:
            options.on_result(result)

    work = asyncio.gather(*(one(item) for item in items))
    try:
        report.interrupted = await (_unless_signalled(work) if stop_on_signals else _all(work))
    finally:  # also when cancelled: what finished is reported
        report.seconds = time.perf_counter() - started
        report.unfinished = len(items) - len(report.results)
        order = {item.id: n for n, item in enumerate(items)}
        report.results.sort(key=lambda r: order.get(r.id, 0))
        try:
            _write_report(options.out_dir, report)
        except InputError as error:  # e.g. disk full: the summary must still reach the user
            report.report_error = str(error)
    return report


def run_batch(items: list[Item], runner: Runner, options: BatchOptions) -> BatchReport:
    """Blocking form of :func:`arun_batch`; closes ``runner`` at the end. SIGINT or SIGTERM
    stops the run, writes the report of what finished and raises :class:`Interrupted`."""
    try:
        report = asyncio.run(arun_batch(items, runner, options, stop_on_signals=True))
    finally:
        runner.close()  # an interrupted run's workers are stopped, not waited for
    if report.interrupted:
        raise Interrupted(report, signal.Signals[report.interrupted])
    return report


async def _all(work: asyncio.Future[list[None]]) -> None:
    await work


async def _unless_signalled(work: asyncio.Future[list[None]]) -> str | None:
    """Wait for ``work``; SIGINT or SIGTERM cancels it instead. The signal's name, if one came."""
    loop = asyncio.get_running_loop()
    caught: list[str] = []

    def stop(signum: signal.Signals) -> None:
        caught.append(signum.name)
        work.cancel()

    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop, signum)
            installed.append(signum)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread; Windows
            pass
    try:
        await work
    except asyncio.CancelledError:
        if not caught:  # cancelled by our caller, not by a signal
            raise
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
    return caught[0] if caught else None


async def _process(item: Item, batch: _Batch) -> ItemResult:
    started = time.perf_counter()
    try:
        result = await _brief_item(item, batch)
    except SummarizerError as error:
        result = ItemResult(item.id, "failed", str(error))
    except Exception as error:  # one bad article must not stop the batch
        result = ItemResult(item.id, "failed", f"{type(error).__name__}: {error}")
    result.seconds = time.perf_counter() - started
    return result


async def _brief_item(item: Item, batch: _Batch) -> ItemResult:
    options = batch.options
    output = options.out_dir / f"{item.file_stem}.json"
    if item.error:
        raise InputError(item.error)
    if item.url and _finished(output, item.id):  # a page already briefed is not fetched again
        return ItemResult(item.id, "skipped", output=str(output))
    text, source = await asyncio.to_thread(load_item, item)
    digest = text_hash(text)
    if _finished(output, item.id, digest):
        return ItemResult(item.id, "skipped", output=str(output))
    key = key_for(digest, batch.identity)
    cached = options.cache.brief(key, text) if options.cache is not None else None
    brief = cached or await batch.runner.brief(text)
    # A brief keeps the price it was made at: its runner's own (the Batch API's half
    # price) or, from the cache, the one stamped when it was made.
    priced = brief.meta.cost_usd
    stamp(brief, text, options.price, digest)
    if priced is not None and options.price is not None:
        brief.meta.cost_usd = priced
    if options.cache is not None and not cached:
        options.cache.put(key, brief.model_dump_json())
    # in a thread: fsync would stall every other article's requests in the event loop
    await asyncio.to_thread(_write_outputs, item, output, text, source, brief, options)
    empty = _emptiness(brief, text)
    if cached:
        return ItemResult(item.id, "empty" if empty else "cached", empty, output=str(output))
    return ItemResult(item.id, "empty" if empty else "done", empty,
                      tokens=brief.meta.usage.total_tokens,
                      cost_usd=brief.meta.cost_usd or 0.0,
                      output=str(output))  # fmt: skip


def _emptiness(brief: ArticleBrief, text: str) -> str | None:
    """Why a brief of a non-empty article counts as empty (no claim), or None."""
    if brief.claims or not text.strip():
        return None
    said = [w for w in brief.meta.warnings if "no claim" not in w]
    return "the brief holds no claim" + (f" ({said[0]})" if said else "")


def _finished(output: Path, item_id: str, digest: str | None = None) -> bool:
    """True when ``output`` already holds this article's brief (of exactly this text, when
    ``digest`` is given)."""
    try:
        record = json.loads(output.read_text(encoding="utf-8"))
        article = record["article"]
        same = article["id"] == item_id and digest in (None, article["sha256"])
        return bool(same and record["brief"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_outputs(
    item: Item,
    output: Path,
    text: str,
    source: str,
    brief: ArticleBrief,
    options: BatchOptions,
) -> None:
    record = article_record(brief, text, source, item_id=item.id, price=options.price)
    for fmt in options.formats:
        if fmt != Format.json:  # the record below is the JSON
            rendered = render(brief, fmt, article=text, price=options.price)
            write_atomic(output.with_suffix(file_suffix(fmt)), rendered)
    # The JSON goes last: its presence is what marks the article finished.
    write_atomic(output, json.dumps(record, ensure_ascii=False, indent=2) + "\n")


def _write_report(out_dir: Path, report: BatchReport) -> None:
    data = {
        "interrupted": report.interrupted,
        "unfinished": report.unfinished,
        "seconds": round(report.seconds, 3),
        "tokens": report.tokens,
        "cost_usd": report.cost_usd,
        "counts": {s: report.count(s) for s in STATUSES},
        "results": [asdict(r) for r in report.results],
    }
    write_atomic(out_dir / REPORT_NAME, json.dumps(data, indent=2) + "\n")
