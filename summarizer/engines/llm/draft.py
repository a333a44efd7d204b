"""What the model is asked to return, and the check each answer must pass.

* ``DraftBrief`` and its parts: the brief's content in the fewest tokens.
  Evidence is a list of verbatim ``quotes`` (offsets are found by the code;
  a long span may be written "first words ... last words");
  ids are optional: an item without one is known by its position (the second
  source is ``s2``, the third claim ``c3``); a claim names its ``source`` by id
  and has no source when the article itself asserts it; ``attribution`` is
  only written when it is not the default (``paraphrase`` for a claim with a
  source, ``narration`` without); a source is named (``anonymous`` false)
  unless it says otherwise. Field meanings are said once, in the system prompt.
  Answers are read leniently first (``lenient.canonical``): near-misses are
  mended, and an item that still does not validate is dropped with a note
  instead of failing the whole answer;
* ``answer_for``: the exact inverse of reading a draft (the oracle's answer);
* ``prompt_schema``: the schema the model is shown (the top-level shape; the
  keys are explained in the system prompt); ``typed_schema``: the complete
  one, compact, for grammars and strict modes;
* ``Brief``: the instructor response model, whose validator runs a ``Checker``;
* ``Checker``: an answer holding no brief is re-asked. Quotes that cannot be
  found are asked for again item by item (``requote``); references are mended
  by ``convert``; neither re-asks the whole brief.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, model_validator

from summarizer.engines.llm.lenient import LISTS, canonical
from summarizer.grounding import Grounder
from summarizer.grounding.normal import ELLIPSIS
from summarizer.schema import ArticleBrief, AttributionKind, Evidence, PartyKind


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class DraftParty(BaseModel):
    id: str | None = Field(default=None, description="Null for the position: p1, p2, ...")
    name: str = Field(description="Fullest name the article gives the actor.")
    kind: PartyKind
    aliases: list[str] = Field(default_factory=list, description="Other names; no pronouns.")


class DraftSource(BaseModel):
    id: str | None = Field(default=None, description="Null for the position: s1, s2, ...")
    label: str = Field(description="The source as the article describes it.")
    anonymous: bool = Field(
        default=False,
        description="True if the article does not name it.",
        json_schema_extra=_no_default,  # strict schemas take no defaults
    )
    count: int | None = Field(default=None, description="How many people, if stated.")
    anonymity_reason: str | None = Field(default=None, description="Reason given, if any.")
    party: str | None = Field(default=None, description="Id of the party it is, if any.")
    quotes: list[str] = Field(default_factory=list, description="Verbatim spans naming it.")


class DraftClaim(BaseModel):
    id: str | None = Field(default=None, description="Null for the position: c1, c2, ...")
    statement: str = Field(description="One checkable proposition that stands alone.")
    source: str | None = Field(default=None, description="Source id; none if the article says it.")
    attribution: AttributionKind | None = Field(
        default=None, description="Default: paraphrase with a source, narration without."
    )
    quotes: list[str] = Field(default_factory=list, description="Verbatim supporting spans.")

    @property
    def kind(self) -> AttributionKind:
        """The attribution, its default filled in."""
        if self.attribution is not None:
            return self.attribution
        return "narration" if self.source is None else "paraphrase"


class DraftUnknown(BaseModel):
    id: str | None = Field(default=None, description="Null for the position: u1, u2, ...")
    statement: str = Field(description="What the article says is not known or not disclosed.")
    quotes: list[str] = Field(default_factory=list, description="Verbatim supporting spans.")


class DraftQuestion(BaseModel):
    question: str
    based_on: list[str] = Field(default_factory=list, description="Claim/unknown/source ids.")


ITEM_MODELS: dict[str, type[BaseModel]] = {
    "parties": DraftParty,
    "sources": DraftSource,
    "claims": DraftClaim,
    "unknowns": DraftUnknown,
    "questions": DraftQuestion,
}


#: The checker of the answer being read in this task. A contextvar, not instructor's
#: validation context: given one, instructor renders every message as a Jinja template.
CHECKER: ContextVar[Checker | None] = ContextVar("checker", default=None)


@contextmanager
def checking(checker: Checker) -> Iterator[Checker]:
    """Answers read inside the block are checked by ``checker``."""
    token = CHECKER.set(checker)
    try:
        yield checker
    finally:
        CHECKER.reset(token)


def _notes(info: ValidationInfo | None) -> list[str]:
    """Where notes about this validation go: the checker's, a caller's list, or nowhere."""
    context = (info.context if info is not None else None) or {}
    checker = context.get("checker", CHECKER.get())
    if isinstance(checker, Checker):
        checker.notes = []  # a re-asked answer starts afresh
        return checker.notes
    notes = context.get("notes")
    return notes if isinstance(notes, list) else []


class DraftBrief(BaseModel):
    """A brief of the article. Ids link items; every quote is verbatim from the article."""

    summary: str = Field(default="", json_schema_extra=_no_default)
    parties: list[DraftParty] = Field(default_factory=list)
    sources: list[DraftSource] = Field(default_factory=list)
    claims: list[DraftClaim] = Field(default_factory=list)
    unknowns: list[DraftUnknown] = Field(default_factory=list)
    questions: list[DraftQuestion] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, data: Any, info: ValidationInfo) -> Any:
        """Mend near-misses; drop, with a note, each item that still does not validate."""
        if not isinstance(data, dict):
            return data
        notes = _notes(info)
        data = canonical(data, notes)
        for name in LISTS:
            kept = []
            for number, item in enumerate(data.get(name, []), start=1):
                try:
                    kept.append(ITEM_MODELS[name].model_validate(item))
                except ValidationError as error:
                    problem = error.errors()[0]
                    where = ".".join(str(p) for p in problem["loc"]) or "item"
                    notes.append(f"{name} item {number} dropped: {where}: {problem['msg']}")
            data[name] = kept
        return data

    def is_empty(self) -> bool:
        """No summary and no item: nothing of a brief."""
        return not self.summary.strip() and not any(getattr(self, name) for name in LISTS)

    def quotes(self) -> list[str]:
        """Every evidence quote, sources first, then claims, then unknowns."""
        return [
            quote
            for group in (self.sources, self.claims, self.unknowns)
            for item in group
            for quote in item.quotes
        ]


#: Quotes of fewer words are always written whole.
ELIDE_FROM_WORDS = 8


def shortest_quote(grounder: Grounder, evidence: Evidence) -> str:
    """The quote for ``evidence`` (offsets into ``grounder.article``) a perfect model writes:
    a long span as "first words ... last words" when that finds exactly this span."""
    words = evidence.text.split()
    if (
        len(words) < ELIDE_FROM_WORDS
        or ELLIPSIS.search(evidence.text)
        or not evidence.grounded_in(grounder.article)  # an edited quote is written as it is
    ):
        return evidence.text
    for k in range(2, (len(words) - 1) // 2):
        quote = " ".join(words[:k]) + " ... " + " ".join(words[-k:])
        found = grounder.find_all(quote)
        if [(m.start, m.end) for m in found] == [(evidence.start, evidence.end)]:
            return quote
    return evidence.text


def answer_for(brief: ArticleBrief, article: str | None = None) -> dict[str, Any]:
    """The answer a perfect model would give for ``brief``, in this draft format.

    The exact inverse of reading a draft (``convert.to_parts``): evidence
    becomes its quoted text (given the ``article`` its offsets index, a long
    span is elided to its first and last words where that finds the very same
    span); ids equal to their position, defaults and empty lists are left
    out, as the model is told it may. The oracle eval (tests/oracle_server.py)
    answers with it, so whatever the pipeline then loses is the pipeline's fault.
    """
    grounder = Grounder(article) if article is not None else None

    def item(position: int, prefix: str, id_: str, **fields: Any) -> dict[str, Any]:
        out: dict[str, Any] = {} if id_ == f"{prefix}{position}" else {"id": id_}
        out.update({k: v for k, v in fields.items() if v not in (None, [], False)})
        return out

    def quotes(evidence: list[Evidence]) -> list[str]:
        if grounder is None:
            return [e.text for e in evidence]
        return [shortest_quote(grounder, e) for e in evidence]

    def attribution(source: str | None, kind: AttributionKind) -> AttributionKind | None:
        return None if kind == ("narration" if source is None else "paraphrase") else kind

    answer: dict[str, Any] = {"summary": brief.summary}
    lists: dict[str, list[dict[str, Any]]] = {
        "parties": [item(n, "p", p.id, name=p.name, kind=p.kind, aliases=p.aliases)
                    for n, p in enumerate(brief.parties, start=1)],
        "sources": [item(n, "s", s.id, label=s.label, anonymous=s.anonymous, count=s.count,
                         anonymity_reason=s.anonymity_reason, party=s.party_id,
                         quotes=quotes(s.evidence))
                    for n, s in enumerate(brief.sources, start=1)],
        "claims": [item(n, "c", c.id, statement=c.statement, source=c.source_id,
                        attribution=attribution(c.source_id, c.attribution),
                        quotes=quotes(c.evidence))
                   for n, c in enumerate(brief.claims, start=1)],
        "unknowns": [item(n, "u", u.id, statement=u.statement, quotes=quotes(u.evidence))
                     for n, u in enumerate(brief.unknowns, start=1)],
        "questions": [{"question": q.question, **({"based_on": q.based_on} if q.based_on else {})}
                      for q in brief.open_questions],
    }  # fmt: skip
    answer.update({name: items for name, items in lists.items() if items})
    return answer


# --------------------------------------------------------------------------- #
# The schema the model sees
# --------------------------------------------------------------------------- #

DROPPED_KEYWORDS = frozenset({"title", "description", "default"})


def compact_schema(node: Any, root: bool = True, defs: dict[str, Any] | None = None) -> Any:
    """The JSON Schema as typed structure: every definition inlined, no titles,
    descriptions or defaults; ``anyOf`` of plain types becomes a list of types.

    The root title and description stay (they name the tool). Still complete:
    ``openai``'s ``to_strict_json_schema`` and grammar builders can use it.
    """
    if defs is None and isinstance(node, dict):
        defs = node.get("$defs", {})
    if isinstance(node, list):
        return [compact_schema(item, False, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and defs is not None:
        return compact_schema(defs[node["$ref"].rsplit("/", 1)[-1]], False, defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if (key in DROPPED_KEYWORDS and not root) or key == "$defs":
            continue
        if key == "properties":  # a map of names to schemas
            out[key] = {name: compact_schema(sub, False, defs) for name, sub in value.items()}
        else:
            out[key] = compact_schema(value, False, defs)
    options = out.get("anyOf")
    if isinstance(options, list) and all(
        isinstance(o, dict) and set(o) == {"type"} for o in options
    ):
        out.pop("anyOf")
        out["type"] = [o["type"] for o in options]
    if "enum" in out:
        out.pop("type", None)
    return out


def typed_schema() -> dict[str, Any]:
    """The draft's full schema, compact: for grammars and strict modes, not for the prompt."""
    return copy.deepcopy(_typed_schema())


