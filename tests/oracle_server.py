"""An oracle: an OpenAI-compatible server on loopback that answers with the labels.

Each chat request carries an article (or a chunk of one) between ``<article>``
delimiters. The oracle finds the eval case whose article holds that text and
answers with the case's hand-labelled brief, restricted to what the chunk
contains, written in the engine's own draft format for the mode the request
uses (a tool call, or JSON content). A perfect model, in other words: whatever
the engine then loses is the pipeline's fault.

With ``perturb=True`` the answers carry the mistakes real models make (see
``PERTURBATIONS``), chosen deterministically per case, so the pipeline's
tolerance is measured too. Shared by ``benchmarks/oracle_eval.py`` and the tests.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import Loopback
from scripted_server import Reply, completion

from summarizer.engines.llm.draft import answer_for
from summarizer.evaluation.cases import THE_ARTICLE, Case
from summarizer.evaluation.matching import locate
from summarizer.schema import (
    ArticleBrief,
    Claim,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
)
from summarizer.spans import CharInterval

_ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)
_ASKED = re.compile(r'^- ([cu]\d+): "(.*)" \(quotes tried: ', re.MULTILINE)


# --------------------------------------------------------------------------- #
# The labels as a brief
# --------------------------------------------------------------------------- #


def _evidence(article: str, quotes: list[str]) -> list[Evidence]:
    found = []
    for quote in quotes:
        places = locate(article, quote)
        if places:
            found.append(Evidence.at(article, places[0]))
    return found


def gold_brief(case: Case, article: str) -> ArticleBrief:
    """The case's labels as a brief of ``article``: ids assigned, quotes located."""
    expect = case.expect
    parties = [
        Party(id=f"p{n}", name=p.name, kind=p.kind or "other", aliases=p.aliases)
        for n, p in enumerate(expect.parties, start=1)
    ]
    by_name = {name.casefold(): p.id for p in parties for name in [p.name, *p.aliases]}
    sources, by_label = [], {}
    for n, s in enumerate(expect.sources, start=1):
        source = Source(
            id=f"s{n}", label=s.label, anonymous=s.anonymous, count=s.count,
            anonymity_reason=s.anonymity_reason, evidence=_evidence(article, s.evidence),
            party_id=None if s.anonymous else by_name.get(s.label.casefold()),
        )  # fmt: skip
        sources.append(source)
        by_label[s.label.casefold()] = source.id
    claims = []
    for n, c in enumerate(expect.claims, start=1):
        narrated = c.source == THE_ARTICLE
        claims.append(Claim(
            id=f"c{n}", statement=c.statement,
            source_id=None if narrated else by_label[c.source.casefold()],
            attribution=c.attribution or ("narration" if narrated else "paraphrase"),
            evidence=_evidence(article, c.evidence),
        ))  # fmt: skip
    unknowns = [
        Unknown(id=f"u{n}", statement=u.statement, evidence=_evidence(article, u.evidence))
        for n, u in enumerate(expect.unknowns, start=1)
    ]
    questions = [OpenQuestion(question=q) for q in expect.open_questions]
    summary = claims[0].statement if claims else "The article."
    return ArticleBrief(
        summary=summary, parties=parties, sources=sources, claims=claims, unknowns=unknowns,
        open_questions=questions, meta=Meta(engine="llm", model="oracle"),
    )  # fmt: skip


