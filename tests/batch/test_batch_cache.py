"""The brief cache on its own: where it lives, opening it, locks, entries that do not hold."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from test_batch import brief_of

from summarizer.batch.cache import BriefCache, CacheKey, default_cache_dir
from summarizer.errors import ConfigError

KEY = CacheKey("sha", "llm", "fake-1", "p1")
TEXT = "Story is told here.\n"


def test_cache_folder_falls_back_to_the_home_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SUMMARIZER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "")  # set but empty: not a place
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "summarizer"
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", "~/mine")
    assert default_cache_dir() == tmp_path / "mine"


def test_cache_makes_its_folder_and_the_folders_above(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path / "a" / "b" / "c")
    assert cache.path == tmp_path / "a" / "b" / "c" / "briefs.sqlite3"
    assert cache.path.is_file() and len(cache) == 0


def test_a_cache_that_cannot_be_opened_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        BriefCache(blocker / "cache")
    message = str(caught.value)
    assert message.startswith(f"{blocker / 'cache' / 'briefs.sqlite3'}: cannot open the cache (")
    assert message.endswith("); use --cache-dir or --no-cache")


def locked(path: Path) -> sqlite3.Connection:
    """Another connection holding ``path`` locked until it commits."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_a_cache_locked_while_it_opens_waits_for_the_lock(tmp_path: Path) -> None:
    holder = locked(tmp_path / "briefs.sqlite3")
    release = threading.Timer(0.3, holder.execute, ["COMMIT"])
    release.start()
    try:
        cache = BriefCache(tmp_path, lock_timeout=0.05)  # gives up on each try long before
    finally:
        release.join()
        holder.close()
    cache.put(KEY, brief_of(TEXT).model_dump_json())
    assert cache.get(KEY) == brief_of(TEXT).model_dump_json()


def test_a_locked_cache_gives_up_after_its_lock_timeout(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path, lock_timeout=0.1)
    holder = locked(cache.path)
    try:
        started = time.monotonic()
        cache.put(KEY, brief_of(TEXT).model_dump_json())
        waited = time.monotonic() - started
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert waited < 3  # sqlite's own default would wait 5 s
    assert cache.get(KEY) is None  # given up, not stored


@pytest.mark.parametrize("stored", ["{not json", "ungrounded"])
def test_an_entry_that_does_not_hold_is_dropped(tmp_path: Path, stored: str) -> None:
    cache = BriefCache(tmp_path)
    other = CacheKey("other", "llm", "fake-1", "p1")
    cache.put(other, brief_of(TEXT).model_dump_json())
    entry = brief_of("Elsewhere entirely.").model_dump_json() if stored == "ungrounded" else stored
    cache.put(KEY, entry)
    assert cache.brief(KEY, TEXT) is None
    assert cache.get(KEY) is None and len(cache) == 1  # only that entry went
    assert cache.brief(other, TEXT) == brief_of(TEXT)
