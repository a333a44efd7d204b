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
import os
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scripted_server import ScriptedServer  # noqa: E402

from summarizer import summarize  # noqa: E402

THE_ARTICLE = "the article"


def polnear_root() -> Path:
    return Path(os.environ.get("SUMMARIZER_POLNEAR") or ROOT.parent / "shared" / "polnear")


def case_article(ref: str) -> Path:
    if ref.startswith("polnear:"):
        split, _, stem = ref.removeprefix("polnear:").partition("/")
        return polnear_root() / "data" / split / "text" / f"{stem}.txt"
    return ROOT / ref


def cases() -> list[tuple[str, dict[str, Any], str]]:
    found = []
    for path in sorted((ROOT / "evals" / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        article = case_article(case["article"])
        if article.exists():
            found.append((case["id"], case["expect"], article.read_text(encoding="utf-8")))
    return found


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def draft_from_labels(expect: dict[str, Any]) -> dict[str, Any]:
    """The hand-labelled expectations in the draft form the LLM is asked for."""
    parties = [
        {"id": f"p{n}", "name": p["name"], "kind": p["kind"], "aliases": p.get("aliases", [])}
        for n, p in enumerate(expect.get("parties", []), start=1)
    ]
    sources, ids = [], {}
    for n, s in enumerate(expect.get("sources", []), start=1):
        ids[s["label"]] = f"s{n}"
        sources.append({
            "id": f"s{n}", "label": s["label"], "anonymous": s.get("anonymous", False),
            "count": s.get("count"), "anonymity_reason": s.get("anonymity_reason"),
            "evidence": as_list(s.get("evidence")),
        })  # fmt: skip
    claims = [
        {
            "id": f"c{n}", "statement": c["statement"],
            "source_id": None if c.get("source") == THE_ARTICLE else ids.get(c.get("source")),
            "attribution": "paraphrase" if c.get("source") != THE_ARTICLE else "narration",
            "evidence": as_list(c.get("evidence")),
        }
        for n, c in enumerate(expect.get("claims", []), start=1)
    ]
    unknowns = [
        {"id": f"u{n}", "statement": u["statement"], "evidence": as_list(u.get("evidence"))}
        for n, u in enumerate(expect.get("unknowns", []), start=1)
    ]
    questions = [{"question": q, "based_on": []} for q in expect.get("open_questions", [])]
    return {
        "summary": "A brief.", "parties": parties, "sources": sources, "claims": claims,
        "unknowns": unknowns, "open_questions": questions,
    }  # fmt: skip


def dump(brief: Any) -> dict[str, Any]:
    data: dict[str, Any] = brief.model_dump(mode="json")
    data["meta"].pop("seconds", None)
    return data


def offline_briefs(limit: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for case_id, _, text in cases():
        out[f"offline/case/{case_id}"] = dump(summarize(text, engine="offline"))
    texts = sorted((polnear_root() / "data" / "dev" / "text").glob("*.txt"))
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
            for case_id, expect, text in all_cases:
                server.answer(draft_from_labels(expect))
                out[f"llm/{mode}/{case_id}"] = dump(summarize(text, mode=mode, **options))
        _, seed_expect, seed = next(c for c in all_cases if c[0].startswith("seed"))
        draft = draft_from_labels(seed_expect)
        broken = json.loads(json.dumps(draft))
        broken["claims"][0]["evidence"] = ["a quote the article never had"]
        broken["claims"][1]["source_id"] = "s99"
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