def within(brief: ArticleBrief, article: str, chunk: CharInterval) -> ArticleBrief:
    """The part of ``brief`` a chunk of its article supports, offsets relative to the chunk."""

    def inside(evidence: list[Evidence]) -> list[Evidence]:
        return [
            Evidence.at(chunk.of(article), e.interval.shifted(-chunk.start))
            for e in evidence
            if chunk.contains(e.interval)
        ]

    text = chunk.of(article)
    claims = [c.model_copy(update={"evidence": inside(c.evidence)}) for c in brief.claims]
    claims = [c for c in claims if c.evidence]
    unknowns = [u.model_copy(update={"evidence": inside(u.evidence)}) for u in brief.unknowns]
    unknowns = [u for u in unknowns if u.evidence]
    cited = {c.source_id for c in claims}
    sources = [s.model_copy(update={"evidence": inside(s.evidence)}) for s in brief.sources]
    sources = [s for s in sources if s.evidence or s.id in cited]
    named = [p for p in brief.parties if any(n in text for n in [p.name, *p.aliases])]
    kept_parties = {p.id for p in named}
    sources = [
        s if s.party_id in kept_parties else s.model_copy(update={"party_id": None})
        for s in sources
    ]
    return brief.model_copy(
        update={"parties": named, "sources": sources, "claims": claims, "unknowns": unknowns,
                "open_questions": [] if chunk.start else brief.open_questions}
    )  # fmt: skip


# --------------------------------------------------------------------------- #
# What real models get wrong
# --------------------------------------------------------------------------- #

_CURLY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _quotes(brief: ArticleBrief) -> list[Evidence]:
    return [e for group in (brief.claims, brief.unknowns) for item in group for e in item.evidence]


def _edit_quote(brief: ArticleBrief, rng: random.Random, edit: Callable[[str], str]) -> None:
    """Edit one quote's text (the draft carries text only; offsets are found again)."""
    candidates = [e for e in _quotes(brief) if len(e.text.split()) >= 8]
    if candidates:
        chosen = rng.choice(candidates)
        chosen.text = edit(chosen.text)


def straight_quotes(brief: ArticleBrief, rng: random.Random) -> None:
    for e in _quotes(brief):
        e.text = e.text.translate(_CURLY)


def changed_case(brief: ArticleBrief, rng: random.Random) -> None:
    _edit_quote(brief, rng, str.lower)


def elided(brief: ArticleBrief, rng: random.Random) -> None:
    def elide(text: str) -> str:
        words = text.split()
        return " ".join([*words[:3], "...", *words[-3:]])

    _edit_quote(brief, rng, elide)


