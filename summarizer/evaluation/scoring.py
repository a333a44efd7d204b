"""Per-field scores of one brief against one case.

``score_brief`` compares an ``ArticleBrief`` with a ``Case`` under the matching
rules (summarizer.evaluation.matching) and never runs an engine, so it is tested
with hand-built briefs.

Every score is a ``Ratio`` (numerator, denominator): a per-case value is
``num / den`` (undefined when ``den == 0``), a micro average sums numerators and
denominators over cases, a macro average is the mean of the defined per-case
values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from summarizer.evaluation.cases import THE_ARTICLE, Case, Expectation
from summarizer.evaluation.matching import (
    LEXICAL_QUESTIONS,
    STATEMENT_THRESHOLD,
    Pair,
    QuestionRule,
    grounded_intervals,
    located,
    match_one_to_one,
    normalize_name,
    similarity,
)
from summarizer.schema import ArticleBrief, Evidence, Meta, Source
from summarizer.spans import any_overlap

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
    "claims.precision_at_5",
    "unknowns.precision",
    "unknowns.recall",
    "unknowns.f1",
    "open_questions.recall",
    "evidence.grounding",
    "validity",
)


@dataclass(frozen=True)
class Ratio:
    """One score as hits over total, so that averages over cases can sum both."""

    num: int
    den: int

    @property
    def value(self) -> float | None:
        """``num / den``; None (undefined, never 1.0) when ``den`` is 0."""
        return self.num / self.den if self.den else None


def rounded(value: float | None) -> float | None:
    """A score as reports write it: four decimal places; None stays None."""
    return None if value is None else round(value, 4)


def prf(prefix: str, hits: int, predicted: int, labelled: int) -> dict[str, Ratio]:
    """Precision hits/predicted, recall hits/labelled, F1 2*hits/(predicted+labelled)."""
    return {
        f"{prefix}.precision": Ratio(hits, predicted),
        f"{prefix}.recall": Ratio(hits, labelled),
        f"{prefix}.f1": Ratio(2 * hits, predicted + labelled),
    }


@dataclass
class CaseScore:
    """Every metric of one brief (in ``METRICS`` order), the labels it missed and the
    predicted items matching no label (parties, sources, unknowns), by field."""

    scores: dict[str, Ratio]
    misses: dict[str, list[str]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)


def _score_parties(
    brief: ArticleBrief, expect: Expectation, extras: dict[str, list[str]]
) -> tuple[dict[str, Ratio], list[str]]:
    gold = [{normalize_name(n) for n in p.names()} for p in expect.parties]
    pred = [{normalize_name(n) for n in (p.name, *p.aliases)} for p in brief.parties]
    pairs = match_one_to_one(
        len(pred), len(gold), lambda p, g: len(pred[p] & gold[g]) / len(pred[p] | gold[g])
    )
    matched = {p for p, _ in pairs}
    optional = {normalize_name(n) for n in expect.optional_parties}
    ignored = sum(1 for i, names in enumerate(pred) if i not in matched and names & optional)
    extras["parties"] = [p.name for i, p in enumerate(brief.parties)
                         if i not in matched and not pred[i] & optional]  # fmt: skip
    found = {g for _, g in pairs}
    missed = [p.name for g, p in enumerate(expect.parties) if g not in found]
    return prf("parties", len(pairs), len(pred) - ignored, len(gold)), missed


class _Sources:
    """The source rule, shared by source scoring and claim attribution."""

    def __init__(self, brief: ArticleBrief, expect: Expectation, article: str) -> None:
        self.article = article
        self.gold = expect.sources
        self.gold_intervals = [located(article, g.evidence) for g in self.gold]
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
        overlap = any_overlap(grounded_intervals(pred.evidence, self.article),
                              self.gold_intervals[g])
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


def _score_sources(
    rule: _Sources, extras: dict[str, list[str]]
) -> tuple[dict[str, Ratio], list[str]]:
    pairs = match_one_to_one(
        len(rule.pred), len(rule.gold), lambda p, g: rule.match_score(rule.pred[p], g)
    )
    extras["sources"] = [s.label for i, s in enumerate(rule.pred) if i not in dict(pairs)]
    found = {g for _, g in pairs}
    missed = [s.label for g, s in enumerate(rule.gold) if g not in found]
    return prf("sources", len(pairs), len(rule.pred), len(rule.gold)), missed


def _statement_pairs(
    pred: list[tuple[str, list[Evidence]]],
    gold: list[tuple[str, list[str]]],
    article: str,
) -> list[Pair]:
    """Pairs matched by evidence overlap or statement similarity >= STATEMENT_THRESHOLD."""
    pred_intervals = [grounded_intervals(ev, article) for _, ev in pred]
    gold_intervals = [located(article, quotes) for _, quotes in gold]

    def score(p: int, g: int) -> float:
        overlap = any_overlap(pred_intervals[p], gold_intervals[g])
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
        1 for c in brief.claims if c.evidence and all(e.grounded_in(article) for e in c.evidence)
    )
    found = {g for _, g in pairs}
    missed = [c.statement for g, c in enumerate(expect.claims) if g not in found]
    scores = {
        "claims.recall": Ratio(len(pairs), len(expect.claims)),
        "claims.attribution": Ratio(right, len(pairs)),
        "claims.grounding": Ratio(well_grounded, len(brief.claims)),
        "claims.precision_at_5": _precision_at(5, brief, expect, article),
    }
    return scores, missed


def _precision_at(k: int, brief: ArticleBrief, expect: Expectation, article: str) -> Ratio:
    """Of the brief's first ``k`` claims, how many match a labelled claim (one-to-one, by
    the claim rule): whether the claims a reader sees first are the labelled ones."""
    first = brief.claims[:k]
    pairs = _statement_pairs(
        [(c.statement, c.evidence) for c in first],
        [(c.statement, c.evidence) for c in expect.claims],
        article,
    )
    return Ratio(len(pairs), len(first) if expect.claims else 0)


def _score_unknowns(
    brief: ArticleBrief, expect: Expectation, article: str, extras: dict[str, list[str]]
) -> tuple[dict[str, Ratio], list[str]]:
    pairs = _statement_pairs(
        [(u.statement, u.evidence) for u in brief.unknowns],
        [(u.statement, u.evidence) for u in expect.unknowns],
        article,
    )
    extras["unknowns"] = [u.statement for i, u in enumerate(brief.unknowns)
                          if i not in dict(pairs)]  # fmt: skip
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
    extras: dict[str, list[str]] = {}
    scores_p, misses["parties"] = _score_parties(brief, expect, extras)
    scores_s, misses["sources"] = _score_sources(rule, extras)
    scores_c, misses["claims"] = _score_claims(brief, expect, article, rule)
    scores_u, misses["unknowns"] = _score_unknowns(brief, expect, article, extras)
    scores["open_questions.recall"], misses["open_questions"] = _score_questions(
        brief, expect, questions
    )
    for part in (scores_p, scores_s, scores_c, scores_u):
        scores.update(part)
    evidence = brief.evidence_items()
    grounded = sum(e.grounded_in(article) for e in evidence)
    scores["evidence.grounding"] = Ratio(grounded, len(evidence))
    scores["validity"] = Ratio(int(valid), 1)
    return CaseScore({name: scores[name] for name in METRICS}, misses, extras)
