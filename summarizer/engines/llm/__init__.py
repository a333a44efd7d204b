"""The LLM engine: any OpenAI-compatible endpoint, through ``openai`` and ``instructor``.

* ``engine``: ``LLMEngine``: an article's pieces, one model call each, the brief assembled;
* ``draft``: what the model is asked to return, and the check each answer must pass;
* ``convert``: from draft to brief parts: quotes grounded, references resolved;
* ``salvage``: what can be read from an answer that never validated or was cut off;
* ``merge``: the briefs of a long article's chunks merged into one;
* ``modes``: structured-output modes, and which server is on the other end;
* ``transport``: the HTTP client, transport retries and the time budget.
"""

from summarizer.engines.llm.engine import LLMEngine

__all__ = ["LLMEngine"]
