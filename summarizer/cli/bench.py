"""Benchmarks run from the command line: ``summarizer bench polnear PATH``.

Only light imports at module level: the CLI imports this at startup.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from summarizer.cli import options as opt

app = typer.Typer(no_args_is_help=True)


@app.callback()
def _bench() -> None:
    """Measure engines against labelled corpora.

    Example:

      summarizer bench polnear ../shared/polnear --split dev
    """


@app.command()
def polnear(
    path: Annotated[Path, typer.Argument(
        help="A PolNeAR split directory (with text/ and attributions/), or the corpus root "
             "with --split.")],
    split: Annotated[str | None, typer.Option(help="Split under the root: train or dev.")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N articles.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores here.")]
    = None,
) -> None:
    """Score the offline engine's attributions against PolNeAR's gold labels.

    Example:

      summarizer bench polnear ../shared/polnear --split dev
    """
    with opt.one_line_errors():
        result = run_polnear(path, split, limit)
    typer.echo(report(result))
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def run_polnear(path: Path, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Brief every article of the split, score the attributions, time parse vs brief."""
    from summarizer.engines.offline import nlp
    from summarizer.engines.offline.pipeline import OfflineEngine
    from summarizer.errors import InputError
    from summarizer.evaluation import polnear

    directory = polnear.split_dir(path, split)
    articles = polnear.read_split(directory, limit)
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
    score = polnear.score_all((a.text, a.attributions, polnear.predictions(b)) for a, b in pairs)
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
    from summarizer.engines.offline import nlp

    started = time.perf_counter()
    for _ in nlp.parse_many(texts):
        pass
    return time.perf_counter() - started


def report(result: dict[str, Any]) -> str:
    """The scores and timings of :func:`run_polnear`, as lines to read."""
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
