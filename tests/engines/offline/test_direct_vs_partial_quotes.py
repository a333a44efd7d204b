"""Direct quote or paraphrase: only content that IS a quotation is a direct quote.

A paraphrase that carries a few quoted words ("a partial quote") overlaps a quotation
but is the reporter's sentence, so it stays a paraphrase, in the attribution and in
the brief's claim.
"""

from __future__ import annotations

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import Attribution, extract
from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.engines.offline.quotes import quotations

WHOLE = [
    "Reyes said: “The plant will close in March.”",
    "“The plant will close in March,” Reyes said.",
    'Reyes said: "The plant will close in March."',
]
PARTIAL = [
    "Senator Jane Miller said the budget was “dead on arrival” in the Senate.",
    'Miller said the bill was "dead on arrival" and would not pass.',
    "The mayor called the report “a political hit job” and said she would fight it.",
]


def attributions(text: str) -> list[Attribution]:
    items = extract(nlp.parse(text))
    assert items, f"no attribution found in {text!r}"
    return items


def overlaps_a_quotation(item: Attribution, text: str) -> bool:
    return any(q.overlaps(piece) for q in quotations(text) for piece in item.content)


@pytest.mark.parametrize("text", WHOLE)
def test_content_that_is_a_quotation_is_direct(text: str) -> None:
    (item,) = attributions(text)
    (quote,) = quotations(text)
    assert item.direct is True
    assert quote.start <= item.content[0].start and item.content[-1].end <= quote.end

    (claim,) = OfflineEngine().brief(text).claims
    assert claim.attribution == "direct_quote"
    assert all(quote.start <= e.start and e.end <= quote.end for e in claim.evidence)


@pytest.mark.parametrize("text", PARTIAL)
def test_a_paraphrase_carrying_quoted_words_is_not_direct(text: str) -> None:
    items = attributions(text)
    quoting = [item for item in items if overlaps_a_quotation(item, text)]
    assert quoting, "the test needs content that overlaps a quotation"
    assert all(item.direct is False for item in quoting)

    claims = OfflineEngine().brief(text).claims
    assert claims
    assert [c.attribution for c in claims] == ["paraphrase"] * len(claims)
