"""What several commands share: typed options, the engine line, one-line errors.

Each option is defined once here and used by every command that takes it;
``summarize`` and ``batch`` take the same LLM flags.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from summarizer.config import EngineChoice

if TYPE_CHECKING:
    from summarizer.config import LLMSettings

EngineOption = Annotated[
    EngineChoice, typer.Option(help="llm needs an endpoint; offline needs none; auto picks.")
]
ModelOption = Annotated[str | None, typer.Option(help="Model name (env SUMMARIZER_MODEL).")]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 "
                 "(env OPENAI_BASE_URL)."),
]
ModeOption = Annotated[
    str | None,
    typer.Option(help="How the model returns structure: auto (per server), tools, "
                 "tools_strict, json, json_grammar, json_schema, json_schema_strict, md_json "
                 "(env SUMMARIZER_MODE)."),
]
MaxTokensOption = Annotated[
    int | None,
    typer.Option(help="Most tokens the model may answer with (env SUMMARIZER_MAX_TOKENS)."),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(help="Seconds one model request may take (env SUMMARIZER_TIMEOUT)."),
]
BudgetOption = Annotated[
    float | None,
    typer.Option(help="Seconds all model requests of one brief may take together, "
                 "retries and re-asks included (env SUMMARIZER_BUDGET)."),
]
ChunkTokensOption = Annotated[
    int | None,
    typer.Option(min=1, help="Article tokens per chunk for long articles [default: 6000, less "
                 "when the server reports a small context window] (env SUMMARIZER_CHUNK_TOKENS)."),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show the model's tokens arriving, on stderr.")
]
AllowPrivateUrlsOption = Annotated[
    bool, typer.Option("--allow-private-urls",
                       help="Let a URL (or a redirect) reach loopback, private or link-local "
                       "addresses; refused by default (see SECURITY.md).")
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write here instead of stdout ('-': stdout). A link's "
                 "target is replaced; a FIFO or device is written through."),
]


def llm_settings(
    model: str | None,
    base_url: str | None,
    mode: str | None,
    max_tokens: int | None = None,
    timeout: float | None = None,
    budget: float | None = None,
    chunk_tokens: int | None = None,
) -> LLMSettings:
    """The LLM flags on top of the environment."""
    from summarizer.api import settings_for

    return settings_for(model=model, base_url=base_url, mode=mode, max_tokens=max_tokens,
                        timeout=timeout, total_timeout=budget,
                        chunk_tokens=chunk_tokens)  # fmt: skip


def show_engine_log(verbose: bool = False) -> None:
    """The engine's log lines on stderr as ``summarizer: ...``: each transport retry,
    and with ``verbose`` the tokens arriving. The library alone stays silent."""
    import logging

    logger = logging.getLogger("summarizer")
    if not any(getattr(h, "summarizer_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("summarizer: %(message)s"))
        handler.summarizer_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)


def say_engine(choice: EngineChoice, engine: str) -> None:
    """The one line that says ``auto`` ran the offline engine, and why."""
    if choice == EngineChoice.auto and engine == "offline":
        note("no LLM endpoint configured (OPENAI_BASE_URL / OPENAI_API_KEY): "
             "using the offline engine")


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, a non-zero exit code, no traceback."""
    typer.echo(f"summarizer: error: {message}", err=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    """One line on stderr."""
    typer.echo(f"summarizer: {message}", err=True)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """A ``SummarizerError`` inside becomes :func:`fail` with its message and exit code."""
    from summarizer.errors import SummarizerError

    try:
        yield
    except SummarizerError as error:
        fail(str(error), error.exit_code)
