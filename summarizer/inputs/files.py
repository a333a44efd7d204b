"""Reading articles and writing results without losing anything the user gave."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
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
    return decode(*read_bytes(path))


def read_bytes(path: str) -> tuple[bytes, str]:
    """The bytes of the file at ``path`` (or stdin for '-'), at most 20 MB, and its name."""
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
    return data, name


STDOUT = "-"  # ``-o -``: the output goes to stdout
# Paths that name one of this process's open descriptors: written to that descriptor, so
# that ``-o /dev/stdout >> log`` appends as the shell set it up instead of replacing ``log``.
_DESCRIPTOR = re.compile(
    r"^/dev/(?:std(in|out|err)|fd/(\d+))$|^/proc/(?:self|thread-self)/fd/(\d+)$"
)
_STD_FDS = {"in": 0, "out": 1, "err": 2}


def check_output_path(output: Path | None, input_path: str) -> None:
    """Refuse to write over the article itself (by its path or through stdin) or into a folder."""
    if output is None or str(output) == STDOUT or is_url(input_path):
        return
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give a file name for --output")
    if _same_file(output, input_path):
        raise InputError(f"{output}: is the input article; choose another --output")


def _same_file(output: Path, input_path: str) -> bool:
    """True when ``output`` is the regular file the article is read from (any link to it)."""
    try:
        written = os.stat(output)
        if not stat.S_ISREG(written.st_mode):  # a terminal on both ends is no overwrite
            return False
        read = os.fstat(sys.stdin.fileno()) if input_path == "-" else os.stat(input_path)
    except (OSError, ValueError, AttributeError):  # no such file; stdin closed or not a file
        return False
    return (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that it is either all there or not changed at all.

    A regular file (or a new name) is replaced through a temporary file in the same folder,
    fsync and rename, keeping the old file's permissions. A symbolic link is followed: its
    target is replaced, the link kept. What is not a regular file is written through, as a
    shell's ``>`` would: a FIFO, a terminal, /dev/null, or an open descriptor
    (/dev/stdout, /dev/fd/N). A folder, a block device or a socket is refused.
    """
    try:
        fd = _descriptor(path)
        if fd is not None:
            _write_fd(fd, text)
            return
        target = _target(path)
        if target is None:
            _write_through(path, text)
        else:
            _replace(target, text)
    except OSError as error:
        hint = "; free some space, then rerun" if error.errno == errno.ENOSPC else ""
        raise InputError(f"{path}: cannot write ({error.strerror}){hint}") from None


def _descriptor(path: Path) -> int | None:
    """The descriptor of this process that ``path`` (or a link on the way) names, if any."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        match = _DESCRIPTOR.match(current)
        if match:
            std, dev_fd, proc_fd = match.groups()
            return _STD_FDS[std] if std else int(dev_fd or proc_fd)
        if not os.path.islink(current):
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return None


def _target(path: Path) -> Path | None:
    """Where a rename-over write goes (a link's target), or None to write through."""
    try:
        mode = os.stat(path).st_mode  # follows links
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a folder; give a file name")
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return None
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(f"{path}: is a device or socket, not a file; refusing to write to it")
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _write_fd(fd: int, text: str) -> None:
    for stream in (sys.stdout, sys.stderr):  # what was printed before goes first
        if stream is not None:
            stream.flush()
    with os.fdopen(os.dup(fd), "w", encoding="utf-8") as handle:
        handle.write(text)


def _write_through(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:  # a FIFO waits here for its reader
        handle.write(text)


def _replace(path: Path, text: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes 0600: keep the replaced file's mode, or give what open() would
        os.chmod(tmp, old.st_mode & 0o777 if old else 0o666 & ~UMASK)
        if old and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(text: str, output: Path | None) -> None:
    """``text`` to ``output`` (see :func:`write_atomic`), or to stdout when none or '-'."""
    if output is None or str(output) == STDOUT:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
