"""How long the brief cache waits for a lock, driven by a fake sleep instead of a clock.

Opening the cache creates its table; a run starting at the same moment as another may
find the new database locked. Design: up to 20 tries, the wait before try ``n + 1``
being ``n`` times 50 ms (0.05, 0.10, ... 0.95 s: 9.5 s in all), then the lock is
reported. Each statement also waits up to ``lock_timeout`` (5 s by default) inside
SQLite; ``lock_timeout=0`` here makes every locked try fail at once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from summarizer.batch.cache import BriefCache, CacheKey
from summarizer.errors import ConfigError

KEY = CacheKey("sha", "offline", "", "v1")


class HeldLock:
    """Another connection holding the (not yet created) cache database exclusively; it
    lets go after ``release_after`` waits of the cache (never, when ``None``)."""

    def __init__(self, folder: Path, release_after: int | None = None) -> None:
        self.db = sqlite3.connect(folder / "briefs.sqlite3", isolation_level=None)
        self.db.execute("BEGIN EXCLUSIVE")
        self.release_after = release_after
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if len(self.waits) == self.release_after:
            self.db.execute("COMMIT")


def test_the_wait_for_a_locked_new_cache_grows_50_ms_a_try(tmp_path: Path) -> None:
    lock = HeldLock(tmp_path, release_after=3)
    cache = BriefCache(tmp_path, lock_timeout=0, sleep=lock.sleep)
    assert lock.waits == pytest.approx([0.05, 0.10, 0.15])
    cache.put(KEY, '{"summary": "stored"}')  # the table the fourth try made is usable
    assert cache.get(KEY) == '{"summary": "stored"}'


def test_a_lock_that_stays_is_reported_after_twenty_tries(tmp_path: Path) -> None:
    lock = HeldLock(tmp_path)
    with pytest.raises(ConfigError) as caught:
        BriefCache(tmp_path, lock_timeout=0, sleep=lock.sleep)
    assert "database is locked" in str(caught.value)
    assert "cannot open the cache" in str(caught.value)
    # 20 tries: a wait between each two, none after the last; 9.5 s in all.
    assert lock.waits == pytest.approx([0.05 * n for n in range(1, 20)])
    assert sum(lock.waits) == pytest.approx(9.5)


def test_an_unlocked_cache_opens_without_waiting(tmp_path: Path) -> None:
    waits: list[float] = []
    BriefCache(tmp_path, lock_timeout=0, sleep=waits.append).close()
    assert waits == []


def busy_timeout_ms(cache: BriefCache) -> int:
    """How long SQLite itself waits on a lock held by another connection."""
    return int(cache._db.execute("PRAGMA busy_timeout").fetchone()[0])


def test_sqlite_waits_five_seconds_for_a_lock_by_default(tmp_path: Path) -> None:
    assert busy_timeout_ms(BriefCache(tmp_path)) == 5000


def test_sqlite_waits_the_lock_timeout_asked_for(tmp_path: Path) -> None:
    assert busy_timeout_ms(BriefCache(tmp_path, lock_timeout=0.25)) == 250
