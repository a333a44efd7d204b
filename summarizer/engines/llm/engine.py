"""The LLM engine: any OpenAI-compatible endpoint, via ``openai`` + ``instructor``.

One model call per article piece:

* the prompt is the system template, then the user template with the article
  inserted by plain replacement just before the HTTP call (``prompts``): given
  a validation context, instructor renders messages as Jinja templates, and
  the article must never be one;
* instructor asks for a ``DraftBrief`` (tool call or JSON, per mode) and
  re-asks with the validation error when the answer is invalid, has dangling
  ids, or quotes that are not in the article (those are re-asked once only);
* mode ``auto`` means tool calls on OpenAI; elsewhere JSON, constrained by a
  grammar built from the schema (``json_grammar``) when ``GET /v1/models``
  shows a llama.cpp server. That listing is read anyway when no model is
  given; when one is, it is probed once, and a failed probe means plain JSON;
* transport failures are retried underneath by ``summarizer.engines.llm.transport`` and never
  cost a re-ask;
* quotes become evidence with offsets from ``Grounder`` only; what cannot be
  grounded or resolved is dropped with a warning (also when salvaging the last
  answer after the re-asks ran out, or an answer cut off at ``max_tokens``).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast
from urllib.parse import urlparse

import instructor
import openai
import pydantic_core
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorRetryException,
    ResponseParsingError,
)
from instructor.core.hooks import Hooks
from pydantic import BaseModel, ValidationError, ValidationInfo, model_validator
from tenacity import AsyncRetrying, Retrying, retry_if_exception_type, stop_after_attempt

from summarizer.config import DEFAULT_OPENAI_MODEL, LLMSettings
from summarizer.engines import Engine, EngineIdentity
from summarizer.engines.llm.transport import MIN_REQUEST_SECONDS, Backoff, TransportPolicy
from summarizer.errors import ConfigError, ExtractionError, SummarizerError
from summarizer.grounding import Grounder
from summarizer.prompts import (
    ARTICLE_MARK,
    insert_article,
    prompt_version,
    reask_hint,
    system_message,
    user_message,
)
from summarizer.schema import (
    ArticleBrief,
    Claim,
    DraftBrief,
    DraftClaim,
    DraftParty,
    DraftQuestion,
    DraftSource,
    DraftUnknown,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
    Usage,
    reference_problems,
)
from summarizer.text import clip, text_warnings

# instructor logs each failed attempt at ERROR; we report failures ourselves.
logging.getLogger("instructor").addHandler(logging.NullHandler())

OPENAI_URL = "https://api.openai.com/v1"
DUMMY_KEY = "sk-no-key-needed"  # local servers want some key and ignore it
MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_grammar": instructor.Mode.JSON,  # plus the schema in response_format: see _request
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
# What /v1/models says in owned_by on llama-cpp-python's server and on llama.cpp's
# llama-server: both constrain JSON answers to a schema sent in response_format.
LLAMA_CPP_OWNERS = frozenset({"me", "llamacpp"})
PROBE_TIMEOUT = 10.0  # seconds for the one GET /v1/models that picks auto's mode
PARSE_ERRORS = (ValidationError, json.JSONDecodeError, ResponseParsingError)
NO_ENDPOINT = (
    "no LLM endpoint configured: set OPENAI_BASE_URL (e.g. http://localhost:11434/v1) "
    "or OPENAI_API_KEY, or pass --base-url"
)


# --------------------------------------------------------------------------- #
# The model instructor fills, with a validator that checks ids and quotes
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


def draft_quotes(draft: DraftBrief) -> list[str]:
    return [
        q
        for group in (draft.sources, draft.claims, draft.unknowns)
        for i in group
        for q in i.evidence
    ]


class Checker:
    """Validation against one article; quotes failing to ground are re-asked once only."""

    def __init__(self, article: str, grounding_reasks: int = 1) -> None:
        self.grounder = Grounder(article)
        self.grounding_reasks = grounding_reasks
        self._found: dict[str, Evidence | None] = {}

    def evidence(self, quote: str) -> Evidence | None:
        if quote not in self._found:
            self._found[quote] = self.grounder.evidence(quote)
        return self._found[quote]

    def problems(self, draft: DraftBrief) -> list[str]:
        problems = reference_problems(draft)
        missing = [q for q in draft_quotes(draft) if self.evidence(q) is None]
        if missing and self.grounding_reasks > 0:
            self.grounding_reasks -= 1
            problems.append(reask_hint([clip(q) for q in missing[:8]]))
        return problems


def describe(error: BaseException) -> str:
    """A validation error on one short line: ``field: message`` for its first problems."""
    if isinstance(error, ValidationError):
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}"
            for e in error.errors()[:3]
        ]
        return clip("; ".join(problems), 200)
    return clip(str(error), 200)


# --------------------------------------------------------------------------- #
# From draft to brief: ground quotes, drop what cannot stand, record why
# --------------------------------------------------------------------------- #


@dataclass
class Parts:
    """An ArticleBrief's content before meta is known."""

    summary: str
    parties: list[Party] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    open_questions: list[OpenQuestion] = field(default_factory=list)


