"""Batch under faults: kill -9 midway, a full disk, two runs on one folder at once.

Each runs the ``summarizer batch`` command in a subprocess with the fake engine
(fake_cli.py): batch is tested here, not an engine. After every fault: each
output present is complete, valid and grounded; nothing partial carries a final
name; a rerun completes the rest without redoing any.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llm_cases import ARTICLE
from optional_deps import unavailable

from summarizer.batch.run import REPORT_NAME
from summarizer.schema import ArticleBrief


def write_articles(folder: Path, count: int, padding: int = 0) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for n in range(count):
        extra = "Residents said the bridge matters to them. " * padding
        text = f"{ARTICLE}\nThe council will meet again in {n + 2} weeks, officials said. {extra}"
        (folder / f"a{n:02d}.txt").write_text(text, encoding="utf-8")
        ids.append(f"a{n:02d}")
    return ids


TESTS = Path(__file__).resolve().parents[1]
FAKE_CLI = Path(__file__).resolve().parent / "fake_cli.py"


def batch_args(source: Path, out: Path, cache: Path | None = None) -> list[str]:
    cache_args = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    return [sys.executable, str(FAKE_CLI), "batch", str(source), "--out", str(out),
            "--engine", "offline", "--processes", "1", *cache_args]  # fmt: skip


def clean_env(seconds_per_article: float = 0.0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return {**env, "COLUMNS": "200",  # one table row per failure, for reading the summary
            "PYTHONPATH": str(TESTS), "FAKE_SECONDS": str(seconds_per_article)}  # fmt: skip


def run_batch(
    source: Path, out: Path, cache: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(batch_args(source, out, cache), capture_output=True, text=True,
                          env=clean_env(), timeout=600)  # fmt: skip


def finished(out: Path) -> dict[str, dict[str, Any]]:
    """Every output named as finished, checked complete, valid and grounded; by id."""
    records = {}
    for path in sorted(out.glob("*.json")):
        if path.name == REPORT_NAME:
            continue
        record = json.loads(path.read_text(encoding="utf-8"))  # a partial file fails here
        brief = ArticleBrief.model_validate(record["brief"])
        assert brief.ungrounded(record["article"]["text"]) == []
        assert record["article"]["id"] == path.stem
        records[path.stem] = record
    return records


def report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    return data


def snapshot(out: Path, ids: list[str]) -> dict[str, tuple[int, bytes]]:
    return {i: ((out / f"{i}.json").stat().st_mtime_ns, (out / f"{i}.json").read_bytes())
            for i in ids}  # fmt: skip


def assert_clean_summary(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "Batch summary" in result.stderr


# --------------------------------------------------------------------------- #
# kill -9 in the middle
# --------------------------------------------------------------------------- #


def test_kill_9_midway_loses_nothing_finished_and_a_rerun_completes_the_rest(
    tmp_path: Path,
) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    ids = write_articles(source, 30)
    process = subprocess.Popen(batch_args(source, out), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=clean_env(0.1),
                               start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while len(list(out.glob("a*.json"))) < 3 and time.monotonic() < deadline:
            assert process.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the command and any worker processes
        process.wait()
    assert process.returncode == -signal.SIGKILL

    done_before = finished(out)
    assert 3 <= len(done_before) < len(ids), "the kill must land midway"
    before = snapshot(out, list(done_before))

    rerun = run_batch(source, out)
    assert rerun.returncode == 0, rerun.stderr
    assert_clean_summary(rerun)
    assert sorted(finished(out)) == ids
    assert snapshot(out, list(done_before)) == before  # finished ones not redone nor rewritten
    counts = report(out)["counts"]
    assert counts == {"done": len(ids) - len(done_before), "empty": 0, "cached": 0,
                      "skipped": len(done_before), "failed": 0}  # fmt: skip


# --------------------------------------------------------------------------- #
# Disk full
# --------------------------------------------------------------------------- #


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 200 KB tmpfs; skipped, with the reason, where mounting is not permitted, or a
    failure under SUMMARIZER_REQUIRE_TMPFS=1 (CI, which runs as root). Atomic writes
    are also shown without a mount, in tests/inputs/test_atomic_write.py."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        unavailable("TMPFS", f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_full_disk_fails_each_article_clearly_and_a_rerun_completes(
    tmp_path: Path, small_disk: Path
) -> None:
    source, out = tmp_path / "in", small_disk / "out"
    ids = write_articles(source, 40, padding=150)  # two pages a record: the disk fills

    full = run_batch(source, out)
    assert full.returncode == 1
    assert_clean_summary(full)
    assert full.stderr.rstrip().splitlines()[-1] == (
        f"summarizer: error: {out / REPORT_NAME}: cannot write (No space left on device); "
        "free some space, then rerun"
    )
    written = finished(out)
    assert 0 < len(written) < len(ids)
    failures = full.stderr[full.stderr.index("Failed articles"):]
    assert all(f"│ {i} " in failures for i in ids if i not in written)  # each listed
    assert sorted(p.name for p in out.iterdir() if p.suffix != ".json") == []  # no temp files
    before = snapshot(out, list(written))

    grown = subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=False)
    assert grown.returncode == 0
    rerun = run_batch(source, out)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(finished(out)) == ids
    assert snapshot(out, list(written)) == before
    assert report(out)["counts"]["skipped"] == len(written)


# --------------------------------------------------------------------------- #
# Two runs on the same output folder at once
# --------------------------------------------------------------------------- #


def test_two_runs_on_one_folder_at_once_both_finish_with_valid_outputs(tmp_path: Path) -> None:
    source, out, cache = tmp_path / "in", tmp_path / "out", tmp_path / "cache"
    ids = write_articles(source, 12)
    runs = [
        subprocess.Popen(batch_args(source, out, cache), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=clean_env(0.02))
        for _ in range(2)
    ]  # fmt: skip
    results = [run.communicate(timeout=600) for run in runs]

    for run, (_, stderr) in zip(runs, results, strict=True):
        assert run.returncode == 0, stderr
        assert "Traceback" not in stderr
    assert sorted(finished(out)) == ids
    assert report(out)["counts"]["failed"] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{i}.json" for i in ids),
                                                             REPORT_NAME])  # fmt: skip
    again = run_batch(source, out, cache)
    assert again.returncode == 0
    assert report(out)["counts"]["skipped"] == len(ids)


def _open_cache(folder: str) -> str:
    from summarizer.batch.cache import BriefCache

    try:
        BriefCache(Path(folder)).close()
    except Exception as error:  # reported back to the test as text
        return str(error)
    return "ok"


def test_runs_opening_one_new_cache_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    import multiprocessing

    folders = [str(tmp_path / f"cache{n}") for n in range(15)]
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = [pool.map(_open_cache, [folder] * 4) for folder in folders]
    assert all(r == ["ok"] * 4 for r in results), results


def test_a_locked_cache_loses_no_work(tmp_path: Path) -> None:
    import sqlite3

    from summarizer.batch.cache import BriefCache, CacheKey

    cache = BriefCache(tmp_path, lock_timeout=0.1)
    key = CacheKey("sha", "offline", "", "v1")
    other = sqlite3.connect(cache.path)
    other.execute("BEGIN EXCLUSIVE")
    cache.put(key, '{"summary": "kept elsewhere"}')  # must not raise while locked
    other.rollback()
    other.close()
    assert cache.get(key) is None
    cache.put(key, '{"summary": "stored"}')
    assert cache.get(key) == '{"summary": "stored"}'
