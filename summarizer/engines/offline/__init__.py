"""The offline engine: spaCy attribution extraction, no model server, no key."""

from summarizer.engines.offline.pipeline import OfflineEngine

__all__ = ["OfflineEngine"]
