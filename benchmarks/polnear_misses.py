"""PolNeAR misses by kind for the offline engine: what recall and precision lose, and why.

Run by hand from the repository root (tune on train, report on dev):

    python benchmarks/polnear_misses.py ../shared/polnear --split dev [--limit N]

Kinds: a gold attribution missed because its cue word is not in the engine's lexicon
(``cue word``), missed although its cue is known, with no predicted content touching
it (``structure: none``) or with one that overlaps too little (``structure: partial``);
a matched attribution whose source is wrong (``source``); and predictions that match
nothing (``extra: none`` touches no gold content, ``extra: partial`` overlaps one).
Scoring is the bench's (``summarizer bench polnear``).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from summarizer.engines.offline import OfflineEngine, nlp
from summarizer.engines.offline.cues import CUE_VERBS, NOMINAL_CUES
from summarizer.evaluation import polnear


def known_cue(cue: str) -> bool:
    """Whether a cue's words include a lemma the engine treats as a cue."""
    if not cue.strip() or cue.strip() in (":", "—", "―"):
        return True  # headline and transcript colons, dashes: structure, not lexicon
    lemmas = {t.lemma_.lower() for t in nlp.load()(cue)}
    return bool(lemmas & (CUE_VERBS | set(NOMINAL_CUES))) or "according" in cue.lower()


def misses(path: Path, split: str, limit: int | None) -> tuple[polnear.Score, Counter[str]]:
    articles = polnear.read_split(polnear.split_dir(path, split), limit)
    briefs = OfflineEngine().brief_many(a.text for a in articles)
    total = polnear.Score()
    kinds: Counter[str] = Counter()
    for article, brief in zip(articles, briefs, strict=True):
        text, gold, predicted = article.text, article.attributions, polnear.predictions(brief)
        total.add(polnear.score_article(text, gold, predicted))
        pairs = dict(polnear.match(gold, predicted))
        spans = [polnear.chars(p.content) for p in predicted]
        for index, item in enumerate(gold):
            if index in pairs:
                right = polnear.source_right(item, predicted[pairs[index]], text)
                kinds["source"] += polnear.judgeable(item, text) and not right
                continue
            touched = any(polnear.chars(item.content) & span for span in spans)
            if not known_cue(polnear.span_text(item.cue, text)):
                kinds["cue word"] += 1
            else:
                kinds["structure: partial" if touched else "structure: none"] += 1
        matched = set(pairs.values())
        gold_spans = [polnear.chars(g.content) for g in gold]
        for index, span in enumerate(spans):
            if index not in matched:
                touched = any(span & g for g in gold_spans)
                kinds["extra: partial" if touched else "extra: none"] += 1
    return total, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the PolNeAR checkout")
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    args = parser.parse_args()
    score, kinds = misses(args.path, args.split, args.limit)
    print(f"PolNeAR {args.split}: {score.articles} articles, gold {score.gold}, predicted "
          f"{score.predicted}, matched {score.matched}")
    print(f"  content P {score.precision:.3f} R {score.recall:.3f} F1 {score.f1:.3f}; "
          f"source accuracy {score.source_accuracy:.3f}")
    for kind in ("cue word", "structure: none", "structure: partial", "source",
                 "extra: none", "extra: partial"):
        print(f"  {kind:<20} {kinds[kind]}")


if __name__ == "__main__":
    main()
