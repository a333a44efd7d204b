"""Eval cases, the scorer, and the runner.

A case (``evals/cases/<id>.yaml``) names an article by reference and lists what
a correct brief of it contains (see evals/README.md and ../shared/LABELLING.md).
``score_brief`` compares one ``ArticleBrief`` with one case; ``run_eval`` runs an
engine over many cases and scores each brief. Scoring never runs an engine, so
it is tested with hand-built briefs.

Every score is a ``Ratio`` (numerator, denominator): a per-case value is
``num / den`` (undefined when ``den == 0``), a micro average sums numerators and
denominators over cases, a macro average is the mean of the defined per-case
values.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from summarizer.engines import Engine
from summarizer.errors import ConfigError, InputError, SummarizerError
from summarizer.schema import (
    ArticleBrief,
    AttributionKind,
    Evidence,
    Meta,
    PartyKind,
    Source,
)

THE_ARTICLE = "the article"
ENV_POLNEAR = "SUMMARIZER_POLNEAR"
STATEMENT_THRESHOLD = 0.5  # content-word Dice for claims and unknowns
QUESTION_THRESHOLD = 0.4  # content-word Dice for open questions
EMBED_QUESTION_THRESHOLD = 0.7  # cosine of MiniLM embeddings, with --similarity embedding

METRICS = (
    "parties.precision",
    "parties.recall",
    "parties.f1",
    "sources.precision",
    "sources.recall",
    "sources.f1",
    "claims.recall",
    "claims.attribution",
    "claims.grounding",
    "unknowns.precision",
    "unknowns.recall",
    "unknowns.f1",
    "open_questions.recall",
    "evidence.grounding",
    "validity",
)

# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


NonEmpty = Annotated[str, Field(min_length=1)]
Quotes = Annotated[list[NonEmpty], BeforeValidator(_as_list), Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedParty(_Strict):
    name: NonEmpty
    kind: PartyKind | None = None
    aliases: list[NonEmpty] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class ExpectedSource(_Strict):
    label: NonEmpty
    anonymous: bool
    evidence: Quotes
    count: int | None = Field(default=None, ge=1)
    anonymity_reason: str | None = None


class ExpectedClaim(_Strict):
    statement: NonEmpty
    source: NonEmpty = Field(description='A source label, or "the article".')
    evidence: Quotes
    attribution: AttributionKind | None = None


class ExpectedUnknown(_Strict):
    statement: NonEmpty
    evidence: Quotes


class Expectation(_Strict):
    parties: list[ExpectedParty] = Field(default_factory=list)
    optional_parties: list[NonEmpty] = Field(default_factory=list)
    sources: list[ExpectedSource] = Field(default_factory=list)
    claims: list[ExpectedClaim] = Field(default_factory=list)
    unknowns: list[ExpectedUnknown] = Field(default_factory=list)
    open_questions: list[NonEmpty] = Field(default_factory=list)


class Case(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    article: NonEmpty = Field(description="seeds/<file>, polnear:dev/<stem>, polnear:train/<stem>")
    outlet: str | None = None
    notes: str | None = None
    expect: Expectation


def _validation_message(error: ValidationError) -> str:
    # An unknown key usually explains the rest (a comma split an unquoted value): show it first.
    first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    loc = list(first["loc"])
    if first["type"] == "extra_forbidden":
        where, message = _dotted(loc[:-1]), f"unknown key {loc[-1]!r}"
        if " " in str(loc[-1]):
            message += " (a comma ends an unquoted value inside {...}: quote the value)"
    else:
        where, message = _dotted(loc), first["msg"]
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where or '(top level)'}: {message}{more}"


def _dotted(loc: list[int | str]) -> str:
    """('expect', 'claims', 0, 'source') -> 'expect.claims[0].source'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".")


