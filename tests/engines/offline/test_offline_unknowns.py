"""Unknowns: what the article itself says is not known, disclosed, decided or explained."""

from __future__ import annotations

from itertools import combinations

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.engines.offline.unknowns import FoundUnknown, find_unknowns, to_unknowns
from summarizer.schema import ArticleBrief


def unknowns_of(text: str) -> list[FoundUnknown]:
    return find_unknowns(nlp.parse(text))


def evidence_of(text: str) -> list[str]:
    return [u.evidence.of(text) for u in unknowns_of(text)]


def test_seed_unknowns(seed_brief: ArticleBrief) -> None:
    evidence = [e.text for u in seed_brief.unknowns for e in u.evidence]
    assert any("did not elaborate on specific plans" in text for text in evidence)
    assert any(text.startswith("has not signed an agreement") for text in evidence)
    assert len(seed_brief.unknowns) == 2


def test_declined_to_comment_and_unclear_are_unknowns() -> None:
    text = ("The company declined to comment on the layoffs. "
            "It is unclear whether the factory will reopen.")
    brief = OfflineEngine().brief(text)
    evidence = [u.evidence[0].text for u in brief.unknowns]
    assert any(e.startswith("declined to comment") for e in evidence)
    assert any("whether the factory will reopen" in e for e in evidence)


@pytest.mark.parametrize("text, evidence", [
    ("The company has yet to decide on a buyer.", "has yet to decide on a buyer"),
    ("It remains to be seen whether the truce will hold.",
     "It remains to be seen whether the truce will hold"),
    ("Smith could not be reached for comment.", "could not be reached for comment"),
    ("The ministry gave no details about the plan.", "gave no details about the plan"),
    ("The case against Mr. Quiros is pending.", "The case against Mr. Quiros is pending"),
    ("The claim could not be independently verified.",
     "could not be independently verified"),
])
def test_more_ways_an_article_says_something_is_not_known(text: str, evidence: str) -> None:
    brief = OfflineEngine().brief(text)
    assert [u.evidence[0].text for u in brief.unknowns] == [evidence]


@pytest.mark.parametrize("text", [
    "Police said he refused to keep his hands up.",
    "The foundation received $26 million in previously undisclosed payments.",
])
def test_acts_and_things_now_disclosed_are_not_unknowns(text: str) -> None:
    assert OfflineEngine().brief(text).unknowns == []


def test_a_compound_like_well_known_is_not_an_unknown() -> None:
    text = "The traffic jams weren't well-known among the public until months later."
    assert OfflineEngine().brief(text).unknowns == []


# --------------------------------------------------------------------------- #
# Through the public functions, on short texts
# --------------------------------------------------------------------------- #


def test_details_not_given_name_who_withheld_them() -> None:
    [unknown] = unknowns_of("The senator did not elaborate on specific plans.")
    assert unknown.subject == "The senator"
    assert unknown.statement == "The senator did not elaborate on specific plans."


def test_an_agreement_not_signed_is_a_decision_not_yet_made() -> None:
    text = "The two countries have not signed an agreement."
    assert evidence_of(text) == ["have not signed an agreement"]
    [unknown] = unknowns_of(text)
    assert unknown.subject == "The two countries"


def test_not_clear_whether_keeps_what_is_unclear() -> None:
    text = "It was not clear whether the talks would resume."
    [unknown] = unknowns_of(text)
    assert "whether the talks would resume" in unknown.evidence.of(text)
    assert unknown.statement.endswith(".")


@pytest.mark.parametrize("text", [
    "The spokesman commented on the plan.",
    "She signed the agreement on Monday.",
    "The mayor explained the plan in detail.",
    "It is clear that the bridge will open in May.",
])
def test_what_the_article_does_tell_is_no_unknown(text: str) -> None:
    assert unknowns_of(text) == []


def test_each_unknown_once_in_text_order_and_none_overlapping() -> None:
    text = ("The minister declined to comment. It was not clear whether the talks would "
            "resume. The two countries have not signed an agreement.")
    found = unknowns_of(text)
    assert len(found) == 3
    starts = [u.evidence.start for u in found]
    assert starts == sorted(starts)
    assert not any(a.evidence.overlaps(b.evidence) for a, b in combinations(found, 2))


def test_unknowns_for_the_brief_carry_ids_and_grounded_evidence() -> None:
    text = "The minister declined to comment. The two countries have not signed an agreement."
    found = unknowns_of(text)
    unknowns = to_unknowns(found, text)
    assert [u.id for u in unknowns] == ["u1", "u2"]
    assert [u.statement for u in unknowns] == [f.statement for f in found]
    for unknown in unknowns:
        [evidence] = unknown.evidence
        assert text[evidence.start : evidence.end] == evidence.text
