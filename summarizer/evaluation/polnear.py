"""PolNeAR attribution corpus: a reader for its brat files and the attribution scorer.

Gold attributions come from ``data/<split>/attributions/<stem>[_<annotator>].ann``
next to ``data/<split>/text/<stem>.txt``. Predictions come from an ``ArticleBrief``:
each attributed claim (one with a ``source_id``) is one predicted attribution; its
evidence spans together are the content (a quotation broken by "he said" is one
claim with two pieces, as PolNeAR labels it), and the source span is the evidence
of its source nearest the first piece.

Scoring: a prediction matches a gold attribution when the Dice coefficient of
their content character sets is at least 0.5, one-to-one, best pairs first. On
matched pairs whose gold source is present and not a bare pronoun, the source is
right when the spans overlap or share a content word.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.engines.offline import OfflineEngine, nlp
from summarizer.errors import InputError
from summarizer.schema import ArticleBrief
from summarizer.spans import CharInterval
from summarizer.text import word_set

#: The stretches of text one annotation covers (brat spans may be discontinuous).
Pieces = tuple[CharInterval, ...]

MATCH_THRESHOLD = 0.5

PRONOUNS = word_set(
    "i me my we us our you your he him his she her it its they them their this that "
    "who which these those one"
)
STOPWORDS = PRONOUNS | word_set(
    "a an the of and or to in on at for by with from as s mr mrs ms dr"
)
_ANNOTATOR = re.compile(r"_[0-9a-f]{4}$")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Attribution:
    """One attribution: content pieces and source pieces (empty when absent)."""

    content: Pieces
    source: Pieces = ()
    cue: Pieces = ()


@dataclass
class Article:
    """One corpus article: its file stem, its text and its gold attributions."""

    stem: str
    text: str
    attributions: list[Attribution] = field(default_factory=list)


@dataclass
class Score:
    """Counts over one or more articles; precision, recall, F1 and source accuracy
    derive from them (0.0 when their denominator is 0)."""

    articles: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    source_judged: int = 0
    source_right: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def source_accuracy(self) -> float:
        return self.source_right / self.source_judged if self.source_judged else 0.0

    def add(self, other: Score) -> None:
        """Add another score's counts to this one."""
        self.articles += other.articles
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.source_judged += other.source_judged
        self.source_right += other.source_right

    def as_dict(self) -> dict[str, float]:
        """Counts and rates (four decimal places), as ``summarizer bench --json`` writes."""
        return {
            "articles": self.articles,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "source_judged": self.source_judged,
            "source_right": self.source_right,
            "source_accuracy": round(self.source_accuracy, 4),
        }


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


def split_dir(path: Path, split: str | None = None) -> Path:
    """The directory holding ``text/`` and ``attributions/`` for a split.

    ``path`` is either that directory or the corpus root (then ``split`` names it).
    """
    candidates = [path]
    if split:
        candidates = [path / "data" / split, path / split, path]
    for candidate in candidates:
        if (candidate / "text").is_dir() and (candidate / "attributions").is_dir():
            return candidate
    hint = f" (split {split!r})" if split else ""
    raise InputError(f"no PolNeAR split at {path}{hint}: expected text/ and attributions/ in it")


def parse_pieces(spec: str) -> Pieces:
    """``'752 760;769 800'`` -> ``(CharInterval(752, 760), CharInterval(769, 800))``."""
    pieces = []
    for part in spec.split(";"):
        start, end = part.split()
        pieces.append(CharInterval(int(start), int(end)))
    return tuple(pieces)


def parse_ann(content: str) -> list[Attribution]:
    """The attributions of one brat ``.ann`` file."""
    spans: dict[str, Pieces] = {}
    events: list[dict[str, str]] = []
    for line in content.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            _, _, spec = fields[1].partition(" ")
            spans[fields[0]] = parse_pieces(spec)
        elif line.startswith("E") and len(fields) >= 2:
            roles = dict(part.split(":", 1) for part in fields[1].split() if ":" in part)
            events.append(roles)
    found = []
    for roles in events:
        content_span = spans.get(roles.get("Content", ""))
        if not content_span:
            continue
        found.append(
            Attribution(
                content=content_span,
                source=spans.get(roles.get("Source", ""), ()),
                cue=spans.get(roles.get("Cue", ""), ()),
            )
        )
    return found


def annotation_files(directory: Path) -> dict[str, Path]:
    """One ``.ann`` file per article stem: the first in sorted order."""
    chosen: dict[str, Path] = {}
    for ann in sorted((directory / "attributions").glob("*.ann")):
        stem = _ANNOTATOR.sub("", ann.stem)
        chosen.setdefault(stem, ann)
    return chosen


def read_split(directory: Path, limit: int | None = None) -> list[Article]:
    """The articles of a split that have annotations, by stem; at most ``limit``."""
    articles = []
    for stem, ann in sorted(annotation_files(directory).items()):
        text_path = directory / "text" / f"{stem}.txt"
        if not text_path.is_file():
            continue
        text = text_path.read_bytes().decode("utf-8")
        articles.append(Article(stem, text, parse_ann(ann.read_text(encoding="utf-8"))))
        if limit is not None and len(articles) >= limit:
            break
    return articles


# --------------------------------------------------------------------------- #
# Predictions from a brief
# --------------------------------------------------------------------------- #


