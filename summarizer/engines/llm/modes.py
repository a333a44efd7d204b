"""Structured-output modes: which one a setting means, and which server is on the other end.

``auto`` means tool calls on OpenAI and JSON elsewhere; on a llama.cpp server
(recognised by ``owned_by`` in ``GET /v1/models``) JSON is also constrained by
a grammar built from the schema (``json_grammar``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import instructor

from summarizer.errors import ConfigError

OPENAI_URL = "https://api.openai.com/v1"
#: Setting -> instructor mode. ``json_grammar`` also sends the schema in response_format.
MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_grammar": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
# What /v1/models says in owned_by on llama-cpp-python's server and on llama.cpp's
# llama-server: both constrain JSON answers to a schema sent in response_format.
LLAMA_CPP_OWNERS = frozenset({"me", "llamacpp"})
PROBE_TIMEOUT = 10.0  # seconds for the one GET /v1/models that picks auto's mode


def is_openai(url: str) -> bool:
    """Whether ``url`` is OpenAI's own API."""
    return urlparse(url).hostname == "api.openai.com"


def is_llama_cpp(models: list[Any]) -> bool:
    """Whether a /v1/models listing comes from a llama.cpp server."""
    return any(getattr(m, "owned_by", None) in LLAMA_CPP_OWNERS for m in models)


def pick_mode(mode: str, url: str) -> instructor.Mode:
    """The instructor mode for the ``mode`` setting at ``url``; ConfigError when unknown."""
    if mode == "auto":
        return instructor.Mode.TOOLS if is_openai(url) else instructor.Mode.JSON
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}: use auto, {', '.join(MODES)}")
    return MODES[mode]
