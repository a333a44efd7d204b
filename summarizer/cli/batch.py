"""``summarizer batch``: the command line over ``summarizer.batch.run``.

Registered in cli.py with ``app.command("batch")(batch_cli.batch_command)``.
Heavy imports stay inside functions so ``summarizer --help`` stays fast.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli.options import (
    BaseUrlOption,
    EngineName,
    EngineOption,
    ModelOption,
    ModeOption,
    fail,
    note,
)

if TYPE_CHECKING:
    from rich.console import Console

    from summarizer.batch.run import BatchReport, ItemResult, Runner
    from summarizer.config import LLMSettings
    from summarizer.engines import Engine
    from summarizer.pricing import Price


class BatchFormat(StrEnum):
    json = "json"
    markdown = "markdown"
    html = "html"


def batch_command(
    source: Annotated[
        Path,
        typer.Argument(metavar="INPUT", help="A folder of .txt/.html files, or a JSONL file with "
                       'one {"id": ..., "text": ...} or {"id": ..., "url": ...} per line.'),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for one JSON file per article.")],
    engine: EngineOption = EngineName.auto,
    concurrency: Annotated[
        int, typer.Option(min=1, max=256, help="Articles in flight at once (LLM engine).")
    ] = 4,
    processes: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (offline engine); default: one per CPU."),
    ] = None,
    fmt: Annotated[
        BatchFormat, typer.Option("--format", "-f",
                                  help="Also write a .md or .html next to each .json.")
    ] = BatchFormat.json,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Cache folder (env SUMMARIZER_CACHE_DIR; "
                                  "default ~/.cache/summarizer).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
    = False,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
) -> None:
    """Brief many articles into OUT, one JSON file each; rerun the same command to resume.

    Articles already briefed in OUT are skipped; the cache makes a rerun cost no tokens.

    Exits 1 when any article failed; each is listed with its reason.

    Examples:

      summarizer batch articles/ --out briefs/

      summarizer batch urls.jsonl --out briefs/ --engine llm --concurrency 16 --format html
    """
    from rich.console import Console

    from summarizer.batch.cache import BriefCache
    from summarizer.batch.run import BatchOptions, check_out_dir, read_inputs, run_batch
    from summarizer.errors import SummarizerError
    from summarizer.pricing import price_from_env

    console = Console(stderr=True)
    try:
        items = read_inputs(source)
        check_out_dir(source, out)
        price = price_from_env()
        cache = None if no_cache else BriefCache(cache_dir)
        runner, limit = make_runner(engine.value, concurrency, processes,
                                    model=model, base_url=base_url, mode=mode)
        formats = () if fmt == BatchFormat.json else (fmt.value,)
        with _progress(console, len(items)) as on_result:
            options = BatchOptions(out_dir=out, concurrency=limit, cache=cache, formats=formats,
                                   price=price, on_result=on_result)
            report = run_batch(items, runner, options)
    except SummarizerError as error:
        fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted; finished articles are saved in "
                   f"{out}: rerun the same command to resume", err=True)
        raise typer.Exit(130) from None
    print_summary(console, report, price)
    if report.report_error:
        note(f"error: {report.report_error}")
    if report.failures or report.report_error:
        raise typer.Exit(1)


def make_runner(
    choice: str,
    concurrency: int,
    processes: int | None,
    *,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
) -> tuple[Runner, int]:
    """The runner for the chosen engine, and how many articles it takes at once."""
    from summarizer import __version__
    from summarizer.api import settings_for
    from summarizer.batch.run import AsyncRunner, EngineIdentity, ProcessRunner
    from summarizer.engines import create, select

    settings = settings_for(model=model, base_url=base_url, mode=mode)
    if select(choice, settings) == "llm":
        runner = AsyncRunner(create("llm", settings))
        runner.identity = llm_identity(runner.engine, settings)
        return runner, concurrency
    if choice == "auto":
        note("no LLM endpoint configured (OPENAI_BASE_URL / OPENAI_API_KEY): "
             "using the offline engine")
    workers = processes or os.cpu_count() or 1
    identity = EngineIdentity("offline", prompt_version=f"summarizer-{__version__}")
    return ProcessRunner(offline_engine, workers, identity), workers


def offline_engine() -> Engine:
    """Module-level, so worker processes can unpickle it."""
    from summarizer.engines.offline.pipeline import OfflineEngine

    return OfflineEngine()


def llm_identity(engine: Engine, settings: LLMSettings) -> object:
    """engine/model/prompt version for the cache key, whatever the engine exposes."""
    from summarizer.batch.run import EngineIdentity

    # Without --model the LLM engine asks the server which model it serves; the key
    # must name that model, or briefs of different models would share cache entries.
    resolve = getattr(engine, "resolve_model", None)
    model = resolve() if callable(resolve) else getattr(engine, "model", None) or settings.model
    version = getattr(engine, "prompt_version", None)
    if version is None:
        from summarizer import prompts

        version = prompts.prompt_version()
    return EngineIdentity("llm", model=str(model or ""), prompt_version=str(version))


class _progress:
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
            TextColumn("{task.fields[rate]:.2f} articles/s"),
            TimeElapsedColumn(), console=console, transient=False,
        )
        self.task = self.progress.add_task("batch", total=total, failed=0, tokens=0, rate=0.0)
        self.failed = 0
        self.tokens = 0

    def __enter__(self) -> _progress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, result: ItemResult) -> None:
        self.failed += result.status == "failed"
        self.tokens += result.tokens
        self.progress.advance(self.task)
        task = self.progress.tasks[0]
        rate = task.completed / task.elapsed if task.elapsed else 0.0
        self.progress.update(self.task, failed=self.failed, tokens=self.tokens, rate=rate)


def print_summary(console: Console, report: BatchReport, price: Price | None) -> None:
    from rich.table import Table

    from summarizer.batch.run import STATUSES

    table = Table(title="Batch summary")
    for column in (*STATUSES, "tokens", "seconds", "articles/s"):
        table.add_column(column, justify="right")
    briefed = report.count("done") + report.count("cached")
    rate = briefed / report.seconds if report.seconds else 0.0
    table.add_row(*(str(report.count(s)) for s in STATUSES),
                  str(report.tokens), f"{report.seconds:.1f}", f"{rate:.2f}")
    console.print(table)
    if price is not None:
        console.print(f"cost: ${report.cost_usd:.4f}")
    if report.failures:
        failures = Table(title="Failed articles")
        failures.add_column("id")
        failures.add_column("reason")
        for result in report.failures:
            failures.add_row(result.id, result.reason or "")
        console.print(failures)

