"""Output files are written atomically: a write that fails midway leaves the old file whole.

No tmpfs needed: the failure comes from a file-size limit (RLIMIT_FSIZE, in a child
process, so the kernel itself refuses the bytes past it), or from the step that fails
being made to raise. Only regular files are covered here; FIFOs, devices and links
are written through (see write_atomic's docstring).
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.inputs import files
from summarizer.inputs.files import write_atomic

OLD = '{"brief": "the old one, which must survive"}\n'
NEW = "x" * 50_000  # far past the size limit below


def leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def write_under_size_limit(path: Path, limit: int) -> subprocess.CompletedProcess[str]:
    """``write_atomic(path, NEW)`` in a child process that may write ``limit`` bytes a file."""
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from pathlib import Path
        from summarizer.errors import InputError
        from summarizer.inputs.files import write_atomic
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, resource.RLIM_INFINITY))
        try:
            write_atomic(Path({str(path)!r}), "x" * {len(NEW)})
        except InputError as error:
            print(error, file=sys.stderr)
            sys.exit(2)
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=path.parent, timeout=60)  # fmt: skip


def test_a_write_cut_off_by_the_kernel_leaves_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    path.write_text(OLD, encoding="utf-8")
    done = write_under_size_limit(path, limit=4096)

    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"{path}: cannot write (File too large)"
    assert path.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path, "brief.json") == []  # no temporary file left behind


def test_a_write_cut_off_on_a_new_name_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    done = write_under_size_limit(path, limit=4096)
    assert done.returncode == 2, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_old_file_is_untouched_until_the_new_one_is_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a reader sees while the new text is being flushed: still the old file."""
    path = tmp_path / "brief.json"
    path.write_text(OLD, encoding="utf-8")
    seen: list[str] = []
    real_fsync = os.fsync

    def watching_fsync(fd: int) -> None:
        seen.append(path.read_text(encoding="utf-8"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watching_fsync)
    write_atomic(path, "new text\n")

    assert seen == [OLD]  # the new bytes were synced before the name moved to them
    assert path.read_text(encoding="utf-8") == "new text\n"
    assert leftovers(tmp_path, "brief.json") == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failing_step_keeps_the_old_file_and_removes_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "brief.json"
    path.write_text(OLD, encoding="utf-8")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, full)
    with pytest.raises(InputError) as caught:
        write_atomic(path, NEW)

    assert str(caught.value) == (
        f"{path}: cannot write (No space left on device); free some space, then rerun"
    )
    assert path.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path, "brief.json") == []


def test_the_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    path.write_text(OLD, encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text(encoding="utf-8") == "new\n"


def test_a_new_file_gets_the_mode_open_would_give(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "brief.json"  # the folder is made too
    write_atomic(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~files.UMASK
    assert path.read_text(encoding="utf-8") == "new\n"


def test_the_temporary_file_is_hidden_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside it, so the rename never crosses a file system; hidden, and named after it."""
    path = tmp_path / "brief.json"
    moved: list[tuple[str, str]] = []
    real_replace = os.replace

    def recording_replace(src: str, dst: str) -> None:
        moved.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    write_atomic(path, "new\n")
    [(temporary, target)] = moved
    assert Path(target) == path
    assert Path(temporary).parent == tmp_path
    assert Path(temporary).name.startswith(".brief.json.") and temporary.endswith(".tmp")


def test_missing_folders_are_made(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "brief.json"
    write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"


@pytest.mark.allowed_skip("only root may give a file to another owner; CI runs as root")
@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_the_replaced_file_keeps_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    path.write_text(OLD, encoding="utf-8")
    os.chown(path, 4321, 4322)
    write_atomic(path, "new\n")
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)
