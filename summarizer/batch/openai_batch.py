"""The OpenAI Batch API executor (``summarizer batch --executor openai-batch``, LLM engine).

Every article is briefed by the LLM engine's own code (``LLMEngine.abrief``): its
requests are built, and its answers validated, grounded and salvaged, exactly as
in a synchronous run. Only the transport differs. The engine's ``send`` hook hands
each request here, where it waits ("parks") until every article still in flight
has parked its own; then they are written as one JSONL file (``custom_id``: the
hash of the request body), uploaded, made a batch and polled. The answers resume
the engines; re-asks and re-quotes park again and make the next round, a
follow-up batch (or, with ``reask="sync"``, go straight to the endpoint).

Each batch is recorded in ``OUT/_openai_batch/state.json`` (``batch_ledger``),
from before it is created, and its results are saved next to it when downloaded:
a rerun polls the batches already paid for (and adopts one whose create it never
heard answered) and takes the answers already downloaded, instead of asking
twice. Requests of an expired batch are asked again in a new one.

Tokens answered through a batch cost half the listed price; those of requests
sent straight to the endpoint (``reask="sync"``) the full price.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from summarizer.batch.batch_ledger import (
    EXPIRED,
    REQUEST_URL,
    Ledger,
    adopt_pending,
    answer_of,
    create_batch,
)
from summarizer.errors import EndpointError
from summarizer.pricing import Price
from summarizer.schema import Usage
from summarizer.text import text_hash

if TYPE_CHECKING:
    import openai

    from summarizer.batch.batch_ledger import BatchRecord
    from summarizer.batch.items import Item
    from summarizer.batch.run import BatchOptions, BatchReport, ItemResult
    from summarizer.config import LLMSettings
    from summarizer.engines import Engine, EngineIdentity
    from summarizer.engines.llm.engine import LLMEngine, Piece
    from summarizer.schema import ArticleBrief

ReaskWay = Literal["batch", "sync"]
STATE_DIR = "_openai_batch"
#: OpenAI's limits for one batch input file: 50,000 requests, 200 MB (kept under).
MAX_REQUESTS = 50_000
MAX_FILE_BYTES = 190 * 1024 * 1024
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
MAX_EXPIRED = 2  # a request whose batch expired this often fails its article
BATCH_DISCOUNT = 0.5  # the Batch API bills tokens at half price
#: Event-loop turns with nothing parked or finished before a round is called settled:
#: an answered piece re-parks (a re-ask) within a few turns, without I/O in between.
SETTLE_TURNS = 50
NOT_BODY = ("extra_body", "extra_headers", "extra_query", "timeout")


def split_cost(total: Usage, batched: Usage, price: Price) -> float:
    """What ``total`` tokens cost when ``batched`` of them went through the Batch API (half
    the listed ``price``) and the rest straight to the endpoint (the listed price)."""
    prompt = batched.prompt_tokens * BATCH_DISCOUNT + total.prompt_tokens - batched.prompt_tokens
    completion = (batched.completion_tokens * BATCH_DISCOUNT + total.completion_tokens
                  - batched.completion_tokens)  # fmt: skip
    return round((prompt * price.prompt + completion * price.completion) / 1_000_000, 6)


def request_body(ready: dict[str, Any]) -> dict[str, Any]:
    """The HTTP body the SDK would send for ``ready`` (its ``extra_body`` merged in last)."""
    body = {k: v for k, v in ready.items() if k not in NOT_BODY}
    body.update(ready.get("extra_body") or {})
    return body


def custom_id(body: dict[str, Any]) -> str:
    """The request's id in a batch: the hash of its body, so the same request is asked once."""
    return "req-" + text_hash(json.dumps(body, sort_keys=True, ensure_ascii=False))[:40]


# --------------------------------------------------------------------------- #
# The runner: the engine's requests, parked, batched, answered
# --------------------------------------------------------------------------- #


@dataclass
class _Article:
    """One article being briefed: the pieces whose first request was sent, and the tokens
    of the answers it took from batches."""

    seen: set[int] = field(default_factory=set)
    batched: Usage = field(default_factory=Usage)

    def take(self, answer: Any) -> Any:
        """``answer`` (from a batch) as the engine takes it, its tokens counted as batched."""
        if isinstance(answer, Exception):
            raise answer
        usage = answer.usage
        if usage is not None:
            self.batched = self.batched + Usage(prompt_tokens=usage.prompt_tokens or 0,
                                                completion_tokens=usage.completion_tokens or 0,
                                                total_tokens=usage.total_tokens or 0)  # fmt: skip
        return answer.model_copy(deep=True)  # each article's engine marks its own copy


