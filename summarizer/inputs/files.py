"""Reading articles and writing results without losing anything the user gave."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path

from summarizer.errors import InputError
from summarizer.inputs.web import is_url

MAX_BYTES = 20 * 1024 * 1024


def _read_umask() -> int:
    # Read once at import: os.umask is process-wide, so toggling it later could race threads.
    current = os.umask(0)
    os.umask(current)
    return current


UMASK = _read_umask()


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (a BOM is dropped), or UTF-16 when it has a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name}: not valid UTF-16 text ({error.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {error.start}); convert it to UTF-8 first"
        ) from None
    if not text.strip():
        raise InputError(f"{name}: the article is empty")
    return text


def read_text(path: str) -> str:
    """The text of the file at ``path``, or of stdin for '-': decoded, at most 20 MB."""
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise InputError("stdin is closed: give a file path or pipe an article in")
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "stdin"
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"{path}: no such file")
        if file.is_dir():
            raise InputError(f"{path}: is a folder, not a file")
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror})") from None
        name = path
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it first")
    return decode(data, name)


def check_output_path(output: Path | None, input_path: str) -> None:
    """Refuse to write over the article itself or into a folder."""
    if output is None or is_url(input_path):
        return
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give a file name for --output")
    if input_path != "-" and output.exists() and output.resolve() == Path(input_path).resolve():
        raise InputError(f"{output}: is the input article; choose another --output")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; give what open() would
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as error:
        hint = "; free some space, then rerun" if error.errno == errno.ENOSPC else ""
        raise InputError(f"{path}: cannot write ({error.strerror}){hint}") from None


def write_output(text: str, output: Path | None) -> None:
    """``text`` to ``output`` (atomically), or to stdout when there is none."""
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
