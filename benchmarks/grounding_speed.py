"""How long grounding takes: build a Grounder, then locate 30 quotes of mixed kinds.

Run by hand:  python benchmarks/grounding_speed.py [ARTICLE.txt] [--words 5000] [--dirty]
Also times ``split_article`` on the same article.

``--dirty`` times the Unicode path: some words end in "é" (quotes are drawn
from that text, precomposed), then the article is decomposed (NFD: "e" + U+0301)
and gets soft hyphens inside some long words and zero-width spaces after some.

Without a file, a deterministic 5,000-word article is made from the seed's
vocabulary. Quotes: 10 exact cuts, 8 with case/quote/whitespace changes, 6 with
one word replaced, 6 invented (these exercise the slowest, failing path).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
import unicodedata
from pathlib import Path

from summarizer.grounding import Grounder
from summarizer.text import split_article

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a632362f40734eb3.txt"


def synthetic_article(words: int, rng: random.Random) -> str:
    vocabulary = re.findall(r"\w+", SEED.read_text(encoding="utf-8"))
    sentences = []
    total = 0
    while total < words:
        n = rng.randint(8, 30)
        body = " ".join(rng.choice(vocabulary) for _ in range(n))
        sentences.append(body[0].upper() + body[1:] + ".")
        total += n
    return "\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def cut(article: str, rng: random.Random) -> str:
    tokens = [m.span() for m in re.finditer(r"\w+", article)]
    i = rng.randrange(len(tokens) - 25)
    j = i + rng.randint(5, 24)
    return article[tokens[i][0] : tokens[j][1]]


def perturbed(quote: str) -> str:
    return re.sub(r"\s+", "  ", quote.upper()).replace("'", "\u2019")


def one_word_changed(quote: str, rng: random.Random) -> str:
    words = quote.split()
    words[rng.randrange(1, len(words) - 1)] = "zebra"
    return " ".join(words)


def quotes_for(article: str, rng: random.Random) -> list[str]:
    exact = [cut(article, rng) for _ in range(10)]
    changed_case = [perturbed(cut(article, rng)) for _ in range(8)]
    one_word = [one_word_changed(cut(article, rng), rng) for _ in range(6)]
    invented = [
        " ".join(rng.choice(["zebra", "the", "of", "Trump", "quantum", "said"]) for _ in range(12))
        for _ in range(6)
    ]
    return exact + changed_case + one_word + invented


def accented(article: str, rng: random.Random) -> str:
    """``article`` with "é" at the end of one word in ten (precomposed)."""
    return re.sub(r"\w+", lambda m: m.group() + ("\u00e9" if rng.random() < 0.1 else ""), article)


def dirtied(article: str, rng: random.Random) -> str:
    """``article`` decomposed, with soft hyphens and zero-width spaces sprinkled in."""

    def word(m: re.Match[str]) -> str:
        w = m.group()
        roll = rng.random()
        if roll < 0.1 and len(w) >= 6:
            return w[:3] + "\u00ad" + w[3:]
        if roll < 0.15:
            return w + "\u200b"
        return w

    return unicodedata.normalize("NFD", re.sub(r"\w+", word, article))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("article", nargs="?", type=Path)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dirty", action="store_true", help="time the Unicode path")
    args = parser.parse_args()
    rng = random.Random(7)
    if args.article:
        article = args.article.read_text(encoding="utf-8")
    else:
        article = synthetic_article(args.words, rng)
    if args.dirty:
        article = accented(article, rng)
    quotes = quotes_for(article, rng)
    if args.dirty:
        article = dirtied(article, rng)
    build, find, split = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        grounder = Grounder(article)
        t1 = time.perf_counter()
        matches = [grounder.find(q) for q in quotes]
        t2 = time.perf_counter()
        chunks = split_article(article, max_tokens=1000, overlap_sentences=2)
        t3 = time.perf_counter()
        build.append(t1 - t0)
        find.append(t2 - t1)
        split.append(t3 - t2)
    methods = [m.method if m else "none" for m in matches]
    print(f"article: {len(article.split())} words, {len(article)} chars; {len(quotes)} quotes")
    print(f"methods: { {k: methods.count(k) for k in sorted(set(methods))} }")
    print(f"build Grounder: median {statistics.median(build) * 1000:.2f} ms")
    print(f"find {len(quotes)} quotes: median {statistics.median(find) * 1000:.2f} ms")
    print(
        f"split_article (1000 tokens, overlap 2): {len(chunks)} chunks, "
        f"median {statistics.median(split) * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
