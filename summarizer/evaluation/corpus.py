"""The PolNeAR texts the eval set needs: downloaded once, checked, kept in the user cache.

The corpus is not redistributed by the project. On first use ``summarizer eval`` (or
``summarizer data polnear``) downloads the public repository's archive at a pinned
commit, resuming a partial download with HTTP Range, extracts it into a temporary
folder beside the destination, checks every text the eval cases read against the
sha256 recorded in :data:`TEXTS`, and only then renames the folder into place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.errors import EndpointError, InputError

if TYPE_CHECKING:
    import httpx
    from rich.progress import Progress, TaskID

REPOSITORY = "networkdynamics/PolNeAR"
COMMIT = "c3eee833c035bf7b8c84f55b58c0bf7346cfae76"
DEFAULT_URL = f"https://codeload.github.com/{REPOSITORY}/tar.gz/{COMMIT}"
ENV_URL = "SUMMARIZER_POLNEAR_URL"

#: sha256 of the archive GitHub serves at DEFAULT_URL. Not measured yet (the machine
#: this was written on reaches no internet host): fill it in when measured, e.g. with
#: ``curl -L DEFAULT_URL | sha256sum``. Until then the texts below are what is checked.
ARCHIVE_SHA256: str | None = None

#: Every PolNeAR text an eval case in evals/cases reads (path under the corpus root),
#: with its sha256, measured from ../shared/polnear (commit above) with ``sha256sum``.
#: A case added on another PolNeAR article needs its line here.
TEXTS: dict[str, str] = {
    "data/dev/text/breitbart_2016-09-12_stealth-over-health-hillary-clin.txt":
        "5d2a9bb19a60faa1061912347fb9d667e6cacc0704a57cffbbb0eacdd2d36176",
    "data/dev/text/huff-post_2016-09-20_hillary-clinton-speaks-directly-.txt":
        "1e2036b24c9fb7b26d6aae2e045b10b171a7890bdabd79c73654d67c2fc792fb",
    "data/dev/text/nyt_2016-09-12_visa-program-up-for-renewal-amid.txt":
        "1068df5f3197d9f36baea0408399f7c3ecdfb4dc3e6113f6022095fb618b49c8",
    "data/dev/text/politico_2016-09-23_partisan-fireworks-over-clinton-.txt":
        "9221cf1e3996b5a816c703de357eae0ca6763de1e28040fd5c4de8c5597722f8",
    "data/dev/text/usa-today_2016-09-08_lawmaker-urges-retaliation-on-ru.txt":
        "01876ea2b5b81a4403fdef9c151ebe8f6f1ba622bd1ea838da0d3641777ca5e8",
    "data/dev/text/wash-post_2016-09-16_burma-leader-s-visit-to-washingt.txt":
        "7b968c5b8aeabd7a327594081d0e76d2f440d22bb543617661885642b5c52d49",
    "data/dev/text/west-journal_2016-09-28_clinton-campaign-reportedly-scra.txt":
        "38554a43f7262d6973c595ed7f6acd61697671305303b224829a51aa72f74b11",
    "data/train/text/breitbart_2016-04-01_hillary-clinton-gets-testy-on-ca.txt":
        "88e5b7b9dc8f9ca024e269f20ef603130b387687171736a8efba8c9b94e40da7",
    "data/train/text/huff-post_2016-08-29_anthony-weiner-reportedly-caught.txt":
        "08c6c8d04d5b767ea633b7f1b8c943c713b77eb1fc6fe4447998bcea518edf17",
    "data/train/text/nyt_2015-12-29_u-s-commandos-take-on-larger-rol.txt":
        "d56cd991bd5554615879d4c52ad79063c15d890902978a5af792cc5573325239",
    "data/train/text/politico_2016-04-17_rnc-rules-clash-erupts.txt":
        "4cedcc9126d2f0abb249992a6b918b0cc96e0d45e41c7772ed9cd251007f8e30",
    "data/train/text/usa-today_2016-01-04_bernie-sanders-raises-m-is-withi.txt":
        "ab39d9b6e7c66246890ee535b3b544818d9bff308097bb947f0b2aa38d2f71c3",
    "data/train/text/wash-post_2016-01-13_democratic-tensions-escalate-ove.txt":
        "a824c93b7aef6d28a8b54c4862a7934fcdaa171c32ba6d023929c7f1248a926a",
    "data/train/text/west-journal_2016-01-12_bombshell-the-fbi-just-gave-hill.txt":
        "4a6a4a15eeefe62b0010e685aef2e70b5d7b5434b30f28a91351fe93855f7834",
}

ATTEMPTS = 3  # a dropped connection is resumed from where it stopped, this many times in all
CHUNK = 64 * 1024


class CorpusError(EndpointError):
    """The corpus could not be downloaded or did not check out (exit 3)."""


def cache_root() -> Path:
    """Where the corpus is kept: ``$XDG_CACHE_HOME`` (else ~/.cache)/summarizer/polnear/<commit>."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer" / "polnear" / COMMIT


def download_url() -> str:
    """The archive's URL: ``$SUMMARIZER_POLNEAR_URL``, else GitHub's at the pinned commit."""
    return os.environ.get(ENV_URL) or DEFAULT_URL


def is_complete(root: Path, texts: dict[str, str] | None = None) -> bool:
    """True when every text the eval set needs (``texts``, default :data:`TEXTS`) is under
    ``root``."""
    needed = TEXTS if texts is None else texts
    return root.is_dir() and all((root / name).is_file() for name in needed)


