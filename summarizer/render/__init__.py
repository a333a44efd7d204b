"""Renderings of a brief: JSON, Markdown, a self-contained HTML page, the terminal.

:class:`Format` is the one list of formats (``summarize --format`` and ``batch
--format`` both take it) and :func:`render` the one entry. Each format lives in
its own module (``records``, ``markdown``, ``html``, ``terminal``), imported when
used, so importing this package stays light: the CLI imports it at start.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from summarizer.errors import InputError

if TYPE_CHECKING:
    from summarizer.pricing import Price
    from summarizer.schema import ArticleBrief


class Format(StrEnum):
    """Every rendering of a brief."""

    json = "json"
    markdown = "markdown"
    html = "html"
    terminal = "terminal"


#: The file suffix of each format that makes a file; the terminal view is for a terminal.
SUFFIXES: dict[Format, str] = {Format.json: ".json", Format.markdown: ".md", Format.html: ".html"}


def file_suffix(fmt: Format | str) -> str:
    """The suffix a rendering in ``fmt`` is saved under, or an ``InputError`` if it has none."""
    suffix = SUFFIXES.get(Format(fmt))
    if suffix is None:
        usable = ", ".join(SUFFIXES)
        raise InputError(f"the {fmt} format is for a terminal, not a file: use {usable}")
    return suffix


def render(
    brief: ArticleBrief,
    fmt: Format | str,
    *,
    article: str | None = None,
    extracted_from: str | None = None,
    price: Price | None = None,
    claims_shown: int | None = None,
) -> str:
    """``brief`` as text in format ``fmt`` (one of :class:`Format`).

    ``article`` is the text the brief's offsets index into; ``html`` needs it.
    ``extracted_from`` names the page or HTML file ``article`` was extracted from:
    then ``json`` carries the text beside the brief, since the offsets index into
    the extracted text and not into the page. ``price`` adds the cost of the tokens.
    The views for people show the first ``claims_shown`` claims (default 10) and fold
    the rest; ``json`` always has them all.
    """
    if fmt not in tuple(Format):
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == Format.json:
        from summarizer.render.records import to_article_json, to_json

        if extracted_from is not None and article is not None:
            return to_article_json(brief, article, extracted_from, price)
        return to_json(brief)
    if fmt == Format.markdown:
        from summarizer.render.markdown import to_markdown

        return to_markdown(brief, price, claims_shown)
    if fmt == Format.terminal:
        from summarizer.render.terminal import to_terminal

        return to_terminal(brief, price, claims_shown=claims_shown)
    if article is None:
        raise InputError("the html format needs the article text")
    from summarizer.render.html import to_html

    return to_html(brief, article, price=price, claims_shown=claims_shown)
