"""Client-side time of one LLM brief of the seed article, against a server answering at once.

Starts the scripted OpenAI-compatible server from tests/ on 127.0.0.1, queues a
realistic answer for seeds/000_a632362f40734eb3.txt, and times
``LLMEngine.brief`` + JSON rendering: prompt building, the HTTP round trip to
localhost, validation, grounding of every quote and building the brief. Prints
the median over N runs (after one warm-up run). Target: under 50 ms.

    python benchmarks/client_overhead.py --runs 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scripted_server import ScriptedServer  # noqa: E402

from summarizer.config import LLMSettings  # noqa: E402
from summarizer.engines.llm.engine import LLMEngine  # noqa: E402
from summarizer.render import render  # noqa: E402

SEED = ROOT / "seeds" / "000_a632362f40734eb3.txt"


def source(sid: str, label: str, quote: str, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "label": label, "anonymous": extra.pop("anonymous", False),
            "evidence": [quote], **extra}  # fmt: skip


def claim(cid: str, statement: str, sid: str | None, kind: str, quote: str) -> dict[str, Any]:
    return {"id": cid, "statement": statement, "source_id": sid, "attribution": kind,
            "evidence": [quote]}  # fmt: skip


ANSWER: dict[str, Any] = {
    "summary": "Donald Trump spoke with Vladimir Putin on Nov. 7, sources told the Washington "
    "Post. He advised Putin not to escalate in Ukraine, one source said.",
    "parties": [
        {
            "id": "p1",
            "name": "President-elect Donald Trump",
            "kind": "person",
            "aliases": ["Trump"],
        },
        {
            "id": "p2",
            "name": "Russian President Vladimir Putin",
            "kind": "person",
            "aliases": ["Putin"],
        },
        {"id": "p3", "name": "Hungarian Prime Minister Viktor Orban", "kind": "person"},
        {"id": "p4", "name": "Ukraine's government", "kind": "government"},
    ],
    "sources": [
        source(
            "s1",
            "sources familiar with the matter",
            "sources familiar with the matter told the Washington Post",
            anonymous=True,
        ),
        source(
            "s2",
            "one source familiar with the discussion",
            "said one source familiar with the discussion",
            anonymous=True,
            count=1,
            anonymity_reason="to discuss the sensitive topic",
        ),
        source(
            "s3",
            "Viktor Orban",
            "Hungarian Prime Minister Viktor Orban predicted during a Nov. 8 interview",
            party_id="p3",
        ),
        source(
            "s4",
            "two sources familiar with the situation",
            "according to two sources familiar with the situation",
            anonymous=True,
            count=2,
        ),
        source(
            "s5",
            "one source familiar with the calls",
            "said one source familiar with the calls",
            anonymous=True,
            count=1,
        ),
    ],
    "claims": [
        claim(
            "c1",
            "Donald Trump spoke with Vladimir Putin by phone on Nov. 7.",
            "s1",
            "paraphrase",
            "President-elect Donald Trump spoke directly with Russian President "
            "Vladimir Putin on Nov. 7",
        ),
        claim(
            "c2",
            "Trump advised Putin not to escalate the situation in Ukraine.",
            "s2",
            "paraphrase",
            "he advised Putin not to escalate the situation in Ukraine",
        ),
        claim(
            "c3",
            "Viktor Orban predicted Americans will quit the Ukraine war under Trump.",
            "s3",
            "direct_quote",
            "\u201cAmericans will quit\u201d the Ukraine war under Trump",
        ),
        claim(
            "c4",
            "Ukraine's government was informed of the call and did not object.",
            "s4",
            "paraphrase",
            "Ukraine's government was informed of the conversation with Putin "
            "and did not object to it",
        ),
        claim(
            "c5",
            "Trump's transition team has not signed an agreement with the GSA.",
            None,
            "narration",
            "The Trump transition team has not signed an agreement with the "
            "General Services Administration",
        ),
        claim(
            "c6",
            "Foreign leaders are calling Trump directly.",
            "s5",
            "direct_quote",
            "They are just calling him [Trump] directly",
        ),
    ],
    "unknowns": [
        {
            "id": "u1",
            "statement": "Trump has not said how he would end the war in Ukraine.",
            "evidence": ["did not elaborate on specific plans"],
        },
    ],
    "open_questions": [
        {"question": "What land arrangement did Trump raise with Putin?", "based_on": ["s1"]},
        {"question": "When will the transition team sign the GSA agreement?", "based_on": ["c5"]},
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    article = SEED.read_text(encoding="utf-8")
    server = ScriptedServer().start()
    try:
        engine = LLMEngine(LLMSettings(base_url=server.url, model="scripted-model"))
        times: list[float] = []
        for run in range(args.runs + 1):
            server.answer(ANSWER)
            started = time.perf_counter()
            brief = engine.brief(article)
            render(brief, "json")
            if run:  # the first run pays for imports and connection setup
                times.append(time.perf_counter() - started)
        assert not brief.meta.warnings, brief.meta.warnings
        assert len(brief.claims) == len(ANSWER["claims"])
    finally:
        server.stop()
    print(f"runs={args.runs} claims={len(brief.claims)} evidence={len(brief.evidence_items())}")
    median = statistics.median(times) * 1000
    p90 = sorted(times)[int(0.9 * len(times)) - 1] * 1000
    print(f"median {median:.1f} ms, p90 {p90:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
