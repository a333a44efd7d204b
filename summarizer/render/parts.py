"""What every rendering shows the same way: source headings, claims by source (the first
few shown, the rest folded), the usage line, and text made safe for a terminal."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from summarizer.pricing import Price, brief_cost
from summarizer.schema import ArticleBrief, Claim, Source

#: Claims a rendering shows before folding the rest ("… and N more").
CLAIMS_SHOWN = 10

# Terminal escape sequences, 7-bit and 8-bit: CSI (colours, cursor moves, screen clears),
# OSC (window titles, OSC 8 links), DCS/SOS/PM/APC strings (up to their terminator or the
# next control character), then any other ESC sequence.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left that a terminal acts on: C0 but tab and newline, DEL, C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without terminal control sequences or control characters (tab and newline
    stay): article and model text must not retitle, clear or link a reader's terminal."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def flat(text: str) -> str:
    """``text`` printable and on one line: a quote with newlines would break a list item."""
    return " ".join(printable(text).split())


def source_heading(source: Source | None) -> str:
    """A source's label, flagged when anonymous; ``None`` is the article's own narration."""
    if source is None:
        return "The article itself (unattributed)"
    if source.anonymous:
        return f"⚠ {source.label} (anonymous)"
    return source.label


def split_claims(
    brief: ArticleBrief, shown: int | None = None
) -> tuple[list[Claim], list[Claim]]:
    """The brief's first ``shown`` (default :data:`CLAIMS_SHOWN`) claims and the rest, in the
    brief's order (most important first)."""
    count = CLAIMS_SHOWN if shown is None else max(shown, 0)
    return brief.claims[:count], brief.claims[count:]


def claims_by_source(
    brief: ArticleBrief, claims: Sequence[Claim] | None = None
) -> list[tuple[Source | None, list[Claim]]]:
    """``claims`` (default: all the brief's) grouped by who makes them, in order of each
    source's first claim; within a source, in the order given."""
    sources = {s.id: s for s in brief.sources}
    grouped: dict[str | None, list[Claim]] = defaultdict(list)
    for claim in brief.claims if claims is None else claims:
        grouped[claim.source_id].append(claim)
    return [(sources.get(sid) if sid else None, group) for sid, group in grouped.items()]


def more_claims(count: int) -> str:
    """The label of the folded claims."""
    return f"{count} more claim{'' if count == 1 else 's'}"


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
    cost = brief_cost(meta, price)
    if cost is not None:
        parts.append(f"cost: ${cost:.4f}")
    parts.append(f"attempts: {meta.attempts}")
    parts.append(f"{meta.seconds:.2f} s")
    return ", ".join(parts)