def load_case(path: Path) -> Case:
    """Read one case file; raise InputError with a one-line reason when it is not valid."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}:{line} not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a case file must be a YAML mapping with id, article, expect")
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise InputError(f"{path}: {_validation_message(error)}") from None


def load_cases(cases_dir: Path, ids: Iterable[str] = ()) -> list[Case]:
    """Every ``*.yaml`` case in ``cases_dir`` sorted by id, or only those with ``ids``."""
    if not cases_dir.is_dir():
        raise InputError(f"{cases_dir}: no such folder of eval cases")
    cases = [load_case(path) for path in sorted(cases_dir.glob("*.yaml"))]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise InputError(f"{cases_dir}: two cases have the id {case.id!r}")
        seen.add(case.id)
    wanted = list(dict.fromkeys(ids))
    unknown = [i for i in wanted if i not in seen]
    if unknown:
        raise InputError(f"no case with id {', '.join(unknown)} in {cases_dir}")
    if wanted:
        cases = [c for c in cases if c.id in wanted]
    if not cases:
        raise InputError(f"{cases_dir}: no case files (*.yaml) found")
    return sorted(cases, key=lambda c: c.id)


# --------------------------------------------------------------------------- #
# Articles
# --------------------------------------------------------------------------- #


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a pyproject.toml, else its grandparent."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start.parent.parent


@dataclass(frozen=True)
class Articles:
    """Where case articles live: project files, and the PolNeAR corpus root."""

    project_root: Path
    polnear_root: Path

    @classmethod
    def default(cls, cases_dir: Path, polnear: Path | None = None) -> Articles:
        root = find_project_root(cases_dir)
        from_env = os.environ.get(ENV_POLNEAR)
        corpus = polnear or (Path(from_env) if from_env else root.parent / "shared" / "polnear")
        return cls(root, corpus)

    def path(self, ref: str) -> Path:
        """The file a reference names. Raises InputError for a malformed reference."""
        if ref.startswith("polnear:"):
            split, _, stem = ref.removeprefix("polnear:").partition("/")
            if split not in ("dev", "train") or not stem or "/" in stem or stem.startswith("."):
                raise InputError(f"bad article reference {ref!r}: use polnear:dev/<stem> "
                                 "or polnear:train/<stem>")
            return self.polnear_root / "data" / split / "text" / f"{stem}.txt"
        relative = Path(ref)
        if relative.is_absolute() or ".." in relative.parts:
            raise InputError(f"bad article reference {ref!r}: give a path inside the project")
        return self.project_root / relative

    def read(self, ref: str) -> str | None:
        """The article text, or None when the file is not there."""
        from summarizer.inputs.files import read_text

        path = self.path(ref)
        return read_text(str(path)) if path.is_file() else None


# --------------------------------------------------------------------------- #
# Text matching rules
# --------------------------------------------------------------------------- #

_TITLES = [
    tuple(t.split())
    for t in (
        "the", "former", "president elect", "vice president", "president", "prime minister",
        "secretary of state", "secretary", "senator", "sen", "representative", "rep",
        "congressman", "congresswoman", "governor", "gov", "mayor", "speaker", "chancellor",
        "minister", "mr", "mrs", "ms", "miss", "dr", "gen", "lt", "col", "sgt", "judge",
        "justice", "sir", "lord", "lady", "king", "queen", "prince", "princess", "pope",
    )
]

_STOPWORD_LIST = """a about above after again against all also am an and any are as at be
    because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told according"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())


