"""Fetching what a stranger controls: one deadline, declared charsets, public addresses only.

Every test talks to real sockets on loopback. Because these servers are on
loopback, a test that is not about the address rules allows private addresses
explicitly (``allow_private=True`` / ``--allow-private-urls``).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fakes import FakeEngine
from test_fetch import news_page
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.errors import InputError
from summarizer.inputs import load_article, web
from summarizer.inputs.web import download

NAME = "Mayor John Hârris said"  # "â" is one byte (0xE2) in Latin-1, two in UTF-8


def page(meta: str = "") -> str:
    """The test news page with a non-ASCII name, and ``meta`` as its only <head> charset."""
    return news_page().replace("<meta charset='utf-8'>", meta).replace(
        "Mayor Ines Halvorsen said", NAME)


LATIN1_BARE = page().encode("latin-1")
LATIN1_META = page("<meta charset='iso-8859-1'>").encode("latin-1")
CP1252_EQUIV = page(
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
).replace("promised that", "promised “that”").encode("cp1252")
HEADER_WINS = page("<meta charset='iso-8859-1'>").encode("utf-8")
PLAIN_LATIN1 = ("Port Ellery. " + NAME + " the work would start in May.").encode("latin-1")


class Handler(BaseHTTPRequestHandler):
    """Routes by path; ``hits`` (set per server) records every request that arrived."""

    hits: list[str]
    routes: dict[str, Callable[[BaseHTTPRequestHandler], None]]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.hits.append(self.path)
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            send(self, 404, b"", "text/html")
        else:
            route(self)


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
         **headers: str) -> None:  # fmt: skip
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def drip(handler: BaseHTTPRequestHandler, head: bytes, seconds: float = 40.0) -> None:
    """Write ``head``, then one byte every 0.1 s for up to ``seconds`` (or until hung up on)."""
    try:
        handler.wfile.write(head)
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            handler.wfile.write(b"a")
            time.sleep(0.1)
    except OSError:
        pass  # the client hung up, as it should


def slow_hop(n: int) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(0.6)
        with contextlib.suppress(OSError):  # the client gave up at its deadline, as it should
            send(handler, 302, b"", "text/html", Location=f"/hop{n - 1}")
    return answer


ROUTES: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "/story": lambda h: send(h, 200, page().encode(), "text/html; charset=utf-8"),
    "/latin1-bare": lambda h: send(h, 200, LATIN1_BARE, "text/html"),
    "/latin1-meta": lambda h: send(h, 200, LATIN1_META, "text/html"),
    "/cp1252-equiv": lambda h: send(h, 200, CP1252_EQUIV, "text/html"),
    "/header-wins": lambda h: send(h, 200, HEADER_WINS, "text/html; charset=utf-8"),
    "/utf16-bom": lambda h: send(h, 200, page().encode("utf-16"), "text/html"),
    "/plain-latin1": lambda h: send(h, 200, PLAIN_LATIN1, "text/plain"),
    "/drip-headers": lambda h: drip(h, b"HTTP/1.1 200 OK\r\nX-Drip: "),
    "/drip-body": lambda h: drip(h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                    b"Content-Length: 100000\r\n\r\n<p>"),
    "/to-file": lambda h: send(h, 302, b"", "text/html", Location="file:///etc/passwd"),
    **{f"/hop{n}": slow_hop(n) for n in range(1, 6)},
    "/hop0": lambda h: send(h, 200, page().encode(), "text/html; charset=utf-8"),
}


def serve(host: str, routes: dict[str, Callable[[BaseHTTPRequestHandler], None]]
          ) -> tuple[ThreadingHTTPServer, list[str]]:  # fmt: skip
    hits: list[str] = []
    handler = type("Routed", (Handler,), {"hits": hits, "routes": routes})
    httpd = ThreadingHTTPServer((host, 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, hits


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    httpd, hits = serve("127.0.0.1", ROUTES)
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def finishes_within(seconds: float, work: Callable[[], object]) -> object:
    """``work()``'s result or exception, run in a thread; fails the test if it is still running
    after ``seconds`` (the code under test hangs: the test must fail, not hang too)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome[0]


# --------------------------------------------------------------------------- #
# one wall-clock deadline per fetch
# --------------------------------------------------------------------------- #


def test_headers_dripped_a_byte_at_a_time_stop_at_the_deadline(
    site: tuple[str, list[str]],
) -> None:
    base, _ = site
    started = time.monotonic()
    outcome = finishes_within(8, lambda: download(f"{base}/drip-headers", timeout=1.0,
                                                 allow_private=True))  # fmt: skip
    assert isinstance(outcome, InputError)
    assert str(outcome) == f"{base}/drip-headers: timed out after 1 s"
    assert time.monotonic() - started < 2.5


