"""Articles from the web and from HTML: fetch a URL with bounds, extract the story text.

Offsets in a brief always index into the *extracted* text, so callers must keep
that text with the brief (see :class:`summarizer.inputs.LoadedArticle`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from summarizer.errors import InputError

if TYPE_CHECKING:
    import httpx

MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 15.0
MAX_REDIRECTS = 5
MIN_ARTICLE_WORDS = 60
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PAGE_TYPES = ("text/html", "application/xhtml", "text/plain")


def is_url(value: str) -> bool:
    """True for an http:// or https:// address."""
    return value.lower().startswith(("http://", "https://"))


def is_html_file(path: str) -> bool:
    """True for a file name that ends like an HTML page."""
    return path.lower().endswith(HTML_SUFFIXES)


def extract_article(html: str, name: str) -> str:
    """The main story text of an HTML page, without navigation, ads or comments."""
    import trafilatura

    text = trafilatura.extract(
        html,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=True,
    )
    if not text or len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError(f"{name}: no article text found in the page (is it a news story?)")
    return text


def fetch_article(url: str, *, timeout: float = TIMEOUT_SECONDS) -> str:
    """The story text at ``url``: a plain-text page as it is, an HTML page extracted."""
    body, content_type = download(url, timeout=timeout)
    if content_type.startswith("text/plain"):
        text = body.strip()
        if not text:
            raise InputError(f"{url}: the page is empty")
        return text
    return extract_article(body, url)


def download(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> tuple[str, str]:
    """GET ``url`` -> (decoded body, content type), with every bound a clear InputError."""
    import httpx

    if not is_url(url):
        raise InputError(f"{url}: only http:// and https:// URLs can be fetched")
    headers = {"User-Agent": "summarizer/0.1 (+article brief)", "Accept": "text/html,text/plain"}
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=True, max_redirects=max_redirects, headers=headers
            ) as client,
            client.stream("GET", url) as response,
        ):
            _check_response(url, response, max_bytes)
            data = _read_limited(url, response, max_bytes, time.monotonic() + timeout)
            content_type = response.headers.get("content-type", "").lower()
            encoding = response.charset_encoding or "utf-8"
    except httpx.TooManyRedirects:
        raise InputError(f"{url}: more than {max_redirects} redirects") from None
    except httpx.TimeoutException:
        raise InputError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as error:
        raise InputError(f"{url}: cannot fetch ({type(error).__name__}: {error})") from None
    return _decode(data, encoding), content_type


def _check_response(url: str, response: httpx.Response, max_bytes: int) -> None:
    if response.status_code >= 400:
        raise InputError(f"{url}: the server answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").lower()
    if content_type and not content_type.startswith(PAGE_TYPES):
        raise InputError(f"{url}: not a web page (content type {content_type.split(';')[0]})")
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise InputError(f"{url}: larger than {max_bytes} bytes; not fetched")


def _read_limited(url: str, response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The body, refusing more than ``max_bytes`` or a server that drips past the deadline."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"{url}: larger than {max_bytes} bytes; not fetched")
        if time.monotonic() > deadline:
            raise InputError(f"{url}: download took too long; not fetched")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")

