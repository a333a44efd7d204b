"""How much to ask for: ``max_tokens`` from the article, chunks from the context window.

A full brief runs to about twice the article's tokens (measured on the prompts of
this version); ``max_tokens`` asks for 3 per article token + 500, at least 1,024
and at most 8,192, so that a long article's brief is not cut off. When the
server reports its context window (llama.cpp's llama-server at ``GET /props``),
chunks are sized so that the prompt, the chunk and its answer fit, and the answer
never asks for more than the prompt leaves. Tokens are estimated as characters / 4
(``summarizer.text.estimate_tokens``), so a margin of the window is kept free.
"""

from __future__ import annotations

from summarizer.text import estimate_tokens

PER_TOKEN, EXTRA, FLOOR, CEILING = 3, 500, 1024, 8192  # answer tokens from article tokens
MIN_ROOM = 256  # never ask for fewer answer tokens, even when the window seems full
DEFAULT_CHUNK_TOKENS, MIN_CHUNK_TOKENS = 6000, 200
PROBE_TIMEOUT = 5.0  # seconds for the one GET /props that reads the context window


def context_window(props: object) -> int | None:
    """``n_ctx`` from llama.cpp's ``/props`` (per slot, or at the top level)."""
    if not isinstance(props, dict):
        return None
    settings = props.get("default_generation_settings")
    for where in (settings, props):
        value = where.get("n_ctx") if isinstance(where, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    return None


def margin(window: int | None) -> int:
    """Tokens kept free in the context window: the estimates are characters / 4."""
    return (window or 0) // 20 + 64


def fit(tokens: int, window: int | None, prompt_tokens: int) -> int:
    """``tokens``, cut to what a prompt of ``prompt_tokens`` leaves of the window."""
    if window is None:
        return tokens
    return min(tokens, max(window - prompt_tokens - margin(window), MIN_ROOM))


def answer_tokens(text: str, window: int | None, prompt_tokens: int) -> int:
    """``max_tokens`` for briefing ``text`` with ``prompt_tokens`` of prompt around it."""
    article = estimate_tokens(text)
    tokens = min(max(PER_TOKEN * article + EXTRA, FLOOR), CEILING)
    return fit(tokens, window, prompt_tokens + article)


def chunk_tokens(window: int | None, prompt_tokens: int, max_tokens: int | None) -> int:
    """Article tokens per chunk: 6,000, cut so that the prompt, the chunk and its answer
    (``max_tokens``, or ``answer_tokens`` of the chunk) fit in the context window."""
    if window is None:
        return DEFAULT_CHUNK_TOKENS
    room = window - prompt_tokens - margin(window)
    if max_tokens is not None:
        fits = room - max_tokens
    else:  # chunk + answer_tokens(chunk) <= room, answer_tokens clamped to its floor/ceiling
        fits = (room - EXTRA) // (1 + PER_TOKEN)
        if PER_TOKEN * fits + EXTRA < FLOOR:
            fits = room - FLOOR
        elif PER_TOKEN * fits + EXTRA > CEILING:
            fits = room - CEILING
    return max(MIN_CHUNK_TOKENS, min(DEFAULT_CHUNK_TOKENS, fits))
