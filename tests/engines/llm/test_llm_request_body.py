"""The request ``stream_chat`` posts is, byte for byte, the one openai's ``create`` sends.

What ``stream_chat`` adds (``stream``, ``stream_options``, its timeout) must leave
the request otherwise as ``create`` sends it; a body built by hand to skip
``create``'s per-request transform would have to pass this too. Both go to
``ScriptedServer`` on 127.0.0.1, which records each body as parsed (keys in the
order sent).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from scripted_server import ScriptedServer

from summarizer.config import Mode
from summarizer.engines.llm.draft import Brief
from summarizer.engines.llm.modes import response_format, strict_tools
from summarizer.engines.llm.streaming import stream_chat

MESSAGES = [
    {"role": "system", "content": "Brief the article. Ünïcode, \"quotes\" and </article>."},
    {"role": "user", "content": "<article>\nThe council voted 7-2.\n</article>"},
]
CALL = {"id": "call_1", "type": "function",
        "function": {"name": "Brief", "arguments": '{"summary": "x"}'}}  # fmt: skip
REASKED = [
    *MESSAGES,
    {"role": "assistant", "content": "", "tool_calls": [CALL]},
    {"role": "tool", "tool_call_id": "call_1", "content": "Validation error: no claims"},
]
REQUESTS: dict[str, dict[str, Any]] = {
    "json": {"messages": MESSAGES, "model": "m", "temperature": 0.0,
             "response_format": {"type": "json_object"}, "max_tokens": 700},
    "json_schema_strict": {"messages": MESSAGES, "model": "m", "temperature": 0.2,
                           "response_format": response_format(Mode.json_schema_strict, Brief)},
    "tools_reasked": {"messages": REASKED, "model": "m", "tools": strict_tools(Brief),
                      "tool_choice": {"type": "function", "function": {"name": "Brief"}}},
    "extra_body": {"messages": MESSAGES, "model": "m", "max_tokens": None,
                   "extra_body": {"tools": strict_tools(Brief), "top_k": 20}},
    "not_plain_json": {"messages": tuple(MESSAGES), "model": "m", "stop": ("\n\n",)},
}  # fmt: skip


HOW = {  # stream_chat's options, and what openai's create is given for them
    "streamed with usage": ({}, {"stream": True, "stream_options": {"include_usage": True}}),
    "streamed": ({"usage": False}, {"stream": True}),
    "whole": ({"usage": False, "stream": False}, {"stream": False}),
}


async def both_ways(server: ScriptedServer, request: dict[str, Any], how: str) -> None:
    ours, theirs = HOW[how]
    async with openai.AsyncOpenAI(base_url=server.url, api_key="k", max_retries=0) as client:
        create = client.chat.completions.with_streaming_response.create
        async with create(**request, **theirs, timeout=11.0) as response:
            await response.read()
        await stream_chat(client, request, timeout=10.0, stall_timeout=5.0, **ours)


@pytest.mark.parametrize("how", sorted(HOW))
@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_the_body_and_headers_are_those_openai_create_sends(
    server: ScriptedServer, name: str, how: str
) -> None:
    server.answer({"summary": "x"})
    server.answer({"summary": "x"})
    asyncio.run(both_ways(server, REQUESTS[name], how))

    by_create, ours = server.completions()
    assert json.dumps(ours.body) == json.dumps(by_create.body)  # nested key order too
    assert ours.headers == by_create.headers
    assert ours.body["stream"] is HOW[how][1]["stream"]
