"""Reading an article: bytes to text (UTF-8, UTF-16 with a BOM) and one clear line for
everything else. In-process, so each rule is seen directly (the CLI's exit codes and
messages end to end are in test_bad_input.py)."""

from __future__ import annotations

import io
import sys
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
