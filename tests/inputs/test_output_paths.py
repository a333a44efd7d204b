"""Where ``-o`` writes, seen in-process: the descriptor a path names, what a write
replaces or writes through, and when the output would be the article itself.

The same rules end to end (the real command in a subprocess) are in
test_output_safety.py; here each function is called directly, on real files, links,
FIFOs, sockets and /dev/null, so a slip in one rule fails a test of that rule.
"""

from __future__ import annotations

import errno
import io
import os
import socket
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from locales import ascii_locale

from summarizer.errors import InputError
from summarizer.inputs import files
from summarizer.inputs.files import check_output_path, read_bytes, write_atomic, write_output

ARTICLE = "Officials said the bridge will reopen in May.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def appended(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A log file open for appending (as ``>> log``), and its descriptor."""
    log = tmp_path / "log.txt"
    log.write_text("earlier\n", encoding="utf-8")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        yield log, fd
    finally:
        os.close(fd)


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        yield path
    finally:
        server.close()


def refused(output: Path, input_path: str) -> str:
    with pytest.raises(InputError) as caught:
        check_output_path(output, input_path)
    return str(caught.value)


# --------------------------------------------------------------------------- #
# The descriptor a path names
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(("path", "fd"), [
    ("/dev/stdin", 0), ("/dev/stdout", 1), ("/dev/stderr", 2), ("/dev/fd/7", 7),
    ("/proc/self/fd/12", 12), ("/proc/thread-self/fd/3", 3),
])  # fmt: skip
def test_descriptor_paths_name_their_descriptor(path: str, fd: int) -> None:
    assert files._descriptor(Path(path)) == fd


@pytest.mark.parametrize("path", ["/dev/null", "/dev/fd/", "/dev/stdout2",
                                  "/dev/fd/x", "/tmp/dev/stdout"])  # fmt: skip
def test_other_paths_name_no_descriptor(path: str) -> None:
    assert files._descriptor(Path(path)) is None


def test_a_regular_file_or_a_new_name_names_no_descriptor(article: Path, tmp_path: Path) -> None:
    assert files._descriptor(article) is None
    assert files._descriptor(tmp_path / "new.json") is None


def test_links_to_a_descriptor_are_followed(tmp_path: Path) -> None:
    (tmp_path / "out").symlink_to("/dev/stderr")
    assert files._descriptor(tmp_path / "out") == 2
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "relative").symlink_to("../out")  # a chain, the first link relative to its folder
    assert files._descriptor(sub / "relative") == 2


def test_a_link_is_resolved_by_its_written_path_not_the_kernel_s(
    appended: tuple[Path, int], tmp_path: Path
) -> None:
    """``/dev/fd/../fd/N`` is /dev/fd/N, by name; the kernel would go through the /dev/fd
    link to the open file, which would then be replaced instead of appended to."""
    _, fd = appended
    (tmp_path / "out").symlink_to(f"/dev/fd/../fd/{fd}")
    assert files._descriptor(tmp_path / "out") == fd


