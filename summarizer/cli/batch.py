"""``summarizer batch``: the command line over ``summarizer.batch``, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli import options as opt
from summarizer.config import EngineChoice
from summarizer.render import Format

if TYPE_CHECKING:
    from rich.console import Console

    from summarizer.batch.run import BatchReport, ItemResult
    from summarizer.pricing import Price


def batch(
    source: Annotated[
        Path,
        typer.Argument(metavar="INPUT", help="A folder of .txt/.html files, or a JSONL file with "
                       'one {"id": ..., "text": ...} or {"id": ..., "url": ...} per line.'),
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
    from summarizer.batch.items import check_out_dir, read_inputs
    from summarizer.batch.run import BatchOptions, run_batch
    from summarizer.batch.runners import runner_for
    from summarizer.pricing import price_from_env

    console = Console(stderr=True)
    try:
        with opt.one_line_errors():
            items = read_inputs(source)
            check_out_dir(source, out)
            price = price_from_env()
            cache = None if no_cache else BriefCache(cache_dir)
            settings = opt.llm_settings(model, base_url, mode, max_tokens, timeout, budget,
                                        chunk_tokens)  # fmt: skip
            opt.show_engine_log()
            runner, limit = runner_for(engine, settings, concurrency=concurrency,
                                       processes=processes)  # fmt: skip
            opt.say_engine(engine, runner.engine.name)
            progress = _Progress(console, len(items))
            if hasattr(runner.engine, "on_tokens"):  # the LLM engine: tokens as they arrive
                runner.engine.on_tokens = progress.arriving
            options = BatchOptions(out_dir=out, concurrency=limit, cache=cache, formats=(fmt,),
                                   price=price, on_result=progress)  # fmt: skip
            with progress:
                report = run_batch(items, runner, options)
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted; finished articles are saved in "
                   f"{out}: rerun the same command to resume", err=True)
        raise typer.Exit(130) from None
    print_summary(console, report, price)
    if report.report_error:
        opt.note(f"error: {report.report_error}")
    if report.failures or report.report_error:
        raise typer.Exit(1)


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

    def arriving(self, tokens: int) -> None:
        """``tokens`` more answer tokens arrived (the LLM engine's ``on_tokens``)."""
        self.streamed += tokens
        self.progress.update(self.task, arriving=self.streamed)


def print_summary(console: Console, report: BatchReport, price: Price | None) -> None:
    """The batch summary table, the cost (with a price), and the failed articles."""
    from rich.table import Table

    from summarizer.batch.run import STATUSES

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
                listed.add_row(result.id, result.reason or "")
            console.print(listed)
