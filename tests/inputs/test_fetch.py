"""URL and HTML inputs: bounded fetching and story extraction, against a loopback server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarizer.errors import InputError
from summarizer.inputs import LoadedArticle, load_article
from summarizer.inputs.web import download, extract_article

STORY = [
    "The harbour authority of Port Ellery approved a plan on Tuesday to dredge the "
    "northern channel, a project officials say will cost 48 million dollars over three years.",
    "Mayor Ines Halvorsen said the work would let larger container ships dock without "
    "waiting for high tide, and promised that fishing crews would be compensated for lost days.",
    "Two members of the authority's board, speaking on condition of anonymity because the "
    "vote was closed, said the plan passed by a single vote after a long debate about silt.",
    "Environmental groups have asked for the full sediment study, which the authority has "
    "not published. It was not clear when the study would be released, or who wrote it.",
]

NAV = "<nav><ul>" + "".join(
    f"<li><a href='/section/{s}'>{s.title()} section</a></li>"
    for s in ("world", "business", "sport", "weather", "opinion")
) + "</ul></nav>"
AD = "<div class='advert'><p>SPONSORED: Buy the new Kettle 3000 today and save big!</p></div>"
COMMENTS = (
    "<section id='comments' class='comments'><h3>Comments</h3>"
    "<div class='comment'><p>GullWatcher: This dredging nonsense again, unbelievable.</p></div>"
    "<div class='comment'><p>Reader42: My cousin says the mayor never reads the reports.</p></div>"
    "</section>"
)


def news_page(charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        f"<!doctype html><html><head><meta charset='{charset}'>"
        "<title>Harbour dredging approved | Port Ellery Gazette</title></head><body>"
        f"<header>{NAV}</header>{AD}"
        "<main><article><h1>Harbour dredging approved after close vote</h1>"
        "<p class='byline'>By Tomas Reyes</p>"
        f"{paragraphs}</article></main>{AD}{COMMENTS}"
        "<footer><p>Copyright Port Ellery Gazette. All rights reserved.</p></footer>"
        "</body></html>"
    )


NOT_ARTICLE = (
    "<!doctype html><html><head><title>Sign in</title></head><body>"
    f"<header>{NAV}</header>"
    "<form><label>Email <input name='email'></label>"
    "<label>Password <input type='password' name='pw'></label>"
    "<button>Sign in</button></form>"
    "<footer><p>Copyright Port Ellery Gazette.</p></footer></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send_body(self, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = self.path
        if path == "/story":
            self.send_body(news_page().encode())
        elif path == "/latin1":
            self.send_body(news_page("iso-8859-1").replace("Ines", "Inès").encode("latin-1"),
                           "text/html; charset=iso-8859-1")
        elif path == "/moved":
            self.redirect("/story")
        elif path.startswith("/loop"):
            self.redirect(f"/loop{len(path)}")
        elif path == "/login":
            self.send_body(NOT_ARTICLE.encode())
        elif path == "/image":
            self.send_body(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no length: the client must stop reading by itself
            try:
                for _ in range(100):
                    self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
            except OSError:
                pass  # the client hung up, as it should
        elif path == "/slow":
            time.sleep(3)
            self.send_body(news_page().encode())
        elif path == "/plain":
            self.send_body(" ".join(STORY).encode(), "text/plain; charset=utf-8")
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def load_url(url: str) -> LoadedArticle:
    """The server is on loopback: these tests allow private addresses explicitly."""
    return load_article(url, allow_private_urls=True)


def test_url_gives_the_story_without_navigation_ads_or_comments(server: str) -> None:
    article = load_url(f"{server}/story")
    assert article.kind == "url"
    assert article.source == f"{server}/story"
    for paragraph in STORY:
        assert paragraph in article.text
    for noise in ("SPONSORED", "Kettle", "GullWatcher", "Reader42", "Business section",
                  "All rights reserved"):
        assert noise not in article.text


def test_redirect_is_followed(server: str) -> None:
    assert STORY[0] in load_url(f"{server}/moved").text


def test_endless_redirects_stop_with_a_clear_error(server: str) -> None:
    with pytest.raises(InputError, match="more than 5 redirects"):
        load_url(f"{server}/loop")


def test_declared_charset_is_used(server: str) -> None:
    assert "Mayor Inès Halvorsen" in load_url(f"{server}/latin1").text


def test_page_that_is_not_an_article_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="no article text found"):
        load_url(f"{server}/login")


def test_not_html_is_refused(server: str) -> None:
    with pytest.raises(InputError, match=r"not a web page \(content type image/png\)"):
        load_url(f"{server}/image")


def test_http_error_is_reported(server: str) -> None:
    with pytest.raises(InputError, match="HTTP 404"):
        load_url(f"{server}/missing")


def test_body_over_the_size_limit_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="larger than 100000 bytes"):
        download(f"{server}/huge", allow_private=True, max_bytes=100_000)


def test_slow_server_times_out(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="timed out"):
        download(f"{server}/slow", allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 2.5


def test_plain_text_url_is_taken_as_is(server: str) -> None:
    assert load_url(f"{server}/plain").text == " ".join(STORY)


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="cannot fetch"):
        download("http://127.0.0.1:9/", allow_private=True)  # discard port: nothing listens


def test_non_http_scheme_is_refused() -> None:
    with pytest.raises(InputError, match="only http"):
        download("file:///etc/passwd")


def test_local_html_file_is_extracted(tmp_path) -> None:
    page = tmp_path / "story.html"
    page.write_text(news_page(), encoding="utf-8")
    article = load_article(str(page))
    assert article.kind == "html"
    assert STORY[2] in article.text
    assert "GullWatcher" not in article.text


def test_local_text_file_is_read_unchanged(tmp_path) -> None:
    page = tmp_path / "story.txt"
    page.write_text("<p>kept as text</p>\n", encoding="utf-8")
    article = load_article(str(page))
    assert (article.kind, article.text) == ("text", "<p>kept as text</p>\n")


def test_extract_refuses_an_empty_page() -> None:
    with pytest.raises(InputError, match=r"x\.html: no article text"):
        extract_article("<html><body></body></html>", "x.html")
