"""Downloading the PolNeAR texts: real HTTP on loopback, serving an archive the test builds.

The archive has PolNeAR's layout (one top folder, data/<split>/text/<stem>.txt); the
manifest the code checks against is the sha256 of the test's own texts. The last test
is a fresh clone: no ../shared beside the project, the corpus served on loopback.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from eval_helpers import ROOT
from optional_deps import polnear_root, unavailable
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.evaluation import corpus
from summarizer.evaluation.corpus import CorpusError, fetch_corpus

TOP = f"PolNeAR-{corpus.COMMIT}"
FAKE_TEXTS = {
    "data/dev/text/outlet_2016-09-12_a-story.txt": "Senator Lopez said the bill would pass.\n",
    "data/train/text/outlet_2016-01-04_another.txt": "Officials said nothing was decided.\n",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_archive(files: dict[str, bytes]) -> bytes:
    """A tar.gz with every file under one top folder, as GitHub's archives have."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{TOP}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fake_files() -> dict[str, bytes]:
    files = {name: text.encode() for name, text in FAKE_TEXTS.items()}
    files["data/dev/attributions/outlet_2016-09-12_a-story_ab12.ann"] = b"T1\tSource 0 7\tSenator\n"
    # Incompressible filler, so that the body is long enough to be cut in the middle.
    files["data/filler.bin"] = os.urandom(300_000)
    return files


MANIFEST = {name: sha(text.encode()) for name, text in FAKE_TEXTS.items()}


class ArchiveServer:
    """Serves one archive at /archive.tar.gz on 127.0.0.1. ``plan`` says how to answer each
    request in turn (then "ok"): "ok" honours Range; "drop" announces the whole archive,
    sends half and closes the connection; "full" ignores Range; "404" is not found."""

    def __init__(self, body: bytes, plan: list[str] | None = None) -> None:
        self.body = body
        self.plan = list(plan or [])
        self.requests: list[dict[str, str]] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/archive.tar.gz"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(dict(self.headers.items()))
                how = server.plan.pop(0) if server.plan else "ok"
                body = server.body
                if how == "404":
                    self.send_error(404)
                    return
                start = _range_start(self.headers.get("Range"))
                if how == "ok" and start is not None:
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                    body = body[start:]
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if how == "drop" else body)

        return Handler

    def __enter__(self) -> ArchiveServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _range_start(value: str | None) -> int | None:
    if not value or not value.startswith("bytes="):
        return None
    return int(value.removeprefix("bytes=").partition("-")[0])


@pytest.fixture
def archive() -> bytes:
    return build_archive(fake_files())


@pytest.fixture
def served(archive: bytes) -> Iterator[ArchiveServer]:
    with ArchiveServer(archive) as server:
        yield server


def installed_texts(dest: Path) -> dict[str, str]:
    return {name: (dest / name).read_text(encoding="utf-8") for name in FAKE_TEXTS}