@dataclass
class _Parked:
    cid: str
    body: dict[str, Any]
    waiting: list[tuple[_Article, asyncio.Future[Any]]] = field(default_factory=list)
    expired: int = 0


_current: contextvars.ContextVar[_Article] = contextvars.ContextVar("summarizer_batch_article")


class BatchAPIRunner:
    """A ``Runner`` whose model requests go through the Batch API in rounds.

    ``expect(n)`` says how many articles the batch holds and ``finished()`` that one
    more is done (briefed, skipped, cached or failed): a round starts when every
    article not yet done has parked its requests. ``on_status`` hears one line per
    poll. With a ``price``, each brief's ``meta.cost_usd`` is set: its batched tokens at
    half that price, the others (sent synchronously) at the full price.
    """

    def __init__(
        self,
        engine: LLMEngine,
        out_dir: Path,
        *,
        reask: ReaskWay = "batch",
        poll_seconds: float = 30.0,
        on_status: Callable[[str], None] | None = None,
        price: Price | None = None,
    ) -> None:
        self.engine: Engine = engine  # what a Runner names
        self.llm = engine
        engine.send = self.send
        self.ledger = Ledger(out_dir / STATE_DIR)
        self.reask = reask
        self.poll_seconds = poll_seconds
        self.on_status = on_status
        self.price = price
        self.parked: dict[str, _Parked] = {}
        self.unfinished = 0
        self.created = 0  # batches this run created
        self._changed: asyncio.Event | None = None
        self._driver: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ Runner

    async def identify(self) -> EngineIdentity:
        identity = await self.llm.identify()
        self._changed = asyncio.Event()
        self._driver = asyncio.create_task(self._drive())
        return identity

    async def brief(self, text: str) -> ArticleBrief:
        article = _Article()
        _current.set(article)  # this task's context: the engine's piece tasks inherit it
        brief = await self.llm.abrief(text)
        if self.price is not None:
            brief.meta.cost_usd = split_cost(brief.meta.usage, article.batched, self.price)
        return brief

    def close(self) -> None:
        pass

    def expect(self, articles: int) -> None:
        self.unfinished = articles

    def finished(self) -> None:
        self.unfinished -= 1
        self._poke()

    # ------------------------------------------------------------ the engine's hook

    async def send(self, ready: dict[str, Any], piece: Piece) -> Any:
        article = _current.get()
        first = id(piece) not in article.seen
        article.seen.add(id(piece))
        if self.reask == "sync" and not first:
            return None  # the engine sends it itself
        body = request_body(ready)
        cid = custom_id(body)
        record = self.ledger.owner(cid)
        if record is not None and record.saved:  # answered by an earlier run
            answer = answer_of(record, self.ledger.result(record, cid))
            if answer is not EXPIRED:
                return article.take(answer)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        parked = self.parked.setdefault(cid, _Parked(cid, body))
        parked.waiting.append((article, future))
        self._poke()
        return article.take(await future)

    # ------------------------------------------------------------ rounds

    def _poke(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _all_parked(self) -> bool:
        articles = {id(a) for p in self.parked.values() for a, f in p.waiting if not f.done()}
        return bool(articles) and len(articles) >= self.unfinished

    async def _settle(self) -> bool:
        """Wait until every article not done has parked; False when all are done."""
        assert self._changed is not None
        while self.unfinished > 0:
            self._changed.clear()
            if self._all_parked():
                for _ in range(SETTLE_TURNS):
                    await asyncio.sleep(0)
                if not self._changed.is_set() and self._all_parked():
                    return True
                continue
            await self._changed.wait()
        return False

    async def _drive(self) -> None:
        while await self._settle():
            try:
                await self._round()
            except Exception as error:  # every article parked fails with it, none hangs
                self._fail_parked(EndpointError(f"Batch API: {type(error).__name__}: {error}"))

    def _fail_parked(self, error: EndpointError) -> None:
        for item in list(self.parked.values()):
            self._answer(item, error)

    async def _round(self) -> None:
        import openai

        settings = self.llm.settings
        parked = list(self.parked.values())
        async with openai.AsyncOpenAI(base_url=self.llm.url, timeout=settings.timeout,
                                      api_key=settings.api_key or "sk-no-key-needed",
                                      max_retries=3) as client:  # fmt: skip
            for adopted in await adopt_pending(client, self.ledger):
                self._say(f"batch {adopted.id}: found, created by an interrupted run")
            for group in _groups([p for p in parked if self._needs_batch(p.cid)]):
                await self._create(client, group)
            records = {r.id: r for p in parked if (r := self.ledger.owner(p.cid)) is not None}
            await asyncio.gather(*(self._finish(client, r) for r in records.values()))
        for item in parked:
            record = self.ledger.owner(item.cid)
            assert record is not None
            self._answer(item, answer_of(record, self.ledger.result(record, item.cid)))

    def _needs_batch(self, cid: str) -> bool:
        record = self.ledger.owner(cid)
        return record is None or record.saved  # saved here means: it expired there

    def _answer(self, item: _Parked, answer: Any) -> None:
        if answer is EXPIRED:
            item.expired += 1
            if item.expired < MAX_EXPIRED:
                return  # stays parked: asked again in the next round
            answer = EndpointError(f"Batch API: the request's batch expired {item.expired} times")
        del self.parked[item.cid]
        for _, future in item.waiting:
            if not future.done():
                future.set_result(answer)

    async def _create(self, client: openai.AsyncOpenAI, group: list[_Parked]) -> None:
        lines = [_line(p) for p in group]
        data = "".join(f"{line}\n" for line in lines).encode()
        upload = await client.files.create(file=("summarizer-requests.jsonl", data),
                                           purpose="batch")  # fmt: skip
        record = await create_batch(client, self.ledger, upload.id, [p.cid for p in group])
        self.created += 1
        self._say(f"batch {record.id}: created with {len(group)} requests")

    async def _finish(self, client: openai.AsyncOpenAI, record: BatchRecord) -> None:
        """Poll ``record`` until it ends, then download its results (once)."""
        while record.status not in TERMINAL:
            batch = await client.batches.retrieve(record.id)
            record.status = batch.status
            record.output_file_id = batch.output_file_id
            record.error_file_id = batch.error_file_id
            if batch.errors and batch.errors.data:
                record.error = f"batch {record.id} {batch.status}: {batch.errors.data[0].message}"
            self.ledger.save()
            self._say(f"batch {record.id}: {batch.status} {_counts(batch)}".rstrip())
            if record.status not in TERMINAL:
                await asyncio.sleep(self.poll_seconds)
        if not record.saved:
            lines: list[str] = []
            for file_id in (record.output_file_id, record.error_file_id):
                if file_id:
                    content = await client.files.content(file_id)
                    lines += [line for line in content.text.splitlines() if line.strip()]
            self.ledger.keep_results(record, lines)

    def _say(self, line: str) -> None:
        if self.on_status is not None:
            self.on_status(line)


def _counts(batch: Any) -> str:
    counts = batch.request_counts
    return f"{counts.completed}/{counts.total} done, {counts.failed} failed" if counts else ""


def _line(parked: _Parked) -> str:
    request = {"custom_id": parked.cid, "method": "POST", "url": REQUEST_URL, "body": parked.body}
    return json.dumps(request, ensure_ascii=False)


def _groups(parked: list[_Parked]) -> list[list[_Parked]]:
    """``parked`` in batches within the input file limits (requests and bytes)."""
    groups: list[list[_Parked]] = [[]]
    size = 0
    for item in parked:
        line = len(_line(item).encode()) + 1
        if groups[-1] and (len(groups[-1]) >= MAX_REQUESTS or size + line > MAX_FILE_BYTES):
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += line
    return [g for g in groups if g]


# --------------------------------------------------------------------------- #
# The run
# --------------------------------------------------------------------------- #


def batch_settings(settings: LLMSettings) -> LLMSettings:
    """The LLM settings for briefing through the Batch API: every piece of an article at
    once (a round waits for all of them), and no per-brief budget (a batch may take 24 h)."""
    return settings.with_(concurrency=10_000, total_timeout=8 * 86_400.0)


def run_openai_batch(
    items: list[Item],
    engine: LLMEngine,
    options: BatchOptions,
    *,
    reask: ReaskWay = "batch",
    poll_seconds: float = 30.0,
    on_status: Callable[[str], None] | None = None,
) -> tuple[BatchReport, BatchAPIRunner]:
    """Brief ``items`` as ``batch.run`` does (inputs, cache, resume, outputs, report), their
    model requests through the Batch API: their tokens at its rate, half the listed
    ``options.price``, and those of re-asks sent synchronously at the full price.
    ``engine`` is made with :func:`batch_settings`."""
    from summarizer.batch.run import run_batch

    runner = BatchAPIRunner(engine, options.out_dir, reask=reask, poll_seconds=poll_seconds,
                            on_status=on_status, price=options.price)  # fmt: skip
    runner.expect(len(items))
    heard = options.on_result

    def on_result(result: ItemResult) -> None:
        runner.finished()
        if heard is not None:
            heard(result)

    # All articles at once: a round waits for every one of them to park its requests.
    batched = replace(options, concurrency=max(1, len(items)), on_result=on_result)
    return run_batch(items, runner, batched), runner
