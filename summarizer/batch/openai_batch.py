"""The OpenAI Batch API executor (``summarizer batch --executor openai-batch``, LLM engine).

Every article is briefed by the LLM engine's own code (``LLMEngine.abrief``): its
requests are built, and its answers validated, grounded and salvaged, exactly as
in a synchronous run. Only the transport differs. The engine's ``send`` hook hands
each request here, where it waits ("parks") until every article still in flight
has parked its own; then they are written as one JSONL file (``custom_id``: the
hash of the request body), uploaded, made a batch and polled. The answers resume
the engines; re-asks and re-quotes park again and make the next round, a
follow-up batch (or, with ``reask="sync"``, go straight to the endpoint).

Each batch is recorded in ``OUT/_openai_batch/state.json`` as soon as it is
created, and its results are saved next to it when downloaded: a rerun polls the
batches already paid for and takes the answers already downloaded, instead of
asking twice. Requests of an expired batch are asked again in a new one.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from summarizer.errors import EndpointError, InputError
from summarizer.inputs.files import write_atomic
from summarizer.pricing import Price
from summarizer.text import text_hash

if TYPE_CHECKING:
    import openai

    from summarizer.batch.items import Item
    from summarizer.batch.run import BatchOptions, BatchReport, ItemResult
    from summarizer.config import LLMSettings
    from summarizer.engines import Engine, EngineIdentity
    from summarizer.engines.llm.engine import LLMEngine, Piece
    from summarizer.schema import ArticleBrief

ReaskWay = Literal["batch", "sync"]
REQUEST_URL: Final = "/v1/chat/completions"
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
EXPIRED = "batch_expired"


def batch_price(price: Price | None) -> Price | None:
    """What tokens cost through the Batch API: half the listed price."""
    if price is None:
        return None
    return Price(prompt=price.prompt * BATCH_DISCOUNT, completion=price.completion * BATCH_DISCOUNT)


def request_body(ready: dict[str, Any]) -> dict[str, Any]:
    """The HTTP body the SDK would send for ``ready`` (its ``extra_body`` merged in last)."""
    body = {k: v for k, v in ready.items() if k not in NOT_BODY}
    body.update(ready.get("extra_body") or {})
    return body


def custom_id(body: dict[str, Any]) -> str:
    """The request's id in a batch: the hash of its body, so the same request is asked once."""
    return "req-" + text_hash(json.dumps(body, sort_keys=True, ensure_ascii=False))[:40]


# --------------------------------------------------------------------------- #
# What is on disk: the batches created, and their results
# --------------------------------------------------------------------------- #


@dataclass
class BatchRecord:
    id: str
    input_file_id: str
    custom_ids: list[str]
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    error: str | None = None  # why the whole batch failed, when it did
    saved: bool = False  # its results are in ``<id>.jsonl``


class Ledger:
    """``OUT/_openai_batch``: ``state.json`` (every batch created) and each batch's results."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "state.json"
        self.batches: list[BatchRecord] = []
        self._results: dict[str, dict[str, dict[str, Any]]] = {}
        try:
            if self.path.exists():
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.batches = [BatchRecord(**b) for b in data["batches"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"{self.path}: unreadable batch state ({error}); move it away "
                             "to start over (batches it names would be paid again)") from None

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"batches": [asdict(b) for b in self.batches]}
        write_atomic(self.path, json.dumps(data, indent=1) + "\n")

    def add(self, record: BatchRecord) -> None:
        self.batches.append(record)
        self.save()

    def owner(self, cid: str) -> BatchRecord | None:
        """The latest batch holding the request ``cid``."""
        for record in reversed(self.batches):
            if cid in record.custom_ids:
                return record
        return None

    def keep_results(self, record: BatchRecord, lines: list[str]) -> None:
        write_atomic(self.folder / f"{record.id}.jsonl", "".join(f"{line}\n" for line in lines))
        record.saved = True
        self.save()

    def result(self, record: BatchRecord, cid: str) -> dict[str, Any] | None:
        """The output or error line for ``cid`` in a batch whose results are saved."""
        if record.id not in self._results:
            lines: dict[str, dict[str, Any]] = {}
            path = self.folder / f"{record.id}.jsonl"
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    lines[str(entry.get("custom_id"))] = entry
            self._results[record.id] = lines
        return self._results[record.id].get(cid)


def answer_of(record: BatchRecord, entry: dict[str, Any] | None) -> Any:
    """A line of a finished batch as the engine takes it: a ``ChatCompletion``, an
    ``EndpointError`` to raise, or ``EXPIRED`` (ask again)."""
    from openai.types.chat import ChatCompletion

    if entry is None:
        why = record.error or f"no answer in batch {record.id} ({record.status})"
        if record.status == "expired":
            return EXPIRED
        return EndpointError(f"Batch API: {why}")
    error = entry.get("error") or {}
    if error.get("code") == EXPIRED:
        return EXPIRED
    response = entry.get("response") or {}
    if response.get("status_code") == 200:
        return ChatCompletion.model_validate(response.get("body"))
    body = response.get("body") or {}
    message = (body.get("error") or {}).get("message") or error.get("message") or "no answer"
    status = response.get("status_code")
    return EndpointError(f"Batch API: request failed ({status or error.get('code')}: {message})")


# --------------------------------------------------------------------------- #
# The runner: the engine's requests, parked, batched, answered
# --------------------------------------------------------------------------- #


@dataclass
class _Article:
    """One article being briefed: the pieces whose first request was sent."""

    seen: set[int] = field(default_factory=set)


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
    poll.
    """

    def __init__(
        self,
        engine: LLMEngine,
        out_dir: Path,
        *,
        reask: ReaskWay = "batch",
        poll_seconds: float = 30.0,
        on_status: Callable[[str], None] | None = None,
    ) -> None:
        self.engine: Engine = engine  # what a Runner names
        self.llm = engine
        engine.send = self.send
        self.ledger = Ledger(out_dir / STATE_DIR)
        self.reask = reask
        self.poll_seconds = poll_seconds
        self.on_status = on_status
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
        _current.set(_Article())  # this task's context: the engine's piece tasks inherit it
        return await self.llm.abrief(text)

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
                return _deliver(answer)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        parked = self.parked.setdefault(cid, _Parked(cid, body))
        parked.waiting.append((article, future))
        self._poke()
        return _deliver(await future)

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
        batch = await client.batches.create(
            input_file_id=upload.id, endpoint=REQUEST_URL, completion_window="24h",
            metadata={"created_by": "summarizer"},
        )  # fmt: skip
        self.ledger.add(BatchRecord(batch.id, upload.id, [p.cid for p in group], batch.status))
        self.created += 1
        self._say(f"batch {batch.id}: created with {len(group)} requests")

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


def _deliver(answer: Any) -> Any:
    if isinstance(answer, Exception):
        raise answer
    return answer.model_copy(deep=True)  # each article's engine marks its own copy


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
    model requests through the Batch API, tokens priced at its rate. ``engine`` is made
    with :func:`batch_settings`."""
    from summarizer.batch.run import run_batch

    runner = BatchAPIRunner(engine, options.out_dir, reask=reask, poll_seconds=poll_seconds,
                            on_status=on_status)  # fmt: skip
    runner.expect(len(items))
    heard = options.on_result

    def on_result(result: ItemResult) -> None:
        runner.finished()
        if heard is not None:
            heard(result)

    # All articles at once: a round waits for every one of them to park its requests.
    batched = replace(options, concurrency=max(1, len(items)), on_result=on_result,
                      price=batch_price(options.price))  # fmt: skip
    return run_batch(items, runner, batched), runner
