"""Process locales a test runs under for a while."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def ascii_locale() -> Iterator[None]:
    """The C locale, whose default encoding is ASCII (a cron job, a minimal container,
    ``LANG=C`` on an older system)."""
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
