"""Offline engine speed: the CLI's cold first brief, and brief time over parse time.

Run by hand from the repository root:

    python benchmarks/offline_speed.py [--articles DIR] [--limit N] [--runs N]

Targets: the cold CLI brief (a new process: imports, model load, brief) under 3 s;
the whole brief at most 1.2x the spaCy parse alone on the same articles, both
measured in this one run; an article of 149 KB strewn with stray quotation marks
briefed in at most 3x the time of the same article without them (``--stray`` runs
only that check). Articles default to the seeds/ directory; point
--articles at a directory of .txt files (e.g. a PolNeAR text/ folder) for more.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a632362f40734eb3.txt"


def cold_cli_seconds(runs: int) -> list[float]:
    """Wall time of `summarizer summarize SEED --engine offline` in fresh processes."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "summarizer"), "summarize", str(SEED),
             "--engine", "offline"],
            check=True, capture_output=True, cwd=ROOT,
        )
        timings.append(time.perf_counter() - started)
    return timings


def parse_vs_brief(texts: list[str]) -> tuple[float, float]:
    from summarizer.engines.offline import nlp
    from summarizer.engines.offline.pipeline import OfflineEngine
    from summarizer.evaluation.polnear import parse_only

    nlp.parse("Warm the pipeline up before timing it.")
    first_parse = parse_only(texts)
    started = time.perf_counter()
    OfflineEngine().brief_many(texts)
    brief_seconds = time.perf_counter() - started
    return min(first_parse, parse_only(texts)), brief_seconds


STRAY_CHARS = 149_000


def stray_quotes_ratio(seed: str) -> tuple[float, float]:
    """Seconds to brief a 149 KB article, then the same article with a stray quotation
    mark opened every few words and never closed: (plain, stray)."""
    from summarizer.engines.offline.pipeline import OfflineEngine

    plain = (seed + "\n\n") * (STRAY_CHARS // (len(seed) + 2))
    words = plain.split(" ")
    stray = " ".join('"' + w if n % 7 == 3 else w for n, w in enumerate(words))[:STRAY_CHARS]
    plain = plain[:STRAY_CHARS]
    engine = OfflineEngine()
    engine.brief("Warm the pipeline up before timing it.")
    timings = []
    for text in (plain, stray):
        started = time.perf_counter()
        engine.brief(text)
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=ROOT / "seeds")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="cold CLI runs")
    parser.add_argument("--stray", action="store_true", help="only the stray-quotes check")
    args = parser.parse_args()

    plain, stray = stray_quotes_ratio(SEED.read_text(encoding="utf-8"))
    print(f"149 KB article: {plain:.2f}s; with stray quotation marks: {stray:.2f}s, "
          f"ratio {stray / plain:.2f} (target <= 3)")
    if args.stray:
        return

    cold = cold_cli_seconds(args.runs)
    print(f"cold CLI first brief: median {statistics.median(cold):.2f}s "
          f"(runs: {', '.join(f'{t:.2f}' for t in cold)}; target < 3 s)")

    paths = sorted(args.articles.glob("*.txt"))[: args.limit]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    parse_seconds, brief_seconds = parse_vs_brief(texts)
    print(f"{len(texts)} articles: parse only {parse_seconds:.2f}s, whole brief "
          f"{brief_seconds:.2f}s, ratio {brief_seconds / parse_seconds:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
