"""What the model is asked to return, and the check each answer must pass.

* ``DraftBrief`` and its parts: the brief's content, but evidence is a list of
  verbatim quotes without offsets (offsets are found by the code). Field
  descriptions are part of the prompt (instructor sends the JSON Schema), so
  each one says exactly what the field holds, following LABELLING.md;
* ``compact_schema``: that schema as structure only, as the model sees it;
* ``Brief``: the instructor response model, whose validator runs a ``Checker``;
* ``Checker``: ids must resolve and quotes must be in the article (quotes that
  are not are re-asked once only).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from summarizer.grounding import Grounder
from summarizer.prompts import reask_hint
from summarizer.schema import (
    ArticleBrief,
    AttributionKind,
    Evidence,
    PartyKind,
    reference_problems,
)
from summarizer.text import clip

QUOTES = (
    "Verbatim quotes copied character for character from the article, each long enough "
    "to be unique (5-30 words). Never paraphrase here."
)


class DraftParty(BaseModel):
    id: str = Field(description="Short id: p1, p2, ...")
    name: str = Field(description="Fullest name the article gives the actor.")
    kind: PartyKind = Field(description="What sort of actor it is.")
    aliases: list[str] = Field(
        default_factory=list, description="Other names the article uses for it; no pronouns."
    )


class DraftSource(BaseModel):
    id: str = Field(description="Short id: s1, s2, ...")
    label: str = Field(description="The source exactly as the article describes it.")
    anonymous: bool = Field(description="True if the article does not name the source.")
    party_id: str | None = Field(default=None, description="Id of the party it is, or null.")
    count: int | None = Field(default=None, description="Number of people if stated, else null.")
    anonymity_reason: str | None = Field(
        default=None, description="Reason given for anonymity, else null."
    )
    evidence: list[str] = Field(default_factory=list, description=QUOTES)


class DraftClaim(BaseModel):
    id: str = Field(description="Short id: c1, c2, ...")
    statement: str = Field(
        description="One checkable proposition that stands alone: full names, no pronouns."
    )
    source_id: str | None = Field(
        default=None, description="Id of the source making it; null if the article asserts it."
    )
    attribution: AttributionKind = Field(
        description="direct_quote if quoted, paraphrase if reported, narration if unattributed."
    )
    evidence: list[str] = Field(default_factory=list, description=QUOTES)


class DraftUnknown(BaseModel):
    id: str = Field(description="Short id: u1, u2, ...")
    statement: str = Field(
        description="What the article itself says is not known, disclosed, decided or explained."
    )
    evidence: list[str] = Field(default_factory=list, description=QUOTES)


class DraftQuestion(BaseModel):
    question: str = Field(description="A specific question the article raises but does not answer.")
    based_on: list[str] = Field(
        default_factory=list, description="Ids of the claims, unknowns or sources it follows from."
    )


class DraftBrief(BaseModel):
    """A brief of the article. Ids link items; every quote is verbatim from the article."""

    summary: str = Field(description="2-4 neutral sentences: who did what, per whom.")
    parties: list[DraftParty] = Field(
        default_factory=list, description="Actors: people, organisations, governments, groups."
    )
    sources: list[DraftSource] = Field(
        default_factory=list, description="Every distinct source the article cites."
    )
    claims: list[DraftClaim] = Field(
        default_factory=list, description="Key claims, most important first."
    )
    unknowns: list[DraftUnknown] = Field(
        default_factory=list, description="What the article says is unknown or undisclosed."
    )
    open_questions: list[DraftQuestion] = Field(
        default_factory=list, description="2-5 questions a journalist would ask next."
    )

    def quotes(self) -> list[str]:
        """Every evidence quote, sources first, then claims, then unknowns."""
        return [
            quote
            for group in (self.sources, self.claims, self.unknowns)
            for item in group
            for quote in item.evidence
        ]


def answer_for(brief: ArticleBrief) -> dict[str, Any]:
    """The answer a perfect model would give for ``brief``, in this draft format.

    The inverse of reading a draft: evidence becomes its quoted text. The oracle
    eval (tests/oracle_server.py) answers with it, so whatever the pipeline then
    loses is the pipeline's fault.
    """

    def quotes(evidence: list[Evidence]) -> list[str]:
        return [e.text for e in evidence]

    draft = DraftBrief(
        summary=brief.summary,
        parties=[DraftParty(id=p.id, name=p.name, kind=p.kind, aliases=p.aliases)
                 for p in brief.parties],
        sources=[DraftSource(id=s.id, label=s.label, anonymous=s.anonymous, party_id=s.party_id,
                             count=s.count, anonymity_reason=s.anonymity_reason,
                             evidence=quotes(s.evidence)) for s in brief.sources],
        claims=[DraftClaim(id=c.id, statement=c.statement, source_id=c.source_id,
                           attribution=c.attribution, evidence=quotes(c.evidence))
                for c in brief.claims],
        unknowns=[DraftUnknown(id=u.id, statement=u.statement, evidence=quotes(u.evidence))
                  for u in brief.unknowns],
        open_questions=[DraftQuestion(question=q.question, based_on=q.based_on)
                        for q in brief.open_questions],
    )  # fmt: skip
    return draft.model_dump(mode="json")


# --------------------------------------------------------------------------- #
# The schema the model sees
# --------------------------------------------------------------------------- #

DROPPED_KEYWORDS = frozenset({"title", "description", "default"})


def compact_schema(node: Any, root: bool = True) -> Any:
    """The JSON Schema as structure only: no nested titles, descriptions or defaults.

    In JSON mode instructor pastes the schema into the system prompt, so every
    token here is paid on each call; what the fields mean is said once, in the
    system prompt. The root title and description stay (they name the tool).
    """
    if isinstance(node, list):
        return [compact_schema(item, False) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED_KEYWORDS and not root:
            continue
        if key in ("properties", "$defs"):  # maps of names to schemas
            out[key] = {name: compact_schema(sub, False) for name, sub in value.items()}
        else:
            out[key] = compact_schema(value, False)
    options = out.get("anyOf")
    if isinstance(options, list) and all(
        isinstance(o, dict) and set(o) == {"type"} for o in options
    ):
        out.pop("anyOf")
        out["type"] = [o["type"] for o in options]
    if "enum" in out:
        out.pop("type", None)
    return out


class Brief(DraftBrief):
    """A brief of the article. Ids link items; every quote is verbatim from the article."""

    @model_validator(mode="after")
    def _checked(self, info: ValidationInfo) -> Brief:
        checker = (info.context or {}).get("checker")
        if isinstance(checker, Checker):
            problems = checker.problems(self)
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return dict(compact_schema(super().model_json_schema(*args, **kwargs)))
        return copy.deepcopy(_default_schema())


@cache
def _default_schema() -> dict[str, Any]:
    """Pydantic rebuilds a schema on every call (milliseconds); ours never changes."""
    schema: dict[str, Any] = compact_schema(super(Brief, Brief).model_json_schema())
    return schema


# --------------------------------------------------------------------------- #
# The check every answer must pass
# --------------------------------------------------------------------------- #


class Checker:
    """Validation against one article; quotes failing to ground are re-asked once only."""

    def __init__(self, article: str, grounding_reasks: int = 1) -> None:
        self.grounder = Grounder(article)
        self.grounding_reasks = grounding_reasks
        self._found: dict[str, Evidence | None] = {}

    def evidence(self, quote: str) -> Evidence | None:
        """Where ``quote`` is in the article (remembered: re-asks repeat quotes)."""
        if quote not in self._found:
            self._found[quote] = self.grounder.evidence(quote)
        return self._found[quote]

    def problems(self, draft: DraftBrief) -> list[str]:
        """What is wrong with ``draft``, as the re-ask tells the model; empty when valid."""
        problems = reference_problems(draft)
        missing = [q for q in draft.quotes() if self.evidence(q) is None]
        if missing and self.grounding_reasks > 0:
            self.grounding_reasks -= 1
            problems.append(reask_hint([clip(q) for q in missing[:8]]))
        return problems
