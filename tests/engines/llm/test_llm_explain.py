"""The one line a user reads when the endpoint failed: what happened, and the setting
(flag and environment variable) that would help. One case per branch of
``TransportPolicy.explain``; the end-to-end paths are in test_llm_transport.py and
test_llm_endpoint_faults.py."""

from __future__ import annotations

import httpx
import openai
import pytest

from summarizer.engines.llm.streaming import StreamCut
from summarizer.engines.llm.transport import ContextExceeded, TransportPolicy

URL = "http://127.0.0.1:9/v1"
REQUEST = httpx.Request("POST", URL + "/chat/completions")


def policy() -> TransportPolicy:
    return TransportPolicy(URL, max_attempts=3, total_timeout=40, request_timeout=7,
                           stall_timeout=5)  # fmt: skip


def refused(status: int, message: str = "no", body: object = None) -> openai.APIStatusError:
    response = httpx.Response(status, request=REQUEST)
    classes = {401: openai.AuthenticationError, 403: openai.PermissionDeniedError,
               404: openai.NotFoundError, 429: openai.RateLimitError}  # fmt: skip
    return classes.get(status, openai.APIStatusError)(message, response=response, body=body)


def explained(error: openai.OpenAIError, attempts: int = 3, spent: bool = False) -> str:
    return str(policy().explain(error, attempts, "m1", spent))


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_names_the_variable(status: int) -> None:
    assert explained(refused(status)) == f"authentication refused by {URL}: check OPENAI_API_KEY"


def test_an_unknown_model_names_the_options_and_the_v1_path() -> None:
    line = explained(refused(404))
    assert line == (f"model 'm1' not found on {URL}: check --model / SUMMARIZER_MODEL "
                    "and that the URL ends in /v1")  # fmt: skip


def test_a_rate_limit_says_what_to_lower_or_raise() -> None:
    line = explained(refused(429))
    assert line.startswith(f"{URL} kept refusing with 429 rate limit (after 3 attempts): ")
    assert "--concurrency" in line and "--budget (SUMMARIZER_BUDGET)" in line


def test_a_server_error_quotes_the_server_and_counts_attempts() -> None:
    line = explained(refused(503, "busy", body={"message": "queue full"}), attempts=1)
    assert line == (
        f"{URL} kept failing with HTTP 503 (after 1 attempt): queue full; try again later"
    )


def test_another_refusal_quotes_the_status_and_message() -> None:
    line = explained(refused(422, "bad field"))
    assert line == f"{URL} rejected the request (HTTP 422): bad field"


def test_a_context_overflow_says_to_chunk_and_carries_the_window() -> None:
    error = refused(400, "This model's maximum context length is 8192 tokens, however ...")
    raised = policy().explain(error, 1, "m1")
    assert isinstance(raised, ContextExceeded)
    assert str(raised).endswith(": pass --chunk-tokens")
    assert 8192 in vars(raised).values()


def test_silence_within_the_request_timeout_says_so() -> None:
    line = explained(openai.APITimeoutError(request=REQUEST))
    assert line.startswith(f"{URL} did not answer within 7s (after 3 attempts): nothing arrived")
    assert line.endswith("raise --timeout (SUMMARIZER_TIMEOUT) if it reads long prompts slowly")


def test_silence_until_the_budget_ran_out_names_the_budget() -> None:
    line = explained(openai.APITimeoutError(request=REQUEST), spent=True)
    assert line.startswith(f"{URL} gave no answer within the 40s budget (after 3 attempts)")
    assert line.endswith(": raise --budget (SUMMARIZER_BUDGET) or check that the server is working")


def test_an_answer_still_arriving_names_timeout_and_max_tokens() -> None:
    cut = StreamCut(REQUEST, tokens=120, stalled=False, seconds=7)
    line = explained(cut)
    assert line.startswith(f"{URL} was still answering after 7s (120 tokens arrived, after 3 ")
    assert line.endswith("; raise --timeout (SUMMARIZER_TIMEOUT) or lower --max-tokens "
                         "(SUMMARIZER_MAX_TOKENS)")  # fmt: skip
    spent = explained(cut, spent=True)
    assert spent.startswith(f"the 40s budget ran out while {URL} was still answering (120 tokens")
    advice = ": raise --budget (SUMMARIZER_BUDGET) and --timeout (SUMMARIZER_TIMEOUT), or "
    assert spent.endswith(advice + "lower --max-tokens (SUMMARIZER_MAX_TOKENS)")


def test_a_stalled_stream_names_the_stall_timeout() -> None:
    line = explained(StreamCut(REQUEST, tokens=30, stalled=True, seconds=5))
    assert line.startswith(f"{URL} stopped sending: no token for 5s after 30 (after 3 attempts)")
    assert line.endswith("SUMMARIZER_STALL_TIMEOUT")


def test_a_refused_connection_asks_whether_the_server_runs() -> None:
    error = openai.APIConnectionError(request=REQUEST)
    error.__cause__ = ConnectionRefusedError("refused")
    assert explained(error) == f"cannot reach {URL}: is the server running?"
    dropped = openai.APIConnectionError(message="reset by peer", request=REQUEST)
    assert explained(dropped).startswith(f"the connection to {URL} kept failing (after 3 ")
