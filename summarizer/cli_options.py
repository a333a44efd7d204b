"""Command-line options shared by several commands (summarize, batch, eval)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

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
