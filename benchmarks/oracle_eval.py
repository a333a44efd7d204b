"""Oracle eval: does the LLM pipeline lose anything a perfect model gives it?

Runs the real LLM engine (HTTP, instructor, validation, grounding, salvage,
chunk merge) against ``tests/oracle_server.py``, a loopback server answering
every request with the hand-labelled brief of the case whose article is in the
prompt, and scores the briefs against those same labels:

    python benchmarks/oracle_eval.py evals/cases                 # every field >= 0.98
    python benchmarks/oracle_eval.py evals/cases --perturb       # every field >= 0.95
    python benchmarks/oracle_eval.py evals/cases --chunk-tokens 300   # chunked articles

Prints the per-field scores and a last line ``SUMMARY name=value ...``; with
``--check`` exits 1 when a field is below ``--min`` (default 0.98, or 0.95 with
``--perturb``). Open questions are not scored: the pipeline passes them through
untouched and their measure (wording similarity) says nothing about it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oracle_server import OracleServer  # noqa: E402

from summarizer.config import LLMSettings  # noqa: E402
from summarizer.engines.llm import LLMEngine  # noqa: E402
from summarizer.evaluation.cases import Articles, load_cases  # noqa: E402
from summarizer.evaluation.report import aggregate  # noqa: E402
from summarizer.evaluation.runner import run_eval  # noqa: E402

FIELDS = (
    "parties.f1", "sources.f1", "claims.recall", "claims.attribution", "claims.grounding",
    "unknowns.f1", "evidence.grounding", "validity",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases_dir", type=Path)
    parser.add_argument("--perturb", action="store_true", help="answers carry real models' errors")
    parser.add_argument("--mode", default="json", help="structured-output mode (default json)")
    parser.add_argument("--chunk-tokens", type=int, default=None, help="force chunking")
    parser.add_argument("--check", action="store_true", help="exit 1 below --min")
    parser.add_argument("--min", type=float, default=None)
    args = parser.parse_args()

    articles = Articles.default(args.cases_dir)
    cases = load_cases(args.cases_dir)
    texts = [(case, articles.read(case.article)) for case in cases]
    found = [(case, text) for case, text in texts if text is not None]
    missing = [case.id for case, text in texts if text is None]
    with OracleServer(found, perturb=args.perturb) as oracle:
        options: dict[str, object] = {"base_url": oracle.url, "model": "oracle", "mode": args.mode,
                                      "api_key": "oracle", "max_reasks": 1}  # fmt: skip
        if args.chunk_tokens:
            options["chunk_tokens"] = args.chunk_tokens
        engine = LLMEngine(LLMSettings(**options))  # type: ignore[arg-type]
        run = run_eval([case for case, _ in found], engine, articles, concurrency=4)
        unmatched, requests = oracle.unmatched, len(oracle.requests)

    scores = aggregate(run.results)
    errors = [r for r in run.results if r.status != "ok"]
    print(f"{'field':<20} {'micro':>6} {'macro':>6}")
    for name in FIELDS:
        print(f"{name:<20} {scores[name]['micro']!s:>6} {scores[name]['macro']!s:>6}")
    for result in errors:
        print(f"error: {result.id}: {result.message}")
    warnings = sum(len(r.brief.meta.warnings) for r in run.results if r.brief)
    lowest = min((scores[n]["micro"] for n in FIELDS if scores[n]["micro"] is not None), default=0)
    pairs = {n.replace(".", "_"): scores[n]["micro"] for n in FIELDS}
    pairs |= {"cases": len(found), "missing": len(missing), "errors": len(errors),
              "requests": requests, "unmatched": unmatched, "warnings": warnings,
              "perturb": int(args.perturb), "min": lowest}  # fmt: skip
    print("SUMMARY " + " ".join(f"{k}={v}" for k, v in pairs.items()))
    floor = args.min if args.min is not None else (0.95 if args.perturb else 0.98)
    failed = lowest < floor or errors or missing or unmatched
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
