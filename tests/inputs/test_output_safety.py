"""Writing ``-o``: only a regular file is replaced; nothing else at the path is destroyed.

A regular file (or a new name) is replaced atomically; a symbolic link's target is
replaced and the link kept; a FIFO, a device or an open descriptor is written
through; a folder, block device or socket is refused with one line. The article
is never the output, whether named by its path, a hard link, or given on stdin.

Device nodes are made with mknod in the test's folder (as root, as CI runs), so the
machine's own /dev/null and /dev/full are never at risk from the code under test.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from summarizer.cli.schema import schema_json
from summarizer.errors import InputError
from summarizer.inputs.files import UMASK, write_atomic

TESTS = Path(__file__).resolve().parents[1]
FAKE_CLI = TESTS / "batch" / "fake_cli.py"
PYTHONPATH = os.pathsep.join(filter(None, (str(TESTS), os.environ.get("PYTHONPATH"))))
ARTICLE = ("Officials said on Monday that the old bridge will reopen in May. "
           "The mayor said the repairs cost less than planned.\n")  # fmt: skip
NO_SPACE = "cannot write (No space left on device); free some space, then rerun"


def summarizer(*args: str, stdin: int | None = None,
               stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The real command in a subprocess, every engine the fake one (tests/batch/fake_cli.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return subprocess.run([sys.executable, str(FAKE_CLI), *args], stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120,
                          env={**env, "PYTHONPATH": PYTHONPATH})  # fmt: skip


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7) in ``folder``;
    the real one where mknod is not permitted (then the code cannot replace it either)."""
    node = folder / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        with open(node, "rb"):  # a folder mounted nodev refuses to open devices
            pass
    except PermissionError:
        node.unlink(missing_ok=True)
        return Path("/dev") / name
    return node


Reader = tuple[Path, Callable[[], list[bytes]]]


@pytest.fixture
def fifo_reader(tmp_path: Path) -> Iterator[Reader]:
    """A FIFO with a thread reading it to its end, and what gives what the thread read
    (waiting up to 10 s for the writer to close)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:  # waits for a writer
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def read_so_far() -> list[bytes]:
        reader.join(timeout=10)
        return received

    yield fifo, read_so_far
    if reader.is_alive() and stat.S_ISFIFO(os.stat(fifo).st_mode):  # never written: release it
        with open(fifo, "wb"):
            pass


# --------------------------------------------------------------------------- #
# What is at the path is kept
# --------------------------------------------------------------------------- #


def test_a_fifo_is_written_through_to_its_reader(fifo_reader: Reader) -> None:
    fifo, received = fifo_reader
    write_atomic(fifo, "brief\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received() == [b"brief\n"]


def test_the_command_writes_through_a_fifo(fifo_reader: Reader) -> None:
    fifo, received = fifo_reader
    result = summarizer("schema", "-o", str(fifo))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received() == [schema_json().encode()]


def test_a_symlink_is_kept_and_its_target_updated(tmp_path: Path) -> None:
    target = tmp_path / "real" / "brief.json"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.json"]  # no temp left


def test_a_dangling_symlink_gets_its_target_made(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("made.json")
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text(encoding="utf-8") == "new\n"


def test_a_null_device_stays_a_device(tmp_path: Path) -> None:
    null = device(tmp_path, "null", 3)
    result = summarizer("schema", "-o", str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert os.stat(null).st_rdev == os.makedev(1, 3)


def test_a_full_device_is_one_line_and_a_failure(tmp_path: Path) -> None:
    full = device(tmp_path, "full", 7)
    result = summarizer("schema", "-o", str(full))
    assert result.returncode == 2
    assert result.stderr == f"summarizer: error: {full}: {NO_SPACE}\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)
    with pytest.raises(InputError, match="No space left on device"):
        write_atomic(full, "x")


def test_a_block_device_or_socket_is_refused(tmp_path: Path) -> None:
    import socket

    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    targets = [sock_path]
    with contextlib.suppress(PermissionError):  # only root may make a block device
        os.mknod(tmp_path / "disk", stat.S_IFBLK | 0o600, os.makedev(7, 250))  # never opened
        targets.append(tmp_path / "disk")
    try:
        for path in targets:
            with pytest.raises(InputError, match="is a device or socket, not a file"):
                write_atomic(path, "x")
            assert not stat.S_ISREG(os.lstat(path).st_mode)
    finally:
        server.close()


def test_an_open_descriptor_is_written_where_the_shell_set_it_up(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n", encoding="utf-8")
    with open(log, "a", encoding="utf-8") as appending:  # as `>> log.txt`
        result = summarizer("schema", "-o", "/dev/fd/1", stdout=appending.fileno())
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8") == "earlier line\n" + schema_json()


def test_dash_is_stdout(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(FAKE_CLI), "schema", "-o", "-"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": PYTHONPATH})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == schema_json()
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_summarize_dash_output_prints_the_chosen_format(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(FAKE_CLI), "summarize", str(article), "-o", "-", "-f", "markdown"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


def test_replacing_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    private = tmp_path / "private.json"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    write_atomic(private, "new\n")
    assert private.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    fresh = tmp_path / "fresh.json"
    write_atomic(fresh, "x\n")
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o666 & ~UMASK


# --------------------------------------------------------------------------- #
# The article is never the output
# --------------------------------------------------------------------------- #


def test_stdin_redirected_from_the_output_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "v.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with open(article, "rb") as stdin:
        result = summarizer("summarize", "-", "-o", str(article), stdin=stdin.fileno())
    assert result.returncode == 2
    assert result.stderr == (f"summarizer: error: {article}: is the input article; "
                             "choose another --output\n")  # fmt: skip
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_stdin_through_a_symlink_or_hard_link_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "v.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "soft.txt").symlink_to(article)
    os.link(article, tmp_path / "hard.txt")
    for other in ("soft.txt", "hard.txt"):
        with open(article, "rb") as stdin:
            result = summarizer("summarize", "-", "-o", str(tmp_path / other),
                                stdin=stdin.fileno())  # fmt: skip
        assert result.returncode == 2, other
        assert "is the input article" in result.stderr
        result = summarizer("summarize", str(article), "-o", str(tmp_path / other))
        assert result.returncode == 2, other
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert (tmp_path / "soft.txt").is_symlink()


def test_stdin_from_another_file_may_write_an_output(tmp_path: Path) -> None:
    article, output = tmp_path / "v.txt", tmp_path / "brief.json"
    article.write_text(ARTICLE, encoding="utf-8")
    output.write_text("old\n", encoding="utf-8")
    with open(article, "rb") as stdin:
        result = summarizer("summarize", "-", "-o", str(output), stdin=stdin.fileno())
    assert result.returncode == 0, result.stderr
    assert '"claims"' in output.read_text(encoding="utf-8")
    assert article.read_text(encoding="utf-8") == ARTICLE