def test_a_link_loop_names_no_descriptor(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    assert files._descriptor(tmp_path / "a") is None


def test_a_chain_of_links_the_kernel_would_not_follow_is_refused(
    appended: tuple[Path, int], tmp_path: Path
) -> None:
    """40 links to /dev/fd/N: the kernel stops at 40 (ELOOP), and so does the search for a
    descriptor; the path is then refused as the shell's ``>`` would refuse it."""
    log, fd = appended
    (tmp_path / "link40").symlink_to(f"/dev/fd/{fd}")
    for n in range(39, 0, -1):
        (tmp_path / f"link{n}").symlink_to(f"link{n + 1}")
    assert files._descriptor(tmp_path / "link2") == fd  # 39 links: found
    with pytest.raises(InputError, match=os.strerror(errno.ELOOP)):
        write_atomic(tmp_path / "link1", "brief\n")
    assert log.read_text(encoding="utf-8") == "earlier\n"


def test_a_relative_path_is_taken_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").symlink_to("/dev/fd/9")
    monkeypatch.chdir(tmp_path)
    assert files._descriptor(Path("out")) == 9


# --------------------------------------------------------------------------- #
# Writing to a descriptor: appended where the shell set it up, after what was printed
# --------------------------------------------------------------------------- #


def test_a_descriptor_is_appended_to_and_stays_open(appended: tuple[Path, int]) -> None:
    log, fd = appended
    write_atomic(Path(f"/dev/fd/{fd}"), "Café\n")
    write_atomic(Path(f"/proc/self/fd/{fd}"), "again\n")
    assert log.read_bytes() == "earlier\nCafé\nagain\n".encode()
    assert [p.name for p in log.parent.iterdir()] == ["log.txt"]  # no temporary file


@pytest.mark.parametrize("name", ["stdout", "stderr"])
def test_what_was_printed_before_goes_first(
    appended: tuple[Path, int], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """``-o /dev/stdout``: what the program printed on the same descriptor comes first."""
    log, fd = appended
    with open(fd, "w", encoding="utf-8", closefd=False) as stream:
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        monkeypatch.setattr(sys, name, stream)
        print("printed first", file=stream)  # buffered: not in the file yet
        write_atomic(Path(f"/dev/fd/{fd}"), "brief\n")
    assert log.read_text(encoding="utf-8") == "earlier\nprinted first\nbrief\n"


def test_a_missing_stdout_or_stderr_is_skipped(
    appended: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    log, fd = appended
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    write_atomic(Path(f"/dev/fd/{fd}"), "brief\n")
    assert log.read_text(encoding="utf-8") == "earlier\nbrief\n"


def test_a_closed_descriptor_is_one_line(tmp_path: Path) -> None:
    fd = os.open(tmp_path, os.O_RDONLY)
    os.close(fd)  # now names nothing
    with pytest.raises(InputError) as caught:
        write_atomic(Path(f"/dev/fd/{fd}"), "x")
    assert str(caught.value) == f"/dev/fd/{fd}: cannot write ({os.strerror(errno.EBADF)})"


# --------------------------------------------------------------------------- #
# What a write replaces, writes through or refuses
# --------------------------------------------------------------------------- #


def test_a_regular_file_or_new_name_is_replaced_in_place(article: Path, tmp_path: Path) -> None:
    assert files._target(article) == article
    assert files._target(tmp_path / "new.json") == tmp_path / "new.json"


def test_a_link_is_replaced_at_its_target(article: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to("article.txt")
    (tmp_path / "dangling").symlink_to("missing.json")
    assert files._target(tmp_path / "link") == article
    assert files._target(tmp_path / "dangling") == tmp_path / "missing.json"


def test_a_fifo_or_a_character_device_is_written_through(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert files._target(tmp_path / "pipe") is None
    assert files._target(Path("/dev/null")) is None
    (tmp_path / "null").symlink_to("/dev/null")
    assert files._target(tmp_path / "null") is None


def test_dev_null_is_written_and_stays_a_device() -> None:
    write_atomic(Path("/dev/null"), "brief\n")
    write_output("brief\n", Path("/dev/null"))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_atomic(tmp_path, "x")
    assert str(caught.value) == f"{tmp_path}: is a folder; give a file name"


def test_a_socket_is_refused_with_one_line(unix_socket: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_atomic(unix_socket, "x")
    assert str(caught.value) == (
        f"{unix_socket}: is a device or socket, not a file; refusing to write to it"
    )


def test_a_fifo_is_written_through_in_utf8(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    write_atomic(fifo, "Café\n")
    reader.join(timeout=10)
    assert received == ["Café\n".encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.fixture
def c_locale() -> Iterator[None]:
    with ascii_locale():
        yield


@pytest.mark.usefixtures("c_locale")
def test_the_output_is_utf8_whatever_the_locale(appended: tuple[Path, int], tmp_path: Path) -> None:
    log, fd = appended
    write_atomic(Path(f"/dev/fd/{fd}"), "Café\n")
    assert log.read_bytes() == "earlier\nCafé\n".encode()
    write_atomic(tmp_path / "brief.json", "Café\n")
    assert (tmp_path / "brief.json").read_bytes() == "Café\n".encode()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    write_atomic(fifo, "Café\n")
    reader.join(timeout=10)
    assert received == ["Café\n".encode()]


def test_a_name_in_the_working_folder_is_replaced_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic(Path("brief.json"), "first\n")
    write_atomic(Path("brief.json"), "second\n")
    assert (tmp_path / "brief.json").read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.json"]


def test_a_failure_other_than_a_full_disk_has_no_hint(article: Path) -> None:
    inside = article / "brief.json"  # its folder is a file
    with pytest.raises(InputError) as caught:
        write_atomic(inside, "x")
    message = str(caught.value)
    assert message.startswith(f"{inside}: cannot write (")
    assert message.endswith(")") and "free some space" not in message
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_a_folder_link_to_nowhere_is_not_made(tmp_path: Path) -> None:
    """``-o gone/brief.json`` where ``gone`` links to a missing folder: an error, as in the
    shell, and no folder made at the link's far end."""
    (tmp_path / "gone").symlink_to(tmp_path / "missing")
    with pytest.raises(InputError, match=r"^.*gone/brief\.json: cannot write \("):
        write_atomic(tmp_path / "gone" / "brief.json", "x")
    assert not (tmp_path / "missing").exists()


@pytest.mark.allowed_skip("only root may give a file to another owner; CI runs as root")
@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_a_file_owned_by_another_group_keeps_its_group(article: Path) -> None:
    os.chown(article, os.geteuid(), 4322)
    write_atomic(article, "new\n")
    assert (article.stat().st_uid, article.stat().st_gid) == (os.geteuid(), 4322)


@pytest.mark.allowed_skip("only root may become another user; CI runs as root")
@pytest.mark.skipif(os.geteuid() != 0, reason="only root may become another user")
def test_a_user_may_replace_a_file_another_user_owns() -> None:
    """In a shared folder, a user (not root) writes ``-o`` over a file root owns: giving the
    new file to root is refused (EPERM), so it is the user's, and it is written all the same."""
    with tempfile.TemporaryDirectory() as shared:
        Path(shared).chmod(0o777)
        path = Path(shared) / "brief.json"
        write_atomic(path, "old\n")  # root's
        path.chmod(0o666)
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's result is its exit code
            code = 1
            try:
                os.setgid(65534)
                os.setuid(65534)
                write_atomic(path, "new\n")
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert path.read_text(encoding="utf-8") == "new\n"
        assert path.stat().st_uid == 65534


def test_a_write_that_fails_after_the_temporary_file_removes_it(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even when the failure is no OSError (here an interrupt while writing)."""
    real = os.fsync

    def interrupted(fd: int) -> None:
        real(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(article, "new\n")
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert [p.name for p in article.parent.iterdir()] == ["article.txt"]


# --------------------------------------------------------------------------- #
# write_output: stdout for none or '-', else the file
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("output", [None, Path("-")])
def test_no_output_or_dash_is_stdout(
    output: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    write_output("brief\n", output)
    assert capsys.readouterr().out == "brief\n"
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_a_path_output_is_written_not_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_output("brief\n", tmp_path / "brief.json")
    assert (tmp_path / "brief.json").read_text(encoding="utf-8") == "brief\n"
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------- #
# The article is never the output
# --------------------------------------------------------------------------- #


def test_the_article_by_its_path_or_any_link_is_refused(article: Path, tmp_path: Path) -> None:
    (tmp_path / "soft.txt").symlink_to(article)
    os.link(article, tmp_path / "hard.txt")
    for output in (article, tmp_path / "soft.txt", tmp_path / "hard.txt"):
        assert refused(output, str(article)) == (
            f"{output}: is the input article; choose another --output"
        )
    assert refused(article, str(tmp_path / "soft.txt")).endswith(
        "is the input article; choose another --output"
    )


def test_another_file_or_a_new_name_may_be_the_output(article: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(ARTICLE, encoding="utf-8")  # the same text is not the same file
    check_output_path(other, str(article))
    check_output_path(tmp_path / "new.json", str(article))
    check_output_path(article, str(tmp_path / "missing.txt"))
    check_output_path(None, str(article))


def test_a_folder_as_output_is_refused(article: Path, tmp_path: Path) -> None:
    assert refused(tmp_path, str(article)) == (
        f"{tmp_path}: is a folder; give a file name for --output"
    )


def test_a_device_read_and_written_is_no_overwrite() -> None:
    check_output_path(Path("/dev/null"), "/dev/null")


def test_stdin_read_from_the_output_is_refused(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.link(article, tmp_path / "hard.txt")
    with open(article, encoding="utf-8") as stdin:  # as `< article.txt`
        monkeypatch.setattr(sys, "stdin", stdin)
        for output in (article, tmp_path / "hard.txt"):
            assert refused(output, "-") == (
                f"{output}: is the input article; choose another --output"
            )
        other = tmp_path / "other.txt"
        other.write_text(ARTICLE, encoding="utf-8")
        check_output_path(other, "-")


def test_stdin_that_is_closed_or_missing_is_never_the_output(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = open(article, encoding="utf-8")  # noqa: SIM115
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    check_output_path(article, "-")
    monkeypatch.setattr(sys, "stdin", None)
    check_output_path(article, "-")
    monkeypatch.setattr(sys, "stdin", io.StringIO(ARTICLE))  # no descriptor at all
    check_output_path(article, "-")


def test_a_file_named_dash_is_not_checked_against_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o -`` is stdout even where a file named "-" exists and stdin reads from it."""
    monkeypatch.chdir(tmp_path)
    dash = tmp_path / "-"
    dash.write_text(ARTICLE, encoding="utf-8")
    with open(dash, encoding="utf-8") as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        check_output_path(Path("-"), "-")
        assert refused(dash, "-").startswith(f"{dash}: is the input article")


def test_an_article_fetched_from_a_url_is_never_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even where the URL, read as a relative path, names the output file."""
    monkeypatch.chdir(tmp_path)
    local = tmp_path / "https:" / "example.com" / "news"
    local.parent.mkdir(parents=True)
    local.write_text(ARTICLE, encoding="utf-8")
    check_output_path(local, "https://example.com/news")
    assert refused(local, "https:/example.com/news").startswith(f"{local}: is the input")


# --------------------------------------------------------------------------- #
# Reading: a file that exists but cannot be opened
# --------------------------------------------------------------------------- #


def test_a_socket_as_the_article_is_one_line(unix_socket: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_bytes(str(unix_socket))
    assert str(caught.value) == f"{unix_socket}: cannot read (No such device or address)"
