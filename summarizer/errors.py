"""Errors a user can act on. Each message is one line that says what to do."""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class: the CLI prints ``str(error)`` on one line and exits non-zero."""

    exit_code = 1


class InputError(SummarizerError):
    """The article given cannot be read as text (missing, empty, binary, ...)."""

    exit_code = 2


class ConfigError(SummarizerError):
    """The engine is not configured (no endpoint, no model, bad option)."""

    exit_code = 2


class EndpointError(SummarizerError):
    """The model server failed: unreachable, refused auth, kept failing, timed out."""

    exit_code = 3


class ExtractionError(SummarizerError):
    """The model answered, but nothing valid could be made of its answers."""

    exit_code = 4
