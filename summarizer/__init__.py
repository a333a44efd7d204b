"""summarizer: turn a news article into a validated, grounded brief."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["ArticleBrief", "__version__", "asummarize", "summarize"]

if TYPE_CHECKING:
    from summarizer.api import asummarize, summarize
    from summarizer.schema import ArticleBrief


def __getattr__(name: str) -> Any:
    # Lazy, so that `summarizer --help` does not pay for pydantic, openai or spaCy.
    if name in ("summarize", "asummarize"):
        from summarizer import api

        return getattr(api, name)
    if name == "ArticleBrief":
        from summarizer.schema import ArticleBrief

        return ArticleBrief
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
