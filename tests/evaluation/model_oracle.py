"""An oracle server (tests/oracle_server.py) whose "models" answer differently, so that
side-by-side, repeat and baseline tests can predict every score.

- ``oracle``: the labels themselves (every score 1.0 on the hand-made cases);
- ``forgetful``: the labels without the first labelled party (parties recall 3/5 over the
  two hand-made cases: council 2/3, senate 1/2);
- ``flaky``: as ``oracle`` on odd calls for a case and as ``forgetful`` on even ones, so
  three repeats give parties recall 1.0, 0.6, 1.0;
- anything else: HTTP 400 (the engine fails on the case).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from eval_helpers import CASES, DATA, SENATE_ARTICLE
from oracle_server import _ARTICLE, OracleServer, within

from summarizer.engines.llm.draft import answer_for
from summarizer.evaluation import cases as ev
from summarizer.schema import ArticleBrief
from summarizer.spans import CharInterval

MODELS = ("oracle", "forgetful", "flaky")


def without_first_party(brief: ArticleBrief) -> ArticleBrief:
    """``brief`` without its first party (sources linked to it keep no party)."""
    if not brief.parties:
        return brief
    gone = brief.parties[0].id
    sources = [s.model_copy(update={"party_id": None}) if s.party_id == gone else s
               for s in brief.sources]  # fmt: skip
    return brief.model_copy(update={"parties": brief.parties[1:], "sources": sources})


class ModelOracle(OracleServer):
    """The oracle with per-model answers (see the module's docstring)."""

    def __init__(self) -> None:
        council = ev.load_case(CASES / "mini-council-vote.yaml")
        senate = ev.load_case(CASES / "mini-senate-farm-bill.yaml")
        article = (DATA / "articles" / "council.txt").read_text(encoding="utf-8")
        super().__init__([(council, article), (senate, SENATE_ARTICLE)])
        self.calls: Counter[tuple[str, str]] = Counter()  # (model, case id) -> chat requests
        self._count_lock = threading.Lock()

    def answer(self, request: dict[str, Any]) -> Any:
        model = str(request.get("model"))
        user = "\n".join(str(m.get("content")) for m in request.get("messages", [])
                         if m.get("role") == "user")  # fmt: skip
        found = _ARTICLE.search(user)
        if model not in MODELS or found is None:
            return None
        text = found.group(1)
        for case, article in self.cases:
            start = article.find(text)
            if start < 0:
                continue
            with self._count_lock:
                self.calls[model, case.id] += 1
                call = self.calls[model, case.id]
            brief = within(self._golds[case.id], article, CharInterval(start, start + len(text)))
            if model == "forgetful" or (model == "flaky" and call % 2 == 0):
                brief = without_first_party(brief)
            return answer_for(brief, text)
        return None
