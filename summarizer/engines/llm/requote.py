"""Targeted repair: ask again only for the quotes that were not found.

A claim or unknown whose quotes are not in the article would be dropped.
Re-asking for the whole brief would pay for every item again; instead one
small request lists just the lost items (a tag, the statement, the words
tried) beside the article and asks for verbatim quotes. Whatever comes back
replaces those items' quotes, and grounding judges them like any others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from summarizer.config import Mode
from summarizer.engines.llm.draft import (
    Checker,
    DraftBrief,
    DraftClaim,
    DraftUnknown,
    compact_schema,
)
from summarizer.engines.llm.modes import extra_body, schema_model
from summarizer.prompts import ARTICLE_MARK, requote_message
from summarizer.text import clip

MAX_ITEMS = 12  # more lost items than this and the answer was not about this article
TOKENS_PER_ITEM = 80  # room for two 20-word quotes and the JSON around them


class Requote(BaseModel):
    id: str = Field(description="The item's tag as listed.")
    quotes: list[str] = Field(default_factory=list, description="Verbatim spans; [] if none.")


class Requotes(BaseModel):
    """Verbatim quotes from the article for each listed item."""

    items: list[Requote] = Field(default_factory=list)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Compact, definitions inlined: shown in prompts and turned into grammars."""
        return dict(compact_schema(super().model_json_schema(*args, **kwargs)))


@dataclass(frozen=True)
class Lost:
    """An item none of whose quotes was found: ``group`` is "claims" or "unknowns"."""

    group: str
    index: int
    statement: str
    tried: tuple[str, ...]

    @property
    def tag(self) -> str:
        return f"{self.group[0]}{self.index + 1}"

    def line(self) -> str:
        tried = "; ".join(f'"{clip(q, 120)}"' for q in self.tried) or "none"
        text = f'- {self.tag}: "{clip(self.statement, 300)}" (quotes tried: {tried})'
        return text.replace(ARTICLE_MARK, "")  # the article goes in one place only


def lost_items(draft: DraftBrief, checker: Checker) -> list[Lost]:
    """Claims and unknowns that would be dropped: no quote, or none found in the article."""
    items: list[tuple[str, Sequence[DraftClaim | DraftUnknown]]] = [
        ("claims", draft.claims),
        ("unknowns", draft.unknowns),
    ]
    return [
        Lost(group, index, item.statement, tuple(item.quotes))
        for group, members in items
        for index, item in enumerate(members)
        if item.statement.strip() and all(checker.evidence(q) is None for q in item.quotes)
    ]


def request(lost: list[Lost], form: Mode) -> dict[str, Any]:
    """The parts of a requote request that are not the engine's (model, hooks, ...)."""
    system = "You copy supporting quotes from a news article word for word, as JSON."
    body: dict[str, Any] = {
        "response_model": schema_model(Requotes),
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": requote_message([item.line() for item in lost])},
        ],
        "max_tokens": 64 + TOKENS_PER_ITEM * len(lost),
        "max_retries": 0,  # a bad answer is not worth another: the items are dropped
    }
    if (extra := extra_body(form, Requotes)) is not None:
        body["extra_body"] = extra
    return body


def apply(draft: DraftBrief, lost: list[Lost], answer: Requotes) -> tuple[DraftBrief, int]:
    """``draft`` with the answered items' quotes replaced, and how many were answered."""
    by_tag = {item.tag: item for item in lost}
    mended = draft.model_copy(deep=True)
    answered = 0
    for reply in answer.items:
        item = by_tag.pop(reply.id.strip().lower(), None)
        quotes = [q for q in reply.quotes if q.strip()]
        if item is None or not quotes:
            continue
        getattr(mended, item.group)[item.index].quotes = quotes
        answered += 1
    return mended, answered
