"""What the offline engine knows of one article, filled in step by step by the pipeline.

Each step reads what earlier steps put here and returns its own result; only the
pipeline (``pipeline.analyse``) writes the fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.engines.offline.sources import SourceTable

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from summarizer.engines.offline.attribution import Attribution
    from summarizer.engines.offline.claims import RankedClaim
    from summarizer.engines.offline.parties import PartyMention
    from summarizer.engines.offline.unknowns import FoundUnknown
    from summarizer.schema import Party, Source, Unknown


@dataclass
class Analysis:
    """One parsed article and everything found in it so far."""

    doc: Doc
    text: str  # doc.text, read once: spaCy builds it from the tokens on every access
    attributions: list[Attribution] = field(default_factory=list)
    mentions: list[PartyMention] = field(default_factory=list)  # one group per party
    parties: list[Party] = field(default_factory=list)  # aligned with ``mentions``
    table: SourceTable = field(default_factory=SourceTable)
    sources: list[Source] = field(default_factory=list)  # aligned with ``table.drafts``
    claims: list[RankedClaim] = field(default_factory=list)  # ranked, best first
    found_unknowns: list[FoundUnknown] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)  # aligned with ``found_unknowns``
