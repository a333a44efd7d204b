"""Articles from the web and from HTML: fetch a URL with bounds, extract the story text.

Offsets in a brief always index into the *extracted* text, so callers must keep
that text with the brief (see :class:`summarizer.inputs.LoadedArticle`).

A fetch follows the rules in SECURITY.md: http(s) only, one wall-clock deadline
for the whole fetch (redirects included), public addresses only unless private
ones are allowed, at most 5 MB, web pages only.
"""

from __future__ import annotations

import codecs
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.errors import InputError

if TYPE_CHECKING:
    import httpx

MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024
#: Seconds one fetch may take in all: connect, headers, body, every redirect.
TIMEOUT_SECONDS = 15.0
MAX_REDIRECTS = 5
MIN_ARTICLE_WORDS = 60
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PAGE_TYPES = ("text/html", "application/xhtml", "text/plain")
ONLY_HTTP = "only http(s) URLs are supported"
PRIVATE_HINT = "pass --allow-private-urls to fetch it"
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip
META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
OTHER_SCHEMES = frozenset({"file", "ftp", "ftps", "sftp", "data", "javascript", "gopher",
                           "mailto", "ws", "wss", "blob"})  # fmt: skip


def is_url(value: str) -> bool:
    """True for an http:// or https:// address."""
    return value.lower().startswith(("http://", "https://"))


def is_other_url(value: str) -> bool:
    """True for an address with a scheme that is not http(s): ``file://``, ``ftp://``,
    ``data:``... (unless a file of that name exists: then it is a file)."""
    match = SCHEME.match(value)
    if match is None or is_url(value) or len(match.group(1)) == 1:  # "C:\..." is a drive
        return False
    other = match.group(1).lower() in OTHER_SCHEMES or value[match.end():].startswith("//")
    return other and not Path(value).exists()


def is_html_file(path: str) -> bool:
    """True for a file name that ends like an HTML page."""
    return path.lower().endswith(HTML_SUFFIXES)


def decode_page(data: bytes, declared: str | None = None, *, html: bool = True) -> str:
    """A page's bytes as text: by the declared (HTTP header) charset, else a BOM, else the
    page's ``<meta charset>`` (HTML), else UTF-8 when the bytes are valid UTF-8, else
    Windows-1252, else Latin-1 (which decodes any bytes)."""
    codec = _codec(declared) or _bom_codec(data) or (_meta_codec(data) if html else None)
    if codec:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec, errors="replace")
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _bom_codec(data: bytes) -> str | None:
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def _meta_codec(data: bytes) -> str | None:
    match = META_CHARSET.search(data[:8192])
    codec = _codec(match.group(1).decode("ascii")) if match else None
    # A page read as bytes cannot be UTF-16 by its own ASCII meta tag (as browsers rule).
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset; ``None`` for none or an unknown one.
    A declared Latin-1 is read as Windows-1252, as browsers do."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


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
        # trafilatura's deduplication remembers text across calls (a process-wide cache):
        # the fourth extraction of one page came out empty. A page gives one text, always.
        deduplicate=False,
    )
    if not text or len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError(f"{name}: no article text found in the page (is it a news story?)")
    return text


def fetch_article(url: str, *, timeout: float | None = None,
                  allow_private: bool = False) -> str:  # fmt: skip
    """The story text at ``url``: a plain-text page as it is, an HTML page extracted."""
    body, content_type = download(url, timeout=timeout, allow_private=allow_private)
    if content_type.startswith("text/plain"):
        text = body.strip()
        if not text:
            raise InputError(f"{url}: the page is empty")
        return text
    return extract_article(body, url)


def download(
    url: str,
    *,
    timeout: float | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool = False,
) -> tuple[str, str]:
    """GET ``url`` -> (decoded body, content type), with every bound a clear InputError.

    ``timeout`` (default :data:`TIMEOUT_SECONDS`) bounds the whole fetch, redirects
    included. Loopback, private and link-local addresses are refused, at every
    redirect hop, unless ``allow_private``.
    """
    import httpx

    from summarizer.inputs.network import BlockedAddress

    if not is_url(url):
        raise InputError(f"{url}: {ONLY_HTTP}")
    seconds = TIMEOUT_SECONDS if timeout is None else timeout
    try:
        with (
            _client(seconds, max_redirects, allow_private) as client,
            client.stream("GET", url) as response,
        ):
            _check_response(url, response, max_bytes)
            data = _read_limited(url, response, max_bytes)
            content_type = response.headers.get("content-type", "").lower()
            charset = response.charset_encoding
    except BlockedAddress as blocked:
        raise InputError(f"{url}: refused: {blocked}; {PRIVATE_HINT}") from None
    except httpx.UnsupportedProtocol:
        raise InputError(f"{url}: redirected to a URL that is not http(s); {ONLY_HTTP}") from None
    except httpx.TooManyRedirects:
        raise InputError(f"{url}: more than {max_redirects} redirects") from None
    except httpx.TimeoutException:
        raise InputError(f"{url}: timed out after {seconds:g} s") from None
    except httpx.HTTPError as error:
        raise InputError(f"{url}: cannot fetch ({type(error).__name__}: {error})") from None
    html = not content_type.startswith("text/plain")
    return decode_page(data, charset, html=html), content_type


def _client(seconds: float, max_redirects: int, allow_private: bool) -> httpx.Client:
    """A client whose every connection goes through one :class:`GuardedBackend`.

    Proxy variables are not used: through a proxy, neither the deadline nor the
    address rules would reach the connection to the page's server.
    """
    import httpx

    from summarizer.inputs.network import GuardedBackend

    transport = httpx.HTTPTransport()
    backend = GuardedBackend(time.monotonic() + seconds, allow_private)
    transport._pool._network_backend = backend  # httpx has no public hook for this
    headers = {"User-Agent": "summarizer/0.1 (+article brief)", "Accept": "text/html,text/plain"}
    return httpx.Client(timeout=seconds, follow_redirects=True, max_redirects=max_redirects,
                        headers=headers, transport=transport, trust_env=False)  # fmt: skip


def _check_response(url: str, response: httpx.Response, max_bytes: int) -> None:
    if response.status_code >= 400:
        raise InputError(f"{url}: the server answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").lower()
    if content_type and not content_type.startswith(PAGE_TYPES):
        raise InputError(f"{url}: not a web page (content type {content_type.split(';')[0]})")
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise InputError(f"{url}: larger than {max_bytes} bytes; not fetched")


def _read_limited(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    """The body, refusing more than ``max_bytes`` (the deadline is the connection's)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"{url}: larger than {max_bytes} bytes; not fetched")
        chunks.append(chunk)
    return b"".join(chunks)