def test_body_dripped_a_byte_at_a_time_stops_at_the_deadline(
    site: tuple[str, list[str]],
) -> None:
    base, _ = site
    started = time.monotonic()
    outcome = finishes_within(8, lambda: download(f"{base}/drip-body", timeout=1.0,
                                                 allow_private=True))  # fmt: skip
    assert isinstance(outcome, InputError) and "timed out after 1 s" in str(outcome)
    assert time.monotonic() - started < 2.5


def test_the_deadline_covers_every_redirect_hop(site: tuple[str, list[str]]) -> None:
    base, hits = site
    started = time.monotonic()
    # Five hops of 0.6 s each: every hop is quick, the whole fetch is not.
    with pytest.raises(InputError, match="timed out after 1 s"):
        download(f"{base}/hop5", timeout=1.0, allow_private=True)
    assert time.monotonic() - started < 2.0
    assert "/hop0" not in hits


def test_one_dripping_url_does_not_hang_a_batch(
    site: tuple[str, list[str]], tmp_path: Path, fake_engine: type[FakeEngine],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, _ = site
    monkeypatch.setattr(web, "TIMEOUT_SECONDS", 1.0)
    listing = tmp_path / "items.jsonl"
    listing.write_text(
        json.dumps({"id": "drip", "url": f"{base}/drip-headers"}) + "\n"
        + json.dumps({"id": "story", "url": f"{base}/story"}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(listing), "--out", str(out), "--engine", "llm", "--base-url",
            "http://127.0.0.1:9/v1", "--model", "m", "--no-cache", "--allow-private-urls"]
    result = finishes_within(20, lambda: CliRunner().invoke(app, args))
    assert getattr(result, "exit_code", None) == 1  # one article failed
    report = json.loads((out / "_batch_report.json").read_text(encoding="utf-8"))
    reasons = {r["id"]: (r["status"], r["reason"]) for r in report["results"]}
    assert reasons["drip"] == ("failed", f"{base}/drip-headers: timed out after 1 s")
    assert reasons["story"][0] == "done"


# --------------------------------------------------------------------------- #
# charsets: header, then BOM, then <meta>, then detection
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("path", ["/latin1-bare", "/latin1-meta", "/cp1252-equiv",
                                  "/header-wins", "/utf16-bom"])
def test_a_page_is_decoded_by_its_declared_or_detected_charset(
    site: tuple[str, list[str]], path: str,
) -> None:
    base, _ = site
    text = load_article(base + path, allow_private_urls=True).text
    assert NAME in text
    assert "\ufffd" not in text


def test_http_equiv_windows_1252_gives_curly_quotes(site: tuple[str, list[str]]) -> None:
    base, _ = site
    assert "promised “that”" in load_article(f"{base}/cp1252-equiv", allow_private_urls=True).text


def test_plain_text_without_a_charset_is_detected(site: tuple[str, list[str]]) -> None:
    base, _ = site
    text = load_article(f"{base}/plain-latin1", allow_private_urls=True).text
    assert text == PLAIN_LATIN1.decode("latin-1")


@pytest.mark.parametrize("data", [LATIN1_BARE, LATIN1_META, CP1252_EQUIV])
def test_a_local_html_file_is_decoded_the_same_way(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "story.html"
    path.write_bytes(data)
    article = load_article(str(path))
    assert article.kind == "html"
    assert NAME in article.text


def test_an_unknown_declared_charset_falls_back_to_the_meta_then_detection() -> None:
    from summarizer.inputs.web import decode_page

    assert decode_page(LATIN1_META, "no-such-charset") == LATIN1_META.decode("latin-1")
    assert decode_page("Hârris".encode(), "no-such-charset") == "Hârris"
    assert decode_page(b"\x81 \xe2", None) == "\x81 â"  # not UTF-8, not cp1252: Latin-1


def test_a_binary_html_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(InputError, match="looks like a binary file"):
        load_article(str(path))


# --------------------------------------------------------------------------- #
# addresses: public only, unless allowed; http(s) only
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "::",
])
def test_non_public_addresses_are_not_public(address: str) -> None:
    from summarizer.inputs import network

    assert not network.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_public(address: str) -> None:
    from summarizer.inputs import network

    assert network.is_public(address)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_url_is_refused_before_any_request(
    site: tuple[str, list[str]], host: str,
) -> None:
    base, hits = site
    url = base.replace("127.0.0.1", host) + "/story"
    expected = "127.0.0.1" if host == "127.0.0.1" else r"localhost \((127\.0\.0\.1|::1)\)"
    with pytest.raises(InputError, match=f"refused: {expected} is a private or local address; "
                       "pass --allow-private-urls"):
        load_article(url)
    assert hits == []


def test_a_name_is_resolved_and_connected_to(site: tuple[str, list[str]]) -> None:
    base, hits = site
    url = base.replace("127.0.0.1", "localhost") + "/story"
    assert NAME in load_article(url, allow_private_urls=True).text
    assert hits == ["/story"]


def test_every_address_of_a_name_is_tried_in_turn(
    site: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer.inputs import network

    base, hits = site  # listens on 127.0.0.1 only: 127.0.0.2 refuses the connection
    # The name's lookup is the stand-in here; both connections are real.
    monkeypatch.setattr(network, "resolve", lambda *args: ["127.0.0.2", "127.0.0.1"])
    url = base.replace("127.0.0.1", "news.example") + "/story"
    assert NAME in load_article(url, allow_private_urls=True).text
    assert hits == ["/story"]


@pytest.mark.parametrize("url", ["http://[::1]:9/", "http://2130706433:9/", "http://0x7f.1:9/",
                                 "http://[::ffff:127.0.0.1]:9/", "http://0:9/"])
def test_a_disguised_loopback_address_is_refused(url: str) -> None:
    with pytest.raises(InputError, match="is a private or local address; pass "
                       "--allow-private-urls"):
        download(url, timeout=2.0)


def test_a_link_local_address_is_refused_without_connecting() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"169\.254\.169\.254 is a private or local address"):
        download("http://169.254.169.254/latest/meta-data/", timeout=5.0)
    assert time.monotonic() - started < 1.0  # refused, not a connection attempt timing out


def test_a_redirect_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.inputs import network

    internal, internal_hits = serve("127.0.0.2", {"/admin": ROUTES["/story"]})
    try:
        target = f"http://127.0.0.2:{internal.server_address[1]}/admin"
        public_site = {"/go": lambda h: send(h, 302, b"", "text/html", Location=target)}
        outside, outside_hits = serve("127.0.0.1", public_site)
        # The first server stands in for a public news site: only its address passes.
        monkeypatch.setattr(network, "is_public", lambda address: address == "127.0.0.1")
        url = f"http://127.0.0.1:{outside.server_address[1]}/go"
        with pytest.raises(InputError, match=r"127\.0\.0\.2 is a private or local address"):
            load_article(url)
        assert (outside_hits, internal_hits) == (["/go"], [])
        outside.shutdown()
        outside.server_close()
    finally:
        internal.shutdown()
        internal.server_close()


def test_a_redirect_is_followed_when_private_addresses_are_allowed(
    site: tuple[str, list[str]],
) -> None:
    base, hits = site
    assert NAME in load_article(f"{base}/hop1", allow_private_urls=True).text
    assert hits == ["/hop1", "/hop0"]


def test_a_redirect_to_a_file_url_is_refused(site: tuple[str, list[str]]) -> None:
    base, _ = site
    with pytest.raises(InputError, match=r"not http\(s\); only http\(s\) URLs are supported"):
        download(f"{base}/to-file", allow_private=True)


@pytest.mark.parametrize("address", ["file:///etc/hostname", "FILE:///etc/hostname",
                                     "ftp://example.com/story.html", "data:text/html,<p>hi</p>",
                                     "gopher://example.com/1"])  # fmt: skip
def test_other_schemes_are_refused_as_urls(address: str) -> None:
    with pytest.raises(InputError) as refused:
        load_article(address)
    assert str(refused.value) == f"{address}: only http(s) URLs are supported"


def test_a_file_whose_name_looks_like_a_scheme_is_still_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("data:notes.txt").write_text("The council met on Tuesday.\n", encoding="utf-8")
    assert load_article("data:notes.txt").text == "The council met on Tuesday.\n"


def test_the_command_refuses_a_private_url_unless_allowed(
    site: tuple[str, list[str]], fake_engine: type[FakeEngine],
) -> None:
    base, hits = site
    args = ["summarize", f"{base}/story", "--format", "json", "--engine", "llm",
            "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1
    assert "pass --allow-private-urls" in refused.stderr
    assert hits == [] and fake_engine.calls == 0
    allowed = CliRunner().invoke(app, [*args, "--allow-private-urls"])
    assert allowed.exit_code == 0, allowed.stderr
    assert NAME in json.loads(allowed.stdout)["article"]["text"]


def test_a_page_gives_the_same_text_however_often_it_is_extracted() -> None:
    from summarizer.inputs.web import extract_article

    texts = {extract_article(page(), f"copy {n}") for n in range(6)}
    assert len(texts) == 1 and NAME in texts.pop()
