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
import re
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

from summarizer.batch.cache import BriefCache, key_for
from summarizer.errors import InputError, SummarizerError
from summarizer.text import text_hash

if TYPE_CHECKING:
    from summarizer.engines import Engine
    from summarizer.pricing import Price
    from summarizer.schema import ArticleBrief

INPUT_SUFFIXES = (".txt", ".html", ".htm")
REPORT_NAME = "_batch_report.json"
Status = Literal["done", "cached", "skipped", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #


@dataclass
class Item:
    """One article to brief: inline text, a file, or a URL. ``error`` marks a bad input line."""

    id: str
    text: str | None = None
    path: Path | None = None
    url: str | None = None
    error: str | None = None

    @property
    def file_stem(self) -> str:
        return safe_name(self.id)


def safe_name(item_id: str) -> str:
    """A file name for an id: unsafe characters replaced, a hash added if anything changed."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", item_id).lstrip(".")[:80] or "article"
    if cleaned != item_id:
        cleaned += "-" + text_hash(item_id)[:8]
    return cleaned


def read_inputs(source: Path) -> list[Item]:
    """A folder of .txt/.html files or a JSONL file -> the items, in a stable order."""
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if source.is_dir():
        return _folder_items(source)
    return _jsonl_items(source)


def check_out_dir(source: Path, out_dir: Path) -> None:
    """Refuse an output folder that is a file, or the input folder (outputs would become inputs)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: is a file; --out needs a folder")
    if source.is_dir() and out_dir.resolve() == source.resolve():
        raise InputError(f"{out_dir}: is the input folder; choose another --out")


def _folder_items(folder: Path) -> list[Item]:
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in INPUT_SUFFIXES and p.is_file()
    )
    if not files:
        raise InputError(f"{folder}: no .txt or .html files in this folder")
    stems = [p.stem for p in files]
    return [Item(id=p.stem if stems.count(p.stem) == 1 else p.name, path=p) for p in files]


def _jsonl_items(path: Path) -> list[Item]:
    from summarizer.inputs.files import read_text

    items: list[Item] = []
    seen: set[str] = set()
    for number, line in enumerate(read_text(str(path)).splitlines(), start=1):
        if line.strip():
            item = _parse_line(line, number)
            if item.id in seen:
                item = Item(id=f"line-{number}", error=f"line {number}: duplicate id {item.id!r}")
            seen.add(item.id)
            items.append(item)
    if not items:
        raise InputError(f"{path}: no articles (expected one JSON object per line)")
    return items


def _parse_line(line: str, number: int) -> Item:
    fallback = f"line-{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Item(id=fallback, error=f"line {number}: not JSON ({error.msg})")
    if not isinstance(record, dict):
        return Item(id=fallback, error=f"line {number}: expected a JSON object")
    raw_id = record.get("id", fallback)
    item_id = str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else fallback
    text, url = record.get("text"), record.get("url")
    if isinstance(text, str):
        return Item(id=item_id, text=text)
    if isinstance(url, str):
        return Item(id=item_id, url=url)
    return Item(id=item_id, error=f"line {number}: needs a \"text\" or \"url\" string")


# --------------------------------------------------------------------------- #
# Runners: how a text becomes a brief
# --------------------------------------------------------------------------- #


class Runner(Protocol):
    """Briefs texts; ``identity`` names engine/model/prompt_version for the cache key."""

    identity: object

    async def brief(self, text: str) -> ArticleBrief: ...

    def close(self) -> None: ...