def ground(
    quotes: list[str], owner: str, checker: Checker, offset: int, warnings: list[str]
) -> list[Evidence]:
    found: list[Evidence] = []
    for quote in quotes:
        ev = checker.evidence(quote)
        if ev is None:
            warnings.append(f"{owner}: dropped a quote not found in the article: {clip(quote)!r}")
            continue
        shifted = Evidence(text=ev.text, start=ev.start + offset, end=ev.end + offset)
        if shifted not in found:
            found.append(shifted)
    return found


def to_parts(draft: DraftBrief, checker: Checker, offset: int, warnings: list[str]) -> Parts:
    """Ground every quote; claims and unknowns left without evidence are dropped."""
    parts = Parts(summary=draft.summary)
    parts.parties = [
        Party(id=p.id, name=p.name, kind=p.kind, aliases=p.aliases) for p in draft.parties
    ]
    for s in draft.sources:
        parts.sources.append(
            Source(
                id=s.id, label=s.label, anonymous=s.anonymous, party_id=s.party_id,
                count=s.count if s.count and s.count >= 1 else None,
                anonymity_reason=s.anonymity_reason,
                evidence=ground(s.evidence, f"source {s.id}", checker, offset, warnings),
            )
        )  # fmt: skip
    for c in draft.claims:
        evidence = ground(c.evidence, f"claim {c.id}", checker, offset, warnings)
        if not evidence:
            warnings.append(f"claim {c.id} dropped: no quote from the article supports it")
            continue
        parts.claims.append(
            Claim(id=c.id, statement=c.statement, source_id=c.source_id,
                  attribution=c.attribution, evidence=evidence)
        )  # fmt: skip
    for u in draft.unknowns:
        evidence = ground(u.evidence, f"unknown {u.id}", checker, offset, warnings)
        if not evidence:
            warnings.append(f"unknown {u.id} dropped: no quote from the article supports it")
            continue
        parts.unknowns.append(Unknown(id=u.id, statement=u.statement, evidence=evidence))
    parts.open_questions = [
        OpenQuestion(question=q.question, based_on=q.based_on) for q in draft.open_questions
    ]
    resolve_references(parts, warnings)
    return parts


