"""What our instructions and schema cost per request, counted offline with o200k.

Builds the engine's real first request (system prompt, user template, and
whatever instructor adds for the mode: the schema in the system prompt for
JSON modes, a tool definition for tools) without sending it, and counts its
tokens with OpenAI's o200k tokenizer, minus the article's own tokens. The
figure for the prompts at git ``HEAD`` is printed beside it ("before"), so a
change shows its effect. Target: at most 700.

    pip install -e '.[bench]'
    python benchmarks/prompt_tokens.py [--mode json|tools|md_json] [--article FILE] [--all]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import bpe_openai
import instructor

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a632362f40734eb3.txt"
TARGET = 700
ENC = bpe_openai.get_encoding("o200k_base")


def tokens(text: str) -> int:
    return len(ENC.encode(text))


def request_for(mode: instructor.Mode, article: str) -> dict[str, Any]:
    """The keyword arguments the engine's first request for ``article`` is made with."""
    from summarizer.engines.llm.draft import Brief
    from summarizer.engines.llm.engine import prompt_messages, with_article

    sent: dict[str, Any] = {}

    async def create(**kwargs: Any) -> Any:
        sent.update(with_article(kwargs, article))
        raise RuntimeError("counted, not sent")

    patched: Any = instructor.patch(create=create, mode=mode)
    with contextlib.suppress(Exception):  # the request is what we wanted, not an answer
        asyncio.run(patched(response_model=Brief, messages=prompt_messages(), model="m",
                            max_retries=0))  # fmt: skip
    if not sent:
        raise SystemExit("instructor built no request")
    return sent


def request_tokens(request: dict[str, Any]) -> int:
    """Tokens of every message's text, and of the tool definitions if any (compact JSON)."""
    count = sum(tokens(str(m.get("content") or "")) for m in request["messages"])
    if request.get("tools"):
        count += tokens(json.dumps(request["tools"], separators=(",", ":")))
    return count


def overhead(mode: instructor.Mode, article: str) -> int:
    return request_tokens(request_for(mode, article)) - tokens(article)


def before(mode_name: str, article: Path) -> str:
    """The same figure for the code at git HEAD, from a scratch worktree-free export."""
    script = (
        "import sys; sys.path.insert(0, 'SRC'); "
        "from benchmarks.prompt_tokens import overhead, MODES; from pathlib import Path; "
        f"print(overhead(MODES[{mode_name!r}], Path({str(article)!r}).read_text('utf-8')))"
    )
    try:
        tmp = subprocess.run(["mktemp", "-d"], capture_output=True, text=True, check=True)
        src = tmp.stdout.strip()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"],
                                 capture_output=True, check=True)  # fmt: skip
        subprocess.run(["tar", "-x", "-C", src], input=archive.stdout, check=True)
        (Path(src) / "summarizer" / "prompts").mkdir(exist_ok=True)
        for template in (Path(src) / "prompts").glob("*"):
            (Path(src) / "summarizer" / "prompts" / template.name).write_bytes(
                template.read_bytes()
            )
        (Path(src) / "benchmarks" / "prompt_tokens.py").write_text(
            Path(__file__).read_text(encoding="utf-8"), encoding="utf-8"
        )
        done = subprocess.run([sys.executable, "-c", script.replace("SRC", src)],
                              capture_output=True, text=True, cwd=src)  # fmt: skip
        return done.stdout.strip() or f"n/a ({done.stderr.strip().splitlines()[-1:]})"
    except (OSError, subprocess.CalledProcessError) as error:
        return f"n/a ({error})"


MODES = {"json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON,
         "tools": instructor.Mode.TOOLS}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(MODES), default="json")
    parser.add_argument("--article", type=Path, default=SEED)
    parser.add_argument("--no-before", action="store_true", help="skip the git HEAD figure")
    args = parser.parse_args()

    article = args.article.read_text(encoding="utf-8")
    now = overhead(MODES[args.mode], article)
    was = "skipped" if args.no_before else before(args.mode, args.article)
    print(f"mode={args.mode} article={args.article.name} article_tokens={tokens(article)}")
    print(f"instructions + schema (o200k): before {was}, after {now} (target <= {TARGET})")
    return 0 if now <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