def _plain(text: str) -> str:
    """Lowercase, accents and possessive 's dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"['’]s\b", "", text)


def normalize_name(name: str) -> str:
    """Case, punctuation, (parentheses) and leading titles dropped.

    'Sen. Ted Cruz (R-Texas)' -> 'ted cruz'; 'Ukraine’s government' -> 'ukraine government'.
    """
    tokens = re.findall(r"[a-z0-9]+", _plain(re.sub(r"\([^)]*\)", " ", name)))
    stripped = True
    while stripped:
        stripped = False
        for title in _TITLES:
            if len(tokens) > len(title) and tuple(tokens[: len(title)]) == title:
                tokens = tokens[len(title) :]
                stripped = True
    return " ".join(tokens)


def content_words(text: str) -> frozenset[str]:
    """Lowercased word tokens without stopwords, with a plural -s dropped from longer words."""
    words = re.findall(r"[a-z0-9]+", _plain(text))
    return frozenset(
        w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in _STOPWORDS
    )


def similarity(a: str, b: str) -> float:
    """Dice overlap (token F1) of the content words of two texts, in [0, 1]."""
    left, right = content_words(a), content_words(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


@dataclass(frozen=True)
class QuestionRule:
    """How open questions are compared: ``scores(pred, gold)`` gives a similarity for every
    (predicted, labelled) pair; a pair can match when it reaches ``threshold``."""

    name: str
    threshold: float
    scores: Callable[[list[str], list[str]], list[list[float]]]


def _lexical_scores(pred: list[str], gold: list[str]) -> list[list[float]]:
    return [[similarity(p, g) for g in gold] for p in pred]


LEXICAL_QUESTIONS = QuestionRule("lexical", QUESTION_THRESHOLD, _lexical_scores)
SIMILARITIES = ("lexical", "embedding")


def question_rule(name: str) -> QuestionRule:
    """The rule for ``--similarity NAME``. "embedding" loads the MiniLM model (ConfigError
    naming what to install when it is missing)."""
    if name == "lexical":
        return LEXICAL_QUESTIONS
    if name != "embedding":
        raise ConfigError(f"unknown similarity {name!r}: use {' or '.join(SIMILARITIES)}")
    from summarizer.evaluation.embedding import cosine_matrix, load_model

    load_model()
    return QuestionRule("embedding", EMBED_QUESTION_THRESHOLD, cosine_matrix)


Span = tuple[int, int]


def locate(article: str, quote: str) -> list[Span]:
    """Every place ``quote`` occurs verbatim in ``article``."""
    spans: list[Span] = []
    start = article.find(quote)
    while start != -1 and quote:
        spans.append((start, start + len(quote)))
        start = article.find(quote, start + 1)
    return spans


def grounded(evidence: Evidence, article: str) -> bool:
    return article[evidence.start : evidence.end] == evidence.text


def grounded_spans(evidence: list[Evidence], article: str) -> list[Span]:
    """Offsets of the predicted evidence that is verbatim at its offsets; the rest is ignored."""
    return [(e.start, e.end) for e in evidence if grounded(e, article)]


def overlaps(left: list[Span], right: list[Span]) -> bool:
    """True when any span of one list shares at least one character with a span of the other."""
    return any(a < d and c < b for a, b in left for c, d in right)


def match_one_to_one(
    n_pred: int, n_gold: int, score: Callable[[int, int], float]
) -> list[Span]:
    """A largest set of (pred, gold) pairs with ``score > 0``, each item used at most once.

    Best-scoring pairs are taken first; augmenting paths then add any pair that
    makes the set larger (rearranging earlier pairs only where they must).
    """
    scored = [(score(p, g), p, g) for p in range(n_pred) for g in range(n_gold)]
    candidates = sorted((item for item in scored if item[0] > 0), key=lambda i: -i[0])
    edges: list[list[int]] = [[] for _ in range(n_pred)]
    owner: dict[int, int] = {}  # gold -> pred
    for _, p, g in candidates:
        edges[p].append(g)
        if g not in owner and p not in owner.values():
            owner[g] = p

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g not in seen:
                seen.add(g)
                if g not in owner or augment(owner[g], seen):
                    owner[g] = p
                    return True
        return False

    for p in set(range(n_pred)) - set(owner.values()):
        augment(p, set())
    return sorted((p, g) for g, p in owner.items())


# --------------------------------------------------------------------------- #
# Scores
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None


def prf(prefix: str, hits: int, predicted: int, labelled: int) -> dict[str, Ratio]:
    """Precision hits/predicted, recall hits/labelled, F1 2*hits/(predicted+labelled)."""
    return {
        f"{prefix}.precision": Ratio(hits, predicted),
        f"{prefix}.recall": Ratio(hits, labelled),
        f"{prefix}.f1": Ratio(2 * hits, predicted + labelled),
    }


@dataclass
class CaseScore:
    scores: dict[str, Ratio]
    misses: dict[str, list[str]] = field(default_factory=dict)


def _score_parties(brief: ArticleBrief, expect: Expectation) -> tuple[dict[str, Ratio], list[str]]:
    gold = [{normalize_name(n) for n in p.names()} for p in expect.parties]
    pred = [{normalize_name(n) for n in (p.name, *p.aliases)} for p in brief.parties]
    pairs = match_one_to_one(
        len(pred), len(gold), lambda p, g: len(pred[p] & gold[g]) / len(pred[p] | gold[g])
    )
    matched = {p for p, _ in pairs}
    optional = {normalize_name(n) for n in expect.optional_parties}
    ignored = sum(1 for i, names in enumerate(pred) if i not in matched and names & optional)
    found = {g for _, g in pairs}
    missed = [p.name for g, p in enumerate(expect.parties) if g not in found]
    return prf("parties", len(pairs), len(pred) - ignored, len(gold)), missed


class _Sources:
    """The source rule, shared by source scoring and claim attribution."""

    def __init__(self, brief: ArticleBrief, expect: Expectation, article: str) -> None:
        self.article = article
        self.gold = expect.sources
        self.gold_spans = [[s for q in g.evidence for s in locate(article, q)] for g in self.gold]
        self.by_label = {g.label.strip().casefold(): i for i, g in enumerate(self.gold)}
        self.pred = brief.sources
        self.by_id = {s.id: s for s in brief.sources}

    def matches(self, pred: Source, g: int) -> bool:
        return self.match_score(pred, g) > 0

    def match_score(self, pred: Source, g: int) -> float:
        """0 when they do not match; else higher for a closer match."""
        gold = self.gold[g]
        if pred.anonymous != gold.anonymous:
            return 0.0
        same_label = normalize_name(pred.label) == normalize_name(gold.label)
        overlap = overlaps(grounded_spans(pred.evidence, self.article), self.gold_spans[g])
        if not (same_label or overlap):
            return 0.0
        return same_label + overlap + similarity(pred.label, gold.label) / 10

    def attribution_ok(self, source_id: str | None, gold_label: str) -> bool:
        """Both name the article itself (null / "the article"), or the sources match."""
        key = gold_label.strip().casefold()
        if source_id is None or key == THE_ARTICLE:
            return source_id is None and key == THE_ARTICLE
        pred = self.by_id.get(source_id)
        if pred is None:
            return False
        g = self.by_label.get(key)
        if g is None:
            return normalize_name(pred.label) == normalize_name(gold_label)
        return self.matches(pred, g)


def _score_sources(rule: _Sources) -> tuple[dict[str, Ratio], list[str]]:
    pairs = match_one_to_one(
        len(rule.pred), len(rule.gold), lambda p, g: rule.match_score(rule.pred[p], g)
    )
    found = {g for _, g in pairs}
    missed = [s.label for g, s in enumerate(rule.gold) if g not in found]
    return prf("sources", len(pairs), len(rule.pred), len(rule.gold)), missed


def _statement_pairs(
    pred: list[tuple[str, list[Evidence]]],
    gold: list[tuple[str, list[str]]],
    article: str,
) -> list[Span]:
    """Pairs matched by evidence overlap or statement similarity >= STATEMENT_THRESHOLD."""
    pred_spans = [grounded_spans(ev, article) for _, ev in pred]
    gold_spans = [[s for q in quotes for s in locate(article, q)] for _, quotes in gold]

    def score(p: int, g: int) -> float:
        overlap = overlaps(pred_spans[p], gold_spans[g])
        alike = similarity(pred[p][0], gold[g][0])
        return overlap + alike if overlap or alike >= STATEMENT_THRESHOLD else 0.0

    return match_one_to_one(len(pred), len(gold), score)


def _score_claims(
    brief: ArticleBrief, expect: Expectation, article: str, rule: _Sources
) -> tuple[dict[str, Ratio], list[str]]:
    pairs = _statement_pairs(
        [(c.statement, c.evidence) for c in brief.claims],
        [(c.statement, c.evidence) for c in expect.claims],
        article,
    )
    right = sum(
        rule.attribution_ok(brief.claims[p].source_id, expect.claims[g].source) for p, g in pairs
    )
    well_grounded = sum(
        1 for c in brief.claims if c.evidence and all(grounded(e, article) for e in c.evidence)
    )
    found = {g for _, g in pairs}
    missed = [c.statement for g, c in enumerate(expect.claims) if g not in found]
    scores = {
        "claims.recall": Ratio(len(pairs), len(expect.claims)),
        "claims.attribution": Ratio(right, len(pairs)),
        "claims.grounding": Ratio(well_grounded, len(brief.claims)),
    }
    return scores, missed


def _score_unknowns(
    brief: ArticleBrief, expect: Expectation, article: str
) -> tuple[dict[str, Ratio], list[str]]:
    pairs = _statement_pairs(
        [(u.statement, u.evidence) for u in brief.unknowns],
        [(u.statement, u.evidence) for u in expect.unknowns],
        article,
    )
    found = {g for _, g in pairs}
    missed = [u.statement for g, u in enumerate(expect.unknowns) if g not in found]
    return prf("unknowns", len(pairs), len(brief.unknowns), len(expect.unknowns)), missed


def _score_questions(
    brief: ArticleBrief, expect: Expectation, rule: QuestionRule
) -> tuple[Ratio, list[str]]:
    pred = [q.question for q in brief.open_questions]
    gold = expect.open_questions
    table = rule.scores(pred, gold) if pred and gold else []

    def score(p: int, g: int) -> float:
        alike = table[p][g]
        return alike if alike >= rule.threshold else 0.0

    pairs = match_one_to_one(len(pred), len(gold), score)
    found = {g for _, g in pairs}
    return Ratio(len(pairs), len(gold)), [q for g, q in enumerate(gold) if g not in found]


def is_valid(brief: object) -> bool:
    """True when ``brief`` is an ArticleBrief that still passes the schema's validation."""
    if not isinstance(brief, ArticleBrief):
        return False
    try:
        ArticleBrief.model_validate(brief.model_dump())
    except ValidationError:
        return False
    return True