def resolve_references(parts: Parts, warnings: list[str]) -> None:
    """Drop duplicate ids and dangling references, keeping each item where it still makes sense."""
    seen: set[str] = set()

    def unique(items: list[Any], kind: str) -> list[Any]:
        kept = []
        for item in items:
            if item.id in seen:
                warnings.append(f"{kind} {item.id} dropped: its id is used twice")
                continue
            seen.add(item.id)
            kept.append(item)
        return kept

    parts.parties = unique(parts.parties, "party")
    parts.sources = unique(parts.sources, "source")
    parts.claims = unique(parts.claims, "claim")
    parts.unknowns = unique(parts.unknowns, "unknown")
    party_ids = {p.id for p in parts.parties}
    source_ids = {s.id for s in parts.sources}
    for source in parts.sources:
        if source.party_id is not None and source.party_id not in party_ids:
            warnings.append(f"source {source.id}: removed link to unknown party {source.party_id}")
            source.party_id = None
    kept_claims = []
    for claim in parts.claims:
        if claim.source_id is not None and claim.source_id not in source_ids:
            warnings.append(f"claim {claim.id} dropped: it names unknown source {claim.source_id}")
        else:
            kept_claims.append(claim)
    parts.claims = kept_claims
    targets = source_ids | {c.id for c in parts.claims} | {u.id for u in parts.unknowns}
    for question in parts.open_questions:
        dangling = [ref for ref in question.based_on if ref not in targets]
        if dangling:
            warnings.append(
                f"open question {clip(question.question, 40)!r}: removed unknown ids {dangling}"
            )
            question.based_on = [ref for ref in question.based_on if ref in targets]


# --------------------------------------------------------------------------- #
# Salvage: what can be read from an answer that never validated
# --------------------------------------------------------------------------- #


def answer_text(response: Any) -> str:
    choices = getattr(response, "choices", None) or []
    if not choices:
        return ""
    message = choices[0].message
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments or "")
    return str(message.content or "")


def parse_object(text: str) -> dict[str, Any] | None:
    """The JSON object in ``text``, complete or cut off; None when there is none."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError:
        try:
            value = pydantic_core.from_json(
                text[start:].rstrip().removesuffix("```"), allow_partial="trailing-strings"
            )
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


SALVAGE_LISTS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("parties", DraftParty),
    ("sources", DraftSource),
    ("claims", DraftClaim),
    ("unknowns", DraftUnknown),
    ("open_questions", DraftQuestion),
)


def salvage_draft(data: dict[str, Any], warnings: list[str]) -> DraftBrief:
    """Keep every item of ``data`` that validates on its own."""
    summary = data.get("summary")
    if not isinstance(summary, str):
        warnings.append("the answer had no summary")
        summary = ""
    kept: dict[str, list[Any]] = {}
    for key, model in SALVAGE_LISTS:
        items = data.get(key)
        kept[key] = []
        for number, item in enumerate(items if isinstance(items, list) else [], start=1):
            try:
                kept[key].append(model.model_validate(item))
            except ValidationError as error:
                problem = error.errors()[0]
                where = ".".join(str(p) for p in problem["loc"]) or "item"
                warnings.append(f"{key} item {number} dropped: {where}: {problem['msg']}")
    return DraftBrief(summary=summary, **kept)


def salvage(responses: list[Any], warnings: list[str]) -> DraftBrief | None:
    """The valid items of the last answer holding a JSON object; None if none does."""
    for response in reversed(responses):
        data = parse_object(answer_text(response))
        if data is not None:
            return salvage_draft(data, warnings)
    return None


# --------------------------------------------------------------------------- #
# The engine
# --------------------------------------------------------------------------- #


@dataclass
class Tally:
    """What one piece's model calls cost, counted from every raw response."""

    usage: Usage = field(default_factory=Usage)
    responses: list[Any] = field(default_factory=list)

    def record(self, response: Any) -> None:
        self.responses.append(response)
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
                total_tokens=usage.total_tokens or 0,
            )


@dataclass
class Piece:
    text: str
    start: int
    number: int
    count: int


@dataclass
class PieceResult:
    parts: Parts
    tally: Tally
    warnings: list[str]


def is_openai(url: str) -> bool:
    return urlparse(url).hostname == "api.openai.com"


def is_llama_cpp(models: list[Any]) -> bool:
    """Whether a /v1/models listing comes from a llama.cpp server."""
    return any(getattr(m, "owned_by", None) in LLAMA_CPP_OWNERS for m in models)


def pick_mode(mode: str, url: str) -> instructor.Mode:
    if mode == "auto":
        return instructor.Mode.TOOLS if is_openai(url) else instructor.Mode.JSON
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}: use auto, {', '.join(MODES)}")
    return MODES[mode]


