"""What several commands share (summarize, batch, eval, bench): options and stderr lines."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, NoReturn

import typer


class EngineName(StrEnum):
    auto = "auto"
    llm = "llm"
    offline = "offline"


EngineOption = Annotated[
    EngineName, typer.Option(help="llm needs an endpoint; offline needs none; auto picks.")
]
ModelOption = Annotated[str | None, typer.Option(help="Model name (env SUMMARIZER_MODEL).")]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 "
                 "(env OPENAI_BASE_URL)."),
]
ModeOption = Annotated[
    str | None,
    typer.Option(help="How the model returns structure: auto, tools, json, json_grammar, "
                 "json_schema, md_json (env SUMMARIZER_MODE)."),
]


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, a non-zero exit code, no traceback."""
    typer.echo(f"summarizer: error: {message}", err=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    typer.echo(f"summarizer: {message}", err=True)
