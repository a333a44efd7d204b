"""Reading an article: bytes to text (UTF-8, UTF-16 with a BOM) and one clear line for
everything else. In-process, so each rule is seen directly (the CLI's exit codes and
messages end to end are in test_bad_input.py)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.inputs.files import MAX_BYTES, decode, read_bytes, read_text


def test_utf8_with_or_without_a_bom() -> None:
    assert decode("Café opens.".encode(), "a.txt") == "Café opens."
    assert decode(b"\xef\xbb\xbfCaf\xc3\xa9", "a.txt") == "Café"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_its_bom(encoding: str) -> None:
    bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
    assert decode(bom + "Café opens.".encode(encoding), "a.txt") == "Café opens."


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfeh\x00i", "a.txt: not valid UTF-16 text (truncated data)"),
    (b"PK\x03\x04\x00\x00binary", "a.txt: looks like a binary file, not text"),
    (b"ok \xe9t\xe9", "a.txt: not valid UTF-8 (byte 3); convert it to UTF-8 first"),
    (b" \n\t ", "a.txt: the article is empty"),
])  # fmt: skip
def test_bad_bytes_are_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(data, "a.txt")
    assert str(caught.value) == message


def test_only_the_first_8_kib_are_checked_for_nul_bytes() -> None:
    late = b"a" * 8192 + b"\x00 and text"
    assert decode(late, "a.txt").startswith("a" * 8192)
    with pytest.raises(InputError, match="binary"):
        decode(b"a" * 8191 + b"\x00", "a.txt")


def test_a_file_is_read_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Café".encode())
    assert read_bytes(str(path)) == ("Café".encode(), str(path))
    assert read_text(str(path)) == "Café"


def test_missing_folder_and_too_large_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        read_bytes(str(tmp_path / "nope.txt"))
    assert str(missing.value) == f"{tmp_path / 'nope.txt'}: no such file"
    with pytest.raises(InputError) as folder:
        read_bytes(str(tmp_path))
    assert str(folder.value) == f"{tmp_path}: is a folder, not a file"
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(InputError) as large:
        read_bytes(str(big))
    assert str(large.value) == f"{big}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it first"
    exactly = tmp_path / "exact.txt"
    exactly.write_bytes(b"a" * MAX_BYTES)
    assert len(read_bytes(str(exactly))[0]) == MAX_BYTES


def test_stdin_is_read_as_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Café".encode())))
    assert read_bytes("-") == ("Café".encode(), "stdin")
    closed = io.TextIOWrapper(io.BytesIO(b""))
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    with pytest.raises(InputError) as caught:
        read_bytes("-")
    assert str(caught.value) == "stdin is closed: give a file path or pipe an article in"
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="stdin is closed"):
        read_bytes("-")


@contextmanager
def held_open(target: int | Path) -> Iterator[threading.Event]:
    """A writer gives ``target`` (a pipe's write end, or a FIFO) the limit and one byte,
    then holds it open until the block ends (30 s at most). The event is set as the writer
    closes it."""
    closed, release = threading.Event(), threading.Event()

    def write() -> None:
        with open(target, "wb") as pipe:  # a FIFO waits here for its reader
            with contextlib.suppress(BrokenPipeError):
                pipe.write(b"a" * (MAX_BYTES + 1))
                pipe.flush()
            release.wait(timeout=30)
            closed.set()  # before the close, so a reader that sees the end sees it set

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield closed
    finally:
        release.set()
        writer.join(timeout=30)


def test_a_stdin_past_the_limit_is_refused_without_reading_to_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the limit and one byte are read: an endless stdin cannot fill the memory."""
    read_end, write_end = os.pipe()
    with open(read_end, encoding="utf-8") as stdin, held_open(write_end) as closed:
        monkeypatch.setattr(sys, "stdin", stdin)
        with pytest.raises(InputError) as caught:
            read_bytes("-")
        assert not closed.is_set()  # refused while the stream was still open
    assert str(caught.value) == "stdin: larger than 20 MB; split it first"


def test_a_fifo_past_the_limit_is_refused_without_reading_to_its_end(tmp_path: Path) -> None:
    """As ``summarize <(endless)``: a named pipe is read like stdin, up to the limit."""
    fifo = tmp_path / "article"
    os.mkfifo(fifo)
    with held_open(fifo) as closed:
        with pytest.raises(InputError) as caught:
            read_bytes(str(fifo))
        assert not closed.is_set()
    assert str(caught.value) == f"{fifo}: larger than 20 MB; split it first"


def test_stdin_of_exactly_the_limit_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"a" * MAX_BYTES))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert len(read_bytes("-")[0]) == MAX_BYTES
