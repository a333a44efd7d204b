"""How many prompt tokens our instructions and schema cost, as a llama.cpp server counts them.

Sends the engine's real first request for the article (system prompt, user
template, and whatever instructor adds for the mode, e.g. the JSON schema)
with ``max_tokens=1``, then the article alone as one user message, and prints
the difference of ``usage.prompt_tokens``: the cost of everything but the
article. Target: under 1,500.

    python -m llama_cpp.server --model <gguf> --port 8080 --n_ctx 8192 &
    python benchmarks/prompt_tokens.py --base-url http://127.0.0.1:8080/v1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path
from typing import Any

import instructor
import openai

from summarizer.config import LLMSettings
from summarizer.engines.llm.draft import Brief
from summarizer.engines.llm.engine import LLMEngine, prompt_messages, with_article

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a632362f40734eb3.txt"


async def prompt_tokens(client: openai.AsyncOpenAI, model: str, messages: list[Any]) -> int:
    response = await client.chat.completions.create(
        model=model,
        messages=messages,
        max_tokens=1,
        temperature=0,
    )
    assert response.usage is not None, "the server reported no usage"
    return response.usage.prompt_tokens


async def full_request_tokens(
    client: openai.AsyncOpenAI, mode: instructor.Mode, model: str, article: str
) -> int:
    """Prompt tokens of the request the engine sends, built by instructor as in a real call."""
    counted: list[int] = []

    async def create(**kwargs: Any) -> Any:
        ready = with_article(kwargs, article)
        ready["max_tokens"] = 1
        response = await client.chat.completions.create(**ready)
        counted.append(response.usage.prompt_tokens)
        return response

    patched: Any = instructor.patch(create=create, mode=mode)  # async, as create is
    # A one-token answer never validates: only the usage of the first request matters.
    with contextlib.suppress(Exception):
        await patched(response_model=Brief, messages=prompt_messages(), model=model, max_retries=0)
    if not counted:
        raise SystemExit("the request failed before the server answered")
    return counted[0]


async def measure(engine: LLMEngine, article: str) -> tuple[int, int]:
    """Prompt tokens of the full request, and of the article alone."""
    model = await engine.resolve_model()
    async with engine.clients.client() as client:
        total = await full_request_tokens(client, engine.mode, model, article)
        alone = await prompt_tokens(client, model, [{"role": "user", "content": article}])
    return total, alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8080/v1")
    parser.add_argument("--model", default=None)
    parser.add_argument("--mode", default="json")
    parser.add_argument("--article", type=Path, default=SEED)
    args = parser.parse_args()

    article = args.article.read_text(encoding="utf-8")
    engine = LLMEngine(LLMSettings(base_url=args.base_url, model=args.model, mode=args.mode))
    total, alone = asyncio.run(measure(engine, article))
    print(f"mode={args.mode} article={args.article.name}")
    print(f"full request: {total} prompt tokens; article alone: {alone}")
    print(f"instructions + schema: {total - alone} prompt tokens (target < 1500)")


if __name__ == "__main__":
    main()