class AsyncRunner:
    """An engine's ``abrief`` in this event loop (the LLM engine: network-bound)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.identity: object = engine

    async def brief(self, text: str) -> ArticleBrief:
        return await self.engine.abrief(text)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class EngineIdentity:
    name: str
    model: str | None = None
    prompt_version: str | None = None


_worker_engine: Any = None
_worker_error: Exception | None = None


def _start_worker(factory: Callable[[], Engine]) -> None:
    global _worker_engine, _worker_error
    try:
        _worker_engine = factory()  # once per process: spaCy loads here, not per article
    except Exception as error:  # reported per article, not as a broken pool
        _worker_error = error


def _brief_in_worker(text: str) -> str:
    if _worker_error is not None:
        raise _worker_error
    return str(_worker_engine.brief(text).model_dump_json())


class ProcessRunner:
    """An engine made once in each of N worker processes (the offline engine: CPU-bound).

    ``factory`` must be picklable (a module-level function): workers are spawned.
    """

    def __init__(
        self, factory: Callable[[], Engine], processes: int, identity: EngineIdentity
    ) -> None:
        import multiprocessing

        self.identity: object = identity
        self.pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(factory,),
        )

    async def brief(self, text: str) -> ArticleBrief:
        loop = asyncio.get_running_loop()
        return _from_json(await loop.run_in_executor(self.pool, _brief_in_worker, text))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- #
# The run
# --------------------------------------------------------------------------- #


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


@dataclass
class BatchOptions:
    out_dir: Path
    concurrency: int = 4
    cache: BriefCache | None = None
    formats: tuple[str, ...] = ()  # extra renderings written next to the JSON
    price: Price | None = None
    on_result: Callable[[ItemResult], None] | None = None


async def arun_batch(items: list[Item], runner: Runner, options: BatchOptions) -> BatchReport:
    """Brief every item, at most ``options.concurrency`` at a time; failures never stop the rest."""
    if options.concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    try:
        options.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(f"{options.out_dir}: cannot create the folder ({reason})") from None
    limit = asyncio.Semaphore(options.concurrency)
    report = BatchReport()
    started = time.perf_counter()

    async def one(item: Item) -> None:
        async with limit:
            result = await _process(item, runner, options)
        report.results.append(result)
        if options.on_result:
            options.on_result(result)

    await asyncio.gather(*(one(item) for item in items))
    report.seconds = time.perf_counter() - started
    order = {item.id: n for n, item in enumerate(items)}
    report.results.sort(key=lambda r: order.get(r.id, 0))
    try:
        _write_report(options.out_dir, report)
    except InputError as error:  # e.g. disk full: the summary must still reach the user
        report.report_error = str(error)
    return report


def run_batch(items: list[Item], runner: Runner, options: BatchOptions) -> BatchReport:
    try:
        return asyncio.run(arun_batch(items, runner, options))
    finally:
        runner.close()


async def _process(item: Item, runner: Runner, options: BatchOptions) -> ItemResult:
    started = time.perf_counter()
    output = options.out_dir / f"{item.file_stem}.json"
    try:
        result = await _brief_item(item, output, runner, options)
    except SummarizerError as error:
        result = ItemResult(item.id, "failed", str(error))
    except Exception as error:  # one bad article must not stop the batch
        result = ItemResult(item.id, "failed", f"{type(error).__name__}: {error}")
    result.seconds = time.perf_counter() - started
    return result


async def _brief_item(
    item: Item, output: Path, runner: Runner, options: BatchOptions
) -> ItemResult:
    from summarizer.api import stamp

    if item.error:
        raise InputError(item.error)
    if item.url and output.exists():
        return ItemResult(item.id, "skipped", output=str(output))
    text, source = await asyncio.to_thread(_load, item)
    digest = text_hash(text)
    if _finished(output, digest):
        return ItemResult(item.id, "skipped", output=str(output))
    key = key_for(digest, runner.identity)
    cached = options.cache.get(key) if options.cache is not None else None
    brief = _from_json(cached) if cached else await runner.brief(text)
    stamp(brief, text, options.price, digest)
    if options.cache is not None and not cached:
        options.cache.put(key, brief.model_dump_json())
    _write_outputs(item, output, text, source, brief, options)
    if cached:
        return ItemResult(item.id, "cached", output=str(output))
    return ItemResult(item.id, "done", tokens=brief.meta.usage.total_tokens,
                      cost_usd=brief.meta.cost_usd or 0.0,
                      output=str(output))


def _load(item: Item) -> tuple[str, str]:
    from summarizer.api import check_text
    from summarizer.inputs.web import load_article

    if item.text is not None:
        return check_text(item.text), "inline"
    target = item.url or str(item.path)
    loaded = load_article(target)
    return check_text(loaded.text), loaded.source


def _finished(output: Path, digest: str) -> bool:
    """True when ``output`` already holds a brief of exactly this text."""
    try:
        record = json.loads(output.read_text(encoding="utf-8"))
        return bool(record["article"]["sha256"] == digest and record["brief"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _from_json(data: str) -> ArticleBrief:
    from summarizer.schema import ArticleBrief

    return ArticleBrief.model_validate_json(data)


def _write_outputs(
    item: Item,
    output: Path,
    text: str,
    source: str,
    brief: ArticleBrief,
    options: BatchOptions,
) -> None:
    from summarizer.inputs.files import write_atomic
    from summarizer.render.formats import article_record, render

    record = article_record(brief, text, source, item_id=item.id, price=options.price)
    suffixes = {"markdown": ".md", "html": ".html"}
    for fmt in options.formats:
        rendered = render(brief, fmt, article=text, price=options.price)
        write_atomic(output.with_suffix(suffixes[fmt]), rendered)
    # The JSON goes last: its presence is what marks the article finished.
    write_atomic(output, json.dumps(record, ensure_ascii=False, indent=2) + "\n")


def _write_report(out_dir: Path, report: BatchReport) -> None:
    from dataclasses import asdict

    from summarizer.inputs.files import write_atomic

    data = {
        "seconds": round(report.seconds, 3),
        "tokens": report.tokens,
        "cost_usd": report.cost_usd,
        "counts": {s: report.count(s) for s in STATUSES},
        "results": [asdict(r) for r in report.results],
    }
    write_atomic(out_dir / REPORT_NAME, json.dumps(data, indent=2) + "\n")
