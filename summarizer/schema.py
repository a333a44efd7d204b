"""The brief: the contract every engine returns.

``ArticleBrief`` and its parts are what callers get back. Every evidence item
carries character offsets into the exact input text; the code, never the
model, sets them (see ``summarizer.grounding``). What the LLM is asked to
return instead (quotes without offsets) is ``summarizer.engines.llm.draft``.

Field descriptions follow LABELLING.md; they are published in the JSON Schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from summarizer.spans import CharInterval

PartyKind = Literal["person", "organization", "government", "country", "group", "media", "other"]
AttributionKind = Literal["direct_quote", "paraphrase", "narration"]
EngineName = Literal["llm", "offline"]

SCHEMA_VERSION = "1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- #
# The brief returned to callers
# --------------------------------------------------------------------------- #


class Evidence(_Strict):
    """A verbatim span of the article, located by the code."""

    text: str = Field(description="The article text at [start, end): text == article[start:end].")
    start: int = Field(ge=0, description="Start offset (Python str index, inclusive).")
    end: int = Field(ge=0, description="End offset (Python str index, exclusive).")

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end <= self.start:
            raise ValueError(f"evidence end ({self.end}) must be after start ({self.start})")
        if len(self.text) != self.end - self.start:
            raise ValueError("evidence text length must equal end - start")
        return self

    @property
    def interval(self) -> CharInterval:
        return CharInterval(self.start, self.end)

    @classmethod
    def at(cls, article: str, interval: CharInterval) -> Evidence:
        """The evidence for ``interval`` of ``article``: grounded by construction."""
        return cls(text=interval.of(article), start=interval.start, end=interval.end)

    def grounded_in(self, article: str) -> bool:
        return self.interval.holds(article, self.text)


class Party(_Strict):
    """An actor of the story: a person, organisation, government, country, group or outlet."""

    id: str = Field(description="Stable id, e.g. 'p1'.")
    name: str = Field(description="The fullest name the article gives.")
    kind: PartyKind
    aliases: list[str] = Field(
        default_factory=list, description="Every other way the article names it (no pronouns)."
    )


class Source(_Strict):
    """An origin of information the article cites, named or anonymous, with where it is cited."""

    id: str = Field(description="Stable id, e.g. 's1'.")
    label: str = Field(description="The source as the article describes it.")
    anonymous: bool = Field(description="True when the article does not name the source.")
    party_id: str | None = Field(default=None, description="The party this source is, if any.")
    count: int | None = Field(
        default=None, ge=1, description="How many people, where stated ('two sources' -> 2)."
    )
    anonymity_reason: str | None = Field(
        default=None, description="The reason for anonymity the article gives, if any."
    )
    evidence: list[Evidence] = Field(default_factory=list)


class Claim(_Strict):
    """One checkable statement the article presents, who makes it, and its evidence."""

    id: str = Field(description="Stable id, e.g. 'c1'.")
    statement: str = Field(description="One standalone, checkable proposition.")
    source_id: str | None = Field(
        default=None, description="The source making the claim; null when the article asserts it."
    )
    attribution: AttributionKind
    evidence: list[Evidence] = Field(default_factory=list)


class Unknown(_Strict):
    """Something the article itself says is not known, disclosed, decided or explained."""

    id: str = Field(description="Stable id, e.g. 'u1'.")
    statement: str = Field(description="What the article says is not known, disclosed or decided.")
    evidence: list[Evidence] = Field(default_factory=list)


class OpenQuestion(_Strict):
    """A question the article raises but does not answer, and the ids it follows from."""

    question: str
    based_on: list[str] = Field(
        default_factory=list, description="Ids of the claims, unknowns or sources it follows from."
    )


class Usage(_Strict):
    """Tokens a brief cost, summed over every model call."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class Meta(_Strict):
    """How the brief was made: engine, model, prompt version, cost, time and warnings."""

    schema_version: str = SCHEMA_VERSION
    engine: EngineName
    model: str | None = None
    prompt_version: str | None = Field(
        default=None, description="Hash of the prompt templates used (LLM engine)."
    )
    usage: Usage = Field(default_factory=Usage, description="Tokens summed over every attempt.")
    cost_usd: float | None = Field(
        default=None,
        ge=0,
        description="What the tokens cost in US dollars, when a price is configured "
        "(SUMMARIZER_PRICE_PROMPT / SUMMARIZER_PRICE_COMPLETION, per million tokens).",
    )
    attempts: int = Field(default=1, ge=0, description="Model calls made, re-asks included.")
    seconds: float = Field(default=0.0, ge=0)
    chunks: int = Field(default=1, ge=1, description="How many pieces the article was briefed in.")
    article_sha256: str | None = Field(default=None, description="Hash of the exact input text.")
    article_chars: int | None = Field(default=None, ge=0)
    warnings: list[str] = Field(default_factory=list)


class ArticleBrief(_Strict):
    """A grounded brief of one article. Claims are ordered most important first."""

    summary: str
    parties: list[Party] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    unknowns: list[Unknown] = Field(default_factory=list)
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    meta: Meta

    @model_validator(mode="after")
    def _references_resolve(self) -> ArticleBrief:
        problems = reference_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def evidence_items(self) -> list[Evidence]:
        items: list[Evidence] = []
        for group in (self.sources, self.claims, self.unknowns):
            for item in group:
                items.extend(item.evidence)
        return items

    def ungrounded(self, article: str) -> list[Evidence]:
        """Evidence whose text is not the article's text at its offsets."""
        return [e for e in self.evidence_items() if not e.grounded_in(article)]


def reference_problems(brief: ArticleBrief) -> list[str]:
    """Duplicate ids and ids that point at nothing, as readable messages."""
    problems: list[str] = []
    ids: dict[str, str] = {}
    for kind, items in (
        ("party", brief.parties),
        ("source", brief.sources),
        ("claim", brief.claims),
        ("unknown", brief.unknowns),
    ):
        for item in items:
            if item.id in ids:
                problems.append(f"duplicate id {item.id!r} ({ids[item.id]} and {kind})")
            ids[item.id] = kind
    for source in brief.sources:
        if source.party_id is not None and ids.get(source.party_id) != "party":
            problems.append(f"source {source.id!r} names unknown party {source.party_id!r}")
    for claim in brief.claims:
        if claim.source_id is not None and ids.get(claim.source_id) != "source":
            problems.append(f"claim {claim.id!r} names unknown source {claim.source_id!r}")
    for question in brief.open_questions:
        for ref in question.based_on:
            if ids.get(ref) not in ("claim", "unknown", "source"):
                problems.append(
                    f"open question {question.question!r} is based on unknown id {ref!r}"
                )
    return problems
