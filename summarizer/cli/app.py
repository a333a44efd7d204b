"""The command line's root: the Typer app, ``--version``, and one sub-command per module.

Start-up stays light: the command modules import only typer, the standard
library and small summarizer modules; each command imports its work when run.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from summarizer import __version__
from summarizer.cli import batch as batch_cmd
from summarizer.cli import bench, data, label, schema, summarize
from summarizer.cli import eval as eval_cmd

app = typer.Typer(
    name="summarizer",
    help="Turn a news article into a validated, grounded brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


app.command("summarize")(summarize.summarize)
app.command("schema")(schema.schema)
app.command("eval")(eval_cmd.eval_command)
app.command("batch")(batch_cmd.batch)
app.command("label")(label.label)
app.add_typer(bench.app, name="bench")
app.add_typer(data.app, name="data")


def main() -> None:
    """The ``summarizer`` program: the app, with a one-line last resort for any error."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # last resort: one line, never a traceback
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        typer.echo(
            f"summarizer: internal error: {type(error).__name__}: {error} "
            "(set SUMMARIZER_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(70)
