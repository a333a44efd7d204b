"""The draft the model fills in: its schemas, reading it leniently, the oracle's inverse,
which answers are re-asked (only empty ones) and the requote of unfound quotes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llm_cases import (
    ARTICLE,
    GOOD,
    assert_grounded,
    claim_ids,
    engine_for,
    last_user_turn,
    with_claim,
)
from openai.lib._pydantic import to_strict_json_schema
from scripted_server import ScriptedServer

from summarizer import prompts
from summarizer.engines.llm.convert import to_parts
from summarizer.engines.llm.draft import (
    Brief,
    Checker,
    DraftBrief,
    answer_for,
    prompt_schema,
    typed_schema,
)
from summarizer.schema import ArticleBrief, Claim, Evidence, Meta, Party, Source, Unknown
from summarizer.spans import CharInterval

# --------------------------------------------------------------------------- #
# The schemas
# --------------------------------------------------------------------------- #


def test_json_mode_shows_the_short_schema_once_after_the_instructions(
    server: ScriptedServer,
) -> None:
    server.answer(GOOD)
    engine_for(server, mode="json").brief(ARTICLE)

    system = server.completions()[0].text("system")
    assert system.startswith(prompts.system_message())
    assert json.dumps(prompt_schema(), indent=2) in system
    assert system.count('"properties"') == 1  # the schema once, no nested definitions


def test_the_prompt_schema_is_the_top_level_shape_and_the_keys_are_in_the_prompt() -> None:
    schema = Brief.model_json_schema()
    assert schema == prompt_schema()
    assert list(schema["properties"]) == [
        "summary", "parties", "sources", "claims", "unknowns", "questions"]  # fmt: skip
    system = prompts.system_message()
    for key in ("name:", "aliases:", "kind:", "label:", "party:", "anonymous:", "count",
                "anonymity_reason", "source:", "attribution:", "quotes:", "based_on:"):  # fmt: skip
        assert key in system, key


def test_the_typed_schema_is_complete_and_openai_strict_derivable() -> None:
    schema = typed_schema()
    claim = schema["properties"]["claims"]["items"]
    assert set(claim["properties"]) == {"id", "statement", "source", "attribution", "quotes"}
    assert claim["properties"]["source"]["type"] == ["string", "null"]
    assert "direct_quote" in json.dumps(claim["properties"]["attribution"])
    assert "$defs" not in schema and '"title": "Id"' not in json.dumps(schema)
    strict = to_strict_json_schema(DraftBrief)  # every field required, the optional nullable
    source = strict["$defs"]["DraftSource"]
    assert source["additionalProperties"] is False
    assert set(source["required"]) == set(source["properties"])
    assert source["properties"]["count"]["anyOf"][1] == {"type": "null"}
    assert '"default"' not in json.dumps(strict)  # strict schemas take none


# --------------------------------------------------------------------------- #
# Reading leniently: near-misses mended, never a whole item lost for them
# --------------------------------------------------------------------------- #


def read(answer: Any) -> tuple[DraftBrief, list[str]]:
    notes: list[str] = []
    return DraftBrief.model_validate(answer, context={"notes": notes}), notes


def test_near_misses_are_mended_not_dropped() -> None:
    draft, notes = read({
        "summary": "s",
        "parties": [{"name": "Ana Ruiz", "kind": "Person"},
                    {"name": "Springfield council", "kind": "organisation"},
                    {"name": "The Daily", "kind": "News outlet"}],
        "sources": [{"label": "Two engineers", "anonymous": "yes", "count": "two",
                     "evidence": "Two engineers familiar with the inspection"}],
        "claims": [{"statement": "Cracks.", "source_id": "s1", "attribution": "Paraphrase",
                    "evidence": "cracks were found in the main supports"},
                   {"statement": "No choice.", "attribution": "Direct Quote",
                    "quotes": ["We had no choice"]}],
        "open_questions": [{"question": "Why?", "based_on": "c1"}],
    })  # fmt: skip
    assert [p.kind for p in draft.parties] == ["person", "organization", "media"]
    (source,) = draft.sources
    assert (source.anonymous, source.count, source.quotes) == (
        True, 2, ["Two engineers familiar with the inspection"])  # fmt: skip
    assert [(c.source, c.kind) for c in draft.claims] == [
        ("s1", "paraphrase"),
        (None, "direct_quote"),
    ]
    assert draft.claims[0].quotes == ["cracks were found in the main supports"]
    assert draft.questions[0].based_on == ["c1"]
    assert notes == []  # spelling fixes lose nothing, so they are silent


def test_an_unreadable_value_is_a_note_and_only_a_missing_statement_drops_an_item() -> None:
    draft, notes = read({
        "summary": "s",
        "parties": [{"name": "Zork", "kind": "alien"}],
        "sources": [{"label": "officials", "count": "several"}],
        "claims": [{"quotes": ["x"]}, {"statement": "Kept.", "attribution": "hearsay"}],
    })  # fmt: skip
    assert draft.parties[0].kind == "other"
    assert draft.sources[0].count is None
    assert [c.statement for c in draft.claims] == ["Kept."]
    assert notes == [
        "party 1: unknown value 'alien', read as other",
        "source 1: count 'several' is not a number, left out",
        "claim 2: unknown value 'hearsay', read as unset",
        "claims item 1 dropped: statement: Field required",
    ]


def test_bare_numbers_and_lists_where_one_id_belongs_are_read_as_ids() -> None:
    draft, notes = read({
        "summary": "s",
        "sources": [{"id": 1, "label": "Ruiz", "party": 1}],
        "claims": [{"statement": "a", "source": 1}, {"statement": "b", "source": ["s1"]},
                   {"statement": "c", "source": {"id": "s1"}}],
    })  # fmt: skip
    assert (draft.sources[0].id, draft.sources[0].party) == ("s1", "p1")
    assert [c.source for c in draft.claims] == ["s1", "s1", None]
    assert notes == []


@pytest.mark.parametrize("wrapper", ["brief", "Brief", "result"])
def test_an_answer_wrapped_in_one_object_is_unwrapped(wrapper: str) -> None:
    draft, notes = read({wrapper: GOOD})
    assert draft.summary == GOOD["summary"] and len(draft.claims) == 2
    assert notes == [f"read the brief inside the answer's {wrapper!r} object"]


def test_the_schema_echoed_back_holds_no_brief() -> None:
    draft, notes = read(Brief.model_json_schema())
    assert draft.is_empty()
    assert notes == ["the answer is the JSON Schema, not a brief"]


# --------------------------------------------------------------------------- #
# answer_for is the exact inverse of reading a draft
# --------------------------------------------------------------------------- #


def at(quote: str, nth: int = 0) -> Evidence:
    start = -1
    for _ in range(nth + 1):
        start = ARTICLE.index(quote, start + 1)
    return Evidence.at(ARTICLE, CharInterval(start, start + len(quote)))


def gold() -> ArticleBrief:
    long_span = ("Two engineers familiar with the inspection, who asked not to be named "
                 "because the report is not public, said cracks were found")  # fmt: skip
    return ArticleBrief(
        summary="Springfield closes the Elm Street bridge.",
        parties=[Party(id="p1", name="Ana Ruiz", kind="person", aliases=["Ruiz"]),
                 Party(id="p2", name="Springfield city council", kind="government")],
        sources=[Source(id="s1", label="Mayor Ana Ruiz", anonymous=False, party_id="p1",
                        evidence=[at("Mayor Ana Ruiz said")]),
                 Source(id="s2", label="Two engineers", anonymous=True, count=2,
                        anonymity_reason="the report is not public",
                        evidence=[at("Two engineers familiar with the inspection")])],
        claims=[Claim(id="c1", statement="The council voted 7-2 to close the bridge.",
                      source_id="s1", attribution="paraphrase",
                      evidence=[at("voted 7-2 on Tuesday")]),
                Claim(id="c2", statement="Cracks were found in the main supports.",
                      source_id="s2", attribution="paraphrase", evidence=[at(long_span)]),
                Claim(id="c3", statement="Ruiz said the council had no choice.",
                      source_id="s1", attribution="direct_quote",
                      evidence=[at("We had no choice")]),
                Claim(id="c4", statement="The repair cost was not given.", source_id=None,
                      attribution="narration", evidence=[at("Officials did not say")])],
        unknowns=[Unknown(id="u1", statement="When the bridge reopens.",
                          evidence=[at("when the bridge would reopen")])],
        meta=Meta(engine="llm"),
    )  # fmt: skip


def test_answer_for_leaves_out_what_reading_fills_in_and_elides_long_quotes() -> None:
    answer = answer_for(gold(), ARTICLE)
    items = [item for name in ("parties", "sources", "claims", "unknowns") for item in answer[name]]
    assert not [item for item in items if "id" in item]  # every id is its position
    assert answer["sources"][0] == {"label": "Mayor Ana Ruiz", "party": "p1",
                                    "quotes": ["Mayor Ana Ruiz said"]}  # fmt: skip
    assert [c.get("attribution") for c in answer["claims"]] == [None, None, "direct_quote", None]
    assert [c.get("source") for c in answer["claims"]] == ["s1", "s2", "s1", None]
    (elided,) = answer["claims"][1]["quotes"]
    assert elided.startswith("Two engineers") and " ... " in elided
    assert len(elided) < len(gold().claims[1].evidence[0].text) / 2


def test_reading_answer_for_gives_back_the_brief() -> None:
    brief = gold()
    for article in (ARTICLE, None):  # elided or whole quotes
        warnings: list[str] = []
        draft = DraftBrief.model_validate(answer_for(brief, article))
        parts = to_parts(draft, Checker(ARTICLE), 0, warnings)
        assert warnings == []
        again = ArticleBrief(**vars(parts), meta=brief.meta)
        assert again.model_dump() == brief.model_dump()


# --------------------------------------------------------------------------- #
# Re-asks: the whole brief only for an empty answer; unfound quotes item by item
# --------------------------------------------------------------------------- #


def test_malformed_json_is_reasked_and_usage_counts_every_answer(server: ScriptedServer) -> None:
    broken = '{"summary": "oops", "claims": [}'  # broken JSON, not cut off
    server.content(broken, usage=(100, 5))
    server.answer(GOOD, usage=(130, 40))
    brief = engine_for(server).brief(ARTICLE)

    assert claim_ids(brief) == ["c1", "c2"]
    reask = server.completions()[1]
    assert reask.messages[-2] == {"role": "assistant", "content": broken}
    assert "json" in last_user_turn(reask).lower()
    assert brief.meta.attempts == 2
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens) == (230, 45)


INVENTED = {"statement": "The council voted to close the bridge.", "attribution": "narration",
            "quotes": ["the council decided to shut the bridge"]}  # fmt: skip
REAL_QUOTE = "The city council voted 7-2 on Tuesday to close the Elm Street bridge"


def test_an_unfound_quote_is_asked_for_again_alone_and_the_answer_grounds_it(
    server: ScriptedServer,
) -> None:
    server.answer(with_claim(INVENTED), usage=(300, 90))
    server.answer({"items": [{"id": "c3", "quotes": [REAL_QUOTE]}]}, usage=(200, 20))
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    first, again = server.completions()
    asked = last_user_turn(again)
    assert "c3:" in asked and INVENTED["statement"] in asked
    assert '"the council decided to shut the bridge"' in asked  # the words that failed
    assert "c1:" not in asked and "c2:" not in asked  # only what failed is asked for
    assert prompts.system_message() not in json.dumps(again.messages)  # not the whole brief
    assert again.body["max_tokens"] < first.body["max_tokens"]
    assert f"<article>\n{ARTICLE}\n</article>" in asked  # delimited like the brief's
    claim = next(c for c in brief.claims if c.id == "c3")
    assert claim.statement == INVENTED["statement"]
    assert [e.text for e in claim.evidence] == [REAL_QUOTE]
    assert_grounded(brief, ARTICLE)
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens) == (500, 110)


def test_an_item_still_unfound_after_the_requote_is_dropped_alone(server: ScriptedServer) -> None:
    server.answer(with_claim(INVENTED))
    server.answer({"items": [{"id": "c3", "quotes": ["still not in the article at all"]}]})
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    assert len(server.completions()) == 2  # one requote, never a loop
    assert claim_ids(brief) == ["c1", "c2"]
    warnings = " | ".join(brief.meta.warnings)
    assert "claim c3 dropped: no quote from the article supports it" in warnings
    assert_grounded(brief, ARTICLE)


def mostly_invented() -> dict[str, Any]:
    answer = with_claim(INVENTED)
    answer["claims"][1]["evidence"] = ["the engineers were fired"]
    answer["unknowns"][0]["evidence"] = ["nobody knows anything"]
    return answer


def test_every_lost_item_goes_in_one_requote_and_the_good_ones_stay(
    server: ScriptedServer,
) -> None:
    server.answer(mostly_invented())
    server.answer({"items": [{"id": "u1", "quotes": ["Officials did not say how much"]}]})
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    asked = last_user_turn(server.completions()[1])
    assert [tag in asked for tag in ("c1:", "c2:", "c3:", "u1:")] == [False, True, True, True]
    assert claim_ids(brief) == ["c1"]  # c2 and c3 were not answered: dropped
    assert [e.text for e in brief.unknowns[0].evidence] == ["Officials did not say how much"]


def test_no_requote_when_reasks_are_off_or_nothing_is_lost(server: ScriptedServer) -> None:
    server.answer(with_claim(INVENTED))
    brief = engine_for(server, max_reasks=0).brief(ARTICLE)
    assert len(server.completions()) == 1 and claim_ids(brief) == ["c1", "c2"]

    server.answer(GOOD)
    engine_for(server, max_reasks=2).brief(ARTICLE)
    assert len(server.completions()) == 2  # the good answer cost one request


def test_a_failed_requote_keeps_the_brief_and_says_so(server: ScriptedServer) -> None:
    server.answer(with_claim(INVENTED))
    server.content("no JSON here at all")
    brief = engine_for(server, max_reasks=2).brief(ARTICLE)

    assert len(server.completions()) == 2  # a bad requote answer is not re-asked
    assert claim_ids(brief) == ["c1", "c2"]
    assert any("asking again for 1 items' quotes failed" in w for w in brief.meta.warnings)


def test_an_empty_answer_is_reasked_with_what_was_wrong(server: ScriptedServer) -> None:
    server.answer({"brief": {}})
    server.answer(GOOD)
    brief = engine_for(server).brief(ARTICLE)
    assert claim_ids(brief) == ["c1", "c2"]
    assert "The answer holds no brief" in last_user_turn(server.completions()[1])


# --------------------------------------------------------------------------- #
# The check, without HTTP
# --------------------------------------------------------------------------- #


def test_checker_reasks_only_an_empty_answer() -> None:
    dangling = with_claim(
        {
            "id": "c3",
            "statement": "x",
            "source_id": "s9",
            "attribution": "narration",
            "evidence": ["Mayor Ana Ruiz said"],
        }
    )
    checker = Checker(ARTICLE)
    assert checker.problems(DraftBrief.model_validate(dangling)) == []  # mended, not re-asked
    assert checker.problems(DraftBrief.model_validate(mostly_invented())) == []  # requoted
    empty = checker.problems(DraftBrief.model_validate({"brief": {}}))
    assert len(empty) == 1 and empty[0].startswith("The answer holds no brief")
    assert checker.evidence("Mayor Ana Ruiz said") is not None
    assert checker.evidence("made of cheese") is None
