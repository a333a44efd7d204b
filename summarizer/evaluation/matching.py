"""The matching rules: when a predicted item counts as a labelled one.

Names are compared after ``normalize_name``; statements and questions by
``similarity`` (Dice overlap of content words) or, for open questions, by the
``QuestionRule`` chosen with ``--similarity``; evidence by character overlap of
the labelled quotes' occurrences (``locate``) with the predicted evidence that is
verbatim at its offsets (``grounded_intervals``). ``match_one_to_one`` pairs
predicted and labelled items. The rules are described in evals/README.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from summarizer.errors import ConfigError
from summarizer.schema import Evidence
from summarizer.spans import CharInterval
from summarizer.text import word_set

STATEMENT_THRESHOLD = 0.5  # content-word Dice for claims and unknowns
QUESTION_THRESHOLD = 0.4  # content-word Dice for open questions
EMBED_QUESTION_THRESHOLD = 0.7  # cosine of MiniLM embeddings, with --similarity embedding

#: A (predicted index, labelled index) pair chosen by ``match_one_to_one``.
Pair = tuple[int, int]

# --------------------------------------------------------------------------- #
# Names and words
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

_STOPWORDS = word_set(
    """a about above after again against all also am an and any are as at be
    because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told according"""
)


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


# --------------------------------------------------------------------------- #
# Open questions: lexical or embedding similarity
# --------------------------------------------------------------------------- #


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


# --------------------------------------------------------------------------- #
# Evidence
# --------------------------------------------------------------------------- #


def locate(article: str, quote: str) -> list[CharInterval]:
    """Every place ``quote`` occurs verbatim in ``article``."""
    found: list[CharInterval] = []
    start = article.find(quote)
    while start != -1 and quote:
        found.append(CharInterval(start, start + len(quote)))
        start = article.find(quote, start + 1)
    return found


def located(article: str, quotes: list[str]) -> list[CharInterval]:
    """Every occurrence in ``article`` of any of a label's evidence ``quotes``."""
    return [interval for quote in quotes for interval in locate(article, quote)]


def grounded_intervals(evidence: list[Evidence], article: str) -> list[CharInterval]:
    """Where the predicted evidence verbatim at its offsets lies; the rest is ignored."""
    return [e.interval for e in evidence if e.grounded_in(article)]


# --------------------------------------------------------------------------- #
# One-to-one matching
# --------------------------------------------------------------------------- #


def match_one_to_one(
    n_pred: int, n_gold: int, score: Callable[[int, int], float]
) -> list[Pair]:
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
