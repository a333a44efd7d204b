"""A fake engine for tests that need a brief but not spaCy or HTTP.

``FakeEngine`` briefs any text the same simple way: its first sentence is the
summary and one claim, grounded at its real offsets, so batch, eval, cache and
render tests see a valid, grounded brief in microseconds. Use the
``fake_engine`` fixture (conftest.py): every engine the code asks for is it.
"""

from __future__ import annotations

from summarizer.engines import Engine, EngineIdentity
from summarizer.schema import ArticleBrief, Claim, Evidence, Meta, Source, Usage
from summarizer.spans import CharInterval
from summarizer.text import sentence_spans

FAKE_MODEL = "fake-model"
FAKE_PROMPT_VERSION = "fake-1"


class FakeEngine(Engine):
    name = "llm"
    calls = 0  # briefs made, over every instance (batch tests count engine work)

    async def abrief(self, text: str) -> ArticleBrief:
        type(self).calls += 1
        start, end = next((s, e) for s, e in sentence_spans(text) if text[s:e].strip())
        first = text[start:end].rstrip()
        evidence = Evidence.at(text, CharInterval(start, start + len(first)))
        source = Source(id="s1", label="the writer's source", anonymous=True, evidence=[])
        claim = Claim(id="c1", statement=first.strip(), source_id="s1",
                      attribution="paraphrase", evidence=[evidence])  # fmt: skip
        usage = Usage(prompt_tokens=len(text) // 4, completion_tokens=10,
                      total_tokens=len(text) // 4 + 10)  # fmt: skip
        meta = Meta(engine="llm", model=FAKE_MODEL, prompt_version=FAKE_PROMPT_VERSION,
                    usage=usage)  # fmt: skip
        return ArticleBrief(summary=first.strip(), sources=[source], claims=[claim], meta=meta)

    async def identify(self) -> EngineIdentity:
        return EngineIdentity(self.name, model=FAKE_MODEL, prompt_version=FAKE_PROMPT_VERSION)