def score_brief(
    brief: ArticleBrief | None, case: Case, article: str,
    questions: QuestionRule = LEXICAL_QUESTIONS,
) -> CaseScore:
    """Score one brief of ``article`` against ``case``. ``None`` (the engine failed) scores
    as an empty, invalid brief: recall 0 wherever something was labelled. ``questions``
    says how open questions are compared (lexical by default)."""
    valid = brief is not None and is_valid(brief)
    if brief is None:  # an empty stand-in; its meta is never read
        brief = ArticleBrief(summary="", meta=Meta(engine="offline"))
    expect = case.expect
    rule = _Sources(brief, expect, article)
    scores: dict[str, Ratio] = {}
    misses: dict[str, list[str]] = {}
    scores_p, misses["parties"] = _score_parties(brief, expect)
    scores_s, misses["sources"] = _score_sources(rule)
    scores_c, misses["claims"] = _score_claims(brief, expect, article, rule)
    scores_u, misses["unknowns"] = _score_unknowns(brief, expect, article)
    scores["open_questions.recall"], misses["open_questions"] = _score_questions(
        brief, expect, questions
    )
    for part in (scores_p, scores_s, scores_c, scores_u):
        scores.update(part)
    evidence = brief.evidence_items()
    scores["evidence.grounding"] = Ratio(sum(grounded(e, article) for e in evidence), len(evidence))
    scores["validity"] = Ratio(int(valid), 1)
    return CaseScore({name: scores[name] for name in METRICS}, misses)