def fetch_corpus(
    dest: Path,
    url: str,
    *,
    texts: dict[str, str] | None = None,
    archive_sha256: str | None = None,
    progress: bool = True,
) -> bool:
    """Download the archive at ``url`` and install it as ``dest``, unless already there.

    ``texts`` (path -> sha256, default :data:`TEXTS`) must all be in the archive with
    those sums; ``archive_sha256`` (default :data:`ARCHIVE_SHA256`) is checked when set.

    Returns False when ``dest`` already held the corpus, True when it was installed.
    Raises CorpusError (one line saying what to download and where to put it) on any
    failure; ``dest`` is then left as it was, and a partial download is kept for resuming.
    """
    texts = TEXTS if texts is None else texts
    if is_complete(dest, texts):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest.parent / f"{dest.name}.lock"):  # one download at a time per destination
        if is_complete(dest, texts):  # another process finished it meanwhile
            return False
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise InputError(f"{dest} exists and is not a complete PolNeAR copy: move it "
                             "away or choose another destination")
        part = dest.parent / f"{dest.name}.tar.gz.part"
        try:
            _download(url, part, progress)
            expected = archive_sha256 or ARCHIVE_SHA256
            if expected and _sha256(part) != expected:
                part.unlink()
                raise CorpusError(f"the archive's sha256 is not {expected}")
            _install(part, dest, texts)
        except CorpusError as error:
            raise CorpusError(f"{error}. {manual_steps(url, dest)}") from None
        part.unlink()
    return True


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (a no-op where fcntl is missing); the file stays."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def manual_steps(url: str, dest: Path) -> str:
    """What a user without network access can do instead."""
    return (f"Download {url} by hand and extract it into {dest}: mkdir -p {dest} && "
            f"tar -xzf ARCHIVE -C {dest} --strip-components=1 (then "
            f"{dest / 'data' / 'dev' / 'text'} holds .txt files); or give --polnear PATH "
            "or set SUMMARIZER_POLNEAR")


# --------------------------------------------------------------------------- #
# Downloading, resumably
# --------------------------------------------------------------------------- #


def _download(url: str, part: Path, show: bool) -> None:
    import httpx

    reason = ""
    with _bar(show) as (bar, task):
        for _ in range(ATTEMPTS):
            try:
                with httpx.Client(follow_redirects=True, timeout=httpx.Timeout(30.0)) as client:
                    if _get(client, url, part, bar, task):
                        return
                    reason = "the server sent fewer bytes than it announced"
            except httpx.HTTPError as error:
                reason = str(error) or type(error).__name__
    got = part.stat().st_size if part.exists() else 0
    kept = f"; {got} bytes kept in {part}: run again to resume" if got else ""
    raise CorpusError(f"cannot download the PolNeAR corpus from {url} ({reason}{kept})")


def _get(client: httpx.Client, url: str, part: Path, bar: Progress | None,
         task: TaskID | None) -> bool:
    """One request, appending to ``part`` from where it stops. True when the body is whole."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 416 and have:  # the partial file is not of this archive
            part.unlink()
            return False
        if response.status_code not in (200, 206):
            raise CorpusError(f"cannot download the PolNeAR corpus from {url} "
                              f"(HTTP {response.status_code})")
        resumed = response.status_code == 206
        if resumed and _range_start(response) != have:  # not the piece asked for: start over
            part.unlink()
            return False
        start = have if resumed else 0
        length = response.headers.get("content-length")
        total = start + int(length) if length and length.isdigit() else None
        if bar is not None and task is not None:
            bar.update(task, total=total, completed=start)
        with part.open("ab" if resumed else "wb") as out:
            for chunk in response.iter_raw():  # the bytes as sent: Range counts those
                out.write(chunk)
                if bar is not None and task is not None:
                    bar.advance(task, len(chunk))
    return total is None or part.stat().st_size == total


def _range_start(response: httpx.Response) -> int | None:
    # "Content-Range: bytes 100-199/200" -> 100
    value = response.headers.get("content-range", "")
    first = value.removeprefix("bytes ").partition("-")[0]
    return int(first) if first.isdigit() else None


@contextmanager
def _bar(show: bool) -> Iterator[tuple[Progress | None, TaskID | None]]:
    """A progress bar on stderr, when ``show`` and stderr is a terminal (gone when done)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not (show and console.is_terminal):
        yield None, None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn("PolNeAR"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield bar, bar.add_task("download", total=None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- #
# Installing: extract beside the destination, check, rename
# --------------------------------------------------------------------------- #


def _install(archive: Path, dest: Path, texts: dict[str, str]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        root = _extract(archive, scratch)
        bad = _check_texts(root, texts)
        if bad:
            archive.unlink()  # a wrong archive is not worth resuming
            raise CorpusError(f"the downloaded archive does not hold the expected texts "
                              f"({bad})")
        if dest.is_dir():
            dest.rmdir()  # empty, checked by the caller
        root.rename(dest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _extract(archive: Path, into: Path) -> Path:
    """Extract the archive's regular files; return its one top-level folder."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, members=list(_plain_files(tar)), filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        archive.unlink()
        raise CorpusError(f"the downloaded file is not a complete tar.gz archive "
                          f"({error})") from None
    tops = [p for p in into.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise CorpusError("the archive does not have one top-level folder")
    return tops[0]


def _plain_files(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in tar:
        parts = Path(member.name).parts
        if (member.isfile() or member.isdir()) and ".." not in parts \
                and not Path(member.name).is_absolute():
            yield member


def _check_texts(root: Path, texts: dict[str, str]) -> str:
    """'' when every text is there with its sha256, else what is wrong (first few)."""
    wrong = []
    for name, expected in texts.items():
        path = root / name
        if not path.is_file():
            wrong.append(f"{name} missing")
        elif _sha256(path) != expected:
            wrong.append(f"{name} has a different sha256")
    more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
    return "; ".join(wrong[:3]) + more
