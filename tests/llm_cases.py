"""The article, the model's good answer and the engine factory the LLM tests share.

Importable by name from any test folder (pytest's ``pythonpath = ["tests"]``).
"""

from __future__ import annotations

import copy
from typing import Any

from scripted_server import ScriptedServer

from summarizer.config import LLMSettings
from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.transport import Backoff
from summarizer.schema import ArticleBrief

FAST = Backoff(base=0.01, maximum=0.05, retry_after_cap=2.0)

ARTICLE = (
    "SPRINGFIELD - The city council voted 7-2 on Tuesday to close the Elm Street bridge "
    "for repairs, Mayor Ana Ruiz said.\n"
    "\u201cWe had no choice,\u201d Ruiz told reporters after the vote.\n"
    "Two engineers familiar with the inspection, who asked not to be named because the "
    "report is not public, said cracks were found in the main supports.\n"
    "Officials did not say how much the repairs would cost or when the bridge would reopen."
)

GOOD: dict[str, Any] = {
    "summary": "Springfield's council voted to close the Elm Street bridge for repairs.",
    "parties": [
        {"id": "p1", "name": "Ana Ruiz", "kind": "person", "aliases": ["Ruiz"]},
        {"id": "p2", "name": "Springfield city council", "kind": "government"},
    ],
    "sources": [
        {"id": "s1", "label": "Mayor Ana Ruiz", "anonymous": False, "party_id": "p1",
         "evidence": ["Mayor Ana Ruiz said"]},
        {"id": "s2", "label": "Two engineers familiar with the inspection", "anonymous": True,
         "count": 2, "anonymity_reason": "the report is not public",
         "evidence": ["Two engineers familiar with the inspection"]},
    ],
    "claims": [
        {"id": "c1", "statement": "Springfield's council voted 7-2 to close the Elm Street bridge.",
         "source_id": "s1", "attribution": "paraphrase",
         "evidence": ["The city council voted 7-2 on Tuesday to close the Elm Street bridge"]},
        {"id": "c2", "statement": "Cracks were found in the Elm Street bridge's main supports.",
         "source_id": "s2", "attribution": "paraphrase",
         "evidence": ["cracks were found in the main supports"]},
    ],
    "unknowns": [
        {"id": "u1", "statement": "The cost of the repairs is not known.",
         "evidence": ["Officials did not say how much the repairs would cost"]},
    ],
    "open_questions": [
        {"question": "How much will the Elm Street bridge repairs cost?", "based_on": ["u1"]},
    ],
}  # fmt: skip


def draft(**changes: Any) -> dict[str, Any]:
    """A copy of ``GOOD`` with ``changes``."""
    answer = copy.deepcopy(GOOD)
    answer.update(changes)
    return answer


def with_claim(claim: dict[str, Any]) -> dict[str, Any]:
    """``GOOD`` with one more claim."""
    return draft(claims=[*copy.deepcopy(GOOD["claims"]), claim])


def engine_for(server: ScriptedServer, **settings: Any) -> LLMEngine:
    """An engine asking ``server`` for scripted-model in plain JSON mode, with fast backoff.

    Plain JSON is what auto mode picks for the scripted server, which it does not
    recognise (saying so in every brief's warnings): tests of auto mode ask for it.
    """
    options: dict[str, Any] = {
        "base_url": server.url, "model": "scripted-model", "mode": "json", **settings
    }
    return LLMEngine(LLMSettings(**options), backoff=FAST)


def assert_grounded(brief: ArticleBrief, article: str) -> None:
    for evidence in brief.evidence_items():
        assert article[evidence.start : evidence.end] == evidence.text


def claim_ids(brief: ArticleBrief) -> list[str]:
    return [c.id for c in brief.claims]


def last_user_turn(request: Any) -> str:
    return str(request.messages[-1]["content"])