@cache
def _typed_schema() -> dict[str, Any]:
    schema: dict[str, Any] = compact_schema(DraftBrief.model_json_schema())
    schema["title"] = "Brief"
    return schema


def prompt_schema() -> dict[str, Any]:
    """The schema the model is shown: the answer's top-level shape only.

    Instructor pastes the schema into the prompt (indented: about 4 tokens a
    line) on every call. What each list holds, key by key, is said once, in
    the system prompt, with an example; so the schema adds only the shape.
    """
    lists = {name: {"type": "array"} for name in LISTS}
    return {
        "title": "Brief",
        "description": "A brief of the article.",
        "type": "object",
        "properties": {"summary": {"type": "string"}, **lists},
    }


class Brief(DraftBrief):
    """A brief of the article. Ids link items; every quote is verbatim from the article."""

    @model_validator(mode="after")
    def _checked(self, info: ValidationInfo) -> Brief:
        checker = (info.context or {}).get("checker", CHECKER.get())
        if isinstance(checker, Checker):
            problems = checker.problems(self)
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """What instructor shows the model: ``prompt_schema``; with arguments, pydantic's
        schema in compact form (see ``typed_schema``)."""
        if args or kwargs:
            return dict(compact_schema(super().model_json_schema(*args, **kwargs)))
        return prompt_schema()


# --------------------------------------------------------------------------- #
# The check every answer must pass
# --------------------------------------------------------------------------- #


class Checker:
    """Validation against one article.

    Re-asks cost a whole answer, so only an answer holding no brief at all is
    re-asked. Unfound quotes are asked for again item by item (``requote``);
    everything else is mended or dropped with a warning by ``convert``.
    """

    def __init__(self, article: str) -> None:
        self.grounder = Grounder(article)
        self.notes: list[str] = []  # what reading the last answer mended or dropped
        self._found: dict[str, Evidence | None] = {}

    def evidence(self, quote: str) -> Evidence | None:
        """Where ``quote`` is in the article (remembered: answers repeat quotes)."""
        if quote not in self._found:
            self._found[quote] = self.grounder.evidence(quote)
        return self._found[quote]

    def problems(self, draft: DraftBrief) -> list[str]:
        """What is wrong with ``draft``, as the re-ask tells the model; empty when usable."""
        if draft.is_empty():
            hint = "; ".join(self.notes[:3]) or "no summary and no items"
            return [f"The answer holds no brief ({hint}). Answer with the brief's JSON object."]
        return []
