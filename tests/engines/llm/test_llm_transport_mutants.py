"""Transport rules the mutation run found untested: the one TLS context every HTTP client
shares, the chat resource built when a client opens, and where "the budget is spent" starts.

These are checked without timing: the context by identity, the resource on the
client, the budget boundary on a clock held still.
"""

from __future__ import annotations

import asyncio
import ssl
from types import SimpleNamespace
from typing import Any

import pytest

from summarizer.engines.llm import transport
from summarizer.engines.llm.transport import (
    MIN_REQUEST_SECONDS,
    ClientPool,
    TransportPolicy,
    tls_context,
)

URL = "http://127.0.0.1:9/v1"


def context_of(client: Any) -> ssl.SSLContext | None:
    """The TLS context the client's connection pool verifies servers with."""
    context: ssl.SSLContext | None = client._client._transport._pool._ssl_context
    return context


def test_every_client_verifies_with_the_one_context_built_once() -> None:
    shared = tls_context()
    if shared is None:
        pytest.skip("openai here is not on httpx2: each client builds its own TLS context")
    assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname

    async def open_one(pool: ClientPool) -> Any:
        async with pool.client() as client:
            return context_of(client)

    first, second = ClientPool(api_key="k", base_url=URL), ClientPool(api_key="k", base_url=URL)
    seen = [asyncio.run(open_one(pool)) for pool in (first, first, second)]  # a loop each
    assert all(context is shared for context in seen)


def test_without_a_shared_context_the_client_still_verifies_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tls_context() is None when openai's HTTP library is not httpx2 (openai>=1.40 allows
    older ones): then openai builds the client, with its own verifying context."""
    monkeypatch.setattr(transport, "tls_context", lambda: None)
    client = ClientPool(api_key="k", base_url=URL)._open()
    try:
        context = context_of(client)
        assert context is not None and context is not tls_context()  # openai built its own
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        asyncio.run(client.close())


def test_opening_a_client_builds_what_its_first_request_needs() -> None:
    """openai builds a client's chat resource, importing its modules (0.4 s), on first
    use: done when the client opens, not inside the first request's timeout."""
    client = ClientPool(api_key="k", base_url=URL)._open()
    try:
        assert "chat" in vars(client)  # the resource openai caches on the client when built
    finally:
        asyncio.run(client.close())


@pytest.mark.parametrize("left", [0.0, 0.03, MIN_REQUEST_SECONDS, 0.07, 5.0])
def test_the_budget_is_spent_exactly_when_a_request_would_overrun_it(
    monkeypatch: pytest.MonkeyPatch, left: float
) -> None:
    """A request is never given less than MIN_REQUEST_SECONDS; the budget counts as spent
    when even that would run past the deadline, and not when it just fits."""
    now = 0.0  # so that ``deadline - now`` is exactly ``left``
    monkeypatch.setattr(transport, "time", SimpleNamespace(monotonic=lambda: now))
    rules = TransportPolicy(URL, max_attempts=3, total_timeout=60, request_timeout=7)
    deadline = now + left
    assert deadline - now == left
    assert rules._spent(deadline) == (rules.timeout(deadline) > left)
