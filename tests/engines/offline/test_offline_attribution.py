"""Attribution forms news uses, each on a short text written for the test."""

from __future__ import annotations

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import Attribution, extract


def found(text: str) -> list[Attribution]:
    return extract(nlp.parse(text))


def only(text: str) -> Attribution:
    items = found(text)
    assert len(items) == 1, [item.text(text) for item in items]
    return items[0]


def source_of(item: Attribution, text: str) -> str:
    assert item.source is not None
    return item.source.of(text)


def cue_of(item: Attribution, text: str) -> str:
    return item.cue.of(text)


@pytest.mark.parametrize(
    ("text", "source", "content", "cue"),
    [
        ("Senator Jane Miller said the budget would pass next week.",
         "Senator Jane Miller", "the budget would pass next week", "said"),
        ("The budget will pass next week, Miller said.",
         "Miller", "The budget will pass next week", "said"),
        ("Reyes told reporters that the plant would close in March.",
         "Reyes", "the plant would close in March", "told"),
        ("According to the county clerk, the ballots were counted twice.",
         "the county clerk", "the ballots were counted twice", "According to"),
        ("The ballots were counted twice, according to the county clerk.",
         "the county clerk", "The ballots were counted twice", "according to"),
        ("The deal collapsed on Friday, sources said.",
         "sources", "The deal collapsed on Friday", "said"),
        ("In a statement, the company said it would appeal the ruling.",
         "the company", "it would appeal the ruling", "said"),
        ("Smith said in an interview that taxes would rise.",
         "Smith", "taxes would rise", "said"),
        ("The mayor denied the allegations on Tuesday.",
         "The mayor", "the allegations", "denied"),
    ],
)
def test_indirect_forms(text: str, source: str, content: str, cue: str) -> None:
    item = only(text)
    assert source_of(item, text) == source
    assert item.text(text) == content
    assert cue_of(item, text) == cue
    assert item.direct is False


def test_quote_then_inverted_source() -> None:
    text = "“We will win this fight,” said Governor Tom Reyes."
    item = only(text)
    assert item.text(text) == "“We will win this fight,”"
    assert source_of(item, text) == "Governor Tom Reyes"
    assert item.direct is True


def test_quote_spanning_sentences_after_colon() -> None:
    text = "Reyes said: “The plant will close. Nobody will lose their pension.” He left."
    item = only(text)
    assert item.text(text) == "“The plant will close. Nobody will lose their pension.”"
    assert item.direct is True


def test_quote_continued_in_next_sentence_is_a_second_piece() -> None:
    text = "“We are ready,” Reyes said. “The trucks leave at dawn.”"
    item = only(text)
    pieces = [piece.of(text) for piece in item.content]
    assert pieces == ["“We are ready,”", "“The trucks leave at dawn.”"]


def test_cue_inside_a_quotation_is_not_a_new_attribution() -> None:
    text = "“I think we will win,” Reyes said."
    item = only(text)
    assert cue_of(item, text) == "said"
    assert item.text(text) == "“I think we will win,”"


def test_participle_shares_the_subject_of_its_head() -> None:
    text = "The vote was delayed, he said, adding that a new date would be set soon."
    items = found(text)
    by_cue = {cue_of(item, text): item for item in items}
    assert set(by_cue) == {"said", "adding"}
    assert by_cue["adding"].text(text) == "a new date would be set soon"
    assert source_of(by_cue["adding"], text) == "he"


def test_headline_name_colon() -> None:
    text = "Miller: Budget Deal Is Dead In The Water\nThe senator spoke on Monday."
    item = only(text)
    assert source_of(item, text) == "Miller"
    assert item.text(text) == "Budget Deal Is Dead In The Water"


def test_narration_has_no_attribution() -> None:
    assert found("The bridge opened in 1932 and carries four lanes of traffic.") == []


def test_offsets_index_the_text_exactly() -> None:
    text = "Intro line.\n\n“Prices will fall,” the minister said on Monday."
    item = only(text)
    start, end = item.content[0].start, item.content[0].end
    assert text[start:end] == "“Prices will fall,”"
    assert source_of(item, text) == "the minister"


def test_relative_who_speaks_for_the_person_not_the_noun_it_hangs_on() -> None:
    text = ('"It was not a convincing argument," said one Democrat familiar with the '
            'discussion, who added that the White House seemed rattled by the opposition.')
    items = found(text)
    added = next(item for item in items if cue_of(item, text) == "added")
    said = next(item for item in items if cue_of(item, text) == "said")
    assert source_of(added, text) == "one Democrat familiar with the discussion"
    # The relative clause belongs to neither source span.
    assert source_of(said, text) == "one Democrat familiar with the discussion"


# --------------------------------------------------------------------------- #
# More cue forms
# --------------------------------------------------------------------------- #


def test_nominal_cue_reports_a_stance() -> None:
    text = "Residents welcomed the mayor's call for a new bridge."
    item = only(text)
    assert cue_of(item, text) == "call for"
    assert source_of(item, text) == "the mayor's"
    assert item.text(text) == "a new bridge"


def test_continue_is_a_cue_only_before_a_quotation() -> None:
    text = "The mayor continued: “We will rebuild the bridge.”"
    item = only(text)
    assert cue_of(item, text) == "continued"
    assert item.text(text) == "“We will rebuild the bridge.”"
    assert found("The mayor continued the tour of the harbour on Monday.") == []


def test_requested_anonymity_to_discuss_is_no_statement() -> None:
    text = "The official requested anonymity to discuss the negotiations."
    assert found(text) == []


def test_every_interval_indexes_the_text() -> None:
    text = ("“The plant will close,” Reyes said. “Nobody will lose their pension.” "
            "According to the union, 300 jobs are at stake.")
    for item in found(text):
        for interval in (item.cue, *item.content):
            assert 0 <= interval.start < interval.end <= len(text)
        assert item.source is None or item.source.of(text).strip()