# --------------------------------------------------------------------------- #
# Checking the cases themselves
# --------------------------------------------------------------------------- #


def case_problems(case: Case, article: str) -> list[str]:
    """What is wrong with a case's labels against its article, one message each."""
    problems: list[str] = []
    expect = case.expect
    quoted = [(f"sources[{i}]", s.evidence) for i, s in enumerate(expect.sources)]
    quoted += [(f"claims[{i}]", c.evidence) for i, c in enumerate(expect.claims)]
    quoted += [(f"unknowns[{i}]", u.evidence) for i, u in enumerate(expect.unknowns)]
    for where, quotes in quoted:
        for quote in quotes:
            count = len(locate(article, quote))
            if count == 0:
                problems.append(f"{case.id}: {where}.evidence not verbatim in the article: "
                                f"{quote!r}")
            elif count > 1:
                problems.append(f"{case.id}: {where}.evidence occurs {count} times; "
                                f"lengthen it to be unique: {quote!r}")
    labels = [s.label.strip().casefold() for s in case.expect.sources]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append(f"{case.id}: two sources are labelled {label!r}")
    for i, claim in enumerate(case.expect.claims):
        key = claim.source.strip().casefold()
        if key != THE_ARTICLE and key not in labels:
            problems.append(f"{case.id}: claims[{i}].source {claim.source!r} is not a labelled "
                            'source label nor "the article"')
    return problems


