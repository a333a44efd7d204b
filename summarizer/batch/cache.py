"""A SQLite cache of briefs, so that rerunning a batch costs no tokens.

The key is the article's content hash plus everything that changes the answer:
engine, model and prompt version. Location: ``--cache-dir``, else
``$SUMMARIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/summarizer``, else
``~/.cache/summarizer``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.errors import ConfigError
from summarizer.schema import ArticleBrief

if TYPE_CHECKING:
    from summarizer.engines import EngineIdentity

ENV_CACHE_DIR = "SUMMARIZER_CACHE_DIR"
FILE_NAME = "briefs.sqlite3"


def default_cache_dir() -> Path:
    """``$SUMMARIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/summarizer``, else
    ``~/.cache/summarizer``."""
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "summarizer"


@dataclass(frozen=True)
class CacheKey:
    article_sha256: str
    engine: str
    model: str
    prompt_version: str


def key_for(article_sha256: str, identity: EngineIdentity) -> CacheKey:
    """The key for briefing the text with this hash by the engine ``identity`` names
    (what ``await engine.identify()`` returns)."""
    return CacheKey(
        article_sha256=article_sha256,
        engine=identity.name,
        model=identity.model or "",
        prompt_version=identity.prompt_version or "",
    )


class BriefCache:
    """Brief JSON by key. One connection, used from one thread.

    ``lock_timeout``: seconds to wait while another run holds the database locked.
    ``sleep``: how to wait between tries to create the table (a test passes a fake).
    """

    def __init__(self, folder: Path | None = None, *, lock_timeout: float = 5.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.folder = folder or default_cache_dir()
        self._sleep = sleep
        self.path = self.folder / FILE_NAME
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=lock_timeout)
            self._set_up()
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(f"{self.path}: cannot open the cache ({error}); "
                              "use --cache-dir or --no-cache") from None

    def _set_up(self, tries: int = 20) -> None:
        """Create the table; two runs starting at once may find it locked for a moment."""
        for attempt in range(tries):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS briefs (article_sha256 TEXT, engine TEXT,"
                    " model TEXT, prompt_version TEXT, brief TEXT NOT NULL, created REAL,"
                    " PRIMARY KEY (article_sha256, engine, model, prompt_version))"
                )
                self._db.commit()
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == tries - 1:
                    raise
                self._sleep(0.05 * (attempt + 1))

    def get(self, key: CacheKey) -> str | None:
        """The brief JSON stored under ``key``, or ``None`` (also when the database cannot be
        read: a cache miss costs a brief, never the run)."""
        try:
            row = self._db.execute(
                "SELECT brief FROM briefs WHERE article_sha256=? AND engine=? AND model=?"
                " AND prompt_version=?", _values(key),
            ).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    def brief(self, key: CacheKey, article: str) -> ArticleBrief | None:
        """The brief stored under ``key`` if it still holds for ``article``: valid against
        the schema, every evidence grounded in ``article``. An
        entry that does not hold (corrupt, tampered, from an older schema) is dropped, so
        that the brief is made again and stored afresh."""
        found = self.get(key)
        if found is None:
            return None
        try:
            brief = ArticleBrief.model_validate_json(found)
        except ValueError:  # pydantic's ValidationError is one
            brief = None
        if brief is None or brief.ungrounded(article):
            self.drop(key)
            return None
        return brief

    def drop(self, key: CacheKey) -> None:
        """Forget the entry under ``key``, if any."""
        try:
            self._db.execute(
                "DELETE FROM briefs WHERE article_sha256=? AND engine=? AND model=?"
                " AND prompt_version=?", _values(key),
            )
            self._db.commit()
        except sqlite3.Error:
            self._db.rollback()

    def put(self, key: CacheKey, brief_json: str) -> None:
        """Store a brief; a cache that cannot take it (locked, disk full) must not lose the work."""
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO briefs"
                " (article_sha256, engine, model, prompt_version, brief, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*_values(key), brief_json, time.time()),
            )
            self._db.commit()
        except sqlite3.Error:
            self._db.rollback()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM briefs").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def _values(key: CacheKey) -> tuple[str, str, str, str]:
    return key.article_sha256, key.engine, key.model, key.prompt_version
