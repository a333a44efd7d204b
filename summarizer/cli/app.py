"""The command line: a thin layer over ``summarizer.api``.

Module-level imports stay light so that ``summarizer --help`` starts fast;
each command imports what it needs.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from summarizer import __version__
from summarizer.cli import batch as batch_cli
from summarizer.cli import bench
from summarizer.cli import eval as eval_cli
from summarizer.cli.options import (
    BaseUrlOption,
    EngineName,
    EngineOption,
    ModelOption,
    ModeOption,
    fail,
    note,
)

app = typer.Typer(
    name="summarizer",
    help="Turn a news article into a validated, grounded brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    json = "json"
    markdown = "markdown"
    html = "html"
    terminal = "terminal"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Turn a news article into a validated, grounded brief.

    Examples:

      summarizer summarize article.txt

      cat article.txt | summarizer summarize - --format markdown

      summarizer summarize article.txt --engine llm --model gpt-4o-mini
    """


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from summarizer.inputs.files import write_atomic

    write_atomic(output, text)


@app.command()
def summarize(
    path: Annotated[
        str, typer.Argument(help="Article: a UTF-8 .txt or .html file, a URL, or '-' for stdin.")
    ] = "-",
    fmt: Annotated[
        Format | None,
        typer.Option("--format", "-f",
                     help="Output format [default: terminal on a terminal, else json]."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    engine: EngineOption = EngineName.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    max_tokens: Annotated[
        int | None,
        typer.Option(help="Most tokens the model may answer with (env SUMMARIZER_MAX_TOKENS)."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds one model request may take (env SUMMARIZER_TIMEOUT)."),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(help="Seconds all model requests of one brief may take together, "
                     "retries and re-asks included (env SUMMARIZER_BUDGET)."),
    ] = None,
) -> None:
    """Brief one article.

    Examples:

      summarizer summarize article.txt

      summarizer summarize article.txt --format markdown --output brief.md

      summarizer summarize https://example.com/story.html --format html -o brief.html

      OPENAI_BASE_URL=http://localhost:8080/v1 summarizer summarize article.txt --engine llm
    """
    from summarizer.api import settings_for
    from summarizer.api import summarize as run
    from summarizer.engines import select
    from summarizer.errors import SummarizerError
    from summarizer.inputs.web import is_url, load_article
    from summarizer.pricing import price_from_env
    from summarizer.render.formats import print_terminal, render_loaded

    to_terminal = output is None and sys.stdout.isatty()
    chosen = fmt.value if fmt else ("terminal" if to_terminal else "json")
    try:
        if output is not None and not is_url(path):
            from summarizer.inputs.files import check_output_path

            check_output_path(output, path)
        loaded = load_article(path)
        settings = settings_for(
            model=model, base_url=base_url, mode=mode,
            max_tokens=max_tokens, timeout=timeout, total_timeout=budget,
        )
        brief = run(loaded.text, engine=engine.value, settings=settings)
        if engine == EngineName.auto and select("auto", settings) == "offline":
            note("no LLM endpoint configured (OPENAI_BASE_URL / OPENAI_API_KEY): "
                 "used the offline engine")
        price = price_from_env()
        if chosen == "terminal" and output is None:
            print_terminal(brief, price=price)
        else:
            write_output(render_loaded(brief, chosen, loaded, price), output)
    except SummarizerError as error:
        fail(str(error), error.exit_code)
    for warning in brief.meta.warnings:
        note(f"warning: {warning}")


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the brief.

    Example:

      summarizer schema --output schemas/brief.schema.json
    """
    from summarizer.cli.schema import schema_json

    write_output(schema_json(), output)


# Commands that live in their own modules (each imports only typer at startup).
app.command("eval")(eval_cli.eval_command)
app.command("batch")(batch_cli.batch_command)
app.add_typer(bench.app, name="bench")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # last resort: one line, never a traceback
        import os

        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        typer.echo(
            f"summarizer: internal error: {type(error).__name__}: {error} "
            "(set SUMMARIZER_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(70)
