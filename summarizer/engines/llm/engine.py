"""The LLM engine: any OpenAI-compatible endpoint, via ``openai`` + ``instructor``.

One model call per article piece (the whole article, or overlapping chunks of
a long one, briefed concurrently and merged by ``merge``):

* the prompt is the system template, then the user template with the article
  inserted by plain replacement just before the HTTP call (``prompts``): given
  a validation context, instructor renders messages as Jinja templates, and
  the article must never be one;
* instructor asks for a ``draft.Brief`` (tool call or JSON, per ``modes``) and
  re-asks with the validation error when the answer is not JSON or holds no
  brief; claims and unknowns whose quotes are not in the article are asked
  for again in one small request naming only them (``requote``);
* transport failures are retried underneath by ``transport`` and never cost
  a re-ask;
* quotes become evidence with offsets from ``Grounder`` only (``convert``);
  what cannot be grounded or resolved is dropped with a warning, also when
  ``salvage`` reads the last answer after the re-asks ran out, or an answer
  cut off at ``max_tokens``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, cast

import instructor
import openai
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorRetryException,
    ResponseParsingError,
)
from instructor.core.hooks import Hooks
from pydantic import ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from summarizer.config import DEFAULT_OPENAI_MODEL, LLMSettings, Mode
from summarizer.engines import Engine, EngineIdentity
from summarizer.engines.llm import requote, sizing
from summarizer.engines.llm.convert import to_parts
from summarizer.engines.llm.draft import Brief, Checker, DraftBrief, checking
from summarizer.engines.llm.merge import merge_briefs
from summarizer.engines.llm.modes import (
    OPENAI_URL,
    Server,
    extra_body,
    is_openai,
    parse_mode,
    probe,
    recognise,
    schema_model,
    unrecognised,
)
from summarizer.engines.llm.pieces import Piece, PieceResult, Tally, progress_for
from summarizer.engines.llm.salvage import recover
from summarizer.engines.llm.streaming import (
    StreamBroke,
    mark_cut_off,
    prompt_estimate,
    rejects_stream_options,
    stream_chat,
)
from summarizer.engines.llm.transport import (
    Backoff,
    ClientPool,
    ContextExceeded,
    TransportPolicy,
)
from summarizer.errors import ConfigError, EndpointError
from summarizer.prompts import (
    ARTICLE_MARK,
    insert_article,
    prompt_version,
    system_message,
    user_message,
)
from summarizer.schema import ArticleBrief, Meta
from summarizer.text import clip, estimate_tokens, split_article, text_warnings

# instructor logs each failed attempt at ERROR; we report failures ourselves.
logging.getLogger("instructor").addHandler(logging.NullHandler())



DUMMY_KEY = "sk-no-key-needed"  # local servers want some key and ignore it
PARSE_ERRORS = (ValidationError, json.JSONDecodeError, ResponseParsingError)
REQUOTE_ERRORS = (*PARSE_ERRORS, IncompleteOutputException, InstructorRetryException, EndpointError)
log = logging.getLogger("summarizer.llm")


NO_ENDPOINT = (
    "no LLM endpoint configured: set OPENAI_BASE_URL (e.g. http://localhost:11434/v1) "
    "or OPENAI_API_KEY, or pass --base-url"
)


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
    """Briefs articles with a model behind an OpenAI-compatible endpoint.

    ``abrief`` is the implementation; ``brief`` (from ``Engine``) runs it to its
    end from blocking code. One engine may brief many articles, concurrently too.
    """

    name = "llm"

    def __init__(
        self, settings: LLMSettings | None = None, *, backoff: Backoff | None = None
    ) -> None:
        """Configure from ``settings`` (default: the environment); no request is made yet.

        ``backoff`` tunes the waits between transport retries. ConfigError when no
        endpoint is configured or the mode is unknown.
        """
        settings = settings or LLMSettings.from_env()
        if not settings.configured:
            raise ConfigError(NO_ENDPOINT)
        self.settings = settings
        self.url = (settings.base_url or OPENAI_URL).rstrip("/")
        # The mode asked for; ``form``: the one requests are made in (auto's is per server).
        self.setting = parse_mode(settings.mode)
        self.server: Server | None = Server.openai if is_openai(self.url) else None
        auto = self.setting is Mode.auto
        self.form = (self.server or Server.unknown).auto_mode if auto else self.setting
        self._detect = auto and self.server is None  # which server? asked before the first brief
        self.notes: list[str] = []  # about the mode chosen, for every brief's meta.warnings
        self.model = settings.model or (DEFAULT_OPENAI_MODEL if is_openai(self.url) else None)
        self.policy = TransportPolicy(
            self.url,
            max_attempts=settings.max_attempts,
            total_timeout=settings.total_timeout,
            request_timeout=settings.timeout,
            backoff=backoff,
            stall_timeout=settings.stall_timeout,
        )
        self.window: int | None = None  # the server's context window, when it reports one
        self._window_asked = is_openai(self.url)  # OpenAI's windows dwarf any article
        self._stream_usage = True  # False once the server refused stream_options
        self._prompt_size: int | None = None
        #: Called with the number of answer tokens that just arrived (batch's progress).
        self.on_tokens: Callable[[int], None] | None = None
        #: Batch API hook (``batch.openai_batch``): an answer for a request, or None to send it.
        self.send: Callable[[dict[str, Any], Piece], Awaitable[Any]] | None = None
        self.clients = ClientPool(
            base_url=self.url,
            api_key=settings.api_key or DUMMY_KEY,
            timeout=settings.timeout,
            max_retries=0,  # transport retries are ours (TransportPolicy)
        )

    # ---------------------------------------------------------------- the server

    @property
    def mode(self) -> instructor.Mode:
        """The instructor mode that builds requests and reads answers."""
        return cast(instructor.Mode, self.form.parser)

    async def resolve_model(self, deadline: float | None = None) -> str:
        """The model to ask: the one configured, or else the first the server lists.

        In auto mode off OpenAI this also learns which server it is, and so the
        mode (from that listing, or from ``GET /v1/models`` tries when a model is
        given). Both are remembered. Requests end by ``deadline`` (default: the
        budget, starting now).
        """
        if self.model and not self._detect:
            return self.model
        deadline = self.policy.deadline() if deadline is None else deadline
        async with self.clients.client() as client:
            if self.model:
                await self._probe(client, deadline)
                return self.model

            async def listed(timeout: float) -> list[Any]:
                try:
                    return list((await client.models.list(timeout=timeout)).data)
                except openai.NotFoundError:
                    return []

            return self._pick_model(await self.policy.call(listed, deadline=deadline))

    async def identify(self) -> EngineIdentity:
        """Name, model and prompt version; without a model given, the server says which."""
        model = await self.resolve_model()
        return EngineIdentity(self.name, model=model, prompt_version=prompt_version())

    async def _probe(self, client: openai.AsyncOpenAI, deadline: float) -> None:
        """``GET /v1/models`` (``modes.probe``); on failure, the port or plain JSON."""
        models, failure = await probe(client, deadline, self.settings.timeout)
        self._learn_server(models, failure=failure and f"GET {self.url}/models: {failure}")

    def _learn_server(self, models: list[Any], failure: str | None = None) -> None:
        """In auto mode, recognise the server and use its mode (plain JSON when unknown)."""
        if not self._detect:
            return
        self.server = recognise(self.url, models)
        self.form = self.server.auto_mode
        if self.server is Server.unknown:
            self.notes = [unrecognised(failure)]
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

    # ---------------------------------------------------------------- one piece

    def _request(self, piece: Piece, model: str, tally: Tally) -> dict[str, Any]:
        hooks = Hooks()
        hooks.on("completion:response", tally.record)
        request: dict[str, Any] = {
            "response_model": Brief,
            "messages": prompt_messages(piece.number, piece.count),
            "model": model,
            "strict": False,
            "hooks": hooks,
            "temperature": self.settings.temperature,
        }
        if self.settings.max_tokens is not None:
            request["max_tokens"] = self.settings.max_tokens
        if (extra := extra_body(self.form, Brief)) is not None:  # the server's schema form
            request["extra_body"] = extra  # merged into the body last: replaces instructor's
        return request

    async def _call(
        self, client: openai.AsyncOpenAI, piece: Piece, model: str, deadline: float
    ) -> PieceResult:
        """Ask for the piece's brief, re-asking on invalid answers, salvaging after the last;
        then ask again for the quotes of items that would be lost (``requote``)."""
        checker, tally = Checker(piece.text), Tally()
        max_tokens = self.settings.max_tokens or self.answer_tokens(piece.text)
        create = self._create(client, piece, model, deadline, max_tokens)
        fix = partial(self._create, client, piece, model, deadline, max_tokens, learn=False)
        reasks = AsyncRetrying(
            stop=stop_after_attempt(1 + max(0, self.settings.max_reasks)),
            retry=retry_if_exception_type(PARSE_ERRORS),
            reraise=True,
        )
        warnings: list[str] = []
        request = self._request(piece, model, tally)
        request["response_model"] = schema_model(request["response_model"])  # built once
        try:
            with checking(checker):
                draft = await create(max_retries=cast(Any, reasks), **request)
            if self.settings.max_reasks > 0:  # not after a salvage: that model already failed
                draft = await self._requote(fix, draft, checker, model, tally, warnings)
        except (IncompleteOutputException, InstructorRetryException) as error:
            draft, warnings = recover(error, tally.responses, max_tokens=max_tokens, url=self.url)
        return PieceResult(to_parts(draft, checker, piece.start, warnings), tally, warnings)

    def _create(
        self,
        client: openai.AsyncOpenAI,
        piece: Piece,
        model: str,
        deadline: float,
        max_tokens: int,
        learn: bool = True,
    ) -> Callable[..., Any]:
        """instructor's ``create`` over our transport: the article put in, streamed, retried;
        with ``learn``, the size of the prompt around the article is remembered for sizing."""

        async def transport(**kwargs: Any) -> Any:
            ready = with_article(kwargs, piece.text)
            estimate = prompt_estimate(ready)
            if learn:
                self._prompt_size = estimate - estimate_tokens(piece.text)  # learnt
            fits = sizing.fit(max_tokens, self.window, estimate)
            ready.setdefault("max_tokens", fits)  # unless set
            if self.send is not None and (answer := await self.send(ready, piece)) is not None:
                return mark_cut_off(answer)
            try:
                response = await self.policy.call(
                    lambda timeout: self._stream(client, ready, timeout, piece),
                    model=model,
                    deadline=deadline,
                )
            except ContextExceeded as error:
                error.estimate = estimate  # beside the server's own count
                raise
            return mark_cut_off(response)  # whatever finish_reason says

        return cast(Callable[..., Any], instructor.patch(create=transport, mode=self.mode))

    async def _requote(
        self,
        fix: Callable[[], Callable[..., Any]],
        draft: DraftBrief,
        checker: Checker,
        model: str,
        tally: Tally,
        warnings: list[str],
    ) -> DraftBrief:
        """One small request for the quotes of the claims and unknowns none of whose quotes
        was found; the draft as it was when there are none, too many, or the request fails."""
        lost = requote.lost_items(draft, checker)
        if not lost or len(lost) > requote.MAX_ITEMS:
            return draft
        hooks = Hooks()
        hooks.on("completion:response", tally.record)
        request = requote.request(lost, self.form)
        request.update(model=model, strict=False, hooks=hooks)
        request["temperature"] = self.settings.temperature
        try:
            answer = await fix()(**request)
        except REQUOTE_ERRORS as error:
            failed = f"asking again for {len(lost)} items' quotes failed"
            warnings.append(f"{failed}: {clip(str(error))}")
            return draft
        mended, answered = requote.apply(draft, lost, answer)
        log.debug("requote: %d of %d items answered", answered, len(lost))
        return mended

    async def _stream(
        self, client: openai.AsyncOpenAI, request: dict[str, Any], timeout: float, piece: Piece
    ) -> Any:
        """One streamed request (``transport.stream_chat``), usage asked for where accepted."""
        options: dict[str, Any] = {
            "timeout": timeout,
            "stall_timeout": self.settings.stall_timeout,
            "on_tokens": self._progress(piece),
        }
        try:
            return await self._streamed(client, request, options)
        except StreamBroke as error:
            if error.tokens:
                raise
        # Broken before any answer: llama-cpp-python fails a prompt too long for its window
        # so, after a 200. Asked once unstreamed, a server answers or says why; once more if
        # that went on the connection the server had just closed.
        try:
            return await stream_chat(client, request, usage=False, stream=False, **options)
        except openai.APIConnectionError:
            return await stream_chat(client, request, usage=False, stream=False, **options)

    async def _streamed(
        self, client: openai.AsyncOpenAI, request: dict[str, Any], options: dict[str, Any]
    ) -> Any:
        """The streamed request, usage asked for unless this server refused it once."""
        if self._stream_usage:
            try:
                return await stream_chat(client, request, usage=True, **options)
            except openai.APIStatusError as error:
                if not rejects_stream_options(error):
                    raise
                self._stream_usage = False  # this server wants no stream_options: never again
        return await stream_chat(client, request, usage=False, **options)

    def _progress(self, piece: Piece) -> Callable[[int, float], None] | None:
        """What hears tokens arriving: the debug log (``-v``) and ``on_tokens``, if any."""
        return progress_for(piece, self.on_tokens, log)

    # ---------------------------------------------------------------- articles

    def answer_tokens(self, text: str) -> int:
        """``max_tokens`` for briefing ``text`` (``sizing.answer_tokens``)."""
        return sizing.answer_tokens(text, self.window, self._prompt_tokens())

    def chunk_tokens(self) -> int:
        """Article tokens per chunk: the setting, or ``sizing.chunk_tokens``."""
        if self.settings.chunk_tokens is not None:
            return self.settings.chunk_tokens
        return sizing.chunk_tokens(self.window, self._prompt_tokens(), self.settings.max_tokens)

    def _prompt_tokens(self) -> int:
        """Estimated tokens of the prompt around the article: measured on the last request,
        or before any, twice the templates and schema (instructor adds its own words)."""
        if self._prompt_size is None:
            schema = json.dumps(Brief.model_json_schema())
            return 2 * estimate_tokens(system_message() + user_message(2, 2) + schema)
        return self._prompt_size

    async def _learn_window(self, client: openai.AsyncOpenAI, deadline: float) -> None:
        """Once per engine: the context window from llama.cpp's ``GET /props``, if it answers."""
        if self._window_asked or self.settings.chunk_tokens is not None:
            return
        self._window_asked = True
        root = self.url.removesuffix("/v1")
        timeout = min(sizing.PROBE_TIMEOUT, max(deadline - time.monotonic(), 0.0) / 4)
        try:
            props = await client.get(
                f"{root}/props", cast_to=cast(Any, object), options={"timeout": timeout}
            )
        except (openai.OpenAIError, ValueError):
            return
        self.window = sizing.context_window(props)

    def pieces(self, text: str) -> list[Piece]:
        """The whole article, or overlapping chunks when it is longer than ``chunk_tokens()``.

        Tokens are estimated as characters / 4 (``summarizer.text.estimate_tokens``):
        close enough for English with BPE tokenizers, and it needs no tokenizer.
        """
        size = self.chunk_tokens()
        if estimate_tokens(text) <= size:
            return [Piece(text, 0, 1, 1)]
        chunks = split_article(
            text, max_tokens=size, overlap_sentences=self.settings.chunk_overlap_sentences
        )
        return [Piece(c.text, c.start, n, len(chunks)) for n, c in enumerate(chunks, start=1)]

    async def abrief(self, text: str) -> ArticleBrief:
        """Brief ``text``; every evidence offset indexes into it.

        Pieces are briefed at most ``settings.concurrency`` at a time, then merged;
        ``settings.total_timeout`` bounds all the brief's requests together.
        Raises EndpointError, ExtractionError or ConfigError with a one-line message.
        """
        started = time.perf_counter()
        async with self.clients.client() as client:
            deadline = self.policy.deadline()  # after the client (and its imports) are ready
            model = await self.resolve_model(deadline)
            await self._learn_window(client, deadline)
            notes: list[str] = []
            try:
                pieces, results = await self._brief_pieces(client, text, model, deadline)
            except ContextExceeded as error:
                window = error.window_in_estimates()
                if self.settings.chunk_tokens is not None or self.window == window:
                    raise
                self.window = window  # the server said it refusing: cut to fit, once
                notes.append(f"the server's context window is {error.window} tokens (said "
                             "when it refused the prompt): the article was cut to fit")  # fmt: skip
                pieces, results = await self._brief_pieces(client, text, model, deadline)
        brief = self._assemble(text, pieces, results, model, started)
        brief.meta.warnings[:0] = notes
        return brief

    async def _brief_pieces(
        self, client: openai.AsyncOpenAI, text: str, model: str, deadline: float
    ) -> tuple[list[Piece], list[PieceResult]]:
        """The article's pieces and each one's result, at most ``concurrency`` at a time."""
        pieces = self.pieces(text)
        gate = asyncio.Semaphore(max(1, self.settings.concurrency))

        async def one(piece: Piece) -> PieceResult:
            async with gate:
                return await self._call(client, piece, model, deadline)

        tasks = [asyncio.ensure_future(one(piece)) for piece in pieces]
        try:
            return pieces, list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:  # they would go on using a client that closes now
                task.cancel()
            raise

    def _assemble(
        self, text: str, pieces: list[Piece], results: list[PieceResult], model: str, started: float
    ) -> ArticleBrief:
        briefs = [self._piece_brief(p, r, model) for p, r in zip(pieces, results, strict=True)]
        brief = briefs[0] if len(briefs) == 1 else merge_briefs(text, briefs)
        brief.meta.chunks = len(pieces)
        brief.meta.seconds = round(time.perf_counter() - started, 3)
        brief.meta.warnings[:0] = [*self.notes, *text_warnings(text, english_only=False)]
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