def predictions(brief: ArticleBrief) -> list[Attribution]:
    """The brief's attributed claims as (content, source) spans."""
    sources = {source.id: source for source in brief.sources}
    found = []
    for claim in brief.claims:
        if claim.source_id is None or not claim.evidence:
            continue
        content = tuple(e.interval for e in claim.evidence)
        mentions = [e.interval for e in sources[claim.source_id].evidence]
        source: Pieces = ()
        if mentions:
            source = (min(mentions, key=content[0].distance),)
        found.append(Attribution(content=content, source=source))
    return found


# --------------------------------------------------------------------------- #
# Scoring
# --------------------------------------------------------------------------- #


def chars(pieces: Pieces) -> frozenset[int]:
    """The character positions the pieces cover."""
    return frozenset(i for piece in pieces for i in range(piece.start, piece.end))


def dice(a: frozenset[int], b: frozenset[int]) -> float:
    """Dice coefficient of two character sets; 0.0 when both are empty."""
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def match(gold: Sequence[Attribution], predicted: Sequence[Attribution]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs with Dice >= 0.5, best first."""
    gold_chars = [chars(g.content) for g in gold]
    pred_chars = [chars(p.content) for p in predicted]
    candidates = []
    for gi, g in enumerate(gold_chars):
        for pi, p in enumerate(pred_chars):
            if g & p:
                score = dice(g, p)
                if score >= MATCH_THRESHOLD:
                    candidates.append((-score, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    return pairs


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - STOPWORDS


def judgeable(gold: Attribution, text: str) -> bool:
    """A gold source is judged unless absent or a bare pronoun."""
    if not gold.source:
        return False
    words = [w.lower() for w in _WORD.findall(span_text(gold.source, text))]
    return bool(words) and not (len(words) == 1 and words[0] in PRONOUNS)


def source_right(gold: Attribution, predicted: Attribution, text: str) -> bool:
    """The predicted source overlaps the gold one or shares a content word with it."""
    if not predicted.source:
        return False
    if chars(gold.source) & chars(predicted.source):
        return True
    return bool(_words(span_text(gold.source, text)) & _words(span_text(predicted.source, text)))


def span_text(pieces: Pieces, text: str) -> str:
    """The text the pieces cover, joined by spaces."""
    return " ".join(piece.of(text) for piece in pieces)


def score_article(text: str, gold: Sequence[Attribution],
                  predicted: Sequence[Attribution]) -> Score:
    """Match one article's predictions to its gold attributions and judge the sources."""
    pairs = match(gold, predicted)
    result = Score(articles=1, gold=len(gold), predicted=len(predicted), matched=len(pairs))
    for gi, pi in pairs:
        if judgeable(gold[gi], text):
            result.source_judged += 1
            result.source_right += source_right(gold[gi], predicted[pi], text)
    return result


def score_all(items: Iterable[tuple[str, Sequence[Attribution], Sequence[Attribution]]]) -> Score:
    """The summed score of (text, gold, predicted) for every article."""
    total = Score()
    for text, gold, predicted in items:
        total.add(score_article(text, gold, predicted))
    return total


# --------------------------------------------------------------------------- #
# The benchmark: the offline engine over a split
# --------------------------------------------------------------------------- #


def bench(path: Path, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Brief every article of the split, score the attributions, time parse vs brief."""
    directory = split_dir(path, split)
    articles = read_split(directory, limit)
    if not articles:
        raise InputError(f"no articles with annotations under {directory}")
    texts = [a.text for a in articles]
    nlp.parse("Warm the pipeline up before timing it.")
    first_parse = parse_only(texts)
    started = time.perf_counter()
    briefs = OfflineEngine().brief_many(texts)
    brief_seconds = time.perf_counter() - started
    # Parse again after the briefs and keep the faster parse: the ratio errs high.
    parse_seconds = min(first_parse, parse_only(texts))
    pairs = zip(articles, briefs, strict=True)
    score = score_all((a.text, a.attributions, predictions(b)) for a, b in pairs)
    return {
        "split": str(directory),
        "engine": "offline",
        **score.as_dict(),
        "parse_seconds": round(parse_seconds, 3),
        "brief_seconds": round(brief_seconds, 3),
        "brief_to_parse_ratio": round(brief_seconds / parse_seconds, 3) if parse_seconds else None,
    }


def parse_only(texts: list[str]) -> float:
    """Seconds for the spaCy parse alone, batched as the engine batches it."""
    started = time.perf_counter()
    for _ in nlp.parse_many(texts):
        pass
    return time.perf_counter() - started


def report(result: dict[str, Any]) -> str:
    """The scores and timings of :func:`bench`, as lines to read."""
    return "\n".join([
        f"PolNeAR {result['split']}: {result['articles']} articles, engine {result['engine']}",
        f"  gold {result['gold']}  predicted {result['predicted']}  matched {result['matched']}",
        f"  content precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}",
        f"  source accuracy {result['source_accuracy']:.3f} "
        f"({result['source_right']}/{result['source_judged']} judged)",
        f"  time: parse only {result['parse_seconds']:.2f}s, whole brief "
        f"{result['brief_seconds']:.2f}s, ratio {result['brief_to_parse_ratio']}",
    ])
