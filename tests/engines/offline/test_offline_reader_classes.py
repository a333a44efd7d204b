"""What a new reader hits first, as classes: each test builds the class from short
articles and checks the rule, not one remembered output."""

from __future__ import annotations

import unicodedata

import numpy
import pytest

from summarizer import summarize
from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.schema import ArticleBrief


def _brief(text: str) -> ArticleBrief:
    return OfflineEngine().brief(text)


def _source_of(brief: ArticleBrief, quote: str) -> str:
    """The label of the source of the claim whose evidence holds ``quote``."""
    claim = next(c for c in brief.claims if any(quote in e.text for e in c.evidence))
    return next(s.label for s in brief.sources if s.id == claim.source_id)


@pytest.mark.parametrize(("first", "second"), [("Mark", "Laura"), ("Bill", "Hillary")])
def test_people_who_share_a_surname_are_two_parties(first: str, second: str) -> None:
    brief = _brief(
        f"Governor {first} Ellis announced a new budget on Tuesday. \"We will cut taxes for "
        f"families,\" Ellis said.\n\n{second} Ellis, the state's insurance commissioner, said "
        f"the plan would raise premiums. \"This budget hurts patients,\" {second} Ellis said.\n"
    )
    names = [{p.name, *p.aliases} for p in brief.parties]
    firsts = [n for n in names if any(first in name for name in n)]
    seconds = [n for n in names if any(second in name for name in n)]
    assert len(firsts) == 1 and len(seconds) == 1 and firsts != seconds
    assert first in _source_of(brief, "This budget hurts") or second in _source_of(
        brief, "This budget hurts")
    assert second not in _source_of(brief, "cut taxes")
    assert first not in _source_of(brief, "This budget hurts")


@pytest.mark.parametrize("withheld", [
    "Senator Anne Hale did not say whether she would back the tariff bill.",
    "Senator Anne Hale declined to say whether she would back the tariff bill.",
    "Senator Anne Hale would not comment on whether she would back the tariff bill.",
    "Senator Anne Hale did not respond to questions about the tariff bill.",
    "Senator Anne Hale refused to say when she would decide on the tariff bill.",
])
def test_withheld_speech_is_an_unknown_and_never_a_claim(withheld: str) -> None:
    text = f"The Senate will vote on the tariff bill next week, leaders said.\n\n{withheld}\n"
    brief = _brief(text)
    start = text.index(withheld)
    end = start + len(withheld)
    assert any(start <= e.start and e.end <= end for u in brief.unknowns for e in u.evidence)
    assert not [c for c in brief.claims
                if any(e.start < end and start < e.end for e in c.evidence)]


@pytest.mark.parametrize("before", [
    "The factory closed in March after sales fell for three years.",
    "The factory closed in March after sales fell for three years",
    "Workers said the closure came without warning",
    "\"We had no warning at all,\" one worker said",
])
def test_attribution_never_crosses_a_paragraph_break(before: str) -> None:
    text = (f"{before}\n\nAccording to a company spokesman, the owners plan to sell the site "
            "to a developer next year.\n")
    brief = _brief(text)
    evidence = [e for c in brief.claims for e in c.evidence] + [
        e for s in brief.sources for e in s.evidence]
    assert evidence and all("\n" not in e.text for e in evidence)
    spokesman = next(c for c in brief.claims if "developer" in c.statement)
    assert all(e.start > text.index("\n\n") for e in spokesman.evidence)


def test_a_description_after_a_name_is_not_a_second_source() -> None:
    brief = _brief("\"This bill protects renters,\" said Senator Maria Lopez, a Democrat who "
                   "wrote the bill.\n")
    assert [s.label for s in brief.sources] == ["Senator Maria Lopez"]
    assert all(not s.anonymous for s in brief.sources)
    assert len(brief.claims) == 1


def test_the_subject_of_a_description_is_not_a_named_source() -> None:
    brief = _brief("The deal could be signed next week, according to officials familiar with "
                   "the talks, who spoke on condition of anonymity because they were not "
                   "authorized to discuss it.\n")
    assert [(s.label, s.anonymous) for s in brief.sources] == [
        ("officials familiar with the talks", True)]
    assert [c.statement for c in brief.claims] == ["The deal could be signed next week."]