def prompt_messages(part: int = 1, parts: int = 1) -> list[dict[str, Any]]:
    """The conversation before instructor adds its schema; the article is still a mark."""
    return [
        {"role": "system", "content": system_message()},
        {"role": "user", "content": user_message(part, parts)},
    ]


def with_article(kwargs: dict[str, Any], article: str) -> dict[str, Any]:
    """A copy of the request with the article put where the user template left its mark."""
    messages = [
        {**m, "content": insert_article(m["content"], article)}
        if isinstance(m.get("content"), str) and ARTICLE_MARK in m["content"]
        else m
        for m in kwargs["messages"]
    ]
    return {**kwargs, "messages": messages}


class LLMEngine(Engine):
    """Briefs articles with a model behind an OpenAI-compatible endpoint."""

    name = "llm"

    def __init__(
        self, settings: LLMSettings | None = None, *, backoff: Backoff | None = None
    ) -> None:
        settings = settings or LLMSettings.from_env()
        if not settings.configured:
            raise ConfigError(NO_ENDPOINT)
        self.settings = settings
        self.url = (settings.base_url or OPENAI_URL).rstrip("/")
        self.mode = pick_mode(settings.mode, self.url)
        self.grammar = settings.mode == "json_grammar"
        self._detect = settings.mode == "auto" and not is_openai(self.url)  # llama.cpp?
        self.model = settings.model or (DEFAULT_OPENAI_MODEL if is_openai(self.url) else None)
        self.policy = TransportPolicy(
            self.url,
            max_attempts=settings.max_attempts,
            total_timeout=settings.total_timeout,
            request_timeout=settings.timeout,
            backoff=backoff,
        )
        self._client: openai.OpenAI | None = None
        self._aclient: openai.AsyncOpenAI | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None

    # ---------------------------------------------------------------- clients

    def _client_options(self) -> dict[str, Any]:
        return {
            "base_url": self.url,
            "api_key": self.settings.api_key or DUMMY_KEY,
            "timeout": self.settings.timeout,
            "max_retries": 0,  # transport retries are ours (summarizer.engines.llm.transport)
        }

    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = openai.OpenAI(**self._client_options())
        return self._client

    def aclient(self) -> openai.AsyncOpenAI:
        """The async client of the running event loop: pooled connections belong to one loop."""
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            self._aclient = openai.AsyncOpenAI(**self._client_options())
            self._aclient_loop = loop
        return self._aclient

    def _learn_server(self, models: list[Any]) -> None:
        """In auto mode, a llama.cpp server gets JSON constrained to the schema by a grammar."""
        if self._detect and is_llama_cpp(models):
            self.grammar = True
        self._detect = False

    def _pick_model(self, models: list[Any]) -> str:
        self._learn_server(models)
        ids = [m.id for m in models]
        if not ids:
            raise ConfigError(
                f"no model given and {self.url}/models lists none: "
                "pass --model or set SUMMARIZER_MODEL"
            )
        self.model = ids[0]
        return self.model

    def _probe_timeout(self, deadline: float) -> float:
        """One try, leaving at least half of the brief's budget for the model call."""
        left = max(deadline - time.monotonic(), MIN_REQUEST_SECONDS)
        return min(PROBE_TIMEOUT, self.settings.timeout, left / 2)

    def resolve_model(self, deadline: float | None = None) -> str:
        deadline = self.policy.deadline() if deadline is None else deadline
        if self.model and self._detect:  # one try, no retries: a failure means plain JSON
            try:
                listing = self.client().models.list(timeout=self._probe_timeout(deadline))
                self._learn_server(listing.data)
            except openai.OpenAIError:
                self._detect = False
        if self.model:
            return self.model

        def listed(timeout: float) -> list[Any]:
            try:
                return list(self.client().models.list(timeout=timeout).data)
            except openai.NotFoundError:
                return []

        return self._pick_model(self.policy.call(listed, deadline=deadline))

    async def aresolve_model(self, deadline: float | None = None) -> str:
        deadline = self.policy.deadline() if deadline is None else deadline
        if self.model and self._detect:  # as in resolve_model
            try:
                listing = await self.aclient().models.list(timeout=self._probe_timeout(deadline))
                self._learn_server(listing.data)
            except openai.OpenAIError:
                self._detect = False
        if self.model:
            return self.model

        async def listed(timeout: float) -> list[Any]:
            try:
                return list((await self.aclient().models.list(timeout=timeout)).data)
            except openai.NotFoundError:
                return []

        return self._pick_model(await self.policy.acall(listed, deadline=deadline))

    async def identify(self) -> EngineIdentity:
        """Without a model given, the server is asked which it serves: the name must be real."""
        model = await self.aresolve_model()
        return EngineIdentity(self.name, model=model, prompt_version=prompt_version())

    # ---------------------------------------------------------------- requests

    def _request(self, piece: Piece, model: str, checker: Checker, tally: Tally) -> dict[str, Any]:
        hooks = Hooks()
        hooks.on("completion:response", tally.record)
        request: dict[str, Any] = {
            "response_model": Brief,
            "messages": prompt_messages(piece.number, piece.count),
            "model": model,
            "context": {"article": piece.text, "checker": checker},
            "strict": False,
            "hooks": hooks,
            "temperature": self.settings.temperature,
        }
        if self.settings.max_tokens is not None:
            request["max_tokens"] = self.settings.max_tokens
        if self.grammar:
            # instructor's JSON mode sends {"type": "json_object"}; llama.cpp servers also
            # read a "schema" there and constrain decoding to it. extra_body is merged into
            # the request body last, so this response_format replaces instructor's.
            schema = Brief.model_json_schema()
            request["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        return request

    def _reask_stop(self) -> Any:
        return stop_after_attempt(1 + max(0, self.settings.max_reasks))

    def _call(self, piece: Piece, model: str, deadline: float) -> PieceResult:
        checker, tally = Checker(piece.text), Tally()
        client = self.client()

        def transport(**kwargs: Any) -> Any:
            ready = with_article(kwargs, piece.text)
            return self.policy.call(
                lambda timeout: client.chat.completions.create(**ready, timeout=timeout),
                model=model,
                deadline=deadline,
            )

        create = instructor.patch(create=transport, mode=self.mode)
        reasks = Retrying(
            stop=self._reask_stop(), retry=retry_if_exception_type(PARSE_ERRORS), reraise=True
        )
        try:
            draft = create(max_retries=reasks, **self._request(piece, model, checker, tally))
        except (IncompleteOutputException, InstructorRetryException) as error:
            return self._recover(error, piece, checker, tally)
        return self._result(draft, piece, checker, tally, [])

    async def _acall(self, piece: Piece, model: str, deadline: float) -> PieceResult:
        checker, tally = Checker(piece.text), Tally()
        client = self.aclient()

        async def transport(**kwargs: Any) -> Any:
            ready = with_article(kwargs, piece.text)
            return await self.policy.acall(
                lambda timeout: client.chat.completions.create(**ready, timeout=timeout),
                model=model,
                deadline=deadline,
            )

        create = instructor.patch(create=transport, mode=self.mode)
        reasks = AsyncRetrying(
            stop=self._reask_stop(), retry=retry_if_exception_type(PARSE_ERRORS), reraise=True
        )
        try:
            draft = await create(
                max_retries=cast(Any, reasks), **self._request(piece, model, checker, tally)
            )
        except (IncompleteOutputException, InstructorRetryException) as error:
            return self._recover(error, piece, checker, tally)
        return self._result(draft, piece, checker, tally, [])

    def _result(
        self, draft: DraftBrief, piece: Piece, checker: Checker, tally: Tally, warnings: list[str]
    ) -> PieceResult:
        parts = to_parts(draft, checker, piece.start, warnings)
        return PieceResult(parts, tally, warnings)

    def _recover(
        self, error: Exception, piece: Piece, checker: Checker, tally: Tally
    ) -> PieceResult:
        """After a cut-off answer or exhausted re-asks: salvage, or explain the failure."""
        cause = error.__cause__
        if isinstance(cause, SummarizerError):  # transport failure raised inside the loop
            raise cause from None
        last_error = describe(cause or error)
        warnings: list[str] = []
        if isinstance(error, IncompleteOutputException):
            limit = self.settings.max_tokens
            warnings.append(
                f"the model's answer was cut off at max_tokens={limit}: raise max_tokens; "
                "kept what could be read"
            )
        else:
            warnings.append(
                f"no valid answer after {len(tally.responses)} attempts; kept the valid parts "
                f"of the last one (last error: {last_error})"
            )
        draft = salvage(tally.responses, warnings)
        if draft is None:
            raise ExtractionError(
                f"the model at {self.url} gave no usable brief in {len(tally.responses)} "
                f"attempts (last error: {last_error}): try another --mode or a stronger model"
            )
        return self._result(draft, piece, checker, tally, warnings)

    # ---------------------------------------------------------------- articles

    def pieces(self, text: str) -> list[Piece]:
        """The whole article, or overlapping chunks when it is longer than ``chunk_tokens``.

        Tokens are estimated as characters / 4 (``chunking.estimate_tokens``): close
        enough for English with BPE tokenizers, and it needs no tokenizer.
        """
        from summarizer.text import estimate_tokens, split_article

        if estimate_tokens(text) <= self.settings.chunk_tokens:
            return [Piece(text, 0, 1, 1)]
        chunks = split_article(
            text,
            max_tokens=self.settings.chunk_tokens,
            overlap_sentences=self.settings.chunk_overlap_sentences,
        )
        return [Piece(c.text, c.start, n, len(chunks)) for n, c in enumerate(chunks, start=1)]

    def brief(self, text: str) -> ArticleBrief:
        """Brief one article. ``settings.total_timeout`` bounds all its requests together."""
        started, deadline = time.perf_counter(), self.policy.deadline()
        model = self.resolve_model(deadline)
        pieces = self.pieces(text)
        if len(pieces) == 1:
            results = [self._call(pieces[0], model, deadline)]
        else:
            workers = max(1, min(self.settings.concurrency, len(pieces)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(lambda piece: self._call(piece, model, deadline), pieces))
        return self._assemble(text, pieces, results, model, started)

    async def abrief(self, text: str) -> ArticleBrief:
        started, deadline = time.perf_counter(), self.policy.deadline()
        model = await self.aresolve_model(deadline)
        pieces = self.pieces(text)
        gate = asyncio.Semaphore(max(1, self.settings.concurrency))

        async def one(piece: Piece) -> PieceResult:
            async with gate:
                return await self._acall(piece, model, deadline)

        results = await asyncio.gather(*(one(piece) for piece in pieces))
        return self._assemble(text, pieces, list(results), model, started)

    def _assemble(
        self, text: str, pieces: list[Piece], results: list[PieceResult], model: str, started: float
    ) -> ArticleBrief:
        briefs = [self._piece_brief(p, r, model) for p, r in zip(pieces, results, strict=True)]
        if len(briefs) == 1:
            brief = briefs[0]
        else:
            from summarizer.engines.llm.merge import merge_briefs

            brief = merge_briefs(text, briefs)
        brief.meta.chunks = len(pieces)
        brief.meta.seconds = round(time.perf_counter() - started, 3)
        brief.meta.warnings[:0] = text_warnings(text, english_only=False)
        return brief

    def _piece_brief(self, piece: Piece, result: PieceResult, model: str) -> ArticleBrief:
        prefix = f"part {piece.number}/{piece.count}: " if piece.count > 1 else ""
        meta = Meta(
            engine="llm",
            model=model,
            prompt_version=prompt_version(),
            usage=result.tally.usage,
            attempts=len(result.tally.responses),
            warnings=[prefix + w for w in result.warnings],
        )
        return ArticleBrief(**vars(result.parts), meta=meta)
