"""The LLM engine: any OpenAI-compatible endpoint, through ``openai`` and ``instructor``."""

from summarizer.engines.llm.engine import LLMEngine

__all__ = ["LLMEngine"]
