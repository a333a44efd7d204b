"""The brief's contract: offsets, cross-references. The committed JSON Schema is checked
in tests/cli/test_schema_command.py."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.schema import ArticleBrief


def brief_dict(**changes: object) -> dict:
    data: dict = {
        "summary": "Trump spoke with Putin.",
        "parties": [{"id": "p1", "name": "Donald Trump", "kind": "person", "aliases": ["Trump"]}],
        "sources": [
            {"id": "s1", "label": "Orban", "anonymous": False, "party_id": "p1", "evidence": []}
        ],
        "claims": [
            {
                "id": "c1",
                "statement": "Americans will quit the Ukraine war.",
                "source_id": "s1",
                "attribution": "direct_quote",
                "evidence": [{"text": "quit", "start": 10, "end": 14}],
            }
        ],
        "unknowns": [{"id": "u1", "statement": "Plans.", "evidence": []}],
        "open_questions": [{"question": "What plans?", "based_on": ["u1", "c1"]}],
        "meta": {"engine": "offline"},
    }
    data.update(changes)
    return data


def test_valid_brief_round_trips_through_json() -> None:
    brief = ArticleBrief.model_validate(brief_dict())
    again = ArticleBrief.model_validate_json(brief.model_dump_json())
    assert again == brief


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("claims", [{"id": "c1", "statement": "x", "source_id": "s9", "attribution": "paraphrase"}],
         "unknown source 's9'"),
        ("sources", [{"id": "s1", "label": "x", "anonymous": True, "party_id": "p7"}],
         "unknown party 'p7'"),
        ("open_questions", [{"question": "q?", "based_on": ["zz"]}], "unknown id 'zz'"),
        ("unknowns", [{"id": "c1", "statement": "dup"}], "duplicate id 'c1'"),
    ],
)
def test_dangling_or_duplicate_ids_are_rejected(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ArticleBrief.model_validate(brief_dict(**{field: value}))


def test_open_question_may_not_point_at_a_party() -> None:
    data = brief_dict(open_questions=[{"question": "q?", "based_on": ["p1"]}])
    with pytest.raises(ValidationError, match="unknown id 'p1'"):
        ArticleBrief.model_validate(data)


@pytest.mark.parametrize(("start", "end", "text"), [(5, 5, ""), (9, 4, "abcde"), (0, 3, "ab")])
def test_evidence_offsets_must_be_consistent(start: int, end: int, text: str) -> None:
    claim = {"id": "c1", "statement": "x", "attribution": "narration",
             "evidence": [{"text": text, "start": start, "end": end}]}
    with pytest.raises(ValidationError):
        ArticleBrief.model_validate(brief_dict(claims=[claim], open_questions=[]))


def test_ungrounded_lists_evidence_that_is_not_at_its_offsets() -> None:
    article = "Orban said Americans quit soon."
    brief = ArticleBrief.model_validate(brief_dict())
    # "quit" is at 21..25 in this article, not at 10..14
    assert [e.text for e in brief.ungrounded(article)] == ["quit"]
    assert brief.ungrounded("0123456789quit") == []
