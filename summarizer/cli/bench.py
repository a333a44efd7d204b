"""Benchmarks run from the command line: ``summarizer bench polnear PATH``.

Only light imports at module level: the CLI imports this at startup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli import options as opt

app = typer.Typer(no_args_is_help=True)


@app.callback()
def _bench() -> None:
    """Measure engines against labelled corpora.

    Example:

      summarizer bench polnear ../shared/polnear --split dev
    """


@app.command()
def polnear(
    path: Annotated[Path, typer.Argument(
        help="A PolNeAR split directory (with text/ and attributions/), or the corpus root "
             "with --split.")],
    split: Annotated[str | None, typer.Option(help="Split under the root: train or dev.")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N articles.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores here.")]
    = None,
) -> None:
    """Score the offline engine's attributions against PolNeAR's gold labels.

    Example:

      summarizer bench polnear ../shared/polnear --split dev
    """
    from summarizer.evaluation.polnear import bench, report

    with opt.one_line_errors():
        result = bench(path, split, limit)
    typer.echo(report(result))
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
