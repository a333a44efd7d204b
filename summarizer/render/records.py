"""The brief as JSON, alone or with the exact text its offsets index into."""

from __future__ import annotations

import json

from summarizer.pricing import Price, brief_cost
from summarizer.schema import ArticleBrief
from summarizer.text import text_hash


def to_json(brief: ArticleBrief) -> str:
    """The brief as indented JSON, as the schema describes it."""
    return brief.model_dump_json(indent=2) + "\n"


def article_record(
    brief: ArticleBrief,
    text: str,
    source: str,
    item_id: str | None = None,
    price: Price | None = None,
) -> dict[str, object]:
    """The brief with the exact text its offsets index into (for URL, HTML and batch inputs)."""
    article: dict[str, object] = {"source": source, "sha256": text_hash(text), "text": text}
    if item_id is not None:
        article = {"id": item_id, **article}
    return {
        "article": article,
        "brief": brief.model_dump(mode="json"),
        "cost_usd": brief_cost(brief.meta, price),
    }


def to_article_json(
    brief: ArticleBrief, text: str, source: str, price: Price | None = None
) -> str:
    """:func:`article_record` as indented JSON."""
    record = article_record(brief, text, source, price=price)
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
