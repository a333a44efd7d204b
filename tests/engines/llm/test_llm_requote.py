"""The requote in every structured-output form: the small request is constrained to its
own schema (``Requotes``) the way the brief's request is constrained to the brief's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llm_cases import ARTICLE, engine_for, with_claim
from scripted_server import ScriptedServer

from summarizer.engines.llm.draft import Checker, DraftBrief
from summarizer.engines.llm.requote import Requotes, apply, lost_items

INVENTED = {"statement": "The bridge closes.", "quotes": ["a bridge shuts down"]}
REAL = "to close the Elm Street bridge"


def requote_schema(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema a request constrains the answer to, wherever the mode puts it."""
    if "tools" in body:
        return dict(body["tools"][0]["function"]["parameters"])
    form = body["response_format"]
    return dict(form["json_schema"]["schema"] if "json_schema" in form else form["schema"])


@pytest.mark.parametrize("mode", ["json_grammar", "json_schema", "json_schema_strict",
                                  "tools", "tools_strict"])  # fmt: skip
def test_the_requote_is_constrained_to_its_own_schema(server: ScriptedServer, mode: str) -> None:
    server.answer(with_claim(INVENTED))
    server.answer({"items": [{"id": "c3", "quotes": [REAL]}]})
    brief = engine_for(server, mode=mode, max_reasks=1).brief(ARTICLE)

    first, again = server.completions()
    schema = requote_schema(again.body)
    assert set(schema["properties"]) == {"items"}
    assert requote_schema(first.body) != schema
    if mode.endswith("strict"):
        assert json.dumps(schema).count('"additionalProperties": false') == 2
        strict = again.body["tools"][0]["function"] if "tools" in again.body else (
            again.body["response_format"]["json_schema"])
        assert strict["strict"] is True
    assert [e.text for c in brief.claims if c.id == "c3" for e in c.evidence] == [REAL]


def test_lost_items_are_those_without_a_findable_quote_and_tags_follow_position() -> None:
    draft = DraftBrief.model_validate(with_claim({"statement": "No quote at all."}))
    draft.unknowns[0].quotes = ["not in the article"]
    lost = lost_items(draft, Checker(ARTICLE))
    assert [(item.tag, item.statement) for item in lost] == [
        ("c3", "No quote at all."), ("u1", draft.unknowns[0].statement)]  # fmt: skip


def test_apply_replaces_only_answered_items_and_ignores_unknown_tags() -> None:
    draft = DraftBrief.model_validate(with_claim(INVENTED))
    lost = lost_items(draft, Checker(ARTICLE))
    answer = Requotes.model_validate(
        {"items": [{"id": "C3", "quotes": [REAL]}, {"id": "c1", "quotes": ["hijack"]},
                   {"id": "u9", "quotes": ["x"]}]}
    )
    mended, answered = apply(draft, lost, answer)
    assert answered == 1
    assert mended.claims[2].quotes == [REAL]
    assert mended.claims[0].quotes == draft.claims[0].quotes  # c1 was not asked: untouched
    assert draft.claims[2].quotes == INVENTED["quotes"]  # the original draft is not changed
