"""The stall cut: measured from the last chunk, however long the answer keeps coming.

``stream_chat`` keeps one timer per stream and moves it on only when it fires
(not on every chunk); these pin down that the cut still comes ``stall_timeout``
after the last chunk, and never while chunks keep arriving. Real HTTP to
``ScriptedServer`` on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import openai
import pytest
from llm_cases import GOOD
from scripted_server import ScriptedServer

from summarizer.engines.llm.streaming import StreamCut, stream_chat

REQUEST = {"model": "m", "messages": [{"role": "user", "content": "brief"}]}


async def streamed(server: ScriptedServer, stall_timeout: float) -> Any:
    async with openai.AsyncOpenAI(base_url=server.url, api_key="k", max_retries=0) as client:
        return await stream_chat(client, REQUEST, timeout=20.0, stall_timeout=stall_timeout)


def test_chunks_arriving_steadily_for_longer_than_the_stall_timeout_are_not_cut(
    server: ScriptedServer,
) -> None:
    server.answer(GOOD, chunk_chars=20, chunk_delay=0.06)  # a chunk every 60 ms, for > 1 s
    started = time.monotonic()
    answer = asyncio.run(streamed(server, stall_timeout=0.3))

    assert time.monotonic() - started > 0.9  # the stream lasted three stall timeouts and more
    assert answer.choices[0].message.content.rstrip().endswith("```")  # all of it (md_json)
    assert server.disconnects == 0


def test_a_stall_is_cut_one_stall_timeout_after_the_last_chunk(server: ScriptedServer) -> None:
    server.answer(GOOD, chunk_chars=20, chunk_delay=0.06, stall_after=12, stall_seconds=5)
    started = time.monotonic()
    with pytest.raises(StreamCut) as caught:
        asyncio.run(streamed(server, stall_timeout=0.4))
    seconds = time.monotonic() - started

    assert caught.value.stalled and caught.value.tokens == 11  # 12 events: the role, 11 texts
    assert 11 * 0.06 + 0.4 <= seconds < 3.0  # after the 12 events and the stall timeout
