"""The Ray Data executor (``summarizer batch --executor ray``; the ``ray`` extra).

The items become a Ray dataset; ``map_batches`` hands them, a few at a time, to a
pool of actors. Parquet inputs are read by Ray's workers (``ray_parquet``): the
driver holds the ids, never the texts. Each actor makes the engine once (spaCy
loads once per actor) and briefs its articles with ``batch.run`` itself, so inputs,
cache, resume and the files written are those of ``--executor local``: an actor
writes each article's outputs atomically, as a local run does. The LLM engine's
concurrency is split over the actors (``--concurrency`` in all).

Ray restarts an actor whose process died and retries its batch. So that an
article that kills its worker cannot loop for ever, an actor marks each article
while briefing it (``OUT/_ray_attempts``): an article found marked ``MAX_CRASHES``
times fails, with the reason, instead of being briefed again.

``address`` (or ``RAY_ADDRESS``) names a running cluster; otherwise a local Ray
starts on this machine's CPUs. On a cluster of several machines, OUT (and input
files given by path) must be on storage every node sees.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.errors import ConfigError, SummarizerError

if TYPE_CHECKING:
    from summarizer.batch.items import Item
    from summarizer.batch.ray_parquet import Entry, ParquetRows
    from summarizer.batch.run import BatchOptions, BatchReport
    from summarizer.config import EngineChoice, LLMSettings
    from summarizer.engines import Engine

ATTEMPTS = "_ray_attempts"
MAX_CRASHES = 2  # an article whose worker died this often while briefing it fails
OFFLINE_BATCH = 4  # articles per map_batches call, offline engine (CPU: one at a time)
RAY_MISSING = "--executor ray needs Ray: pip install 'summarizer[ray]'"


@dataclass(frozen=True)
class ActorConfig:
    """What every actor needs to brief as ``batch.run`` does: picklable, no open handles."""

    engine_type: type[Engine]
    settings: LLMSettings
    out_dir: Path
    formats: tuple[str, ...]
    price: Any
    cache_dir: Path | None
    concurrency: int


def import_ray() -> Any:
    """``ray`` with Ray Data, or a ConfigError saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


class Briefer:
    """One actor: the engine made once; each call briefs a batch of items (rows)."""

    def __init__(self, config: ActorConfig) -> None:
        from summarizer.batch.cache import BriefCache
        from summarizer.batch.run import BatchOptions
        from summarizer.batch.runners import AsyncRunner

        self.error: str | None = None
        try:
            runner = AsyncRunner(config.engine_type(config.settings))
            self.runner: Any = Guarded(runner, config.out_dir / ATTEMPTS)
            cache = BriefCache(config.cache_dir) if config.cache_dir is not None else None
        except Exception as error:  # reported per article, not as a pool that never starts
            self.error = f"{type(error).__name__}: {error}"
            cache = None
        self.options = BatchOptions(out_dir=config.out_dir, concurrency=config.concurrency,
                                    cache=cache, formats=config.formats,
                                    price=config.price)  # fmt: skip

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        return self.brief([item_from_json(row) for row in batch["item"]])

    def brief(self, items: list[Item]) -> dict[str, list[str]]:
        from summarizer.batch.run import ItemResult, arun_batch

        if not items:  # every row of the batch was briefed before (Parquet: dropped)
            return {"result": []}
        if self.error:
            results = [ItemResult(i.id, "failed", self.error) for i in items]
        else:
            results = asyncio.run(arun_batch(items, self.runner, self.options)).results
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        return {"result": [json.dumps({**asdict(r), "rss_kib": rss}) for r in results]}


class ParquetBriefer(Briefer):
    """An actor fed the rows of Parquet files (``ray_parquet``): it makes the items of
    the planned rows and briefs them; the other rows are dropped."""

    def __init__(self, config: ActorConfig, plan: dict[int, Entry]) -> None:
        super().__init__(config)
        self.plan = plan

    def __call__(self, batch: Any) -> dict[str, list[str]]:
        from summarizer.batch.ray_parquet import plan_items

        return self.brief(plan_items(batch, self.plan))


class Guarded:
    """A runner that marks each text while briefing it (``folder/<hash>``, one line per
    try): a text found marked ``MAX_CRASHES`` times killed its worker that often, and
    fails instead of being briefed again."""

    def __init__(self, runner: Any, folder: Path) -> None:
        self.runner = runner
        self.engine = runner.engine
        self.folder = folder

    async def identify(self) -> Any:
        return await self.runner.identify()

    async def brief(self, text: str) -> Any:
        from summarizer.text import text_hash

        mark = self.folder / text_hash(text)[:32]
        crashes = len(mark.read_text().split()) if mark.exists() else 0
        if crashes >= MAX_CRASHES:
            mark.unlink(missing_ok=True)  # a rerun tries it afresh
            raise SummarizerError(f"the Ray worker died {crashes} times briefing this article")
        self.folder.mkdir(parents=True, exist_ok=True)
        with mark.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        try:
            return await self.runner.brief(text)
        finally:
            mark.unlink(missing_ok=True)

    def close(self) -> None:
        self.runner.close()


def item_json(item: Item) -> str:
    data = {k: v for k, v in asdict(item).items() if v is not None}
    if item.path is not None:
        data["path"] = str(item.path)
    return json.dumps(data)


def item_from_json(row: str) -> Item:
    from summarizer.batch.items import Item

    data = json.loads(row)
    if "path" in data:
        data["path"] = Path(data["path"])
    return Item(**data)