def test_a_name_in_apposition_makes_a_named_source() -> None:
    brief = _brief("\"We will appeal the ruling,\" said a spokeswoman for Acme Corp., "
                   "Jane Doe.\n")
    [source] = brief.sources
    assert not source.anonymous
    assert next(p.name for p in brief.parties if p.id == source.party_id) == "Jane Doe"


def test_a_quotation_over_several_paragraphs_is_kept_whole() -> None:
    paragraphs = [
        "\"This bridge took ten years to build. It connects two neighbourhoods that were "
        "cut off for decades.",
        "\"Our city has waited a long time for this day. The workers who built it deserve "
        "our thanks.",
        "\"We will build two more bridges before 2030,\" Brown said.",
    ]
    text = "Mayor Tom Brown opened the new bridge on Monday.\n\n" + "\n\n".join(paragraphs)
    brief = _brief(text + "\n")
    quoted = [c for c in brief.claims if c.attribution == "direct_quote"]
    assert len(quoted) == 1
    said = " ".join(e.text for e in quoted[0].evidence)
    for sentence in ("took ten years", "cut off for decades", "deserve our thanks",
                     "two more bridges"):
        assert sentence in said
    assert all(c.attribution != "narration" or "bridge took" not in c.statement
               for c in brief.claims)
    assert all("neighbourhoods" not in c.statement for c in brief.claims
               if c.attribution == "narration")


def test_a_transcript_turn_is_the_speakers_and_the_speaker_is_a_person() -> None:
    text = ("Interview with President Trump at the White House on March 3.\n\n"
            "TRUMP: We are going to make a deal with China very soon. It will be a great "
            "deal.\n\nHOLT: When will the deal be signed?\n\n"
            "TRUMP: Probably in April. The Chinese want it very badly.\n")
    brief = _brief(text)
    parties = {p.id: p for p in brief.parties}
    turns = [c for c in brief.claims if "deal with China" in c.statement
             or "Probably in April" in c.statement]
    assert len(turns) == 2
    for claim in turns:
        source = next(s for s in brief.sources if s.id == claim.source_id)
        assert source.party_id is not None and parties[source.party_id].kind == "person"
        assert "Trump" in parties[source.party_id].name
    assert not [c for c in brief.claims if "When will" in c.statement]
    assert all(p.kind == "person" for p in brief.parties if "TRUMP" in (p.name, *p.aliases))


def test_a_headline_list_gives_one_line_per_claim() -> None:
    lines = ["Graham: Trump Is Destroying the Republican Party",
             "Pelosi: House Will Vote on Impeachment Next Week",
             "Schumer: Senate Democrats Will Block the Nominee"]
    brief = _brief("\n".join(lines) + "\n")
    evidence = [e for c in brief.claims for e in c.evidence]
    assert len(brief.claims) == 3
    assert all("\n" not in e.text for e in evidence)
    assert all("\n" not in name for p in brief.parties for name in (p.name, *p.aliases))


def test_a_decomposed_article_keeps_its_accented_names() -> None:
    composed = ("Senator María López said on Tuesday that the housing bill would pass. "
                "\"We have the votes,\" López said. Senator José Núñez disagreed.\n")
    text = unicodedata.normalize("NFD", composed)
    brief = _brief(text)
    names = [unicodedata.normalize("NFC", n) for p in brief.parties for n in (p.name, *p.aliases)]
    assert "Senator María López" in names
    assert "Senator José Núñez" in names
    for item in brief.evidence_items():
        assert text[item.start:item.end] == item.text
    assert _brief(composed).model_dump(exclude={"meta"})["claims"][0]["statement"] == (
        unicodedata.normalize("NFC", brief.claims[0].statement))


def test_a_str_subclass_is_briefed_like_a_plain_str() -> None:
    text = "Senator Jane Doe said the bill would pass next week, after months of talks.\n"
    brief = summarize(numpy.str_(text), engine="offline")
    assert [c.statement for c in brief.claims] == [c.statement for c in _brief(text).claims]
    assert brief.claims
