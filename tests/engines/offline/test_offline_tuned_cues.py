"""Cue words added or dropped after counting PolNeAR's train cues, and the cue set
inside the clause it reports, each on a short text written for the test."""

from __future__ import annotations

import pytest

from summarizer.engines.offline import OfflineEngine, nlp
from summarizer.engines.offline.attribution import extract


@pytest.mark.parametrize(
    ("text", "source", "content", "cue"),
    [
        ("Governor Ann Patel assured voters that the bridge would reopen in May.",
         "Governor Ann Patel", "the bridge would reopen in May", "assured"),
        ("The judge ruled that the new district map was unlawful.",
         "The judge", "the new district map was unlawful", "ruled"),
        # The tagger gives "hoping" the lemma "hop".
        ("Mayor Tom Reed is hoping that the council will approve the budget.",
         "Mayor Tom Reed", "the council will approve the budget", "hoping"),
        # "A, X said, B": the content runs over the cue clause in its middle.
        ("In any case, Mr. Ortiz said, the county has far too many golf courses.",
         "Mr. Ortiz", "In any case, Mr. Ortiz said, the county has far too many golf courses",
         "said"),
        ("Senator Kim Lee voiced her opposition to the new pipeline.",
         "her", "the new pipeline", "opposition to"),
    ],
)
def test_tuned_cue_gives_content_and_source(text: str, source: str, content: str,
                                            cue: str) -> None:
    (item,) = extract(nlp.parse(text))
    assert item.cue.of(text) == cue
    assert item.text(text) == content
    assert item.source is not None and item.source.of(text) == source


@pytest.mark.parametrize(
    "text",
    ["The mayor felt tired after the long council meeting ran late.",
     "The senator posted a photo of the new bridge on Sunday."],
)
def test_dropped_cue_reports_nothing(text: str) -> None:
    assert extract(nlp.parse(text)) == []


def test_tuned_cue_makes_a_claim_of_its_speaker() -> None:
    text = ("Governor Ann Patel assured voters on Monday that the old bridge over the "
            "river would reopen in May.")
    brief = OfflineEngine().brief(text)
    names = {source.id: source.label for source in brief.sources}
    claims = [c for c in brief.claims if c.source_id is not None]
    assert any("reopen in May" in c.evidence[0].text and "Patel" in names[c.source_id]
               for c in claims)


@pytest.mark.parametrize("marks", ['""', "“”"])
@pytest.mark.parametrize(("first", "source", "cue", "second"), [
    ("It is not fair,", "he", "says", "there are people who never get listened to."),
    ("We lost,", "the coach", "said", "but we will be back next year."),
])
def test_a_cue_inside_a_quotation_gives_a_direct_quote_in_two_pieces(
    marks: str, first: str, source: str, cue: str, second: str,
) -> None:
    # '"A," X said, "B"': the parser may hang the cue on B's clause, but the cue interrupts
    # one quotation; the cue itself is never part of what was said.
    o, c = marks
    text = f"{o}{first}{c} {source} {cue}, {o}{second}{c}"
    (item,) = extract(nlp.parse(text))
    assert [piece.of(text) for piece in item.content] == [f"{o}{first}{c}", f"{o}{second}{c}"]
    assert item.direct and item.source is not None and item.source.of(text) == source
