"""Behaviour check for refactors: save briefs now, compare them after a change.

    python benchmarks/golden_briefs.py save  DIR     # before the change
    python benchmarks/golden_briefs.py check DIR     # after it: exit 1 on any difference

It briefs, through the public ``summarize`` only:

* with the offline engine, the articles of every eval case and every PolNeAR
  dev text (when ``../shared/polnear`` or ``$SUMMARIZER_POLNEAR`` is there);
* with the LLM engine, against the tests' scripted OpenAI-compatible server,
  each eval case's labels replayed as the model's answer in json and tools
  modes, the seed with an invented quote and a dangling source id (salvage and
  re-ask paths), and the seed in chunks.

Timing fields (``meta.seconds``) are left out of the comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oracle_server import gold_brief  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402

from summarizer import summarize  # noqa: E402
from summarizer.engines.llm.draft import answer_for  # noqa: E402
from summarizer.evaluation.cases import Articles, Case, load_cases  # noqa: E402

CASES = ROOT / "evals" / "cases"


def cases() -> list[tuple[Case, str]]:
    """Every eval case whose article is here, with the article's text."""
    articles = Articles.default(CASES)
    found = []
    for case in load_cases(CASES):
        text = articles.read(case.article)
        if text is not None:
            found.append((case, text))
    return found


def labels_answer(case: Case, text: str) -> dict[str, Any]:
    """The case's labels as a perfect model's answer, in the engine's draft format."""
    return answer_for(gold_brief(case, text))


def dump(brief: Any) -> dict[str, Any]:
    data: dict[str, Any] = brief.model_dump(mode="json")
    data["meta"].pop("seconds", None)
    return data


def offline_briefs(limit: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for case, text in cases():
        out[f"offline/case/{case.id}"] = dump(summarize(text, engine="offline"))
    texts = sorted((Articles.default(CASES).polnear_root / "data" / "dev" / "text").glob("*.txt"))
    for path in texts[:limit]:
        out[f"offline/dev/{path.stem}"] = dump(
            summarize(path.read_text(encoding="utf-8"), engine="offline")
        )
    return out


def llm_briefs() -> dict[str, Any]:
    out: dict[str, Any] = {}
    server = ScriptedServer().start()
    options = {"engine": "llm", "base_url": server.url, "model": "scripted-model",
               "api_key": "k", "max_reasks": 2}  # fmt: skip
    try:
        all_cases = cases()
        for mode in ("json", "tools"):
            for case, text in all_cases:
                server.answer(labels_answer(case, text))
                out[f"llm/{mode}/{case.id}"] = dump(summarize(text, mode=mode, **options))
        seed_case, seed = next(c for c in all_cases if c[0].id.startswith("seed"))
        draft = labels_answer(seed_case, seed)
        broken = json.loads(json.dumps(draft))
        broken["claims"][0]["quotes"] = ["a quote the article never had"]
        broken["claims"][1]["source"] = "s99"
        for _ in range(3):
            server.answer(broken)
        out["llm/json/seed-broken"] = dump(summarize(seed, mode="json", **options))
        for _ in range(20):
            server.answer(draft)
        out["llm/json/seed-chunked"] = dump(
            summarize(seed, mode="json", chunk_tokens=400, concurrency=1, **options)
        )
        server.replies.clear()
        server.answer(draft, finish_reason="length")
        out["llm/json/seed-cut"] = dump(summarize(seed, mode="json", **options))
    finally:
        server.stop()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "check"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="PolNeAR dev texts (default all)")
    args = parser.parse_args()
    briefs = {**offline_briefs(args.limit), **llm_briefs()}
    target = args.folder / "briefs.json"
    if args.action == "save":
        args.folder.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(briefs, indent=1, sort_keys=True), encoding="utf-8")
        print(f"saved {len(briefs)} briefs to {target}")
        return 0
    saved = json.loads(target.read_text(encoding="utf-8"))
    differing = sorted(k for k in saved.keys() | briefs.keys() if saved.get(k) != briefs.get(k))
    for key in differing:
        print(f"differs: {key}")
    print(f"SUMMARY briefs={len(briefs)} saved={len(saved)} differing={len(differing)}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
