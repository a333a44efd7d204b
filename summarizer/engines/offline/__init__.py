"""The offline engine: spaCy attribution extraction, no model server, no key.

Modules, in the order the pipeline uses them:

* ``pipeline``: the engine, ``Analysis`` (what the steps have found so far in one
  article) and the order of the steps (``analyse``, ``build_brief``);
* ``nlp``: the spaCy model, loaded once, and parsing;
* ``quotes``: quotations, found on the characters alone;
* ``cues``: the words that report speech or stance, and who speaks;
* ``bounds``: where what a cue reports begins and ends;
* ``attribution``: who said what (cue, content, source), with character intervals;
* ``parties``: entity mentions grouped into the story's actors;
* ``sources``: the source each attribution rests on, named or anonymous;
* ``claims``: attributed and narration claims, ranked;
* ``unknowns``: what the article says is not known;
* ``questions``: the open questions that follow from the brief;
* ``wording``: statements and questions made from the article's words.
"""

from summarizer.engines.offline.pipeline import OfflineEngine

__all__ = ["OfflineEngine"]
