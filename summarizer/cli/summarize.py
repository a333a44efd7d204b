"""``summarizer summarize``: brief one article from a file, stdin or a URL."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from summarizer.cli import options as opt
from summarizer.config import EngineChoice
from summarizer.render import Format


def summarize(
    path: Annotated[
        str, typer.Argument(help="Article: a UTF-8 .txt or .html file, a URL, or '-' for stdin.")
    ] = "-",
    fmt: Annotated[
        Format | None,
        typer.Option("--format", "-f",
                     help="Output format [default: terminal on a terminal, else json]."),
    ] = None,
    output: opt.OutputOption = None,
    engine: opt.EngineOption = EngineChoice.auto,
    # The LLM flags, as batch takes them.
    model: opt.ModelOption = None, base_url: opt.BaseUrlOption = None, mode: opt.ModeOption = None,
    max_tokens: opt.MaxTokensOption = None, timeout: opt.TimeoutOption = None,
    budget: opt.BudgetOption = None, chunk_tokens: opt.ChunkTokensOption = None,
    verbose: opt.VerboseOption = False,
    allow_private_urls: opt.AllowPrivateUrlsOption = False,
) -> None:
    """Brief one article.

    Examples:

      summarizer summarize article.txt

      summarizer summarize article.txt --format markdown --output brief.md

      summarizer summarize https://example.com/story.html --format html -o brief.html

      OPENAI_BASE_URL=http://localhost:8080/v1 summarizer summarize article.txt --engine llm
    """
    from summarizer.api import summarize as brief_article
    from summarizer.inputs import load_article
    from summarizer.inputs.files import STDOUT, check_output_path, write_output
    from summarizer.pricing import price_from_env
    from summarizer.render import render
    from summarizer.render.terminal import print_terminal

    if output is not None and str(output) == STDOUT:
        output = None
    chosen = fmt or (Format.terminal if output is None and sys.stdout.isatty() else Format.json)
    with opt.one_line_errors():
        # Every setting is checked before anything is fetched or spent.
        settings = opt.llm_settings(model, base_url, mode, max_tokens, timeout, budget,
                                    chunk_tokens)  # fmt: skip
        price = price_from_env()
        check_output_path(output, path)
        loaded = load_article(path, allow_private_urls=allow_private_urls)
        opt.show_engine_log(verbose)
        brief = brief_article(loaded.text, engine=engine, settings=settings)
        opt.say_engine(engine, brief.meta.engine)
        if chosen == Format.terminal and output is None:
            print_terminal(brief, price=price)
        else:
            text = render(brief, chosen, article=loaded.text,
                          extracted_from=loaded.extracted_from, price=price)  # fmt: skip
            write_output(text, output)
    from summarizer.render.parts import printable

    for warning in brief.meta.warnings:
        opt.note(f"warning: {printable(warning)}")
