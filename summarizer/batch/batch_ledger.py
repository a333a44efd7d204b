"""What the Batch API executor keeps in ``OUT/_openai_batch``, and how it creates a batch once.

``state.json`` lists every batch created (and its status), and every batch being
created: before ``batches.create`` is called, a pending entry names the uploaded
input file and a fresh token, which goes into the batch's ``metadata``. A run that
died before the batch id was written, or a create whose answer was lost, leaves
that entry; the next run (or the next try) finds the batch by its token in
``batches.list`` and adopts it, and creates one only if none exists. Each batch's
results are saved next to ``state.json`` when downloaded.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from summarizer.errors import EndpointError, InputError
from summarizer.inputs.files import write_atomic

if TYPE_CHECKING:
    import openai
    from openai.types import Batch

REQUEST_URL: Final = "/v1/chat/completions"
EXPIRED = "batch_expired"
TOKEN_KEY = "summarizer_token"  # the metadata key naming a batch's pending entry
CREATE_TRIES = 4
RETRY_SECONDS = 2.0  # before the second try; doubled each time
#: How much older than its pending entry a listed batch may be (clocks differ) before
#: the newest-first listing is known to hold no batch of ours further on.
CLOCK_SLACK = 3600.0


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


@dataclass
class PendingBatch:
    """A batch asked for whose id is not known yet."""

    input_file_id: str
    custom_ids: list[str]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    since: float = field(default_factory=time.time)


class Ledger:
    """``OUT/_openai_batch``: ``state.json`` (every batch created or being created) and
    each batch's results."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "state.json"
        self.batches: list[BatchRecord] = []
        self.pending: list[PendingBatch] = []
        self._results: dict[str, dict[str, dict[str, Any]]] = {}
        try:
            if self.path.exists():
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.batches = [BatchRecord(**b) for b in data["batches"]]
                self.pending = [PendingBatch(**p) for p in data.get("pending", [])]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"{self.path}: unreadable batch state ({error}); move it away "
                             "to start over (batches it names would be paid again)") from None

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"batches": [asdict(b) for b in self.batches],
                "pending": [asdict(p) for p in self.pending]}  # fmt: skip
        write_atomic(self.path, json.dumps(data, indent=1) + "\n")

    def add_pending(self, pending: PendingBatch) -> None:
        self.pending.append(pending)
        self.save()

    def drop_pending(self, pending: PendingBatch) -> None:
        self.pending.remove(pending)
        self.save()

    def adopt(self, pending: PendingBatch, batch: Batch) -> BatchRecord:
        """``pending`` is ``batch``: recorded as created, in one write."""
        record = BatchRecord(batch.id, pending.input_file_id, pending.custom_ids, batch.status)
        self.pending.remove(pending)
        self.batches.append(record)
        self.save()
        return record

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
# Creating a batch once
# --------------------------------------------------------------------------- #


async def find_batches(
    client: openai.AsyncOpenAI, pending: list[PendingBatch]
) -> dict[str, Batch]:
    """The batches already created for ``pending`` entries, by token (by metadata token
    or input file), from the newest-first listing down to the oldest entry's time."""
    wanted = {p.token: p for p in pending}
    found: dict[str, Batch] = {}
    oldest = min((p.since for p in pending), default=0.0) - CLOCK_SLACK
    async for batch in client.batches.list(limit=100):
        for token, entry in wanted.items():
            mine = (batch.metadata or {}).get(TOKEN_KEY) == token
            if token not in found and (mine or batch.input_file_id == entry.input_file_id):
                found[token] = batch
        if len(found) == len(wanted) or batch.created_at < oldest:
            break
    return found


async def adopt_pending(client: openai.AsyncOpenAI, ledger: Ledger) -> list[BatchRecord]:
    """Every pending entry left by an earlier run: the batch it made, adopted; or, when it
    made none, dropped (its requests are asked in a new batch)."""
    if not ledger.pending:
        return []
    found = await find_batches(client, ledger.pending)
    adopted = []
    for pending in list(ledger.pending):
        batch = found.get(pending.token)
        if batch is None:
            ledger.drop_pending(pending)
        else:
            adopted.append(ledger.adopt(pending, batch))
    return adopted


async def create_batch(
    client: openai.AsyncOpenAI, ledger: Ledger, input_file_id: str, custom_ids: list[str]
) -> BatchRecord:
    """One batch of the uploaded ``input_file_id``, recorded in ``ledger``: never two, even
    when a create is answered by a dropped connection (the batch may exist all the same)."""
    import openai

    pending = PendingBatch(input_file_id, custom_ids)
    ledger.add_pending(pending)
    once = client.with_options(max_retries=0)  # the SDK's own retry could create a second
    for attempt in range(CREATE_TRIES):
        if attempt:
            await asyncio.sleep(RETRY_SECONDS * 2 ** (attempt - 1))
        try:
            batch = await once.batches.create(
                input_file_id=input_file_id, endpoint=REQUEST_URL, completion_window="24h",
                metadata={"created_by": "summarizer", TOKEN_KEY: pending.token},
            )  # fmt: skip
            return ledger.adopt(pending, batch)
        except openai.APIStatusError as error:
            if error.status_code < 500 and error.status_code not in (408, 409, 429):
                ledger.drop_pending(pending)  # refused: no batch was made
                raise
            if attempt == CREATE_TRIES - 1:
                raise
        except openai.APIConnectionError:  # a timeout too: made or not, nobody knows
            if attempt == CREATE_TRIES - 1:
                raise  # the pending entry stays: the next run looks for the batch
        made = (await find_batches(client, [pending])).get(pending.token)
        if made is not None:
            return ledger.adopt(pending, made)
    raise AssertionError("unreachable")