# --------------------------------------------------------------------------- #
# Running an engine over cases
# --------------------------------------------------------------------------- #

Status = Literal["ok", "error", "missing"]


@dataclass
class CaseResult:
    case: Case
    status: Status
    message: str | None = None
    score: CaseScore | None = None
    brief: ArticleBrief | None = None
    seconds: float = 0.0

    @property
    def id(self) -> str:
        return self.case.id


EngineSource = Engine | Callable[[], Engine]


def _engine(engine: EngineSource) -> Engine:
    if isinstance(engine, type) or not hasattr(engine, "brief"):
        return cast(Callable[[], Engine], engine)()
    return cast(Engine, engine)


def _error_text(error: Exception) -> str:
    if isinstance(error, SummarizerError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _finish(case: Case, article: str, brief: object, error: Exception | None,
            seconds: float, questions: QuestionRule) -> CaseResult:
    if error is None and isinstance(brief, ArticleBrief):
        scored = score_brief(brief, case, article, questions)
        return CaseResult(case, "ok", None, scored, brief, seconds)
    if error is not None:
        message = _error_text(error)
    else:
        message = f"engine returned {type(brief).__name__}, not an ArticleBrief"
    failed = score_brief(None, case, article, questions)
    return CaseResult(case, "error", message, failed, seconds=seconds)


def _run_one(engine: Engine, case: Case, article: str, questions: QuestionRule) -> CaseResult:
    start = time.perf_counter()
    try:
        brief, error = engine.brief(article), None
    except Exception as exc:  # one failing case must not stop the eval
        brief, error = None, exc
    return _finish(case, article, brief, error, time.perf_counter() - start, questions)


async def _arun_one(
    engine: Engine, case: Case, article: str, gate: asyncio.Semaphore, questions: QuestionRule
) -> CaseResult:
    async with gate:
        start = time.perf_counter()
        try:
            brief, error = await engine.abrief(article), None
        except Exception as exc:  # one failing case must not stop the eval
            brief, error = None, exc
        return _finish(case, article, brief, error, time.perf_counter() - start, questions)


def _read_all(cases: list[Case], articles: Articles) -> list[str | None]:
    return [articles.read(case.article) for case in cases]


def _missing(case: Case, articles: Articles) -> CaseResult:
    return CaseResult(case, "missing", f"article not found: {articles.path(case.article)}")


async def arun_eval(
    cases: list[Case], engine: EngineSource, articles: Articles, concurrency: int = 4,
    questions: QuestionRule = LEXICAL_QUESTIONS,
) -> list[CaseResult]:
    """Brief every case's article with ``engine.abrief``, at most ``concurrency`` at once."""
    texts = _read_all(cases, articles)
    if all(text is None for text in texts):
        return [_missing(case, articles) for case in cases]
    runner = _engine(engine)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: Case, text: str | None) -> CaseResult:
        if text is None:
            return _missing(case, articles)
        return await _arun_one(runner, case, text, gate, questions)

    return list(await asyncio.gather(*(one(c, t) for c, t in zip(cases, texts, strict=True))))


def run_eval(
    cases: list[Case], engine: EngineSource, articles: Articles, concurrency: int = 1,
    questions: QuestionRule = LEXICAL_QUESTIONS,
) -> list[CaseResult]:
    """Brief and score every case. ``engine`` is an engine or a function making one.

    With ``concurrency`` 1 the cases run one after another through ``engine.brief``;
    above 1 they run through ``engine.abrief`` under a semaphore of that size.
    Cases whose article is not found come back with status "missing", unscored;
    the engine is only made when some article was found.
    """
    if concurrency > 1:
        return asyncio.run(arun_eval(cases, engine, articles, concurrency, questions))
    texts = _read_all(cases, articles)
    if all(text is None for text in texts):
        return [_missing(case, articles) for case in cases]
    runner = _engine(engine)
    return [
        _missing(case, articles) if text is None else _run_one(runner, case, text, questions)
        for case, text in zip(cases, texts, strict=True)
    ]
