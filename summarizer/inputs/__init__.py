"""Where articles come from: files, stdin, HTML pages and URLs.

:func:`load_article` is the entry: it gives the text to brief and says where it
came from. ``files`` reads and decodes bytes and writes results atomically;
``web`` fetches URLs and extracts the story from HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from summarizer.errors import InputError
from summarizer.inputs.files import read_bytes, read_text
from summarizer.inputs.web import (
    ONLY_HTTP,
    decode_page,
    extract_article,
    fetch_article,
    is_html_file,
    is_other_url,
    is_url,
)

Kind = Literal["text", "html", "url"]

__all__ = ["Kind", "LoadedArticle", "is_url", "load_article"]


@dataclass(frozen=True)
class LoadedArticle:
    """The article text to brief, and where it came from."""

    text: str
    source: str
    kind: Kind

    @property
    def extracted_from(self) -> str | None:
        """The page or HTML file the text was extracted from; ``None`` for a text file."""
        return None if self.kind == "text" else self.source


def load_article(path_or_url: str, *, allow_private_urls: bool = False) -> LoadedArticle:
    """A URL, an HTML file, a text file or '-' (stdin) -> the text to brief.

    A URL must be http(s); it may reach a loopback, private or link-local address
    only with ``allow_private_urls``.
    """
    if is_url(path_or_url):
        text = fetch_article(path_or_url, allow_private=allow_private_urls)
        return LoadedArticle(text, path_or_url, "url")
    if is_other_url(path_or_url):
        raise InputError(f"{path_or_url}: {ONLY_HTTP}")
    if is_html_file(path_or_url):
        data, name = read_bytes(path_or_url)
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(f"{name}: looks like a binary file, not a web page")
        html = decode_page(data)
        return LoadedArticle(extract_article(html, path_or_url), path_or_url, "html")
    return LoadedArticle(read_text(path_or_url), path_or_url, "text")
