"""Phrasal cues: a verb that reports a stance only with its particle, object or
preposition ('took issue with X', 'made it clear that X', 'came out against X'), found
as missed cues on PolNeAR train and checked here on short texts written for the test."""

from __future__ import annotations

import pytest
from attributions import content_and_source

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import extract


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The senator took issue with the new budget plan.", "took",
         "the new budget plan", "The senator"),
        ("The mayor took aim at the bus company.", "took", "the bus company", "The mayor"),
        ("The nurses came out against the hospital merger.", "came", "the hospital merger",
         "The nurses"),
        ("The union came out in favor of the wage bill.", "came", "the wage bill", "The union"),
        ("The bishop weighed in on the dispute over the old church.", "weighed",
         "the dispute over the old church", "The bishop"),
        ("The coach stood by his remarks about the referees.", "stood",
         "his remarks about the referees", "The coach"),
        ("The judge sided with the tenants.", "sided", "the tenants", "The judge"),
        ("The pastor threw his support behind the mayor.", "threw", "the mayor", "The pastor"),
        ("The doctor spoke out against the new drug rules.", "spoke", "the new drug rules",
         "The doctor"),
        ("The banker vouched for his former partner.", "vouched", "his former partner",
         "The banker"),
        ("The governor hinted at a run for the Senate.", "hinted", "a run for the Senate",
         "The governor"),
        ("The singer opened up about her childhood in Ohio.", "opened",
         "her childhood in Ohio", "The singer"),
        ("The chef agreed with the critics.", "agreed", "the critics", "The chef"),
        ("The senator voted in favor of the farm bill.", "voted", "the farm bill",
         "The senator"),
    ],
    ids=["take issue with", "take aim at", "come out against", "come out in favor of",
         "weigh in on", "stand by", "side with", "throw support behind", "speak out against",
         "vouch for", "hint at", "open up about", "agree with", "vote in favor of"],
)
def test_a_phrasal_cue_reports_the_object_of_its_preposition(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The minister laid out his plan for the schools.", "laid",
         "his plan for the schools", "The minister"),
        ("The actor shrugged off the bad reviews.", "shrugged", "the bad reviews", "The actor"),
    ],
    ids=["lay out", "shrug off"],
)
def test_a_phrasal_cue_reports_its_object(text: str, cue: str, content: str, source: str) -> None:
    assert content_and_source(text, cue) == (content, source)


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The governor made it clear that she would veto the bill.", "made",
         "she would veto the bill", "The governor"),
        ("The chief made clear that the station would stay open.", "made",
         "the station would stay open", "The chief"),
        ("The council member made the case that the park needed more lights.", "made",
         "the park needed more lights", "The council member"),
        ("The senator shot back that the report was wrong.", "shot", "the report was wrong",
         "The senator"),
    ],
    ids=["made it clear that", "made clear that", "made the case that", "shot back that"],
)
def test_a_phrasal_cue_reports_its_that_clause(
    text: str, cue: str, content: str, source: str
) -> None:
    assert content_and_source(text, cue) == (content, source)


@pytest.mark.parametrize(
    "text",
    ["The senator took issue.", "The chef made it clear.", "The players came out of the tunnel.",
     "She took the bus to work."],
    ids=["no preposition", "no clause", "another preposition", "no key word"],
)
def test_a_phrase_without_its_content_reports_nothing(text: str) -> None:
    # A guard on the rule, not a gain: "took issue" alone must not report "issue".
    assert extract(nlp.parse(text)) == []


def test_a_cue_verb_without_its_phrase_keeps_its_other_content() -> None:
    text = "The mayor voted in May to extend the curfew."
    assert content_and_source(text, "voted") == ("to extend the curfew", "The mayor")
