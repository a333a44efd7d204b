"""``summarizer batch``: the command line over ``summarizer.batch``, with a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.batch.shards import OutFormat
from summarizer.cli import options as opt
from summarizer.config import EngineChoice
from summarizer.errors import ConfigError
from summarizer.render import Format

if TYPE_CHECKING:
    from rich.console import Console

    from summarizer.batch.items import Item
    from summarizer.batch.ray_parquet import ParquetRows
    from summarizer.batch.run import BatchOptions, BatchReport, ItemResult
    from summarizer.config import LLMSettings
    from summarizer.pricing import Price


class Executor(StrEnum):
    """Where a batch runs."""

    local = "local"
    ray = "ray"
    openai_batch = "openai-batch"


class Reask(StrEnum):
    batch = "batch"
    sync = "sync"


def batch(
    source: Annotated[
        Path,
        typer.Argument(metavar="INPUT", help="A folder of .txt/.html files; a JSONL file with "
                       'one {"id": ..., "text": ...} or {"id": ..., "url": ...} per line; a '
                       "Parquet file (id, text or url columns); or a quoted glob or folder "
                       "of .jsonl/.parquet shards."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for one JSON file per article.")],
    engine: opt.EngineOption = EngineChoice.auto,
    concurrency: Annotated[
        int, typer.Option(min=1, max=256, help="Articles in flight at once (LLM engine).")
    ] = 4,
    processes: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (offline engine); default: one per CPU."),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f",
                             help="Also write a .md or .html next to each .json.")
    ] = Format.json,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Cache folder (env SUMMARIZER_CACHE_DIR; "
                                  "default ~/.cache/summarizer).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
    = False,
    # The LLM flags, as summarize takes them.
    model: opt.ModelOption = None, base_url: opt.BaseUrlOption = None, mode: opt.ModeOption = None,
    max_tokens: opt.MaxTokensOption = None, timeout: opt.TimeoutOption = None,
    budget: opt.BudgetOption = None, chunk_tokens: opt.ChunkTokensOption = None,
    allow_private_urls: opt.AllowPrivateUrlsOption = False,
    executor: Annotated[
        Executor, typer.Option(help="Where the work runs: this machine; a Ray cluster "
                               "(--ray-address); or the OpenAI Batch API (--engine llm).")
    ] = Executor.local,
    reask: Annotated[
        Reask, typer.Option(help="openai-batch: re-asks in a follow-up batch, or sent at once.")
    ] = Reask.batch,
    poll_seconds: Annotated[
        float, typer.Option(min=0.0, help="openai-batch: seconds between polls of a batch.")
    ] = 30.0,
    out_format: Annotated[
        OutFormat, typer.Option(help="files: one JSON file per article; jsonl/parquet: "
                                "shards of --shard-size briefs (corpora).")
    ] = OutFormat.files,
    shard_size: Annotated[
        int, typer.Option(min=1, help="Articles per output shard (jsonl/parquet).")
    ] = 10_000,
    ray_address: Annotated[
        str | None, typer.Option(help="ray: the cluster to use (env RAY_ADDRESS); "
                                 "default a local Ray on this machine's CPUs.")
    ] = None,
) -> None:
    """Brief many articles into OUT, one JSON file each; rerun the same command to resume.

    Articles already briefed in OUT are skipped; the cache makes a rerun cost no tokens.

    Exits 1 when any article failed; each is listed with its reason.

    Examples:

      summarizer batch articles/ --out briefs/

      summarizer batch urls.jsonl --out briefs/ --engine llm --concurrency 16 --format html

      summarizer batch 'corpus/*.parquet' --out briefs/ --executor ray --out-format parquet

      summarizer batch articles.jsonl --out briefs/ --engine llm --executor openai-batch
    """
    from rich.console import Console

    from summarizer.batch.cache import BriefCache
    from summarizer.batch.items import check_out_dir
    from summarizer.batch.run import BatchOptions
    from summarizer.batch.shards import plan_shards, read_corpus, run_sharded
    from summarizer.pricing import price_from_env

    console = Console(stderr=True)
    try:
        with opt.one_line_errors(), ExitStack() as closing:
            parquet = None
            if executor == Executor.ray:  # Parquet: ids only; Ray's workers read the texts
                from summarizer.batch.ray_parquet import read_ray_corpus

                items, parquet = read_ray_corpus(source)
            else:
                items = read_corpus(source)
            for item in items:
                item.allow_private_url = allow_private_urls
            check_out_dir(source, out)
            price = price_from_env()
            cache = None if no_cache else BriefCache(cache_dir)
            settings = opt.llm_settings(model, base_url, mode, max_tokens, timeout, budget,
                                        chunk_tokens)  # fmt: skip
            opt.show_engine_log()
            progress = _Progress(console, len(items))
            options = BatchOptions(out_dir=out, concurrency=concurrency, cache=cache,
                                   formats=(fmt,), price=price, on_result=progress)  # fmt: skip
            if out_format != OutFormat.files and fmt != Format.json:
                raise ConfigError("--format markdown/html needs --out-format files")
            shards = plan_shards(items, out, out_format, shard_size)  # before any work
            brief_into = _executor(executor, engine, settings, options, progress,
                                   reask=reask, poll_seconds=poll_seconds, processes=processes,
                                   ray_address=ray_address, parquet=parquet,
                                   closing=closing)  # fmt: skip
            with progress:
                if out_format == OutFormat.files:
                    report = brief_into(items, out)
                else:
                    report = run_sharded(shards, brief_into, on_result=progress)
    except KeyboardInterrupt as stop:  # batch.run.Interrupted on SIGINT/SIGTERM: report written
        typer.echo("summarizer: interrupted; finished articles are saved in "
                   f"{out}: rerun the same command to resume", err=True)
        raise typer.Exit(getattr(stop, "exit_code", 130)) from None
    print_summary(console, report, price)
    if report.report_error:
        opt.note(f"error: {report.report_error}")
    if report.failures or report.report_error:
        raise typer.Exit(1)


def _executor(
    executor: Executor,
    engine: EngineChoice,
    settings: LLMSettings,
    options: BatchOptions,
    progress: _Progress,
    *,
    reask: Reask,
    poll_seconds: float,
    processes: int | None,
    ray_address: str | None,
    parquet: ParquetRows | None,
    closing: ExitStack,
) -> Callable[[list[Item], Path], BatchReport]:
    """What briefs items into a folder (OUT, or a shard's staging folder) where the
    work runs; the engine is made once, here, and its workers stopped by ``closing``."""
    from summarizer.batch.run import run_batch
    from summarizer.batch.runners import runner_for
    from summarizer.batch.shards import KeepOpen

    if executor == Executor.openai_batch:
        from summarizer.batch.openai_batch import batch_settings, run_openai_batch
        from summarizer.engines.llm.engine import LLMEngine

        if engine != EngineChoice.llm:
            raise ConfigError("--executor openai-batch needs --engine llm")
        llm = LLMEngine(batch_settings(settings))
        return lambda items, folder: run_openai_batch(
            items, llm, replace(options, out_dir=folder), reask=reask.value,
            poll_seconds=poll_seconds, on_status=progress.say,
        )[0]  # fmt: skip
    if executor == Executor.ray:
        from summarizer.batch.ray_executor import run_ray_batch

        return lambda items, folder: run_ray_batch(
            items, engine, settings, replace(options, out_dir=folder), processes=processes,
            address=ray_address, parquet=parquet,
        )  # fmt: skip
    runner, options.concurrency = runner_for(engine, settings, processes=processes,
                                             concurrency=options.concurrency)  # fmt: skip
    opt.say_engine(engine, runner.engine.name)
    if hasattr(runner.engine, "on_tokens"):  # the LLM engine: tokens as they arrive
        runner.engine.on_tokens = progress.arriving
    closing.callback(runner.close)  # at the end, or at once when interrupted
    shared = KeepOpen(runner)  # one engine (and its worker processes) for every shard
    return lambda items, folder: run_batch(items, shared, replace(options, out_dir=folder))


class _Progress:
    """A rich progress bar (done, failed, tokens, rate) fed by each finished article."""

    def __init__(self, console: Console, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("briefing"), BarColumn(), MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            TextColumn("tokens {task.fields[tokens]}"),
            TextColumn("received {task.fields[arriving]}"),
            TextColumn("{task.fields[rate]:.2f} articles/s"),
            TimeElapsedColumn(), console=console, transient=False,
        )
        self.task = self.progress.add_task(
            "batch", total=total, failed=0, tokens=0, arriving=0, rate=0.0
        )
        self.failed = 0
        self.tokens = 0
        self.streamed = 0  # answer tokens received so far, finished articles or not

    def __enter__(self) -> None:
        self.progress.start()

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, result: ItemResult) -> None:
        self.failed += result.status == "failed"
        self.tokens += result.tokens
        self.progress.advance(self.task)
        task = self.progress.tasks[0]
        rate = task.completed / task.elapsed if task.elapsed else 0.0
        self.progress.update(self.task, failed=self.failed, tokens=self.tokens, rate=rate)

    def say(self, line: str) -> None:
        """One line above the bar (a batch's state, when it is polled)."""
        self.progress.console.print(f"summarizer: {line}", highlight=False)

    def arriving(self, tokens: int) -> None:
        """``tokens`` more answer tokens arrived (the LLM engine's ``on_tokens``)."""
        self.streamed += tokens
        self.progress.update(self.task, arriving=self.streamed)


def print_summary(console: Console, report: BatchReport, price: Price | None) -> None:
    """The batch summary table, the cost (with a price), and the failed articles."""
    from rich.table import Table

    from summarizer.batch.run import STATUSES
    from summarizer.render.terminal import text as plain  # ids and reasons: text, no markup

    table = Table(title="Batch summary")
    for column in (*STATUSES, "tokens", "seconds", "articles/s"):
        table.add_column(column, justify="right")
    briefed = report.count("done") + report.count("cached") + report.count("empty")
    rate = briefed / report.seconds if report.seconds else 0.0
    table.add_row(*(str(report.count(s)) for s in STATUSES),
                  str(report.tokens), f"{report.seconds:.1f}", f"{rate:.2f}")
    console.print(table)
    if price is not None:
        console.print(f"cost: ${report.cost_usd:.4f}")
    for title, results in (("Empty briefs (no claim found)", report.empty),
                           ("Failed articles", report.failures)):  # fmt: skip
        if results:
            listed = Table(title=title)
            listed.add_column("id")
            listed.add_column("reason")
            for result in results:
                listed.add_row(plain(result.id), plain(result.reason or ""))
            console.print(listed)
