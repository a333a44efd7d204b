"""The JSON Schema of the brief, as committed in schemas/.

Regenerate with ``python -m summarizer.cli.schema`` (or
``summarizer schema -o schemas/brief.schema.json``); a test fails when the
committed file is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SCHEMA_FILE = Path("schemas") / "brief.schema.json"


def schema_json() -> str:
    from summarizer.schema import ArticleBrief

    schema = ArticleBrief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_FILE
    target.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