def dropped_word(brief: ArticleBrief, rng: random.Random) -> None:
    def drop(text: str) -> str:
        words = text.split()
        del words[len(words) // 2]
        return " ".join(words)

    _edit_quote(brief, rng, drop)


def paraphrased(brief: ArticleBrief, rng: random.Random) -> None:
    """One quote is a paraphrase no alignment can find: the engine must ask for it again."""

    def paraphrase(text: str) -> str:
        return "reportedly something along the lines of " + " ".join(text.split()[:1])

    _edit_quote(brief, rng, paraphrase)


def party_for_source(brief: ArticleBrief, rng: random.Random) -> None:
    """A claim names its speaker's party id where the source id belongs."""
    linked = {s.id: s.party_id for s in brief.sources if s.party_id}
    for claim in brief.claims:
        if claim.source_id in linked:
            claim.source_id = linked[claim.source_id]
            return


def malformed_source(brief: ArticleBrief, rng: random.Random) -> None:
    """One cited source comes with an empty label (its claims must survive)."""
    cited = {c.source_id for c in brief.claims}
    for source in brief.sources:
        if source.id in cited:
            source.label = ""
            return


def enum_case(answer: Any, rng: random.Random) -> Any:
    """Enum values capitalised: "Person", "Paraphrase"."""
    values = {"person", "organization", "government", "country", "group", "media", "other",
              "direct_quote", "paraphrase", "narration"}  # fmt: skip
    if isinstance(answer, dict):
        return {k: enum_case(v, rng) for k, v in answer.items()}
    if isinstance(answer, list):
        return [enum_case(v, rng) for v in answer]
    return answer.capitalize() if isinstance(answer, str) and answer in values else answer


def missing_ids(answer: Any, rng: random.Random) -> Any:
    """Ids written where the draft leaves them out, but the unknowns' ids missing."""
    answer = dict(answer)
    for name, prefix in (("parties", "p"), ("sources", "s"), ("claims", "c")):
        answer[name] = [{"id": item.get("id", f"{prefix}{n}"), **item}
                        for n, item in enumerate(answer.get(name, []), start=1)]  # fmt: skip
    answer["unknowns"] = [{k: v for k, v in u.items() if k != "id"}
                          for u in answer.get("unknowns", [])]  # fmt: skip
    return answer


def wrapped(answer: Any, rng: random.Random) -> Any:
    return {"brief": answer}


#: On the brief before it is written as a draft, then on the written answer.
BRIEF_PERTURBATIONS = (straight_quotes, changed_case, elided, dropped_word, paraphrased,
                       party_for_source, malformed_source)  # fmt: skip
ANSWER_PERTURBATIONS = (enum_case, missing_ids, wrapped)
PERTURBATIONS = tuple(p.__name__ for p in (*BRIEF_PERTURBATIONS, *ANSWER_PERTURBATIONS))


def perturbed_answer(brief: ArticleBrief, seed: str, article: str | None = None) -> Any:
    """The draft answer for ``brief`` with every kind of mistake applied once.

    Given ``article``, quotes left unedited are elided as ``answer_for`` elides
    them; edited ones are written as edited.
    """
    rng = random.Random(seed)
    brief = brief.model_copy(deep=True)
    for perturb in BRIEF_PERTURBATIONS:
        perturb(brief, rng)
    answer = answer_for(brief, article)
    for wrong in ANSWER_PERTURBATIONS:
        answer = wrong(answer, rng)
    return answer


def requoted(brief: ArticleBrief, user: str) -> dict[str, Any]:
    """A requote answered as a perfect model would: each asked item's labelled quotes."""
    quotes = {item.statement: [e.text for e in item.evidence]
              for item in (*brief.claims, *brief.unknowns)}  # fmt: skip
    asked = _ASKED.findall(user.split("<article>")[0])
    return {"items": [{"id": tag, "quotes": quotes.get(statement, [])}
                      for tag, statement in asked]}  # fmt: skip


# --------------------------------------------------------------------------- #
# The server
# --------------------------------------------------------------------------- #


@dataclass
class OracleServer:
    """Answers every chat request with the labels of the case its article belongs to."""

    cases: list[tuple[Case, str]]  # each case with its article text
    perturb: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    unmatched: int = 0

    def __post_init__(self) -> None:
        self._golds = {case.id: gold_brief(case, article) for case, article in self.cases}
        self._lock = threading.Lock()
        self._loop = Loopback(self._handler())

    @property
    def url(self) -> str:
        return self._loop.url

    def __enter__(self) -> OracleServer:
        self._loop.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.stop()

    def answer(self, request: dict[str, Any]) -> Any:
        """The answer for one chat request, or None when no case holds its article text."""
        user = "\n".join(str(m.get("content")) for m in request.get("messages", [])
                         if m.get("role") == "user")  # fmt: skip
        found = _ARTICLE.search(user)
        if found is None:
            return None
        text = found.group(1).replace("&lt;/article&gt;", "</article>")
        for case, article in self.cases:
            start = article.find(text)
            if start >= 0:
                chunk = CharInterval(start, start + len(text))
                brief = within(self._golds[case.id], article, chunk)
                if _ASKED.search(user):  # the engine asks again for some items' quotes
                    return requoted(brief, user)
                if self.perturb:
                    return perturbed_answer(brief, f"{case.id}:{start}", text)
                return answer_for(brief, text)
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        oracle = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                model = {"id": "oracle", "object": "model", "created": 0, "owned_by": "oracle"}
                self._send(200, {"object": "list", "data": [model]})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                with oracle._lock:
                    oracle.requests.append(request)
                answer = oracle.answer(request)
                if answer is None:
                    with oracle._lock:
                        oracle.unmatched += 1
                    self._send(400, {"error": {"message": "no case holds this article"}})
                    return
                self._send(200, completion(request, Reply("answer", answer)))

        return Handler