def leftovers(folder: Path) -> list[str]:
    """What is in ``folder`` but the (empty) lock file downloads take turns on."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".lock")


# --------------------------------------------------------------------------- #
# The download itself
# --------------------------------------------------------------------------- #


def test_download_installs_the_checked_corpus_once(served: ArchiveServer, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / corpus.COMMIT
    assert fetch_corpus(dest, served.url, texts=MANIFEST, archive_sha256=sha(served.body))
    assert installed_texts(dest) == FAKE_TEXTS
    assert (dest / "data" / "dev" / "attributions").is_dir()
    assert leftovers(dest.parent) == [corpus.COMMIT]  # no .part, no scratch folder
    # Already there: nothing is asked of the server again.
    assert not fetch_corpus(dest, served.url, texts=MANIFEST)
    assert len(served.requests) == 1


def test_a_text_with_the_wrong_checksum_installs_nothing(
    served: ArchiveServer, tmp_path: Path
) -> None:
    dest = tmp_path / "cache" / "polnear"
    wrong = {**MANIFEST, "data/dev/text/outlet_2016-09-12_a-story.txt": "0" * 64}
    with pytest.raises(CorpusError, match=r"a-story\.txt has a different sha256") as caught:
        fetch_corpus(dest, served.url, texts=wrong)
    assert served.url in str(caught.value) and str(dest) in str(caught.value)
    assert leftovers(dest.parent) == []  # no corpus, no partial download, no scratch folder


def test_a_missing_text_installs_nothing(served: ArchiveServer, tmp_path: Path) -> None:
    dest = tmp_path / "polnear"
    more = {**MANIFEST, "data/dev/text/not-in-the-archive.txt": "0" * 64}
    with pytest.raises(CorpusError, match=r"not-in-the-archive\.txt missing"):
        fetch_corpus(dest, served.url, texts=more)
    assert not dest.exists()


def test_the_archive_checksum_is_checked_when_recorded(
    served: ArchiveServer, tmp_path: Path
) -> None:
    dest = tmp_path / "polnear"
    with pytest.raises(CorpusError, match="the archive's sha256 is not 0000"):
        fetch_corpus(dest, served.url, texts=MANIFEST, archive_sha256="0" * 64)
    assert leftovers(tmp_path) == []


def test_a_truncated_archive_is_refused(archive: bytes, tmp_path: Path) -> None:
    # The server sends all it announces, but what it has is cut short.
    with (ArchiveServer(archive[: len(archive) * 2 // 3]) as server,
          pytest.raises(CorpusError, match=r"not a complete tar\.gz archive")):
        fetch_corpus(tmp_path / "polnear", server.url, texts=MANIFEST)
    assert leftovers(tmp_path) == []  # the broken archive is not kept for resuming


def test_404_says_what_to_download_and_where(archive: bytes, tmp_path: Path) -> None:
    dest = tmp_path / "polnear"
    with ArchiveServer(archive, ["404"]) as server, pytest.raises(CorpusError) as caught:
        fetch_corpus(dest, server.url, texts=MANIFEST)
    message = str(caught.value)
    assert "HTTP 404" in message
    assert f"Download {server.url} by hand and extract it into {dest}" in message
    assert "\n" not in message
    assert len(server.requests) == 1  # a 404 is final, not retried
    assert not dest.exists()


def test_an_interrupted_download_resumes_where_it_stopped(
    archive: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "polnear"
    with ArchiveServer(archive, ["drop"]) as server:
        assert fetch_corpus(dest, server.url, texts=MANIFEST)
    first, second = server.requests
    assert "Range" not in first
    assert second["Range"] == f"bytes={len(archive) // 2}-"
    assert installed_texts(dest) == FAKE_TEXTS
    assert leftovers(tmp_path) == ["polnear"]


def test_a_partial_download_is_kept_and_resumed_by_the_next_run(
    archive: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "polnear"
    part = tmp_path / "polnear.tar.gz.part"
    with ArchiveServer(archive, ["drop"] * corpus.ATTEMPTS) as server:
        with pytest.raises(CorpusError, match="run again to resume"):
            fetch_corpus(dest, server.url, texts=MANIFEST)
        kept = part.stat().st_size
        assert 0 < kept < len(archive) and not dest.exists()
        assert fetch_corpus(dest, server.url, texts=MANIFEST)
    assert server.requests[-1]["Range"] == f"bytes={kept}-"
    assert installed_texts(dest) == FAKE_TEXTS


def test_a_server_that_ignores_range_starts_over(archive: bytes, tmp_path: Path) -> None:
    dest = tmp_path / "polnear"
    with ArchiveServer(archive, ["drop", "full"]) as server:
        assert fetch_corpus(dest, server.url, texts=MANIFEST)
    assert installed_texts(dest) == FAKE_TEXTS


def test_an_existing_folder_is_never_replaced(served: ArchiveServer, tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")
    with pytest.raises(Exception, match="exists and is not a complete PolNeAR copy"):
        fetch_corpus(dest, served.url, texts=MANIFEST)
    assert leftovers(dest) == ["notes.txt"] and served.requests == []


def test_two_downloads_at_once_take_turns(served: ArchiveServer, tmp_path: Path) -> None:
    dest = tmp_path / "polnear"
    installed: list[bool] = []

    def fetch() -> None:
        installed.append(fetch_corpus(dest, served.url, texts=MANIFEST, progress=False))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(installed) == [False, True]  # one installed it, the other found it there
    assert len(served.requests) == 1
    assert installed_texts(dest) == FAKE_TEXTS


def test_the_cache_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert corpus.cache_root() == tmp_path / "summarizer" / "polnear" / corpus.COMMIT
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert corpus.cache_root() == tmp_path / "home" / ".cache" / "summarizer" / "polnear" / \
        corpus.COMMIT


def test_the_default_url_is_the_pinned_github_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(corpus.ENV_URL, raising=False)
    assert corpus.download_url() == ("https://codeload.github.com/networkdynamics/PolNeAR/"
                                     "tar.gz/c3eee833c035bf7b8c84f55b58c0bf7346cfae76")
    monkeypatch.setenv(corpus.ENV_URL, "http://127.0.0.1:9/x.tar.gz")
    assert corpus.download_url() == "http://127.0.0.1:9/x.tar.gz"


# --------------------------------------------------------------------------- #
# The commands
# --------------------------------------------------------------------------- #


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/archive.tar.gz"


def test_data_polnear_with_no_network_says_what_to_download_and_where(tmp_path: Path) -> None:
    dest, url = tmp_path / "polnear", closed_port_url()
    result = CliRunner().invoke(app, ["data", "polnear", "--dest", str(dest), "--url", url])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: cannot download")
    assert f"Download {url} by hand and extract it into {dest}" in lines[0]
    assert not dest.exists()


def test_data_polnear_downloads_from_the_url_in_the_environment(
    served: ArchiveServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(corpus.ENV_URL, served.url)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(corpus, "TEXTS", MANIFEST)  # the recorded sums are the real texts'
    result = CliRunner().invoke(app, ["data", "polnear"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(corpus.cache_root())
    assert installed_texts(corpus.cache_root()) == FAKE_TEXTS
    again = CliRunner().invoke(app, ["data", "polnear"])
    assert again.exit_code == 0 and "already in" in again.stderr
    assert len(served.requests) == 1


# --------------------------------------------------------------------------- #
# A fresh clone
# --------------------------------------------------------------------------- #

SHARED = polnear_root()  # SUMMARIZER_POLNEAR, else ../shared/polnear


def real_texts_or_skip() -> dict[str, bytes]:
    if not all((SHARED / name).is_file() for name in corpus.TEXTS):
        unavailable("POLNEAR", f"PolNeAR texts not in {SHARED}")
    return {name: (SHARED / name).read_bytes() for name in corpus.TEXTS}


def test_the_recorded_sums_are_those_of_the_real_texts() -> None:
    texts = real_texts_or_skip()
    assert {name: sha(data) for name, data in texts.items()} == corpus.TEXTS


def test_every_polnear_case_has_a_recorded_sum() -> None:
    refs = [line.split(":", 1)[1].strip() for path in (ROOT / "evals" / "cases").glob("*.yaml")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("article: polnear:")]
    split_stem = [ref.removeprefix("polnear:").partition("/") for ref in refs]
    needed = {f"data/{split}/text/{stem}.txt" for split, _, stem in split_stem}
    assert len(refs) >= 14 and needed <= set(corpus.TEXTS)


def fresh_clone(folder: Path) -> Path:
    """The files of a clone that eval reads, in ``folder`` (no ../shared beside it)."""
    clone = folder / "clone"
    shutil.copytree(ROOT / "evals", clone / "evals")
    shutil.copytree(ROOT / "seeds", clone / "seeds")
    shutil.copy(ROOT / "pyproject.toml", clone / "pyproject.toml")
    return clone


def test_a_fresh_clone_scores_every_case(tmp_path: Path) -> None:
    archive = build_archive(real_texts_or_skip())
    clone = fresh_clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("SUMMARIZER_POLNEAR",
                                                            "OPENAI_BASE_URL", "OPENAI_API_KEY")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    with ArchiveServer(archive) as server:
        env[corpus.ENV_URL] = server.url
        done = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli.app import main; main()",
             "eval", "--engine", "offline", "--out", str(tmp_path / "out")],
            cwd=clone, env=env, capture_output=True, text=True, timeout=600, check=False,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    cases = len(list((clone / "evals" / "cases").glob("*.yaml")))
    assert report["summary"] == {"cases": cases, "ok": cases, "error": 0, "missing": 0}
    assert "downloading the PolNeAR texts once" in done.stderr
    assert len(server.requests) == 1
    cached = tmp_path / "cache" / "summarizer" / "polnear" / corpus.COMMIT
    assert {name: sha((cached / name).read_bytes()) for name in corpus.TEXTS} == corpus.TEXTS


def test_a_fresh_clone_with_no_network_says_what_to_download_and_where(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "SUMMARIZER_POLNEAR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env[corpus.ENV_URL] = url = closed_port_url()
    done = subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()",
         "eval", "--engine", "offline", "--out", str(tmp_path / "out")],
        cwd=clone, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    dest = tmp_path / "cache" / "summarizer" / "polnear" / corpus.COMMIT
    assert done.returncode == 3
    error = done.stderr.splitlines()[-1]
    assert error.startswith(f"summarizer: error: cannot download the PolNeAR corpus from {url}")
    assert f"Download {url} by hand and extract it into {dest}: " in error
    assert "Traceback" not in done.stderr and not dest.exists()
    assert not (tmp_path / "out").exists()
