"""What every rendering shows the same way: source headings, claims by source, the usage line."""

from __future__ import annotations

from collections import defaultdict

from summarizer.pricing import Price, cost_usd
from summarizer.schema import ArticleBrief, Claim, Source


def flat(text: str) -> str:
    """``text`` on one line: a quote with newlines would break a list item."""
    return " ".join(text.split())


def source_heading(source: Source | None) -> str:
    """A source's label, flagged when anonymous; ``None`` is the article's own narration."""
    if source is None:
        return "The article itself (unattributed)"
    if source.anonymous:
        return f"⚠ {source.label} (anonymous)"
    return source.label


def claims_by_source(brief: ArticleBrief) -> list[tuple[Source | None, list[Claim]]]:
    """Claims grouped by who makes them, in order of each source's first claim."""
    sources = {s.id: s for s in brief.sources}
    grouped: dict[str | None, list[Claim]] = defaultdict(list)
    for claim in brief.claims:
        grouped[claim.source_id].append(claim)
    return [(sources.get(sid) if sid else None, claims) for sid, claims in grouped.items()]


def usage_line(brief: ArticleBrief, price: Price | None = None) -> str:
    """Engine, model, tokens, cost (with a price), attempts and seconds, on one line."""
    meta = brief.meta
    parts = [f"engine: {meta.engine}"]
    if meta.model:
        parts.append(f"model: {meta.model}")
    usage = meta.usage
    parts.append(
        f"tokens: {usage.total_tokens} ({usage.prompt_tokens} in, {usage.completion_tokens} out)"
    )
    cost = cost_usd(usage, price)
    if cost is not None:
        parts.append(f"cost: ${cost:.4f}")
    parts.append(f"attempts: {meta.attempts}")
    parts.append(f"{meta.seconds:.2f} s")
    return ", ".join(parts)