def connect(address: str | None) -> bool:
    """Join the cluster at ``address`` / ``RAY_ADDRESS``, else start a local Ray on this
    machine's CPUs. True when this call started (or joined) Ray and should shut it down."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    target = address or os.environ.get("RAY_ADDRESS") or "local"  # never a cluster guessed
    options: dict[str, Any] = {"logging_level": "WARNING", "log_to_driver": False}
    if target == "local":
        options.update(num_cpus=os.cpu_count() or 1, include_dashboard=False)
    try:
        ray.init(address=target, **options)
    except ConnectionError as error:
        raise ConfigError(f"cannot reach the Ray cluster at {target}: {error} (a cluster "
                          "with token authentication needs RAY_AUTH_MODE=token)") from None
    return True


def run_ray_batch(
    items: list[Item],
    engine: EngineChoice | str,
    settings: LLMSettings,
    options: BatchOptions,
    *,
    processes: int | None = None,
    address: str | None = None,
    parquet: ParquetRows | None = None,
) -> BatchReport:
    """Brief ``items`` on Ray (see the module's text); the report as ``batch.run`` writes it.
    With ``parquet`` (``ray_parquet.read_ray_corpus``), the items are ids only: the
    workers read their texts from those files."""
    from summarizer.batch.items import assign_stems
    from summarizer.batch.run import BatchReport, _write_report
    from summarizer.engines import engine_class, select

    ray = import_ray()
    engine_type = engine_class(select(engine, settings))
    started_here = connect(address)
    started = time.perf_counter()
    report = BatchReport()
    try:
        assign_stems(items)  # every article's file name decided once, over the whole input
        actors = processes or max(1, int(ray.cluster_resources().get("CPU", 1)))
        offline = engine_type.name == "offline"
        config = ActorConfig(
            engine_type, settings, options.out_dir, tuple(str(f) for f in options.formats),
            options.price, options.cache.folder if options.cache is not None else None,
            1 if offline else max(1, math.ceil(options.concurrency / actors)),
        )  # fmt: skip
        options.out_dir.mkdir(parents=True, exist_ok=True)
        _brief_on_ray(ray, _dataset(ray, items, config, actors, parquet), actors, options, report)
    finally:
        if started_here:
            ray.shutdown()
    shutil.rmtree(options.out_dir / ATTEMPTS, ignore_errors=True)
    for leftover in options.out_dir.glob(".*.tmp"):  # a worker that died mid-write left it
        leftover.unlink(missing_ok=True)  # (write_atomic's temporary file; outputs are whole)
    report.seconds = time.perf_counter() - started
    order = {item.id: n for n, item in enumerate(items)}
    report.results.sort(key=lambda r: order.get(r.id, 0))
    try:
        _write_report(options.out_dir, report)
    except Exception as error:  # the summary must still reach the user
        report.report_error = str(error)
    return report


@dataclass
class _Work:
    """The dataset of the items to brief, and how its actors are made."""

    items: list[Item]
    dataset: Any
    actor: type[Briefer]
    args: tuple[Any, ...]
    batch_format: str


def _dataset(
    ray: Any, items: list[Item], config: ActorConfig, actors: int, parquet: ParquetRows | None
) -> _Work:
    """Parquet: the workers read the files and each actor gets the plan (row -> item).
    Otherwise ``from_items`` on the driver: a folder's items are file paths (each actor
    reads its files), and a JSONL file's rules (line numbers, duplicate ids, lines that
    are not JSON, UTF-16, ...) are ``items.read_inputs``'s, which ``read_json`` lacks."""
    ray.data.DataContext.get_current().enable_progress_bars = False
    if parquet is not None:
        from summarizer.batch.ray_parquet import make_plan, parquet_dataset

        plan = make_plan(parquet, items)
        dataset = parquet_dataset(ray, parquet, plan, actors)
        return _Work(items, dataset, ParquetBriefer, (config, plan), "pyarrow")
    dataset = ray.data.from_items([{"item": item_json(i)} for i in items])
    return _Work(items, dataset, Briefer, (config,), "numpy")


def _brief_on_ray(
    ray: Any, work: _Work, actors: int, options: BatchOptions, report: BatchReport
) -> None:
    """Run the dataset; each result as it comes (progress). If Ray gives up, the articles
    with no result fail with its reason: they are listed, and a rerun briefs them."""
    from summarizer.batch.run import ItemResult

    concurrency = work.args[0].concurrency
    per_call = OFFLINE_BATCH if concurrency == 1 else 2 * concurrency
    briefed = work.dataset.map_batches(
        work.actor, fn_constructor_args=work.args, batch_size=per_call, num_cpus=1,
        compute=ray.data.ActorPoolStrategy(size=actors), batch_format=work.batch_format,
    )  # fmt: skip
    reason = "Ray returned no result for this article"
    seen: set[str] = set()
    try:
        for row in briefed.iter_rows():
            data = json.loads(row["result"])
            data.pop("rss_kib", None)
            result = ItemResult(**data)
            seen.add(result.id)
            report.results.append(result)
            if options.on_result is not None:
                options.on_result(result)
    except Exception as error:  # Ray gave up on the job (e.g. lost the cluster)
        reason = f"Ray: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
    for item in work.items:
        if item.id not in seen:
            report.results.append(ItemResult(item.id, "failed", reason))
